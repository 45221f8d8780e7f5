"""``otio-rekognition batch``: a library at once (see aws/batch.py)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.aws.ledger import dailies_base
from otio_rekognition.cli.common import (
    _connection,
    _read_input,
    _request_fields,
    _s3_location,
    _s3_prefix,
)
from otio_rekognition.cli.reading import _job, _read_options_given, _writer_arguments
from otio_rekognition.cli.terminal import EXIT_INPUT, PROGRAM, _StatusLine, printable
from otio_rekognition.errors import AdapterArgumentError, ResponseFormatError
from otio_rekognition.export import write_job_as, write_videos_as
from otio_rekognition.formats import (
    FORMAT_SUFFIXES,
    FORMATS,
    RESPONSE_FORMAT,
)
from otio_rekognition.output import write_atomically


def batch(arguments: argparse.Namespace) -> int:
    """Start, wait for, fetch and convert every video under an S3 prefix (or
    of a list), resumably: see aws/batch.py."""
    from otio_rekognition import aws
    from otio_rekognition.aws import batch as batching
    from otio_rekognition.aws import ledger as ledgers

    if (arguments.source is None) == (arguments.from_file is None):
        raise AdapterArgumentError("expected either s3://BUCKET/PREFIX/ or --from-file LIST, not both or neither")
    if arguments.concurrency < 1:
        raise AdapterArgumentError(f"--concurrency {arguments.concurrency}: expected 1 or more")
    given = _request_fields(arguments)
    read_options = _read_options_given(arguments)
    # Checked once here rather than failing every video the same way at its conversion.
    ReadOptions.from_arguments({key: value for key, value in read_options.items() if value is not None})
    # Each video is converted alone; with --videos the run's videos also make one sequence or bin (dailies).
    dailies = read_options.pop("videos", None)
    # What the files are written with: a video converted with other settings is converted again.
    writer_arguments = {name: _writer_arguments(arguments, FORMATS[name]) for name in arguments.formats}
    settings = json.dumps(
        [sorted(arguments.formats), writer_arguments, read_options, arguments.aggregate_by], sort_keys=True, default=str
    )
    backoff = aws.Backoff(initial=arguments.poll_initial, maximum=max(arguments.poll_max, arguments.poll_initial))
    connection = _connection(arguments, batching.ReusedConnection())
    folder = Path(arguments.output)

    def request(bucket: str, key: str, token: str | None = None) -> Any:
        return aws.StartRequest(
            bucket=bucket,
            key=key,
            sns_topic_arn=arguments.sns_topic_arn,
            role_arn=arguments.role_arn,
            job_tag=arguments.job_tag,
            client_request_token=token,
            analysis=arguments.analysis,
            **given,
        )

    def video(bucket: str, key: str, etag: str | None, prefix: str) -> ledgers.Video:
        token = batching.request_token(request(bucket, key), etag)
        made = ledgers.Video(f"s3://{bucket}/{key}", key, bucket, key, etag, token, analysis=arguments.analysis)
        try:
            made.output = batching.relative_path(key, prefix)
        except ValueError as error:  # that video fails, before anything is started; the others go on
            made.state, made.reason, made.exit_status = ledgers.FAILED, str(error), EXIT_INPUT
        return made

    videos: list[ledgers.Video] = []
    prefix = ""
    if arguments.source is not None:
        bucket, prefix = _s3_prefix(arguments.source)
        videos = [video(bucket, key, etag, prefix) for key, etag in batching.list_videos(bucket, prefix, connection)]
    else:
        for line in batching.read_list(_read_input(arguments.from_file).decode("utf-8", "replace")):
            if line.lower().startswith("s3://"):
                bucket, key = _s3_location(line)
                videos.append(video(bucket, key, None, ""))
            elif aws.requests.is_job_id(line):
                videos.append(
                    ledgers.Video(line, line, state=ledgers.STARTED, job_id=line, analysis=arguments.analysis)
                )
            else:
                raise AdapterArgumentError(f"{arguments.from_file}: {line!r}: expected s3://BUCKET/KEY or a JobId")

    def start_one(item: ledgers.Video) -> str:
        assert item.bucket is not None and item.key is not None
        return aws.start(request(item.bucket, item.key, item.token), connection)

    def status(item: ledgers.Video) -> str:
        return aws.jobs.job_status(str(item.job_id), connection, analysis=item.analysis)

    def convert_one(item: ledgers.Video) -> None:
        assert item.job_id is not None
        base = folder / item.files
        base.parent.mkdir(parents=True, exist_ok=True)
        response = Path(f"{base}{FORMAT_SUFFIXES[RESPONSE_FORMAT]}")
        fetched_with = f"{item.job_id}/{arguments.aggregate_by or ''}"
        source = f"{aws.URL_SCHEME}://{item.job_id}"
        read = None
        options = (
            read_options if arguments.media_folder is None else {**read_options, "media": _local_copy(item, prefix)}
        )
        if item.response == fetched_with and response.is_file():
            try:  # this job's response, saved by an earlier run
                read = _job([(source, _read_input(str(response)))], options)
            except ResponseFormatError:
                read = None  # damaged or edited since: the job again
        if read is None:
            result = aws.fetch(item.job_id, connection, analysis=item.analysis, aggregate_by=arguments.aggregate_by)
            text = result.text()
            write_atomically(response, text)
            item.response = fetched_with
            read = _job([(result.source, text)], options)
        assert read.job is not None
        for name in arguments.formats:
            if name == RESPONSE_FORMAT:  # the merged response, written above
                continue
            path = f"{base}{FORMAT_SUFFIXES[name]}"
            write_job_as(read.job, read.options, path, FORMATS[name], **writer_arguments[name])

    def _local_copy(item: ledgers.Video, prefix: str) -> str:
        """The video's copy in --media DIR, where its key below the prefix says."""
        if item.key is None:
            raise AdapterArgumentError(
                f"--media {arguments.media_folder}: {item.source}: a JobId names no file to find"
            )
        local = Path(arguments.media_folder) / batching.relative_path(item.key, prefix)
        if not local.is_file():
            raise AdapterArgumentError(f"--media {arguments.media_folder}: no copy of {item.source} at {local}")
        return str(local)

    watcher: batching.Watcher
    if arguments.queue_url:
        watcher = batching.QueueWatcher(status, arguments.queue_url, connection, math.ceil(arguments.poll_max))
    else:
        watcher = batching.PollWatcher(status, backoff)
    status_line = _StatusLine(sys.stderr, quiet=True)

    def show(progress: batching.Progress) -> None:
        status_line.step(
            f"{progress.converted}/{progress.total} converted, {progress.in_flight} running, "
            f"{progress.pending} waiting to start, {progress.failed} failed"
        )

    deadline = time.monotonic() + arguments.timeout if arguments.timeout else None
    interrupted = False
    with ledgers.running_in(folder):
        ledger = ledgers.Ledger.load(folder / ledgers.LEDGER_NAME)
        jobs = ledger.add(videos)
        try:
            batching.run(
                ledger,
                jobs,
                batching.Actions(start_one, status, convert_one),
                watcher,
                concurrency=arguments.concurrency,
                backoff=backoff,
                settings=settings,
                force=arguments.force,
                deadline=deadline,
                report=show,
            )
        except KeyboardInterrupt:
            interrupted = True
        finally:
            status_line.close(keep=False)
    for line in batching.summary(jobs):
        print(f"{PROGRAM}: {printable(line)}", file=sys.stderr)
    if dailies and not interrupted:
        converted = [item for item in jobs if item.state == ledgers.CONVERTED]
        copies = [None if arguments.media_folder is None else _local_copy(item, prefix) for item in converted]
        _write_dailies(folder, arguments.analysis, [item.files for item in jobs], [item.files for item in converted],
                       copies, {**read_options, "videos": dailies}, arguments.formats, writer_arguments)  # fmt: skip
    if interrupted:
        print(f"{PROGRAM}: interrupted; {ledger.path} keeps the state: run again to resume", file=sys.stderr)
        return 130
    return batching.exit_status(jobs)


