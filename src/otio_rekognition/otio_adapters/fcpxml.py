"""OTIO adapter ``rekognition_fcpxml``: FCPXML 1.9 to 1.14 for Final Cut Pro
(Resolve and Premiere import it too), exact at NTSC rates, with the record
start timecode and every marker (see otio_rekognition.writers.fcpxml)."""

from __future__ import annotations

from collections.abc import Sequence

from otio_rekognition.arguments import boolean, confidence
from otio_rekognition.otio_adapters.text_formats import Argument, bin_format, text_format
from otio_rekognition.timeline.cutlist import CutList
from otio_rekognition.writers.fcpxml import DEFAULT_VERSION, Extras, parse_version, write_fcpxml, write_fcpxml_bin


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


def fcpxml_bin(
    clips: Sequence[CutList],
    version: str,
    chapter_markers: bool,
    keywords: bool,
    reject: bool,
    todo_below: float | None,
) -> str:
    """A bin as an FCPXML event of clips, with fcpxml's arguments."""
    extras = Extras(keywords=keywords, reject=reject, todo_below=todo_below)
    return write_fcpxml_bin(clips, version, chapter_markers, extras)


def _optional_confidence(name: str, value: object) -> float | None:
    return None if value is None else confidence(name, value)


_ARGUMENTS: dict[str, Argument] = {
    "version": (DEFAULT_VERSION, parse_version),
    "chapter_markers": (False, boolean),
    "keywords": (False, boolean),
    "reject": (False, boolean),
    "todo_below": (None, _optional_confidence),
}
write_to_string, write_to_file, write_cut_list = text_format("rekognition_fcpxml", fcpxml, _ARGUMENTS)
write_bin = bin_format("rekognition_fcpxml", fcpxml_bin, _ARGUMENTS)
