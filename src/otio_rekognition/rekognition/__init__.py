"""Rekognition's GetSegmentDetection JSON, both ways, without OTIO: its
vocabulary, typed segments, and pages merged into a job."""
