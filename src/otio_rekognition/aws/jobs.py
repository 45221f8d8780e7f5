"""Amazon Rekognition Video over AWS: start a job of any stored-video analysis
(segment detection, labels, moderation, celebrities, faces, face search,
text), wait for it, fetch every page of its results.

What a page is and when pages belong together are Rekognition's rules,
written once in :mod:`otio_rekognition.rekognition`; this module only calls
AWS and turns their failures into the one-line :class:`AwsError` subclasses
whose ``exit_status`` the command line exits with. What each request says
(the APIS table, the Start* fields each analysis takes) is aws.requests'.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from otio_rekognition import errors
from otio_rekognition.aws.client import URL_SCHEME, Connection, one_line, translated
from otio_rekognition.aws.errors import (
    AwsError,
    InvalidRequestError,
    JobFailedError,
    JobInProgressError,
    PaginationError,
    WaitTimeoutError,
)
from otio_rekognition.aws.requests import (
    StartRequest,
    aggregate_problem,
    api,
    check_job_id,
    is_job_id,
    job_subject,
)
from otio_rekognition.rekognition import vocabulary
from otio_rekognition.rekognition.pages import check_same_job, check_status, list_key, merge_documents, response_text
from otio_rekognition.rekognition.vocabulary import (
    AGGREGATE_BY,
    IN_PROGRESS,
    MAX_PAGE_SIZE,
    SEGMENTS,
    SUCCEEDED,
    Analysis,
)

URL_OPTIONS = ("region", "profile", "endpoint_url", "analysis", "aggregate_by")
# A six-hour video has a few hundred pages of 1,000 segments: more means a
# server handing out fresh NextTokens forever.
MAX_PAGES = 10_000
MAX_POLL_DELAY = 3600.0
# SQS long polling waits at most 20 seconds per ReceiveMessage.
SQS_LONGEST_POLL = 20


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
    analysis: str = SEGMENTS.name

    @property
    def source(self) -> str:
        """The job's name in messages and metadata: never the profile or endpoint it was fetched with."""
        return f"{URL_SCHEME}://{self.job_id}"

    @property
    def item_count(self) -> int:
        """The segments or detections of the job: the items of its pages' list."""
        return len(self.document.get(list_key(self.document), []))

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
    if not isinstance(job_id, str) or not is_job_id(job_id):
        raise AwsError(f"{request.subject}: {operation}: the answer has no JobId: {_answer_trouble()}", "NoJobId")
    return job_id


