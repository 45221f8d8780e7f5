"""Amazon Rekognition Video segment detection over AWS: start a job, wait for
it, fetch every page of its results.

What a page is and when pages belong together are Rekognition's rules,
written once in :mod:`otio_rekognition.rekognition`; this module only calls
AWS and turns their failures into the one-line :class:`AwsError` subclasses
whose ``exit_status`` the command line exits with.
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
from otio_rekognition.rekognition.pages import check_same_job, check_status, merge_documents, response_text
from otio_rekognition.rekognition.vocabulary import IN_PROGRESS, MAX_PAGE_SIZE, SEGMENT_TYPES, SUCCEEDED

URL_OPTIONS = ("region", "profile", "endpoint_url")
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
class StartRequest:
    """Every field of a StartSegmentDetection request.

    Filters left at None are not sent, so Rekognition applies its defaults
    (confidence 50, black frames: pixel threshold 0.2, coverage 99 %).
    ``client_request_token`` makes a repeated start return the same job
    instead of a second one; :func:`start` makes one up when none is given,
    so botocore's own retries of a lost answer stay idempotent.
    """

    bucket: str
    key: str
    version: str | None = None
    segment_types: Sequence[str] = SEGMENT_TYPES
    shot_min_confidence: float | None = None
    cue_min_confidence: float | None = None
    black_frame_max_pixel_threshold: float | None = None
    black_frame_min_coverage_percentage: float | None = None
    sns_topic_arn: str | None = None
    role_arn: str | None = None
    job_tag: str | None = None
    client_request_token: str | None = None

    def __post_init__(self) -> None:
        where = self.subject
        if not self.bucket or not self.key:
            raise InvalidRequestError(f"{where}: expected an S3 bucket and object key", "InvalidParameter")
        try:
            vocabulary.segment_types(self.segment_types)
        except ValueError as error:
            raise InvalidRequestError(f"{where}: segment types: {error}", "InvalidParameter") from None
        for name, value, limits in (
            ("shot minimum confidence", self.shot_min_confidence, vocabulary.MIN_SEGMENT_CONFIDENCE),
            ("technical cue minimum confidence", self.cue_min_confidence, vocabulary.MIN_SEGMENT_CONFIDENCE),
            (
                "black frame maximum pixel threshold",
                self.black_frame_max_pixel_threshold,
                vocabulary.BLACK_FRAME_MAX_PIXEL_THRESHOLD,
            ),
            (
                "black frame minimum coverage percentage",
                self.black_frame_min_coverage_percentage,
                vocabulary.BLACK_FRAME_MIN_COVERAGE_PERCENTAGE,
            ),
        ):
            problem = vocabulary.out_of_range(value, limits)
            if problem:
                raise InvalidRequestError(f"{where}: {name}: {problem}", "InvalidParameter")
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

    def parameters(self, client_request_token: str) -> dict[str, Any]:
        """The StartSegmentDetection request, with the given token when the request names none."""
        s3_object = {"Bucket": self.bucket, "Name": self.key}
        if self.version is not None:
            s3_object["Version"] = self.version
        request: dict[str, Any] = {
            "Video": {"S3Object": s3_object},
            "SegmentTypes": list(self.segment_types),
            "ClientRequestToken": self.client_request_token or client_request_token,
        }
        filters: dict[str, Any] = {}
        if self.shot_min_confidence is not None:
            filters["ShotFilter"] = {"MinSegmentConfidence": self.shot_min_confidence}
        cue_filter: dict[str, Any] = {}
        if self.cue_min_confidence is not None:
            cue_filter["MinSegmentConfidence"] = self.cue_min_confidence
        black_frame: dict[str, Any] = {}
        if self.black_frame_max_pixel_threshold is not None:
            black_frame["MaxPixelThreshold"] = self.black_frame_max_pixel_threshold
        if self.black_frame_min_coverage_percentage is not None:
            black_frame["MinCoveragePercentage"] = self.black_frame_min_coverage_percentage
        if black_frame:
            cue_filter["BlackFrame"] = black_frame
        if cue_filter:
            filters["TechnicalCueFilter"] = cue_filter
        if filters:
            request["Filters"] = filters
        if self.sns_topic_arn is not None:
            request["NotificationChannel"] = {"SNSTopicArn": self.sns_topic_arn, "RoleArn": self.role_arn}
        if self.job_tag is not None:
            request["JobTag"] = self.job_tag
        return request


@dataclass(frozen=True)
class Backoff:
    """Delays between GetSegmentDetection polls: ``initial`` seconds, growing
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
    checks: int  # status checks so far (GetSegmentDetection polls or SQS receives)
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

    @property
    def source(self) -> str:
        """The job's name in messages and metadata: never the profile or endpoint it was fetched with."""
        return f"{URL_SCHEME}://{self.job_id}"

    @property
    def segment_count(self) -> int:
        return len(self.document.get("Segments", []))

    def text(self, raw_pages: bool = False) -> str:
        """The merged response as JSON, or with ``raw_pages`` a JSON array of
        the pages; the package's reader takes either."""
        content: Any = list(self.pages) if raw_pages else self.document
        return response_text(content)


