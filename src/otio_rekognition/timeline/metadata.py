"""The one owner of ``metadata["rekognition"]``: what a timeline, a clip and a
marker carry of Rekognition's data, written when the timeline is built and
read back by the cut list and the response writer.

An item keeps its segment's readable facts (kind, cue type, shot index,
confidence, the frames it was read with) and, under ``segment``, only the
fields of Rekognition's segment that :func:`build_segment` would not write
the same from those facts, with ``absent`` naming those it would write that
Rekognition did not (old model-1.0 responses have no frame numbers). So the
segment comes back exactly, field for field, while a clip holds a handful of
values: OTIO converts every metadata value one at a time in Python, and a
whole segment per clip made reading a 10,000-shot job several times slower.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeGuard

import opentimelineio as otio

from otio_rekognition.errors import TimelineError
from otio_rekognition.rekognition.segments import Segment, build_segment, segment_details
from otio_rekognition.rekognition.vocabulary import SHOT, TECHNICAL_CUE, float32

METADATA_KEY = "rekognition"
# Kinds of item in metadata["rekognition"]["kind"].
KIND_SHOT = "shot"
KIND_CUE = "cue"
KIND_MEDIA = "media"  # the whole video, carrying the cues of a job without shots
_FLOAT32_MAX = 3.4028234663852886e38

try:  # OTIO's own conversion of metadata walks every value through isinstance checks in Python.
    from opentimelineio._otio import AnyDictionary, AnyVector, PyAny
except ImportError:  # pragma: no cover - a future OTIO without them: the public, slower path
    AnyDictionary = AnyVector = PyAny = None


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What a clip or marker says of itself, read without rebuilding its segment."""

    kind: str | None  # shot, cue, media, or None for an item not read from Rekognition
    label: str | None  # the cue type of a cue
    confidence: float | None


@dataclass(frozen=True, slots=True)
class ReadSegment:
    """The segment an item was read from: its frames then, and the segment
    exactly as Rekognition wrote it."""

    segment_type: str
    label: str
    first_frame: int
    last_frame: int
    confidence: float | None
    shot_index: int | None
    raw: dict[str, Any]


def item_metadata(kind: str, segment: Segment, rate: Fraction) -> dict[str, Any]:
    """The ``rekognition`` metadata of a clip or marker made from ``segment``."""
    values: dict[str, Any] = {"kind": kind}
    if segment.cue_type is not None:
        values["type"] = segment.cue_type
    if segment.shot_index is not None:
        values["index"] = segment.shot_index
    if segment.confidence is not None:
        values["confidence"] = segment.confidence
    values["first_frame"] = segment.first_frame
    values["last_frame"] = segment.last_frame
    built = _rebuilt(segment.is_shot, segment.first_frame, segment.last_frame, rate, values)
    differing = {key: value for key, value in segment.raw.items() if not _same(built.get(key, _MISSING), value)}
    if differing:
        values["segment"] = differing
    absent = [key for key in built if key not in segment.raw]
    if absent:
        values["absent"] = absent
    return values


def media_metadata() -> dict[str, Any]:
    return {"kind": KIND_MEDIA}


def set_metadata(item: Any, values: Mapping[str, Mapping[str, Any]]) -> None:
    """``item.metadata[key] = value`` for each entry, for values that came from
    JSON (dicts, lists, text, numbers, booleans, null)."""
    if PyAny is None:
        item.metadata.update(values)
        return
    for key, value in values.items():
        item.metadata.__internal_setitem__(key, _to_any(value))


def item_facts(item: Any) -> ItemFacts:
    values = item.metadata.get(METADATA_KEY)
    if not isinstance(values, Mapping):
        return ItemFacts(None, None, None)
    kind, label, confidence = values.get("kind"), values.get("type"), values.get("confidence")
    return ItemFacts(
        kind if isinstance(kind, str) else None,
        label if isinstance(label, str) else None,
        _restored(confidence) if _is_number(confidence) and 0 <= confidence <= 100 else None,
    )


