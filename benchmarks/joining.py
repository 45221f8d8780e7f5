"""Joining point detections into appearances, as ratios measured in one run
(these machines are noisy: compare the ratios, not the seconds).

    .venv/bin/python benchmarks/joining.py                # 10k, 40k and 160k samples
    .venv/bin/python benchmarks/joining.py 10000 40000    # quicker

One label in every sample, every 500 ms (an appearance as long as the
programme): the worst case for joining. For each size it prints json.loads of
the job, reading it (the parse), laying it out (the joining), the joining's
ratio to json.loads, and its growth per 4x samples (linear: about 4x).
"""

from __future__ import annotations

import json
import sys
import time

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.rekognition.pages import read_jobs
from otio_rekognition.timeline.layout import lay_out


def job_text(samples: int) -> str:
    items = [{"Timestamp": index * 500, "Label": {"Name": "Car", "Confidence": 90.0}} for index in range(samples)]
    return json.dumps({"VideoMetadata": {"FrameRate": 25.0, "DurationMillis": samples * 500}, "Labels": items})


def main(sizes: list[int]) -> None:
    print(f"{'samples':>8} {'json.loads s':>12} {'read s':>8} {'join s':>8} {'join/json.loads':>15} {'growth':>7}")
    previous = None
    for size in sizes:
        text = job_text(size)
        start = time.perf_counter()
        json.loads(text)
        loads = time.perf_counter() - start
        start = time.perf_counter()
        video = read_jobs([("job.json", text)])
        read = time.perf_counter() - start
        start = time.perf_counter()
        [laid] = lay_out(video, ReadOptions()).analyses
        join = time.perf_counter() - start
        assert len(laid.appearances) == 1
        growth = f"{join / previous:.1f}x" if previous else ""
        print(f"{size:8d} {loads:12.3f} {read:8.2f} {join:8.3f} {join / loads:15.1f} {growth:>7}")
        previous = join


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [10000, 40000, 160000])
