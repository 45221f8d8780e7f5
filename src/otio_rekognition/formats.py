"""The output formats: each one's name, the OTIO adapter that writes it,
and the suffix it is written with, by itself and beside the others."""

from __future__ import annotations

# A file's suffix and the OTIO adapter that writes it (``convert -o``).
FORMATS_BY_SUFFIX = {
    ".edl": "rekognition_edl",
    ".fcpxml": "rekognition_fcpxml",
    ".xml": "rekognition_fcp7_xml",
    ".aaf": "rekognition_aaf",
    ".otio": "otio_json",
    ".otioz": "otioz",
    ".json": "rekognition",
    ".txt": "rekognition_avid_markers",
    ".csv": "rekognition_csv",
    ".vtt": "rekognition_webvtt",
    ".srt": "rekognition_srt",
    ".ffmetadata": "rekognition_ffmetadata",
}
FORMATS = {"edl": "rekognition_edl", "fcpxml": "rekognition_fcpxml", "fcp7_xml": "rekognition_fcp7_xml",
           "aaf": "rekognition_aaf", "otio": "otio_json", "otioz": "otioz", "rekognition": "rekognition",
           "avid-markers": "rekognition_avid_markers", "csv": "rekognition_csv", "webvtt": "rekognition_webvtt",
           "srt": "rekognition_srt", "webvtt-chapters": "rekognition_webvtt_chapters",
           "ffmetadata": "rekognition_ffmetadata", "youtube-chapters": "rekognition_youtube_chapters",
           "shot-changes": "rekognition_shot_changes"}  # fmt: skip
# The file each format is written to beside the others (batch, Lambda): the
# chapter and shot lists share suffixes with other formats, so they get two.
FORMAT_SUFFIXES = {"edl": ".edl", "fcpxml": ".fcpxml", "fcp7_xml": ".xml", "aaf": ".aaf", "otio": ".otio",
                   "otioz": ".otioz", "rekognition": ".json", "avid-markers": ".txt", "csv": ".csv",
                   "webvtt": ".vtt", "srt": ".srt", "webvtt-chapters": ".chapters.vtt",
                   "ffmetadata": ".ffmetadata", "youtube-chapters": ".youtube.txt",
                   "shot-changes": ".shots.txt"}  # fmt: skip
# The merged response, the record every other file of a job can be made again from.
RESPONSE_FORMAT = "rekognition"
# What batch and the Lambda handler write beside a job's files when the job or a format failed.
ERROR_SUFFIX = ".error.json"


def format_named(word: str) -> str:
    """A format as a list (``--formats``, ``OUTPUT_FORMATS``) names it: its
    name (edl, fcpxml, webvtt-chapters) or its suffix (xml, json, vtt);
    ValueError listing the accepted ones."""
    folded = word.strip().lower().lstrip(".")
    if folded in FORMATS:
        return folded
    by_suffix = {suffix.lstrip("."): name for name, suffix in FORMAT_SUFFIXES.items() if suffix.count(".") == 1}
    if folded in by_suffix:
        return by_suffix[folded]
    raise ValueError(f"unknown format {word!r}: expected one of {', '.join(FORMATS)}")
