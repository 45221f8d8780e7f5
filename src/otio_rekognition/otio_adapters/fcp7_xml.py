"""OTIO adapter ``rekognition_fcp7_xml``: FCP7 XML (xmeml 5) for Premiere and
Resolve, valid against the DTD, drop frame where due, every marker as a
sequence marker (see otio_rekognition.writers.fcp7_xml)."""

from otio_rekognition.otio_adapters.text_formats import bin_format, text_format
from otio_rekognition.writers.fcp7_xml import write_fcp7_bin, write_fcp7_xml

write_to_string, write_to_file, write_cut_list = text_format("rekognition_fcp7_xml", write_fcp7_xml)
write_bin = bin_format("rekognition_fcp7_xml", write_fcp7_bin)
