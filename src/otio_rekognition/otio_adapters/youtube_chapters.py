"""OTIO adapter ``rekognition_youtube_chapters``: A YouTube chapter list for a video's description."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.timed_text import CUES, parse_chapter_source, youtube_chapters

write_to_string, write_to_file, write_cut_list = text_format(
    "rekognition_youtube_chapters", youtube_chapters, arguments={"chapters": (CUES, parse_chapter_source)}
)
