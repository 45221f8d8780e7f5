"""Offline segment detection: a GetSegmentDetection response from a local
video, without AWS.

Finds what can be found by rule, in Rekognition's format, so everything
downstream (reading, timelines, exports) is unchanged:

- SHOT segments: hard cuts from PySceneDetect's content (or adaptive)
  detector; dissolves and fades found by a blend test and left out of both
  shots, as Rekognition leaves them out.
- TECHNICAL_CUE ``BlackFrames`` by Rekognition's documented rule and
  ``ColorBars`` (SMPTE, EBU and HD bar patterns).

It does not detect ``Slate``, ``StudioLogo``, ``OpeningCredits``,
``EndCredits`` or ``Content``: those need Rekognition's models. The
response says so in ``SelectedSegmentTypes[].ModelVersion``.

Confidence: these are yes/no rules, so shots and colour bars say 100;
black frames give their mean share of black pixels (99-100 by default).

av (PyAV), numpy and scenedetect are imported when a video is analysed:
OTIO imports this package at start-up and must not pay for them.
"""

from __future__ import annotations

import math
import os
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from otio_rekognition import __version__, frames
from otio_rekognition.detect.probe import reason, video_stream
from otio_rekognition.errors import RekognitionError, RekognitionWarning
from otio_rekognition.rekognition import vocabulary
from otio_rekognition.rekognition.segments import build_segment
from otio_rekognition.rekognition.vocabulary import SEGMENT_TYPES, SHOT, TECHNICAL_CUE, float32

if TYPE_CHECKING:
    import numpy as np

    Image = np.ndarray[Any, Any]

DETECTOR_NAME = "otio-rekognition-detect"
DETECTED_CUE_TYPES = ("BlackFrames", "ColorBars")
UNDETECTED_CUE_TYPES = ("Slate", "StudioLogo", "OpeningCredits", "EndCredits", "Content")
SHOT_DETECTORS = ("content", "adaptive")
# Progress callback: (frames done, frames expected or None when unknown).
Progress = Callable[[int, "int | None"], None]

# PySceneDetect analyses frames about 256 pixels wide (its SceneManager's
# default downscale); so do we, for shots and colour bars.
ANALYSIS_WIDTH = 256
# Thumbnails for the blend test: blocks of 8x8 analysis pixels.
BLOCK = 8
# A transition must change the picture as much as a clear cut does (mean
# absolute change per thumbnail channel, 0-255), ...
MIN_TRANSITION_CHANGE = 20.0
# ... every frame in it must be a mix of the frames either side, to within
# this share of that change, ...
MAX_BLEND_RESIDUAL = 0.25
# ... and no single frame may make more than this share of the change (a
# hard cut makes all of it).
MAX_BLEND_STEP = 0.6

# Colour bar classes as (R, G, B) on/off bits, left to right as all three
# standards (SMPTE, EBU, ARIB/SMPTE HD) draw them.
BAR_ORDER = (0b111, 0b110, 0b011, 0b010, 0b101, 0b100, 0b001)
# 75 % bars are 191 of 255; bars at 100 % are 255; "off" is 0 (16 in video
# range, a little more after compression).
BAR_ON, BAR_OFF = 140, 70
# A bar column must be one colour from top to bottom of the band.
BAR_MAX_STD = 20.0
# The seven bars must fill this share of the width (EBU: 7/8, HD: 3/4).
BAR_MIN_SHARE = 0.6
# The five inner bars are of equal width, to within this.
BAR_WIDTH_TOLERANCE = 0.25
# The rows that hold the bars in every standard: SMPTE bars fill the top
# 67 %, HD bars the top 58 %, EBU bars all of it.
BAR_BAND = (0.1, 0.5)

# Pixel formats whose first plane is luma stored in the low bits,
# little-endian: read as is. Anything else goes through RGB.
_LUMA_PLANE_PREFIXES = ("yuv", "yuvj", "nv12", "nv21", "nv16", "nv24", "gray")


class DetectError(RekognitionError):
    """A video cannot be analysed: no such file, not a video, no video
    stream, undecodable, or a detection option out of range."""


