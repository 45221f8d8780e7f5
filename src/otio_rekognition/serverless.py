"""An AWS Lambda handler: Rekognition's completion message in, editor files in S3 out.

Rekognition publishes one SNS message when a job started with
``--sns-topic-arn``/``--role-arn`` ends. The function gets it either straight
from the topic (an SNS event) or through an SQS queue subscribed to it (an SQS
event whose body is the SNS envelope; deploy/template.yaml sets that up). For
each SUCCEEDED job it fetches every page, writes each configured format and
uploads them beside each other under ``OUTPUT_S3_URI``::

    <prefix><video key without extension>.json    the merged response, as a record
    <prefix><video key without extension>.edl     ... one object per format

A FAILED job writes ``<prefix><key>.error.json`` with Rekognition's
StatusMessage. Object names depend on the message only, and the writers are
deterministic, so a message delivered twice (SNS and SQS both deliver at least
once) writes the same bytes to the same objects.

Configuration, by environment:

- ``OUTPUT_S3_URI``: ``s3://bucket/prefix/`` (required)
- ``OUTPUT_FORMATS``: comma list of format names or suffixes (default
  ``json,otio,edl,fcpxml,xml``)
- ``START_TIMECODE``: the record start (default 01:00:00:00)
- ``TIMECODE``: auto, df or ndf

boto3 is imported inside functions (through aws.client), as everywhere in the
package: OTIO imports every plugin package when it starts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from otio_rekognition import names
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.aws.client import Connection, translated
from otio_rekognition.aws.errors import (
    AccessDeniedError,
    AwsError,
    InvalidRequestError,
    JobFailedError,
    JobNotFoundError,
    ServiceError,
    ThrottledError,
)
from otio_rekognition.aws.jobs import APIS, FetchResult, completion_message, fetch, status_page
from otio_rekognition.errors import RekognitionError
from otio_rekognition.rekognition.vocabulary import SUCCEEDED

DEFAULT_FORMATS = "json,otio,edl,fcpxml,xml"
# The merged response is always written as <key>.json: the record every other file can be made again from.
RESPONSE_FORMAT = "rekognition"
RESPONSE_SUFFIX = ".json"
ERROR_SUFFIX = ".error.json"
# Rekognition says FAILED; ERROR is what its documentation lists for the message too.
FAILED_STATUSES = frozenset({"FAILED", "ERROR"})
# Which analysis a message's API (the Start* operation) belongs to.
ANALYSIS_OF_OPERATION = {calls.start: name for name, calls in APIS.items()}
# botocore's names for a connection that failed or went silent (aws.client keeps them as the code).
_TRANSIENT_CODES = frozenset(
    {"EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError", "MalformedAnswer"}
)


class ConfigurationError(RekognitionError):
    """The function's environment is wrong: every message would fail alike, so the invocation fails."""


class MessageError(RekognitionError):
    """A record that is not a Rekognition completion message: no retry can make it one."""


@dataclass(frozen=True)
class Settings:
    """What the environment configures."""

    bucket: str
    prefix: str  # "" or ending in "/", as given
    formats: tuple[str, ...]  # cli.FORMATS names, the merged response's first
    options: ReadOptions = field(default_factory=ReadOptions)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Settings:
        from otio_rekognition.cli import format_named

        uri = environ.get("OUTPUT_S3_URI", "").strip()
        if not uri:
            raise ConfigurationError("OUTPUT_S3_URI is not set: expected s3://bucket/prefix/ for the outputs")
        bucket, prefix = _s3_uri(uri)
        formats = [RESPONSE_FORMAT]
        for word in (environ.get("OUTPUT_FORMATS") or DEFAULT_FORMATS).split(","):
            if not word.strip():
                continue
            try:
                name = format_named(word)
            except ValueError as error:
                raise ConfigurationError(f"OUTPUT_FORMATS: {error}") from None
            if name not in formats:
                formats.append(name)
        arguments = {
            "start_timecode": environ.get("START_TIMECODE") or None,
            "timecode": environ.get("TIMECODE") or None,
        }
        try:
            options = ReadOptions.from_arguments(arguments)
        except RekognitionError as error:
            raise ConfigurationError(f"START_TIMECODE/TIMECODE: {error}") from None
        return cls(bucket, prefix, tuple(formats), options)


