"""An AWS Lambda handler: Rekognition's completion message in, editor files in S3 out.

Rekognition publishes one SNS message when a job started with
``--sns-topic-arn``/``--role-arn`` ends. The function gets it either straight
from the topic (an SNS event) or through an SQS queue subscribed to it (an SQS
event whose body is the SNS envelope; deploy/template.yaml sets that up). For
each SUCCEEDED job it fetches every page, saves the merged response, then
writes each configured format beside it under ``OUTPUT_S3_URI``, named after
the video's whole key (output_names: the analysis for any job but segment
detection), so that no video's or analysis's object replaces another's::

    <prefix><video key>.json              the merged response, always first
    <prefix><video key>.edl               ... one object per format
    <prefix><video key>.labels.json       a label job of the same video
    <prefix><video key>.error.json        what failed: the job, or the formats that refused it

Every object carries its video in its metadata; one that holds another
video's results (the same key in another bucket) is never replaced. Object
names depend on the message only, and the writers are deterministic, so a
message delivered twice (SNS and SQS both deliver at least once) writes the
same bytes to the same objects.

Configuration, by environment, checked before any message is handled:

- ``OUTPUT_S3_URI``: ``s3://bucket/prefix/`` (required)
- ``OUTPUT_FORMATS``: comma list of format names or suffixes (default
  ``json,otio,edl,fcpxml,xml``)
- ``START_TIMECODE``: the record start (default 01:00:00:00)
- ``TIMECODE``: auto, df or ndf

boto3 is imported inside functions (through aws.client), as everywhere in the
package: OTIO imports every plugin package when it starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from otio_rekognition import names, output_names
from otio_rekognition.arguments import ReadOptions, timecode_text
from otio_rekognition.aws.client import URL_SCHEME, Connection, translated
from otio_rekognition.aws.errors import (
    AccessDeniedError,
    AwsError,
    InvalidRequestError,
    JobFailedError,
    JobNotFoundError,
    is_transient,
)
from otio_rekognition.aws.jobs import completion_message, fetch, status_page
from otio_rekognition.errors import RekognitionError
from otio_rekognition.formats import ERROR_SUFFIX, FORMAT_SUFFIXES, FORMATS, RESPONSE_FORMAT, format_named
from otio_rekognition.frames import timecode_to_frame
from otio_rekognition.rekognition.vocabulary import APIS, SUCCEEDED

DEFAULT_FORMATS = "json,otio,edl,fcpxml,xml"
RESPONSE_SUFFIX = FORMAT_SUFFIXES[RESPONSE_FORMAT]
# Rekognition says FAILED; ERROR is what its documentation lists for the message too.
FAILED_STATUSES = frozenset({"FAILED", "ERROR"})
# Which analysis a message's API (the Start* operation) belongs to.
ANALYSIS_OF_OPERATION = {api.start_operation: name for name, api in APIS.items()}
# The object metadata (x-amz-meta-...) naming the video an object's results are of: its hash, compared,
# and its URL, for people.
VIDEO_METADATA = "otio-rekognition-video-sha256"
VIDEO_NAME_METADATA = "otio-rekognition-video"
# S3's answers to a conditional request that does not hold, and to a HeadObject of no object.
_PRECONDITION_FAILED = frozenset({"PreconditionFailed", "412"})
_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})
_FORBIDDEN = frozenset({"403", "Forbidden"})
_CONFLICT = "ConditionalRequestConflict"
# The most frames a timecode's frame field counts at any rate (59.94/60 fps).
_MOST_FRAMES_PER_SECOND = 60


class ConfigurationError(RekognitionError):
    """The function's environment is wrong: every message would fail alike, so the invocation fails."""


class MessageError(RekognitionError):
    """A record that is not a Rekognition completion message: no retry can make it one."""


class ObjectTakenError(RekognitionError):
    """An object the job would write holds another video's results: nothing of it is replaced."""


