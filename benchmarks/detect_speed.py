"""Detector speed on 1080p: the 29.97 fps sample scaled to 1920x1080 and
looped to 10 minutes, timed against plain PyAV decoding of the same file in
the same run (these machines are noisy: compare the ratio).

    .venv/bin/python benchmarks/detect_speed.py          # 10 minutes
    .venv/bin/python benchmarks/detect_speed.py 120      # 2 minutes

Prints frames per second for decoding alone and for detection (SHOT and
TECHNICAL_CUE), their ratio, and whether every cut, black and colour-bar
range of the looped sample was found to the frame at 1080p. The video is
made in a temporary folder with the ffmpeg binary of imageio-ffmpeg.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import imageio_ffmpeg

from otio_rekognition.detect.detector import DETECTED_CUE_TYPES, detect

SAMPLES = Path(__file__).resolve().parent.parent / "sample_media"
SAMPLE = "2997df"


def ffmpeg(*arguments: str) -> None:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *arguments]
    subprocess.run(command, check=True)


def make_video(folder: Path, seconds: float) -> Path:
    """One pass of the sample encoded at 1080p, then stream-copied in a loop:
    encoding ten minutes of 1080p would take longer than detecting them."""
    once, looped = folder / "once.mp4", folder / "looped.mp4"
    source = SAMPLES / f"demo_{SAMPLE}.mp4"
    ffmpeg("-i", str(source), "-vf", "scale=1920:1080", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
           "-c:a", "copy", str(once))  # fmt: skip
    ffmpeg("-stream_loop", "-1", "-i", str(once), "-t", str(seconds), "-c", "copy", str(looped))
    return looped


def decode_only(path: Path) -> tuple[int, float]:
    """Frames and seconds to decode every frame, threaded as detect decodes."""
    start = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        count = sum(1 for _frame in container.decode(stream))
    return count, time.perf_counter() - start


def expected(frame_count: int) -> tuple[list[list[int]], list[list]]:
    """The sample's ground truth repeated once per loop, cut at the end."""
    truth = json.loads((SAMPLES / "video_cutlists.json").read_text())[SAMPLE]
    length = truth["frame_count"]
    shots, cues = [], []
    for offset in range(0, frame_count, length):
        for first, last in truth["shots"]:
            if offset + first < frame_count:
                shots.append([offset + first, min(offset + last, frame_count - 1)])
        for kind, first, last in truth["cues"]:
            if kind in DETECTED_CUE_TYPES and offset + first < frame_count:
                cues.append([kind, offset + first, min(offset + last, frame_count - 1)])
    return shots, sorted(cues, key=lambda cue: (cue[1], cue[2]))


def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = make_video(Path(scratch), seconds)
        frame_count, decode_seconds = decode_only(path)
        start = time.perf_counter()
        response = detect(str(path))
        detect_seconds = time.perf_counter() - start
    shots = [[s["StartFrameNumber"], s["EndFrameNumber"]] for s in response["Segments"] if s["Type"] == "SHOT"]
    cues = [
        [s["TechnicalCueSegment"]["Type"], s["StartFrameNumber"], s["EndFrameNumber"]]
        for s in response["Segments"]
        if s["Type"] == "TECHNICAL_CUE"
    ]
    want_shots, want_cues = expected(frame_count)
    decode_fps, detect_fps = frame_count / decode_seconds, frame_count / detect_seconds
    print(f"video: {frame_count} frames of 1920x1080 at 29.97 fps ({frame_count / 30000 * 1001 / 60:.1f} minutes)")
    print(f"PyAV decode only: {decode_seconds:7.1f} s {decode_fps:7.1f} frames/s")
    print(f"detect:           {detect_seconds:7.1f} s {detect_fps:7.1f} frames/s ({detect_fps / 29.97:.1f}x real time)")
    print(f"detect / decode:  {detect_seconds / decode_seconds:7.2f}x the time")
    print(f"shots found to the frame: {shots == want_shots} ({len(shots)} found, {len(want_shots)} expected)")
    print(f"black/colour-bar ranges to the frame: {cues == want_cues} ({len(cues)} found, {len(want_cues)} expected)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 600.0)
