"""What was read of one video: each of its jobs merged from its pages (one
:class:`AnalysisJob` per job of any Get* API, segment detection included),
and the :class:`Video` they analysed, which a timeline is laid out from."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeGuard

from otio_rekognition import frames, names
from otio_rekognition.rekognition.analyses import Detection
from otio_rekognition.rekognition.segments import Segment, segment_millis
from otio_rekognition.rekognition.vocabulary import SEGMENTS, Analysis


@dataclass(frozen=True, slots=True)
class AudioStream:
    """One of the video's sound streams, as ``AudioMetadata`` describes it."""

    channels: int
    sample_rate: int | None  # Hz, when Rekognition says
    codec: str | None


@dataclass(frozen=True)
class AnalysisJob:
    """A merged job of one Get* API: GetSegmentDetection's segments, or the
    detections of another analysis (GetLabelDetection, ...)."""

    source: str
    analysis: Analysis
    rate: Fraction
    frame_count: int
    # Every top-level field of the response except its list and NextToken.
    info: Mapping[str, Any]
    segments: tuple[Segment, ...] = ()  # in time order, shots first
    detections: tuple[Detection, ...] = ()  # as read: one per item, in page order
    page_count: int = 1
    duplicates_dropped: int = 0
    next_token: str | None = None
    disagreements: tuple[str, ...] = ()  # frame values that disagreed with the frame numbers used
    audio: tuple[AudioStream, ...] = ()  # GetSegmentDetection's AudioMetadata; the others give none
    files: tuple[str, ...] = ()  # the inputs its pages came from, as given


@dataclass(frozen=True)
class Video:
    """One video's jobs: its segment job first, when it has one, then the
    other analyses' in the APIs' order; ``frame_count`` is as far as any
    of them reaches."""

    jobs: tuple[AnalysisJob, ...]
    frame_count: int
    # Read from a variable-rate copy of it (see retimed): when each of its frames starts, in milliseconds.
    frame_starts: tuple[float, ...] | None = None
    # The size of the copy the clips link to, when it is a rendition of another size (a proxy, the original).
    media_frame_size: tuple[int, int] | None = None

    @property
    def rate(self) -> Fraction:
        return self.jobs[0].rate

    @property
    def source(self) -> str:
        return self.jobs[0].source

    @property
    def segment_job(self) -> AnalysisJob | None:
        return self.jobs[0] if self.jobs[0].analysis is SEGMENTS else None

    @property
    def analyses(self) -> tuple[AnalysisJob, ...]:
        """The jobs of the other analyses."""
        return tuple(job for job in self.jobs if job.analysis is not SEGMENTS)

    @property
    def audio(self) -> tuple[AudioStream, ...]:
        """The video's sound streams (none known: picture only)."""
        return self.jobs[0].audio

    @property
    def naming_info(self) -> Mapping[str, Any]:
        """The fields that name the job and its video: the segment job's, else the first analysis's."""
        return self.jobs[0].info

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self.jobs[0].segments

    @property
    def shots(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.is_shot]

    @property
    def cues(self) -> list[Segment]:
        return [segment for segment in self.segments if not segment.is_shot]

    @property
    def s3_url(self) -> str | None:
        """``s3://bucket/key`` of the analysed video, when the response names it."""
        s3 = s3_object(self.naming_info)
        return names.s3_url(s3[0], s3[1]) if s3 is not None else None

    @property
    def frame_size(self) -> tuple[int, int] | None:
        """The size Rekognition reported for the video it analysed (the sequence's)."""
        return video_frame_size(self.naming_info)