def _s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/prefix/`` as (bucket, prefix); the prefix is used as given, so "out/" makes a folder."""
    body = uri.removeprefix("s3://")
    bucket, _, prefix = body.partition("/")
    if body == uri or not bucket or any(character in bucket for character in " ?#"):
        raise ConfigurationError(f"OUTPUT_S3_URI {uri!r}: expected s3://bucket/prefix/")
    return bucket, prefix


@dataclass(frozen=True)
class Completion:
    """Rekognition's completion message: the fields the function uses."""

    job_id: str
    status: str
    operation: str  # API: StartSegmentDetection, StartLabelDetection, ...
    video_bucket: str
    video_key: str
    job_tag: str | None = None

    @classmethod
    def from_text(cls, text: str) -> Completion:
        message = completion_message(text)
        if message is None:
            raise MessageError("not a Rekognition completion message (no JSON object with a JobId)")
        try:
            video = message.get("Video") or {}
            completion = cls(
                str(message["JobId"]),
                str(message["Status"]),
                str(message["API"]),
                str(video.get("S3Bucket", "")),
                str(video["S3ObjectName"]),
                message.get("JobTag"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise MessageError(f"not a Rekognition completion message ({type(error).__name__}: {error})") from None
        if completion.operation not in ANALYSIS_OF_OPERATION:
            raise MessageError(f"job {completion.job_id}: API {completion.operation!r} is not a stored-video analysis")
        return completion

    @property
    def analysis(self) -> str:
        return ANALYSIS_OF_OPERATION[self.operation]

    @property
    def video(self) -> str:
        return f"s3://{self.video_bucket}/{self.video_key}"

    @property
    def stem(self) -> str:
        """The video's key without its extension: the outputs' name, before their suffix."""
        return names.without_extension(self.video_key)


@dataclass(frozen=True)
class Outcome:
    """What one message did: its log line."""

    completion: Completion | None
    status: str  # the job's status, or "RETRY" / "SKIPPED" when the message was not handled
    outputs: tuple[str, ...] = ()
    error: str | None = None
    retry: bool = False  # Lambda or SQS delivers the message again
    level: str | None = None  # None: INFO, or ERROR with an error

    def log(self, seconds: float) -> None:
        line = {
            "level": self.level or ("ERROR" if self.error else "INFO"),
            "job_id": self.completion.job_id if self.completion else None,
            "video": self.completion.video if self.completion else None,
            "analysis": self.completion.analysis if self.completion else None,
            "status": self.status,
            "outputs": list(self.outputs),
            "seconds": round(seconds, 3),
        }
        if self.error:
            line["error"] = self.error
        # One JSON object a line: CloudWatch Logs Insights parses the fields.
        print(json.dumps(line, sort_keys=True), file=sys.stdout, flush=True)


def handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any] | None:
    """The Lambda entry point, for an SNS event or an SQS event of SNS envelopes.

    SQS: returns ``{"batchItemFailures": [...]}`` naming the records to be
    delivered again (ReportBatchItemFailures). SNS: raises when a message
    failed transiently, so Lambda retries the invocation.
    """
    settings = Settings.from_environment(os.environ)
    records = event.get("Records") or []
    failures: list[dict[str, str]] = []
    for record in records:
        source = record.get("eventSource") or record.get("EventSource")
        if source == "aws:sqs":
            outcome = _handle(partial(_sqs_message, record), settings)
            if outcome.retry:
                failures.append({"itemIdentifier": str(record.get("messageId"))})
        else:
            outcome = _handle(partial(_sns_message, record), settings)
            if outcome.retry:
                raise RuntimeError(f"job {outcome.completion.job_id if outcome.completion else '?'}: {outcome.error}")
    if any((record.get("eventSource") or record.get("EventSource")) == "aws:sqs" for record in records):
        return {"batchItemFailures": failures}
    return None


def _sns_message(record: Mapping[str, Any]) -> str:
    try:
        return str(record["Sns"]["Message"])
    except (KeyError, TypeError) as error:
        raise MessageError(f"an SNS record without Sns.Message ({error})") from None


def _sqs_message(record: Mapping[str, Any]) -> str:
    """An SQS record's body: the SNS envelope (raw delivery off), which Completion.from_text unwraps."""
    try:
        return str(record["body"])
    except (KeyError, TypeError) as error:
        raise MessageError(f"an SQS record without a body ({error})") from None


def _handle(message: Callable[[], str], settings: Settings) -> Outcome:
    """One message, logged; never raises for the message's own trouble."""
    began = time.monotonic()
    completion: Completion | None = None
    try:
        completion = Completion.from_text(message())
        outcome = process(completion, settings)
    except MessageError as error:
        outcome = Outcome(completion, "SKIPPED", error=str(error))
    except (JobNotFoundError, InvalidRequestError, JobFailedError) as error:
        # Results gone (kept 7 days) or a request that cannot succeed: retrying only fills the DLQ later.
        outcome = Outcome(completion, "SKIPPED", error=str(error))
    except Exception as error:
        # Throttling, 5xx, timeouts, and also what a person must fix (IAM, a missing bucket): delivered
        # again, and after the queue's maxReceiveCount kept in the DLQ to be redriven once fixed.
        level = "WARNING" if is_transient(error) else "ERROR"
        outcome = Outcome(completion, "RETRY", error=f"{type(error).__name__}: {error}", retry=True, level=level)
    outcome.log(time.monotonic() - began)
    return outcome


def is_transient(error: BaseException) -> bool:
    """Throttling, server errors and connections that failed or went silent."""
    if isinstance(error, (ThrottledError, ServiceError)):
        return True
    return isinstance(error, AwsError) and error.code in _TRANSIENT_CODES


def process(completion: Completion, settings: Settings, connection: Connection | None = None) -> Outcome:
    """Write the outputs of one finished job; what it wrote."""
    connection = connection or Connection()
    if completion.status in FAILED_STATUSES:
        key = settings.prefix + completion.stem + ERROR_SUFFIX
        report = {
            "JobId": completion.job_id,
            "Status": completion.status,
            "API": completion.operation,
            "Video": {"S3Bucket": completion.video_bucket, "S3ObjectName": completion.video_key},
            "StatusMessage": status_message(completion, connection),
        }
        content = (json.dumps(report, indent=2, sort_keys=True) + "\n").encode()
        _put(_s3(connection, settings), settings.bucket, key, content)
        return Outcome(completion, completion.status, (f"s3://{settings.bucket}/{key}",))
    if completion.status != SUCCEEDED:
        raise MessageError(f"job {completion.job_id}: status {completion.status!r}: expected SUCCEEDED or FAILED")
    result = fetch(completion.job_id, connection, analysis=completion.analysis)
    files = render(result, settings)
    s3 = _s3(connection, settings)
    written = []
    for suffix, content in files:
        key = settings.prefix + completion.stem + suffix
        _put(s3, settings.bucket, key, content)
        written.append(f"s3://{settings.bucket}/{key}")
    return Outcome(completion, SUCCEEDED, tuple(written))


def render(result: FetchResult, settings: Settings) -> list[tuple[str, bytes]]:
    """(suffix, content) of every configured format, the merged response first."""
    from otio_rekognition.cli import FORMAT_SUFFIXES, FORMATS, write_job_as
    from otio_rekognition.otio_adapters.rekognition import load_job

    text = result.text()
    files = [(RESPONSE_SUFFIX, text.encode())]
    job, options = load_job([(result.source, text)], settings.options)
    # Lambda's only writable disk is /tmp; the writers write files (whole or not at all).
    with tempfile.TemporaryDirectory(prefix="otio-rekognition-") as folder:
        for name in settings.formats:
            if name == RESPONSE_FORMAT:
                continue
            path = Path(folder) / f"output{FORMAT_SUFFIXES[name]}"
            write_job_as(job, options, str(path), FORMATS[name])
            files.append((FORMAT_SUFFIXES[name], path.read_bytes()))
    return files


def status_message(completion: Completion, connection: Connection) -> str | None:
    """The failed job's StatusMessage, from one Get* call (the SNS message does not carry it)."""
    message = status_page(completion.job_id, connection, analysis=completion.analysis).get("StatusMessage")
    return str(message) if message is not None else None


@dataclass(frozen=True)
class _S3:
    client: Any
    connection: Connection


def _s3(connection: Connection, settings: Settings) -> _S3:
    """One S3 client for a message's uploads: making a botocore client costs more than a small PutObject."""
    return _S3(connection.client("s3", f"s3://{settings.bucket}/{settings.prefix}", "PutObject"), connection)


def _put(s3: _S3, bucket: str, key: str, content: bytes) -> None:
    subject = f"s3://{bucket}/{key}"
    try:
        with translated(subject, "PutObject", s3.connection, s3.client):
            s3.client.put_object(Bucket=bucket, Key=key, Body=content)
    except AccessDeniedError as error:
        # aws.client names Rekognition's actions; here it is S3's.
        raise AccessDeniedError(
            f"{subject}: PutObject: access denied: the function's role needs s3:PutObject on the output prefix",
            error.code,
        ) from error
