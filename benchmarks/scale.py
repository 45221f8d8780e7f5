"""Reading and exporting large jobs, as ratios measured in one run (these
machines are noisy: compare the ratios, not the seconds).

    .venv/bin/python benchmarks/scale.py                 # 1k, 10k and 100k segments
    .venv/bin/python benchmarks/scale.py 1000 10000      # quicker

For each size (shots plus cues at 59.94 fps, several 1000-segment pages) it
prints: json.loads of the input, our reader (parse + timeline), OTIO's own
otio_json reader reading that same timeline back, each with the peak memory
of a fresh process doing only that; then the time of each of our export
writers and how it grows with the size.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from pathlib import Path

import opentimelineio as otio

sys.path.insert(0, str(Path(__file__).resolve().parent))
import itertools

from synthetic_jobs import job_text

from otio_rekognition.export import write_timeline
from otio_rekognition.formats import FORMATS as ADAPTERS

RATE = Fraction(60000, 1001)
FORMATS = {"edl": ".edl", "fcpxml": ".fcpxml", "fcp7_xml": ".xml", "aaf": ".aaf"}


def _measure(work: Callable[[], object], results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    results.put((seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024))


def in_fresh_process(work: Callable[[], object]) -> tuple[float, float]:
    """(seconds, peak memory growth in MiB) of ``work`` alone in a forked process."""
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.get_context("fork").Process(target=_measure, args=(work, results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome  # type: ignore[no-any-return]


def segments_to_shots(segments: int) -> int:
    # job_text adds 10 cues per 100 shots.
    return round(segments / 1.1)


def main(sizes: list[int]) -> None:
    export_times: dict[str, list[float]] = {name: [] for name in FORMATS}
    print(f"{'segments':>9} {'json.loads s':>12} {'ours s':>8} {'MiB':>6} {'otio_json s':>11} {'MiB':>6} "
          f"{'ours/otio_json':>14} {'ours/json.loads':>15}")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in sizes:
            text = job_text(segments_to_shots(size), RATE, longest_shot=16)
            document = "[" + text.replace("\n", ",") + "]"
            loads, _ = in_fresh_process(partial(json.loads, document))
            ours, ours_mib = in_fresh_process(partial(otio.adapters.read_from_string, text, "rekognition"))
            timeline = otio.adapters.read_from_string(text, "rekognition")
            saved = otio.adapters.write_to_string(timeline, "otio_json")
            stock, stock_mib = in_fresh_process(partial(otio.adapters.read_from_string, saved, "otio_json"))
            print(f"{size:9d} {loads:12.2f} {ours:8.2f} {ours_mib:6.0f} {stock:11.2f} {stock_mib:6.0f} "
                  f"{ours / stock:14.2f} {ours / loads:15.1f}")  # fmt: skip
            for name, suffix in FORMATS.items():
                path = str(folder / f"out{suffix}")
                start = time.perf_counter()
                write_timeline(timeline, path, ADAPTERS[name])
                export_times[name].append(time.perf_counter() - start)
    print("\nexport seconds by size, and growth per 10x segments (linear: about 10x, target at most 12x):")
    for name, times in export_times.items():
        growth = [f"{later / earlier:.1f}x" for earlier, later in itertools.pairwise(times)]
        print(f"  {name:9} {' '.join(f'{t:8.2f}' for t in times)}   growth {' '.join(growth)}")


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [1000, 10000, 100000])
