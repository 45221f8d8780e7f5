"""OTIO adapter ``rekognition_fcp7_xml``: FCP7 XML (xmeml 5) for Premiere and
Resolve, valid against the DTD, drop frame where due, every marker as a
sequence marker (see otio_rekognition.writers.fcp7_xml)."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import AUTO, reject_unknown, timecode_mode
from otio_rekognition.output import write_atomically
from otio_rekognition.timeline.cutlist import CutList, cut_list
from otio_rekognition.writers.fcp7_xml import write_fcp7_xml

ADAPTER_NAME = "rekognition_fcp7_xml"


def write_to_string(
    input_otio: otio.schema.Timeline, start_timecode: str | None = None, timecode: str = AUTO, **unknown: Any
) -> str:
    """Write the timeline as FCP7 XML.

    start_timecode: record start, e.g. 01:00:00:00 (default: the timeline's).
    timecode: auto (as the timeline was read), df or ndf: how 29.97/59.94 timecodes are counted.
    """
    reject_unknown(ADAPTER_NAME, unknown, ("start_timecode", "timecode"))
    return write_fcp7_xml(cut_list(input_otio, start_timecode, timecode_mode("timecode", timecode)))


def write_to_file(
    input_otio: otio.schema.Timeline,
    filepath: str,
    start_timecode: str | None = None,
    timecode: str = AUTO,
    **unknown: Any,
) -> None:
    """write_to_string, to a file that is replaced only when complete."""
    write_atomically(filepath, write_to_string(input_otio, start_timecode, timecode, **unknown))


def write_cut_list(cuts: CutList, filepath: str, **unknown: Any) -> None:
    """The command line's way in, with a cut list made straight from a job."""
    reject_unknown(ADAPTER_NAME, unknown, ())
    write_atomically(filepath, write_fcp7_xml(cuts))
