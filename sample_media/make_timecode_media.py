"""Make the synthetic videos with an embedded timecode track, and their jobs.

SYNTHETIC MEDIA: three seconds of ffmpeg's test pattern, 64x36, H.264 in a
QuickTime file whose tmcd track starts at the timecode below, and for each a
GetSegmentDetection response (two shots, a BlackFrames cue) as Rekognition
would write it for that file (frames counted from 00:00:00:00, drop frame at
29.97 whatever the file's own timecode says):

    tc_2997ndf.mov / .json   29.97 fps, non-drop, 01:00:00:00 (frame 108000)
    tc_2997df.mov  / .json   29.97 fps, drop frame, 01:00:00;00 (frame 107892)
    tc_25.mov      / .json   25 fps, 10:00:00:00

Run ``python sample_media/make_timecode_media.py [FOLDER]``. The ffmpeg
binary is the one the ``imageio-ffmpeg`` package ships.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from otio_rekognition import frames
from otio_rekognition.rekognition.pages import response_text
from otio_rekognition.rekognition.segments import build_segment
from otio_rekognition.rekognition.vocabulary import SHOT, TECHNICAL_CUE, float32

HERE = Path(__file__).resolve().parent
SECONDS = 3
# name: (rate as ffmpeg takes it, exact rate, embedded start timecode)
VARIANTS = {
    "tc_2997ndf": ("30000/1001", Fraction(30000, 1001), "01:00:00:00"),
    "tc_2997df": ("30000/1001", Fraction(30000, 1001), "01:00:00;00"),
    "tc_25": ("25", Fraction(25), "10:00:00:00"),
}


def frame_count(name: str) -> int:
    return SECONDS * round(VARIANTS[name][1])


def job(name: str) -> dict[str, object]:
    rate = VARIANTS[name][1]
    count = frame_count(name)
    half = count // 2
    segments = [
        build_segment(SHOT, 0, half - 1, rate, {"Index": 0, "Confidence": 99.5}),
        build_segment(SHOT, half, count - 1, rate, {"Index": 1, "Confidence": 98.25}),
        build_segment(TECHNICAL_CUE, 0, 9, rate, {"Type": "BlackFrames", "Confidence": 99.0}),
    ]
    return {
        "JobStatus": "SUCCEEDED",
        "JobId": f"synthetic-{name}",
        "VideoMetadata": [
            {
                "Codec": "h264",
                "DurationMillis": frames.frame_to_millis(count, rate),
                "Format": "QuickTime / MOV",
                "FrameRate": float32(float(rate)),
                "FrameHeight": 36,
                "FrameWidth": 64,
            }
        ],
        "Segments": segments,
        "SelectedSegmentTypes": [{"Type": SHOT, "ModelVersion": "2.0"}, {"Type": TECHNICAL_CUE, "ModelVersion": "2.0"}],
    }


def make(name: str, folder: Path) -> None:
    import imageio_ffmpeg

    ffmpeg_rate, _rate, timecode = VARIANTS[name]
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc=size=64x36:rate={ffmpeg_rate}",
            "-frames:v", str(frame_count(name)), "-timecode", timecode,
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-bitexact", "-map_metadata", "-1",
            str(folder / f"{name}.mov"),
        ],
        check=True,
    )  # fmt: skip
    (folder / f"{name}.json").write_text(response_text(job(name)))


def main(folder: Path = HERE) -> None:
    for name in VARIANTS:
        make(name, folder)
    print(json.dumps({name: frame_count(name) for name in VARIANTS}))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