@dataclass(frozen=True)
class Settings:
    """What the environment configures."""

    bucket: str
    prefix: str  # "" or ending in "/", as given
    formats: tuple[str, ...]  # formats.FORMATS names, the merged response's first
    options: ReadOptions = field(default_factory=ReadOptions)
    memory_mb: int | None = None  # the function's MemorySize, as Lambda tells it; None outside Lambda

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Settings:
        uri = environ.get("OUTPUT_S3_URI", "").strip()
        if not uri:
            raise ConfigurationError("OUTPUT_S3_URI is not set: expected s3://bucket/prefix/ for the outputs")
        bucket, prefix = _s3_uri(uri)
        listed = environ.get("OUTPUT_FORMATS")
        if listed is not None and not listed.strip(" ,"):
            raise ConfigurationError(
                f"OUTPUT_FORMATS is {listed!r}: expected a comma list of formats (e.g. {DEFAULT_FORMATS}), "
                "or leave it unset for that default"
            )
        formats = [RESPONSE_FORMAT]
        for word in (listed or DEFAULT_FORMATS).split(","):
            if not word.strip():
                continue
            try:
                name = format_named(word)
            except ValueError as error:
                raise ConfigurationError(f"OUTPUT_FORMATS: {error}") from None
            if name not in formats:
                formats.append(name)
        start = environ.get("START_TIMECODE") or None
        arguments = {"start_timecode": start, "timecode": environ.get("TIMECODE") or None}
        try:
            if start is not None:
                _check_any_rate("start_timecode", start)
            options = ReadOptions.from_arguments(arguments)
        except RekognitionError as error:
            raise ConfigurationError(f"START_TIMECODE/TIMECODE: {error}") from None
        memory = environ.get(_MEMORY_SIZE, "")
        return cls(bucket, prefix, tuple(formats), options, int(memory) if memory.isdigit() else None)


def _check_any_rate(name: str, value: str) -> None:
    """A start timecode no job's rate could count (25:00:00:00, 01:61:00:00) is
    refused once, at start-up; one a job's own rate cannot (frame 29 at 25 fps)
    is that job's error."""
    text = timecode_text(name, value)
    try:
        timecode_to_frame(text.replace(";", ":").replace(",", ":"), Fraction(_MOST_FRAMES_PER_SECOND), False)
    except ValueError as error:
        raise ConfigurationError(f"argument {name}: {error}") from None


def _s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/prefix/`` as (bucket, prefix); the prefix is used as given, so "out/" makes a folder."""
    try:
        return names.split_s3_url(uri)
    except ValueError as error:
        raise ConfigurationError(f"OUTPUT_S3_URI {uri!r}: expected s3://bucket/prefix/ ({error})") from None


_SETTINGS: dict[tuple[str | None, ...], Settings | ConfigurationError] = {}
# Set by Lambda in every function's environment.
_MEMORY_SIZE = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
_CONFIGURATION = ("OUTPUT_S3_URI", "OUTPUT_FORMATS", "START_TIMECODE", "TIMECODE", _MEMORY_SIZE)
# Memory the function needs at its peak per segment or detection of the job (benchmarks/lambda_job.py:
# 2,749 MiB for a million label detections, the parsed pages while fetching), with a margin.
_BYTES_PER_ITEM = 3 * 1024


def settings_now(environ: Mapping[str, str]) -> Settings:
    """The environment's settings, read and checked once per environment (a
    Lambda container's life); ConfigurationError, logged once, when wrong."""
    key = tuple(environ.get(name) for name in _CONFIGURATION)
    if key not in _SETTINGS:
        try:
            _SETTINGS[key] = Settings.from_environment(environ)
        except ConfigurationError as error:
            _SETTINGS[key] = error
            Outcome(None, "CONFIGURATION", error=str(error)).log(0.0)
    found = _SETTINGS[key]
    if isinstance(found, ConfigurationError):
        raise found
    return found


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
    def files(self) -> str:
        """The name the job's objects share before their suffix: the video's
        whole key (its extension kept, so ep1.mov and ep1.mp4 never meet),
        then the analysis for any job but segment detection."""
        return output_names.job_base(self.video_key, self.analysis)


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


