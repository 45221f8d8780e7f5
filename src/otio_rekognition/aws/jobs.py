"""Amazon Rekognition Video over AWS: start a job of any stored-video analysis
(segment detection, labels, moderation, celebrities, faces, face search,
text), wait for it, fetch every page of its results.

What a page is and when pages belong together are Rekognition's rules,
written once in :mod:`otio_rekognition.rekognition`; this module only calls
AWS and turns their failures into the one-line :class:`AwsError` subclasses
whose ``exit_status`` the command line exits with. One table, :data:`APIS`,
names each analysis's operations; one table, :data:`START_OPTIONS`, says
which request fields each Start* operation takes and where they go.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from otio_rekognition import errors
from otio_rekognition.aws.client import GET, START, URL_SCHEME, Connection, one_line, translated
from otio_rekognition.aws.errors import (
    AwsError,
    InvalidRequestError,
    JobFailedError,
    JobInProgressError,
    PaginationError,
    WaitTimeoutError,
)
from otio_rekognition.rekognition import vocabulary
from otio_rekognition.rekognition.pages import check_same_job, check_status, list_key, merge_documents, response_text
from otio_rekognition.rekognition.vocabulary import (
    AGGREGATE_BY,
    ANALYSES,
    FACE_SEARCH,
    FACES,
    IN_PROGRESS,
    LABELS,
    MAX_PAGE_SIZE,
    MODERATION,
    REPEATED_ANALYSIS_FIELDS,
    REPEATED_PAGE_FIELDS,
    SEGMENT_TYPES,
    SEGMENTS,
    SUCCEEDED,
    TEXT,
)

URL_OPTIONS = ("region", "profile", "endpoint_url", "analysis", "aggregate_by")
# Rekognition's own pattern (JobId, ClientRequestToken): checked here so a
# typo is one line before any request, not a round trip to the service.
_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
# A six-hour video has a few hundred pages of 1,000 segments: more means a
# server handing out fresh NextTokens forever.
MAX_PAGES = 10_000
MAX_POLL_DELAY = 3600.0
# SQS long polling waits at most 20 seconds per ReceiveMessage.
_SQS_LONGEST_POLL = 20


@dataclass(frozen=True)
class Api:
    """The calls of one analysis: the operation that starts a job, the one
    that pages its results, and what each page lists."""

    name: str  # as --analysis and ?analysis= say it: "segments", "labels", ...
    start: str  # StartLabelDetection
    get: str  # GetLabelDetection
    list_key: str  # the page's list: Labels
    noun: str  # what the list holds, as progress and summary lines say it
    repeated: tuple[str, ...]  # the fields every page of one job repeats
    aggregates: bool = False  # the Get* operation takes AggregateBy


APIS: Mapping[str, Api] = {
    SEGMENTS: Api(SEGMENTS, START, GET, "Segments", "segments", REPEATED_PAGE_FIELDS),
    **{
        analysis.name: Api(
            analysis.name,
            analysis.start_operation,
            analysis.get_operation,
            analysis.list_key,
            "detections",
            REPEATED_ANALYSIS_FIELDS,
            analysis.aggregates,
        )
        for analysis in ANALYSES.values()
    },
}
ANALYSIS_NAMES = tuple(APIS)


def api(analysis: str) -> Api:
    """The calls of ``analysis``; InvalidRequestError naming the ones there are."""
    if analysis not in APIS:
        raise InvalidRequestError(
            f"unknown analysis {analysis!r}: expected {', '.join(ANALYSIS_NAMES)}", "InvalidAnalysis"
        )
    return APIS[analysis]


def aggregate_problem(analysis: str, aggregate_by: str | None) -> str | None:
    """Why the Get* call of ``analysis`` cannot take ``aggregate_by`` (None when it can)."""
    if aggregate_by is None:
        return None
    takers = [name for name, calls in APIS.items() if calls.aggregates]
    if analysis not in takers:
        return f"only for the {_either(takers)} analysis, not for {analysis}"
    if aggregate_by not in AGGREGATE_BY:
        return f"expected {' or '.join(AGGREGATE_BY)}, got {aggregate_by!r}"
    return None


def _either(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))


# Limits of the Start* request fields Rekognition's service model states
# (vocabulary holds the ones the reader shares).
FACE_ATTRIBUTES = ("DEFAULT", "ALL")
LABEL_FEATURES = ("GENERAL_LABELS",)
LABEL_FILTER_NAMES = 100  # names per GeneralLabels filter list
LABEL_FILTER_NAME_LENGTH = 50
BOUNDING_BOX_FRACTION = (0.0, 1.0)  # of the frame's height or width
_COLLECTION_ID = re.compile(r"[a-zA-Z0-9_.\-]{1,255}")


def _within(limits: tuple[float, float]) -> Callable[[Any], str | None]:
    return lambda value: vocabulary.out_of_range(value, limits)


def _one_of(choices: Sequence[str]) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"expected {' or '.join(choices)}, got {value!r}"


def _some_of(choices: Sequence[str]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        items = list(value) if isinstance(value, (list, tuple)) else None
        if not items or len(items) > len(choices) or any(item not in choices for item in items):
            return f"expected {', '.join(choices)} (comma list), got {value!r}"
        return None

    return check


def _label_names(value: Any) -> str | None:
    items = list(value) if isinstance(value, (list, tuple)) else None
    if not items or len(items) > LABEL_FILTER_NAMES or not all(isinstance(item, str) for item in items):
        return f"expected 1 to {LABEL_FILTER_NAMES} names (comma list), got {value!r}"
    long = next((item for item in items if len(item) > LABEL_FILTER_NAME_LENGTH), None)
    if long is not None:
        return f"{long!r}: expected a name of at most {LABEL_FILTER_NAME_LENGTH} characters"
    return None


def _collection_id(value: Any) -> str | None:
    if isinstance(value, str) and _COLLECTION_ID.fullmatch(value):
        return None
    return f"expected 1 to 255 letters, digits, ., - or _, got {value!r}"


def _segment_types(value: Any) -> str | None:
    try:
        vocabulary.segment_types(value)
    except (TypeError, ValueError) as error:
        return str(error)
    return None


@dataclass(frozen=True)
class StartOption:
    """A :class:`StartRequest` field: where each Start* operation that takes
    it puts it (the others refuse it), and what it may be."""

    field: str
    words: str  # as messages name it
    paths: Mapping[str, tuple[str, ...]]  # analysis -> keys down the request
    check: Callable[[Any], str | None]  # why a value is refused, or None
    default: Any = None  # sent when not given
    required: bool = False  # every analysis that takes it needs it

    def problem(self, analysis: str, value: Any) -> str | None:
        """Why ``value`` cannot be sent when starting ``analysis`` (None when it can)."""
        if value is None:
            return f"required for the {analysis} analysis" if self.required and analysis in self.paths else None
        if analysis not in self.paths:
            return f"only for the {_either(list(self.paths))} analysis, not for {analysis}"
        return self.check(value)


_CONFIDENCE = _within(vocabulary.ANALYSIS_MIN_CONFIDENCE)
_SETTINGS = ("Settings", "GeneralLabels")
_WORD_FILTER = ("Filters", "WordFilter")
START_OPTIONS: tuple[StartOption, ...] = (
    StartOption("segment_types", "segment types", {SEGMENTS: ("SegmentTypes",)}, _segment_types,
                default=SEGMENT_TYPES),
    StartOption("shot_min_confidence", "shot minimum confidence",
                {SEGMENTS: ("Filters", "ShotFilter", "MinSegmentConfidence")},
                _within(vocabulary.MIN_SEGMENT_CONFIDENCE)),
    StartOption("cue_min_confidence", "technical cue minimum confidence",
                {SEGMENTS: ("Filters", "TechnicalCueFilter", "MinSegmentConfidence")},
                _within(vocabulary.MIN_SEGMENT_CONFIDENCE)),
    StartOption("black_frame_max_pixel_threshold", "black frame maximum pixel threshold",
                {SEGMENTS: ("Filters", "TechnicalCueFilter", "BlackFrame", "MaxPixelThreshold")},
                _within(vocabulary.BLACK_FRAME_MAX_PIXEL_THRESHOLD)),
    StartOption("black_frame_min_coverage_percentage", "black frame minimum coverage percentage",
                {SEGMENTS: ("Filters", "TechnicalCueFilter", "BlackFrame", "MinCoveragePercentage")},
                _within(vocabulary.BLACK_FRAME_MIN_COVERAGE_PERCENTAGE)),
    StartOption("min_confidence", "minimum confidence",
                {LABELS.name: ("MinConfidence",), MODERATION.name: ("MinConfidence",),
                 TEXT.name: (*_WORD_FILTER, "MinConfidence")}, _CONFIDENCE),
    StartOption("label_features", "label features", {LABELS.name: ("Features",)}, _some_of(LABEL_FEATURES)),
    StartOption("label_inclusion", "label inclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelInclusionFilters")}, _label_names),
    StartOption("label_exclusion", "label exclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelExclusionFilters")}, _label_names),
    StartOption("label_category_inclusion", "label category inclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelCategoryInclusionFilters")}, _label_names),
    StartOption("label_category_exclusion", "label category exclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelCategoryExclusionFilters")}, _label_names),
    StartOption("face_attributes", "face attributes", {FACES.name: ("FaceAttributes",)}, _one_of(FACE_ATTRIBUTES)),
    StartOption("collection_id", "collection id", {FACE_SEARCH.name: ("CollectionId",)}, _collection_id,
                required=True),
    StartOption("face_match_threshold", "face match threshold", {FACE_SEARCH.name: ("FaceMatchThreshold",)},
                _within(vocabulary.FACE_MATCH_THRESHOLD)),
    StartOption("text_min_box_height", "text minimum bounding box height",
                {TEXT.name: (*_WORD_FILTER, "MinBoundingBoxHeight")}, _within(BOUNDING_BOX_FRACTION)),
    StartOption("text_min_box_width", "text minimum bounding box width",
                {TEXT.name: (*_WORD_FILTER, "MinBoundingBoxWidth")}, _within(BOUNDING_BOX_FRACTION)),
)  # fmt: skip


@dataclass(frozen=True)
class StartRequest:
    """Every field of a Start* request: StartSegmentDetection by default, or
    the operation of ``analysis`` (labels, moderation, celebrities, faces,
    face-search, text).

    The analysis options (see :data:`START_OPTIONS`) left at None are not
    sent, so Rekognition applies its defaults (segment detection: both
    segment types, confidence 50, black frames: pixel threshold 0.2,
    coverage 99 %); one given to an analysis that does not take it is
    refused. ``client_request_token`` makes a repeated start return the same
    job instead of a second one; :func:`start` makes one up when none is
    given, so botocore's own retries of a lost answer stay idempotent.
    """

    bucket: str
    key: str
    version: str | None = None
    segment_types: Sequence[str] | None = None
    shot_min_confidence: float | None = None
    cue_min_confidence: float | None = None
    black_frame_max_pixel_threshold: float | None = None
    black_frame_min_coverage_percentage: float | None = None
    sns_topic_arn: str | None = None
    role_arn: str | None = None
    job_tag: str | None = None
    client_request_token: str | None = None
    analysis: str = SEGMENTS
    min_confidence: float | None = None  # labels, moderation; text's WordFilter
    label_features: Sequence[str] | None = None
    label_inclusion: Sequence[str] | None = None
    label_exclusion: Sequence[str] | None = None
    label_category_inclusion: Sequence[str] | None = None
    label_category_exclusion: Sequence[str] | None = None
    face_attributes: str | None = None
    collection_id: str | None = None
    face_match_threshold: float | None = None
    text_min_box_height: float | None = None
    text_min_box_width: float | None = None

    def __post_init__(self) -> None:
        where = self.subject
        if not self.bucket or not self.key:
            raise InvalidRequestError(f"{where}: expected an S3 bucket and object key", "InvalidParameter")
        try:
            api(self.analysis)
        except InvalidRequestError as error:
            raise InvalidRequestError(f"{where}: {error}", error.code) from None
        for option in START_OPTIONS:
            problem = option.problem(self.analysis, getattr(self, option.field))
            if problem:
                raise InvalidRequestError(f"{where}: {option.words}: {problem}", "InvalidParameter")
        if (self.sns_topic_arn is None) != (self.role_arn is None):
            raise InvalidRequestError(
                f"{where}: a notification channel needs both an SNS topic ARN and the role ARN "
                "Rekognition publishes to it with",
                "InvalidParameter",
            )
        if self.client_request_token is not None and not _JOB_ID.fullmatch(self.client_request_token):
            raise InvalidRequestError(
                f"{where}: client request token {self.client_request_token!r}: expected 1 to 64 letters, "
                "digits, - or _",
                "InvalidParameter",
            )

    @property
    def subject(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def operation(self) -> str:
        """The Start* operation this request is for."""
        return APIS[self.analysis].start

    def parameters(self, client_request_token: str) -> dict[str, Any]:
        """The Start* request, with the given token when the request names none."""
        s3_object = {"Bucket": self.bucket, "Name": self.key}
        if self.version is not None:
            s3_object["Version"] = self.version
        request: dict[str, Any] = {
            "Video": {"S3Object": s3_object},
            "ClientRequestToken": self.client_request_token or client_request_token,
        }
        for option in START_OPTIONS:
            value = getattr(self, option.field)
            value = option.default if value is None else value
            path = option.paths.get(self.analysis)
            if value is None or path is None:
                continue
            *parents, name = path
            branch = request
            for parent in parents:
                branch = branch.setdefault(parent, {})
            branch[name] = list(value) if isinstance(value, (list, tuple)) else value
        if self.sns_topic_arn is not None:
            request["NotificationChannel"] = {"SNSTopicArn": self.sns_topic_arn, "RoleArn": self.role_arn}
        if self.job_tag is not None:
            request["JobTag"] = self.job_tag
        return request


@dataclass(frozen=True)
class Backoff:
    """Delays between Get* polls (GetSegmentDetection, GetLabelDetection, ...): ``initial`` seconds, growing
    by ``factor`` up to ``maximum``. Each delay is drawn at random between half
    and all of that, so a batch of waiters does not poll in lockstep and trip
    the account's request rate."""

    initial: float = 5.0
    maximum: float = 60.0
    factor: float = 1.5

    def __post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum <= MAX_POLL_DELAY or not 1 <= self.factor <= MAX_POLL_DELAY:
            raise InvalidRequestError(
                f"poll backoff {self.initial:g} s to {self.maximum:g} s by {self.factor:g}: expected "
                f"0 < initial <= maximum <= {MAX_POLL_DELAY} s and a factor from 1 to {MAX_POLL_DELAY}",
                "InvalidBackoff",
            )

    def delay(self, poll: int) -> float:
        """The delay after poll number ``poll`` (0-based)."""
        ceiling = min(self.maximum, self.initial * self.factor**poll)
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class WaitStatus:
    """What a waiting command shows: reported after every status check."""

    job_id: str
    status: str  # IN_PROGRESS, SUCCEEDED or FAILED
    elapsed: float  # seconds since the wait began
    checks: int  # status checks so far (Get* polls or SQS receives)
    # Seconds until the next poll, or the SQS long-poll window (a message ends
    # it early); None once the job has finished.
    next_check: float | None


