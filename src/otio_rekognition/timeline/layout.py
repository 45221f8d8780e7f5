"""How a job is laid out as an edit: which segments are kept, the shots in
record order with the gaps Rekognition left, the clip each cue rides on,
names, colours, comments and the media the clips reference.

Pure Python, no OTIO: :mod:`build` turns a layout into an OTIO timeline and
:func:`otio_rekognition.timeline.cutlist.job_cut_list` straight into a cut
list, so both follow these rules and cannot drift apart.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar
from urllib.parse import quote

from otio_rekognition import frames, names
from otio_rekognition.arguments import ReadOptions, counted_drop_frame, timecode_frame
from otio_rekognition.rekognition.analyses import Detection, appearances, sampling_interval
from otio_rekognition.rekognition.pages import AnalysisJob, Job
from otio_rekognition.rekognition.segments import Segment
from otio_rekognition.rekognition.vocabulary import ANALYSES, FACE_SEARCH, SHOT, TECHNICAL_CUE, Analysis

SHOT_TRACK_NAME = "Shots"
CUE_TRACK_NAME = "Technical cues"
DEFAULT_NAME = "Rekognition segments"
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


@dataclass(frozen=True)
class Layout:
    """Everything a timeline or a cut list of the job needs, in frames."""

    job: Job
    name: str
    drop_frame: bool  # how timecodes are counted (see arguments.counted_drop_frame)
    record_start: int
    source_start: int  # the media's own start timecode, as a frame
    media_url: str
    reel: str
    shots: tuple[Segment, ...]  # in time order, each a clip named shot_name()
    cues: tuple[Segment, ...]
    # The cues' carriers: for each cue, the index in ``shots`` of the clip it
    # rides on (the clip where it starts; in a gap, the clip before).
    carriers: tuple[int, ...]
    cue_lanes: tuple[tuple[Segment, ...], ...]  # with options.cue_track
    shot_markers: bool
    kept: int  # segments selected by the options
    # The other analyses: each job's appearances (point detections joined) that
    # the options keep, in time order; each one's carrier as for cues.
    detections: tuple[tuple[AnalysisJob, tuple[Detection, ...]], ...] = ()
    detection_carriers: tuple[tuple[int, ...], ...] = ()
    # With options.analysis_tracks: each job's number (its place in ``detections``), analysis and lanes.
    analysis_lanes: tuple[tuple[int, Analysis, tuple[tuple[Detection, ...], ...]], ...] = ()
    merge_windows: tuple[float, ...] = ()  # milliseconds, per analysis job

    @property
    def rate(self) -> Fraction:
        return self.job.rate

    @property
    def media_name(self) -> str:
        return names.media_name(self.media_url)

    @property
    def whole_media_length(self) -> int:
        """The length of the one clip a job without shots gets, 0 when it gets none."""
        if self.shots or not (self.cues or self.job.frame_count):
            return 0
        return max(self.job.frame_count, 1)


def lay_out(job: Job, options: ReadOptions) -> Layout:
    segments = [segment for segment in job.segments if _selected(segment, options)]
    shots = tuple(segment for segment in segments if segment.is_shot)
    cues = tuple(segment for segment in segments if not segment.is_shot)
    starts = [shot.first_frame for shot in shots]
    media_url = _media_url(job, options)
    drop_frame = counted_drop_frame(options.timecode, job.rate)
    windows = tuple(_merge_window(analysed, options) for analysed in job.analyses)
    detections = tuple(
        (analysed, tuple(appearances(_kept(analysed, options), window)))
        for analysed, window in zip(job.analyses, windows, strict=True)
    )
    return Layout(
        job=job,
        name=_timeline_name(job),
        drop_frame=drop_frame,
        record_start=_record_start(options.start_timecode, job.rate, drop_frame),
        source_start=0
        if options.source_timecode is None
        else timecode_frame("source_timecode", options.source_timecode, job.rate, drop_frame),
        media_url=media_url,
        reel=names.reel_name(names.media_name(media_url)),
        shots=shots,
        cues=cues,
        carriers=tuple(max(bisect.bisect_right(starts, cue.first_frame) - 1, 0) for cue in cues),
        cue_lanes=_lanes(cues) if options.cue_track else (),
        shot_markers=options.shot_markers,
        kept=len(segments),
        detections=detections,
        detection_carriers=tuple(
            tuple(max(bisect.bisect_right(starts, found.first_frame) - 1, 0) for found in kept)
            for _, kept in detections
        ),
        analysis_lanes=tuple(
            (job, analysed.analysis, _lanes(kept)) for job, (analysed, kept) in enumerate(detections) if kept
        )
        if options.analysis_tracks
        else (),
        merge_windows=windows,
    )


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
        measure = "similarity" if analysis is FACE_SEARCH else "confidence"
        parts.append(f"{measure} {detection.confidence:.2f}%")
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


def _media_url(job: Job, options: ReadOptions) -> str:
    if options.media_url:
        return options.media_url
    if job.s3_url:
        return job.s3_url
    job_id = job.naming_info.get("JobId")
    if isinstance(job_id, str) and job_id:
        return f"rekognition://{quote(job_id, safe='')}"
    return f"rekognition://{quote(_source_stem(job) or 'job', safe='')}"


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


def _timeline_name(job: Job) -> str:
    for key in ("JobTag", "JobId"):
        value = job.naming_info.get(key)
        if isinstance(value, str) and value:
            return names.safe_name(value)
    return _source_stem(job) or DEFAULT_NAME


def _source_stem(job: Job) -> str:
    """``job`` for ``/jobs/job.json``; empty for text that came from no file
    (``<string>``, ``<stdin>``)."""
    if job.source.startswith("<"):
        return ""
    return names.safe_name(names.media_name(job.source).rsplit(".", 1)[0])
