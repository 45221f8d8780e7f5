"""Parsing GetSegmentDetection responses into typed segments.

This is the only module that walks Rekognition's JSON. It accepts one
response, a JSON array of response pages, or several documents concatenated
in one file (JSON Lines included), merges the pages and resolves each
segment's frames: frame numbers first, then SMPTE timecode, then
milliseconds, cross-checking whatever sources are present.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from otio_rekognition import frames
from otio_rekognition.errors import (
    IncompleteJobError,
    JobStatusError,
    RekognitionWarning,
    ResponseFormatError,
)

SHOT = "SHOT"
TECHNICAL_CUE = "TECHNICAL_CUE"
SEGMENT_TYPES = (SHOT, TECHNICAL_CUE)
CUE_TYPES = ("ColorBars", "EndCredits", "BlackFrames", "OpeningCredits", "StudioLogo", "Slate", "Content")

# The source name of text that did not come from a file.
STRING_SOURCE = "<string>"
# What may need _otio_safe, found on the text (cheap): 19 digits in a row (an
# integer beyond int64?), an escaped surrogate or NUL.
_UNSAFE_FOR_OTIO = re.compile(r"\d{19}|\\u[dD][89a-fA-F]|\\u0000")
_WHITESPACE = re.compile(r"\s*")
# A handful of examples says what went wrong; thousands would drown the user.
_EXAMPLES = 3
_SHOWN_LENGTH = 60
_DAY_MILLIS = 24 * 3600 * 1000


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


@dataclass(frozen=True)
class Job:
    """A merged GetSegmentDetection job."""

    source: str
    rate: Fraction
    frame_count: int
    segments: tuple[Segment, ...]
    # Every top-level field of the response except Segments and NextToken.
    info: Mapping[str, Any]
    page_count: int = 1
    duplicates_dropped: int = 0
    next_token: str | None = None
    disagreements: tuple[str, ...] = field(default_factory=tuple)

    @property
    def shots(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.is_shot]

    @property
    def cues(self) -> list[Segment]:
        return [segment for segment in self.segments if not segment.is_shot]


def read_job(
    data: str | bytes,
    source: str = STRING_SOURCE,
    rate: Fraction | None = None,
    strict: bool = False,
) -> Job:
    """Parse the text of one or more GetSegmentDetection pages into a Job.

    ``rate`` overrides ``VideoMetadata[0].FrameRate``. With ``strict``,
    anything that would be a warning raises instead.
    """
    return merge_pages(load_pages(data, source), source, rate=rate, strict=strict)


def load_pages(data: str | bytes, source: str) -> list[Mapping[str, Any]]:
    """The response pages in ``data``: one document, an array of documents,
    or documents one after the other."""
    text = _decode(data, source)
    decoder = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_object_without_duplicates)
    documents: list[Any] = []
    position = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    while position < len(text):
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ResponseFormatError(
                f"{source}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
            ) from None
        except RecursionError:
            raise ResponseFormatError(
                f"{source}: JSON nested too deeply to be a GetSegmentDetection response"
            ) from None
        except ValueError as error:
            raise ResponseFormatError(f"{source}: invalid JSON: {error}") from None
        documents.append(document)
        position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
    if not documents:
        raise ResponseFormatError(f"{source}: empty input: expected a GetSegmentDetection response in JSON")
    if _UNSAFE_FOR_OTIO.search(text):
        documents = [_otio_safe(document) for document in documents]
    pages: list[Any] = []
    for document in documents:
        pages.extend(document if isinstance(document, list) else [document])
    for number, page in enumerate(pages, 1):
        if not isinstance(page, dict):
            raise ResponseFormatError(
                f"{source}: page {number}: expected a JSON object (a GetSegmentDetection response), "
                f"got {_json_type(page)}"
            )
        if not {"Segments", "JobStatus", "VideoMetadata"} & page.keys():
            raise ResponseFormatError(
                f"{source}: page {number}: not a GetSegmentDetection response "
                "(expected Segments, JobStatus or VideoMetadata)"
            )
    if not pages:
        raise ResponseFormatError(f"{source}: empty array: expected GetSegmentDetection response pages")
    return pages


def merge_pages(
    pages: Sequence[Mapping[str, Any]],
    source: str,
    rate: Fraction | None = None,
    strict: bool = False,
) -> Job:
    """Merge response pages into one Job, checking that they belong together."""
    first = pages[0]
    for number, page in enumerate(pages, 1):
        _check_status(page, source, number)
        _check_same_job(first, page, source, number)
    job_rate = rate if rate is not None else _video_rate(first, source)

    seen: set[str] = set()
    segments: list[Segment] = []
    disagreements: list[str] = []
    duplicates = 0
    for number, page in enumerate(pages, 1):
        raw_segments = page.get("Segments", [])
        if not isinstance(raw_segments, list):
            raise ResponseFormatError(
                f"{source}: page {number} field Segments: expected an array, got {_json_type(raw_segments)}"
            )
        for position, raw in enumerate(raw_segments):
            where = f"{source}: page {number} Segments[{position}]"
            if not isinstance(raw, dict):
                raise ResponseFormatError(f"{where}: expected a JSON object, got {_json_type(raw)}")
            key = json.dumps(raw, sort_keys=True)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            segments.append(parse_segment(raw, job_rate, where, disagreements))
    segments.sort(key=_segment_order)
    _check_shots_do_not_overlap(segments, source)

    if disagreements:
        _report(
            f"{source}: {len(disagreements)} frame value(s) disagree with the frame numbers or timecodes, "
            f"which were used; first: {'; '.join(d.removeprefix(f'{source}: ') for d in disagreements[:_EXAMPLES])}",
            strict,
            ResponseFormatError,
        )
    final_pages = [page for page in pages if not page.get("NextToken")]
    next_token = None
    if not final_pages:
        next_token = str(pages[-1]["NextToken"])
        _report(
            f"{source}: incomplete job: the last of {len(pages)} page(s) has a NextToken; "
            "fetch the remaining pages with GetSegmentDetection(NextToken=...)",
            strict,
            IncompleteJobError,
        )

    last_frame = max((segment.last_frame for segment in segments), default=-1)
    video_frames = _video_frame_count(first, job_rate, source)
    # A frame of slack: DurationMillis is rounded down.
    if video_frames and last_frame > video_frames:
        _report(
            f"{source}: segments run to frame {last_frame}, past the end of the video "
            f"(VideoMetadata[0].DurationMillis gives {video_frames} frames); the timeline covers them",
            strict,
            ResponseFormatError,
        )
    return Job(
        source=source,
        rate=job_rate,
        frame_count=max(video_frames, last_frame + 1),
        segments=tuple(segments),
        info={key: value for key, value in first.items() if key not in ("Segments", "NextToken")},
        page_count=len(pages),
        duplicates_dropped=duplicates,
        next_token=next_token,
        disagreements=tuple(disagreements),
    )


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
        raise ResponseFormatError(f"{where} field Type: expected SHOT or TECHNICAL_CUE, got {_shown(segment_type)}")
    first_frame, last_frame = _resolve_frames(raw, rate, where, disagreements)
    confidence = shot_index = cue_type = None
    if segment_type == SHOT:
        details = _object(raw, "ShotSegment", where)
        shot_index = _integer(details, "Index", f"{where} ShotSegment") if "Index" in details else None
        confidence = _confidence(details, f"{where} ShotSegment")
    elif segment_type == TECHNICAL_CUE:
        details = _object(raw, "TechnicalCueSegment", where)
        cue_type = details.get("Type")
        if not isinstance(cue_type, str) or not cue_type:
            raise ResponseFormatError(
                f"{where} field TechnicalCueSegment.Type: expected a cue type such as "
                f"{', '.join(CUE_TYPES)}, got {_shown(cue_type)}"
            )
        confidence = _confidence(details, f"{where} TechnicalCueSegment")
    return Segment(segment_type, first_frame, last_frame, confidence, shot_index, cue_type, raw)


def _resolve_frames(
    raw: Mapping[str, Any], rate: Fraction, where: str, disagreements: list[str] | None
) -> tuple[int, int]:
    """(first, last) frame; the last is inclusive."""
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
                (_millis(raw, "StartTimestampMillis", rate, where), _millis(raw, "EndTimestampMillis", rate, where)),
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
    return first, last


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
        raise ResponseFormatError(f"{where} field {key}: expected a frame number from 0 to {most}, got {_shown(value)}")
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


def _millis(raw: Mapping[str, Any], key: str, rate: Fraction, where: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if not _is_millis(value):
        raise ResponseFormatError(
            f"{where} field {key}: expected milliseconds from 0 to {_DAY_MILLIS}, got {_shown(value)}"
        )
    return frames.millis_to_frame(value, rate)


def _object(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ResponseFormatError(f"{where} field {key}: expected an object, got {_json_type(value)}")
    return value


def _integer(raw: Mapping[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ResponseFormatError(f"{where} field {key}: expected an integer of 0 or more, got {_shown(value)}")
    return value


def _confidence(raw: Mapping[str, Any], where: str) -> float | None:
    value = raw.get("Confidence")
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ResponseFormatError(f"{where} field Confidence: expected a number from 0 to 100, got {_shown(value)}")
    return float(value)


def _check_status(page: Mapping[str, Any], source: str, number: int) -> None:
    status = page.get("JobStatus", "SUCCEEDED")
    if status == "SUCCEEDED":
        return
    if status == "IN_PROGRESS":
        raise JobStatusError(
            f"{source}: page {number}: JobStatus is IN_PROGRESS: the job has not finished; "
            "wait for SUCCEEDED and fetch the results again"
        )
    if status == "FAILED":
        message = " ".join(str(page.get("StatusMessage") or "no StatusMessage given").split())
        raise JobStatusError(f"{source}: page {number}: JobStatus is FAILED: {message}")
    raise ResponseFormatError(
        f"{source}: page {number} field JobStatus: expected SUCCEEDED, IN_PROGRESS or FAILED, got {_shown(status)}"
    )


def _check_same_job(first: Mapping[str, Any], page: Mapping[str, Any], source: str, number: int) -> None:
    # Rekognition repeats these on every page of a job.
    for key in ("JobId", "JobTag", "Video", "VideoMetadata", "AudioMetadata", "SelectedSegmentTypes"):
        if key in first and key in page and first[key] != page[key]:
            raise ResponseFormatError(
                f"{source}: page {number} field {key} differs from page 1: the pages come from different jobs"
            )


def _first_video(page: Mapping[str, Any], source: str) -> Mapping[str, Any] | None:
    videos = page.get("VideoMetadata")
    if videos is None or videos == []:
        return None
    if not isinstance(videos, list) or not isinstance(videos[0], dict):
        raise ResponseFormatError(
            f"{source} field VideoMetadata: expected an array of objects, got {_json_type(videos)}"
        )
    return videos[0]


def _video_rate(page: Mapping[str, Any], source: str) -> Fraction:
    video = _first_video(page, source)
    if video is None or "FrameRate" not in video:
        raise ResponseFormatError(
            f"{source}: no VideoMetadata[0].FrameRate, so the frame rate is unknown; "
            "pass it as rate=... (e.g. 25 or 30000/1001)"
        )
    value = video["FrameRate"]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ResponseFormatError(f"{source} field VideoMetadata[0].FrameRate: expected a number, got {_shown(value)}")
    try:
        return frames.snap_rate(value)
    except ValueError as error:
        raise ResponseFormatError(f"{source} field VideoMetadata[0].FrameRate: {error}") from None


def _video_frame_count(page: Mapping[str, Any], rate: Fraction, source: str) -> int:
    video = _first_video(page, source)
    millis = video.get("DurationMillis") if video else None
    if millis is None:
        return 0
    if not _is_millis(millis):
        raise ResponseFormatError(
            f"{source} field VideoMetadata[0].DurationMillis: expected milliseconds from 0 to {_DAY_MILLIS}, "
            f"got {_shown(millis)}"
        )
    return frames.millis_to_frame(millis, rate)


def _check_shots_do_not_overlap(segments: Sequence[Segment], source: str) -> None:
    previous: Segment | None = None
    for segment in segments:
        if not segment.is_shot:
            continue
        if previous is not None and segment.first_frame <= previous.last_frame:
            raise ResponseFormatError(
                f"{source}: SHOT segments overlap: frames {previous.first_frame}-{previous.last_frame} "
                f"and {segment.first_frame}-{segment.last_frame}; expected each frame in at most one shot"
            )
        previous = segment


def _segment_order(segment: Segment) -> tuple[bool, int, int, str]:
    return (not segment.is_shot, segment.first_frame, segment.last_frame, segment.label)


def _report(message: str, strict: bool, error: type[Exception]) -> None:
    if strict:
        raise error(message)
    warnings.warn(message, RekognitionWarning, stacklevel=3)


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ResponseFormatError(
                f"{source}: not UTF-8 text (byte {error.start}): expected a GetSegmentDetection response in JSON"
            ) from None
    return data.removeprefix("\ufeff")


def _otio_safe(value: Any) -> Any:
    """What OTIO metadata cannot hold, made so that it can (no real response
    has any of it): an integer beyond int64 is kept as its digits; a lone
    UTF-16 surrogate becomes U+FFFD; a NUL, which would cut a key short, too."""
    if isinstance(value, dict):
        return {_otio_safe(key): _otio_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_otio_safe(item) for item in value]
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\x00", "\ufffd")
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return str(value)
    return value


def _is_millis(value: object) -> bool:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        and 0 <= value <= _DAY_MILLIS
    )  # fmt: skip


def _shown(value: object) -> str:
    """A value as an error message shows it: repr, cut short (a field may hold megabytes)."""
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else f"{text[:_SHOWN_LENGTH]}... ({len(text)} characters)"


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys repeat means different things to different
    readers (Python keeps the last value, others the first): refuse it."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"the key {repeated!r} appears twice in one object")
    return result


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
