"""A timeline flattened into what edit-list formats write: events and locators
in whole frames, record and source positions resolved.

Every export writer starts from a :class:`CutList`, so none of them walks the
OTIO timeline or reads Rekognition metadata itself. It reads any timeline this
project produced (and plain OTIO timelines with clips on a video track).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import opentimelineio as otio

from otio_rekognition import frames, names
from otio_rekognition.arguments import timecode_frame
from otio_rekognition.errors import TimelineError
from otio_rekognition.timeline.metadata import KIND_SHOT, item_facts, video_frame_size
from otio_rekognition.timeline.ranges import frame_of, source_range, timeline_rate

# The kind of a marker that was not read from Rekognition.
KIND_NOTE = "note"


@dataclass(frozen=True, slots=True)
class Media:
    """The one media file the clips reference."""

    url: str
    name: str  # file name, e.g. "show.mov"
    reel: str  # CMX3600 reel name, at most 8 capitals and digits
    start: int  # first frame of the media in source time (its start timecode)
    length: int  # frames


@dataclass(frozen=True, slots=True)
class Event:
    """One clip on a track: ``length`` frames of ``media`` from
    ``source_first``, placed at ``record_first`` frames after the record start."""

    name: str
    record_first: int
    source_first: int
    length: int
    media: Media
    kind: str  # "shot", "cue", "media" (the whole video of a cue-only job)
    label: str  # the cue type for cue clips, else the clip name
    confidence: float | None


@dataclass(frozen=True, slots=True)
class Locator:
    """One marker at ``record_first`` frames after the record start."""

    name: str
    record_first: int
    length: int  # at least 1
    color: str  # an otio.schema.MarkerColor value
    kind: str  # "cue", "shot", or "note" for a marker that is neither
    confidence: float | None
    comment: str


@dataclass(frozen=True)
class CutList:
    name: str
    rate: Fraction
    record_start: int  # frames: the timeline's start timecode
    events: tuple[Event, ...]  # the shot track, in record order, gaps left out
    cue_tracks: tuple[tuple[Event, ...], ...]  # further video tracks
    locators: tuple[Locator, ...]  # in record order
    duration: int  # frames from the record start to the end of the last event
    frame_size: tuple[int, int] | None = None  # width, height, when Rekognition reported them

    @property
    def drop_frame(self) -> bool:
        return frames.is_drop_frame(self.rate)

    def timecode(self, frame: int) -> str:
        """SMPTE timecode of a frame counted from 00:00:00:00."""
        return frames.frame_to_timecode(frame, self.rate)


def cut_list(timeline: otio.schema.Timeline, start_timecode: str | None = None) -> CutList:
    """Flatten ``timeline``. ``start_timecode`` overrides its global start time."""
    rate = timeline_rate(timeline)
    if not frames.is_smpte_rate(rate):
        raise TimelineError(f"timeline {timeline.name!r}: {float(rate):g} fps has no SMPTE timecode to export")
    record_start = _record_start(timeline, rate, start_timecode)
    tracks = list(timeline.video_tracks())
    if not tracks:
        raise TimelineError(f"timeline {timeline.name!r} has no video track: nothing to export")
    locators: list[Locator] = []
    events = _events(tracks[0], rate, locators)
    cue_tracks = tuple(_events(track, rate, locators) for track in tracks[1:])
    for track in tracks:
        locators.extend(
            _locator(marker, frame_of(marker.marked_range.start_time, rate), rate) for marker in track.markers
        )
    locators.extend(
        _locator(marker, frame_of(marker.marked_range.start_time, rate), rate) for marker in timeline.tracks.markers
    )
    locators.sort(key=lambda locator: (locator.record_first, locator.kind != "shot", locator.name))
    every_event = [event for track_events in (events, *cue_tracks) for event in track_events]
    duration = max((event.record_first + event.length for event in every_event), default=0)
    _check_frames(timeline, rate, record_start, every_event, locators)
    return CutList(
        name=names.safe_name(timeline.name) or "Rekognition segments",
        rate=rate,
        record_start=record_start,
        events=events,
        cue_tracks=cue_tracks,
        locators=tuple(locators),
        duration=duration,
        frame_size=video_frame_size(timeline),
    )


def _check_frames(
    timeline: otio.schema.Timeline, rate: Fraction, record_start: int, events: list[Event], locators: list[Locator]
) -> None:
    """Every time an export writes must be a timecode: from 00:00:00:00 to a day."""
    day = frames.frames_in_a_day(rate)
    spans = [("the start timecode", record_start, 0)]
    spans += [(f"clip {event.name!r}", record_start + event.record_first, event.length) for event in events]
    spans += [(f"the source of clip {event.name!r}", event.source_first, event.length) for event in events]
    spans += [(f"marker {marker.name!r}", record_start + marker.record_first, marker.length) for marker in locators]
    for what, first, length in spans:
        if first < 0 or first + length > day:
            raise TimelineError(f"timeline {timeline.name!r}: {what} lies outside the 24 hours a timecode can give")


def _events(track: otio.schema.Track, rate: Fraction, locators: list[Locator]) -> tuple[Event, ...]:
    events = []
    position = 0  # a running record position: range_in_parent() walks the track each time
    for item in track:
        if isinstance(item, otio.schema.Transition):
            continue  # a transition overlaps its neighbours and takes no time of its own
        record_first, position = position, position + frame_of(source_range(item).duration, rate)
        if not isinstance(item, otio.schema.Clip):
            continue
        clip = item
        clip_range = source_range(clip)
        source_first = frame_of(clip_range.start_time, rate)
        length = frame_of(clip_range.duration, rate)
        if length <= 0:
            continue
        facts = item_facts(clip)
        label = names.safe_name(facts.label or clip.name)
        events.append(
            Event(
                name=names.safe_name(clip.name) or label,
                record_first=record_first,
                source_first=source_first,
                length=length,
                media=_media(clip, rate),
                kind=facts.kind or KIND_SHOT,
                label=label,
                confidence=facts.confidence,
            )
        )
        # Clip markers are in the clip's media time.
        locators.extend(
            _locator(marker, record_first + frame_of(marker.marked_range.start_time, rate) - source_first, rate)
            for marker in clip.markers
        )
    return tuple(events)


def _locator(marker: otio.schema.Marker, record_first: int, rate: Fraction) -> Locator:
    facts = item_facts(marker)
    label = names.safe_name(facts.label or marker.name)
    return Locator(
        name=names.safe_name(marker.name) or label,
        record_first=record_first,
        length=max(frame_of(marker.marked_range.duration, rate), 1),
        color=str(marker.color),
        kind=facts.kind or KIND_NOTE,
        confidence=facts.confidence,
        comment=names.safe_name(marker.comment),
    )


def _media(clip: otio.schema.Clip, rate: Fraction) -> Media:
    reference = clip.media_reference
    url = getattr(reference, "target_url", None) or reference.name or clip.name
    available = reference.available_range
    if available is None:
        start, length = 0, frame_of(source_range(clip).end_time_exclusive(), rate)
    else:
        start, length = frame_of(available.start_time, rate), frame_of(available.duration, rate)
    media_name = names.media_name(url)
    cmx = clip.metadata.get("cmx_3600")
    reel = cmx.get("reel") if isinstance(cmx, Mapping) else None
    # A reel someone set is kept, but made one that an EDL can carry.
    reel_source = reel if isinstance(reel, str) and reel.strip() else media_name
    return Media(url=url, name=media_name, reel=names.reel_name(reel_source), start=start, length=length)


def _record_start(timeline: otio.schema.Timeline, rate: Fraction, start_timecode: str | None) -> int:
    given = timecode_frame("start_timecode", start_timecode, rate)
    if given is not None:
        return given
    start = timeline.global_start_time
    return frame_of(start, rate) if start is not None else 0
