"""OTIO adapter ``rekognition_webvtt_chapters``: WebVTT chapters, for <track kind="chapters">."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.timed_text import CUES, parse_chapter_source, webvtt_chapters

write_to_string, write_to_file, write_cut_list = text_format(
    "rekognition_webvtt_chapters", webvtt_chapters, arguments={"chapters": (CUES, parse_chapter_source)}
)