def start(request: StartRequest, connection: Connection | None = None) -> str:
    """Start segment detection on an S3 video; the JobId."""
    connection = connection or Connection()
    client = connection.client("rekognition", request.subject, START)
    with translated(request.subject, START, connection, client):
        response = client.start_segment_detection(**request.parameters(uuid.uuid4().hex))
    job_id = response.get("JobId") if isinstance(response, dict) else None
    if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
        raise AwsError(f"{request.subject}: {START}: the answer has no JobId: {_answer_trouble()}", "NoJobId")
    return job_id


def wait(
    job_id: str,
    connection: Connection | None = None,
    *,
    timeout: float | None = None,
    backoff: Backoff | None = None,
    on_status: Callable[[WaitStatus], None] | None = None,
    queue_url: str | None = None,
) -> WaitResult:
    """Wait until the job has SUCCEEDED; raise :class:`JobFailedError` when it
    FAILED, :class:`WaitTimeoutError` after ``timeout`` seconds.

    Polls GetSegmentDetection with ``backoff``, or, with ``queue_url``, waits
    for Rekognition's completion message on that SQS queue (subscribed to the
    job's SNS topic). Either way the job is checked once first, so a job that
    finished before the wait began is not waited for.
    """
    _check_job_id(job_id)
    connection = connection or Connection()
    backoff = backoff or Backoff()
    report = on_status or _ignore
    subject = _subject(job_id)
    rekognition = connection.client("rekognition", subject, GET)
    # Near the deadline a poll must not outlast it by retries of whole read
    # timeouts: one attempt, cut short. Made before the clock starts, as
    # making a client takes a moment.
    last_polls, last_calls = rekognition, connection
    if timeout is not None:
        short = min(connection.read_timeout, max(timeout, 0.5))
        last_calls = dataclasses.replace(
            connection, connect_timeout=min(connection.connect_timeout, short), read_timeout=short, max_attempts=1
        )
        last_polls = last_calls.client("rekognition", subject, GET)
    started = time.monotonic()
    checks = 0
    while True:
        near_the_end = timeout is not None and timeout - (time.monotonic() - started) < connection.read_timeout
        client, calls = (last_polls, last_calls) if near_the_end else (rekognition, connection)
        try:
            status = _job_status(client, job_id, calls)
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
            return _wait_sqs(job_id, queue_url, connection, rekognition, timeout, report, started, checks)
        delay = backoff.delay(checks - 1)
        if timeout is not None:
            if elapsed >= timeout:
                raise _timed_out(job_id, elapsed)
            # One last poll at the deadline rather than giving up early.
            delay = min(delay, timeout - elapsed)
        report(WaitStatus(job_id, status, elapsed, checks, delay))
        time.sleep(delay)


def fetch(
    job_id: str,
    connection: Connection | None = None,
    *,
    page_size: int = MAX_PAGE_SIZE,
    on_page: Callable[[int, int], None] | None = None,
) -> FetchResult:
    """Every page of a finished job, merged; ``on_page(page_number, segments_on_page)`` after each page.

    An InvalidPaginationTokenException (a NextToken that expired between
    pages) restarts the fetch from the first page, once.
    """
    _check_job_id(job_id)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"{_subject(job_id)}: page size {page_size}: expected 1 to {MAX_PAGE_SIZE}", "InvalidParameter"
        )
    connection = connection or Connection()
    client = connection.client("rekognition", _subject(job_id), GET)
    restarts = 0
    while True:
        try:
            pages = _all_pages(client, job_id, page_size, connection, on_page or _ignore)
            break
        except InvalidRequestError as error:
            if error.code != "InvalidPaginationTokenException":
                raise
            if restarts:
                raise InvalidRequestError(
                    f"{_subject(job_id)}: {GET}: NextToken rejected again after restarting from the first page "
                    "(InvalidPaginationTokenException); try again later",
                    error.code,
                ) from error
            restarts += 1
    return FetchResult(job_id, tuple(pages), merge_documents(pages), restarts)


def is_job_url(path: str) -> bool:
    """Whether ``path`` names a job (``rekognition://JOB_ID``) rather than a file."""
    return str(path).lower().startswith(f"{URL_SCHEME}://")


def parse_job_url(url: str) -> tuple[str, Connection]:
    """``rekognition://JOB_ID?region=...&profile=...&endpoint_url=...`` as (JobId, Connection)."""
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
    return job_id, Connection(
        region=options.get("region"), profile=options.get("profile"), endpoint_url=options.get("endpoint_url")
    )


def fetch_url(url: str, on_page: Callable[[int, int], None] | None = None) -> FetchResult:
    """The job a ``rekognition://`` URL names, fetched by :func:`fetch`; for the OTIO adapter."""
    job_id, connection = parse_job_url(url)
    return fetch(job_id, connection, on_page=on_page)