def _write_dailies(
    folder: Path,
    analysis: str,
    every_video: list[str],
    converted: list[str],
    copies: list[str | None],
    read_options: dict[str, Any],
    formats: list[str],
    writer_arguments: dict[str, Any],
) -> None:
    """The run's converted videos, in the ledger's (the listing's) order, as
    ``dailies.<sequence or bin>`` in every format that holds one, read from
    the responses the run saved (each with its local copy, as it was
    converted); a format that cannot is said and skipped."""
    mode = read_options.pop("videos")
    if not converted:
        return
    stem = dailies_base(mode, analysis, every_video)
    videos = []
    for files, copy in zip(converted, copies, strict=True):
        response = str(folder / f"{files}{FORMAT_SUFFIXES[RESPONSE_FORMAT]}")
        read = _job([(response, _read_input(response))], {**read_options, "media": copy})
        assert read.job is not None
        videos.append((read.job, dataclasses.replace(read.options, videos=mode)))
    for name in formats:
        if name == RESPONSE_FORMAT:
            continue
        path = folder / f"{stem}{FORMAT_SUFFIXES[name]}"
        try:
            write_videos_as(videos, str(path), FORMATS[name], **writer_arguments[name])
        except AdapterArgumentError as error:
            print(f"{PROGRAM}: warning: {printable(str(error))}; skipped", file=sys.stderr)
            continue
        print(f"{PROGRAM}: wrote {printable(str(path))} ({len(converted)} videos)", file=sys.stderr)
