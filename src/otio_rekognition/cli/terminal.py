"""What the command line says on a terminal: one line per error, warnings, a status line, and
the flags in the messages of the adapters."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from otio_rekognition.formats import BY_ADAPTER, WRITER_OPTIONS

PROGRAM = "otio-rekognition"


EXIT_INPUT = 1


EXIT_USAGE = 2


EXIT_OUTPUT = 3


def _wrote(path: str, adapter: str) -> None:
    print(f"{PROGRAM}: wrote {path} ({BY_ADAPTER[adapter].name})", file=sys.stderr)


class _StatusLine:
    """One line redrawn in place on a terminal; in a log, a plain line per
    status, or (``quiet``) nothing."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._quiet = quiet
        self._drawn = False
        self._started = time.monotonic()

    def show(self, status: Any) -> None:
        text = f"{status.job_id} {status.status}, {_clock(status.elapsed)} elapsed"
        if status.next_check is not None:
            text += f", next check in {status.next_check:.0f}s"
        self.say(text)

    def step(self, text: str) -> None:
        """A step of a longer task, with the time since the line began."""
        self.say(f"{text} ({_clock(time.monotonic() - self._started)})")

    def say(self, text: str) -> None:
        if self._live:
            self._stream.write(f"\r\x1b[K{PROGRAM}: {text}")
            self._drawn = True
        elif not self._quiet:
            self._stream.write(f"{PROGRAM}: {text}\n")
        self._stream.flush()

    def close(self, keep: bool = True) -> None:
        if self._drawn:
            self._stream.write("\n" if keep else "\r\x1b[K")
            self._stream.flush()


def _page_reporter(job_id: str, noun: str = "segments") -> Callable[[int, int], None]:
    def report(page: int, items: int) -> None:
        print(f"{PROGRAM}: {job_id}: page {page}, {items} {noun}", file=sys.stderr)

    return report


def _clock(seconds: float) -> str:
    minutes, whole_seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{whole_seconds:02d}"


# A writer's argument by the flag that gives it, for its messages.
_FLAGS = {option.argument: option.flag for option in WRITER_OPTIONS}


_ARGUMENT = re.compile(r"\bargument ([a-z_]+):")


def _in_flags(message: str) -> str:
    """An adapter's message in the command line's words: ``argument rate:``
    becomes ``--rate:``, ``argument version:`` ``--fcpxml-version:``."""
    return _ARGUMENT.sub(lambda match: _FLAGS.get(match[1], "--" + match[1].replace("_", "-")) + ":", message)


# What a line on a terminal must not carry: escape sequences and other
# control characters (a server's text could redraw the screen), credentials
# (a proxy may echo the request's headers), passwords in URLs.
# Bidirectional controls (U+202E...) would make a line read other than it is.
_ESCAPES = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


_SECRETS = (
    (re.compile(r"\b((?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{4})[A-Z0-9]{12}\b"), r"\1************"),
    (
        re.compile(
            r"(?i)((?:x-amz-security-token|aws_session_token|aws_secret_access_key|signature|credential)[\"']?\s*[:=]\s*[\"']?)[^\s,;\"']+"
        ),
        r"\1***",
    ),
    (re.compile(r"(://[^/@\s:]*:)[^/@\s]*@"), r"\1***@"),
)


_LONGEST_LINE = 1000


def printable(message: str) -> str:
    """One line fit for a terminal and a log: no control characters or
    escape sequences, no credentials or URL passwords, at most 1,000 characters."""
    text = " ".join(_ESCAPES.sub(" ", message).split())
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    if len(text) > _LONGEST_LINE:
        text = f"{text[:_LONGEST_LINE]}... ({len(text) - _LONGEST_LINE} more characters)"
    return text


def _fail(message: str, status: int) -> int:
    print(f"{PROGRAM}: error: {printable(message)}", file=sys.stderr)
    return status


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"{PROGRAM}: warning: {printable(str(message))}", file=sys.stderr)
