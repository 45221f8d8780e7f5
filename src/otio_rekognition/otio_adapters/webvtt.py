"""OTIO adapter ``rekognition_webvtt``: WebVTT: every marker a cue, for players and subtitle tools."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.timed_text import webvtt

write_to_string, write_to_file, write_cut_list = text_format("rekognition_webvtt", webvtt)