def _job_status(client: Any, job_id: str, connection: Connection) -> str:
    """The job's status from a one-segment page; FAILED raises with Rekognition's StatusMessage."""
    with translated(_subject(job_id), GET, connection, client):
        answer = client.get_segment_detection(JobId=job_id, MaxResults=1)
    page = _page(answer, _subject(job_id), 1)
    if page["JobStatus"] != IN_PROGRESS:
        _check_status(page, _subject(job_id))
    return str(page["JobStatus"])


def _wait_sqs(
    job_id: str,
    queue_url: str,
    connection: Connection,
    rekognition: Any,
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
            notification = _notification(message.get("Body", ""))
            # Messages of other jobs are left alone: they reappear for their
            # own waiters once the queue's visibility timeout has passed.
            if notification is None or notification.get("JobId") != job_id:
                continue
            with translated(subject, "DeleteMessage", connection, sqs):
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            elapsed = time.monotonic() - started
            if notification.get("Status") == SUCCEEDED:
                report(WaitStatus(job_id, SUCCEEDED, elapsed, checks, None))
                return WaitResult(job_id, elapsed, checks, notification)
            # The notification carries no reason (its Status is FAILED or
            # ERROR); GetSegmentDetection has the StatusMessage.
            _job_status(rekognition, job_id, connection)
            raise _failed(job_id, f"completion message says {notification.get('Status')}")


def _notification(body: str) -> Mapping[str, Any] | None:
    """The Rekognition completion message in an SQS body: wrapped in an SNS
    notification (its Message is the JSON text), or delivered raw."""
    try:
        document = json.loads(body)
        if isinstance(document, dict) and isinstance(document.get("Message"), str):
            document = json.loads(document["Message"])
    except ValueError:
        return None
    return document if isinstance(document, dict) and "JobId" in document else None


def _all_pages(
    client: Any, job_id: str, page_size: int, connection: Connection, on_page: Callable[[int, int], None]
) -> list[Mapping[str, Any]]:
    subject = _subject(job_id)
    pages: list[Mapping[str, Any]] = []
    tokens: set[str] = set()
    request: dict[str, Any] = {"JobId": job_id, "MaxResults": page_size}
    while True:
        with translated(subject, GET, connection, client):
            response = client.get_segment_detection(**request)
        number = len(pages) + 1
        if number > MAX_PAGES:
            raise PaginationError(
                f"{subject}: {GET}: more than {MAX_PAGES} pages (a job has at most a few hundred): stopped",
                "TooManyPages",
            )
        page = _page(response, subject, number)
        _check_page(page, pages[0] if pages else None, job_id, number, page_size)
        pages.append(page)
        on_page(number, len(page.get("Segments", [])))
        token = page.get("NextToken")
        if not token:
            return pages
        if token in tokens:
            raise PaginationError(
                f"{subject}: {GET}: page {number} repeats an earlier NextToken: the pages would loop forever",
                "RepeatedNextToken",
            )
        tokens.add(token)
        request["NextToken"] = token


def _page(response: object, subject: str, number: int) -> dict[str, Any]:
    """An answer that is a GetSegmentDetection page, without botocore's ResponseMetadata."""
    page = (
        {key: value for key, value in response.items() if key != "ResponseMetadata"}
        if isinstance(response, dict)
        else None
    )
    if (
        page is None
        or page.get("JobStatus") not in vocabulary.JOB_STATUSES
        or not isinstance(page.get("Segments", []), list)
    ):
        raise AwsError(
            f"{subject}: {GET}: page {number} is not a GetSegmentDetection page (no JobStatus, or Segments not a "
            f"list): {_answer_trouble()}",
            "MalformedAnswer",
        )
    return page


def _answer_trouble() -> str:
    return "the endpoint is not Rekognition, or something between answers for it (check --endpoint-url and proxies)"


def _check_page(
    page: Mapping[str, Any], first: Mapping[str, Any] | None, job_id: str, number: int, page_size: int
) -> None:
    subject = _subject(job_id)
    _check_status(page, subject)
    if first is not None:
        try:
            check_same_job(first, page, f"{subject}: page {number}")
        except errors.ResponseFormatError as error:
            raise PaginationError(f"{error}, or the job changed while it was fetched", "PagesDisagree") from None
    if page.get("JobId", job_id) != job_id:
        raise PaginationError(f"{subject}: page {number} is of job {page['JobId']}", "WrongJob")
    count = len(page.get("Segments", []))
    if count > page_size:
        raise PaginationError(
            f"{subject}: page {number} has {count} segments, more than the {page_size} asked for", "PageTooLarge"
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


def _check_job_id(job_id: str) -> None:
    if not _JOB_ID.fullmatch(job_id):
        raise InvalidRequestError(
            f"job id {job_id!r}: expected 1 to 64 letters, digits, - or _ (the JobId StartSegmentDetection returned)",
            "InvalidJobId",
        )


def _subject(job_id: str) -> str:
    return f"{URL_SCHEME}://{job_id}"


def _ignore(*_: object) -> None:
    """The callback when the caller gives none."""
