"""OTIO adapter ``rekognition_fcp7_xml``: see otio_rekognition/fcp7_xml.py."""

from otio_rekognition.fcp7_xml import write_to_file, write_to_string

__all__ = ["write_to_file", "write_to_string"]
