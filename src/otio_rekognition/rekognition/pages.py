"""Response pages into one job: the text decoded and split into pages, each
page's status checked, pages checked to belong to one job, and merged.

This, :mod:`segments` and :mod:`analyses` are the only modules that walk
Rekognition's JSON. A saved job may be one response, a JSON array of response
pages, or several documents one after the other (JSON Lines included). Pages
of several jobs of one video (segment detection and the other analyses, told
apart by their shape) make one :class:`~otio_rekognition.rekognition.video.Video`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeGuard

from otio_rekognition import frames, names
from otio_rekognition.errors import (
    DifferentVideoError,
    IncompleteJobError,
    JobFailedError,
    JobInProgressError,
    RekognitionWarning,
    ResponseFormatError,
)
from otio_rekognition.rekognition.analyses import Detection, parse_detection, with_top_categories
from otio_rekognition.rekognition.json_documents import ItemTexts, item_text, json_documents, parse_item
from otio_rekognition.rekognition.segments import DAY_MILLIS, Segment, is_millis, json_type, parse_segment, shown
from otio_rekognition.rekognition.video import (
    AnalysisJob,
    AudioStream,
    Video,
    s3_object,
    video_frame_size,
    video_mismatch,
)
from otio_rekognition.rekognition.vocabulary import (
    ANALYSES,
    APIS,
    FAILED,
    IN_PROGRESS,
    JOB_STATUSES,
    REPEATED_PAGE_FIELDS,
    SEGMENTS,
    SUCCEEDED,
    Analysis,
)

# A page of any of the APIs has at least one of these.
_LIST_KEYS = tuple(analysis.list_key for analysis in APIS.values())
# The other analyses' items are kept as text until they are read (a label job may hold a
# million); segments are parsed at once (each keeps its fields).
_ITEM_LISTS = frozenset(analysis.list_key for analysis in ANALYSES.values())
_PAGE_KEYS = {"JobStatus", "VideoMetadata", *_LIST_KEYS}
# What belongs to the paging rather than to the job.
_PAGE_ONLY_KEYS = {"NextToken", *_LIST_KEYS}
# The source name of text that did not come from a file.
STRING_SOURCE = "<string>"
# A handful of examples says what went wrong; thousands would drown the user.
_EXAMPLES = 3
# What a sound stream can be: channels (a 22.2 mix has 24) and samples a second.
_MAX_CHANNELS = 64
_MAX_SAMPLE_RATE = 768_000


def read_job(
    data: str | bytes,
    source: str = STRING_SOURCE,
    rate: Fraction | None = None,
    strict: bool = False,
) -> Video:
    """Parse the text of one or more response pages into a Video.

    ``rate`` overrides the video's ``FrameRate``. With ``strict``, anything
    that would be a warning raises instead.
    """
    return read_jobs([(source, data)], rate=rate, strict=strict)


def read_jobs(inputs: Sequence[tuple[str, str | bytes]], rate: Fraction | None = None, strict: bool = False) -> Video:
    """The pages in several texts (``(source, text)`` each) as one Video: the
    pages of each job merged (a job may be split over files), every job
    checked to be of the video the first one analysed.

    Pages are told apart by API, and those of other analyses by JobId and
    AggregateBy too: two label jobs of one video (or one job fetched both
    ways) are two jobs. All segment detection pages of a video make one job."""
    first, *others = read_videos(inputs, rate, strict)
    for other in others:
        _check_same_video(first.jobs[0], other.jobs[0], _SEVERAL_VIDEOS)
    return first


# What a refusal of jobs of several videos tells the user to do instead.
_SEVERAL_VIDEOS = "; to put several videos in one timeline or bin, pass --videos sequence or --videos bin (videos=...)"


def read_videos(
    inputs: Sequence[tuple[str, str | bytes]], rate: Fraction | None = None, strict: bool = False
) -> tuple[Video, ...]:
    """The pages in several texts as the Videos they analysed, in the order
    each video's first page was read. Pages are grouped by the S3 object their
    job names; jobs of older responses, which name none, go with the one video
    whose rate, size and length they share, else make a video of their own."""
    with _collector_paused():
        return _read_videos(inputs, rate, strict)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A job's items make millions of objects and no cycles: left running, the
    cycle collector walks them again and again (it triples ``json.loads``'s
    time on a large job), and finds nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_JobPages = dict[tuple[str, str, str], tuple[list[str], list[Mapping[str, Any]]]]


def _read_videos(inputs: Sequence[tuple[str, str | bytes]], rate: Fraction | None, strict: bool) -> tuple[Video, ...]:
    # By bucket and key: a version named by one job and not another is the same-video check's to say.
    by_video: dict[tuple[str, str] | None, _JobPages] = {}
    for source, data in inputs:
        for number, page in enumerate(_scanned_pages(data, source), 1):
            named = s3_object(page)
            groups = by_video.setdefault(named[:2] if named else None, {})
            sources, pages = groups.setdefault(_job_key(page, f"{source}: page {number}"), ([], []))
            if source not in sources:
                sources.append(source)
            pages.append(page)
    videos = {key: _merged_jobs(groups, rate, strict) for key, groups in by_video.items()}
    unnamed = videos.pop(None, None)
    if unnamed:
        matching = [jobs for jobs in videos.values() if not _video_mismatch(jobs[0], unnamed[0])]
        if len(matching) > 1:
            raise DifferentVideoError(
                f"{unnamed[0].source}: names no S3 object, and {len(matching)} of the videos have its rate, size "
                f"and length ({', '.join(jobs[0].source for jobs in matching)}): cannot tell which it analysed"
            )
        if len(matching) == 1:
            matching[0].extend(unnamed)
            matching[0].sort(key=lambda job: _API_ORDER.index(job.analysis.name))
        else:
            videos[None] = unnamed
    made = []
    for jobs in videos.values():
        for other in jobs[1:]:
            _check_same_video(jobs[0], other)
        made.append(Video(tuple(jobs), max(job.frame_count for job in jobs)))
    return tuple(made)


_API_ORDER = list(APIS)


def _merged_jobs(groups: _JobPages, rate: Fraction | None, strict: bool) -> list[AnalysisJob]:
    """A video's jobs, each of its pages merged, in the APIs' order, then as read (sorted() keeps ties)."""
    return [
        dataclasses.replace(
            merge_pages(pages, APIS[key[0]], " + ".join(sources), rate=rate, strict=strict), files=tuple(sources)
        )
        for key, (sources, pages) in sorted(groups.items(), key=lambda group: _API_ORDER.index(group[0][0]))
    ]


def _job_key(page: Mapping[str, Any], where: str) -> tuple[str, str, str]:
    """The API, JobId and AggregateBy a page belongs to (all segment pages are one job)."""
    analysis = page_analysis(page, where)
    if analysis == SEGMENTS.name:
        return analysis, "", ""
    request = page.get("GetRequestMetadata")
    aggregate = request.get("AggregateBy") if isinstance(request, dict) else None
    return analysis, str(page.get("JobId", "")), str(aggregate or "")


def page_analysis(page: Mapping[str, Any], where: str) -> str:
    """Which API a page came from: ``segments`` or an analysis name, told by
    the list it carries (or, for a page without one, by its shape)."""
    for analysis in APIS.values():
        if analysis.list_key in page:
            return analysis.name
    for analysis in ANALYSES.values():
        if analysis.model_version_key is not None and analysis.model_version_key in page:
            return analysis.name
    if isinstance(page.get("VideoMetadata"), dict):
        raise ResponseFormatError(
            f"{where}: a response of another analysis than segment detection, but with none of its lists "
            f"({', '.join(analysis.list_key for analysis in ANALYSES.values())}): cannot tell which"
        )
    return SEGMENTS.name


def load_pages(data: str | bytes, source: str) -> list[Mapping[str, Any]]:
    """The response pages in ``data``: one document, an array of documents,
    or documents one after the other."""
    return [
        {key: [parse_item(text) for text in value.texts] if isinstance(value, ItemTexts) else value
         for key, value in page.items()}
        for page in _scanned_pages(data, source)
    ]  # fmt: skip


def _scanned_pages(data: str | bytes, source: str) -> list[Mapping[str, Any]]:
    """The pages of :func:`load_pages`, their lists of items kept as text."""
    documents = json_documents(data, source, _ITEM_LISTS)
    pages: list[Any] = []
    for document in documents:
        pages.extend(document if isinstance(document, list) else [document])
    for number, page in enumerate(pages, 1):
        if not isinstance(page, dict):
            raise ResponseFormatError(
                f"{source}: page {number}: expected a JSON object (a GetSegmentDetection response), "
                f"got {json_type(page)}"
            )
        if not _PAGE_KEYS & page.keys():
            raise ResponseFormatError(
                f"{source}: page {number}: not a Rekognition Video response (expected {', '.join(sorted(_PAGE_KEYS))})"
            )
    if not pages:
        raise ResponseFormatError(f"{source}: empty array: expected GetSegmentDetection response pages")
    return pages


def merge_pages(
    pages: Sequence[Mapping[str, Any]],
    analysis: Analysis,
    source: str,
    rate: Fraction | None = None,
    strict: bool = False,
) -> AnalysisJob:
    """Merge the response pages of one job of ``analysis`` into one, checking that they belong together."""
    first = pages[0]
    for number, page in enumerate(pages, 1):
        check_status(page, f"{source}: page {number}")
        check_same_job(first, page, f"{source}: page {number}", analysis.repeated_fields)
    job_rate = rate if rate is not None else _video_rate(first, source)
    is_segments = analysis is SEGMENTS
    # Identical items (a page saved twice) are kept once: found among the
    # items of the same frames and name, by their text, then as values.
    seen: dict[tuple[int, int, str], list[str | Mapping[str, Any]]] = {}
    items: list[Segment | Detection] = []
    disagreements: list[str] = []
    duplicates = 0
    for where, raw, text in _page_items(pages, analysis.list_key, source):
        found: list[str] = []
        item: Segment | Detection
        if is_segments:
            item = parse_segment(raw, job_rate, where, found)
            key = (item.first_frame, item.last_frame, item.label)
        else:
            item = parse_detection(raw, analysis, job_rate, where, text or json.dumps(raw))
            key = (item.first_frame, item.last_frame, item.name)
        alike = seen.get(key)
        kept = text if text and not is_segments else raw
        if alike is None:
            seen[key] = [kept]
        else:
            if kept in alike or any(_value(_parsed(other)) == _value(raw) for other in alike):
                duplicates += 1
                continue
            alike.append(kept)
        items.append(item)
        disagreements.extend(found)
    segments = sorted((item for item in items if isinstance(item, Segment)), key=_segment_order)
    _check_shots_do_not_overlap(segments, source)
    if disagreements:
        _report(
            f"{source}: {len(disagreements)} frame value(s) disagree with the frame numbers or timecodes, "
            f"which were used; first: {'; '.join(d.removeprefix(f'{source}: ') for d in disagreements[:_EXAMPLES])}",
            strict,
            ResponseFormatError,
        )
    next_token = _next_token(pages, source, strict, analysis.get_operation)
    last_frame = max((item.last_frame for item in items), default=-1)
    reached = _video_frames(
        first, job_rate, source, last_frame, "segments" if is_segments else analysis.list_key, strict
    )
    return AnalysisJob(
        source=source,
        analysis=analysis,
        rate=job_rate,
        frame_count=reached,
        info=job_fields(first),
        segments=tuple(segments),
        detections=tuple(with_top_categories([item for item in items if isinstance(item, Detection)])),
        page_count=len(pages),
        duplicates_dropped=duplicates,
        next_token=next_token,
        disagreements=tuple(disagreements),
        audio=_audio_streams(first, source, strict),
    )


def _parsed(item: str | Mapping[str, Any]) -> Any:
    return parse_item(item) if isinstance(item, str) else item


def _value(item: Any) -> Any:
    """An item as a value to compare: key order aside, 90 and 90.0 alike, ``true`` not 1."""
    if isinstance(item, dict):
        return frozenset((key, _value(value)) for key, value in item.items())
    if isinstance(item, list):
        return tuple(_value(value) for value in item)
    if isinstance(item, bool):
        return ("boolean", item)
    return item


def _page_items(
    pages: Sequence[Mapping[str, Any]], key: str, source: str
) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    """Every item of every page's list ``key`` with where it is, for
    messages, and, for an item kept as text, its text as metadata keeps it
    (as written, on one line); "" for an item read parsed."""
    for number, page in enumerate(pages, 1):
        items = page.get(key, [])
        if isinstance(items, ItemTexts):
            listed: Iterator[tuple[Any, str]] = ((parse_item(text), text) for text in items.texts)
        elif isinstance(items, list):
            listed = ((item, "") for item in items)
        else:
            raise ResponseFormatError(f"{source}: page {number} field {key}: expected an array, got {json_type(items)}")
        for position, (raw, text) in enumerate(listed):
            where = f"{source}: page {number} {key}[{position}]"
            if not isinstance(raw, dict):
                raise ResponseFormatError(f"{where}: expected a JSON object, got {json_type(raw)}")
            yield where, raw, item_text(text, raw) if text else ""


def _next_token(pages: Sequence[Mapping[str, Any]], source: str, strict: bool, operation: str) -> str | None:
    """The NextToken of a job whose pages do not reach its end (a warning, or with ``strict`` an error)."""
    if any(not page.get("NextToken") for page in pages):
        return None
    _report(
        f"{source}: incomplete job: the last of {len(pages)} page(s) has a NextToken; "
        f"fetch the remaining pages with {operation}(NextToken=...)",
        strict,
        IncompleteJobError,
    )
    return str(pages[-1]["NextToken"])


def _video_frames(
    first: Mapping[str, Any], rate: Fraction, source: str, last_frame: int, what: str, strict: bool
) -> int:
    """Frames the timeline must cover: the video's, or up to the last thing found past its end (said)."""
    video_frames = _video_frame_count(first, rate, source)
    # A frame of slack: DurationMillis is rounded down.
    if video_frames and last_frame > video_frames:
        _report(
            f"{source}: {what} run to frame {last_frame}, past the end of the video "
            f"({_video_field(first)}.DurationMillis gives {video_frames} frames); the timeline covers them",
            strict,
            ResponseFormatError,
        )
    return max(video_frames, last_frame + 1)


