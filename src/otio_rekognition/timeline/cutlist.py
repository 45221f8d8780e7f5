"""A timeline flattened into what edit-list formats write: events and locators
in whole frames, record and source positions resolved.

Every export writer starts from a :class:`CutList`, so none of them walks the
OTIO timeline or reads Rekognition metadata itself. :func:`cut_list` reads any
timeline (this project's, or plain OTIO timelines with clips on a video
track); :func:`job_cut_list` makes the same cut list straight from a job, so
the command line need not build a timeline only to flatten it again.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames, names
from otio_rekognition.arguments import AUTO, ReadOptions, counted_drop_frame, timecode_frame
from otio_rekognition.errors import TimelineError
from otio_rekognition.rekognition.video import Video, video_mismatch
from otio_rekognition.timeline.layout import (
    ANALYSIS_KINDS,
    DEFAULT_NAME,
    KIND_CUE,
    KIND_MEDIA,
    KIND_NOTE,
    KIND_SHOT,
    Piece,
    Sound,
    Span,
    check_one_sequence,
    conformed_rate,
    distinct_reels,
    lay_out,
    nothing_to_bin,
    several,
    subclip_name,
    with_gaps,
)
from otio_rekognition.timeline.metadata import (
    item_facts,
    media_frame_size,
    recorded_drop_frame,
    recorded_files,
    recorded_frame_starts,
    recorded_sound,
    video_frame_size,
)
from otio_rekognition.timeline.ranges import frame_of, source_range, timeline_rate


@dataclass(frozen=True, slots=True)
class Media:
    """The one media file the clips reference."""

    url: str
    name: str  # file name, e.g. "show.mov"
    reel: str  # CMX3600 reel name, at most 8 capitals and digits
    start: int  # first frame of the media in source time (its start timecode)
    length: int  # frames
    sound: Sound | None = None  # the file's sound, which its clips on the first track carry
    frame_size: tuple[int, int] | None = None  # the file's own (a rendition's may differ from the sequence's)


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
    kind: str  # "cue", "shot", an analysis ("labels", ...), or "note" for a marker that is none of these
    confidence: float | None
    comment: str
    merged: bool = False  # several that start on one frame (see one_per_frame): the comment is each one's text

    @property
    def is_detection(self) -> bool:
        """Whether another analysis (labels, moderation, ...) found it."""
        return self.kind in ANALYSIS_KINDS

    @property
    def details(self) -> str:
        """What a line says of it beside its name: the confidence of a cue or
        shot (its comment only restates name and confidence), the comment of
        any other marker (a detection's says analysis, confidence, parents)."""
        if self.kind in (KIND_SHOT, KIND_CUE) and self.confidence is not None:
            return f"confidence {self.confidence:.2f}%"
        return self.comment if self.comment != self.name else ""

    @property
    def text(self) -> str:
        """What a one-line list says of it: ``BlackFrames, confidence 99.12%``,
        ``Car, Label, confidence 98.12%, approximate time``, or the comment
        (else the name) of a marker not read from Rekognition."""
        if self.kind == KIND_NOTE:
            return self.comment or self.name
        return f"{self.name}, {self.details}" if self.details else self.name


@dataclass(frozen=True)
class CutList:
    name: str
    rate: Fraction  # the video's, what seconds are counted at
    record_start: int  # frames: the timeline's start timecode
    events: tuple[Event, ...]  # the shot track, in record order, gaps left out
    cue_tracks: tuple[tuple[Event, ...], ...]  # further video tracks: cues, then the analyses' lanes
    locators: tuple[Locator, ...]  # in record order
    duration: int  # frames from the record start to the end of the last event
    drop_frame: bool  # timecodes counted drop frame (only ever at 29.97 and 59.94)
    frame_size: tuple[int, int] | None = None  # width, height, when Rekognition reported them
    # A variable-rate file's own frames (read with --media): when each starts, in milliseconds.
    frame_starts: tuple[float, ...] | None = None
    # The cue tracks' names, when known (a sequence of several videos puts each video's lanes on its namesakes).
    cue_track_names: tuple[str, ...] = ()

    def millis(self, frame: int) -> Fraction:
        """When a frame of the media starts, in milliseconds from its first:
        at the video's rate, or a variable-rate file's own time for it."""
        starts = self.frame_starts
        if not starts:
            return Fraction(frame * 1000) / self.rate
        if frame < len(starts):
            return Fraction(starts[frame])
        step = starts[-1] - starts[-2] if len(starts) > 1 else 1000 / self.rate
        return Fraction(starts[-1]) + Fraction(step) * (frame - len(starts) + 1)

    @property
    def sound(self) -> Sound | None:
        """The sound of the first shot that has any (of one video: the video's)."""
        return next((event.media.sound for event in self.events if event.media.sound), None)

    def heard(self, channel: int) -> tuple[Event, ...]:
        """The shots whose sound has ``channel`` (A1 is 1): what that audio track cuts."""
        return tuple(event for event in self.events if event.media.sound and event.media.sound.channels >= channel)

    @property
    def channels(self) -> int:
        """The most channels a shot's sound has: the audio tracks an edit needs."""
        return max((event.media.sound.channels for event in self.events if event.media.sound), default=0)

    def source_under(self, record_first: int) -> tuple[int, int]:
        """Where a record frame is in the media under it, as (source frame,
        frame from the media's first): in the shot that holds it, else the
        last one before it (a marker in a gap), unless that lies past the end
        of its media (a sequence's next video, before its first shot), else
        the first; a sequence's videos each have their own."""
        if not self.events:
            return record_first, record_first
        index = max(bisect.bisect_right(self._event_starts, record_first) - 1, 0)
        event = self.events[index]
        source = event.source_first + record_first - event.record_first
        after = self.events[index + 1] if index + 1 < len(self.events) else None
        if after is not None and source - event.media.start >= event.media.length and after.media != event.media:
            event = after
            source = event.source_first + record_first - event.record_first
        return source, source - event.media.start

    @functools.cached_property
    def _event_starts(self) -> list[int]:
        return [event.record_first for event in self.events]

    @functools.cached_property
    def timecode_rate(self) -> Fraction | None:
        """What timecodes count it at: the rate itself, or the SMPTE rate a
        variable-rate recording's average conforms to; None when none can."""
        return frames.conformed_rate(self.rate)

    def timecode(self, frame: int) -> str:
        """SMPTE timecode of a frame counted from 00:00:00:00, drop frame or not
        as the cut list counts; empty at a rate no timecode counts (a list that
        shows timecodes beside frames and seconds leaves them out)."""
        if self.timecode_rate is None:
            return ""
        return frames.frame_to_timecode(frame, self.timecode_rate, self.drop_frame)

    def for_timecode(self) -> CutList:
        """The cut list as an edit-list writer counts it, in frames at its
        timecode rate; TimelineError, naming --rate, at a rate no timecode counts."""
        if self.timecode_rate is None:
            raise TimelineError(
                f"timeline {self.name!r}: {float(self.rate):g} fps has no SMPTE timecode to export; "
                "pass --rate (rate=...) with the rate it plays at in your editing software"
            )
        return self if self.timecode_rate == self.rate else dataclasses.replace(self, rate=self.timecode_rate)


def locators_by_frame(locators: Sequence[Locator]) -> list[list[Locator]]:
    """Locators in record order, those that start on one frame together."""
    return [list(group) for _, group in itertools.groupby(locators, key=attrgetter("record_first"))]


def one_per_frame(locators: Sequence[Locator]) -> list[Locator]:
    """One locator per record frame, for importers that keep one per frame
    (Resolve; Avid's locators, said to be one per frame and track): those
    starting on one frame become one named after them all (``Slate + Shot
    0002``), in the colour of the first cue (a cue says more than a shot
    marker), as long as the longest, its text each one's."""
    return [group[0] if len(group) == 1 else _merged(group) for group in locators_by_frame(locators)]


def shown_first(group: Sequence[Locator]) -> Locator:
    """Of markers on one frame, the one whose colour the merged marker takes:
    a cue's says more than a detection's, and a detection's more than a shot marker's."""
    return min(group, key=lambda locator: (locator.kind != KIND_CUE, locator.kind == KIND_SHOT))


def _merged(group: Sequence[Locator]) -> Locator:
    shown = shown_first(group)
    return Locator(
        name=" + ".join(dict.fromkeys(locator.name for locator in group)),
        record_first=group[0].record_first,
        length=max(locator.length for locator in group),
        color=shown.color,
        kind=KIND_NOTE,
        confidence=None,
        comment="; ".join(locator.text for locator in group),
        merged=True,
    )


def event_spans(events: Iterable[Event], end: int = 0) -> Iterator[Span[Event]]:
    """A track's events in record order and the gaps between them (and up to ``end``), as writers lay them out."""
    return with_gaps(events, attrgetter("record_first"), attrgetter("length"), end)


def cut_list(timeline: otio.schema.Timeline, start_timecode: str | None = None, timecode: str = AUTO) -> CutList:
    """Flatten ``timeline``. ``start_timecode`` overrides its global start
    time; ``timecode`` (auto, df, ndf) how timecodes are counted, auto being
    as the timeline was read (drop frame at 29.97/59.94 for other timelines)."""
    rate = timeline_rate(timeline)
    counted = conformed_rate(rate, f"timeline {timeline.name!r}")
    drop_frame = counted_drop_frame(timecode, counted or rate, recorded_drop_frame(timeline))
    record_start = _timeline_record_start(timeline, rate, counted, start_timecode, drop_frame)
    tracks = list(timeline.video_tracks())
    if not tracks:
        raise TimelineError(f"timeline {timeline.name!r} has no video track: nothing to export")
    locators: list[Locator] = []
    media: dict[tuple[Any, ...], Media] = {}
    file = (recorded_sound(timeline), media_frame_size(timeline))
    # A sequence of several videos (--videos) says each one's sound and size.
    files = defaultdict(lambda: file, recorded_files(timeline))
    events = _events(tracks[0], rate, locators, media, files)
    cue_tracks = tuple(_events(track, rate, locators, media, files) for track in tracks[1:])
    for track in tracks:
        locators.extend(
            _locator(marker, frame_of(marker.marked_range.start_time, rate), rate) for marker in track.markers
        )
    locators.extend(
        _locator(marker, frame_of(marker.marked_range.start_time, rate), rate) for marker in timeline.tracks.markers
    )
    made = _checked(
        timeline.name, rate, drop_frame, record_start, events, cue_tracks, locators, video_frame_size(timeline),
        recorded_frame_starts(timeline),
    )  # fmt: skip
    return dataclasses.replace(made, cue_track_names=tuple(track.name for track in tracks[1:]))


def job_cut_list(video: Video, options: ReadOptions) -> CutList:
    """The cut list of the timeline :func:`build_timeline` would make of
    ``video``, made without it: what the command line writes edit lists from."""
    layout = lay_out(video, options)
    source_start = layout.source_start
    media_name = names.safe_name(layout.media_name)
    media = Media(
        layout.media_url, media_name, names.reel_name(layout.reel), source_start, video.frame_count, layout.sound,
        video.media_frame_size or video.frame_size,
    )  # fmt: skip

    def event(piece: Piece) -> Event:
        first, name = piece.first_frame, names.safe_name(piece.name)
        label = names.safe_name(piece.label)
        return Event(name, first, source_start + first, piece.frame_count, media, piece.kind, label, piece.confidence)

    def locator(piece: Piece) -> Locator:
        return Locator(piece.name, piece.first_frame, piece.frame_count, piece.color, piece.kind, piece.confidence,
                       names.safe_name(piece.comment))  # fmt: skip

    shots, *cue_tracks = (tuple(map(event, track.clips)) for track in layout.tracks)
    locators = [locator(piece) for _, piece in layout.markers]
    made = _checked(
        layout.name, video.rate, layout.drop_frame, layout.record_start, shots, tuple(cue_tracks), locators,
        video.frame_size, video.frame_starts,
    )  # fmt: skip
    return dataclasses.replace(made, cue_track_names=tuple(track.name for track in layout.tracks[1:]))


def sequence_cut_list(videos: Sequence[tuple[Video, ReadOptions]]) -> CutList:
    """The videos one after the other in one sequence, in the order given:
    each video's shots as clips of its own media (its own reel, source
    timecode and sound), its cue clips and markers moved with them, the next
    video starting where the last one's frames end."""
    check_one_sequence(videos)
    cuts = _distinct_reels([job_cut_list(video, options) for video, options in videos])
    first = cuts[0]
    events: list[Event] = []
    lanes: dict[str, list[Event]] = {}  # by name, as the videos first have them: cues with cues, labels with labels
    locators: list[Locator] = []
    offset = 0
    for (video, _), video_cuts in zip(videos, cuts, strict=True):
        events += (dataclasses.replace(event, record_first=event.record_first + offset) for event in video_cuts.events)
        for name, track in zip(video_cuts.cue_track_names, video_cuts.cue_tracks, strict=True):
            lanes.setdefault(name, []).extend(
                dataclasses.replace(event, record_first=event.record_first + offset) for event in track
            )
        locators += (dataclasses.replace(mark, record_first=mark.record_first + offset) for mark in video_cuts.locators)
        offset += max(video.frame_count, video_cuts.duration)
    made = _checked(
        several(first.name, len(cuts)), first.rate, first.drop_frame, first.record_start, tuple(events),
        tuple(map(tuple, lanes.values())), locators, first.frame_size,
    )  # fmt: skip
    return dataclasses.replace(made, cue_track_names=tuple(lanes))


def bin_clips(videos: Sequence[tuple[Video, ReadOptions]]) -> tuple[CutList, ...]:
    """A bin of the videos: per video, a clip of the whole media carrying all
    its markers (its master clip), then a subclip per shot, named after the
    video and the shot, carrying the markers that start in it. Each is a cut
    list of one event at record frame 0, its markers counted from its first frame."""
    clips: list[CutList] = []
    every_cuts = _distinct_reels([job_cut_list(video, options) for video, options in videos])
    for (video, _), cuts in zip(videos, every_cuts, strict=True):
        if not cuts.events:
            raise nothing_to_bin(video)
        media = cuts.events[0].media
        master = Event(media.name, 0, media.start, media.length, media, KIND_MEDIA, media.name, None)
        clips.append(dataclasses.replace(cuts, name=media.name, events=(master,), cue_tracks=(), duration=media.length))
        for shot in (event for event in cuts.events if event.kind == KIND_SHOT):
            inside = [
                dataclasses.replace(locator, record_first=locator.record_first - shot.record_first)
                for locator in cuts.locators
                if shot.record_first <= locator.record_first < shot.record_first + shot.length
            ]
            clips.append(dataclasses.replace(
                cuts, name=subclip_name(media.name, shot.name), events=(dataclasses.replace(shot, record_first=0),),
                cue_tracks=(), locators=tuple(inside), duration=shot.length,
            ))  # fmt: skip
    return tuple(clips)


def _distinct_reels(cut_lists: Sequence[CutList]) -> list[CutList]:
    """Each video's cut list with a reel of its own (layout.distinct_reels)."""
    reels = [cuts.events[0].media.reel if cuts.events else "" for cuts in cut_lists]
    distinct = []
    for cuts, reel in zip(cut_lists, distinct_reels(reels, [cuts.name for cuts in cut_lists]), strict=True):
        if not cuts.events or cuts.events[0].media.reel == reel:
            distinct.append(cuts)
            continue
        media = cuts.events[0].media
        renamed = dataclasses.replace(media, reel=reel)

        def moved(event: Event, media: Media = media, renamed: Media = renamed) -> Event:
            return dataclasses.replace(event, media=renamed) if event.media == media else event

        distinct.append(dataclasses.replace(
            cuts, events=tuple(map(moved, cuts.events)), cue_tracks=tuple(tuple(map(moved, track))
                                                                          for track in cuts.cue_tracks),
        ))  # fmt: skip
    return distinct


def is_master(clip: CutList) -> bool:
    """Whether a clip of :func:`bin_clips` is a video's master clip (else a shot's subclip)."""
    return clip.events[0].kind == KIND_MEDIA


def bin_name(clips: Sequence[CutList]) -> str:
    """A bin's name: its first video's, and how many more it holds."""
    return several(clips[0].name, sum(map(is_master, clips)))


def media_mismatch(cuts: CutList, rate: Fraction, frame_count: int | None) -> str | None:
    """How a video differs from the one a cut list was made of, in what decides
    whether its cuts fit (None when it does not): another rate, or fewer frames
    than its clips reach (a timeline need not know its video's length, only
    where its last frame is). Its frame size does not count (a proxy will do)."""
    mismatch = video_mismatch((cuts.rate, None, None), (rate, None, None))
    last = max((event.source_first - event.media.start + event.length for event in cuts.events), default=0)
    if not mismatch and frame_count is not None and frame_count < last:
        mismatch = f"it has {frame_count} frames, the timeline reaches frame {last}"
    return mismatch


def _checked(
    name: str,
    rate: Fraction,
    drop_frame: bool,
    record_start: int,
    events: tuple[Event, ...],
    cue_tracks: tuple[tuple[Event, ...], ...],
    locators: list[Locator],
    frame_size: tuple[int, int] | None,
    frame_starts: tuple[float, ...] | None = None,
) -> CutList:
    """The cut list, once every time in it is one an export can write."""
    locators.sort(key=lambda locator: (locator.record_first, locator.kind != KIND_SHOT, locator.name))
    every_event = [event for track_events in (events, *cue_tracks) for event in track_events]
    _check_frames(name, frames.conformed_rate(rate) or rate, record_start, every_event, locators)
    return CutList(
        name=names.safe_name(name) or DEFAULT_NAME,
        rate=rate,
        record_start=record_start,
        events=events,
        cue_tracks=cue_tracks,
        locators=tuple(locators),
        duration=max((event.record_first + event.length for event in every_event), default=0),
        drop_frame=drop_frame,
        frame_size=frame_size,
        frame_starts=frame_starts,
    )


def _check_frames(name: str, rate: Fraction, record_start: int, events: list[Event], locators: list[Locator]) -> None:
    """Every time an export writes must be a timecode: from 00:00:00:00 to a day."""
    day = frames.frames_in_a_day(rate)
    spans = [("the start timecode", record_start, 0)]
    spans += [(f"clip {event.name!r}", record_start + event.record_first, event.length) for event in events]
    spans += [(f"the source of clip {event.name!r}", event.source_first, event.length) for event in events]
    spans += [(f"marker {marker.name!r}", record_start + marker.record_first, marker.length) for marker in locators]
    for what, first, length in spans:
        if first < 0 or first + length > day:
            raise TimelineError(f"timeline {name!r}: {what} lies outside the 24 hours a timecode can give")


def _events(
    track: otio.schema.Track,
    rate: Fraction,
    locators: list[Locator],
    media: dict[tuple[Any, ...], Media],
    files: Mapping[str, tuple[Sound | None, tuple[int, int] | None]],
) -> tuple[Event, ...]:
    events = []
    position = 0  # a running record position: range_in_parent() walks the track each time
    for item in track:
        if isinstance(item, otio.schema.Transition):
            continue  # a transition overlaps its neighbours and takes no time of its own
        item_range = source_range(item)
        length = frame_of(item_range.duration, rate)
        record_first, position = position, position + length
        if not isinstance(item, otio.schema.Clip) or length <= 0:
            continue
        clip = item
        source_first = frame_of(item_range.start_time, rate)
        facts = item_facts(clip)
        label = names.safe_name(facts.label or clip.name)
        events.append(
            Event(
                name=names.safe_name(clip.name) or label,
                record_first=record_first,
                source_first=source_first,
                length=length,
                media=_media(clip, rate, media, files),
                kind=facts.kind or KIND_SHOT,
                label=label,
                confidence=facts.confidence,
            )
        )
        markers = clip.markers
        if markers:  # in the clip's media time
            locators.extend(
                _locator(marker, record_first + frame_of(marker.marked_range.start_time, rate) - source_first, rate)
                for marker in markers
            )
    return tuple(events)


def _locator(marker: otio.schema.Marker, record_first: int, rate: Fraction) -> Locator:
    facts = item_facts(marker)
    label = names.safe_name(facts.label or marker.name)
    return Locator(
        name=names.safe_name(marker.name) or label,
        record_first=record_first,
        length=max(frame_of(marker.marked_range.duration, rate), 1),
        color=names.safe_name(str(marker.color)),
        kind=facts.kind or KIND_NOTE,
        confidence=facts.confidence,
        comment=names.safe_name(marker.comment),
    )


def _media(
    clip: otio.schema.Clip,
    rate: Fraction,
    known: dict[tuple[Any, ...], Media],
    files: Mapping[str, tuple[Sound | None, tuple[int, int] | None]],
) -> Media:
    """The clip's media; ``known`` keeps those already made, as every clip of
    a job references the same file."""
    reference = clip.media_reference
    url = getattr(reference, "target_url", None) or reference.name or clip.name
    available = reference.available_range
    if available is None:
        start, length = 0, frame_of(source_range(clip).end_time_exclusive(), rate)
    else:
        start, length = frame_of(available.start_time, rate), frame_of(available.duration, rate)
    cmx = clip.metadata.get("cmx_3600")
    reel = cmx.get("reel") if isinstance(cmx, Mapping) else None
    key = (url, start, length, reel)
    if key not in known:
        media_name = names.safe_name(names.media_name(url))
        # A reel someone set is kept, but made one that an EDL can carry.
        reel_source = reel if isinstance(reel, str) and reel.strip() else media_name
        known[key] = Media(url, media_name, names.reel_name(reel_source), start, length, *files[url])
    return known[key]


def _timeline_record_start(
    timeline: otio.schema.Timeline,
    rate: Fraction,
    counted: Fraction | None,
    start_timecode: str | None,
    drop_frame: bool,
) -> int:
    """The record start in frames: a typed timecode counted at the rate
    timecodes count, the timeline's own start in its own frames."""
    if start_timecode is not None:
        return timecode_frame("start_timecode", start_timecode, counted or rate, drop_frame)
    start = timeline.global_start_time
    return frame_of(start, rate) if start is not None else 0
