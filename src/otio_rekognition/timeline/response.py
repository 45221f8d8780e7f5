"""Writing a timeline back as one GetSegmentDetection response (and, when it
carries other analyses, theirs after it: a JSON array of responses, which the
reader takes apart again by their shape).

A segment whose item still covers the frames it was read with is written
exactly as Rekognition gave it. Anything else (a clip moved, split or made
by hand, a marker added) becomes a segment computed from its ranges. The
other analyses' detections are written as Rekognition gave them: their times
are milliseconds a timeline only holds to the frame.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.errors import RekognitionError, RekognitionWarning, TimelineError
from otio_rekognition.rekognition.pages import read_job, response_text
from otio_rekognition.rekognition.segments import Segment, build_segment, segment_details
from otio_rekognition.rekognition.video import Video
from otio_rekognition.rekognition.vocabulary import ANALYSES, CUE_TYPES, SEGMENT_TYPES, SHOT, SUCCEEDED, TECHNICAL_CUE
from otio_rekognition.timeline.layout import KIND_CUE, KIND_SHOT, Layout, lay_out
from otio_rekognition.timeline.metadata import (
    ReadSegment,
    item_facts,
    read_detection_items,
    read_segment,
    timeline_values,
)
from otio_rekognition.timeline.ranges import frame_of, media_start, source_range, timeline_rate

HAND_MADE_CONFIDENCE = 100.0


class _Found:
    """A segment found in the timeline: its frames and what it was read from."""

    __slots__ = ("first", "label", "last", "original", "segment_type")

    def __init__(self, segment_type: str, label: str, first: int, last: int, original: ReadSegment | None) -> None:
        self.segment_type = segment_type
        self.label = label
        self.first = first
        self.last = last
        self.original = original

    @property
    def unchanged(self) -> bool:
        return self.original is not None and (self.original.first_frame, self.original.last_frame) == (
            self.first,
            self.last,
        )


def timeline_response_text(timeline: otio.schema.Timeline) -> str:
    """The response as JSON, checked by this package's own reader: never a
    file that cannot be read back (an edited timeline can make anything).
    One video's: a sequence of several (--videos) has a response per video, in its own jobs."""
    videos = timeline_values(timeline).get("videos")
    if isinstance(videos, list) and len(videos) > 1:
        raise TimelineError(
            f"timeline {timeline.name!r} is a sequence of {len(videos)} videos: a response is of one video "
            "(each video's jobs are its responses)"
        )
    text = _json_text(timeline_to_response(timeline), timeline.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RekognitionWarning)
        try:
            read_job(text, "the written response")
        except RekognitionError as error:
            raise TimelineError(f"timeline {timeline.name!r} makes no valid response: {error}") from None
    return text


def job_response_text(video: Video, options: ReadOptions) -> str:
    """``timeline_response_text`` of the timeline :func:`build_timeline` would make of
    ``video``, made without it (what the command line writes a job's JSON with).
    Not read back: every segment in it was just read, and the property test of
    the two routes holds them to the same text and the same errors."""
    layout = lay_out(video, options)
    return _json_text(_layout_response(layout), layout.name)


Response = dict[str, Any] | list[dict[str, Any]]


def timeline_to_response(timeline: otio.schema.Timeline) -> Response:
    values = timeline_values(timeline)
    job = values.get("job")
    rate = timeline_rate(timeline)
    shots, cues, detections = _collect(timeline, rate)
    analyses = [entry for entry in values.get("analyses", []) if isinstance(entry, dict)]
    segments = _response(job if isinstance(job, dict) else {}, rate, shots, cues)
    # A timeline read from analyses alone has no segment job to write (its "job" is null).
    has_segment_job = isinstance(job, dict) or shots or cues or not analyses
    return _with_analyses(segments if has_segment_job else None, analyses, detections)


def _layout_response(layout: Layout) -> Response:
    shots = [_unchanged(shot, shot.segment_type) for shot in layout.shots]
    cues: dict[tuple[str, int, int], _Found] = {}
    for cue in layout.cues:
        cues.setdefault((cue.label, cue.first_frame, cue.last_frame), _unchanged(cue, cue.label))
    segment_job = layout.video.segment_job
    segments = _response(dict(segment_job.info) if segment_job else {}, layout.rate, shots, list(cues.values()))
    analyses = [{"analysis": laid.job.analysis.name, "job": dict(laid.job.info)} for laid in layout.analyses]
    detections: _Detections = {}
    for job, laid in enumerate(layout.analyses):
        found = detections.setdefault((laid.job.analysis.name, job), {})
        for detection in laid.appearances:
            for text in detection.items:
                item = json.loads(text)
                found.setdefault(json.dumps(item, sort_keys=True), item)
    return _with_analyses(segments if segment_job else None, analyses, detections)


