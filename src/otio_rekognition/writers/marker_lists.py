"""Marker lists from a cut list: Avid Media Composer's marker list (the
Markers window's Import) and a CSV of every shot, cue and detection for a
spreadsheet."""

from __future__ import annotations

import csv
import io

from otio_rekognition import names
from otio_rekognition.timeline.cutlist import CutList, one_per_frame
from otio_rekognition.timeline.layout import KIND_CUE, KIND_NOTE, KIND_SHOT
from otio_rekognition.writers.defaults import MARKER_USER
from otio_rekognition.writers.edl import AVID_LOCATOR_COLORS, DEFAULT_COLOR
from otio_rekognition.writers.timed_text import warn_if_no_markers

AVID_TRACK = "V1"
CSV_COLUMNS = (
    "type", "name", "confidence", "record_in", "record_out", "source_in", "source_out",
    "first_frame", "last_frame", "frames", "details",
)  # fmt: skip
# A cell starting with one of these is run as a formula by Excel, LibreOffice
# or Google Sheets (OWASP's CSV injection list, with the full-width forms some
# of them also take); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def avid_markers(cuts: CutList) -> str:
    """One marker a line, tab separated, as Media Composer exports them: user,
    record timecode, track, colour (Avid's eight, lower case), comment (type
    and confidence), duration in frames."""
    warn_if_no_markers(cuts, "Avid marker list")
    cuts = cuts.for_timecode()
    lines = []
    for locator in one_per_frame(cuts.locators):
        colour = AVID_LOCATOR_COLORS.get(locator.color.upper(), DEFAULT_COLOR).lower()
        comment = _field(locator.text)
        timecode = cuts.timecode(cuts.record_start + locator.record_first)
        lines.append("\t".join((MARKER_USER, timecode, AVID_TRACK, colour, comment, str(locator.length))))
    return "".join(f"{line}\n" for line in lines)


def csv_list(cuts: CutList) -> str:
    """A row per shot, cue and detection of the other analyses, in time
    order: record and source in and out timecodes (out exclusive, as in an
    EDL), the inclusive first and last frames of the media, the frame count,
    the confidence, and for a detection what its marker comment says (parents,
    categories, approximate time). With a byte order mark, so that
    spreadsheets open it as UTF-8."""
    rows = []
    for event in cuts.events:
        media_first = event.source_first - event.media.start
        rows.append((event.record_first, "shot", event.name, event.confidence, event.record_first,
                     event.source_first, media_first, event.length, ""))  # fmt: skip
    for locator in cuts.locators:
        if locator.kind in (KIND_SHOT, KIND_NOTE):
            continue
        details = locator.comment if locator.kind != KIND_CUE else ""
        source_first, media_first = cuts.source_under(locator.record_first)
        rows.append((locator.record_first, locator.kind, locator.name, locator.confidence, locator.record_first,
                     source_first, media_first, locator.length, details))  # fmt: skip
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows.sort(key=lambda row: (row[0], row[1] != "shot"))  # in time order, a shot before a marker on its frame
    for _, kind, name, confidence, record_first, source_first, media_first, length, details in rows:
        record = cuts.record_start + record_first
        writer.writerow((
            kind, text_cell(name), "" if confidence is None else f"{confidence:.2f}",
            cuts.timecode(record), cuts.timecode(record + length),
            cuts.timecode(source_first), cuts.timecode(source_first + length),
            media_first, media_first + length - 1, length, text_cell(details),
        ))  # fmt: skip
    return "\ufeff" + text.getvalue()


def text_cell(text: str) -> str:
    """A CSV cell of text that no spreadsheet runs as a formula: the numbers
    the tool writes are never text cells, so they stay numbers."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _field(text: str) -> str:
    """One field of a tab-separated line."""
    return names.safe_name(text).replace("\t", " ")
