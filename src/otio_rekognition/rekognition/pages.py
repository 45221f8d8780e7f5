"""Response pages into one job: the text decoded and split into pages, each
page's status checked, pages checked to belong to one job, and merged.

This and :mod:`segments` are the only modules that walk Rekognition's JSON.
A saved job may be one response, a JSON array of response pages, or several
documents one after the other (JSON Lines included).
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeGuard

from otio_rekognition import frames, names
from otio_rekognition.errors import (
    IncompleteJobError,
    JobFailedError,
    JobInProgressError,
    RekognitionWarning,
    ResponseFormatError,
)
from otio_rekognition.rekognition.segments import DAY_MILLIS, Segment, is_millis, json_type, parse_segment, shown
from otio_rekognition.rekognition.vocabulary import (
    FAILED,
    IN_PROGRESS,
    JOB_STATUSES,
    PAGE_ONLY_FIELDS,
    REPEATED_PAGE_FIELDS,
    SUCCEEDED,
)

# The source name of text that did not come from a file.
STRING_SOURCE = "<string>"
# Text OTIO metadata cannot hold, found on the JSON text: an escaped lone
# surrogate or NUL (looked for only where the text has an escape at all).
_UNSAFE_FOR_OTIO = re.compile(r"\\u[dD][89a-fA-F]|\\u0000")
_INT64 = range(-(2**63), 2**63)
_WHITESPACE = re.compile(r"\s*")
# A handful of examples says what went wrong; thousands would drown the user.
_EXAMPLES = 3
# Rekognition's responses nest four or five levels; OTIO's metadata and the
# writers recurse, and Python's stack ends at about a thousand.
MAX_DEPTH = 64


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

    @property
    def s3_url(self) -> str | None:
        """``s3://bucket/key`` of the analysed video, when the response names it."""
        video = self.info.get("Video")
        s3 = video.get("S3Object") if isinstance(video, dict) else None
        if isinstance(s3, dict) and isinstance(s3.get("Bucket"), str) and isinstance(s3.get("Name"), str):
            return names.s3_url(s3["Bucket"], s3["Name"])
        return None

    @property
    def frame_size(self) -> tuple[int, int] | None:
        return video_frame_size(self.info)


def job_media_mismatch(
    job: Job, rate: Fraction, frame_count: int | None, frame_size: tuple[int, int] | None
) -> str | None:
    """How a video differs from the one the job analysed (None when it does
    not): another rate or size, or another length (a frame of slack, as
    ``DurationMillis`` is rounded down)."""
    return video_mismatch((job.rate, job.frame_count, job.frame_size), (rate, frame_count, frame_size))


VideoShape = tuple[Fraction, "int | None", "tuple[int, int] | None"]  # rate, frame count, width and height


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
    videos = info.get("VideoMetadata")
    video = videos[0] if isinstance(videos, list) and videos and isinstance(videos[0], dict) else {}
    width, height = video.get("FrameWidth"), video.get("FrameHeight")
    if _is_size(width) and _is_size(height):
        return width, height
    return None


