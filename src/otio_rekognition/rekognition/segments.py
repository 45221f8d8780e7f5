"""One segment of a GetSegmentDetection response: read from Rekognition's
JSON into a typed :class:`Segment`, and built back in Rekognition's shape.

Frames are resolved from the best source present (frame numbers, then SMPTE
timecode, then milliseconds), cross-checking the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeGuard

from otio_rekognition import frames
from otio_rekognition.errors import ResponseFormatError
from otio_rekognition.rekognition.vocabulary import CUE_TYPES, DETAILS_KEYS, SHOT, TECHNICAL_CUE

DAY_MILLIS = 24 * 3600 * 1000
# A field may hold megabytes: messages show the start of it.
_SHOWN_LENGTH = 60


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment with its frames resolved. ``last_frame`` is inclusive, as
    Rekognition's ``EndFrameNumber`` is."""

    segment_type: str
    first_frame: int
    last_frame: int
    confidence: float | None
    shot_index: int | None
    cue_type: str | None
    raw: Mapping[str, Any]

    @property
    def is_shot(self) -> bool:
        return self.segment_type == SHOT

    @property
    def frame_count(self) -> int:
        return self.last_frame - self.first_frame + 1

    @property
    def label(self) -> str:
        """The cue type for cues, the segment type for anything else."""
        return self.cue_type or self.segment_type


