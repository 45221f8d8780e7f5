"""OTIO adapter ``rekognition_csv``: A CSV of every shot and cue, for a spreadsheet."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.marker_lists import csv_list

write_to_string, write_to_file, write_cut_list = text_format("rekognition_csv", csv_list)