@dataclass(frozen=True)
class WaitResult:
    job_id: str
    elapsed: float
    checks: int
    # The Rekognition completion message, when the wait ended through SQS.
    notification: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class FetchResult:
    """Every page of a finished job, as Rekognition sent them (less botocore's
    ResponseMetadata), and the one response document they make."""

    job_id: str
    pages: tuple[Mapping[str, Any], ...]
    document: Mapping[str, Any]
    # How often an expired NextToken made the fetch start again from the first page.
    restarts: int = 0
    analysis: str = SEGMENTS

    @property
    def source(self) -> str:
        """The job's name in messages and metadata: never the profile or endpoint it was fetched with."""
        return f"{URL_SCHEME}://{self.job_id}"

    @property
    def item_count(self) -> int:
        """The segments or detections of the job: the items of its pages' list."""
        return len(self.document.get(list_key(self.document), []))

    @property
    def segment_count(self) -> int:
        """The item count, as segment detection's callers name it."""
        return self.item_count

    def text(self, raw_pages: bool = False) -> str:
        """The merged response as JSON, or with ``raw_pages`` a JSON array of
        the pages; the package's reader takes either."""
        content: Any = list(self.pages) if raw_pages else self.document
        return response_text(content)


def start(request: StartRequest, connection: Connection | None = None) -> str:
    """Start the request's analysis (segment detection unless it names another) on an S3 video; the JobId."""
    connection = connection or Connection()
    operation = request.operation
    client = connection.client("rekognition", request.subject, operation)
    with translated(request.subject, operation, connection, client):
        response = _call(client, operation, request.parameters(uuid.uuid4().hex))
    job_id = response.get("JobId") if isinstance(response, dict) else None
    if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
        raise AwsError(f"{request.subject}: {operation}: the answer has no JobId: {_answer_trouble()}", "NoJobId")
    return job_id