# Each job's detections by (analysis, its place in the timeline's analyses; None when a marker
# does not say), then by their JSON text, so one written on a marker and a track clip is written once.
_Detections = dict[tuple[str, int | None], dict[str, dict[str, Any]]]


def _with_analyses(
    segments: dict[str, Any] | None, analyses: list[dict[str, Any]], detections: _Detections
) -> Response:
    """The segment response alone, as ever, or an array: it (when there is a
    segment job) and a response per analysis job, with its detections in time order."""
    if not analyses and segments is not None:
        return segments
    responses = [] if segments is None else [segments]
    unnamed_taken: set[str] = set()  # markers that name no job go to the first job of their analysis
    for job, entry in enumerate(analyses):
        analysis = ANALYSES.get(str(entry.get("analysis")))
        if analysis is None:
            continue
        info = entry.get("job")
        response = {"JobStatus": SUCCEEDED, **(info if isinstance(info, dict) else {})}
        items = dict(detections.get((analysis.name, job), {}))
        if analysis.name not in unnamed_taken:
            unnamed_taken.add(analysis.name)
            items.update(detections.get((analysis.name, None), {}))
        response[analysis.list_key] = sorted(items.values(), key=_item_time)
        responses.append(response)
    return responses


def _item_time(item: Mapping[str, Any]) -> float:
    for key in ("Timestamp", "StartTimestampMillis"):
        value = item.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return 0.0


def _unchanged(segment: Segment, label: str) -> _Found:
    first, last = segment.first_frame, segment.last_frame
    raw = dict(segment.raw)
    original = ReadSegment(segment.segment_type, label, first, last, segment.confidence, segment.shot_index, raw)
    return _Found(segment.segment_type, label, first, last, original)


def _json_text(response: Response, name: str) -> str:
    try:
        return response_text(response)
    except ValueError as error:
        raise TimelineError(f"timeline {name!r}: not writable as JSON: {error}") from None


def _response(job_info: dict[str, Any], rate: Fraction, shots: list[_Found], cues: list[_Found]) -> dict[str, Any]:
    shots.sort(key=lambda s: (s.first, s.last))
    cues.sort(key=lambda c: (c.first, c.last, c.label))

    # Rekognition numbers shots 0, 1, 2... in time order; keep its numbers
    # unless an edit broke that sequence.
    renumber = any(
        not shot.unchanged or shot.original is None or shot.original.shot_index != number
        for number, shot in enumerate(shots)
    )
    written_shots = [_shot_dict(shot, number, rate, renumber) for number, shot in enumerate(shots)]
    written_cues = [_cue_dict(cue, rate) for cue in cues]

    by_type = {SHOT: written_shots, TECHNICAL_CUE: written_cues}
    # Rekognition sorts segments by the requested types' order, then by time.
    selected = job_info.get("SelectedSegmentTypes")
    requested = (
        [entry.get("Type") for entry in selected if isinstance(entry, dict)] if isinstance(selected, list) else []
    )
    order = dict.fromkeys([t for t in requested if isinstance(t, str) and t in by_type] + list(SEGMENT_TYPES))
    segments = [segment for segment_type in order for segment in by_type[segment_type]]

    response = job_info or _invented_job_info(rate, shots + cues)
    response.setdefault("JobStatus", SUCCEEDED)
    if not isinstance(response.get("VideoMetadata"), list) or not response["VideoMetadata"]:
        # The job was read with rate=...: the written response states its rate itself.
        response["VideoMetadata"] = _invented_job_info(rate, shots + cues)["VideoMetadata"]
    response["Segments"] = segments
    return response


