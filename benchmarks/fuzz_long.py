"""The long fuzz run (issue 5): the properties of tests/test_fuzz.py for as
long as you give it, counting every input and collecting every distinct
failure instead of stopping at the first.

    .venv/bin/python benchmarks/fuzz_long.py --seconds 600             # atheris when installed
    .venv/bin/python benchmarks/fuzz_long.py --seconds 600 --engine hypothesis

Engines:

- ``atheris`` (``pip install atheris``; Linux and macOS wheels): coverage-guided
  libFuzzer. Its bytes go to the reader as they are, or drive the Hypothesis
  strategies (``fuzz_one_input``) that build JSON values, mutated responses
  and timelines, so the coverage guidance reaches the writers too.
- ``hypothesis``: the same strategies fed random bytes; no coverage guidance.

Inputs: ``bytes`` (raw input to the reader), ``json`` (any JSON value),
``mutated`` (a valid response with fields dropped, replaced, retyped, nudged
or duplicated, then every fast writer), ``timeline`` (a timeline no reader
made, through edl, fcpxml, fcp7_xml, rekognition and otio) and ``aaf`` (the
same through the AAF writer: half a second a file, so 2% of the inputs).

Prints the inputs run per kind and each distinct failure (exception type and
the line it came from) with its count and first example; exits 1 if any.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("SHARED", str(ROOT.parent / "shared"))

try:
    import atheris
except ImportError:  # the hypothesis engine still runs
    atheris = None

if atheris is not None:
    # Instrument our package (and only it) for coverage guidance.
    with atheris.instrument_imports(include=["otio_rekognition"]):
        # The writers are imported lazily by exports: import them here, or they run uninstrumented.
        from otio_rekognition import aaf, cli, cutlist, edl, exports, fcp7_xml, fcpxml, response, response_writer

        INSTRUMENTED = (aaf, cli, cutlist, edl, exports, fcp7_xml, fcpxml, response, response_writer)

import opentimelineio as otio  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from test_fuzz import (  # noqa: E402
    check_conversion,
    check_exports,
    json_values,
    mutated_responses,
    timelines,
)

KINDS = ("bytes", "json", "mutated", "timeline", "aaf")
# Out of 256: the first byte of an atheris input picks the kind by these ranges.
SHARES = {"bytes": 50, "json": 50, "mutated": 80, "timeline": 71, "aaf": 5}
FAST_WRITERS = ("edl", "fcpxml", "fcp7_xml", "rekognition")


@dataclass
class Failure:
    kind: str
    message: str
    where: str
    example: str
    count: int = 1


class Run:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.started = time.monotonic()
        self.inputs: Counter[str] = Counter()
        self.failures: dict[str, Failure] = {}

    def check(self, kind: str, function: Callable[[Any], Any], value: Any) -> None:
        self.inputs[kind] += 1
        try:
            function(value)
        except AssertionError as error:
            cause = error.__cause__ or error
            where = _origin(cause)
            key = f"{type(cause).__name__} at {where}" if error.__cause__ else f"{_gist(str(error))} at {where}"
            if key in self.failures:
                self.failures[key].count += 1
            else:
                self.failures[key] = Failure(kind, str(error)[:400], where, repr(value)[:600])
                print(f"new failure #{len(self.failures)} ({kind}): {key}", file=sys.stderr, flush=True)

    def report(self) -> int:
        elapsed = time.monotonic() - self.started
        total = sum(self.inputs.values())
        print(f"\n{total} inputs in {elapsed:.0f} s: " + ", ".join(f"{k} {self.inputs[k]}" for k in KINDS))
        if not self.failures:
            print("no failure found")
            return 0
        print(f"{len(self.failures)} distinct failure(s):")
        for number, (key, failure) in enumerate(sorted(self.failures.items(), key=lambda i: -i[1].count), 1):
            print(f"\n{number}. {key}  [{failure.kind}, {failure.count} input(s)]")
            print(f"   {failure.message}")
            print(f"   first input: {failure.example}")
        return 1


def _gist(message: str) -> str:
    """A failure's message without what varies between inputs (file names,
    numbers, quoted values), so one bug is one entry."""
    message = re.sub(r"(/[^\s:]+)+|<string>|fuzz\.json", "<file>", message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"|\d+(\.\d+)?(e[+-]?\d+)?", "_", message)
    return message[:90]


def _origin(error: BaseException) -> str:
    """The innermost line of our package (else of anything) the error came from."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "otio_rekognition" in frame.filename] or frames
    if not ours:
        return "?"
    frame = ours[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


RUN: Run


def _exports(formats: tuple[str, ...]) -> Callable[[otio.schema.Timeline], None]:
    return lambda timeline: check_exports(timeline, formats)


def _mutated(data: bytes) -> None:
    timeline = check_conversion(data)
    if timeline is not None and len(data) < 20_000:
        check_exports(timeline, FAST_WRITERS)


def _json(value: Any) -> None:
    check_conversion(json.dumps(value))


# Hypothesis drives the strategies; each property records its own failures,
# so fuzz_one_input never raises and the run goes on.
QUIET = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))


