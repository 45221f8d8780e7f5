"""OTIO adapter ``rekognition_aaf``: see otio_rekognition/aaf.py."""

from otio_rekognition.aaf import write_to_file, write_to_string

__all__ = ["write_to_file", "write_to_string"]
