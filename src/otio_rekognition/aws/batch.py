"""A whole library at once: list the videos under an S3 prefix, start a job
for each without ever having more than a given number running, wait for them
(polling or one SQS queue), fetch and convert each as it finishes.

What has happened to each video is kept in a :class:`Ledger`, saved after
every change, so an interrupted or repeated run carries on where the last one
stopped. A video's Start* request carries a ClientRequestToken derived from
the video and the request (:func:`request_token`): a start whose answer was
lost, or one made again after a crash before the ledger was saved, returns the
job already running instead of starting (and billing) a second one.

The scheduler (:func:`run`) takes its AWS calls and the conversion as
callables, so it is the same loop for the command line and for tests. boto3
is imported only by the functions that call S3 or SQS.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from otio_rekognition import output_names
from otio_rekognition.aws.client import Connection, one_line, translated
from otio_rekognition.aws.errors import (
    AwsError,
    JobFailedError,
    LimitExceededError,
    ThrottledError,
    is_transient,
)
from otio_rekognition.aws.jobs import SQS_LONGEST_POLL, Backoff, take_completions
from otio_rekognition.aws.ledger import (
    CONVERTED,
    FAILED,
    PENDING,
    STARTED,
    SUCCEEDED_STATE,
    Ledger,
    Video,
)
from otio_rekognition.aws.requests import StartRequest
from otio_rekognition.rekognition.vocabulary import SEGMENTS, SUCCEEDED

VIDEO_SUFFIXES = (".mov", ".mp4", ".m4v", ".mxf")


@dataclass(frozen=True)
class ReusedConnection(Connection):
    """A :class:`Connection` that makes each service's client once: making one
    takes tens of milliseconds, which thousands of videos, each started,
    checked and fetched, would otherwise pay over and over."""

    _clients: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def client(self, service: str, subject: str, operation: str) -> Any:
        if service not in self._clients:
            self._clients[service] = super().client(service, subject, operation)
        return self._clients[service]


def request_token(request: StartRequest, etag: str | None) -> str:
    """The ClientRequestToken of ``request``: a hash of the bucket, key,
    version (or ETag) and every request setting, so the same video started
    the same way always gets the same job, and anything else another one.
    64 hex digits: Rekognition's limit is 64 of [a-zA-Z0-9_-]."""
    parameters = request.parameters("-")
    parameters.pop("ClientRequestToken")
    text = json.dumps([request.operation, etag, parameters], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_video(key: str) -> bool:
    return key.lower().endswith(VIDEO_SUFFIXES)


def relative_path(key: str, prefix: str = "") -> str:
    """A video's path below the output folder: its key after the prefix
    (output_names makes its files' base of it). ValueError, saying why, when
    it cannot be used (output_names.path_problem)."""
    relative = PurePosixPath(key[len(prefix) :] if key.startswith(prefix) else key)
    path = str(PurePosixPath(*[part for part in relative.parts if part not in ("", "/")]) or "")
    problem = output_names.path_problem("" if path == "." else path)
    if problem is not None:
        raise ValueError(f"key {key!r} {problem}")
    return path


def list_videos(bucket: str, prefix: str, connection: Connection) -> list[tuple[str, str | None]]:
    """(key, ETag) of every video under ``s3://bucket/prefix``, every page of
    ListObjectsV2, in key order."""
    subject = f"s3://{bucket}/{prefix}"
    s3 = connection.client("s3", subject, "ListObjectsV2")
    found: list[tuple[str, str | None]] = []
    with translated(subject, "ListObjectsV2", connection, s3):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if is_video(item["Key"]):
                    found.append((item["Key"], str(item.get("ETag", "")).strip('"') or None))
    return sorted(found)


@dataclass(frozen=True)
class Progress:
    """What the batch reports after every change."""

    total: int
    converted: int
    failed: int
    in_flight: int
    pending: int


@dataclass
class Actions:
    """The calls the scheduler makes: start a job (its JobId), tell a job's
    status now (raising JobFailedError when it FAILED, JobNotFoundError when
    Rekognition does not know it), fetch and convert a finished job (raising
    on failure)."""

    start: Callable[[Video], str]
    status: Callable[[Video], str]
    convert: Callable[[Video], None]


# How a watched job ended: None when it SUCCEEDED, else the error that ends it.
Finished = dict[str, AwsError | None]


class PollWatcher:
    """Waits for jobs by polling each with its own growing, jittered delays."""

    def __init__(self, status: Callable[[Video], str], backoff: Backoff) -> None:
        self._status = status
        self._backoff = backoff
        self._due: dict[str, tuple[float, int]] = {}  # job id -> (when to check next, checks so far)

    def check(self, in_flight: Sequence[Video], wake: float | None) -> Finished:
        """The jobs that finished, by JobId. Sleeps until the first job is due, or until ``wake``."""
        now = time.monotonic()
        for video in in_flight:
            self._due.setdefault(str(video.job_id), (now, 0))
        due = [video for video in in_flight if self._due[str(video.job_id)][0] <= now]
        if not due:
            soonest = min((self._due[str(video.job_id)][0] for video in in_flight), default=now)
            time.sleep(max(0.0, min(soonest, wake if wake is not None else soonest) - now))
            return {}
        finished: Finished = {}
        for video in due:
            job_id = str(video.job_id)
            try:
                done, error = _check(self._status, video)
            except AwsError:
                done, error = False, None  # a passing trouble: this job is checked again after its delay
            if done:
                finished[job_id] = error
                self._due.pop(job_id, None)
                continue
            checks = self._due[job_id][1] + 1
            self._due[job_id] = (time.monotonic() + self._backoff.delay(checks - 1), checks)
        return finished


class QueueWatcher:
    """Waits for Rekognition's completion messages, for every job of the
    batch, on one SQS queue (subscribed to the SNS topic the jobs publish to).

    Each job is checked once by its Get* operation first: one that finished
    before this run (whose message an earlier run took) is not waited for."""

    def __init__(self, status: Callable[[Video], str], queue_url: str, connection: Connection, window: int) -> None:
        self._status = status
        self._queue_url = queue_url
        self._connection = connection
        self._window = max(1, min(SQS_LONGEST_POLL, window))
        self._checked: set[str] = set()
        self._sqs: Any = None

    def check(self, in_flight: Sequence[Video], wake: float | None) -> Finished:
        finished: Finished = {}
        for video in in_flight:
            job_id = str(video.job_id)
            if job_id not in self._checked:
                try:
                    done, error = _check(self._status, video)
                except AwsError:
                    continue  # a passing trouble: checked again at the next turn
                self._checked.add(job_id)
                if done:
                    finished[job_id] = error
        if finished or not in_flight:
            return finished
        waiting = {str(video.job_id): video for video in in_flight}
        window = self._window
        if wake is not None:
            window = max(1, min(window, math.ceil(wake - time.monotonic())))
        if self._sqs is None:
            self._sqs = self._connection.client("sqs", self._queue_url, "ReceiveMessage")
        for job_id, notification in take_completions(
            self._sqs, self._queue_url, waiting, window, self._connection
        ).items():
            if notification.get("Status") == SUCCEEDED:
                finished[job_id] = None
                continue
            # The message carries no reason; the Get* operation has the StatusMessage.
            try:
                error = _check(self._status, waiting[job_id])[1]
            except AwsError:
                error = None
            finished[job_id] = error or JobFailedError(
                f"{job_id}: the completion message says {notification.get('Status')}"
            )
        return finished


def _check(status: Callable[[Video], str], video: Video) -> tuple[bool, AwsError | None]:
    """Whether the job has ended, and the error that ended it: FAILED, not
    (or no longer) known to Rekognition, or any refusal no wait will change
    (access denied, an invalid request). A passing trouble (throttled, a
    server error, a broken connection) is raised: the job is still running."""
    try:
        return status(video) == SUCCEEDED, None
    except AwsError as error:
        if is_transient(error):
            raise
        return True, error


Watcher = PollWatcher | QueueWatcher


def run(
    ledger: Ledger,
    jobs: Sequence[Video],
    actions: Actions,
    watcher: Watcher,
    *,
    concurrency: int,
    backoff: Backoff,
    settings: str | None = None,
    force: bool = False,
    deadline: float | None = None,
    report: Callable[[Progress], None] | None = None,
) -> None:
    """Take every job of this run (``jobs``, as Ledger.add gave them) as far
    as it goes: start (at most ``concurrency`` jobs running at once), wait,
    convert. Returns when every one is converted or failed, or at
    ``deadline`` (time.monotonic()) with the rest left for the next run.

    A job converted before with other ``settings`` (formats, writer and
    reading options) is converted again, from its saved response where it can
    be; ``force`` converts every finished job again from Rekognition. Neither
    starts a job again.

    ThrottlingException and LimitExceededException on a start put the video
    back in the queue: no start is tried for a while (growing by ``backoff``)
    and fewer jobs are kept running, so the batch slows down instead of
    stopping. Any other refused start fails that job only."""
    videos = list(jobs)
    for video in videos:
        if video.state == CONVERTED and (force or video.settings != settings):
            video.state = SUCCEEDED_STATE  # converted again, never started again
            if force:
                video.response = None
    ledger.save()
    limit = concurrency
    strikes = 0
    cooldown_until = 0.0

    def tell() -> None:
        if report is not None:
            report(
                Progress(
                    len(videos),
                    sum(v.state == CONVERTED for v in videos),
                    sum(v.state == FAILED for v in videos),
                    sum(v.state == STARTED for v in videos),
                    sum(v.state == PENDING for v in videos),
                )
            )

    def change(video: Video, state: str, reason: str | None = None, status: int | None = None) -> None:
        video.state, video.reason, video.exit_status = state, reason, status
        ledger.save()
        tell()

    tell()
    while True:
        for video in videos:
            if video.state == SUCCEEDED_STATE:
                try:
                    actions.convert(video)
                except Exception as error:  # one video's trouble must not stop the others
                    change(video, FAILED, _one_line(error), getattr(error, "exit_status", 1))
                else:
                    video.settings = settings
                    change(video, CONVERTED)
        pending = [video for video in videos if video.state == PENDING]
        in_flight = [video for video in videos if video.state == STARTED]
        while pending and len(in_flight) < limit and time.monotonic() >= cooldown_until:
            video = pending.pop(0)
            try:
                video.job_id = actions.start(video)
            except (ThrottledError, LimitExceededError):
                # The account is busy: this video waits its turn again.
                strikes += 1
                limit = max(1, len(in_flight))
                cooldown_until = time.monotonic() + backoff.delay(strikes - 1)
                pending.insert(0, video)
                break
            except AwsError as error:
                change(video, FAILED, _one_line(error), error.exit_status)
                continue
            strikes = 0
            limit = min(concurrency, limit + 1)
            video.response = None
            in_flight.append(video)
            change(video, STARTED)
        if not pending and not in_flight:
            return
        if deadline is not None and time.monotonic() >= deadline:
            return
        can_start = bool(pending) and len(in_flight) < limit
        wake = cooldown_until if can_start else None
        if deadline is not None:
            wake = min(wake, deadline) if wake is not None else deadline
        if not in_flight:
            time.sleep(max(0.0, (wake or 0.0) - time.monotonic()))
            continue
        try:
            finished = watcher.check(in_flight, wake)
        except AwsError:
            # A status check that keeps failing (throttled, a network break)
            # is retried at the next turn; the jobs are still running.
            time.sleep(backoff.delay(0))
            continue
        for video in in_flight:
            if video.job_id in finished:
                ended = finished[video.job_id]
                if ended is None:
                    change(video, SUCCEEDED_STATE)
                else:
                    video.job_failed = isinstance(ended, JobFailedError)
                    change(video, FAILED, _one_line(ended), ended.exit_status)


def _one_line(error: BaseException) -> str:
    return one_line(str(error)) or type(error).__name__


def read_list(text: str) -> list[str]:
    """The S3 URLs and JobIds of a --from-file list: one a line; blank lines
    and lines starting with # are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def exit_status(videos: Iterable[Video]) -> int:
    """0 when every video was converted; the failures' exit status when they
    share one (19 for FAILED jobs), else 1."""
    statuses = {video.exit_status or 1 for video in videos if video.state != CONVERTED}
    if not statuses:
        return 0
    return statuses.pop() if len(statuses) == 1 else 1


def summary(videos: Iterable[Video]) -> list[str]:
    """The end of a run, one line each: the count done, then each video not converted and why."""
    listed = list(videos)
    done = sum(video.state == CONVERTED for video in listed)
    lines = [f"{done} of {len(listed)} video(s) converted"]
    for video in listed:
        named = video.source if video.analysis == SEGMENTS.name else f"{video.source} ({video.analysis})"
        if video.state == FAILED:
            lines.append(f"failed: {named}: {video.reason}")
        elif video.state != CONVERTED:
            job = f" (job {video.job_id})" if video.job_id else ""
            lines.append(f"not finished: {named}{job}: {video.state}; run again to resume")
    return lines
