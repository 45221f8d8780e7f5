"""Reading back what a timeline carries: its rate, whole frames, and the
``rekognition`` metadata, for the writers that start from a timeline."""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.errors import TimelineError
from otio_rekognition.timeline import METADATA_KEY

_FLOAT32_MAX = 3.4028234663852886e38


def timeline_rate(timeline: otio.schema.Timeline) -> Fraction:
    """The exact rate of the global start time, else of the first clip."""
    times = [timeline.global_start_time] if timeline.global_start_time is not None else []
    times += [source_range(clip).start_time for clip in timeline.find_clips()][:1]
    if not times:
        raise TimelineError(
            f"timeline {timeline.name!r} has no global start time and no clip: its frame rate is unknown"
        )
    try:
        return frames.snap_rate(times[0].rate)
    except ValueError as error:
        raise TimelineError(f"timeline {timeline.name!r}: {error}") from None


def frame_of(time: otio.opentime.RationalTime, rate: Fraction) -> int:
    value = time.value_rescaled_to(float(rate))
    if not math.isfinite(value):
        raise TimelineError(f"a time of {time.value} at {time.rate} fps is not a frame")
    return round(value)


def source_range(item: Any) -> otio.opentime.TimeRange:
    """``item.trimmed_range()``, or one line saying why there is none."""
    try:
        return item.trimmed_range()
    except otio.exceptions.OTIOError:
        raise TimelineError(
            f"{type(item).__name__} {item.name!r:.60}: no source range, and its media has no available range"
        ) from None


def media_start(clip: otio.schema.Clip, rate: Fraction) -> int:
    """First frame of the clip's media in source time (0 when unknown)."""
    available = clip.media_reference.available_range if clip.media_reference else None
    return frame_of(available.start_time, rate) if available else 0


def video_frame_size(timeline: otio.schema.Timeline) -> tuple[int, int] | None:
    """Width and height Rekognition reported for the video, if the timeline
    still carries its ``VideoMetadata``."""
    job = rekognition_metadata(timeline).get("job")
    videos = job.get("VideoMetadata") if isinstance(job, dict) else None
    video = videos[0] if isinstance(videos, list) and videos and isinstance(videos[0], dict) else {}
    width, height = video.get("FrameWidth"), video.get("FrameHeight")
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        return width, height
    return None


def rekognition_metadata(item: Any) -> dict[str, Any]:
    """``item.metadata["rekognition"]`` as plain Python values ({} if absent)."""
    value = item.metadata.get(METADATA_KEY)
    return plain(value) if isinstance(value, Mapping) else {}


def plain(value: Any) -> Any:
    """OTIO's AnyDictionary/AnyVector as plain dicts and lists, for JSON."""
    try:
        return _plain(value)
    except RecursionError:
        raise TimelineError("metadata nested too deeply to export") from None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return _float32_restored(value)
    return value


def _float32_restored(value: float) -> float:
    """Rekognition's numbers are float32s printed as doubles; OTIO's .otio
    reader parses doubles a unit in the last place off (99.96073913574219
    comes back as 99.9607391357422). The float32 next to such a value is the
    number Rekognition sent."""
    if not math.isfinite(value) or abs(value) > _FLOAT32_MAX:
        return value
    single: float = struct.unpack("f", struct.pack("f", value))[0]
    return single if math.isclose(single, value, rel_tol=1e-15, abs_tol=0.0) else value