def retimed(video: Video, frame_starts: Sequence[float]) -> Video:
    """The video's segments and detections placed on the frames of a
    variable-rate file by their milliseconds: ``frame_starts`` is the start
    of each of its frames, in milliseconds from the first. A frame number at
    an average rate lands on the wrong frame of such a file; the moment does
    not. Items without milliseconds keep their frames."""

    def frame_at(millis: float) -> int:
        # Rekognition rounds a frame's start down to the millisecond.
        return max(bisect.bisect_left(frame_starts, millis + 1) - 1, 0)

    def segment(item: Segment) -> Segment:
        millis = segment_millis(item)
        if millis is None:
            return item
        return dataclasses.replace(item, first_frame=frame_at(millis[0]), last_frame=frame_at(millis[1]))

    def detection(item: Detection) -> Detection:
        return dataclasses.replace(item, first_frame=frame_at(item.millis[0]), last_frame=frame_at(item.millis[1]))

    jobs = tuple(
        dataclasses.replace(
            job,
            segments=tuple(map(segment, job.segments)),
            detections=tuple(map(detection, job.detections)),
            frame_count=len(frame_starts),
        )
        for job in video.jobs
    )
    return dataclasses.replace(video, jobs=jobs, frame_count=len(frame_starts), frame_starts=tuple(frame_starts))


VideoShape = tuple[Fraction, "int | None", "tuple[int, int] | None"]  # rate, frame count, width and height


def media_mismatch(video: Video, rate: Fraction, frame_count: int | None, variable: bool = False) -> str | None:
    """How a media file differs from the video the jobs analysed, in what
    decides whether the cuts fit it (None when it does not): another rate, or
    another length (a frame of slack, as ``DurationMillis`` is rounded down;
    a variable-rate file's average rate and frame count are measured, not
    declared, so within 1 % of the job's is near enough). Its frame size does
    not count: see :func:`rendition_note`."""
    if not variable:
        return video_mismatch((video.rate, video.frame_count, None), (rate, frame_count, None))
    if abs(rate - video.rate) > frames.VARIABLE_RATE_TOLERANCE * video.rate:
        return f"it averages {float(rate):.3f} fps, the job's video {float(video.rate):.3f} fps"
    if frame_count and video.frame_count and abs(frame_count - video.frame_count) > max(2, video.frame_count // 100):
        return f"it has {frame_count} frames, the job's video {video.frame_count}"
    return None


def rendition_note(analysed: tuple[int, int] | None, frame_size: tuple[int, int] | None) -> str | None:
    """What to say of a media file of another frame size than the analysed
    video's (None when it has the same or either is unknown): Rekognition
    analyses an H.264 transcode, editors cut proxies and camera originals."""
    if analysed is None or frame_size is None or analysed == frame_size:
        return None
    return (
        f"it is {frame_size[0]}x{frame_size[1]}, the analysed video {analysed[0]}x{analysed[1]}: "
        "taken as a rendition of it (a proxy or the original), as its rate and length match"
    )


def video_mismatch(analysed: VideoShape, video: VideoShape) -> str | None:
    """How ``video`` differs from the ``analysed`` one; what either does not know is not compared."""
    (rate, frame_count, frame_size), (own_rate, own_count, own_size) = video, analysed
    if rate != own_rate:
        return f"it is {frames.rate_text(rate)} fps, the job's video {frames.rate_text(own_rate)} fps"
    if frame_size is not None and own_size is not None and frame_size != own_size:
        return f"it is {frame_size[0]}x{frame_size[1]}, the job's video {own_size[0]}x{own_size[1]}"
    if frame_count is not None and own_count and abs(frame_count - own_count) > 1:
        return f"it has {frame_count} frames, the job's video {own_count}"
    return None


def video_frame_size(info: Mapping[str, Any]) -> tuple[int, int] | None:
    """Width and height of the video from a job's ``VideoMetadata``, when it gives them."""
    video = _video_metadata(info)
    width, height = video.get("FrameWidth"), video.get("FrameHeight")
    if _is_size(width) and _is_size(height):
        return width, height
    return None


def _video_metadata(info: Mapping[str, Any]) -> Mapping[str, Any]:
    """The video's metadata: the first of a list (segment detection) or the object (the other analyses)."""
    videos = info.get("VideoMetadata")
    if isinstance(videos, list):
        videos = videos[0] if videos else None
    return videos if isinstance(videos, dict) else {}


def s3_object(info: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    """Bucket, key and version of the analysed video, when the response names them."""
    video = info.get("Video")
    s3 = video.get("S3Object") if isinstance(video, dict) else None
    if isinstance(s3, dict) and isinstance(s3.get("Bucket"), str) and isinstance(s3.get("Name"), str):
        version = s3.get("Version")
        return s3["Bucket"], s3["Name"], version if isinstance(version, str) else None
    return None


def _is_size(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
