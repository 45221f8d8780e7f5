"""Small readers of the command line's values shared by its commands: AWS connections, S3 URLs,
durations, comma lists, the request flags."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from otio_rekognition import names
from otio_rekognition.cli.terminal import _clock
from otio_rekognition.errors import AdapterArgumentError, ResponseFormatError
from otio_rekognition.formats import format_named

_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?")


def _s3_prefix(url: str) -> tuple[str, str]:
    """The bucket and key prefix of ``s3://BUCKET/PREFIX/`` (the prefix may be empty: the whole bucket)."""
    try:
        return names.split_s3_url(url)
    except ValueError as error:
        raise AdapterArgumentError(f"{url!r}: expected s3://BUCKET/PREFIX/ ({error})") from None


def _formats(text: str) -> tuple[str, ...]:
    """``--formats edl,fcpxml``: each by name or suffix (see format_named)."""
    try:
        named = tuple(dict.fromkeys(format_named(word) for word in text.split(",") if word.strip()))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not named:
        raise argparse.ArgumentTypeError("expected a comma list of formats, e.g. edl,fcpxml")
    return named


def _check_aggregate_by(arguments: argparse.Namespace) -> None:
    from otio_rekognition import aws

    problem = aws.aggregate_problem(arguments.analysis, arguments.aggregate_by)
    if problem:
        raise AdapterArgumentError(f"--aggregate-by: {problem}")


def _dest(flag: str) -> str:
    """Where argparse keeps a flag's value: --min-shot-confidence in min_shot_confidence."""
    return flag.removeprefix("--").replace("-", "_")


class _Expired(BaseException):
    """Raised by SIGALRM: a BaseException, so that no library's ``except
    Exception`` on the way (urllib3 reading a socket) can swallow it."""


@contextlib.contextmanager
def _deadline(seconds: float, what: str) -> Iterator[None]:
    """Stop the block after ``seconds`` in all, however the time goes (a
    socket read only times out between bytes); in the main thread, by SIGALRM."""
    from otio_rekognition.aws import WaitTimeoutError

    if threading.current_thread() is not threading.main_thread():
        yield  # no SIGALRM outside the main thread: the read timeouts still apply
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise WaitTimeoutError(f"{what}: no complete answer within {_clock(seconds)} (--timeout)", "Deadline") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _connection(arguments: argparse.Namespace, base: Any = None) -> Any:
    """The AWS connection: the command line's options over ``base`` (a job URL's)."""
    from otio_rekognition import aws

    names = ("region", "profile", "endpoint_url", "retry_mode", "max_attempts", "connect_timeout", "read_timeout")
    given = {name: getattr(arguments, name, None) for name in names}
    return dataclasses.replace(base or aws.Connection(), **{k: v for k, v in given.items() if v is not None})


def _s3_location(url: str) -> tuple[str, str]:
    """The bucket and key of a video's ``s3://BUCKET/KEY``."""
    try:
        bucket, key = names.split_s3_url(url)
    except ValueError as error:
        raise AdapterArgumentError(f"video {url!r}: expected s3://BUCKET/KEY ({error})") from None
    if not key.strip("/"):
        raise AdapterArgumentError(f"video {url!r}: expected s3://BUCKET/KEY (no key)")
    return bucket, key


def _duration(text: str) -> float:
    """Seconds of ``90``, ``90s``, ``30m``, ``2h`` or ``1h30m``."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"expected a duration such as 90s, 30m, 2h or 1h30m, got {text!r}")
    hours, minutes, seconds = (float(group) if group else 0.0 for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _read_input(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise ResponseFormatError(f"{name}: cannot read: {error.strerror}") from None


def _request_fields(arguments: argparse.Namespace) -> dict[str, Any]:
    """The Start* request's fields the command line gives (start, batch), each
    checked by the request's own rules and refused in the command line's words."""
    from otio_rekognition import aws

    given = {option.field: getattr(arguments, _dest(option.flag)) for option in aws.START_OPTIONS}
    for option in aws.START_OPTIONS:
        problem = option.problem(arguments.analysis, given[option.field])
        if problem:
            raise AdapterArgumentError(f"{option.flag}: {problem}")
    _check_aggregate_by(arguments)
    return given
