"""End to end: `otio-rekognition convert` of a large job to every format,
against a baseline measured in the same run: a process that starts Python,
imports OTIO and parses the same JSON (what no converter can avoid).

    .venv/bin/python benchmarks/end_to_end.py                  # 10,000 and 100,000 shots
    .venv/bin/python benchmarks/end_to_end.py 10000            # one size
    FORMATS=edl,fcpxml .venv/bin/python benchmarks/end_to_end.py 10000 100000

Jobs are synthetic, at 29.97 fps, with 10 cues per 100 shots, saved as
1000-segment pages one after the other (as `fetch --raw-pages` users save
them). Each time is the median of three runs (one at 100,000 shots).
Prints seconds, the ratio to the baseline (the target: at most 5 at 10,000
shots) and, with two sizes, how the time grows (linear: about the size ratio).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_jobs import job_text

BIN = Path(sys.executable).parent
SUFFIXES = {"edl": ".edl", "fcpxml": ".fcpxml", "fcp7_xml": ".xml", "aaf": ".aaf", "otio": ".otio", "json": ".json"}
BASELINE = "import json, sys, opentimelineio; d = json.JSONDecoder(); t = open(sys.argv[1]).read(); i = 0\n" + (
    "while i < len(t):\n    _, i = d.raw_decode(t, i)\n    i = len(t) - len(t[i:].lstrip())"
)


def timed(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(sizes: list[int], formats: list[str]) -> None:
    results: dict[str, list[float]] = {name: [] for name in ["baseline", *formats]}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for shots in sizes:
            runs = 3 if shots <= 20000 else 1
            job = folder / f"job{shots}.json"
            job.write_text(job_text(shots, longest_shot=16))
            baseline = timed([sys.executable, "-c", BASELINE, str(job)], runs)
            results["baseline"].append(baseline)
            print(f"{shots:,} shots ({job.stat().st_size / 1e6:.1f} MB): baseline {baseline:.2f} s")
            for name in formats:
                output = folder / f"out{SUFFIXES[name]}"
                took = timed([str(BIN / "otio-rekognition"), "convert", str(job), "-o", str(output)], runs)
                results[name].append(took)
                print(f"  {name:9} {took:7.2f} s  {took / baseline:5.1f}x baseline")
    if len(sizes) > 1:
        growth = sizes[-1] / sizes[0]
        print(f"\ngrowth from {sizes[0]:,} to {sizes[-1]:,} shots ({growth:g}x the shots):")
        for name, times in results.items():
            print(f"  {name:9} {times[-1] / times[0]:6.1f}x")


if __name__ == "__main__":
    chosen = os.environ.get("FORMATS", ",".join(SUFFIXES)).split(",")
    main([int(argument) for argument in sys.argv[1:]] or [10000, 100000], chosen)
