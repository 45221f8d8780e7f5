"""An OTIO timeline of a video's jobs, as :mod:`layout` lays it out.

One video track ``Shots`` with a clip per shot and a Gap wherever
Rekognition left frames out, so a clip's record position is its source
position. Technical cues, and the appearances the other analyses found, are
markers on the clip where they start: the stock EDL, FCPXML and FCP7 writers
keep only clip markers. A marker's range is in
the clip's media time, so it stays exact even when it runs past that clip.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames, names
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.rekognition.video import Video
from otio_rekognition.timeline.layout import (
    KIND_SHOT,
    Layout,
    Piece,
    check_one_sequence,
    distinct_reels,
    lay_out,
    nothing_to_bin,
    several,
    subclip_name,
    with_gaps,
)
from otio_rekognition.timeline.metadata import (
    METADATA_KEY,
    fcp_xml_metadata,
    item_facts,
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


def build_sequence(videos: Sequence[tuple[Video, ReadOptions]]) -> otio.schema.Timeline:
    """The videos' timelines one after the other on the same tracks (in the
    order given), each video's clips and markers as its own timeline has
    them, the next starting where the last one's frames end; the timeline
    records each video's metadata under ``videos``."""
    check_one_sequence(videos)
    timelines = _with_distinct_reels([build_timeline(video, options) for video, options in videos])
    first = timelines[0]
    rate = float(videos[0][0].rate)
    sequence = otio.schema.Timeline(name=several(first.name, len(timelines)), global_start_time=first.global_start_time)
    values = dict(first.metadata[METADATA_KEY])
    values["videos"] = [dict(timeline.metadata[METADATA_KEY]) for timeline in timelines]
    sequence.metadata.update({METADATA_KEY: values, "fcp_xml": dict(first.metadata["fcp_xml"])})
    kinds: dict[str, str] = {}
    for timeline in timelines:
        for track in timeline.tracks:
            kinds.setdefault(track.name, track.kind)
    tracks = {name: otio.schema.Track(name=name, kind=kind) for name, kind in kinds.items()}
    for (video, _), timeline in zip(videos, timelines, strict=True):
        own = {track.name: track for track in timeline.tracks}
        length = max(video.frame_count, round(timeline.duration().value))
        for name, track in tracks.items():
            items = [child.clone() for child in own[name]] if name in own else []
            track.extend(items)
            used = sum(round(item.duration().value) for item in items)
            if length > used:
                track.append(_gap(length - used, rate))
    sequence.tracks.extend(tracks.values())
    return sequence


def build_bin(videos: Sequence[tuple[Video, ReadOptions]]) -> otio.schema.SerializableCollection:
    """A bin of the videos: per video a master clip of its whole media carrying
    every marker (and the video's metadata), then a subclip per shot named
    after the video and the shot, carrying the markers that start in it."""
    found: list[otio.schema.Clip] = []
    timelines = _with_distinct_reels([build_timeline(video, options) for video, options in videos])
    for (video, _), timeline in zip(videos, timelines, strict=True):
        clips = list(timeline.tracks[0].find_clips(shallow_search=True))
        if not clips:
            raise nothing_to_bin(video)
        reference = clips[0].media_reference
        name = names.media_name(reference.target_url)
        master = otio.schema.Clip(name=name, media_reference=reference.clone(), source_range=reference.available_range)
        master.metadata[METADATA_KEY] = dict(timeline.metadata[METADATA_KEY])
        master.markers.extend(marker.clone() for clip in clips for marker in clip.markers)
        found.append(master)
        for clip in clips:
            if item_facts(clip).kind != KIND_SHOT:
                continue
            subclip = clip.clone()
            subclip.name = subclip_name(name, clip.name)
            # Only the markers that start in it (the first shot carries those before it in the timeline).
            inside = [
                marker for marker in subclip.markers if clip.source_range.contains(marker.marked_range.start_time)
            ]
            subclip.markers[:] = inside
            found.append(subclip)
    return otio.schema.SerializableCollection(name=several(found[0].name, len(videos)), children=found)


def _with_distinct_reels(timelines: list[otio.schema.Timeline]) -> list[otio.schema.Timeline]:
    """The videos' timelines, each clip's reel its video's own (layout.distinct_reels)."""
    clips = [list(timeline.find_clips()) for timeline in timelines]
    reels = [next((str(clip.metadata["cmx_3600"]["reel"]) for clip in found if "cmx_3600" in clip.metadata), "")
             for found in clips]  # fmt: skip
    for found, reel, distinct in zip(clips, reels, distinct_reels(reels, [t.name for t in timelines]), strict=True):
        for clip in found if distinct != reel else ():
            if "cmx_3600" in clip.metadata:
                clip.metadata["cmx_3600"] = {"reel": distinct}
    return timelines


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
