"""A labels job of a million detections, as a 2-hour programme gives them,
converted to CSV, EDL and FCPXML against a process that only ``json.load``s
the same file, in the same run (these machines are noisy: compare the ratios).

    .venv/bin/python benchmarks/million.py                    # 1,000,000 detections, both kinds
    .venv/bin/python benchmarks/million.py 100000 1000000     # growth from 100k to 1M
    KINDS=long FORMATS=csv .venv/bin/python benchmarks/million.py 100000

Two kinds of job, 25 fps, a sample every 480 or 520 ms in turn, 70 labels in
each sample, 1,000 per page, saved as one JSON array of pages:

- ``coming``: the 70 are drawn from 280 names that come into view and go
  (appearances of 4 to 200 samples): thousands of appearances;
- ``long``: the same 70 names in view the whole programme (70 appearances,
  each of every sample: the worst case for joining).

Each command runs in a fresh process; it prints seconds and peak memory (the
process's maximum resident set), each as a ratio to the ``json.load``
baseline. The targets: at most 3x the time and 1.0x the memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PER_SAMPLE = 70
PAGE = 1000
FORMATS = {"csv": ".csv", "edl": ".edl", "fcpxml": ".fcpxml"}
BASELINE = "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))"


def _label(name: int, confidence: float) -> dict[str, object]:
    return {
        "Name": f"Label {name:03d}",
        "Confidence": confidence,
        "Instances": [
            {"BoundingBox": {"Width": 0.25, "Height": 0.5, "Left": 0.125, "Top": 0.25}, "Confidence": confidence}
        ]
        if name % 2
        else [],
        "Parents": [{"Name": f"Parent {name % 40:02d}"}],
        "Aliases": [{"Name": f"Alias {name:03d}"}] if name % 3 == 0 else [],
        "Categories": [{"Name": f"Category {name % 12:02d}"}],
    }


def _in_view(kind: str, sample: int) -> list[int]:
    """The 70 names in view at a sample. Coming and going: slot s shows one of
    names s, s+70, s+140 and s+210 in turn, each for a run of 4 to 200 samples."""
    if kind == "long":
        return list(range(PER_SAMPLE))
    return [slot + PER_SAMPLE * ((sample // (4 + (slot * 37) % 197)) % 4) for slot in range(PER_SAMPLE)]


def write_job(path: Path, detections: int, kind: str) -> None:
    samples = detections // PER_SAMPLE
    duration = sum(480 if sample % 2 == 0 else 520 for sample in range(samples))
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        items: list[dict[str, object]] = []
        pages = 0

        def flush(last: bool) -> None:
            nonlocal pages, items
            page: dict[str, object] = {
                "JobStatus": "SUCCEEDED",
                "VideoMetadata": {"Codec": "h264", "DurationMillis": duration, "Format": "QuickTime / MOV",
                                  "FrameRate": 25.0, "FrameHeight": 1080, "FrameWidth": 1920},
                "JobId": "a" * 64,
                "Video": {"S3Object": {"Bucket": "bench", "Name": "programme.mp4"}},
                "LabelModelVersion": "3.0",
                "Labels": items,
            }  # fmt: skip
            if not last:
                page["NextToken"] = f"token-{pages}"
            out.write(("," if pages else "") + json.dumps(page))
            pages += 1
            items = []

        timestamp = 0
        for sample in range(samples):
            for name in _in_view(kind, sample):
                items.append({"Timestamp": timestamp, "Label": _label(name, 50.0 + (name * 7 + sample) % 50)})
            timestamp += 480 if sample % 2 == 0 else 520
            while len(items) >= PAGE and sample < samples - 1:
                rest = items[PAGE:]
                items = items[:PAGE]
                flush(False)
                items = rest
        flush(True)
        out.write("]")


def run(command: list[str]) -> tuple[float, int]:
    """Seconds and peak resident memory (bytes) of a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss * 1024


def main(sizes: list[int], kinds: list[str], formats: list[str]) -> None:
    print(f"{'job':>16} {'work':>10} {'s':>8} {'x time':>7} {'peak MiB':>9} {'x peak':>7}")
    totals: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for kind in kinds:
            for size in sizes:
                job = folder / f"{kind}-{size}.json"
                write_job(job, size, kind)
                label = f"{kind} {size:,}"
                base_s, base_peak = run([sys.executable, "-c", BASELINE, str(job)])
                megabytes = job.stat().st_size / 2**20
                print(f"{label:>16} {'json.load':>10} {base_s:8.2f} {1:7.2f} {base_peak / 2**20:9.0f} {1:7.2f}"
                      f"   ({megabytes:.0f} MB of JSON)")  # fmt: skip
                for name in formats:
                    output = folder / f"out{FORMATS[name]}"
                    seconds, peak = run(
                        [str(BIN / "otio-rekognition"), "convert", str(job), "-o", str(output), "--force"]
                    )
                    totals.setdefault((kind, name), []).append(seconds)
                    print(f"{label:>16} {name:>10} {seconds:8.2f} {seconds / base_s:7.2f} {peak / 2**20:9.0f} "
                          f"{peak / base_peak:7.2f}")  # fmt: skip
                job.unlink()
    if len(sizes) > 1:
        print(f"growth {sizes[0]:,} -> {sizes[-1]:,} ({sizes[-1] / sizes[0]:g}x the detections):")
        for (kind, name), times in totals.items():
            print(f"  {kind:>6} {name:>8} {times[-1] / times[0]:6.1f}x")


if __name__ == "__main__":
    main(
        [int(size) for size in sys.argv[1:]] or [1_000_000],
        os.environ.get("KINDS", "coming,long").split(","),
        os.environ.get("FORMATS", ",".join(FORMATS)).split(","),
    )
