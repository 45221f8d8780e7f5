"""OTIO adapter ``rekognition_edl``: CMX3600 EDLs for Avid, Resolve and
Premiere, frame-exact, with every marker as a ``* LOC:`` line; or Resolve's
timeline-marker EDL (see otio_rekognition.writers.edl)."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import AUTO, reject_unknown, timecode_mode
from otio_rekognition.output import write_atomically
from otio_rekognition.timeline.cutlist import CutList, cut_list
from otio_rekognition.writers.edl import CMX3600, parse_flavor, write_edl

ADAPTER_NAME = "rekognition_edl"


def write_to_string(
    input_otio: otio.schema.Timeline,
    flavor: str = CMX3600,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> str:
    """Write the timeline as an EDL.

    flavor: cmx3600 (one event per shot, markers as LOC lines in record
    timecode) or resolve-markers (DaVinci Resolve's timeline-marker EDL).
    start_timecode: record start, e.g. 01:00:00:00 (default: the timeline's).
    timecode: auto (as the timeline was read), df or ndf: how 29.97/59.94 timecodes are counted.
    """
    reject_unknown(ADAPTER_NAME, unknown, ("flavor", "start_timecode", "timecode"))
    return cut_list_text(cut_list(input_otio, start_timecode, timecode_mode("timecode", timecode)), flavor)


def write_to_file(
    input_otio: otio.schema.Timeline,
    filepath: str,
    flavor: str = CMX3600,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> None:
    """write_to_string, to a file that is replaced only when complete."""
    write_atomically(filepath, write_to_string(input_otio, flavor, start_timecode, timecode, **unknown))


def write_cut_list(cuts: CutList, filepath: str, flavor: str = CMX3600, **unknown: Any) -> None:
    """The command line's way in, with a cut list made straight from a job."""
    reject_unknown(ADAPTER_NAME, unknown, ("flavor",))
    write_atomically(filepath, cut_list_text(cuts, flavor))


def cut_list_text(cuts: CutList, flavor: str) -> str:
    return write_edl(cuts, parse_flavor("flavor", flavor))