def _collect(timeline: otio.schema.Timeline, rate: Fraction) -> tuple[list[_Found], list[_Found], _Detections]:
    """Shots, cues, and each analysis job's detections."""
    shots: list[_Found] = []
    cues: dict[tuple[str, int, int], _Found] = {}
    detections: _Detections = {}

    def add_cue(found: _Found | None) -> None:
        if found is not None:
            cues.setdefault((found.label, found.first, found.last), found)

    def add_detections(item: Any) -> bool:
        read = read_detection_items(item)
        if read is not None:
            found = detections.setdefault((read[0], read[1]), {})
            for raw in read[2]:
                found.setdefault(json.dumps(raw, sort_keys=True), raw)
        return read is not None

    def add_marker(marker: otio.schema.Marker, offset: int) -> None:
        if not add_detections(marker):
            add_cue(_cue_from_marker(marker, offset, rate))

    for track in timeline.video_tracks():
        for marker in track.markers:
            add_marker(marker, 0)
        for clip in track.find_clips(shallow_search=True):
            if add_detections(clip):
                for marker in clip.markers:
                    add_marker(marker, media_start(clip, rate))
                continue
            kind = item_facts(clip).kind
            offset = media_start(clip, rate)
            clip_range = source_range(clip)
            first, count = frame_of(clip_range.start_time, rate) - offset, frame_of(clip_range.duration, rate)
            if count > 0 and kind in (KIND_SHOT, None):
                shots.append(_found(clip, SHOT, clip.name, first, count))
            elif count > 0 and kind == KIND_CUE:
                add_cue(_found(clip, TECHNICAL_CUE, clip.name, first, count))
            for marker in clip.markers:
                add_marker(marker, offset)
    for marker in timeline.tracks.markers:
        add_marker(marker, 0)
    return shots, list(cues.values()), detections


def _cue_from_marker(marker: otio.schema.Marker, offset: int, rate: Fraction) -> _Found | None:
    kind = item_facts(marker).kind
    if kind == KIND_SHOT or (kind is None and marker.name not in CUE_TYPES):
        return None
    first = frame_of(marker.marked_range.start_time, rate) - offset
    count = frame_of(marker.marked_range.duration, rate)
    return _found(marker, TECHNICAL_CUE, marker.name, first, max(count, 1))


def _found(item: Any, segment_type: str, label: str, first: int, count: int) -> _Found:
    if first < 0:
        raise TimelineError(f"{type(item).__name__} {item.name!r} starts before its media: no frame number for it")
    original = read_segment(item)
    if original is not None:
        label = original.label
        segment_type = original.segment_type
    return _Found(segment_type, label, first, first + count - 1, original)


def _shot_dict(shot: _Found, number: int, rate: Fraction, renumber: bool) -> dict[str, Any]:
    if shot.unchanged and shot.original is not None:
        written = dict(shot.original.raw)
    else:
        confidence = shot.original.confidence if shot.original else None
        written = build_segment(SHOT, shot.first, shot.last, rate, _details(SHOT, confidence, number, None))
    if renumber:
        details = written.get("ShotSegment")
        written["ShotSegment"] = {**(details if isinstance(details, dict) else {}), "Index": number}
    return written


def _cue_dict(cue: _Found, rate: Fraction) -> dict[str, Any]:
    if cue.unchanged and cue.original is not None:
        return dict(cue.original.raw)
    if cue.segment_type != TECHNICAL_CUE:
        return build_segment(cue.segment_type, cue.first, cue.last, rate)
    confidence = cue.original.confidence if cue.original else None
    return build_segment(TECHNICAL_CUE, cue.first, cue.last, rate, _details(TECHNICAL_CUE, confidence, None, cue.label))


def _details(segment_type: str, confidence: float | None, index: int | None, cue_type: str | None) -> dict[str, Any]:
    # Rekognition has no segment without a confidence; one placed by a person is certain.
    return segment_details(segment_type, HAND_MADE_CONFIDENCE if confidence is None else confidence, index, cue_type)


def _invented_job_info(rate: Fraction, found: Sequence[_Found]) -> dict[str, Any]:
    """Top-level fields for a timeline that was not read from Rekognition."""
    frame_count = max((item.last + 1 for item in found), default=0)
    types = [segment_type for segment_type in SEGMENT_TYPES if any(item.segment_type == segment_type for item in found)]
    return {
        "JobStatus": SUCCEEDED,
        "VideoMetadata": [{"FrameRate": float(rate), "DurationMillis": frames.frame_to_millis(frame_count, rate)}],
        "SelectedSegmentTypes": [{"Type": segment_type} for segment_type in types],
    }
