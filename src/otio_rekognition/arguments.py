"""Adapter arguments: typed, validated, and accepted as the strings that
``otioconvert -a key=value`` passes (``ast.literal_eval`` turns ``29.97``
into a float, ``true`` stays a string, ``True`` becomes a bool)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from otio_rekognition import frames
from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.rekognition.vocabulary import CUE_TYPES, SEGMENT_TYPES, segment_types

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class ReadOptions:
    """How a Rekognition job becomes a timeline. See the README's table."""

    start_timecode: str | None = None
    source_timecode: str | None = None
    media_url: str | None = None
    rate: Fraction | None = None
    segment_types: tuple[str, ...] = SEGMENT_TYPES
    cue_types: tuple[str, ...] | None = None
    min_confidence: float = 0.0
    cue_track: bool = False
    shot_markers: bool = False
    strict: bool = False

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any]) -> ReadOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise AdapterArgumentError(
                f"unknown rekognition adapter argument {unknown[0]!r}; accepted: {', '.join(sorted(known))}"
            )
        values = {name: _PARSERS[name](name, value) for name, value in arguments.items() if value is not None}
        return cls(**values)


def reject_unknown(adapter: str, unknown: Mapping[str, Any], accepted: tuple[str, ...]) -> None:
    """An adapter function's ``**unknown``: one line naming the first unknown
    argument (Python's own TypeError would reach otioconvert as a traceback)."""
    if unknown:
        takes = f"accepted: {', '.join(sorted(accepted))}" if accepted else "it takes no arguments"
        raise AdapterArgumentError(f"unknown {adapter} adapter argument {sorted(unknown)[0]!r}; {takes}")


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AdapterArgumentError(f"argument {name}: expected text, got {value!r}")
    return value.strip()


def timecode_text(name: str, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not frames.TIMECODE_SHAPE.match(text):
        raise AdapterArgumentError(f"argument {name}: expected a timecode HH:MM:SS:FF (or HH:MM:SS;FF), got {value!r}")
    return text


def timecode_frame(name: str, timecode: str | None, rate: Fraction) -> int | None:
    """The frame a timecode argument names at ``rate`` (None when not given)."""
    if timecode is None:
        return None
    text = timecode_text(name, timecode)
    try:
        return frames.timecode_to_frame(text, rate)
    except ValueError as error:
        raise AdapterArgumentError(f"argument {name}: {error}") from None


def _rate(name: str, value: Any) -> Fraction:
    try:
        return frames.parse_rate(value)
    except ValueError as error:
        raise AdapterArgumentError(f"argument {name}: {error}") from None


def boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and str(value).strip().lower() in _TRUE | _FALSE:
        return str(value).strip().lower() in _TRUE
    raise AdapterArgumentError(f"argument {name}: expected true or false, got {value!r}")


def _segment_types(name: str, value: Any) -> tuple[str, ...]:
    try:
        return segment_types(value if isinstance(value, str) else [str(item) for item in value])
    except (TypeError, ValueError) as error:
        raise AdapterArgumentError(f"argument {name}: {error}") from None


def _confidence(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not 0 <= number <= 100:
        raise AdapterArgumentError(f"argument {name}: expected a number from 0 to 100, got {value!r}")
    return number


def _choices(accepted: tuple[str, ...]) -> Callable[[str, Any], tuple[str, ...]]:
    by_folded_name = {choice.lower(): choice for choice in accepted}

    def parse(name: str, value: Any) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise AdapterArgumentError(
                f"argument {name}: expected a comma list of {', '.join(accepted)}, got {value!r}"
            )
        chosen = []
        for item in items:
            key = str(item).strip().lower()
            if key not in by_folded_name:
                raise AdapterArgumentError(f"argument {name}: {item!r} is not one of {', '.join(accepted)}")
            chosen.append(by_folded_name[key])
        if not chosen:
            raise AdapterArgumentError(f"argument {name}: expected at least one of {', '.join(accepted)}")
        return tuple(dict.fromkeys(chosen))

    return parse


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "start_timecode": timecode_text,
    "source_timecode": timecode_text,
    "media_url": _text,
    "rate": _rate,
    "segment_types": _segment_types,
    "cue_types": _choices(CUE_TYPES),
    "min_confidence": _confidence,
    "cue_track": boolean,
    "shot_markers": boolean,
    "strict": boolean,
}