def read_segment(item: Any, rate: Fraction) -> ReadSegment | None:
    """The segment ``item`` was read from, or None for an item made otherwise
    (or whose metadata someone changed into something else)."""
    values = plain(item.metadata.get(METADATA_KEY))
    if not isinstance(values, dict) or values.get("kind") not in (KIND_SHOT, KIND_CUE):
        return None
    first, last = values.get("first_frame"), values.get("last_frame")
    if not (_is_whole(first) and _is_whole(last) and 0 <= first <= last):
        return None
    index, label, confidence = values.get("index"), values.get("type"), values.get("confidence")
    differing, absent = values.get("segment", {}), values.get("absent", [])
    if (
        (index is not None and not _is_whole(index))
        or (label is not None and not isinstance(label, str))
        or (confidence is not None and not (_is_number(confidence) and 0 <= confidence <= 100))
        or not isinstance(differing, dict)
        or not isinstance(absent, list)
    ):
        return None
    is_shot = values["kind"] == KIND_SHOT
    raw = _rebuilt(is_shot, first, last, rate, values)
    for key in absent:
        raw.pop(key, None)
    raw.update(differing)
    segment_type = raw.get("Type")
    if not isinstance(segment_type, str):
        return None
    return ReadSegment(segment_type, label or segment_type, first, last, confidence, index, raw)


def timeline_values(timeline: otio.schema.Timeline) -> dict[str, Any]:
    """The timeline's ``rekognition`` metadata as plain values ({} if absent)."""
    values = plain(timeline.metadata.get(METADATA_KEY))
    return values if isinstance(values, dict) else {}


def video_frame_size(timeline: otio.schema.Timeline) -> tuple[int, int] | None:
    """Width and height Rekognition reported for the video, if the timeline
    still carries its ``VideoMetadata``."""
    job = timeline_values(timeline).get("job")
    videos = job.get("VideoMetadata") if isinstance(job, dict) else None
    video = videos[0] if isinstance(videos, list) and videos and isinstance(videos[0], dict) else {}
    width, height = video.get("FrameWidth"), video.get("FrameHeight")
    if _is_whole(width) and _is_whole(height) and width > 0 and height > 0:
        return width, height
    return None


def plain(value: Any) -> Any:
    """OTIO's AnyDictionary/AnyVector as plain dicts and lists, for JSON;
    floats as Rekognition sent them (see :func:`_restored`)."""
    try:
        return _plain(value)
    except RecursionError:
        raise TimelineError("metadata nested too deeply to export") from None


class _Missing:
    pass


_MISSING = _Missing()


def _rebuilt(is_shot: bool, first: int, last: int, rate: Fraction, values: Mapping[str, Any]) -> dict[str, Any]:
    segment_type = SHOT if is_shot else TECHNICAL_CUE
    details = segment_details(segment_type, values.get("confidence"), values.get("index"), values.get("type"))
    return build_segment(segment_type, first, last, rate, details)


def _same(built: Any, raw: Any) -> bool:
    """Equal and of the same JSON type (95 and 95.0 are written differently)."""
    if isinstance(built, dict) and isinstance(raw, dict):
        return built.keys() == raw.keys() and all(_same(built[key], raw[key]) for key in raw)
    return type(built) is type(raw) and built == raw


def _to_any(value: Any) -> Any:
    if isinstance(value, Mapping):
        dictionary = AnyDictionary()
        for key, item in value.items():
            dictionary.__internal_setitem__(key, _to_any(item))
        return PyAny(dictionary)
    if isinstance(value, list):
        vector = AnyVector()
        for item in value:
            vector.append(_to_any(item))
        return PyAny(vector)
    return PyAny(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return _restored(value)
    return value


def _restored(value: float) -> float:
    """Rekognition's numbers are float32s printed as doubles; OTIO's .otio
    reader parses doubles a unit in the last place off (99.96073913574219
    comes back as 99.9607391357422). The float32 next to such a value is the
    number Rekognition sent."""
    value = float(value)
    if not math.isfinite(value) or abs(value) > _FLOAT32_MAX:
        return value
    single = float32(value)
    return single if math.isclose(single, value, rel_tol=1e-15, abs_tol=0.0) else value


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