def wait(
    job_id: str,
    connection: Connection | None = None,
    *,
    analysis: str = SEGMENTS,
    timeout: float | None = None,
    backoff: Backoff | None = None,
    on_status: Callable[[WaitStatus], None] | None = None,
    queue_url: str | None = None,
) -> WaitResult:
    """Wait until the job of ``analysis`` has SUCCEEDED; raise
    :class:`JobFailedError` when it FAILED, :class:`WaitTimeoutError` after
    ``timeout`` seconds.

    Polls the analysis's Get* operation (GetSegmentDetection, ...) with
    ``backoff``, or, with ``queue_url``, waits for Rekognition's completion
    message on that SQS queue (subscribed to the job's SNS topic). Either way
    the job is checked once first, so a job that finished before the wait
    began is not waited for.
    """
    _check_job_id(job_id)
    calls = _api(analysis, job_id)
    connection = connection or Connection()
    backoff = backoff or Backoff()
    report = on_status or _ignore
    subject = _subject(job_id)
    rekognition = connection.client("rekognition", subject, calls.get)
    # Near the deadline a poll must not outlast it by retries of whole read
    # timeouts: one attempt, cut short. Made before the clock starts, as
    # making a client takes a moment.
    last_polls, last_calls = rekognition, connection
    if timeout is not None:
        short = min(connection.read_timeout, max(timeout, 0.5))
        last_calls = dataclasses.replace(
            connection, connect_timeout=min(connection.connect_timeout, short), read_timeout=short, max_attempts=1
        )
        last_polls = last_calls.client("rekognition", subject, calls.get)
    started = time.monotonic()
    checks = 0
    while True:
        near_the_end = timeout is not None and timeout - (time.monotonic() - started) < connection.read_timeout
        client, polling = (last_polls, last_calls) if near_the_end else (rekognition, connection)
        try:
            status = _job_status(client, job_id, polling, calls)
        except AwsError as error:
            if not near_the_end or error.code not in ("ReadTimeoutError", "ConnectTimeoutError"):
                raise
            raise _timed_out(job_id, time.monotonic() - started) from None
        checks += 1
        elapsed = time.monotonic() - started
        if status == SUCCEEDED:
            report(WaitStatus(job_id, status, elapsed, checks, None))
            return WaitResult(job_id, elapsed, checks)
        if queue_url is not None:
            return _wait_sqs(job_id, queue_url, connection, rekognition, calls, timeout, report, started, checks)
        delay = backoff.delay(checks - 1)
        if timeout is not None:
            if elapsed >= timeout:
                raise _timed_out(job_id, elapsed)
            # One last poll at the deadline rather than giving up early.
            delay = min(delay, timeout - elapsed)
        report(WaitStatus(job_id, status, elapsed, checks, delay))
        time.sleep(delay)


