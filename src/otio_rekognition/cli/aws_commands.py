"""``otio-rekognition start``, ``wait`` and ``fetch``: Rekognition's jobs from the command line."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from otio_rekognition.cli.common import (
    _check_aggregate_by,
    _connection,
    _deadline,
    _request_fields,
    _s3_location,
)
from otio_rekognition.cli.reading import _adapter_for, _export, _job, _read_options_given
from otio_rekognition.cli.terminal import PROGRAM, _clock, _page_reporter, _StatusLine, _wrote
from otio_rekognition.output import write_atomically


def start(arguments: argparse.Namespace) -> int:
    from otio_rekognition import aws

    adapter = _adapter_for(arguments.output, arguments.format) if arguments.output else None
    bucket, key = _s3_location(arguments.video)
    given = _request_fields(arguments)
    request = aws.StartRequest(
        bucket=bucket,
        key=key,
        version=arguments.s3_object_version,
        sns_topic_arn=arguments.sns_topic_arn,
        role_arn=arguments.role_arn,
        job_tag=arguments.job_tag,
        client_request_token=arguments.client_request_token,
        analysis=arguments.analysis,
        **given,
    )
    connection = _connection(arguments)
    job_id = aws.start(request, connection)
    print(job_id, flush=True)
    if adapter is None:
        return 0
    _wait_for(job_id, arguments, connection)
    result = aws.fetch(
        job_id,
        connection,
        analysis=arguments.analysis,
        aggregate_by=arguments.aggregate_by,
        on_page=_page_reporter(job_id, aws.api(arguments.analysis).noun),
    )
    read_options = _read_options_given(arguments)
    _export(_job([(result.source, result.text())], read_options), arguments, adapter, result.source)
    _wrote(arguments.output, adapter)
    return 0


def wait(arguments: argparse.Namespace) -> int:
    _wait_for(arguments.job_id, arguments, _connection(arguments))
    return 0


def fetch(arguments: argparse.Namespace) -> int:
    from otio_rekognition import aws

    _check_aggregate_by(arguments)
    noun = aws.api(arguments.analysis).noun
    with _deadline(arguments.timeout, f"{aws.URL_SCHEME}://{arguments.job_id}: fetch"):
        result = aws.fetch(
            arguments.job_id,
            _connection(arguments),
            analysis=arguments.analysis,
            aggregate_by=arguments.aggregate_by,
            on_page=_page_reporter(arguments.job_id, noun),
        )
    write_atomically(arguments.output, result.text(raw_pages=arguments.raw_pages))
    restarted = f", restarted {result.restarts} time(s) after an expired NextToken" if result.restarts else ""
    print(
        f"{PROGRAM}: wrote {arguments.output}: {result.item_count} {noun} from {len(result.pages)} page(s){restarted}",
        file=sys.stderr,
    )
    return 0


def _wait_for(job_id: str, arguments: argparse.Namespace, connection: Any) -> None:
    from otio_rekognition import aws

    backoff = aws.Backoff(initial=arguments.poll_initial, maximum=max(arguments.poll_max, arguments.poll_initial))
    if arguments.timeout is None:
        print(f"{PROGRAM}: waiting for {job_id} with no time limit (--timeout sets one)", file=sys.stderr)
    status_line = _StatusLine(sys.stderr)
    # A hard stop a moment after --timeout, whatever a poll in flight is doing.
    what = f"{aws.URL_SCHEME}://{job_id}: wait"
    hard_stop = _deadline(arguments.timeout + 2, what) if arguments.timeout else contextlib.nullcontext()
    try:
        with hard_stop:
            result = aws.wait(
                job_id,
                connection,
                analysis=arguments.analysis,
                timeout=arguments.timeout,
                backoff=backoff,
                on_status=status_line.show,
                queue_url=arguments.queue_url,
            )
    finally:
        status_line.close()
    print(f"{PROGRAM}: {job_id} SUCCEEDED after {_clock(result.elapsed)} ({result.checks} check(s))", file=sys.stderr)
