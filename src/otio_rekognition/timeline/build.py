"""An OTIO timeline of a video's jobs, as :mod:`layout` lays it out.

One video track ``Shots`` with a clip per shot and a Gap wherever
Rekognition left frames out, so a clip's record position is its source
position. Technical cues, and the appearances the other analyses found, are
markers on the clip where they start: the stock EDL, FCPXML and FCP7 writers
keep only clip markers. A marker's range is in
the clip's media time, so it stays exact even when it runs past that clip.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.rekognition.video import Video
from otio_rekognition.timeline.layout import Layout, Piece, lay_out, with_gaps
from otio_rekognition.timeline.metadata import (
    METADATA_KEY,
    fcp_xml_metadata,
    piece_metadata,
    sound_metadata,
    timecode_metadata,
)


def build_timeline(video: Video, options: ReadOptions) -> otio.schema.Timeline:
    layout = lay_out(video, options)
    rate = float(video.rate)
    RationalTime, TimeRange = otio.opentime.RationalTime, otio.opentime.TimeRange
    source_start = layout.source_start
    reel = {"cmx_3600": {"reel": layout.reel}}

    def media_range(first: int, count: int) -> otio.opentime.TimeRange:
        return TimeRange(RationalTime(source_start + first, rate), RationalTime(count, rate))

    available = media_range(0, video.frame_count)

    def new_clip(piece: Piece, picture: bool = True) -> otio.schema.Clip:
        """A clip of the media; a picture clip carries what it was read from, a sound clip only its range."""
        clip = otio.schema.Clip(
            name=piece.name,
            media_reference=otio.schema.ExternalReference(target_url=layout.media_url, available_range=available),
            source_range=media_range(piece.first_frame, piece.frame_count),
        )
        if picture:
            clip.metadata.update({METADATA_KEY: piece_metadata(piece), **reel})
        return clip

    def new_marker(piece: Piece) -> otio.schema.Marker:
        marker = otio.schema.Marker(
            name=piece.name,
            marked_range=media_range(piece.first_frame, piece.frame_count),
            color=piece.color,
            comment=piece.comment,
        )
        marker.metadata[METADATA_KEY] = piece_metadata(piece)
        return marker

    timeline = otio.schema.Timeline(
        name=layout.name,
        global_start_time=RationalTime(layout.record_start, rate),
        metadata={METADATA_KEY: _timeline_metadata(layout), "fcp_xml": fcp_xml_metadata(layout.drop_frame)},
    )

    def new_track(name: str, pieces: tuple[Piece, ...], picture: bool = True) -> otio.schema.Track:
        """The pieces as clips, with a Gap wherever the record position jumps."""
        kind = otio.schema.TrackKind.Video if picture else otio.schema.TrackKind.Audio
        track = otio.schema.Track(name=name, kind=kind)
        spans = with_gaps(pieces, attrgetter("first_frame"), attrgetter("frame_count"))
        track.extend(_gap(span.length, rate) if span.item is None else new_clip(span.item, picture) for span in spans)
        return track

    tracks = [new_track(track.name, track.clips) for track in layout.tracks]
    timeline.tracks.extend(tracks)
    carriers = list(tracks[0].find_clips(shallow_search=True))
    for carrier, piece in layout.markers:
        carriers[carrier].markers.append(new_marker(piece))
    # Sound follows picture: a mono track per channel, the shots cut on each.
    channels = layout.sound.channels if layout.sound is not None else 0
    timeline.tracks.extend(
        new_track(f"A{channel}", layout.tracks[0].clips, False) for channel in range(1, channels + 1)
    )
    return timeline


def _gap(count: int, rate: float) -> otio.schema.Gap:
    return otio.schema.Gap(
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(count, rate)
        )
    )


def _timeline_metadata(layout: Layout) -> dict[str, Any]:
    video, segment_job = layout.video, layout.video.segment_job
    metadata: dict[str, Any] = {
        "job": dict(segment_job.info) if segment_job else None,
        "frame_rate": frames.rate_text(video.rate),
        **timecode_metadata(layout.drop_frame),
        "media_url": layout.media_url,
        "page_count": segment_job.page_count if segment_job else 0,
        "duplicates_dropped": segment_job.duplicates_dropped if segment_job else 0,
        "segments_filtered_out": len(video.segments) - len(layout.shots) - len(layout.cues),
        "disagreements": list(segment_job.disagreements) if segment_job else [],
    }
    if layout.sound is not None:
        metadata["sound"] = sound_metadata(layout.sound)
    if video.frame_starts is not None:
        metadata["frame_starts"] = list(video.frame_starts)
    if video.media_frame_size is not None:
        metadata["media_frame_size"] = list(video.media_frame_size)
    if segment_job and segment_job.next_token is not None:
        metadata["incomplete"] = {"NextToken": segment_job.next_token}
    if layout.analyses:
        metadata["analyses"] = [
            {
                "analysis": laid.job.analysis.name,
                "source": laid.job.source,
                "job": dict(laid.job.info),
                "page_count": laid.job.page_count,
                "duplicates_dropped": laid.job.duplicates_dropped,
                "detections": len(laid.job.detections),
                "appearances": len(laid.appearances),
                "merge_window_millis": laid.merge_window,
            }
            | ({"incomplete": {"NextToken": laid.job.next_token}} if laid.job.next_token else {})
            for laid in layout.analyses
        ]
    return metadata