def status_page(job_id: str, connection: Connection | None = None, *, analysis: str = SEGMENTS) -> Mapping[str, Any]:
    """One one-item Get* page of the job, whatever its status: what a FAILED
    job's StatusMessage is read from."""
    _check_job_id(job_id)
    calls = _api(analysis, job_id)
    connection = connection or Connection()
    return _status_page(connection.client("rekognition", _subject(job_id), calls.get), job_id, connection, calls)


def job_status(job_id: str, connection: Connection | None = None, *, analysis: str = SEGMENTS) -> str:
    """The job's status now (IN_PROGRESS or SUCCEEDED), from one one-item Get*
    page, without waiting; :class:`JobFailedError` with Rekognition's
    StatusMessage when it FAILED. For callers that watch many jobs at once."""
    _check_job_id(job_id)
    calls = _api(analysis, job_id)
    connection = connection or Connection()
    client = connection.client("rekognition", _subject(job_id), calls.get)
    return _job_status(client, job_id, connection, calls)


def fetch(
    job_id: str,
    connection: Connection | None = None,
    *,
    analysis: str = SEGMENTS,
    aggregate_by: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    on_page: Callable[[int, int], None] | None = None,
) -> FetchResult:
    """Every page of a finished job of ``analysis``, merged; ``on_page(page_number, items_on_page)`` after each page.

    Labels and moderation are fetched aggregated by ``aggregate_by``
    (TIMESTAMPS, the default, or SEGMENTS). An InvalidPaginationTokenException
    (a NextToken that expired between pages) restarts the fetch from the
    first page, once.
    """
    _check_job_id(job_id)
    calls = _api(analysis, job_id)
    problem = aggregate_problem(analysis, aggregate_by)
    if problem:
        raise InvalidRequestError(f"{_subject(job_id)}: aggregate by: {problem}", "InvalidParameter")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"{_subject(job_id)}: page size {page_size}: expected 1 to {MAX_PAGE_SIZE}", "InvalidParameter"
        )
    request: dict[str, Any] = {"JobId": job_id, "MaxResults": page_size}
    if calls.aggregates:
        # Said even when it is Rekognition's default, so the pages' GetRequestMetadata is never a surprise.
        request["AggregateBy"] = aggregate_by or AGGREGATE_BY[0]
    connection = connection or Connection()
    client = connection.client("rekognition", _subject(job_id), calls.get)
    restarts = 0
    while True:
        try:
            pages = _all_pages(client, request, connection, calls, on_page or _ignore)
            break
        except InvalidRequestError as error:
            if error.code != "InvalidPaginationTokenException":
                raise
            if restarts:
                raise InvalidRequestError(
                    f"{_subject(job_id)}: {calls.get}: NextToken rejected again after restarting from the first "
                    "page (InvalidPaginationTokenException); try again later",
                    error.code,
                ) from error
            restarts += 1
    return FetchResult(job_id, tuple(pages), merge_documents(pages), restarts, analysis)


