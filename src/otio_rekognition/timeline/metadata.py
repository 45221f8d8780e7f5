"""The one owner of ``metadata["rekognition"]``: what a timeline, a clip and a
marker carry of Rekognition's data, written when the timeline is built and
read back by the cut list and the response writer.

A clip or marker keeps its segment's facts as values an editor can read
(``kind``, the cue ``type`` or shot ``index``, ``confidence``, and the
``first_frame``/``last_frame`` it was read with, inclusive) and the segment
itself, exactly as Rekognition wrote it, as JSON text under ``segment``.
A marker of another analysis has that analysis as its ``kind`` (``labels``,
``moderation``, ...), its ``name``, ``confidence``, frames, ``approximate``,
the ``millis`` it spans, ``parents`` and ``categories``, and under ``items``
the detections it stands for, as Rekognition wrote them, as JSON text.
Every key is always there (null when Rekognition gave no value): OTIO
converts each metadata value on its own in Python, and looking up a missing
key costs it a C++ exception, so a whole segment as nested values, or keys
that come and go, made reading a 10,000-shot job several times slower.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.arguments import AUTO, counted_drop_frame, timecode_frame, timecode_mode
from otio_rekognition.errors import TimelineError
from otio_rekognition.rekognition.analyses import Detection
from otio_rekognition.rekognition.segments import Segment
from otio_rekognition.rekognition.video import Video
from otio_rekognition.rekognition.video import video_frame_size as frame_size_of
from otio_rekognition.rekognition.vocabulary import float32
from otio_rekognition.timeline.layout import (
    ANALYSIS_KINDS,
    DEFAULT_SAMPLE_RATE,
    KIND_CUE,
    KIND_MEDIA,
    KIND_SHOT,
    Piece,
    Sound,
)
from otio_rekognition.timeline.ranges import timeline_rate

METADATA_KEY = "rekognition"
_FLOAT32_MAX = 3.4028234663852886e38


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What a clip or marker says of itself, read without its segment."""

    kind: str | None  # shot, cue, media, an analysis, or None for an item not read from Rekognition
    label: str | None  # the cue type of a cue, the name of a detection
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


_NOT_OURS = ItemFacts(None, None, None)


def piece_metadata(piece: Piece) -> dict[str, Any]:
    """The ``rekognition`` metadata of the clip or marker a piece of the layout becomes."""
    if isinstance(piece.found, Detection):
        return _detection_metadata(piece.found, piece.job)
    if piece.found is None:
        return {"kind": KIND_MEDIA}
    return _segment_metadata(piece.kind, piece.found)


def _segment_metadata(kind: str, segment: Segment) -> dict[str, Any]:
    """The ``rekognition`` metadata of a clip or marker made from ``segment``."""
    values: dict[str, Any] = {"kind": kind}
    if kind == KIND_CUE:
        values["type"] = segment.label
    else:
        values["index"] = segment.shot_index
    values["confidence"] = segment.confidence
    values["first_frame"] = segment.first_frame
    values["last_frame"] = segment.last_frame
    values["segment"] = json.dumps(segment.raw, allow_nan=False)
    return values


def _detection_metadata(detection: Detection, job: int) -> dict[str, Any]:
    """The ``rekognition`` metadata of a marker or clip made from a detection
    of another analysis; ``job`` is its job's place in the timeline's
    ``analyses`` (two label jobs of one video are two responses)."""
    return {
        "kind": detection.analysis,
        "job": job,
        "name": detection.name,
        "confidence": detection.confidence,
        "first_frame": detection.first_frame,
        "last_frame": detection.last_frame,
        "approximate": detection.approximate,
        "millis": list(detection.millis),
        "parents": list(detection.parents),
        "categories": list(detection.categories),
        "items": f"[{', '.join(detection.items)}]",  # as json.dumps writes a list
    }


