"""The ``otio-rekognition`` command line.

Every failure is one line on standard error and a non-zero exit status:
1 for input the tool cannot use (bad JSON, a failed job, a bad option value),
2 for a command line argparse cannot parse, 3 when the output cannot be written."""

from __future__ import annotations

import importlib
import signal
import threading
import warnings
from collections.abc import Sequence

import opentimelineio as otio

from otio_rekognition.cli.parser import _parser
from otio_rekognition.cli.terminal import (
    EXIT_INPUT,
    EXIT_OUTPUT,
    EXIT_USAGE,
    PROGRAM,
    _fail,
    _in_flags,
    _show_warning,
    printable,
)
from otio_rekognition.errors import RekognitionError

__all__ = ["EXIT_INPUT", "EXIT_OUTPUT", "EXIT_USAGE", "PROGRAM", "main", "printable"]


class _Stopped(BaseException):
    """SIGTERM or SIGHUP: raised in the main thread so that every temporary
    file is removed on the way out, as Ctrl-C (KeyboardInterrupt) does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    warnings.showwarning = _show_warning
    # Signals reach the main thread only (main() may also be called from another, by a program).
    in_main = threading.current_thread() is threading.main_thread()
    stopping = (signal.SIGTERM, signal.SIGHUP) if in_main else ()
    previous = {number: signal.signal(number, _stop) for number in stopping}
    try:
        module, function = arguments.run.split(":")
        return int(getattr(importlib.import_module(f"otio_rekognition.cli.{module}"), function)(arguments))
    except RekognitionError as error:
        # AWS errors carry a status per class (see otio_rekognition.aws).
        return _fail(_in_flags(str(error)), getattr(error, "exit_status", EXIT_INPUT))
    except otio.exceptions.OTIOError as error:
        return _fail(" ".join([*getattr(arguments, "inputs", [])[:1], str(error)]), EXIT_INPUT)
    except OSError as error:
        return _fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "), EXIT_OUTPUT)
    except MemoryError:
        return _fail("out of memory: the input is too large for this machine", EXIT_INPUT)
    except KeyboardInterrupt:
        return _fail("interrupted; no output was written", 130)
    except _Stopped as stopped:
        return _fail(f"stopped by {signal.Signals(stopped.signum).name}; no output was written", 128 + stopped.signum)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stop(signum: int, _frame: object) -> None:
    raise _Stopped(signum)