def is_job_url(path: str) -> bool:
    """Whether ``path`` names a job (``rekognition://JOB_ID``) rather than a file."""
    return str(path).lower().startswith(f"{URL_SCHEME}://")


@dataclass(frozen=True)
class JobUrl:
    """What a ``rekognition://`` URL names: a job, where to reach it, and how to fetch it."""

    job_id: str
    connection: Connection
    analysis: str = SEGMENTS
    aggregate_by: str | None = None

    def fetch(
        self, connection: Connection | None = None, on_page: Callable[[int, int], None] | None = None
    ) -> FetchResult:
        """The job, fetched through ``connection`` (default: the URL's own)."""
        return fetch(
            self.job_id,
            connection or self.connection,
            analysis=self.analysis,
            aggregate_by=self.aggregate_by,
            on_page=on_page,
        )


def job_url(url: str) -> JobUrl:
    """``rekognition://JOB_ID?region=...&profile=...&endpoint_url=...&analysis=...&aggregate_by=...``."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - urlsplit checks a port only when asked
    except ValueError as error:
        raise InvalidRequestError(f"{url}: not a {URL_SCHEME}:// URL ({error})", "InvalidJobUrl") from None
    if parts.scheme.lower() != URL_SCHEME or not parts.netloc:
        raise InvalidRequestError(
            f"{url}: expected {URL_SCHEME}://JOB_ID, optionally with ?region=...&profile=...&endpoint_url=...",
            "InvalidJobUrl",
        )
    job_id = unquote(parts.netloc)
    if parts.path not in ("", "/") or parts.fragment:
        raise InvalidRequestError(
            f"{url}: expected nothing after the job id but ?region=...&profile=...&endpoint_url=...",
            "InvalidJobUrl",
        )
    _check_job_id(job_id)
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise InvalidRequestError(f"{url}: the query is not name=value pairs joined by &", "InvalidJobUrl") from None
    options: dict[str, str] = {}
    for name, values in query.items():
        if name not in URL_OPTIONS:
            raise InvalidRequestError(
                f"{url}: unknown option {name!r}: expected {', '.join(URL_OPTIONS)}", "InvalidJobUrl"
            )
        if len(values) > 1 or not values[0]:
            raise InvalidRequestError(f"{url}: option {name!r} needs exactly one non-empty value", "InvalidJobUrl")
        options[name] = values[0]
    analysis = options.get("analysis", SEGMENTS).lower()
    try:
        api(analysis)
    except InvalidRequestError as error:
        raise InvalidRequestError(f"{url}: {error}", "InvalidJobUrl") from None
    aggregate_by = options["aggregate_by"].upper() if "aggregate_by" in options else None
    problem = aggregate_problem(analysis, aggregate_by)
    if problem:
        raise InvalidRequestError(f"{url}: option 'aggregate_by': {problem}", "InvalidJobUrl")
    connection = Connection(
        region=options.get("region"), profile=options.get("profile"), endpoint_url=options.get("endpoint_url")
    )
    return JobUrl(job_id, connection, analysis, aggregate_by)


def parse_job_url(url: str) -> tuple[str, Connection]:
    """The JobId and Connection of a ``rekognition://`` URL (:func:`job_url` tells what to fetch too)."""
    named = job_url(url)
    return named.job_id, named.connection


