"""OTIO adapter ``rekognition_fcpxml``: FCPXML 1.9 to 1.14 for Final Cut Pro
(Resolve and Premiere import it too), exact at NTSC rates, with the record
start timecode and every marker (see otio_rekognition.writers.fcpxml)."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import AUTO, boolean, reject_unknown, timecode_mode
from otio_rekognition.output import write_atomically
from otio_rekognition.timeline.cutlist import CutList, cut_list
from otio_rekognition.writers.fcpxml import DEFAULT_VERSION, parse_version, write_fcpxml

ADAPTER_NAME = "rekognition_fcpxml"


def write_to_string(
    input_otio: otio.schema.Timeline,
    version: Any = DEFAULT_VERSION,
    chapter_markers: Any = False,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> str:
    """Write the timeline as FCPXML.

    version: the FCPXML version to declare, 1.9 to 1.14 (default 1.10).
    chapter_markers: write chapter markers instead of markers (true/false).
    start_timecode: record start, e.g. 01:00:00:00 (default: the timeline's).
    timecode: auto (as the timeline was read), df or ndf: how 29.97/59.94 timecodes are counted.
    """
    reject_unknown(ADAPTER_NAME, unknown, ("version", "chapter_markers", "start_timecode", "timecode"))
    return cut_list_text(
        cut_list(input_otio, start_timecode, timecode_mode("timecode", timecode)), version, chapter_markers
    )


def write_to_file(
    input_otio: otio.schema.Timeline,
    filepath: str,
    version: Any = DEFAULT_VERSION,
    chapter_markers: Any = False,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> None:
    """write_to_string, to a file that is replaced only when complete."""
    write_atomically(
        filepath, write_to_string(input_otio, version, chapter_markers, start_timecode, timecode, **unknown)
    )


def write_cut_list(
    cuts: CutList, filepath: str, version: Any = DEFAULT_VERSION, chapter_markers: Any = False, **unknown: Any
) -> None:
    """The command line's way in, with a cut list made straight from a job."""
    reject_unknown(ADAPTER_NAME, unknown, ("version", "chapter_markers"))
    write_atomically(filepath, cut_list_text(cuts, version, chapter_markers))


def cut_list_text(cuts: CutList, version: Any, chapter_markers: Any) -> str:
    return write_fcpxml(cuts, parse_version("version", version), boolean("chapter_markers", chapter_markers))
