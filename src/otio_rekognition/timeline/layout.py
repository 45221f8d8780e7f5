"""How a video's jobs are laid out as an edit: which segments and
detections are kept, the tracks of clips in record order (a clip's record
position is its source position, so gaps stay where Rekognition left them),
the markers and the clip each rides on, names, colours, comments and the
media the clips reference.

Pure Python, no OTIO: :mod:`build` turns a layout into an OTIO timeline and
:func:`otio_rekognition.timeline.cutlist.job_cut_list` straight into a cut
list; both read its tracks and markers and nothing else, so they cannot drift
apart. :func:`with_gaps` is the one walk of a track's clips and the gaps
between them, for them and for every writer.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar
from urllib.parse import quote

from otio_rekognition import frames, names
from otio_rekognition.arguments import ReadOptions, counted_drop_frame, timecode_frame
from otio_rekognition.errors import RekognitionWarning, TimelineError
from otio_rekognition.rekognition.analyses import Detection, appearances, sampling_interval
from otio_rekognition.rekognition.segments import Segment
from otio_rekognition.rekognition.video import AnalysisJob, Video
from otio_rekognition.rekognition.vocabulary import ANALYSES, SHOT, TECHNICAL_CUE, Analysis

# What a clip or marker is (its metadata's "kind"); a detection of another
# analysis has that analysis's name as its kind.
KIND_SHOT = "shot"
KIND_CUE = "cue"
KIND_MEDIA = "media"  # the whole video, carrying the cues of a job without shots
KIND_NOTE = "note"  # a marker that was not read from Rekognition
ANALYSIS_KINDS = frozenset(ANALYSES)
# What Rekognition finds in view, in the APIs' order: technical cues, then each analysis's detections.
FOUND_KINDS = (KIND_CUE, *ANALYSES)
SHOT_TRACK_NAME = "Shots"
CUE_TRACK_NAME = "Technical cues"
DEFAULT_NAME = "Rekognition segments"
# Where a shared stem may end: ep1.page1 and ep1.page2 share ep1, take10 and take11 nothing.
_STEM_SEPARATORS = " ._-"
# What editors' sequences run at, for a stream whose rate Rekognition did not give.
DEFAULT_SAMPLE_RATE = 48_000
# The sequence start Resolve, Premiere, Avid and Final Cut Pro give a new timeline.
DEFAULT_START, DEFAULT_START_DF = "01:00:00:00", "01:00:00;00"

# OTIO's marker colour names. Avid locators have exactly eight colours, so
# each cue type keeps its own.
CUE_COLORS: Mapping[str, str] = {
    "ColorBars": "MAGENTA",
    "Slate": "YELLOW",
    "BlackFrames": "BLACK",
    "StudioLogo": "CYAN",
    "OpeningCredits": "BLUE",
    "EndCredits": "RED",
    "Content": "GREEN",
}
UNKNOWN_CUE_COLOR = "WHITE"
SHOT_MARKER_COLOR = "PINK"
# The other analyses' markers. Eleven colours cannot keep thirteen kinds
# apart; compliance editors look for red, and a marker's name and comment
# say what it is.
ANALYSIS_COLORS: Mapping[str, str] = {
    "labels": "ORANGE",
    "moderation": "RED",
    "celebrities": "PURPLE",
    "faces": "PINK",
    "face-search": "PURPLE",
    "text": "YELLOW",
}


_Ranged = TypeVar("_Ranged", Segment, Detection)
_Item = TypeVar("_Item")


@dataclass(frozen=True, slots=True)
class Piece:
    """A clip or a marker as laid out: ``frame_count`` frames of the video from ``first_frame``."""

    name: str
    first_frame: int
    frame_count: int
    kind: str  # KIND_SHOT, KIND_CUE, KIND_MEDIA, or the analysis that found it
    label: str  # the cue type of a cue, else the name
    confidence: float | None
    color: str  # for a marker
    comment: str  # for a marker
    found: Segment | Detection | None  # what it was read from; None for the whole media
    job: int = 0  # for a detection: its job's place in ``Layout.analyses``


@dataclass(frozen=True, slots=True)
class Sound:
    """The video's sound, which follows its picture: every stream's channels
    in order (A1, A2...), samples a second, and how many streams hold them."""

    channels: int
    sample_rate: int
    streams: int


@dataclass(frozen=True)
class Track:
    name: str
    clips: tuple[Piece, ...]  # in time order, none overlapping


@dataclass(frozen=True)
class AnalysisLayout:
    """One job of another analysis as laid out: its appearances (point
    detections joined within ``merge_window`` milliseconds) that the options keep."""

    job: AnalysisJob
    appearances: tuple[Detection, ...]
    merge_window: float


@dataclass(frozen=True)
class Layout:
    """Everything a timeline or a cut list of the video needs, in frames."""

    video: Video
    name: str
    drop_frame: bool  # how timecodes are counted (see arguments.counted_drop_frame)
    record_start: int
    source_start: int  # the media's own start timecode, as a frame
    media_url: str
    reel: str
    shots: tuple[Segment, ...]  # the kept shots, in time order
    cues: tuple[Segment, ...]  # the kept cues
    # The first track holds the shots (or the whole media); then a track per
    # lane of cues (with options.cue_track) and of each analysis's appearances
    # (with options.analysis_tracks), as a track cannot hold overlapping clips.
    tracks: tuple[Track, ...]
    # Each marker with the clip of the first track it rides on: the clip where
    # it starts (in a gap, the clip before). Shots' own markers, cues, then detections.
    markers: tuple[tuple[int, Piece], ...]
    analyses: tuple[AnalysisLayout, ...]
    sound: Sound | None  # None: picture only

    @property
    def rate(self) -> Fraction:
        return self.video.rate

    @property
    def media_name(self) -> str:
        return names.media_name(self.media_url)


@dataclass(frozen=True, slots=True)
class Span(Generic[_Item]):
    """A stretch of a track: an item, or a gap (``item`` None)."""

    first: int
    length: int
    item: _Item | None


def with_gaps(
    items: Iterable[_Item], first: Callable[[_Item], int], length: Callable[[_Item], int], end: int = 0
) -> Iterator[Span[_Item]]:
    """Items of a track in record order, with a gap wherever the record
    position jumps, and one up to ``end`` after the last."""
    position = 0
    for item in items:
        start = first(item)
        if start > position:
            yield Span(position, start - position, None)
        yield Span(start, length(item), item)
        position = start + length(item)
    if end > position:
        yield Span(position, end - position, None)


def several(first: str, count: int) -> str:
    """The name of a sequence or bin of ``count`` videos, the first named ``first``."""
    return first if count == 1 else f"{first} and {count - 1} more"


def subclip_name(media_name: str, shot_name: str) -> str:
    """A shot's subclip in a bin of several videos: ``A001 Shot 0003``."""
    return f"{names.without_extension(media_name)} {shot_name}"