def wait(
    job_id: str,
    connection: Connection | None = None,
    *,
    analysis: str = SEGMENTS.name,
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
    check_job_id(job_id)
    calls = _api(analysis, job_id)
    connection = connection or Connection()
    backoff = backoff or Backoff()
    report = on_status or _ignore
    subject = job_subject(job_id)
    rekognition = connection.client("rekognition", subject, calls.get_operation)
    # Near the deadline a poll must not outlast it by retries of whole read
    # timeouts: one attempt, cut short. Made before the clock starts, as
    # making a client takes a moment.
    last_polls, last_calls = rekognition, connection
    if timeout is not None:
        short = min(connection.read_timeout, max(timeout, 0.5))
        last_calls = dataclasses.replace(
            connection, connect_timeout=min(connection.connect_timeout, short), read_timeout=short, max_attempts=1
        )
        last_polls = last_calls.client("rekognition", subject, calls.get_operation)
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


def status_page(
    job_id: str, connection: Connection | None = None, *, analysis: str = SEGMENTS.name
) -> Mapping[str, Any]:
    """One one-item Get* page of the job, whatever its status: what a FAILED
    job's StatusMessage is read from."""
    check_job_id(job_id)
    calls = _api(analysis, job_id)
    connection = connection or Connection()
    return _status_page(
        connection.client("rekognition", job_subject(job_id), calls.get_operation), job_id, connection, calls
    )


def job_status(job_id: str, connection: Connection | None = None, *, analysis: str = SEGMENTS.name) -> str:
    """The job's status now (IN_PROGRESS or SUCCEEDED), from one one-item Get*
    page, without waiting; :class:`JobFailedError` with Rekognition's
    StatusMessage when it FAILED. For callers that watch many jobs at once."""
    check_job_id(job_id)
    calls = _api(analysis, job_id)
    connection = connection or Connection()
    client = connection.client("rekognition", job_subject(job_id), calls.get_operation)
    return _job_status(client, job_id, connection, calls)


def fetch(
    job_id: str,
    connection: Connection | None = None,
    *,
    analysis: str = SEGMENTS.name,
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
    check_job_id(job_id)
    calls = _api(analysis, job_id)
    problem = aggregate_problem(analysis, aggregate_by)
    if problem:
        raise InvalidRequestError(f"{job_subject(job_id)}: aggregate by: {problem}", "InvalidParameter")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"{job_subject(job_id)}: page size {page_size}: expected 1 to {MAX_PAGE_SIZE}", "InvalidParameter"
        )
    request: dict[str, Any] = {"JobId": job_id, "MaxResults": page_size}
    if calls.aggregates:
        # Said even when it is Rekognition's default, so the pages' GetRequestMetadata is never a surprise.
        request["AggregateBy"] = aggregate_by or AGGREGATE_BY[0]
    connection = connection or Connection()
    client = connection.client("rekognition", job_subject(job_id), calls.get_operation)
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
                    f"{job_subject(job_id)}: {calls.get_operation}: NextToken rejected again after restarting "
                    "from the first page (InvalidPaginationTokenException); try again later",
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
    analysis: str = SEGMENTS.name
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
    check_job_id(job_id)
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
    analysis = options.get("analysis", SEGMENTS.name).lower()
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


def _api(analysis: str, job_id: str) -> Analysis:
    try:
        return api(analysis)
    except InvalidRequestError as error:
        raise InvalidRequestError(f"{job_subject(job_id)}: {error}", error.code) from None


def _call(client: Any, operation: str, parameters: Mapping[str, Any]) -> Any:
    """``operation`` (StartLabelDetection) through botocore's method for it (start_label_detection)."""
    from botocore import xform_name

    return getattr(client, xform_name(operation))(**parameters)


def _job_status(client: Any, job_id: str, connection: Connection, calls: Analysis) -> str:
    """The job's status from a one-item page; FAILED raises with Rekognition's StatusMessage."""
    page = _status_page(client, job_id, connection, calls)
    if page["JobStatus"] != IN_PROGRESS:
        _check_status(page, job_subject(job_id))
    return str(page["JobStatus"])


def _status_page(client: Any, job_id: str, connection: Connection, calls: Analysis) -> dict[str, Any]:
    """A one-item Get* page: the job's status and StatusMessage, whatever they are."""
    with translated(job_subject(job_id), calls.get_operation, connection, client):
        answer = _call(client, calls.get_operation, {"JobId": job_id, "MaxResults": 1})
    return _page(answer, job_subject(job_id), 1, calls)


def _wait_sqs(
    job_id: str,
    queue_url: str,
    connection: Connection,
    rekognition: Any,
    calls: Analysis,
    timeout: float | None,
    report: Callable[[WaitStatus], None],
    started: float,
    checks: int,
) -> WaitResult:
    subject = job_subject(job_id)
    sqs = connection.client("sqs", subject, "ReceiveMessage")
    while True:
        elapsed = time.monotonic() - started
        window = SQS_LONGEST_POLL
        if timeout is not None:
            if elapsed >= timeout:
                raise _timed_out(job_id, elapsed)
            window = min(window, math.ceil(timeout - elapsed))
        report(WaitStatus(job_id, IN_PROGRESS, elapsed, checks, float(window)))
        notification = take_completions(sqs, queue_url, {job_id}, window, connection).get(job_id)
        checks += 1
        if notification is None:
            continue
        elapsed = time.monotonic() - started
        if notification.get("Status") == SUCCEEDED:
            report(WaitStatus(job_id, SUCCEEDED, elapsed, checks, None))
            return WaitResult(job_id, elapsed, checks, notification)
        # The notification carries no reason (its Status is FAILED or
        # ERROR); the Get* operation has the StatusMessage.
        _job_status(rekognition, job_id, connection, calls)
        raise _failed(job_id, f"completion message says {notification.get('Status')}")


def take_completions(
    sqs: Any, queue_url: str, waiting: Container[str], window: int, connection: Connection
) -> dict[str, Mapping[str, Any]]:
    """Rekognition's completion messages on the queue (one long poll of
    ``window`` seconds, at most SQS_LONGEST_POLL) for the jobs in ``waiting``,
    by JobId, each deleted once taken.

    Messages of other jobs are left alone: they reappear for their own
    readers once the queue's visibility timeout has passed. The JobId alone
    tells: every analysis's message carries it. A message that cannot be
    deleted now is not taken: it comes again."""
    with translated(queue_url, "ReceiveMessage", connection, sqs):
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=window)
    taken: dict[str, Mapping[str, Any]] = {}
    for message in received.get("Messages", []):
        notification = completion_message(message.get("Body", ""))
        if notification is None or notification.get("JobId") not in waiting:
            continue
        try:
            with translated(queue_url, "DeleteMessage", connection, sqs):
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        except AwsError:
            continue
        taken[str(notification["JobId"])] = notification
    return taken


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
    calls: Analysis,
    on_page: Callable[[int, int], None],
) -> list[Mapping[str, Any]]:
    job_id, page_size = str(request["JobId"]), int(request["MaxResults"])
    subject = job_subject(job_id)
    pages: list[Mapping[str, Any]] = []
    tokens: set[str] = set()
    asked = dict(request)
    while True:
        with translated(subject, calls.get_operation, connection, client):
            response = _call(client, calls.get_operation, asked)
        number = len(pages) + 1
        if number > MAX_PAGES:
            raise PaginationError(
                f"{subject}: {calls.get_operation}: more than {MAX_PAGES} pages "
                "(a job has at most a few hundred): stopped",
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
                f"{subject}: {calls.get_operation}: page {number} repeats an earlier NextToken: "
                "the pages would loop forever",
                "RepeatedNextToken",
            )
        tokens.add(token)
        asked["NextToken"] = token