def build_segment(
    segment_type: str, first: int, last: int, rate: Fraction, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A segment in Rekognition's current shape: inclusive end frame,
    durations of End - Start (one frame short, as Rekognition writes them),
    milliseconds rounded down, SMPTE timecodes (drop frame at 29.97/59.94)
    only at rates that have a timecode. ``details`` becomes the ShotSegment or
    TechnicalCueSegment object."""
    start_ms, end_ms = frames.frame_to_millis(first, rate), frames.frame_to_millis(last, rate)
    segment: dict[str, Any] = {
        "Type": segment_type,
        "StartTimestampMillis": start_ms,
        "EndTimestampMillis": end_ms,
        "DurationMillis": end_ms - start_ms,
    }
    if frames.is_smpte_rate(rate):
        segment["StartTimecodeSMPTE"] = frames.frame_to_timecode(first, rate)
        segment["EndTimecodeSMPTE"] = frames.frame_to_timecode(last, rate)
        segment["DurationSMPTE"] = frames.frame_to_timecode(last - first, rate)
    if details is not None and segment_type in DETAILS_KEYS:
        segment[DETAILS_KEYS[segment_type]] = dict(details)
    segment.update(StartFrameNumber=first, EndFrameNumber=last, DurationFrames=last - first)
    return segment


def segment_details(
    segment_type: str, confidence: float | None, shot_index: int | None, cue_type: str | None
) -> dict[str, Any]:
    """The ShotSegment or TechnicalCueSegment object of those values."""
    details: dict[str, Any] = {"Index": shot_index} if segment_type == SHOT else {"Type": cue_type}
    if confidence is not None:
        details["Confidence"] = confidence
    return {key: value for key, value in details.items() if value is not None}


def parse_segment(
    raw: Mapping[str, Any],
    rate: Fraction,
    where: str = "segment",
    disagreements: list[str] | None = None,
) -> Segment:
    """One segment, its frames taken from the best source present.

    Disagreeing sources are appended to ``disagreements`` (when given).
    """
    segment_type = raw.get("Type")
    if not isinstance(segment_type, str) or not segment_type:
        raise ResponseFormatError(f"{where} field Type: expected SHOT or TECHNICAL_CUE, got {shown(segment_type)}")
    first_frame, last_frame, _ = resolve_frames(raw, rate, where, disagreements)
    confidence = shot_index = cue_type = None
    if segment_type == SHOT:
        details = object_field(raw, "ShotSegment", where)
        shot_index = _integer(details, "Index", f"{where} ShotSegment") if "Index" in details else None
        confidence = confidence_field(details, f"{where} ShotSegment")
    elif segment_type == TECHNICAL_CUE:
        details = object_field(raw, "TechnicalCueSegment", where)
        cue_type = details.get("Type")
        if not isinstance(cue_type, str) or not cue_type:
            raise ResponseFormatError(
                f"{where} field TechnicalCueSegment.Type: expected a cue type such as "
                f"{', '.join(CUE_TYPES)}, got {shown(cue_type)}"
            )
        confidence = confidence_field(details, f"{where} TechnicalCueSegment")
    return Segment(segment_type, first_frame, last_frame, confidence, shot_index, cue_type, raw)


def is_millis(value: object) -> TypeGuard[float]:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        and 0 <= value <= DAY_MILLIS
    )  # fmt: skip


def shown(value: object) -> str:
    """A value as an error message shows it: repr, cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else f"{text[:_SHOWN_LENGTH]}... ({len(text)} characters)"


def json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def segment_millis(segment: Segment) -> tuple[float, float] | None:
    """The start of a segment's first and last frames in milliseconds, as
    Rekognition wrote them (rounded down), when it did."""
    start, end = segment.raw.get("StartTimestampMillis"), segment.raw.get("EndTimestampMillis")
    return (float(start), float(end)) if is_millis(start) and is_millis(end) else None


def resolve_frames(
    raw: Mapping[str, Any], rate: Fraction, where: str, disagreements: list[str] | None
) -> tuple[int, int, str]:
    """(first, last, source) of an item that has a range: the last frame is
    inclusive; the source is "frame numbers", "SMPTE timecodes" or
    "milliseconds", whichever was the best one present."""
    candidates: list[tuple[str, tuple[int | None, int | None]]] = []
    if "StartFrameNumber" in raw or "EndFrameNumber" in raw:
        candidates.append(
            (
                "frame numbers",
                (
                    _frame_number(raw, "StartFrameNumber", rate, where),
                    _frame_number(raw, "EndFrameNumber", rate, where),
                ),
            )
        )
    if "StartTimecodeSMPTE" in raw or "EndTimecodeSMPTE" in raw:
        if not frames.is_smpte_rate(rate) and not candidates:
            raise ResponseFormatError(
                f"{where}: {float(rate):g} fps is not a SMPTE rate and the segment has no frame numbers, "
                "so its SMPTE timecodes cannot be trusted; pass the real rate as rate=..."
            )
        if frames.is_smpte_rate(rate):
            candidates.append(
                (
                    "SMPTE timecodes",
                    (
                        _timecode(raw, "StartTimecodeSMPTE", rate, where, strict=not candidates),
                        _timecode(raw, "EndTimecodeSMPTE", rate, where, strict=not candidates),
                    ),
                )
            )
    if "StartTimestampMillis" in raw or "EndTimestampMillis" in raw:
        candidates.append(
            (
                "milliseconds",
                (
                    millis_field(raw, "StartTimestampMillis", rate, where),
                    millis_field(raw, "EndTimestampMillis", rate, where),
                ),
            )
        )
    chosen = next((c for c in candidates if None not in c[1]), None)
    if chosen is None:
        raise ResponseFormatError(
            f"{where}: no start and end: expected StartFrameNumber/EndFrameNumber, "
            "StartTimecodeSMPTE/EndTimecodeSMPTE or StartTimestampMillis/EndTimestampMillis"
        )
    chosen_name, (first, last) = chosen
    assert first is not None and last is not None
    if last < first:
        raise ResponseFormatError(f"{where}: ends before it starts ({chosen_name}: {first} to {last})")
    if disagreements is not None:
        for name, values in candidates:
            if name == chosen_name or _agree(name, values, (first, last)):
                continue
            if None in values:
                disagreements.append(f"{where} {name} are not valid at {float(rate):g} fps")
            else:
                disagreements.append(
                    f"{where} {name} give frames {values[0]}-{values[1]}, {chosen_name} {first}-{last}"
                )
    return first, last, chosen_name


def _agree(name: str, values: tuple[int | None, int | None], chosen: tuple[int, int]) -> bool:
    if name != "milliseconds":
        return values == chosen
    # Rekognition's milliseconds drift from exact NTSC time (it divides by
    # 29.97, not 30000/1001) by up to a frame over a long programme.
    return all(value is not None and abs(value - frame) <= 1 for value, frame in zip(values, chosen, strict=True))


def _frame_number(raw: Mapping[str, Any], key: str, rate: Fraction, where: str) -> int:
    value = raw.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Rekognition takes videos of up to six hours; a day of frames is the
    # most a SMPTE clock counts, and past it OTIO's float times lose frames.
    most = frames.frames_in_a_day(rate) - 1
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise ResponseFormatError(f"{where} field {key}: expected a frame number from 0 to {most}, got {shown(value)}")
    return value


def _timecode(raw: Mapping[str, Any], key: str, rate: Fraction, where: str, strict: bool) -> int | None:
    """Frame of a SMPTE field. A broken timecode beside frame numbers is only
    a disagreement (None); where it is the best source, it is an error."""
    value = raw.get(key)
    try:
        return frames.timecode_to_frame(value, rate)  # type: ignore[arg-type]
    except ValueError as error:
        if strict:
            raise ResponseFormatError(f"{where} field {key}: {error}") from None
        return None


def millis_field(raw: Mapping[str, Any], key: str, rate: Fraction, where: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if not is_millis(value):
        raise ResponseFormatError(
            f"{where} field {key}: expected milliseconds from 0 to {DAY_MILLIS}, got {shown(value)}"
        )
    return frames.millis_to_frame(value, rate)


def object_field(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ResponseFormatError(f"{where} field {key}: expected an object, got {json_type(value)}")
    return value


def _integer(raw: Mapping[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ResponseFormatError(f"{where} field {key}: expected an integer of 0 or more, got {shown(value)}")
    return value


def confidence_field(raw: Mapping[str, Any], where: str, key: str = "Confidence") -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ResponseFormatError(f"{where} field {key}: expected a number from 0 to 100, got {shown(value)}")
    return float(value)
