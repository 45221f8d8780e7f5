"""A fake Amazon Rekognition endpoint: a real HTTP server on 127.0.0.1 that a
real botocore client talks to through ``endpoint_url``.

It speaks the AWS JSON 1.1 protocol as Rekognition does: the operation comes
in the ``X-Amz-Target`` header (``RekognitionService.GetSegmentDetection``),
answers are ``application/x-amz-json-1.1``, errors are
``{"__type": ..., "message": ...}`` with HTTP 400 for client errors and
throttling, 500 for server errors. It serves the Start* and Get* operations
of segment detection and of every other stored-video analysis (labels,
moderation, celebrities, faces, face search, text). Jobs are served from
saved responses, re-paged by each request's ``MaxResults``; a Get* operation
finds only the jobs of its own analysis, as Rekognition keeps each API's
jobs apart. Faults are injected by configuration; every request is recorded
so tests can assert order, parameters and that no credentials travel in a
body.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from otio_rekognition.aws import APIS
from otio_rekognition.rekognition.pages import list_key, load_pages, merge_documents, page_analysis
from otio_rekognition.rekognition.vocabulary import AGGREGATE_BY, SEGMENT_TYPES, SEGMENTS

ACCESS_KEY = "testing"
# Distinct from anything a request or result could hold by chance, so finding it anywhere is a leak.
SECRET_KEY = "testing-secret-3f9c2a"
REGION = "us-east-1"
TARGET_PREFIX = "RekognitionService."
CONTENT_TYPE = "application/x-amz-json-1.1"
FAILED_MESSAGE = "Unsupported codec/format."
SAMPLE_MEDIA = Path(__file__).resolve().parent.parent / "sample_media"
# A video that StartSegmentDetection jobs "analyse" unless a test sets another.
DEFAULT_RESULT = SAMPLE_MEDIA / "demo_25.json"
# What a started job of each analysis finds (the same video as DEFAULT_RESULT),
# and, for those aggregated by segments too, the same job read that way.
DEFAULT_RESULTS = {SEGMENTS.name: DEFAULT_RESULT} | {
    name: SAMPLE_MEDIA / f"synthetic_{name.replace('-', '_')}_25.json" for name in APIS if name != SEGMENTS.name
}
DEFAULT_SEGMENT_AGGREGATIONS = {
    name: SAMPLE_MEDIA / f"synthetic_{name}_segments_25.json" for name, calls in APIS.items() if calls.aggregates
}
# Which analysis each operation belongs to, and whether it starts a job or pages one.
_STARTS = {calls.start_operation: name for name, calls in APIS.items()}
_GETS = {calls.get_operation: name for name, calls in APIS.items()}


@dataclass
class Fault:
    """Answer ``times`` matching requests with this error instead of a result."""

    operation: str
    code: str
    times: int = 1
    status: int = 400
    message: str = "injected by the fake endpoint"
    # Only requests that carry a NextToken (an expired token hits a later page).
    with_token: bool = False
    # The request takes effect, then its answer is lost (a start whose reply never arrived).
    after_processing: bool = False


@dataclass
class RawAnswer:
    """Answer the next request with these bytes instead of the service's JSON:
    a proxy's HTML page, a cut-off body, a server that hangs or trickles."""

    body: bytes
    status: int = 200
    delay: float = 0.0  # seconds of silence before the answer
    trickle: float = 0.0  # seconds between the body's bytes


@dataclass
class FakeJob:
    job_id: str
    # The whole job: every top-level field and every item (segment, label, ...), in order.
    response: dict[str, Any]
    analysis: str = SEGMENTS.name
    # The same job as GetLabelDetection/GetContentModeration(AggregateBy=SEGMENTS) answers it.
    by_segments: dict[str, Any] | None = None
    # JobStatus of successive first-page requests (polls); the last one repeats.
    statuses: list[str] = field(default_factory=lambda: ["SUCCEEDED"])
    status_message: str = FAILED_MESSAGE
    # Rewrites each page before it is sent: (offset of its first item, page) -> page.
    tamper: Callable[[int, dict[str, Any]], dict[str, Any]] | None = None
    polls: int = 0


@dataclass(frozen=True)
class Request:
    operation: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def params(self) -> dict[str, Any]:
        return dict(json.loads(self.body or b"{}"))


