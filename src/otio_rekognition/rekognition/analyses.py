"""One detection of the other Rekognition Video analyses (labels,
moderation, celebrities, faces, face search, text), read from Rekognition's
JSON into a typed :class:`Detection`; and point detections joined into the
appearances an editor marks.

Detections carry milliseconds, which AWS does not promise to the frame: a
``Timestamp`` is snapped to the nearest frame and the detection marked
approximate. Items aggregated by segments carry a range, read as a
segment's is (frame numbers, then SMPTE timecodes, then milliseconds).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from otio_rekognition import frames
from otio_rekognition.errors import ResponseFormatError
from otio_rekognition.rekognition.segments import (
    DAY_MILLIS,
    confidence_field,
    is_millis,
    json_type,
    object_field,
    resolve_frames,
    shown,
)
from otio_rekognition.rekognition.vocabulary import CELEBRITIES, FACE_SEARCH, FACES, LABELS, MODERATION, TEXT, Analysis

# A step between samples this much longer than the median is not the sampling's own.
_REGULAR_STEP = 1.5
_RANGE_FIELDS = ("StartTimestampMillis", "EndTimestampMillis", "StartFrameNumber", "StartTimecodeSMPTE")


@dataclass(frozen=True, slots=True)
class Detection:
    """A thing one analysis found, at one moment or (aggregated by segments,
    or joined from point detections) over a range; ``last_frame`` is inclusive."""

    analysis: str  # an Analysis name: "labels", "moderation", ...
    name: str  # the label, moderation label, celebrity, matched face or text
    first_frame: int
    last_frame: int
    confidence: float | None  # the highest of the items it stands for
    approximate: bool  # frames snapped from milliseconds
    millis: tuple[float, float]  # first and last Timestamp (or range ends) in milliseconds
    parents: tuple[str, ...]  # label parents, a moderation label's parent
    categories: tuple[str, ...]  # label categories; a moderation label's top-level category
    text_type: str | None  # LINE or WORD, for text
    items: tuple[str, ...]  # the JSON text of each item it stands for, exactly as Rekognition wrote it
    aggregated: bool = False  # a range Rekognition gave (AggregateBy=SEGMENTS)

    @property
    def frame_count(self) -> int:
        return self.last_frame - self.first_frame + 1


def parse_detection(raw: Mapping[str, Any], analysis: Analysis, rate: Fraction, where: str, text: str) -> Detection:
    """One item of an analysis page, ``raw`` parsed from ``text``."""
    if analysis.item_key is None:
        raise ValueError(f"{analysis.name} items are segments, read by segments.parse_segment")
    details = object_field(raw, analysis.item_key, where)
    inner, rules = f"{where} {analysis.item_key}", _RULES[analysis.name]
    name, confidence = rules.named(raw, details, inner, where)
    if any(key in raw for key in _RANGE_FIELDS):
        first, last, source = resolve_frames(raw, rate, where, None)
        ends = (_range_end(raw, "StartTimestampMillis", first, rate), _range_end(raw, "EndTimestampMillis", last, rate))
        approximate, aggregated = source == "milliseconds", True
    else:
        timestamp = raw.get("Timestamp")
        if not is_millis(timestamp):
            raise ResponseFormatError(
                f"{where} field Timestamp: expected milliseconds from 0 to {DAY_MILLIS}, got {shown(timestamp)}"
            )
        first = last = frames.millis_to_frame(timestamp, rate)
        ends, approximate, aggregated = (float(timestamp), float(timestamp)), True, False
    more = rules.more(details, inner)
    return Detection(
        analysis.name, name, first, last, confidence, approximate, ends, more.parents, more.categories,
        more.text_type, (text,), aggregated,
    )  # fmt: skip


def sampling_interval(detections: Sequence[Detection], analysis: Analysis) -> float:
    """Milliseconds between the samples of a job: its longest regular step
    between successive distinct timestamps (a real 25 fps job steps 480 and
    520 ms in turn; steps over half as long again as the median are missed
    samples or nothing in view); the analysis's usual interval when it shows
    none. Twice it spans one missed sample whichever steps surround it."""
    moments = sorted({detection.millis[0] for detection in detections if not detection.aggregated})
    steps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    if not steps:
        return float(analysis.sampling_millis)
    usual = statistics.median(steps)
    return max(step for step in steps if step <= _REGULAR_STEP * usual)


def appearances(detections: Iterable[Detection], window_millis: float) -> list[Detection]:
    """Point detections of one name no more than ``window_millis`` apart
    joined into one range each, in time order; ranges Rekognition gave are
    kept as they are. Linear: each appearance gathers its samples and is
    made once at the end."""
    joined: list[Detection | _Appearance] = []
    open_by_name: dict[tuple[str, str, str | None], _Appearance] = {}
    for detection in sorted(detections, key=lambda d: (d.millis[0], d.first_frame)):
        if detection.aggregated:
            joined.append(detection)
            continue
        key = (detection.analysis, detection.name, detection.text_type)
        current = open_by_name.get(key)
        if current is not None and detection.millis[0] - current.end_millis <= window_millis:
            current.add(detection)
        else:
            open_by_name[key] = current = _Appearance(detection)
            joined.append(current)
    made = [item.detection() if isinstance(item, _Appearance) else item for item in joined]
    return sorted(made, key=lambda d: (d.first_frame, d.last_frame, d.analysis, d.name))


class _Appearance:
    """The samples of one appearance so far."""

    def __init__(self, first: Detection) -> None:
        self.first = first
        self.samples = [first]
        self.end_millis = first.millis[1]

    def add(self, later: Detection) -> None:
        self.samples.append(later)
        self.end_millis = later.millis[1]

    def detection(self) -> Detection:
        samples = self.samples
        if len(samples) == 1:
            return self.first
        confidences = [sample.confidence for sample in samples if sample.confidence is not None]
        return replace(
            self.first,
            first_frame=min(sample.first_frame for sample in samples),
            last_frame=max(sample.last_frame for sample in samples),
            confidence=max(confidences) if confidences else None,
            millis=(self.first.millis[0], self.end_millis),
            parents=tuple(dict.fromkeys(parent for sample in samples for parent in sample.parents)),
            categories=tuple(dict.fromkeys(category for sample in samples for category in sample.categories)),
            items=tuple(item for sample in samples for item in sample.items),
        )


def with_top_categories(detections: Sequence[Detection]) -> list[Detection]:
    """Moderation labels with their top-level category: the ancestor the
    job's own parent links lead to (Rekognition sends a parent beside each child)."""
    parent_of = {d.name: d.parents[0] for d in detections if d.analysis == MODERATION.name and d.parents}

    def top(name: str) -> str:
        seen = {name}
        while name in parent_of and parent_of[name] not in seen:
            name = parent_of[name]
            seen.add(name)
        return name

    return [
        replace(d, categories=(top(d.parents[0] if d.parents else d.name),)) if d.analysis == MODERATION.name else d
        for d in detections
    ]


