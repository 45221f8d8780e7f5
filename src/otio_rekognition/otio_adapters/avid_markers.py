"""OTIO adapter ``rekognition_avid_markers``: Avid Media Composer's marker
list (Markers window > Import), tab separated, one marker a line."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.marker_lists import avid_markers

write_to_string, write_to_file, write_cut_list = text_format("rekognition_avid_markers", avid_markers)