def nothing_to_bin(video: Video) -> TimelineError:
    return TimelineError(f"{video.source}: no shots and no length: nothing of it to put in a bin")


def distinct_reels(reels: Sequence[str], videos: Sequence[str]) -> list[str]:
    """The reels of several videos (``videos``: their names for messages), each its own (names.distinct_reels),
    every renamed one said."""
    made = names.distinct_reels(reels)
    for reel, renamed, video in zip(reels, made, videos, strict=True):
        if renamed != reel:
            warnings.warn(
                f"{video}: reel {reel} is another video's too (named alike): written as {renamed}",
                RekognitionWarning,
                stacklevel=3,
            )
    return made


def check_one_sequence(videos: Sequence[tuple[Video, ReadOptions]]) -> None:
    """Videos cut into one sequence must play at one rate and count their
    timecodes one way (TimelineError naming both, when not): an edit list
    counts every source timecode as it counts the record's."""
    (first, first_options), *others = videos
    counts = _counting(first, first_options)
    for video, options in others:
        if video.rate != first.rate:
            raise TimelineError(
                f"{video.source}: {float(video.rate):g} fps, but {first.source} is {float(first.rate):g} "
                "fps: one sequence plays at one rate; put videos of different rates in a bin (--videos bin), or "
                "in sequences of their own"
            )
        if _counting(video, options) != counts:
            said = {True: "drop frame", False: "non-drop"}
            raise TimelineError(
                f"{video.source}: its timecodes count {said[not counts]}, {first.source}'s {said[counts]}: one "
                "sequence counts one way; put them in a bin (--videos bin), or in sequences of their own"
            )