@dataclass(frozen=True, slots=True)
class _More:
    """What an item's object says beyond its name and confidence."""

    parents: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    text_type: str | None = None


_NOTHING_MORE = _More()
_Named = Callable[[Mapping[str, Any], Mapping[str, Any], str, str], "tuple[str, float | None]"]


@dataclass(frozen=True)
class _Rules:
    """An analysis's own rules for the object in its items: its name and
    confidence (read before the item's time), then what else it says."""

    named: _Named
    more: Callable[[Mapping[str, Any], str], _More] = lambda details, inner: _NOTHING_MORE


def _named_by(key: str) -> _Named:
    def named(raw: Mapping[str, Any], details: Mapping[str, Any], inner: str, where: str) -> tuple[str, float | None]:
        return _text_field(details, key, inner), confidence_field(details, inner)

    return named


def _celebrity(raw: Mapping[str, Any], details: Mapping[str, Any], inner: str, where: str) -> tuple[str, float | None]:
    """A celebrity Rekognition knows only by its Id is named by it."""
    if details.get("Name") in (None, "") and isinstance(details.get("Id"), str):
        return f"Celebrity {details['Id']}", confidence_field(details, inner)
    return _text_field(details, "Name", inner), confidence_field(details, inner)


def _face(raw: Mapping[str, Any], details: Mapping[str, Any], inner: str, where: str) -> tuple[str, float | None]:
    return "Face", confidence_field(details, inner)


