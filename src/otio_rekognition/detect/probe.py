"""What a local copy of the analysed video says of itself: frame rate, frame
count, size, and the start timecode of its timecode track (QuickTime tmcd,
MXF, or the stream's timecode tag), drop frame or not.

Rekognition counts every timecode from 00:00:00:00 and ignores the file's
own; a conform needs it back. PyAV is imported when a file is probed.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from otio_rekognition import frames
from otio_rekognition.errors import RekognitionError


class ProbeError(RekognitionError):
    """A media file that cannot be read: no such file, no video stream, not a video."""


@dataclass(frozen=True)
class MediaProbe:
    url: str  # an absolute file:// URL
    rate: Fraction
    frame_count: int | None
    frame_size: tuple[int, int]
    start_timecode: str | None  # as the file writes it: ';' before the frames for drop frame
    drop_frame: bool | None  # None when the file has no timecode
    # A variable-rate file's frames (a phone's, a screen recording's): the
    # start of each in milliseconds from the first; None at a constant rate.
    frame_starts: tuple[float, ...] | None = None


@contextmanager
def video_stream(path: str | os.PathLike[str], error: type[RekognitionError] = ProbeError) -> Iterator[tuple[Any, Any]]:
    """The open container and its first video stream; a file that is not a
    video is one ``error`` naming it."""
    import av

    try:
        container = av.open(str(path))
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except (av.FFmpegError, OSError) as failure:
        raise error(f"{path}: not a video ffmpeg can read ({reason(failure)})") from None
    with container:
        if not container.streams.video:
            raise error(f"{path}: no video stream")
        yield container, container.streams.video[0]


def reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error)


def probe_media(path: str | os.PathLike[str], job_rate: Fraction | None = None) -> MediaProbe:
    """What the file says of itself, and whether its frames come at a variable
    rate and when: every packet read, none decoded, when the stream's rates
    say it may vary or it is a copy of a job (``job_rate``) whose rate is a
    variable rate's average or not the stream's (not for every camera original)."""
    location = Path(path)
    with video_stream(location) as (container, video):
        rate_value = video.average_rate or video.guessed_rate or video.base_rate
        if not rate_value:
            raise ProbeError(f"{location}: the video stream has no frame rate")
        try:
            rate = frames.snap_rate(float(rate_value))
        except ValueError as error:
            raise ProbeError(f"{location}: the video stream's frame rate: {error}") from None
        tags = [video.metadata, *(stream.metadata for stream in container.streams.data), container.metadata]
        timecode = next((tag["timecode"] for tag in tags if tag.get("timecode")), None)
        count = video.frames or None
        if count is None and video.duration is not None and video.time_base is not None:
            count = round(video.duration * video.time_base * rate)
        context = video.codec_context
        looks_variable = bool(video.average_rate and video.base_rate and video.average_rate != video.base_rate)
        averaged = job_rate is not None and (not frames.is_smpte_rate(job_rate) or rate != job_rate)
        starts = _frame_starts(container, video) if looks_variable or averaged else ()
        return MediaProbe(
            url=location.resolve().as_uri(),
            rate=rate,
            frame_count=count,
            frame_size=(context.width, context.height),
            start_timecode=timecode,
            drop_frame=None if timecode is None else frames.written_drop_frame(timecode),
            frame_starts=starts if _is_variable(starts) else None,
        )


# Steps between frames that differ by more than this are a variable rate (a
# constant-rate file's differ by a tick of its time base).
_VARIABLE_STEP_MILLIS = 1.0


def _frame_starts(container: Any, video: Any) -> tuple[float, ...]:
    """When each frame starts, in milliseconds from the first: the packets'
    presentation times, read without decoding a picture."""
    times = sorted(
        float(packet.pts * packet.time_base * 1000) for packet in container.demux(video) if packet.pts is not None
    )
    return tuple(time - times[0] for time in times) if times else ()


def _is_variable(starts: tuple[float, ...]) -> bool:
    steps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    return bool(steps) and max(steps) - min(steps) > _VARIABLE_STEP_MILLIS