def _check_same_video(job: AnalysisJob, other: AnalysisJob, instead: str = "") -> None:
    """Jobs read together must have analysed one video (``instead``: what to do when they did not)."""
    mismatch = _video_mismatch(job, other)
    if mismatch:
        # Pages of one kind in one file read as one job: pages of two, then.
        one_job = other.source == job.source and other.analysis is job.analysis
        which = f"not the video {job.source} analysed"
        if one_job:
            which = "the pages come from different jobs, of two videos"
        raise DifferentVideoError(f"{other.source}: {which}: {mismatch}{instead}")


def _video_mismatch(job: AnalysisJob, other: AnalysisJob) -> str | None:
    """How two jobs' videos differ: the S3 object when both name it, else the
    rate, size and length (older responses name no object; those are all that
    is left to compare); None when they are one video as far as they tell."""
    named, other_named = s3_object(job.info), s3_object(other.info)
    mismatch = None
    if named and other_named and named != other_named:
        mismatch = f"it analysed {names.s3_url(*other_named[:2])}, the other {names.s3_url(*named[:2])}"
        if named[:2] == other_named[:2]:
            mismatch = f"it analysed version {other_named[2]} of the object, the other version {named[2]}"
    # The length each job states (what was found past it is no measure of the video).
    return mismatch or video_mismatch(
        (job.rate, _video_frame_count(job.info, job.rate, job.source) or None, video_frame_size(job.info)),
        (other.rate, _video_frame_count(other.info, other.rate, other.source) or None, video_frame_size(other.info)),
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


def check_same_job(
    first: Mapping[str, Any], page: Mapping[str, Any], where: str, repeated: Sequence[str] = REPEATED_PAGE_FIELDS
) -> None:
    """Pages of one job repeat the job's fields; a page that differs is of another job."""
    for key in repeated:
        if key in first and key in page and first[key] != page[key]:
            raise ResponseFormatError(f"{where} field {key} differs from page 1: the pages come from different jobs")


def job_fields(page: Mapping[str, Any]) -> dict[str, Any]:
    """Every top-level field of a page that describes the job, not the paging."""
    return {key: value for key, value in page.items() if key not in _PAGE_ONLY_KEYS}


def list_key(page: Mapping[str, Any]) -> str:
    """The key of the list a page of this API carries: Segments, Labels, ..."""
    return APIS[page_analysis(page, "page")].list_key


def merge_documents(pages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The pages as the one response Rekognition would send if a page had no
    size limit: the job's fields, every page's items in page order."""
    document = job_fields(pages[0])
    key = list_key(pages[0])
    document[key] = [item for page in pages for item in page.get(key, [])]
    return document


def _first_video(page: Mapping[str, Any], source: str) -> Mapping[str, Any] | None:
    """The video's metadata: segment detection lists it, the other analyses give one object."""
    videos = page.get("VideoMetadata")
    if videos is None or videos == []:
        return None
    if isinstance(videos, dict):
        return videos
    if not isinstance(videos, list) or not isinstance(videos[0], dict):
        raise ResponseFormatError(
            f"{source} field VideoMetadata: expected an array of objects or an object, got {json_type(videos)}"
        )
    return videos[0]


def _audio_streams(page: Mapping[str, Any], source: str, strict: bool) -> tuple[AudioStream, ...]:
    """The sound streams ``AudioMetadata`` lists. A description that does not
    read leaves the video without sound, said in a warning: the picture is
    right all the same, and guessing the sound would not be."""
    streams = page.get("AudioMetadata")
    if streams is None:
        return ()
    if not isinstance(streams, list):
        return _no_sound(f"{source} field AudioMetadata: expected an array, got {json_type(streams)}", strict)
    found = []
    for number, stream in enumerate(streams):
        where = f"{source} field AudioMetadata[{number}]"
        if not isinstance(stream, dict):
            return _no_sound(f"{where}: expected an object, got {json_type(stream)}", strict)
        channels, rate, codec = stream.get("NumberOfChannels"), stream.get("SampleRate"), stream.get("Codec")
        if not _is_count(channels, _MAX_CHANNELS):
            return _no_sound(f"{where}.NumberOfChannels: expected 1 to {_MAX_CHANNELS}, got {shown(channels)}", strict)
        if rate is not None and not _is_count(rate, _MAX_SAMPLE_RATE):
            return _no_sound(f"{where}.SampleRate: expected 1 to {_MAX_SAMPLE_RATE} Hz, got {shown(rate)}", strict)
        found.append(AudioStream(channels, rate, codec if isinstance(codec, str) else None))
    return tuple(found)


def _no_sound(message: str, strict: bool) -> tuple[AudioStream, ...]:
    _report(f"{message}; the sound is left out (picture only)", strict, ResponseFormatError)
    return ()


def _is_count(value: object, most: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= most


def _video_field(page: Mapping[str, Any]) -> str:
    return "VideoMetadata" if isinstance(page.get("VideoMetadata"), dict) else "VideoMetadata[0]"


def _video_rate(page: Mapping[str, Any], source: str) -> Fraction:
    video = _first_video(page, source)
    if video is None or "FrameRate" not in video:
        raise ResponseFormatError(
            f"{source}: no {_video_field(page)}.FrameRate, so the frame rate is unknown; "
            "pass it as rate=... (e.g. 25 or 30000/1001)"
        )
    value = video["FrameRate"]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ResponseFormatError(
            f"{source} field {_video_field(page)}.FrameRate: expected a number, got {shown(value)}"
        )
    try:
        return frames.snap_rate(value)
    except ValueError as error:
        raise ResponseFormatError(f"{source} field {_video_field(page)}.FrameRate: {error}") from None


def _video_frame_count(page: Mapping[str, Any], rate: Fraction, source: str) -> int:
    video = _first_video(page, source)
    millis = video.get("DurationMillis") if video else None
    if millis is None:
        return 0
    if not is_millis(millis):
        raise ResponseFormatError(
            f"{source} field {_video_field(page)}.DurationMillis: expected milliseconds from 0 to {DAY_MILLIS}, "
            f"got {shown(millis)}"
        )
    return frames.millis_to_frame(millis, rate)


def response_identity(data: bytes) -> tuple[str, ...]:
    """The S3 video (``s3://bucket/key``, the key percent encoded) and the
    JobId a saved response is of, read from its first page alone: what tells
    whose a file is without reading every item; () when it is not one."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return ()
    page = document[0] if isinstance(document, list) and document else document
    if not isinstance(page, dict):
        return ()
    s3 = s3_object(page)
    found = [names.s3_url(s3[0], s3[1])] if s3 is not None else []
    return (*found, *([page["JobId"]] if isinstance(page.get("JobId"), str) else []))


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
        if key in _LIST_KEYS and isinstance(value, list) and value:
            items = f",\n{margin}    ".join(line(item) for item in value)
            fields.append(f"{margin}  {line(key)}: [\n{margin}    {items}\n{margin}  ]")
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
