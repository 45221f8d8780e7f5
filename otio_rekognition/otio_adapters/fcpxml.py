"""OTIO adapter ``rekognition_fcpxml``: see otio_rekognition/fcpxml.py."""

from otio_rekognition.fcpxml import write_to_file, write_to_string

__all__ = ["write_to_file", "write_to_string"]
