"""``otio-rekognition detect``: shots and cues of a local video, offline."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from otio_rekognition.cli.terminal import PROGRAM
from otio_rekognition.errors import AdapterArgumentError, RekognitionError
from otio_rekognition.output import write_atomically
from otio_rekognition.rekognition.pages import response_text


def detect_video(arguments: argparse.Namespace) -> int:
    from otio_rekognition.detect.detector import DETECTED_CUE_TYPES, UNDETECTED_CUE_TYPES, detect

    if Path(arguments.output).suffix.lower() != ".json" and arguments.output != "-":
        raise AdapterArgumentError(
            f"{arguments.output}: detect writes a GetSegmentDetection response (JSON): "
            "use -o NAME.json, then convert it to any format"
        )
    names = ("black_max_pixel_threshold", "black_min_coverage", "shot_detector", "shot_threshold",
             "min_shot_frames", "dissolve_threshold", "max_dissolve_frames")  # fmt: skip
    try:
        with _progress_bar(arguments.video) as progress:
            response = detect(
                arguments.video,
                segment_types=tuple(arguments.segment_types.split(",")),
                progress=progress,
                **{name: getattr(arguments, name) for name in names},
            )
    except ImportError as error:  # PyAV, PySceneDetect, numpy and tqdm are the detect extra, imported when used
        raise RekognitionError(f"detect needs {error.name}: pip install 'otio-rekognition[detect]'") from None
    write_atomically(arguments.output, response_text(response))
    shots = sum(segment["Type"] == "SHOT" for segment in response["Segments"])
    print(
        f"{PROGRAM}: wrote {arguments.output}: {shots} shots, {len(response['Segments']) - shots} technical cues "
        f"({', '.join(DETECTED_CUE_TYPES)}); not detected offline: {', '.join(UNDETECTED_CUE_TYPES)}",
        file=sys.stderr,
    )
    return 0


@contextlib.contextmanager
def _progress_bar(video: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A tqdm bar on a terminal; nothing in a log or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(desc=Path(video).name, unit="frame", leave=False, file=sys.stderr) as bar:

        def update(done: int, total: int | None) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield update