@QUIET
@given(json_values)
def fuzz_json(value: Any) -> None:
    RUN.check("json", _json, value)


@QUIET
@given(mutated_responses())
def fuzz_mutated(data: bytes) -> None:
    RUN.check("mutated", _mutated, data)


@QUIET
@given(timelines())
def fuzz_timeline(timeline: otio.schema.Timeline) -> None:
    RUN.check("timeline", _exports((*FAST_WRITERS, "otio")), timeline)


@QUIET
@given(timelines())
def fuzz_aaf(timeline: otio.schema.Timeline) -> None:
    RUN.check("aaf", _exports(("aaf",)), timeline)


DRIVERS: dict[str, Callable[[bytes], Any]] = {
    "bytes": lambda data: RUN.check("bytes", check_conversion, data),
    "json": fuzz_json.hypothesis.fuzz_one_input,  # type: ignore[attr-defined]
    "mutated": fuzz_mutated.hypothesis.fuzz_one_input,  # type: ignore[attr-defined]
    "timeline": fuzz_timeline.hypothesis.fuzz_one_input,  # type: ignore[attr-defined]
    "aaf": fuzz_aaf.hypothesis.fuzz_one_input,  # type: ignore[attr-defined]
}


def _kind_of(selector: int) -> str:
    for kind in KINDS:
        if selector < SHARES[kind]:
            return kind
        selector -= SHARES[kind]
    return KINDS[-1]


def one_input(data: bytes) -> None:
    if time.monotonic() > RUN.deadline:
        sys.stdout.flush()
        os._exit(RUN.report())  # libFuzzer would exit without our summary
    if not data:
        return
    DRIVERS[_kind_of(data[0])](data[1:])


def _seed_corpus(folder: Path) -> None:
    """Valid responses (as ``bytes`` inputs) for libFuzzer to start from."""
    selector = bytes([0])  # a first byte that picks "bytes"
    seeds = [ROOT / "sample_media" / f"demo_{name}.json" for name in ("25", "2997df", "2997df_model1", "5994df")]
    for number, path in enumerate(seeds):
        (folder / f"seed{number}").write_bytes(selector + path.read_bytes())
    # Several seeds per strategy-driven kind, so that libFuzzer starts with all of them.
    for kind_number, kind in enumerate(KINDS[1:], 1):
        first = sum(SHARES[k] for k in KINDS[:kind_number])
        for copy in range(8):
            (folder / f"seed-{kind}-{copy}").write_bytes(bytes([first]) + os.urandom(256 << (copy % 4)))


def run_atheris(seconds: float) -> int:
    assert atheris is not None
    with tempfile.TemporaryDirectory(prefix="fuzz-corpus-") as corpus:
        _seed_corpus(Path(corpus))
        # Our own deadline prints the summary; libFuzzer's is the safety net.
        arguments = [
            sys.argv[0],
            corpus,
            f"-max_total_time={int(seconds) + 120}",
            "-max_len=65536",
            "-rss_limit_mb=4096",
            "-print_final_stats=0",
        ]
        atheris.Setup(arguments, one_input)
        atheris.Fuzz()
    return RUN.report()


def run_hypothesis(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    while time.monotonic() < RUN.deadline:
        data = bytes([rng.randrange(256)]) + rng.randbytes(rng.choice([16, 256, 4096]))
        one_input(data)
    return RUN.report()


def main() -> int:
    global RUN
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600, help="how long to run (600)")
    parser.add_argument("--engine", choices=("atheris", "hypothesis"), help="default: atheris when installed")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the hypothesis engine")
    arguments = parser.parse_args()
    engine = arguments.engine or ("atheris" if atheris is not None else "hypothesis")
    if engine == "atheris" and atheris is None:
        parser.error("atheris is not installed: pip install atheris, or use --engine hypothesis")
    print(f"fuzzing for {arguments.seconds:.0f} s with {engine}", flush=True)
    RUN = Run(arguments.seconds)
    return run_atheris(arguments.seconds) if engine == "atheris" else run_hypothesis(arguments.seconds, arguments.seed)


if __name__ == "__main__":
    sys.exit(main())