def _counting(video: Video, options: ReadOptions) -> bool:
    return counted_drop_frame(options.timecode, frames.conformed_rate(video.rate) or video.rate)


def lay_out(video: Video, options: ReadOptions) -> Layout:
    segments = [segment for segment in video.segments if _selected(segment, options)]
    shots = tuple(segment for segment in segments if segment.is_shot)
    cues = tuple(segment for segment in segments if not segment.is_shot)
    analyses = tuple(
        AnalysisLayout(analysed, tuple(appearances(_kept(analysed, options), window)), window)
        for analysed, window in ((analysed, _merge_window(analysed, options)) for analysed in video.analyses)
    )
    media_url = _media_url(video, options)
    timecode_rate = conformed_rate(video.rate, video.source)
    drop_frame = counted_drop_frame(options.timecode, timecode_rate or video.rate)
    shot_clips = tuple(_shot_piece(shot, number) for number, shot in enumerate(shots, 1))
    media_name = names.media_name(media_url)
    # A job without shots gets one clip of the whole video to carry its markers.
    whole_media = Piece(media_name, 0, max(video.frame_count, 1), KIND_MEDIA, media_name, None, "", "", None)
    first_track = shot_clips or ((whole_media,) if cues or video.frame_count else ())
    detections = [_detection_piece(found, job) for job, laid in enumerate(analyses) for found in laid.appearances]
    tracks = [Track(SHOT_TRACK_NAME, first_track)]
    if options.cue_track:
        tracks += [
            Track(CUE_TRACK_NAME if lane == 0 else f"{CUE_TRACK_NAME} {lane + 1}", tuple(map(_cue_piece, lane_cues)))
            for lane, lane_cues in enumerate(_lanes(cues))
        ]
    if options.analysis_tracks:
        for number, laid in enumerate(analyses):
            tracks += [
                Track(analysis_track_name(laid.job.analysis, lane), tuple(_detection_piece(d, number) for d in found))
                for lane, found in enumerate(_lanes(laid.appearances))
            ]
    markers = [*(shot_clips if options.shot_markers else ()), *map(_cue_piece, cues), *detections]
    starts = [clip.first_frame for clip in shot_clips]
    return Layout(
        video=video,
        name=_timeline_name(video),
        drop_frame=drop_frame,
        record_start=_record_start(options.start_timecode, timecode_rate or video.rate, drop_frame),
        source_start=0
        if options.source_timecode is None
        else timecode_frame("source_timecode", options.source_timecode, timecode_rate or video.rate, drop_frame),
        media_url=media_url,
        reel=names.reel_name(media_name),
        shots=shots,
        cues=cues,
        tracks=tuple(tracks),
        markers=tuple((max(bisect.bisect_right(starts, marker.first_frame) - 1, 0), marker) for marker in markers),
        analyses=analyses,
        sound=None if options.no_audio else _sound(video),
    )


def _sound(video: Video) -> Sound | None:
    if not video.audio:
        return None
    channels = sum(stream.channels for stream in video.audio)
    sample_rate = next((stream.sample_rate for stream in video.audio if stream.sample_rate), DEFAULT_SAMPLE_RATE)
    return Sound(channels, sample_rate, len(video.audio))


def _shot_piece(shot: Segment, number: int) -> Piece:
    name = shot_name(shot, number)
    return Piece(name, shot.first_frame, shot.frame_count, KIND_SHOT, name, shot.confidence, SHOT_MARKER_COLOR,
                 comment(shot), shot)  # fmt: skip