def fetch_url(url: str, on_page: Callable[[int, int], None] | None = None) -> FetchResult:
    """The job a ``rekognition://`` URL names, fetched by :func:`fetch`; for the OTIO adapter."""
    return job_url(url).fetch(on_page=on_page)


def _api(analysis: str, job_id: str) -> Api:
    try:
        return api(analysis)
    except InvalidRequestError as error:
        raise InvalidRequestError(f"{_subject(job_id)}: {error}", error.code) from None


def _call(client: Any, operation: str, parameters: Mapping[str, Any]) -> Any:
    """``operation`` (StartLabelDetection) through botocore's method for it (start_label_detection)."""
    from botocore import xform_name

    return getattr(client, xform_name(operation))(**parameters)


def _job_status(client: Any, job_id: str, connection: Connection, calls: Api) -> str:
    """The job's status from a one-item page; FAILED raises with Rekognition's StatusMessage."""
    page = _status_page(client, job_id, connection, calls)
    if page["JobStatus"] != IN_PROGRESS:
        _check_status(page, _subject(job_id))
    return str(page["JobStatus"])


def _status_page(client: Any, job_id: str, connection: Connection, calls: Api) -> dict[str, Any]:
    """A one-item Get* page: the job's status and StatusMessage, whatever they are."""
    with translated(_subject(job_id), calls.get, connection, client):
        answer = _call(client, calls.get, {"JobId": job_id, "MaxResults": 1})
    return _page(answer, _subject(job_id), 1, calls)