def handler(event: Any, context: Any = None) -> dict[str, Any] | None:
    """The Lambda entry point, for an SNS event or an SQS event of SNS envelopes.

    SQS: returns ``{"batchItemFailures": [...]}`` naming the records to be
    delivered again (ReportBatchItemFailures). SNS: raises when a message
    failed transiently, so Lambda retries the invocation. An event or record
    of another shape is logged and skipped, never raised on; a wrong
    configuration raises ConfigurationError before any message is handled.
    """
    settings = settings_now(os.environ)
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list):
        Outcome(None, "SKIPPED", error=f"not an SNS or SQS event (no list of Records in a {_kind(event)})").log(0.0)
        return None
    failures: list[dict[str, str]] = []
    from_sqs = False
    for number, record in enumerate(records, 1):
        source = (record.get("eventSource") or record.get("EventSource")) if isinstance(record, Mapping) else None
        if source == "aws:sqs":
            from_sqs = True
            message_id = record.get("messageId")
            if not isinstance(message_id, str) or not message_id:
                Outcome(None, "SKIPPED", error=f"record {number}: an SQS record without a messageId").log(0.0)
                continue
            if _handle(partial(_sqs_message, record), settings).retry:
                failures.append({"itemIdentifier": message_id})
        elif source == "aws:sns":
            outcome = _handle(partial(_sns_message, record), settings)
            if outcome.retry:
                raise RuntimeError(f"job {outcome.completion.job_id if outcome.completion else '?'}: {outcome.error}")
        else:
            Outcome(None, "SKIPPED", error=f"record {number}: not an SNS or SQS record ({_kind(record)})").log(0.0)
    return {"batchItemFailures": failures} if from_sqs else None


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return f"object with {', '.join(map(str, list(value)[:5])) or 'no keys'}"
    return type(value).__name__


def _sns_message(record: Mapping[str, Any]) -> str:
    message = record.get("Sns")
    if not isinstance(message, Mapping) or not isinstance(message.get("Message"), str):
        raise MessageError("an SNS record without Sns.Message")
    return str(message["Message"])


def _sqs_message(record: Mapping[str, Any]) -> str:
    """An SQS record's body: the SNS envelope (raw delivery off), which Completion.from_text unwraps."""
    if not isinstance(record.get("body"), str):
        raise MessageError("an SQS record without a body")
    return str(record["body"])


def _handle(message: Callable[[], str], settings: Settings) -> Outcome:
    """One message, logged; never raises for the message's own trouble."""
    began = time.monotonic()
    completion: Completion | None = None
    try:
        completion = Completion.from_text(message())
        outcome = process(completion, settings)
    except (MessageError, ObjectTakenError) as error:
        outcome = Outcome(completion, "SKIPPED", error=str(error))
    except (JobNotFoundError, InvalidRequestError, JobFailedError) as error:
        # Results gone (kept 7 days) or a request that cannot succeed: retrying only fills the DLQ later.
        outcome = Outcome(completion, "SKIPPED", error=str(error))
    except Exception as error:
        # Throttling, 5xx, timeouts, and also what a person must fix in AWS (IAM, a missing bucket): delivered
        # again, and after the queue's maxReceiveCount kept in the DLQ to be redriven once fixed. Nothing about
        # the job's content gets here: the writers' refusals are the job's error object.
        level = "WARNING" if is_transient(error) else "ERROR"
        outcome = Outcome(completion, "RETRY", error=f"{type(error).__name__}: {error}", retry=True, level=level)
    outcome.log(time.monotonic() - began)
    return outcome