def _cue_piece(cue: Segment) -> Piece:
    name = cue_name(cue)
    return Piece(name, cue.first_frame, cue.frame_count, KIND_CUE, name, cue.confidence, cue_color(cue),
                 comment(cue), cue)  # fmt: skip


def _detection_piece(found: Detection, job: int) -> Piece:
    name = detection_name(found)
    return Piece(name, found.first_frame, found.frame_count, found.analysis, name, found.confidence,
                 detection_color(found), detection_comment(found), found, job)  # fmt: skip


def conformed_rate(rate: Fraction, source: str) -> Fraction | None:
    """The rate timecodes count a video at (frames.conformed_rate), said when
    it is not the video's own: a variable-rate recording's average."""
    counted = frames.conformed_rate(rate)
    if counted is not None and counted != rate:
        warnings.warn(
            f"{source}: {float(rate):g} fps is not a timecode rate (a variable-rate recording's average?): "
            f"timecodes count it at {round(float(counted), 3):g} fps, as editing software conforms such a file; "
            "pass --rate (rate=...) to count it at another",
            RekognitionWarning,
            stacklevel=3,
        )
    return counted


def _record_start(start_timecode: str | None, rate: Fraction, drop_frame: bool) -> int:
    if start_timecode is not None:
        return timecode_frame("start_timecode", start_timecode, rate, drop_frame)
    if not frames.is_smpte_rate(rate):  # no timecode (12.5 fps): an hour all the same
        return math.floor(3600 * rate)
    return timecode_frame("start_timecode", DEFAULT_START_DF if drop_frame else DEFAULT_START, rate, drop_frame)


def shot_name(shot: Segment, number: int) -> str:
    """``Shot 0001`` for the first shot: editors count from 1, Rekognition's Index from 0."""
    return f"Shot {(shot.shot_index + 1 if shot.shot_index is not None else number):04d}"


def cue_name(cue: Segment) -> str:
    return names.safe_name(cue.label)


def cue_color(cue: Segment) -> str:
    return CUE_COLORS.get(cue.label, UNKNOWN_CUE_COLOR)


def comment(segment: Segment) -> str:
    if segment.confidence is None:
        return segment.label
    return f"{segment.label}, confidence {segment.confidence:.2f}%"


def analysis_track_name(analysis: Analysis, lane: int) -> str:
    """``Rekognition labels``, then ``Rekognition labels 2``... (a track cannot hold overlapping clips)."""
    return f"Rekognition {analysis.name}" + (f" {lane + 1}" if lane else "")


def detection_name(detection: Detection) -> str:
    return names.safe_name(detection.name)


def detection_color(detection: Detection) -> str:
    return ANALYSIS_COLORS.get(detection.analysis, UNKNOWN_CUE_COLOR)


def detection_comment(detection: Detection) -> str:
    """``Label, confidence 98.12%, 12 detections, parents Vehicle / Transportation,
    approximate time``: what an editor needs beside the name."""
    analysis = ANALYSES[detection.analysis]
    parts = [analysis.title]
    if detection.confidence is not None:
        parts.append(f"{analysis.measure} {detection.confidence:.2f}%")
    if len(detection.items) > 1:
        parts.append(f"{len(detection.items)} detections")
    if detection.parents:
        parts.append(f"{'parents' if len(detection.parents) > 1 else 'parent'} {' / '.join(detection.parents)}")
    if detection.categories and detection.categories != (detection.name,):
        parts.append(f"{'categories' if len(detection.categories) > 1 else 'category'} "
                     f"{' / '.join(detection.categories)}")  # fmt: skip
    if detection.text_type:
        parts.append(detection.text_type)
    if detection.approximate:
        parts.append("approximate time")
    return ", ".join(parts)