def _wait_sqs(
    job_id: str,
    queue_url: str,
    connection: Connection,
    rekognition: Any,
    calls: Api,
    timeout: float | None,
    report: Callable[[WaitStatus], None],
    started: float,
    checks: int,
) -> WaitResult:
    subject = _subject(job_id)
    sqs = connection.client("sqs", subject, "ReceiveMessage")
    while True:
        elapsed = time.monotonic() - started
        window = _SQS_LONGEST_POLL
        if timeout is not None:
            if elapsed >= timeout:
                raise _timed_out(job_id, elapsed)
            window = min(window, math.ceil(timeout - elapsed))
        report(WaitStatus(job_id, IN_PROGRESS, elapsed, checks, float(window)))
        with translated(subject, "ReceiveMessage", connection, sqs):
            received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=window)
        checks += 1
        for message in received.get("Messages", []):
            notification = completion_message(message.get("Body", ""))
            # Messages of other jobs are left alone: they reappear for their
            # own waiters once the queue's visibility timeout has passed. The
            # JobId alone tells: every analysis's message carries it (and its
            # API, StartLabelDetection, which a JobId already implies).
            if notification is None or notification.get("JobId") != job_id:
                continue
            with translated(subject, "DeleteMessage", connection, sqs):
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            elapsed = time.monotonic() - started
            if notification.get("Status") == SUCCEEDED:
                report(WaitStatus(job_id, SUCCEEDED, elapsed, checks, None))
                return WaitResult(job_id, elapsed, checks, notification)
            # The notification carries no reason (its Status is FAILED or
            # ERROR); the Get* operation has the StatusMessage.
            _job_status(rekognition, job_id, connection, calls)
            raise _failed(job_id, f"completion message says {notification.get('Status')}")


def completion_message(body: str) -> Mapping[str, Any] | None:
    """Rekognition's completion message (JobId, Status, API, ...) in an SQS
    body or an SNS Message: wrapped in an SNS notification (its Message is
    the JSON text), or raw; None when the text is not one."""
    try:
        document = json.loads(body)
        if isinstance(document, dict) and isinstance(document.get("Message"), str):
            document = json.loads(document["Message"])
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep, as no message is
        return None
    return document if isinstance(document, dict) and "JobId" in document else None