def _is_size(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


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
    decoder = json.JSONDecoder(
        parse_constant=_reject_constant, parse_int=_integer, object_pairs_hook=_object_without_duplicates
    )
    documents: list[Any] = []
    position = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    while position < len(text):
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ResponseFormatError(f"{source}: invalid JSON at line {error.lineno} column {error.colno}: "
                                      f"{_json_problem(error, text)}") from None  # fmt: skip
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
    for number, document in enumerate(documents, 1):
        if _depth(document) > MAX_DEPTH:
            raise ResponseFormatError(
                f"{source}: document {number} is nested more than {MAX_DEPTH} levels deep: "
                "not a GetSegmentDetection response (a few levels at most)"
            )
    if "\\u" in text and _UNSAFE_FOR_OTIO.search(text):
        documents = [_otio_safe(document) for document in documents]
    pages: list[Any] = []
    for document in documents:
        pages.extend(document if isinstance(document, list) else [document])
    for number, page in enumerate(pages, 1):
        if not isinstance(page, dict):
            raise ResponseFormatError(
                f"{source}: page {number}: expected a JSON object (a GetSegmentDetection response), "
                f"got {json_type(page)}"
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
        check_status(page, f"{source}: page {number}")
        check_same_job(first, page, f"{source}: page {number}")
    job_rate = rate if rate is not None else _video_rate(first, source)

    # Identical segments (a page saved twice) are kept once: found among the
    # segments of the same type and frames, by comparing their fields.
    seen: dict[tuple[str, int, int, str], list[Mapping[str, Any]]] = {}
    segments: list[Segment] = []
    disagreements: list[str] = []
    duplicates = 0
    for number, page in enumerate(pages, 1):
        raw_segments = page.get("Segments", [])
        if not isinstance(raw_segments, list):
            raise ResponseFormatError(
                f"{source}: page {number} field Segments: expected an array, got {json_type(raw_segments)}"
            )
        for position, raw in enumerate(raw_segments):
            where = f"{source}: page {number} Segments[{position}]"
            if not isinstance(raw, dict):
                raise ResponseFormatError(f"{where}: expected a JSON object, got {json_type(raw)}")
            found: list[str] = []
            segment = parse_segment(raw, job_rate, where, found)
            alike = seen.setdefault((segment.segment_type, segment.first_frame, segment.last_frame, segment.label), [])
            if raw in alike:
                duplicates += 1
                continue
            alike.append(raw)
            segments.append(segment)
            disagreements.extend(found)
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
        info=job_fields(first),
        page_count=len(pages),
        duplicates_dropped=duplicates,
        next_token=next_token,
        disagreements=tuple(disagreements),
    )


def check_status(page: Mapping[str, Any], where: str) -> None:
    """A page of a job that has not SUCCEEDED raises JobFailedError (with
    Rekognition's StatusMessage on one line) or JobInProgressError; a page
    without JobStatus is taken as finished (saved results often lack it)."""
    status = page.get("JobStatus", SUCCEEDED)
    if status == SUCCEEDED:
        return
    if status == IN_PROGRESS:
        raise JobInProgressError(
            f"{where}: JobStatus is IN_PROGRESS: the job has not finished; "
            "wait for SUCCEEDED and fetch the results again"
        )
    if status == FAILED:
        message = " ".join(str(page.get("StatusMessage") or "no StatusMessage given").split())
        raise JobFailedError(f"{where}: the job FAILED: {message}")
    raise ResponseFormatError(f"{where} field JobStatus: expected {', '.join(JOB_STATUSES)}, got {shown(status)}")


def check_same_job(first: Mapping[str, Any], page: Mapping[str, Any], where: str) -> None:
    """Pages of one job repeat the job's fields; a page that differs is of another job."""
    for key in REPEATED_PAGE_FIELDS:
        if key in first and key in page and first[key] != page[key]:
            raise ResponseFormatError(f"{where} field {key} differs from page 1: the pages come from different jobs")


def job_fields(page: Mapping[str, Any]) -> dict[str, Any]:
    """Every top-level field of a page that describes the job, not the paging."""
    return {key: value for key, value in page.items() if key not in PAGE_ONLY_FIELDS}


def merge_documents(pages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The pages as the one response Rekognition would send if a page had no
    size limit: the job's fields, every page's segments in page order."""
    document = job_fields(pages[0])
    document["Segments"] = [segment for page in pages for segment in page.get("Segments", [])]
    return document


def _first_video(page: Mapping[str, Any], source: str) -> Mapping[str, Any] | None:
    videos = page.get("VideoMetadata")
    if videos is None or videos == []:
        return None
    if not isinstance(videos, list) or not isinstance(videos[0], dict):
        raise ResponseFormatError(
            f"{source} field VideoMetadata: expected an array of objects, got {json_type(videos)}"
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
        raise ResponseFormatError(f"{source} field VideoMetadata[0].FrameRate: expected a number, got {shown(value)}")
    try:
        return frames.snap_rate(value)
    except ValueError as error:
        raise ResponseFormatError(f"{source} field VideoMetadata[0].FrameRate: {error}") from None


def _video_frame_count(page: Mapping[str, Any], rate: Fraction, source: str) -> int:
    video = _first_video(page, source)
    millis = video.get("DurationMillis") if video else None
    if millis is None:
        return 0
    if not is_millis(millis):
        raise ResponseFormatError(
            f"{source} field VideoMetadata[0].DurationMillis: expected milliseconds from 0 to {DAY_MILLIS}, "
            f"got {shown(millis)}"
        )
    return frames.millis_to_frame(millis, rate)


def response_text(document: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> str:
    """A response (or a list of pages) as JSON text people can read and diff:
    the job's fields indented, one segment per line. Written by the C
    encoder: an indented dump of 10,000 segments takes Python's a second."""
    if not isinstance(document, Mapping):
        return "[\n" + ",\n".join(_indented(page, "  ") for page in document) + "\n]\n"
    return _indented(document, "") + "\n"


def _indented(page: Mapping[str, Any], margin: str) -> str:
    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    fields = []
    for key, value in page.items():
        if key == "Segments" and isinstance(value, list) and value:
            items = f",\n{margin}    ".join(line(segment) for segment in value)
            fields.append(f'{margin}  "Segments": [\n{margin}    {items}\n{margin}  ]')
        else:
            fields.append(f"{margin}  {line(key)}: {line(value)}")
    return f"{margin}{{\n" + ",\n".join(fields) + f"\n{margin}}}"


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
    """Text OTIO metadata cannot hold, made so that it can (no real response
    has any): a lone UTF-16 surrogate becomes U+FFFD; a NUL, which would cut
    a key short, too."""
    if isinstance(value, dict):
        return {_otio_safe(key): _otio_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_otio_safe(item) for item in value]
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\x00", "\ufffd")
    return value


def _json_problem(error: json.JSONDecodeError, text: str) -> str:
    """The decoder's complaint as a sentence ("Unterminated string starting
    at" ends in the position it leaves out), and what a cut-off file looks like."""
    problem = error.msg.removesuffix(" starting at").removesuffix(" at")
    rest = text[error.pos :]
    if "Unterminated string" in problem or not rest.strip() or rest.strip() in ("}", "]"):
        problem += ": the input ends inside a JSON document (a file cut off while saving or copying?)"
    return problem


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (without recursion:
    Python's own limit is about a thousand)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if level + 1 > MAX_DEPTH:
                    return level + 1
                stack.append((child, level + 1))
        deepest = max(deepest, level)
    return deepest


def _integer(digits: str) -> int | str:
    """A JSON integer; one beyond int64, which OTIO metadata cannot hold (no
    real response has one), is kept as its digits."""
    value = int(digits)
    return value if value in _INT64 else digits


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
