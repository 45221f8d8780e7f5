"""OTIO adapter ``rekognition_edl``: see otio_rekognition/edl.py."""

from otio_rekognition.edl import write_to_file, write_to_string

__all__ = ["write_to_file", "write_to_string"]
