"""OTIO adapter ``rekognition_ale``: an Avid Log Exchange file, a row per
shot with what Rekognition found in it (see otio_rekognition.writers.ale)."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.ale import ale

write_to_string, write_to_file, write_cut_list = text_format("rekognition_ale", ale)
