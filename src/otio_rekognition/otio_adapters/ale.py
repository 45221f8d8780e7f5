"""OTIO adapter ``rekognition_ale``: an Avid Log Exchange file, a row per
shot with what Rekognition found in it (see otio_rekognition.writers.ale)."""

from otio_rekognition.otio_adapters.text_formats import bin_format, text_format
from otio_rekognition.writers.ale import ale, ale_bin

write_to_string, write_to_file, write_cut_list = text_format("rekognition_ale", ale)
write_bin = bin_format("rekognition_ale", ale_bin)
