"""A timeline's times in whole frames at its exact rate: what the cut list
and the response writer read a timeline through."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.errors import TimelineError


def timeline_rate(timeline: otio.schema.Timeline) -> Fraction:
    """The exact rate of the global start time, else of the first clip;
    TimelineError for what is no timeline (a bin of clips, from the jobs with --videos bin)."""
    if not isinstance(timeline, otio.schema.Timeline):
        raise TimelineError(
            f"expected a timeline, got a {type(timeline).__name__}: a bin of clips is written from the jobs "
            "(otio-rekognition convert --videos bin), not from OTIO"
        )
    times = [timeline.global_start_time] if timeline.global_start_time is not None else []
    first_clip = next(iter(timeline.find_clips()), None)
    if first_clip is not None:
        times.append(source_range(first_clip).start_time)
    if not times:
        raise TimelineError(
            f"timeline {timeline.name!r} has no global start time and no clip: its frame rate is unknown"
        )
    try:
        return frames.snap_rate(times[0].rate)
    except ValueError as error:
        raise TimelineError(f"timeline {timeline.name!r}: {error}") from None


def frame_of(time: otio.opentime.RationalTime, rate: Fraction) -> int:
    value = time.value_rescaled_to(rate.numerator / rate.denominator)
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
