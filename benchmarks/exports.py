"""Export speed: our writers against the stock OTIO writers on the same
timeline, in one process (these machines are noisy: compare the ratios).

    .venv/bin/python benchmarks/exports.py            # 1,000 and 10,000 shots
    .venv/bin/python benchmarks/exports.py 2000 20000

Prints, per format and size, seconds and shots per second for our writer and
for the stock writer, the stock/ours ratio, and how our time grows from the
smaller size to the larger (linear means about the size ratio).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_jobs import job_text

from otio_rekognition.export import write_timeline
from otio_rekognition.formats import FORMATS

OURS = ("edl", "fcpxml", "fcp7_xml", "aaf")
STOCK = {"edl": "cmx_3600", "fcpxml": "fcpx_xml", "fcp7_xml": "fcp_xml", "aaf": "AAF"}
SUFFIX = {"edl": ".edl", "fcpxml": ".fcpxml", "fcp7_xml": ".xml", "aaf": ".aaf"}
# The stock AAF writer took minutes for 2,000 shots: only time it on small jobs.
STOCK_AAF_LIMIT = 2000


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def ours_writer(name: str, timeline: otio.schema.Timeline, folder: Path) -> Callable[[], object]:
    return lambda: write_timeline(timeline, str(folder / f"ours{SUFFIX[name]}"), FORMATS[name])


def stock_writer(name: str, timeline: otio.schema.Timeline, folder: Path) -> Callable[[], object]:
    adapter = STOCK[name]
    path = folder / f"stock{SUFFIX[name]}"
    if name == "aaf":
        return lambda: otio.adapters.write_to_file(timeline, str(path), adapter, use_empty_mob_ids=True)
    return lambda: otio.adapters.write_to_file(timeline, str(path), adapter)


def main(sizes: list[int]) -> None:
    print(f"{'format':9} {'shots':>7} {'ours s':>8} {'shots/s':>9} {'stock s':>9} {'stock/ours':>10}")
    ours_by_size: dict[str, list[float]] = {name: [] for name in OURS}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in sizes:
            timeline = otio.adapters.read_from_string(job_text(size), "rekognition")
            for name in OURS:
                ours = seconds(ours_writer(name, timeline, folder))
                ours_by_size[name].append(ours)
                stock_text = "skipped"
                if name != "aaf" or size <= STOCK_AAF_LIMIT:
                    try:
                        stock = seconds(stock_writer(name, timeline, folder))
                        stock_text = f"{stock:9.2f} {stock / ours:10.1f}"
                    except Exception as error:  # a stock writer that fails is a finding, not a crash
                        stock_text = f"fails: {type(error).__name__}: {str(error)[:60]}"
                print(f"{name:9} {size:7d} {ours:8.2f} {size / ours:9.0f} {stock_text}")
    if len(sizes) > 1:
        growth = sizes[-1] / sizes[0]
        print(
            f"\ntime growth from {sizes[0]} to {sizes[-1]} shots ({growth:g}x the shots; linear is about {growth:g}x):"
        )
        for name, times in ours_by_size.items():
            print(f"  {name:9} {times[-1] / times[0]:6.1f}x")


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [1000, 10000])