def process(completion: Completion, settings: Settings, connection: Connection | None = None) -> Outcome:
    """Write the outputs of one finished job, the merged response first; what it wrote."""
    connection = connection or Connection()
    bucket = _Bucket(_s3(connection, settings), settings.bucket, completion.video)
    name = settings.prefix + completion.files
    report_error = partial(_report_error, bucket, name + ERROR_SUFFIX, completion)
    if completion.status in FAILED_STATUSES:
        return Outcome(completion, completion.status, report_error(status_message(completion, connection)))
    if completion.status != SUCCEEDED:
        raise MessageError(f"job {completion.job_id}: status {completion.status!r}: expected SUCCEEDED or FAILED")
    try:
        result = fetch(completion.job_id, connection, analysis=completion.analysis, on_page=_held(settings))
    except _TooLarge as error:
        # Killed for lack of memory, the function would say nothing and the message come back again and again.
        return Outcome(completion, "SKIPPED", report_error(str(error)), error=str(error))
    # The response as text once: a label job's may be hundreds of megabytes.
    text = result.text()
    del result  # its pages, parsed, are several times the text: read from the text from here on
    files, refused = render(completion, text, settings)
    objects = [(name + RESPONSE_SUFFIX, text.encode())] + [(name + suffix, data) for suffix, data in files]
    if refused:
        objects.append((name + ERROR_SUFFIX, _json({**_job_fields(completion), "Formats": refused})))
    written = bucket.put_all(objects)
    if not refused:
        return Outcome(completion, SUCCEEDED, written)
    problems = "; ".join(f"{name}: {reason}" for name, reason in refused.items())
    return Outcome(completion, SUCCEEDED, written, error=f"formats not written: {problems}")


class _TooLarge(Exception):
    """A job too large for the function's memory."""


def _held(settings: Settings) -> Callable[[int, int], None]:
    """A fetch's page counter that stops, in one line, at the page the function's memory cannot hold."""
    if settings.memory_mb is None:
        return lambda number, items: None
    most = settings.memory_mb * 2**20 // _BYTES_PER_ITEM
    total = 0

    def count(number: int, items: int) -> None:
        nonlocal total
        total += items
        if total > most:
            raise _TooLarge(
                f"the job has more than {total:,} segments or detections (page {number}); this function's "
                f"{settings.memory_mb} MB holds about {most:,}: raise MemorySize in deploy/template.yaml "
                f"(about 3 KB each, up to 10,240 MB), or convert it with the command line"
            )

    return count


def render(completion: Completion, text: str, settings: Settings) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """(suffix, content) of every configured format but the merged response,
    and why each format that refused the job did (a rate without SMPTE
    timecode, a timecode mode the rate does not have...), one line each."""
    from otio_rekognition.export import write_job_as
    from otio_rekognition.otio_adapters.rekognition import load_job

    wanted = [name for name in settings.formats if name != RESPONSE_FORMAT]
    try:
        job, options = load_job([(f"{URL_SCHEME}://{completion.job_id}", text)], settings.options)
    except RekognitionError as error:
        return [], {name: names.safe_name(str(error)) for name in wanted}
    files: list[tuple[str, bytes]] = []
    refused: dict[str, str] = {}
    # Lambda's only writable disk is /tmp; the writers write files (whole or not at all).
    with tempfile.TemporaryDirectory(prefix="otio-rekognition-") as folder:
        for name in wanted:
            path = Path(folder) / f"output{FORMAT_SUFFIXES[name]}"
            try:
                write_job_as(job, options, str(path), FORMATS[name])
            except RekognitionError as error:
                refused[name] = names.safe_name(str(error))
                continue
            files.append((FORMAT_SUFFIXES[name], path.read_bytes()))
    return files, refused


def status_message(completion: Completion, connection: Connection) -> str | None:
    """The failed job's StatusMessage, from one Get* call (the SNS message does not carry it)."""
    message = status_page(completion.job_id, connection, analysis=completion.analysis).get("StatusMessage")
    return str(message) if message is not None else None


def _report_error(bucket: _Bucket, key: str, completion: Completion, message: str | None) -> tuple[str, ...]:
    """The job's error object: what the job was, and what went wrong."""
    return bucket.put_all([(key, _json({**_job_fields(completion), "StatusMessage": message}))])


def _job_fields(completion: Completion) -> dict[str, Any]:
    return {
        "JobId": completion.job_id,
        "Status": completion.status,
        "API": completion.operation,
        "Video": {"S3Bucket": completion.video_bucket, "S3ObjectName": completion.video_key},
    }


