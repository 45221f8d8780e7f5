"""An OTIO timeline of a job, as :mod:`layout` lays it out.

One video track ``Shots`` with a clip per shot and a Gap wherever
Rekognition left frames out, so a clip's record position is its source
position. Technical cues, and the appearances the other analyses found, are
markers on the clip where they start: the stock EDL, FCPXML and FCP7 writers
keep only clip markers. A marker's range is in
the clip's media time, so it stays exact even when it runs past that clip.
"""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.rekognition.analyses import Detection
from otio_rekognition.rekognition.pages import Job
from otio_rekognition.rekognition.segments import Segment
from otio_rekognition.timeline.layout import (
    CUE_TRACK_NAME,
    SHOT_MARKER_COLOR,
    SHOT_TRACK_NAME,
    Layout,
    analysis_track_name,
    comment,
    cue_color,
    cue_name,
    detection_color,
    detection_comment,
    detection_name,
    lay_out,
    shot_name,
)
from otio_rekognition.timeline.metadata import (
    KIND_CUE,
    KIND_SHOT,
    METADATA_KEY,
    detection_metadata,
    fcp_xml_metadata,
    item_metadata,
    media_metadata,
    set_metadata,
    timecode_metadata,
)


def build_timeline(job: Job, options: ReadOptions) -> otio.schema.Timeline:
    layout = lay_out(job, options)
    rate = float(job.rate)
    RationalTime, TimeRange = otio.opentime.RationalTime, otio.opentime.TimeRange
    source_start = layout.source_start
    reel = {"cmx_3600": {"reel": layout.reel}}

    def media_range(first: int, count: int) -> otio.opentime.TimeRange:
        return TimeRange(RationalTime(source_start + first, rate), RationalTime(count, rate))

    available = media_range(0, job.frame_count)

    def new_clip(clip_name: str, first: int, count: int, rekognition: dict[str, Any]) -> otio.schema.Clip:
        clip = otio.schema.Clip(
            name=clip_name,
            media_reference=otio.schema.ExternalReference(target_url=layout.media_url, available_range=available),
            source_range=media_range(first, count),
        )
        set_metadata(clip, {METADATA_KEY: rekognition, **reel})
        return clip

    def new_marker(marker_name: str, segment: Segment, color: str, kind: str) -> otio.schema.Marker:
        marker = otio.schema.Marker(
            name=marker_name,
            marked_range=media_range(segment.first_frame, segment.frame_count),
            color=color,
            comment=comment(segment),
        )
        set_metadata(marker, {METADATA_KEY: item_metadata(kind, segment)})
        return marker

    def detection_marker(detection: Detection, job_number: int) -> otio.schema.Marker:
        marker = otio.schema.Marker(
            name=detection_name(detection),
            marked_range=media_range(detection.first_frame, detection.frame_count),
            color=detection_color(detection),
            comment=detection_comment(detection),
        )
        set_metadata(marker, {METADATA_KEY: detection_metadata(detection, job_number)})
        return marker

    items: list[otio.core.Composable] = []
    carriers: list[otio.schema.Clip] = []
    position = 0
    for number, shot in enumerate(layout.shots, 1):
        if shot.first_frame > position:
            items.append(_gap(shot.first_frame - position, rate))
        name = shot_name(shot, number)
        clip = new_clip(name, shot.first_frame, shot.frame_count, item_metadata(KIND_SHOT, shot))
        if layout.shot_markers:
            clip.markers.append(new_marker(name, shot, SHOT_MARKER_COLOR, KIND_SHOT))
        items.append(clip)
        carriers.append(clip)
        position = shot.last_frame + 1
    if layout.whole_media_length:
        carriers.append(new_clip(layout.media_name, 0, layout.whole_media_length, media_metadata()))
        items.append(carriers[0])
    shot_track = otio.schema.Track(name=SHOT_TRACK_NAME, kind=otio.schema.TrackKind.Video)
    shot_track.extend(items)
    for cue, carrier in zip(layout.cues, layout.carriers, strict=True):
        carriers[carrier].markers.append(new_marker(cue_name(cue), cue, cue_color(cue), KIND_CUE))
    for job_number, ((_, detections), detection_carriers) in enumerate(
        zip(layout.detections, layout.detection_carriers, strict=True)
    ):
        for detection, carrier in zip(detections, detection_carriers, strict=True):
            carriers[carrier].markers.append(detection_marker(detection, job_number))

    timeline = otio.schema.Timeline(
        name=layout.name,
        global_start_time=RationalTime(layout.record_start, rate),
        metadata={METADATA_KEY: _timeline_metadata(layout), "fcp_xml": fcp_xml_metadata(layout.drop_frame)},
    )
    timeline.tracks.append(shot_track)
    for lane, lane_cues in enumerate(layout.cue_lanes):
        track = otio.schema.Track(
            name=CUE_TRACK_NAME if lane == 0 else f"{CUE_TRACK_NAME} {lane + 1}", kind=otio.schema.TrackKind.Video
        )
        position = 0
        for cue in lane_cues:
            if cue.first_frame > position:
                track.append(_gap(cue.first_frame - position, rate))
            track.append(new_clip(cue_name(cue), cue.first_frame, cue.frame_count, item_metadata(KIND_CUE, cue)))
            position = cue.last_frame + 1
        timeline.tracks.append(track)
    for job_number, analysis, lanes in layout.analysis_lanes:
        for lane, lane_detections in enumerate(lanes):
            track = otio.schema.Track(name=analysis_track_name(analysis, lane), kind=otio.schema.TrackKind.Video)
            position = 0
            for detection in lane_detections:
                if detection.first_frame > position:
                    track.append(_gap(detection.first_frame - position, rate))
                metadata = detection_metadata(detection, job_number)
                clip = new_clip(detection_name(detection), detection.first_frame, detection.frame_count, metadata)
                track.append(clip)
                position = detection.last_frame + 1
            timeline.tracks.append(track)
    return timeline


def _gap(count: int, rate: float) -> otio.schema.Gap:
    return otio.schema.Gap(
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(count, rate)
        )
    )


def _timeline_metadata(layout: Layout) -> dict[str, Any]:
    job = layout.job
    metadata: dict[str, Any] = {
        "job": dict(job.info) if job.has_segment_job else None,
        "frame_rate": frames.rate_text(job.rate),
        **timecode_metadata(layout.drop_frame),
        "media_url": layout.media_url,
        "page_count": job.page_count,
        "duplicates_dropped": job.duplicates_dropped,
        "segments_filtered_out": len(job.segments) - layout.kept,
        "disagreements": list(job.disagreements),
    }
    if job.next_token is not None:
        metadata["incomplete"] = {"NextToken": job.next_token}
    if job.analyses:
        metadata["analyses"] = [
            {
                "analysis": analysed.analysis.name,
                "source": analysed.source,
                "job": dict(analysed.info),
                "page_count": analysed.page_count,
                "duplicates_dropped": analysed.duplicates_dropped,
                "detections": len(analysed.detections),
                "appearances": len(kept),
                "merge_window_millis": window,
                **({"incomplete": {"NextToken": analysed.next_token}} if analysed.next_token else {}),
            }
            for (analysed, kept), window in zip(layout.detections, layout.merge_windows, strict=True)
        ]
    return metadata
