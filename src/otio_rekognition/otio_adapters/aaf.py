"""OTIO adapter ``rekognition_aaf``: an AAF composition for Avid Media
Composer with its cuts, record timecode and every marker as a locator (see
otio_rekognition.writers.aaf)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import AUTO, reject_unknown, timecode_mode
from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.timeline.cutlist import CutList, cut_list
from otio_rekognition.writers.aaf import write_aaf, write_aaf_bin

ADAPTER_NAME = "rekognition_aaf"


def write_to_file(
    input_otio: otio.schema.Timeline,
    filepath: str,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> None:
    """Write the timeline as an AAF file, replaced only when complete.

    start_timecode: record start, e.g. 01:00:00:00 (default: the timeline's).
    timecode: auto (as the timeline was read), df or ndf: how 29.97/59.94 timecodes are counted.
    """
    reject_unknown(ADAPTER_NAME, unknown, ("start_timecode", "timecode"))
    write_aaf(cut_list(input_otio, start_timecode, timecode_mode("timecode", timecode)), filepath)


def write_cut_list(cuts: CutList, filepath: str, **unknown: Any) -> None:
    """The command line's way in, with a cut list made straight from a job."""
    reject_unknown(ADAPTER_NAME, unknown, ())
    write_aaf(cuts, filepath)


def write_bin(clips: Sequence[CutList], filepath: str, **unknown: Any) -> None:
    """The command line's way in for several videos as a bin: a clip per video, a subclip per shot."""
    reject_unknown(ADAPTER_NAME, unknown, ())
    write_aaf_bin(clips, filepath)


def write_to_string(
    input_otio: otio.schema.Timeline, start_timecode: str | None = None, timecode: str = AUTO, **unknown: Any
) -> str:
    """AAF is a binary format that needs a file: use write_to_file."""
    raise AdapterArgumentError(
        f"{ADAPTER_NAME} writes AAF, a binary format that needs a file: "
        "use write_to_file or otioconvert -o cuts.aaf, not write_to_string"
    )
