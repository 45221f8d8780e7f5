"""OTIO adapter ``rekognition_fcpxml``: FCPXML 1.9 to 1.14 for Final Cut Pro
(Resolve and Premiere import it too), exact at NTSC rates, with the record
start timecode and every marker (see otio_rekognition.writers.fcpxml)."""

from __future__ import annotations

from otio_rekognition.arguments import boolean, confidence
from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.timeline.cutlist import CutList
from otio_rekognition.writers.fcpxml import DEFAULT_VERSION, Extras, parse_version, write_fcpxml


def fcpxml(
    cuts: CutList, version: str, chapter_markers: bool, keywords: bool, reject: bool, todo_below: float | None
) -> str:
    """Write the timeline as FCPXML.

    version: the FCPXML version to declare, 1.9 to 1.14 (default 1.10).
    chapter_markers: write chapter markers instead of markers (true/false).
    keywords: a keyword range per cue (named after its type) and per label (Keyword Collections).
    reject: a "reject" rating over colour bars, slates and black frames.
    todo_below: cues less confident than this (0-100) become to-do markers."""
    return write_fcpxml(cuts, version, chapter_markers, Extras(keywords=keywords, reject=reject, todo_below=todo_below))


def _optional_confidence(name: str, value: object) -> float | None:
    return None if value is None else confidence(name, value)


write_to_string, write_to_file, write_cut_list = text_format(
    "rekognition_fcpxml",
    fcpxml,
    arguments={
        "version": (DEFAULT_VERSION, parse_version),
        "chapter_markers": (False, boolean),
        "keywords": (False, boolean),
        "reject": (False, boolean),
        "todo_below": (None, _optional_confidence),
    },
)