def _json(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class _S3:
    client: Any
    connection: Connection


def _s3(connection: Connection, settings: Settings) -> _S3:
    """One S3 client for a message's uploads: making a botocore client costs more than a small PutObject."""
    return _S3(connection.client("s3", f"s3://{settings.bucket}/{settings.prefix}", "PutObject"), connection)


@dataclass(frozen=True)
class _Bucket:
    """The output bucket, as one video's job writes to it: each object marked
    with the video, and never put over an object of another video."""

    s3: _S3
    name: str
    video: str

    def url(self, key: str) -> str:
        return f"s3://{self.name}/{key}"

    def put_all(self, objects: Sequence[tuple[str, bytes]]) -> tuple[str, ...]:
        """Put every object, the first first; their URLs. Every key is checked
        before anything is written: ObjectTakenError, with nothing written,
        when one holds another video's results. Each put is conditional on
        what was checked (no object, or that very object), so an object that
        appears or changes meanwhile is never replaced: its put fails as a
        passing conflict and the message comes again."""
        checked = {key: self._etag_of_ours(key) for key, _ in objects}
        for key, content in objects:
            condition = {"IfNoneMatch": "*"} if checked[key] is None else {"IfMatch": checked[key]}
            try:
                self._call("PutObject", key, Body=content, Metadata=self._marks(), **condition)
            except AwsError as error:
                if error.code not in _PRECONDITION_FAILED:
                    raise
                raise AwsError(f"{self.url(key)}: changed while the job was written: try again", _CONFLICT) from None
        return tuple(self.url(key) for key, _ in objects)

    def _marks(self) -> dict[str, str]:
        """The object metadata naming the video (ASCII, within S3's 2 KB of user metadata)."""
        return {VIDEO_METADATA: _video_hash(self.video), VIDEO_NAME_METADATA: quote(self.video, safe=":/")[:1000]}

    def _etag_of_ours(self, key: str) -> str | None:
        """None for no object; the ETag of one that holds this video's results."""
        try:
            head = self._call("HeadObject", key)
        except AccessDeniedError:
            raise
        except AwsError as error:
            if error.code in _NOT_FOUND:
                return None
            if error.code in _FORBIDDEN:  # S3 answers 403, not 404, for a missing object without s3:ListBucket
                raise AccessDeniedError(
                    f"{self.url(key)}: HeadObject: access denied: the function's role needs s3:ListBucket on the "
                    "bucket (to tell a missing object) and s3:GetObject on the output prefix",
                    error.code,
                ) from None
            raise
        metadata = head.get("Metadata") or {}
        if metadata.get(VIDEO_METADATA) != _video_hash(self.video):
            holder = metadata.get(VIDEO_NAME_METADATA) or "something else"
            raise ObjectTakenError(
                f"{self.url(key)} holds the results of {holder}, not of {self.video}: nothing written; "
                "give each source bucket its own OUTPUT_S3_URI prefix"
            )
        etag = head.get("ETag")
        if not etag:
            raise AwsError(f"{self.url(key)}: HeadObject: no ETag to replace the object by", "NoETag")
        return str(etag)

    def _call(self, operation: str, key: str, **parameters: Any) -> Any:
        subject = self.url(key)
        method = getattr(self.s3.client, "put_object" if operation == "PutObject" else "head_object")
        try:
            with translated(subject, operation, self.s3.connection, self.s3.client):
                return method(Bucket=self.name, Key=key, **parameters)
        except AccessDeniedError as error:
            # aws.client names Rekognition's actions; here it is S3's.
            action = "s3:PutObject" if operation == "PutObject" else "s3:GetObject"
            raise AccessDeniedError(
                f"{subject}: {operation}: access denied: the function's role needs {action} on the output prefix",
                error.code,
            ) from error


def _video_hash(video: str) -> str:
    return hashlib.sha256(video.encode("utf-8")).hexdigest()