def _page(response: object, subject: str, number: int, calls: Analysis) -> dict[str, Any]:
    """An answer that is a page of ``calls.get_operation``, without botocore's
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
            f"{subject}: {calls.get_operation}: page {number} is not a {calls.get_operation} page "
            f"(no JobStatus, or {calls.list_key} not a list): {_answer_trouble()}",
            "MalformedAnswer",
        )
    page.setdefault(calls.list_key, [])
    return page


def _answer_trouble() -> str:
    return "the endpoint is not Rekognition, or something between answers for it (check --endpoint-url and proxies)"


def _check_page(
    page: Mapping[str, Any], first: Mapping[str, Any] | None, job_id: str, number: int, page_size: int, calls: Analysis
) -> None:
    subject = job_subject(job_id)
    _check_status(page, subject)
    if first is not None:
        try:
            check_same_job(first, page, f"{subject}: page {number}", calls.repeated_fields)
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
        f"{job_subject(job_id)}: the job FAILED: {one_line(str(status_message or 'no StatusMessage given'))}",
        "JobFailed",
    )


def _timed_out(job_id: str, elapsed: float) -> WaitTimeoutError:
    return WaitTimeoutError(
        f"{job_subject(job_id)}: still IN_PROGRESS after {elapsed:.0f} s: wait again, or fetch once it has finished",
        "WaitTimeout",
    )


def _ignore(*_: object) -> None:
    """The callback when the caller gives none."""