def read_detection_items(item: Any) -> tuple[str, int | None, list[dict[str, Any]]] | None:
    """The analysis, the job number and the detections (as Rekognition wrote
    them) a marker or clip stands for; None for any other item."""
    facts = item_facts(item)
    if facts.kind not in ANALYSIS_KINDS:
        return None
    try:
        values = item.metadata[METADATA_KEY]
        found = json.loads(values["items"])
        job = values["job"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(found, list) or not all(isinstance(value, dict) for value in found):
        return None
    return facts.kind, job if _is_whole(job) else None, found


def item_facts(item: Any) -> ItemFacts:
    try:
        values = item.metadata[METADATA_KEY]
        kind = values["kind"]
        label = values["type"] if kind == KIND_CUE else values["name"] if kind in ANALYSIS_KINDS else None
        confidence = values["confidence"] if kind in (KIND_SHOT, KIND_CUE) or kind in ANALYSIS_KINDS else None
    except (KeyError, TypeError):  # an item made otherwise, or metadata someone changed
        return _NOT_OURS
    return ItemFacts(
        kind if isinstance(kind, str) else None,
        label if isinstance(label, str) else None,
        float(confidence) if _is_number(confidence) and 0 <= confidence <= 100 else None,
    )


def read_segment(item: Any) -> ReadSegment | None:
    """The segment ``item`` was read from, or None for an item made otherwise
    (or whose metadata someone changed into something else)."""
    facts = item_facts(item)
    if facts.kind not in (KIND_SHOT, KIND_CUE):
        return None
    values = item.metadata[METADATA_KEY]
    try:
        first, last, text = values["first_frame"], values["last_frame"], values["segment"]
        index = values["index"] if facts.kind == KIND_SHOT else None
        raw = json.loads(text) if isinstance(text, str) else None
    except (KeyError, ValueError):
        return None
    if not (_is_whole(first) and _is_whole(last) and 0 <= first <= last) or not isinstance(raw, dict):
        return None
    segment_type = raw.get("Type")
    if not isinstance(segment_type, str) or (index is not None and not _is_whole(index)):
        return None
    label = facts.label or segment_type
    confidence = None if facts.confidence is None else _restored(facts.confidence)
    return ReadSegment(segment_type, label, first, last, confidence, index, raw)


def timeline_values(timeline: otio.schema.Timeline) -> dict[str, Any]:
    """The timeline's ``rekognition`` metadata as plain values ({} if absent)."""
    values = plain(timeline.metadata.get(METADATA_KEY))
    return values if isinstance(values, dict) else {}


@dataclass(frozen=True)
class ReadFrom:
    """What a timeline was read from: the jobs, their pages, the duplicates
    dropped and where frame sources disagreed (what the review page states)."""

    sources: str
    pages: int
    duplicates: int
    disagreements: tuple[str, ...] = ()


def job_read_from(video: Video) -> ReadFrom:
    """Every job read of ``video`` (its segment job, then each analysis job), counted."""
    return ReadFrom(
        " + ".join(job.source for job in video.jobs),
        sum(job.page_count for job in video.jobs),
        sum(job.duplicates_dropped for job in video.jobs),
        tuple(disagreement for job in video.jobs for disagreement in job.disagreements),
    )


def read_from(timeline: otio.schema.Timeline, source: str) -> ReadFrom:
    """What a timeline this tool wrote was read from, as its metadata keeps it."""
    values = timeline_values(timeline)
    disagreements = tuple(str(text) for text in values.get("disagreements", []))
    return ReadFrom(source, int(values.get("page_count", 1)), int(values.get("duplicates_dropped", 0)), disagreements)


def sound_metadata(sound: Sound) -> dict[str, int]:
    return {"channels": sound.channels, "sample_rate": sound.sample_rate, "streams": sound.streams}


def without_sound(timeline: otio.schema.Timeline) -> None:
    """Picture only: the timeline's audio tracks and what this tool recorded of its sound, removed."""
    for index in reversed(range(len(timeline.tracks))):
        if timeline.tracks[index].kind == otio.schema.TrackKind.Audio:
            del timeline.tracks[index]
    values = timeline_values(timeline)
    if values.pop("sound", None) is not None:
        timeline.metadata[METADATA_KEY] = values


def recorded_sound(timeline: otio.schema.Timeline) -> Sound | None:
    """The sound this tool gave the timeline, as many channels as it still has
    audio tracks (an editor may have deleted some); None for a timeline
    without them, or not this tool's."""
    return _sound(timeline_values(timeline).get("sound"), len(list(timeline.audio_tracks())))


def recorded_files(timeline: otio.schema.Timeline) -> dict[str, tuple[Sound | None, tuple[int, int] | None]]:
    """Each video's media URL, with its own sound and frame size, in a
    sequence of several videos (its ``videos``); {} for any other timeline."""
    videos = timeline_values(timeline).get("videos")
    tracks = len(list(timeline.audio_tracks()))
    found: dict[str, tuple[Sound | None, tuple[int, int] | None]] = {}
    for video in videos if isinstance(videos, list) else []:
        if isinstance(video, dict) and isinstance(video.get("media_url"), str):
            job = video.get("job")
            size = _frame_size(video.get("media_frame_size")) or (frame_size_of(job) if isinstance(job, dict) else None)
            sound = video.get("sound")
            recorded = sound.get("channels") if isinstance(sound, dict) else None
            # Its own channels, as far as the sequence still has audio tracks for them.
            channels = min(recorded, tracks) if _is_whole(recorded) and recorded > 0 else tracks
            found[video["media_url"]] = (_sound(sound, channels), size)
    return found


def _sound(values: Any, channels: int) -> Sound | None:
    """Recorded sound with ``channels`` channels; None when none was recorded or none is left."""
    if not isinstance(values, dict) or not channels:
        return None
    sample_rate, streams = values.get("sample_rate"), values.get("streams")
    return Sound(channels, sample_rate if _is_whole(sample_rate) and sample_rate > 0 else DEFAULT_SAMPLE_RATE,
                 streams if _is_whole(streams) and streams > 0 else 1)  # fmt: skip


def recorded_frame_starts(timeline: otio.schema.Timeline) -> tuple[float, ...] | None:
    """A variable-rate file's frame times the timeline was read with (see rekognition.video.retimed)."""
    values = timeline_values(timeline).get("frame_starts")
    if isinstance(values, list) and values and all(_is_number(value) for value in values):
        return tuple(float(value) for value in values)
    return None


def recorded_drop_frame(timeline: otio.schema.Timeline) -> bool | None:
    """Whether the timeline was read counting timecodes drop frame (None: not said)."""
    counting = timeline_values(timeline).get("timecode")
    return {frames.DF_LABEL: True, frames.NDF_LABEL: False}.get(counting) if isinstance(counting, str) else None


def timecode_metadata(drop_frame: bool) -> dict[str, Any]:
    """How timecodes are counted, in the timeline's ``rekognition`` metadata
    and where OTIO's own FCP7 XML writer looks for it."""
    return {"timecode": frames.counting_label(drop_frame)}


def fcp_xml_metadata(drop_frame: bool) -> dict[str, Any]:
    """Where OTIO's own FCP7 XML writer looks for the sequence's timecode count."""
    return {"timecode": {"displayformat": frames.counting_label(drop_frame)}}


def recount(timeline: otio.schema.Timeline, start_timecode: str | None, timecode: str | None) -> None:
    """Count a timeline read from a .otio file as asked: drop frame or not
    (``timecode``: auto keeps what it was read with) and from ``start_timecode``;
    what is not given stays as the timeline says."""
    if start_timecode is None and timecode is None:
        return
    rate = timeline_rate(timeline)
    drop_frame = counted_drop_frame(timecode_mode("timecode", timecode or AUTO), rate, recorded_drop_frame(timeline))
    values = timeline_values(timeline)
    values.update(timecode_metadata(drop_frame))
    timeline.metadata[METADATA_KEY] = values
    timeline.metadata["fcp_xml"] = fcp_xml_metadata(drop_frame)
    if start_timecode is not None:
        frame = timecode_frame("start_timecode", start_timecode, rate, drop_frame)
        timeline.global_start_time = otio.opentime.RationalTime(frame, float(rate))


def media_frame_size(timeline: otio.schema.Timeline) -> tuple[int, int] | None:
    """Width and height of the media the clips link to: a rendition's (read
    with --media), else the video's (:func:`video_frame_size`)."""
    return _frame_size(timeline_values(timeline).get("media_frame_size")) or video_frame_size(timeline)


def _frame_size(linked: Any) -> tuple[int, int] | None:
    if isinstance(linked, list) and len(linked) == 2 and all(_is_whole(side) and side > 0 for side in linked):
        return linked[0], linked[1]
    return None


def video_frame_size(timeline: otio.schema.Timeline) -> tuple[int, int] | None:
    """Width and height Rekognition reported for the video, if the timeline
    still carries its ``VideoMetadata`` (the segment job's, else the first analysis's)."""
    values = timeline_values(timeline)
    job = values.get("job")
    analyses = values.get("analyses")
    if not isinstance(job, dict) and isinstance(analyses, list) and analyses and isinstance(analyses[0], dict):
        job = analyses[0].get("job")  # no segment job: the first analysis's, as the job read says
    return frame_size_of(job) if isinstance(job, dict) else None


def plain(value: Any) -> Any:
    """OTIO's AnyDictionary/AnyVector as plain dicts and lists, for JSON;
    floats as Rekognition sent them (see :func:`_restored`)."""
    try:
        return _plain(value)
    except RecursionError:
        raise TimelineError("metadata nested too deeply to export") from None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        found = {}
        for key in list(value.keys()):
            try:  # a key with a NUL comes back cut short, and then cannot be looked up
                found[key] = _plain(value[key])
            except KeyError:
                continue
        return found
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