@dataclass(frozen=True)
class ShotSettings:
    """How shots are found. ``threshold`` None means the detector's own
    default (content: 27, adaptive: 3.0)."""

    detector: str = "content"
    threshold: float | None = None
    min_shot_frames: int = 15
    dissolve_threshold: float = 2.0
    max_dissolve_frames: int = 60


@dataclass(frozen=True)
class MediaInfo:
    rate: Fraction
    video: dict[str, Any]
    audio: list[dict[str, Any]]
    expected_frames: int | None
    # The container's own frame count (an MP4's sample table), when it has one.
    indexed_frames: int | None


def detect(
    path: str | os.PathLike[str],
    *,
    black_max_pixel_threshold: float = vocabulary.DEFAULT_BLACK_FRAME_MAX_PIXEL_THRESHOLD,
    black_min_coverage: float = vocabulary.DEFAULT_BLACK_FRAME_MIN_COVERAGE_PERCENTAGE,
    segment_types: Sequence[str] = SEGMENT_TYPES,
    shot_detector: str = "content",
    shot_threshold: float | None = None,
    min_shot_frames: int = 15,
    dissolve_threshold: float = 2.0,
    max_dissolve_frames: int = 60,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Analyse the video at ``path``; return a GetSegmentDetection response.

    ``black_max_pixel_threshold`` and ``black_min_coverage`` are Rekognition's
    ``BlackFrame.MaxPixelThreshold`` (0-1) and ``MinCoveragePercentage``
    (0-100). ``segment_types`` selects SHOT and/or TECHNICAL_CUE.
    ``progress`` is called after every frame.
    """
    path = os.fspath(path)
    types = _segment_types(segment_types)
    for name, value, limits in (
        ("black_max_pixel_threshold", black_max_pixel_threshold, vocabulary.BLACK_FRAME_MAX_PIXEL_THRESHOLD),
        ("black_min_coverage", black_min_coverage, vocabulary.BLACK_FRAME_MIN_COVERAGE_PERCENTAGE),
    ):
        problem = vocabulary.out_of_range(value, limits)
        if problem:
            raise DetectError(f"{name}: {problem}")
    settings = ShotSettings(shot_detector, shot_threshold, min_shot_frames, dissolve_threshold, max_dissolve_frames)
    _check_shot_settings(settings)

    import av

    with video_stream(path, DetectError) as (container, stream):
        info = _media_info(path, container, stream)
        analysis = _Analysis(info.rate, types, settings, black_max_pixel_threshold, black_min_coverage)
        stream.thread_type = "AUTO"
        count = 0
        try:
            for frame in container.decode(stream):
                # Frames come out of the decoder in presentation order: their
                # index is the frame number (pts can start anywhere).
                analysis.add(count, frame)
                count += 1
                if progress is not None:
                    progress(count, info.expected_frames)
        except av.FFmpegError as error:
            raise DetectError(f"{path}: cannot decode frame {count}: {reason(error)}") from None
    if count == 0:
        raise DetectError(f"{path}: the video stream has no frames that can be decoded")
    if info.indexed_frames is not None and count < info.indexed_frames:
        warnings.warn(
            f"{path}: decoded {count} of the {info.indexed_frames} frames the file lists: it may be truncated; "
            "the segments cover the frames decoded",
            RekognitionWarning,
            stacklevel=2,
        )
    return _response(info, count, analysis.full_range, analysis.segments(count), types, settings)


def black_level(max_pixel_threshold: float, full_range: bool, bits: int = 8) -> int:
    """The brightest luma value that counts as black, Rekognition's
    ``max_black_pixel_value = minimum_luminance + MaxPixelThreshold *
    luminance_range`` for the video's range and bit depth (0.2 gives 51 in
    full range, 59 in video range: 16 + 0.2 * 219 = 59.8)."""
    scale = 1 << (bits - 8)
    low, high = (0, (1 << bits) - 1) if full_range else (16 * scale, 235 * scale)
    return math.floor(low + max_pixel_threshold * (high - low))


def black_coverage(luma: Image, level: int) -> float:
    """Percentage of pixels at or below ``level``."""
    import numpy as np

    return 100.0 * int(np.count_nonzero(luma <= level)) / luma.size


def color_bars_share(rgb: Image) -> float:
    """The share (0-1) of the picture's width covered by seven colour bars in
    the standard order (white or grey, yellow, cyan, green, magenta, red,
    blue), or 0 when there are none. ``rgb``: height x width x 3, 8 bits."""
    height = rgb.shape[0]
    top = int(height * BAR_BAND[0])
    band = rgb[top : max(int(height * BAR_BAND[1]), top + 1)]
    middle = len(band) // 2
    # Most frames fail on a single row: only bars are checked top to bottom.
    if not _bars_share(band[middle : middle + 1]):
        return 0.0
    return _bars_share(band)


def blend_transition(thumbnails: Sequence[Image]) -> bool:
    """Whether the frames between the first and the last are a dissolve (or
    a fade, a dissolve with black) from the first to the last: each is
    ``(1 - a) * first + a * last`` with ``a`` rising in even-enough steps."""
    import numpy as np

    first, last = thumbnails[0], thumbnails[-1]
    change = last - first
    size = float(np.abs(change).mean())
    if len(thumbnails) < 3 or size < MIN_TRANSITION_CHANGE:
        return False
    energy = float((change * change).sum())
    previous = 0.0
    for middle in thumbnails[1:-1]:
        offset = middle - first
        mix = float((offset * change).sum()) / energy
        if not previous < mix < 1 or mix - previous > MAX_BLEND_STEP:
            return False
        if float(np.abs(offset - mix * change).mean()) > MAX_BLEND_RESIDUAL * size:
            return False
        previous = mix
    return 1 - previous <= MAX_BLEND_STEP


def shot_ranges(frame_count: int, cuts: Sequence[int], transitions: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Shots as inclusive (first, last) frames: every frame not in a
    transition, split at every cut and around every transition."""
    excluded: set[int] = set()
    starts = {0, *cuts}
    for first, last in transitions:
        excluded.update(range(first, last + 1))
        starts.add(last + 1)
    shots: list[tuple[int, int]] = []
    current: int | None = None
    for frame in range(frame_count):
        if frame in excluded or frame in starts:
            if current is not None:
                shots.append((current, frame - 1))
            current = None if frame in excluded else frame
        elif current is None:
            current = frame
    if current is not None:
        shots.append((current, frame_count - 1))
    return shots


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Inclusive (first, last) of every run of True."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            found.append((start, index - 1))
            start = None
    return found