def _kept(analysed: AnalysisJob, options: ReadOptions) -> list[Detection]:
    """The detections the options keep, before they are joined: a
    low-confidence sample must not stretch an appearance."""

    def folded(values: tuple[str, ...] | None) -> set[str] | None:
        return None if values is None else {value.casefold() for value in values}

    wanted, unwanted = folded(options.labels), folded(options.exclude_labels) or set()
    # Categories filter the analyses that have them: label categories, moderation's top-level ones.
    category_filters = {"labels": folded(options.label_categories), "moderation": folded(options.moderation_categories)}
    kept = []
    for detection in analysed.detections:
        called = {name.casefold() for name in (detection.name, *detection.parents)}
        categories = category_filters.get(detection.analysis)
        if (
            (detection.confidence is not None and detection.confidence < options.min_confidence)
            or (wanted is not None and not called & wanted)
            or called & unwanted
            or (categories is not None and not {c.casefold() for c in detection.categories} & categories)
            or (detection.text_type is not None and detection.text_type not in options.text_types)
        ):
            continue
        kept.append(detection)
    return kept


def _merge_window(analysed: AnalysisJob, options: ReadOptions) -> float:
    """Milliseconds: the option's, else twice the job's sampling interval."""
    if options.merge_window is not None:
        return options.merge_window * 1000
    return 2 * sampling_interval(analysed.detections, analysed.analysis)


def _media_url(video: Video, options: ReadOptions) -> str:
    if options.media_url:
        return options.media_url
    if video.s3_url:
        return video.s3_url
    job_id = video.naming_info.get("JobId")
    if isinstance(job_id, str) and job_id:
        return f"rekognition://{quote(job_id, safe='')}"
    return f"rekognition://{quote(_source_stem(video) or 'job', safe='')}"


def _selected(segment: Segment, options: ReadOptions) -> bool:
    if (SHOT if segment.is_shot else TECHNICAL_CUE) not in options.segment_types:
        return False
    if not segment.is_shot and options.cue_types is not None and segment.cue_type not in options.cue_types:
        return False
    return segment.confidence is None or segment.confidence >= options.min_confidence


def _lanes(cues: Sequence[_Ranged]) -> tuple[tuple[_Ranged, ...], ...]:
    """Cues (or detections) packed into as few tracks as possible: cues overlap
    (by a frame, or a Content cue around credits) and a track cannot hold
    overlapping clips."""
    lanes: list[list[_Ranged]] = []
    for cue in sorted(cues, key=lambda c: (c.first_frame, c.last_frame)):
        lane = next((lane for lane in lanes if lane[-1].last_frame < cue.first_frame), None)
        if lane is None:
            lanes.append([cue])
        else:
            lane.append(cue)
    return tuple(tuple(lane) for lane in lanes)


def _timeline_name(video: Video) -> str:
    for key in ("JobTag", "JobId"):
        value = video.naming_info.get(key)
        if isinstance(value, str) and value:
            return names.safe_name(value)
    return _source_stem(video) or DEFAULT_NAME


def _source_stem(video: Video) -> str:
    """``job`` for ``/jobs/job.json``; for a job saved in several files (its
    segment job's, else its first job's), the part of their stems they share
    up to a separator (``ep1`` for ``ep1.page1.json`` and ``ep1.page2.json``),
    else the first stem in name order (``take10`` for ``take10.json`` and
    ``take11.json``, never ``take1``): the same however the paths were typed
    and whatever the order; empty for text from no file (``<stdin>``)."""
    stems = sorted({names.media_name(file).rsplit(".", 1)[0] for file in video.jobs[0].files
                    if not file.startswith("<")})  # fmt: skip
    if not stems:
        return ""
    shared = "".join(
        letters[0] for letters in itertools.takewhile(lambda same: len(set(same)) == 1, zip(*stems, strict=False))
    )
    if len(stems) > 1 and not all(stem == shared or stem[len(shared)] in _STEM_SEPARATORS for stem in stems):
        # It ends inside a word (take1 of take10, take11): back to the last separator, if any.
        cut = max(shared.rfind(separator) for separator in _STEM_SEPARATORS)
        shared = shared[:cut] if cut > 0 else ""
    return names.safe_name(shared or stems[0])
