"""A cut list as an Avid Log Exchange file (adapter ``rekognition_ale``): a
row per shot, which Media Composer imports into a bin as a clip (or merges
into the master clips it has, by tape and timecode) and OTIO's ALE adapter
reads back.

Three sections, tab separated, as Avid documents them: ``Heading``
(FIELD_DELIM, VIDEO_FORMAT, AUDIO_FORMAT, FPS), ``Column`` and ``Data``.
Each shot is ``Name``, ``Tracks`` (V and its sound channels, A1A2...),
``Start`` and ``End`` (source timecodes, End being the frame after the last,
as Avid counts them; drop frame written with ``;``), ``Tape`` and ``Source
File`` for relinking, and a column per kind of thing Rekognition found in it:
the technical cues and each analysis's names whose range meets the shot.
ALE's limits hold: Avid reads at most 64 columns and names of 14 characters
for columns of its own; no value has a tab or a line break.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from otio_rekognition import names
from otio_rekognition.timeline.cutlist import CutList, Event, Locator, is_master
from otio_rekognition.timeline.layout import FOUND_KINDS, KIND_CUE, KIND_SHOT

# What Rekognition found, a column each: technical cues, then each analysis (names Avid keeps: 14 characters).
FOUND_COLUMNS: Mapping[str, str] = {kind: "Cues" if kind == KIND_CUE else kind.title()[:14] for kind in FOUND_KINDS}
COLUMNS = ("Name", "Tracks", "Start", "End", "Tape", "Source File", *FOUND_COLUMNS.values())
# Avid's VIDEO_FORMAT by frame height; anything else is CUSTOM.
_VIDEO_FORMATS = {1080: "1080", 720: "720", 486: "NTSC", 480: "NTSC", 576: "PAL"}
# Avid shows a value of a custom column up to about this many characters.
MAX_VALUE = 255


def ale(cuts: CutList) -> str:
    """The Avid Log Exchange text of ``cuts``: a row per shot of its first track."""
    cuts = cuts.for_timecode()
    found = [locator for locator in cuts.locators if locator.kind != KIND_SHOT]
    return _document(cuts, [_row(cuts, event, event.name, found) for event in cuts.events])


def ale_bin(clips: Sequence[CutList]) -> str:
    """The Avid Log Exchange text of a bin (see timeline.cutlist.bin_clips): a
    row per shot's subclip, named after its video and shot (Avid makes the
    master clips from the rows' tape and source file); a video without shots,
    a row of its whole length."""
    rows: list[list[str]] = []
    first: CutList | None = None
    for number, clip in enumerate(clips):
        if is_master(clip):  # before its subclips: what a row lists is what its video found over the shot
            master = clip.for_timecode()
            found = [locator for locator in master.locators if locator.kind != KIND_SHOT]
            if number + 1 < len(clips) and not is_master(clips[number + 1]):
                continue
        shot = clip.for_timecode().events[0]
        # In the master clip's frames, where its video's markers are.
        placed = dataclasses.replace(shot, record_first=shot.source_first - shot.media.start)
        rows.append(_row(master, placed, clip.name, found))
        first = first or master
    return _document(first or clips[0].for_timecode(), rows)


def _document(cuts: CutList, rows: list[list[str]]) -> str:
    sound = cuts.sound
    heading = {
        "FIELD_DELIM": "TABS",
        "VIDEO_FORMAT": _VIDEO_FORMATS.get(cuts.frame_size[1], "CUSTOM") if cuts.frame_size else "1080",
        "AUDIO_FORMAT": f"{round(sound.sample_rate / 1000)}khz" if sound else "48khz",
        "FPS": f"{round(float(cuts.rate), 3):g}",  # 23.976, 25, 29.97
    }
    lines = ["Heading", *(f"{key}\t{value}" for key, value in heading.items()), "", "Column", "\t".join(COLUMNS)]
    lines += ["", "Data"]
    lines += ["\t".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def _row(cuts: CutList, event: Event, name: str, found: list[Locator]) -> list[str]:
    channels = event.media.sound.channels if event.media.sound else 0
    in_shot = [
        locator
        for locator in found
        if locator.record_first < event.record_first + event.length
        and locator.record_first + locator.length > event.record_first
    ]
    values = [
        _value(name),
        "V" + "".join(f"A{channel}" for channel in range(1, channels + 1)),
        cuts.timecode(event.source_first),
        cuts.timecode(event.source_first + event.length),
        event.media.reel,
        _value(event.media.name),
    ]
    for kind in FOUND_COLUMNS:
        values.append(_value(", ".join(dict.fromkeys(locator.name for locator in in_shot if locator.kind == kind))))
    return values


def _value(text: str) -> str:
    """One field: one line, no tab, as long as Avid shows."""
    value = names.safe_name(text).replace("\t", " ")
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"