def model_versions(types: Sequence[str], settings: ShotSettings) -> list[dict[str, str]]:
    """SelectedSegmentTypes naming this detector and what it does not detect."""
    import scenedetect

    names = {
        SHOT: f"{DETECTOR_NAME} {__version__} (PySceneDetect {scenedetect.__version__} {settings.detector} "
        "detector for cuts; dissolves and fades by blend test)",
        TECHNICAL_CUE: f"{DETECTOR_NAME} {__version__} ({', '.join(DETECTED_CUE_TYPES)} only; "
        f"not detected: {', '.join(UNDETECTED_CUE_TYPES)})",
    }
    return [{"Type": kind, "ModelVersion": names[kind]} for kind in types]


class _Analysis:
    """Everything measured per frame, in one pass over the decoded frames."""

    def __init__(
        self,
        rate: Fraction,
        types: Sequence[str],
        settings: ShotSettings,
        max_pixel_threshold: float,
        min_coverage: float,
    ) -> None:
        self.rate = rate
        self.shots = _ShotFinder(rate, settings) if SHOT in types else None
        self.cues = TECHNICAL_CUE in types
        self.max_pixel_threshold = max_pixel_threshold
        self.min_coverage = min_coverage
        self.coverage: list[float] = []
        self.bars: list[bool] = []
        self.size: tuple[int, int] | None = None
        self.reformatter: Any = None
        self.full_range = False

    def add(self, index: int, frame: Any) -> None:
        if self.size is None:
            from av.video.reformatter import VideoReformatter

            self.full_range = _full_range(frame)
            self.size = _analysis_size(frame.width, frame.height)
            # One scaler for every frame: a frame's own reformat() builds a
            # new one (with a thread pool) each time, slower than decoding.
            self.reformatter = VideoReformatter()
        # Area averaging: faster than swscale's default bilinear for large
        # reductions, and it does not alias fine detail into false changes.
        small = self.reformatter.reformat(frame, *self.size, format="bgr24", interpolation="AREA", threads=1)
        small = small.to_ndarray()
        if self.shots is not None:
            self.shots.add(index, small)
        if self.cues:
            luma, full_range, bits = _luma(frame, self.reformatter)
            self.coverage.append(black_coverage(luma, black_level(self.max_pixel_threshold, full_range, bits)))
            self.bars.append(color_bars_share(small[:, :, ::-1]) > 0)

    def segments(self, frame_count: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        if self.shots is not None:
            for index, (first, last) in enumerate(self.shots.finish(frame_count)):
                found.append(build_segment(SHOT, first, last, self.rate, {"Index": index, "Confidence": 100.0}))
        if self.cues:
            black = [value >= self.min_coverage for value in self.coverage]
            cues = [
                *(
                    self._cue("BlackFrames", first, last, self._mean_coverage(first, last))
                    for first, last in _runs(black)
                ),
                *(self._cue("ColorBars", first, last, 100.0) for first, last in _runs(self.bars)),
            ]
            found.extend(sorted(cues, key=lambda cue: (cue["StartFrameNumber"], cue["EndFrameNumber"])))
        return found

    def _mean_coverage(self, first: int, last: int) -> float:
        return round(sum(self.coverage[first : last + 1]) / (last - first + 1), 3)

    def _cue(self, kind: str, first: int, last: int, confidence: float) -> dict[str, Any]:
        return build_segment(TECHNICAL_CUE, first, last, self.rate, {"Type": kind, "Confidence": confidence})


class _ShotFinder:
    """Hard cuts from PySceneDetect, gradual transitions from the blend test."""

    def __init__(self, rate: Fraction, settings: ShotSettings) -> None:
        from scenedetect.detectors import AdaptiveDetector, ContentDetector

        self.rate = rate
        self.settings = settings
        if settings.detector == "adaptive":
            adaptive = {} if settings.threshold is None else {"adaptive_threshold": settings.threshold}
            self.detector = AdaptiveDetector(min_scene_len=settings.min_shot_frames, **adaptive)
        else:
            content = {} if settings.threshold is None else {"threshold": settings.threshold}
            self.detector = ContentDetector(min_scene_len=settings.min_shot_frames, **content)
        self.cuts: list[int] = []
        self.transitions: list[tuple[int, int]] = []
        # The thumbnails a transition can span, with the frames either side.
        self.recent: deque[Image] = deque(maxlen=settings.max_dissolve_frames + 2)
        self.run_start: int | None = None
        self.run_too_long = False
        self.last_index = 0

    def add(self, index: int, small: Image) -> None:
        import numpy as np
        from scenedetect import FrameTimecode

        self.cuts.extend(cut.frame_num for cut in self.detector.process_frame(FrameTimecode(index, self.rate), small))
        blocks = thumbnail(small)
        if self.recent:
            self._follow(index, float(np.abs(blocks - self.recent[-1]).mean()))
        self.recent.append(blocks)
        self.last_index = index

    def _follow(self, index: int, change: float) -> None:
        """Track runs of frames that each change the picture noticeably: a
        run that ends in a steady frame is tested as a transition from the
        frame before it to its last frame."""
        if change >= self.settings.dissolve_threshold:
            if self.run_start is None:
                self.run_start, self.run_too_long = index, False
            elif index - self.run_start > self.settings.max_dissolve_frames:
                self.run_too_long = True  # motion, not a transition
            return
        if self.run_start is not None and not self.run_too_long:
            # Frames run_start - 1 (the last of the shot before) to index - 1
            # (the first of the shot after); recent[-1] is index - 1.
            span = index - self.run_start + 1
            if span >= 3 and blend_transition(list(self.recent)[-span:]):
                self.transitions.append((self.run_start, index - 2))
        self.run_start = None

    def finish(self, frame_count: int) -> list[tuple[int, int]]:
        from scenedetect import FrameTimecode

        self.cuts.extend(cut.frame_num for cut in self.detector.post_process(FrameTimecode(self.last_index, self.rate)))
        # A cut the detector saw inside a transition (or at its end) is that transition.
        cuts = [cut for cut in self.cuts if not any(first <= cut <= last + 1 for first, last in self.transitions)]
        return shot_ranges(frame_count, cuts, self.transitions)


def _analysis_size(width: int, height: int) -> tuple[int, int]:
    """About 256 pixels wide, both sides whole thumbnail blocks."""
    small_width = min(ANALYSIS_WIDTH, max(BLOCK, width // BLOCK * BLOCK))
    small_height = max(BLOCK, round(small_width * height / width / BLOCK) * BLOCK)
    return small_width, small_height


def _luma(frame: Any, reformatter: Any) -> tuple[Image, bool, int]:
    """(luma plane, full range?, bits). YUV frames give their Y plane as it
    is (BT.709 luma for HD video); other formats are converted to RGB and
    weighted with BT.709's coefficients, in full range."""
    import numpy as np

    bits = frame.format.components[0].bits
    if _has_luma_plane(frame):
        plane = frame.planes[0]
        dtype = np.uint8 if bits <= 8 else np.dtype("<u2")
        per_line = plane.line_size // np.dtype(dtype).itemsize
        luma = np.frombuffer(plane, dtype).reshape(plane.height, per_line)[:, : plane.width]
        return luma, _full_range(frame), bits
    rgb = reformatter.reformat(frame, format="rgb24", threads=1).to_ndarray().astype(np.float32)
    luma = rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    return np.floor(luma + 0.5).astype(np.uint8), True, 8


def _bars_share(band: Image) -> float:
    """:func:`color_bars_share` on the rows of ``band``."""
    import numpy as np

    pixels = band.astype(np.float32)
    means = pixels.mean(axis=0)
    uniform = pixels.std(axis=0).max(axis=1) <= BAR_MAX_STD
    on, off = means >= BAR_ON, means <= BAR_OFF
    valid = uniform & np.all(on | off, axis=1)
    classes = np.where(valid, on @ np.array([4, 2, 1]), -1)
    found = _class_runs(classes.tolist())
    for start in range(len(found) - len(BAR_ORDER) + 1):
        window = found[start : start + len(BAR_ORDER)]
        if tuple(value for value, _width in window) != BAR_ORDER:
            continue
        inner = [width for _value, width in window[1:-1]]
        mean_width = sum(inner) / len(inner)
        if all(abs(width - mean_width) <= BAR_WIDTH_TOLERANCE * mean_width for width in inner):
            share = sum(width for _value, width in window) / band.shape[1]
            if share >= BAR_MIN_SHARE:
                return share
    return 0.0


def thumbnail(small: Image) -> Image:
    """Mean colour of every BLOCK x BLOCK block (float32, 0-255); summing
    rows then columns is several times faster than one reduction over both."""
    import numpy as np

    height, width, channels = small.shape
    rows = small.reshape(height // BLOCK, BLOCK, width * channels).sum(axis=1, dtype=np.uint16)
    blocks = rows.reshape(height // BLOCK, width // BLOCK, BLOCK, channels).sum(axis=2, dtype=np.uint16)
    return blocks.astype(np.float32) / (BLOCK * BLOCK)


def _has_luma_plane(frame: Any) -> bool:
    name = frame.format.name
    return bool(
        name.startswith(_LUMA_PLANE_PREFIXES) and not name.endswith("be") and frame.format.components[0].bits <= 16
    )


def _full_range(frame: Any) -> bool:
    """RGB is full range; YUV when tagged so (2: AVCOL_RANGE_JPEG) or a JPEG format."""
    return bool(not _has_luma_plane(frame) or frame.color_range == 2 or frame.format.name.startswith("yuvj"))


def _class_runs(classes: list[int]) -> list[tuple[int, int]]:
    """(class, width) of runs of equal classes, dropping runs of one or two
    columns (the soft edges between bars) and unclassified ones."""
    merged: list[tuple[int, int]] = []
    for value in classes:
        if merged and merged[-1][0] == value:
            merged[-1] = (value, merged[-1][1] + 1)
        else:
            merged.append((value, 1))
    kept: list[tuple[int, int]] = []
    for value, width in merged:
        if value < 0 or width <= 2:
            continue
        if kept and kept[-1][0] == value:
            kept[-1] = (value, kept[-1][1] + width)
        else:
            kept.append((value, width))
    return kept


def _media_info(path: str, container: Any, stream: Any) -> MediaInfo:
    rate_value = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate_value:
        raise DetectError(f"{path}: the video stream has no frame rate")
    try:
        rate = frames.snap_rate(float(rate_value))
    except ValueError as error:
        raise DetectError(f"{path}: video frame rate: {error}") from None
    context = stream.codec_context
    indexed = stream.frames or None
    seconds = _seconds(stream, container)
    expected = indexed if indexed is not None or seconds is None else round(seconds * rate)
    video = {
        "Codec": context.name,
        "DurationMillis": 0,  # from the decoded frame count, once known
        "Format": container.format.long_name,
        "FrameRate": float32(float(rate)),
        "FrameHeight": context.height,
        "FrameWidth": context.width,
        "ColorRange": "LIMITED",  # from the frames, once decoded
    }
    audio = []
    for track in container.streams.audio:
        track_seconds = _seconds(track, container)
        audio.append(
            {
                "Codec": track.codec_context.name,
                "DurationMillis": math.floor(track_seconds * 1000) if track_seconds is not None else 0,
                "SampleRate": track.codec_context.sample_rate,
                "NumberOfChannels": track.codec_context.channels,
            }
        )
    return MediaInfo(rate, video, audio, expected, indexed)


def _seconds(stream: Any, container: Any) -> Fraction | None:
    if stream.duration is not None and stream.time_base is not None:
        return Fraction(stream.duration) * stream.time_base
    if container.duration is not None:
        return Fraction(container.duration, 1_000_000)  # AV_TIME_BASE
    return None


def _response(
    info: MediaInfo,
    frame_count: int,
    full_range: bool,
    segments: list[dict[str, Any]],
    types: Sequence[str],
    settings: ShotSettings,
) -> dict[str, Any]:
    video = {
        **info.video,
        "DurationMillis": frames.frame_to_millis(frame_count, info.rate),
        "ColorRange": "FULL" if full_range else "LIMITED",
    }
    return {
        "JobStatus": vocabulary.SUCCEEDED,
        "VideoMetadata": [video],
        "AudioMetadata": info.audio,
        "Segments": segments,
        "SelectedSegmentTypes": model_versions(types, settings),
    }


def _segment_types(segment_types: Sequence[str]) -> tuple[str, ...]:
    try:
        return vocabulary.segment_types(segment_types)
    except ValueError as error:
        raise DetectError(f"segment_types: {error}") from None


def _check_range(name: str, value: float, low: float, high: float, whole: bool = False) -> None:
    # PySceneDetect reads a float scene length as seconds: frame counts must be ints.
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        what = "a whole number" if whole else "a number"
        raise DetectError(f"{name}: expected {what} from {low:g} to {high:g}, got {value!r}")


def _check_shot_settings(settings: ShotSettings) -> None:
    if settings.detector not in SHOT_DETECTORS:
        raise DetectError(f"shot_detector: expected one of {', '.join(SHOT_DETECTORS)}, got {settings.detector!r}")
    if settings.threshold is not None:
        _check_range("shot_threshold", settings.threshold, 0, 255)
    _check_range("min_shot_frames", settings.min_shot_frames, 0, 10**6, whole=True)
    _check_range("dissolve_threshold", settings.dissolve_threshold, 0, 255)
    _check_range("max_dissolve_frames", settings.max_dissolve_frames, 1, 10**4, whole=True)
