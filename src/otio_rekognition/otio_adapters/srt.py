"""OTIO adapter ``rekognition_srt``: SRT: every marker a numbered cue."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.timed_text import srt

write_to_string, write_to_file, write_cut_list = text_format("rekognition_srt", srt)
