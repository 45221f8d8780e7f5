"""A cut list as a CMX3600 EDL (adapter ``rekognition_edl``) for Avid, Resolve
and Premiere, or as Resolve's timeline-marker EDL.

Flavour ``cmx3600`` (default): one event per shot of the shot track (an
EDL has one video track, so cue tracks are not written; gaps are left out and
the record timecode jumps), with its sound: ``B`` (picture and A1), ``AA/V``
(picture, A1 and A2) and an ``AUD  3    4`` line for A3 and A4. Every locator is an Avid ``* LOC:`` line in
*record* timecode (Avid reads LOC in record time) under the event whose record
range holds its first frame. A gap where a locator starts (before the first
shot, between shots, after the last) becomes a black event (reel ``BL``) that
carries it: an importer may drop a LOC outside its event. The text keeps
name, duration and confidence: ``BlackFrames |D:31 confidence 99.12%``.

Flavour ``resolve-markers``: what DaVinci Resolve writes with Timelines >
Export > Timeline Markers to EDL and reads back with Import > Timeline Markers
from EDL: a one-frame event per marker (reel ``001``, source = record) followed
by ``<note> |C:ResolveColor<colour> |M:<name> |D:<frames>``. Resolve takes the
text before the first ``|`` as the marker's note, so ``|`` never appears in a
written name or note. Resolve keeps one marker per frame (its markers are
keyed by frame), so locators that start on the same frame become one marker
naming them all, with the longest duration and each one in the note.

Event numbers are 001-999, then 1000, 1001, ... with the columns shifted right,
as Premiere writes long lists (pycmx reads them, and OTIO's reader reads any
width); wrapping back to 001 would give two events the same number.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence

from otio_rekognition import names
from otio_rekognition.errors import AdapterArgumentError, RekognitionWarning, TimelineError
from otio_rekognition.timeline.cutlist import (
    CutList,
    Event,
    Locator,
    event_spans,
    locators_by_frame,
    one_per_frame,
    shown_first,
)
from otio_rekognition.timeline.layout import Sound, Span

CMX3600 = "cmx3600"
RESOLVE_MARKERS = "resolve-markers"
FLAVORS = (CMX3600, RESOLVE_MARKERS)

# Avid has eight locator colours; the other OTIO colours go to the nearest
# hue (pink and purple are light and dark magenta, orange lies nearer yellow).
AVID_LOCATOR_COLORS: Mapping[str, str] = {
    "RED": "RED",
    "GREEN": "GREEN",
    "BLUE": "BLUE",
    "CYAN": "CYAN",
    "MAGENTA": "MAGENTA",
    "YELLOW": "YELLOW",
    "BLACK": "BLACK",
    "WHITE": "WHITE",
    "PINK": "MAGENTA",
    "PURPLE": "MAGENTA",
    "ORANGE": "YELLOW",
}
# Resolve's sixteen marker colours have no black, white, magenta or orange:
# those take its darkest (Cocoa), lightest (Cream), magenta (Fuchsia) and
# orange-brown (Sand) ones, so every OTIO colour stays distinct.
RESOLVE_MARKER_COLORS: Mapping[str, str] = {
    "RED": "Red",
    "GREEN": "Green",
    "BLUE": "Blue",
    "CYAN": "Cyan",
    "MAGENTA": "Fuchsia",
    "YELLOW": "Yellow",
    "BLACK": "Cocoa",
    "WHITE": "Cream",
    "PINK": "Pink",
    "PURPLE": "Purple",
    "ORANGE": "Sand",
}
# A colour OTIO may add later is written like an unknown cue type's (white).
DEFAULT_COLOR = "WHITE"
RESOLVE_REEL = "001"
# The channels an event can carry: A1, A2 in its field, A3, A4 on an AUD line.
MAX_CHANNELS = 4
# CMX3600's reel for black: what fills a gap that carries a locator.
BLACK_REEL = "BL"


def write_edl(cuts: CutList, flavor: str = CMX3600) -> str:
    """Write the timeline as an EDL.

    flavor: cmx3600 (one event per shot, markers as LOC lines in record
    timecode) or resolve-markers (DaVinci Resolve's timeline-marker EDL)."""
    cuts = cuts.for_timecode()
    cmx3600 = parse_flavor("flavor", flavor) == CMX3600
    if cmx3600 and cuts.channels > MAX_CHANNELS:
        warnings.warn(
            f"{cuts.name}: the sound has {cuts.channels} channels; an EDL carries A1-A{MAX_CHANNELS} "
            "(CMX3600 has no fifth): the other formats carry them all",
            RekognitionWarning,
            stacklevel=2,
        )
    blocks = _shot_events(cuts) if cmx3600 else _marker_events(cuts)
    header = [f"TITLE: {_text(cuts.name)}", f"FCM: {'DROP FRAME' if cuts.drop_frame else 'NON-DROP FRAME'}"]
    # A blank line after the header and after every event, as Resolve and Premiere write them.
    return "\n".join(line for block in (header, *blocks) for line in (*block, "")) + "\n"


def parse_flavor(name: str, value: object) -> str:
    if value not in FLAVORS:
        raise AdapterArgumentError(f"argument {name}: expected one of {', '.join(FLAVORS)}, got {value!r}")
    return str(value)


def _shot_events(cuts: CutList) -> Iterator[list[str]]:
    if not cuts.events:
        raise TimelineError(f"timeline {cuts.name!r} has no clip on its first video track: no event to write")
    slots, carried = _slots(cuts.events, one_per_frame(cuts.locators))
    for number, (slot, under) in enumerate(zip(slots, carried, strict=True), start=1):
        record_first = cuts.record_start + slot.first
        if slot.item is None:
            lines = [_event_line(number, BLACK_REEL, cuts, 0, record_first, slot.length)]
        else:
            event = slot.item
            channels, more = _channels(event.media.sound)
            lines = [
                _event_line(number, event.media.reel, cuts, event.source_first, record_first, event.length, channels),
                *more,
                f"* FROM CLIP NAME: {_text(event.name)}",
                f"* SOURCE FILE: {_text(event.media.name)}",
            ]
        yield [*lines, *(_loc_line(cuts, locator) for locator in under)]


def _slots(events: Sequence[Event], locators: Sequence[Locator]) -> tuple[list[Span[Event]], list[list[Locator]]]:
    """The events, and black events for the gaps where a locator starts, so
    that every LOC line lies inside its event's record range (an importer
    may drop one that does not), the last up to the end of the last locator;
    each slot's locators. One pass: both lists are in record order."""
    slots: list[Span[Event]] = []
    carried: list[list[Locator]] = []
    pending = list(reversed(locators))
    last_end = events[-1].record_first + events[-1].length
    end = max((locator.record_first + locator.length for locator in locators if locator.record_first >= last_end),
              default=0)  # fmt: skip
    for span in event_spans(events, end):
        under = []
        while pending and pending[-1].record_first < span.first + span.length:
            under.append(pending.pop())
        if span.item is not None or under:
            slots.append(span)
            carried.append(under)
    return slots, carried


def _loc_line(cuts: CutList, locator: Locator) -> str:
    color = AVID_LOCATOR_COLORS.get(locator.color.upper(), DEFAULT_COLOR)
    timecode = _timecode(cuts, cuts.record_start + locator.record_first)
    details = _text(locator.details)
    return f"* LOC: {timecode} {color:<7} {_text(locator.name)} |D:{locator.length}{' ' if details else ''}{details}"


def _marker_events(cuts: CutList) -> Iterator[list[str]]:
    for number, group in enumerate(locators_by_frame(cuts.locators), start=1):
        first = cuts.record_start + group[0].record_first
        shown = shown_first(group)
        color = RESOLVE_MARKER_COLORS.get(shown.color.upper(), RESOLVE_MARKER_COLORS[DEFAULT_COLOR])
        name = " + ".join(_text(locator.name) for locator in group)
        duration = max(locator.length for locator in group)
        note = _resolve_note("; ".join(_summary(locator) for locator in group))
        yield [
            _event_line(number, RESOLVE_REEL, cuts, first, first, 1),
            f"{note} |C:ResolveColor{color} |M:{name} |D:{duration}",
        ]


def _summary(locator: Locator) -> str:
    details = _text(locator.details)
    return f"{_text(locator.name)}, {locator.length} frames{', ' if details else ''}{details}"


def _resolve_note(note: str) -> str:
    """A note line that starts with a digit reads as an event line (Resolve
    then drops the marker), one that starts with ``*`` as a remark: ``- ``
    in front keeps it a note."""
    return note if note[:1].isalpha() else f"- {note}"


def _event_line(
    number: int, reel: str, cuts: CutList, source_first: int, record_first: int, length: int, channels: str = "V"
) -> str:
    source = f"{_timecode(cuts, source_first)} {_timecode(cuts, source_first + length)}"
    record = f"{_timecode(cuts, record_first)} {_timecode(cuts, record_first + length)}"
    # Event, reel (8), channels (6), transition (C) in the CMX3600 columns.
    return f"{number:03d}  {reel:<8} {channels:<6}C        {source} {record}"


def _channels(sound: Sound | None) -> tuple[str, tuple[str, ...]]:
    """The event's channel field and the lines that follow it: picture alone
    (``V``), with A1 (``B``), with A1 and A2 (``AA/V``); A3 and A4 on an
    ``AUD`` line right under the event line, as Premiere writes them and
    pycmx reads them. CMX3600 has no fifth channel."""
    if sound is None:
        return "V", ()
    if sound.channels == 1:
        return "B", ()
    more = {3: ("AUD  3",)}.get(sound.channels, ("AUD  3    4",) if sound.channels > 3 else ())
    return "AA/V", more


def _timecode(cuts: CutList, frame: int) -> str:
    if frame < 0:
        raise TimelineError(
            f"timeline {cuts.name!r}: frame {frame} lies before 00:00:00:00; pass a later start_timecode"
        )
    return cuts.timecode(frame)


def _text(text: str) -> str:
    """One line without ``|``: Resolve splits marker fields at ``|``."""
    return names.safe_name(text).replace("|", "/")