def _all_pages(
    client: Any,
    request: Mapping[str, Any],
    connection: Connection,
    calls: Api,
    on_page: Callable[[int, int], None],
) -> list[Mapping[str, Any]]:
    job_id, page_size = str(request["JobId"]), int(request["MaxResults"])
    subject = _subject(job_id)
    pages: list[Mapping[str, Any]] = []
    tokens: set[str] = set()
    asked = dict(request)
    while True:
        with translated(subject, calls.get, connection, client):
            response = _call(client, calls.get, asked)
        number = len(pages) + 1
        if number > MAX_PAGES:
            raise PaginationError(
                f"{subject}: {calls.get}: more than {MAX_PAGES} pages (a job has at most a few hundred): stopped",
                "TooManyPages",
            )
        page = _page(response, subject, number, calls)
        _check_page(page, pages[0] if pages else None, job_id, number, page_size, calls)
        pages.append(page)
        on_page(number, len(page[calls.list_key]))
        token = page.get("NextToken")
        if not token:
            return pages
        if token in tokens:
            raise PaginationError(
                f"{subject}: {calls.get}: page {number} repeats an earlier NextToken: the pages would loop forever",
                "RepeatedNextToken",
            )
        tokens.add(token)
        asked["NextToken"] = token


def _page(response: object, subject: str, number: int, calls: Api) -> dict[str, Any]:
    """An answer that is a page of ``calls.get``, without botocore's
    ResponseMetadata. A page without its list gets an empty one: saved, it
    still says which API it came from."""
    page = (
        {key: value for key, value in response.items() if key != "ResponseMetadata"}
        if isinstance(response, dict)
        else None
    )
    if (
        page is None
        or page.get("JobStatus") not in vocabulary.JOB_STATUSES
        or not isinstance(page.get(calls.list_key, []), list)
    ):
        raise AwsError(
            f"{subject}: {calls.get}: page {number} is not a {calls.get} page (no JobStatus, or {calls.list_key} "
            f"not a list): {_answer_trouble()}",
            "MalformedAnswer",
        )
    page.setdefault(calls.list_key, [])
    return page


def _answer_trouble() -> str:
    return "the endpoint is not Rekognition, or something between answers for it (check --endpoint-url and proxies)"


def _check_page(
    page: Mapping[str, Any], first: Mapping[str, Any] | None, job_id: str, number: int, page_size: int, calls: Api
) -> None:
    subject = _subject(job_id)
    _check_status(page, subject)
    if first is not None:
        try:
            check_same_job(first, page, f"{subject}: page {number}", calls.repeated)
        except errors.ResponseFormatError as error:
            raise PaginationError(f"{error}, or the job changed while it was fetched", "PagesDisagree") from None
    if page.get("JobId", job_id) != job_id:
        raise PaginationError(f"{subject}: page {number} is of job {page['JobId']}", "WrongJob")
    count = len(page[calls.list_key])
    if count > page_size:
        raise PaginationError(
            f"{subject}: page {number} has {count} {calls.noun}, more than the {page_size} asked for", "PageTooLarge"
        )


def _check_status(page: Mapping[str, Any], subject: str) -> None:
    """Rekognition's status rule, failing with the AWS errors' exit statuses."""
    try:
        check_status(page, subject)
    except errors.JobFailedError as error:
        raise JobFailedError(str(error), "JobFailed") from None
    except errors.JobInProgressError as error:
        raise JobInProgressError(str(error), "JobInProgress") from None


def _failed(job_id: str, status_message: object) -> JobFailedError:
    return JobFailedError(
        f"{_subject(job_id)}: the job FAILED: {one_line(str(status_message or 'no StatusMessage given'))}",
        "JobFailed",
    )


def _timed_out(job_id: str, elapsed: float) -> WaitTimeoutError:
    return WaitTimeoutError(
        f"{_subject(job_id)}: still IN_PROGRESS after {elapsed:.0f} s: wait again, or fetch once it has finished",
        "WaitTimeout",
    )


def is_job_id(text: str) -> bool:
    """Whether ``text`` has the shape of a JobId (1 to 64 of [a-zA-Z0-9_-])."""
    return bool(_JOB_ID.fullmatch(text))


def _check_job_id(job_id: str) -> None:
    if not is_job_id(job_id):
        raise InvalidRequestError(
            f"job id {job_id!r}: expected 1 to 64 letters, digits, - or _ (the JobId a Start* operation returned)",
            "InvalidJobId",
        )


def _subject(job_id: str) -> str:
    return f"{URL_SCHEME}://{job_id}"


def _ignore(*_: object) -> None:
    """The callback when the caller gives none."""