def _face_match(raw: Mapping[str, Any], details: Mapping[str, Any], inner: str, where: str) -> tuple[str, float | None]:
    return _best_match(raw, details, where)


def _label_more(details: Mapping[str, Any], inner: str) -> _More:
    return _More(parents=_names(details, "Parents", inner), categories=_names(details, "Categories", inner))


def _moderation_more(details: Mapping[str, Any], inner: str) -> _More:
    parent = details.get("ParentName", "")
    if not isinstance(parent, str):
        raise ResponseFormatError(f"{inner} field ParentName: expected text, got {shown(parent)}")
    return _More(parents=(parent,) if parent else ())


def _text_more(details: Mapping[str, Any], inner: str) -> _More:
    text_type = details.get("Type")
    if text_type is not None and not isinstance(text_type, str):
        raise ResponseFormatError(f"{inner} field Type: expected LINE or WORD, got {shown(text_type)}")
    return _More(text_type=text_type)


_RULES: Mapping[str, _Rules] = {
    LABELS.name: _Rules(_named_by("Name"), _label_more),
    MODERATION.name: _Rules(_named_by("Name"), _moderation_more),
    CELEBRITIES.name: _Rules(_celebrity),
    FACES.name: _Rules(_face),
    FACE_SEARCH.name: _Rules(_face_match),
    TEXT.name: _Rules(_named_by("DetectedText"), _text_more),
}


def _text_field(details: Mapping[str, Any], key: str, inner: str) -> str:
    name = details.get(key)
    if not isinstance(name, str) or not name.strip():
        raise ResponseFormatError(f"{inner} field {key}: expected text, got {shown(name)}")
    return name


def _best_match(raw: Mapping[str, Any], person: Mapping[str, Any], where: str) -> tuple[str, float | None]:
    """The person a face search found: the face of the collection with the
    highest similarity, by the name it was indexed under (ExternalImageId)
    or its FaceId; an unmatched person by the index Rekognition tracks it by."""
    matches = raw.get("FaceMatches", [])
    if not isinstance(matches, list):
        raise ResponseFormatError(f"{where} field FaceMatches: expected an array, got {json_type(matches)}")
    best: tuple[float, str] | None = None
    for number, match in enumerate(matches):
        inner = f"{where} FaceMatches[{number}]"
        if not isinstance(match, dict):
            raise ResponseFormatError(f"{inner}: expected an object, got {json_type(match)}")
        similarity = confidence_field(match, inner, "Similarity")
        face = object_field(match, "Face", inner)
        name = face.get("ExternalImageId") or face.get("FaceId")
        if not isinstance(name, str):
            raise ResponseFormatError(f"{inner} field Face.FaceId: expected text, got {shown(name)}")
        score = similarity if similarity is not None else 0.0
        if best is None or score > best[0]:
            best = (score, name)
    if best is not None:
        return best[1], best[0]
    index = person.get("Index")
    name = f"Person {index}" if isinstance(index, int) and not isinstance(index, bool) else "Person"
    return name, confidence_field(object_field(person, "Face", f"{where} Person"), f"{where} Person.Face")


def _names(details: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """``Name`` of each object in a list such as a label's Parents."""
    values = details.get(key, [])
    if not isinstance(values, list):
        raise ResponseFormatError(f"{where} field {key}: expected an array, got {json_type(values)}")
    found = []
    for number, value in enumerate(values):
        name = value.get("Name") if isinstance(value, dict) else None
        if not isinstance(name, str):
            raise ResponseFormatError(f"{where} field {key}[{number}].Name: expected text, got {shown(name)}")
        found.append(name)
    return tuple(found)


def _range_end(raw: Mapping[str, Any], key: str, frame: int, rate: Fraction) -> float:
    value = raw.get(key)
    return float(value) if is_millis(value) else float(frames.frame_to_millis(frame, rate))
