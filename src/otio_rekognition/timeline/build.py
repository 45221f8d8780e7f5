"""Building the OTIO timeline from a parsed job.

Layout: one video track ``Shots`` with a clip per shot and a Gap wherever
Rekognition left frames out, so a clip's record position is its source
position. Technical cues are markers on the clip where they start: the stock
EDL, FCPXML and FCP7 writers keep only clip markers. A marker's range is in
the clip's media time, so it stays exact even when it runs past that clip.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames, names
from otio_rekognition.arguments import ReadOptions, timecode_frame
from otio_rekognition.rekognition.pages import Job
from otio_rekognition.rekognition.segments import Segment
from otio_rekognition.rekognition.vocabulary import SHOT, TECHNICAL_CUE
from otio_rekognition.timeline.metadata import (
    KIND_CUE,
    KIND_SHOT,
    METADATA_KEY,
    item_metadata,
    media_metadata,
    set_metadata,
)

SHOT_TRACK_NAME = "Shots"
CUE_TRACK_NAME = "Technical cues"

MC = otio.schema.MarkerColor
# Avid locators have exactly these eight colours, so each cue keeps its own.
CUE_COLORS: Mapping[str, str] = {
    "ColorBars": MC.MAGENTA,
    "Slate": MC.YELLOW,
    "BlackFrames": MC.BLACK,
    "StudioLogo": MC.CYAN,
    "OpeningCredits": MC.BLUE,
    "EndCredits": MC.RED,
    "Content": MC.GREEN,
}
UNKNOWN_CUE_COLOR = MC.WHITE
SHOT_MARKER_COLOR = MC.PINK


def build_timeline(job: Job, options: ReadOptions, name: str | None = None) -> otio.schema.Timeline:
    rate = float(job.rate)
    record_start = timecode_frame("start_timecode", options.start_timecode, job.rate) or 0
    source_start = timecode_frame("source_timecode", options.source_timecode, job.rate) or 0
    media_url = _media_url(job, options)
    reel = {"cmx_3600": {"reel": names.reel_name(names.media_name(media_url))}}
    segments = [segment for segment in job.segments if _selected(segment, options)]
    shots = [segment for segment in segments if segment.is_shot]
    cues = [segment for segment in segments if not segment.is_shot]
    RationalTime, TimeRange = otio.opentime.RationalTime, otio.opentime.TimeRange

    def media_range(first: int, count: int) -> otio.opentime.TimeRange:
        return TimeRange(RationalTime(source_start + first, rate), RationalTime(count, rate))

    available = media_range(0, job.frame_count)

    def new_clip(clip_name: str, first: int, count: int, rekognition: dict[str, Any]) -> otio.schema.Clip:
        clip = otio.schema.Clip(
            name=clip_name,
            media_reference=otio.schema.ExternalReference(target_url=media_url, available_range=available),
            source_range=media_range(first, count),
        )
        set_metadata(clip, {METADATA_KEY: rekognition, **reel})
        return clip

    def new_marker(marker_name: str, segment: Segment, color: str, kind: str) -> otio.schema.Marker:
        marker = otio.schema.Marker(
            name=marker_name,
            marked_range=media_range(segment.first_frame, segment.frame_count),
            color=color,
            comment=_comment(segment),
        )
        set_metadata(marker, {METADATA_KEY: item_metadata(kind, segment, job.rate)})
        return marker

    shot_track = otio.schema.Track(name=SHOT_TRACK_NAME, kind=otio.schema.TrackKind.Video)
    items: list[otio.core.Composable] = []
    carriers: list[tuple[int, otio.schema.Clip]] = []
    position = 0
    for number, shot in enumerate(shots, 1):
        if shot.first_frame > position:
            items.append(_gap(shot.first_frame - position, rate))
        clip_name = _shot_name(shot, number)
        clip = new_clip(clip_name, shot.first_frame, shot.frame_count, item_metadata(KIND_SHOT, shot, job.rate))
        if options.shot_markers:
            clip.markers.append(new_marker(clip_name, shot, SHOT_MARKER_COLOR, KIND_SHOT))
        items.append(clip)
        carriers.append((shot.first_frame, clip))
        position = shot.last_frame + 1
    if not carriers and (cues or job.frame_count):
        whole = new_clip(names.media_name(media_url), 0, max(job.frame_count, 1), media_metadata())
        items.append(whole)
        carriers.append((0, whole))
    shot_track.extend(items)

    starts = [first for first, _ in carriers]
    for cue in cues:
        _, carrier = carriers[max(bisect.bisect_right(starts, cue.first_frame) - 1, 0)]
        carrier.markers.append(
            new_marker(names.safe_name(cue.label), cue, CUE_COLORS.get(cue.label, UNKNOWN_CUE_COLOR), KIND_CUE)
        )

    timeline = otio.schema.Timeline(
        name=name or _timeline_name(job),
        global_start_time=RationalTime(record_start, rate),
        metadata={METADATA_KEY: _timeline_metadata(job, media_url, len(segments))},
    )
    timeline.tracks.append(shot_track)
    if options.cue_track:
        for lane, lane_cues in enumerate(_lanes(cues)):
            track = otio.schema.Track(
                name=CUE_TRACK_NAME if lane == 0 else f"{CUE_TRACK_NAME} {lane + 1}", kind=otio.schema.TrackKind.Video
            )
            position = 0
            for cue in lane_cues:
                if cue.first_frame > position:
                    track.append(_gap(cue.first_frame - position, rate))
                track.append(
                    new_clip(
                        names.safe_name(cue.label),
                        cue.first_frame,
                        cue.frame_count,
                        item_metadata(KIND_CUE, cue, job.rate),
                    )
                )
                position = cue.last_frame + 1
            timeline.tracks.append(track)
    return timeline


def _media_url(job: Job, options: ReadOptions) -> str:
    if options.media_url:
        return options.media_url
    video = job.info.get("Video")
    s3 = video.get("S3Object") if isinstance(video, dict) else None
    if isinstance(s3, dict) and isinstance(s3.get("Bucket"), str) and isinstance(s3.get("Name"), str):
        return f"s3://{s3['Bucket']}/{s3['Name']}"
    job_id = job.info.get("JobId")
    if isinstance(job_id, str) and job_id:
        return f"rekognition://{job_id}"
    return f"rekognition://{_source_stem(job) or 'job'}"


def _selected(segment: Segment, options: ReadOptions) -> bool:
    if (SHOT if segment.is_shot else TECHNICAL_CUE) not in options.segment_types:
        return False
    if not segment.is_shot and options.cue_types is not None and segment.cue_type not in options.cue_types:
        return False
    return segment.confidence is None or segment.confidence >= options.min_confidence


def _shot_name(shot: Segment, number: int) -> str:
    # Editors count shots from 1; Rekognition's Index counts from 0.
    return f"Shot {(shot.shot_index + 1 if shot.shot_index is not None else number):04d}"


def _comment(segment: Segment) -> str:
    if segment.confidence is None:
        return segment.label
    return f"{segment.label}, confidence {segment.confidence:.2f}%"


def _gap(count: int, rate: float) -> otio.schema.Gap:
    return otio.schema.Gap(
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(count, rate)
        )
    )


def _lanes(cues: Sequence[Segment]) -> list[list[Segment]]:
    """Cues packed into as few tracks as possible: cues overlap (by a frame,
    or a Content cue around credits) and a track cannot hold overlapping clips."""
    lanes: list[list[Segment]] = []
    for cue in sorted(cues, key=lambda c: (c.first_frame, c.last_frame)):
        lane = next((lane for lane in lanes if lane[-1].last_frame < cue.first_frame), None)
        if lane is None:
            lanes.append([cue])
        else:
            lane.append(cue)
    return lanes


def _timeline_name(job: Job) -> str:
    for key in ("JobTag", "JobId"):
        value = job.info.get(key)
        if isinstance(value, str) and value:
            return names.safe_name(value)
    return _source_stem(job) or "Rekognition segments"


def _source_stem(job: Job) -> str:
    """``job`` for ``/jobs/job.json``; empty for text that came from no file
    (``<string>``, ``<stdin>``)."""
    if job.source.startswith("<"):
        return ""
    return names.safe_name(names.media_name(job.source).rsplit(".", 1)[0])


def _timeline_metadata(job: Job, media_url: str, kept: int) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "job": dict(job.info),
        "frame_rate": frames.rate_text(job.rate),
        "media_url": media_url,
        "page_count": job.page_count,
        "duplicates_dropped": job.duplicates_dropped,
        "segments_filtered_out": len(job.segments) - kept,
        "disagreements": list(job.disagreements),
    }
    if job.next_token is not None:
        metadata["incomplete"] = {"NextToken": job.next_token}
    return metadata