class _AwsFault(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class FakeRekognition:
    """Start with ``with FakeRekognition() as fake:``; point clients at ``fake.url``."""

    def __init__(self) -> None:
        self.jobs: dict[str, FakeJob] = {}
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.raw_answers: list[RawAnswer] = []
        # What the jobs each Start* operation starts produce (by analysis), and the statuses their polls see.
        self.start_results: dict[str, dict[str, Any]] = {
            name: merged_response([path]) for name, path in DEFAULT_RESULTS.items()
        }
        self.start_segment_aggregations: dict[str, dict[str, Any]] = {
            name: merged_response([path]) for name, path in DEFAULT_SEGMENT_AGGREGATIONS.items()
        }
        self.start_statuses: list[str] = ["SUCCEEDED"]
        self._started: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        self._tokens: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a hanging answer must not hold the test's teardown
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.01,), name="fake-rekognition", daemon=True
        )

    def __enter__(self) -> FakeRekognition:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add_job(
        self,
        response: Mapping[str, Any],
        statuses: Iterable[str] = ("SUCCEEDED",),
        status_message: str = FAILED_MESSAGE,
        tamper: Callable[[int, dict[str, Any]], dict[str, Any]] | None = None,
        analysis: str | None = None,
        by_segments: Mapping[str, Any] | None = None,
    ) -> str:
        """Serve ``response`` (one merged response of any analysis's Get*
        operation) as a job; its JobId. The analysis is told by the
        response's list (an empty response is segment detection's) unless
        named; ``by_segments`` is the job aggregated by segments."""
        job_id = _new_job_id()
        kind = analysis or page_analysis(response, "add_job")
        self.jobs[job_id] = FakeJob(
            job_id,
            copy.deepcopy(dict(response)),
            kind,
            copy.deepcopy(dict(by_segments)) if by_segments is not None else None,
            list(statuses),
            status_message,
            tamper,
        )
        return job_id

    def fail(self, operation: str, code: str, times: int = 1, **options: Any) -> None:
        self.faults.append(Fault(operation, code, times, **options))

    def token_for(self, job_id: str, offset: int) -> str:
        """The NextToken of the page that starts at item ``offset``: the same
        every time, so a page can be made to point back at an earlier one."""
        token = hashlib.sha256(f"{job_id}/{offset}".encode()).hexdigest()
        self._tokens[token] = (job_id, offset)
        return token

    def operations(self) -> list[str]:
        return [request.operation for request in self.requests]

    def handle(self, target: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            operation = target.removeprefix(TARGET_PREFIX)
            self.requests.append(Request(operation, headers, body))
            try:
                if not target.startswith(TARGET_PREFIX):
                    raise _AwsFault("UnknownOperationException", f"unknown target {target!r}")
                params = json.loads(body or b"{}")
                fault = self._take_fault(operation, params)
                if fault is not None and not fault.after_processing:
                    raise _AwsFault(fault.code, fault.message, fault.status)
                if operation in _STARTS:
                    result = self._start(_STARTS[operation], operation, params)
                elif operation in _GETS:
                    result = self._get(_GETS[operation], params)
                else:
                    raise _AwsFault("UnknownOperationException", f"the fake does not implement {operation}")
                if fault is not None:
                    raise _AwsFault(fault.code, fault.message, fault.status)
                return 200, result
            except _AwsFault as error:
                return error.status, {"__type": error.code, "message": error.message}

    def _take_fault(self, operation: str, params: Mapping[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.operation == operation and (not fault.with_token or "NextToken" in params):
                fault.times -= 1
                return fault
        return None

    def _start(self, analysis: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        s3_object = params.get("Video", {}).get("S3Object", {})
        if not s3_object.get("Bucket") or not s3_object.get("Name"):
            raise _AwsFault("InvalidParameterException", "Video.S3Object needs Bucket and Name")
        if analysis == SEGMENTS.name:
            types = params.get("SegmentTypes", [])
            if not types or any(kind not in SEGMENT_TYPES for kind in types):
                raise _AwsFault("InvalidParameterException", f"bad SegmentTypes {types}")
        token = params.get("ClientRequestToken")
        if (operation, token) in self._started:
            earlier, job_id = self._started[operation, token]
            if earlier != params:
                raise _AwsFault("IdempotentParameterMismatchException", "token reused with other parameters")
            return {"JobId": job_id}
        # The job's results name the video and the tag it was started with (either aggregation).
        named = {"Video": {"S3Object": s3_object}, **_tag(params)}
        by_segments = self.start_segment_aggregations.get(analysis)
        job_id = self.add_job(
            {**self.start_results[analysis], **named},
            self.start_statuses,
            analysis=analysis,
            by_segments=None if by_segments is None else {**by_segments, **named},
        )
        if token is not None:
            self._started[operation, token] = (params, job_id)
        return {"JobId": job_id}

    def _get(self, analysis: str, params: dict[str, Any]) -> dict[str, Any]:
        job = self.jobs.get(params.get("JobId", ""))
        # Each Get* operation knows only the jobs its own Start* operation started.
        if job is None or job.analysis != analysis:
            raise _AwsFault("ResourceNotFoundException", "Requested resource not found.")
        page_size = params.get("MaxResults", 1000)
        if not 1 <= page_size <= 1000:
            raise _AwsFault("InvalidParameterException", "MaxResults must be 1 to 1000")
        response = job.response
        aggregate_by = params.get("AggregateBy", AGGREGATE_BY[0])
        if aggregate_by == "SEGMENTS":
            if job.by_segments is None:
                raise _AwsFault("InvalidParameterException", "the fake holds no SEGMENTS aggregation of this job")
            response = job.by_segments
        items_key = APIS[analysis].list_key
        token = params.get("NextToken")
        if token is None:
            status = job.statuses[min(job.polls, len(job.statuses) - 1)]
            job.polls += 1
            offset = 0
        else:
            if self._tokens.get(token, ("", 0))[0] != job.job_id:
                raise _AwsFault("InvalidPaginationTokenException", "Invalid Token")
            status = "SUCCEEDED"
            offset = self._tokens[token][1]
        if status == "IN_PROGRESS":
            return {"JobStatus": status, "JobId": job.job_id, items_key: []}
        if status == "FAILED":
            return {"JobStatus": status, "StatusMessage": job.status_message, "JobId": job.job_id, items_key: []}
        items = response.get(items_key, [])
        page = {"JobStatus": status}
        page.update((key, value) for key, value in response.items() if key not in (items_key, "NextToken"))
        page["JobId"] = job.job_id
        page[items_key] = items[offset : offset + page_size]
        if offset + page_size < len(items):
            page["NextToken"] = self.token_for(job.job_id, offset + page_size)
        return job.tamper(offset, page) if job.tamper else page


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        fake: FakeRekognition = self.server.fake  # type: ignore[attr-defined]
        with fake._lock:
            raw = fake.raw_answers.pop(0) if fake.raw_answers else None
        if raw is not None:
            self._answer_raw(raw)
            return
        status, payload = fake.handle(self.headers.get("X-Amz-Target", ""), dict(self.headers.items()), body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def _answer_raw(self, raw: RawAnswer) -> None:
        time.sleep(raw.delay)
        self.send_response(raw.status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(raw.body)))
        self.end_headers()
        try:
            for index in range(len(raw.body)):
                self.wfile.write(raw.body[index : index + 1])
                self.wfile.flush()
                time.sleep(raw.trickle)
        except OSError:  # the client gave up, as it should
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows the failing assertion, not an access log."""


def merged_response(paths: Iterable[Path]) -> dict[str, Any]:
    """The pages saved in ``paths`` as one response: the first page's fields, every item in order."""
    pages = [page for path in paths for page in load_pages(path.read_bytes(), str(path))]
    return merge_documents(pages)


def items(response: Mapping[str, Any]) -> list[Any]:
    """The segments or detections of a response, whichever API's it is."""
    return list(response[list_key(response)])


def _tag(params: Mapping[str, Any]) -> dict[str, Any]:
    """The JobTag a Start* request gives its job's results."""
    return {"JobTag": params["JobTag"]} if "JobTag" in params else {}


def _new_job_id() -> str:
    # Real JobIds are 64 hex digits.
    return uuid.uuid4().hex + uuid.uuid4().hex
