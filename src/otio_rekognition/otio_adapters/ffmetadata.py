"""OTIO adapter ``rekognition_ffmetadata``: ffmpeg metadata chapters, to embed in an MP4 or MKV."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.timed_text import CUES, ffmetadata, parse_chapter_source

write_to_string, write_to_file, write_cut_list = text_format(
    "rekognition_ffmetadata", ffmetadata, arguments={"chapters": (CUES, parse_chapter_source)}
)
