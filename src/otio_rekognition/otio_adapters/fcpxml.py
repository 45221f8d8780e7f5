"""OTIO adapter ``rekognition_fcpxml``: FCPXML 1.9 to 1.14 for Final Cut Pro
(Resolve and Premiere import it too), exact at NTSC rates, with the record
start timecode and every marker (see otio_rekognition.writers.fcpxml)."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import AUTO, boolean, confidence, reject_unknown, timecode_mode
from otio_rekognition.output import write_atomically
from otio_rekognition.timeline.cutlist import CutList, cut_list
from otio_rekognition.writers.fcpxml import DEFAULT_VERSION, Extras, parse_version, write_fcpxml

ADAPTER_NAME = "rekognition_fcpxml"
_OWN = ("version", "chapter_markers", "keywords", "reject", "todo_below")


def write_to_string(
    input_otio: otio.schema.Timeline,
    version: Any = DEFAULT_VERSION,
    chapter_markers: Any = False,
    keywords: Any = False,
    reject: Any = False,
    todo_below: Any = None,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> str:
    """Write the timeline as FCPXML.

    version: the FCPXML version to declare, 1.9 to 1.14 (default 1.10).
    chapter_markers: write chapter markers instead of markers (true/false).
    keywords: a keyword range per cue (named after its type) and per label (Keyword Collections).
    reject: a "reject" rating over colour bars, slates and black frames.
    todo_below: cues less confident than this (0-100) become to-do markers.
    start_timecode: record start, e.g. 01:00:00:00 (default: the timeline's).
    timecode: auto (as the timeline was read), df or ndf: how 29.97/59.94 timecodes are counted.
    """
    reject_unknown(ADAPTER_NAME, unknown, (*_OWN, "start_timecode", "timecode"))
    cuts = cut_list(input_otio, start_timecode, timecode_mode("timecode", timecode))
    return cut_list_text(cuts, version, chapter_markers, keywords, reject, todo_below)


def write_to_file(
    input_otio: otio.schema.Timeline,
    filepath: str,
    version: Any = DEFAULT_VERSION,
    chapter_markers: Any = False,
    keywords: Any = False,
    reject: Any = False,
    todo_below: Any = None,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> None:
    """write_to_string, to a file that is replaced only when complete."""
    given = (version, chapter_markers, keywords, reject, todo_below, start_timecode, timecode)
    write_atomically(filepath, write_to_string(input_otio, *given, **unknown))


def write_cut_list(cuts: CutList, filepath: str, **given: Any) -> None:
    """The command line's way in, with a cut list made straight from a job."""
    reject_unknown(ADAPTER_NAME, {name: value for name, value in given.items() if name not in _OWN}, _OWN)
    write_atomically(filepath, cut_list_text(cuts, *(given.get(name, _DEFAULTS[name]) for name in _OWN)))


def cut_list_text(
    cuts: CutList, version: Any, chapter_markers: Any, keywords: Any, reject: Any, todo_below: Any
) -> str:
    extras = Extras(
        keywords=boolean("keywords", keywords),
        reject=boolean("reject", reject),
        todo_below=None if todo_below is None else confidence("todo_below", todo_below),
    )
    return write_fcpxml(cuts, parse_version("version", version), boolean("chapter_markers", chapter_markers), extras)


_DEFAULTS: dict[str, Any] = {"version": DEFAULT_VERSION, "chapter_markers": False, "keywords": False, "reject": False,
                             "todo_below": None}  # fmt: skip
