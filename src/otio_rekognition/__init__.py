"""Amazon Rekognition Video segment detection results as OpenTimelineIO timelines.

Kept light on purpose: OTIO imports every plugin package at start-up.
"""

__version__ = "0.1.0"
