"""The offline detector on the synthetic sample videos, checked frame by frame
against the ground truth written beside them, then read back and exported
through every format, each checked by an independent reader."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import aaf2
import av
import numpy as np
import opentimelineio as otio
import pycmx
import pytest
from helpers import SAMPLES
from lxml import etree
from timecode import Timecode

from otio_rekognition import __version__
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.detect import detector
from otio_rekognition.detect.detector import DetectError, detect
from otio_rekognition.errors import RekognitionWarning
from otio_rekognition.export import write_timeline
from otio_rekognition.formats import FORMATS_BY_SUFFIX
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.rekognition.segments import build_segment
from otio_rekognition.timeline.build import build_timeline


def load_generator() -> object:
    """sample_media/make_video.py, a script rather than a module of the package."""
    spec = importlib.util.spec_from_file_location("make_video", SAMPLES / "make_video.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_video: Any = load_generator()
TRUTH = json.loads((SAMPLES / make_video.TRUTH_FILE).read_text())
VARIANTS = tuple(TRUTH)
# The timecode package's names for the rates: the independent oracle for SMPTE strings.
TC_RATES = {"2997df": "29.97", "25": "25"}
DETECTED = set(detector.DETECTED_CUE_TYPES)
# Every top-level field a GetSegmentDetection response can have.
RESPONSE_FIELDS = {
    *("JobStatus", "StatusMessage", "VideoMetadata", "AudioMetadata", "NextToken", "Segments"),
    *("SelectedSegmentTypes", "JobId", "Video", "JobTag"),
}


def shots_of(response: dict) -> list[list[int]]:
    return [[s["StartFrameNumber"], s["EndFrameNumber"]] for s in response["Segments"] if s["Type"] == "SHOT"]


def cues_of(response: dict) -> list[list]:
    return [
        [s["TechnicalCueSegment"]["Type"], s["StartFrameNumber"], s["EndFrameNumber"]]
        for s in response["Segments"]
        if s["Type"] == "TECHNICAL_CUE"
    ]


def truth_cues(name: str) -> list[list]:
    return [cue for cue in TRUTH[name]["cues"] if cue[0] in DETECTED]


def video(name: str) -> str:
    return str(SAMPLES / TRUTH[name]["file"])


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[dict, list[tuple[int, int | None]]]]:
    """Each sample detected once, with the progress calls it made."""
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in VARIANTS:
            calls: list[tuple[int, int | None]] = []

            def record(done: int, total: int | None, calls: list = calls) -> None:
                calls.append((done, total))

            results[name] = (detect(video(name), progress=record), calls)
    return results


def test_importing_the_detector_loads_no_video_library() -> None:
    # OTIO imports the package at start-up: PyAV, numpy, OpenCV and PySceneDetect load on first use only.
    heavy = "{'av', 'numpy', 'cv2', 'scenedetect'}"
    code = f"import sys, otio_rekognition.detect; print(sorted({heavy} & sys.modules.keys()))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_truth_file_is_what_the_generator_declares() -> None:
    assert {name: make_video.cut_list(name) for name in make_video.VARIANTS} == TRUTH
    for name in VARIANTS:
        assert (SAMPLES / TRUTH[name]["file"]).stat().st_size < 700_000
    assert "SYNTHETIC MEDIA" in (SAMPLES / "make_video.py").read_text()


@pytest.mark.parametrize("name", VARIANTS)
def test_committed_video_has_the_declared_structure(name: str) -> None:
    with av.open(video(name)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == Fraction(TRUTH[name]["rate"])
        assert stream.frames == TRUTH[name]["frame_count"]
        size = (stream.codec_context.width, stream.codec_context.height)
        assert size == (TRUTH[name]["width"], TRUTH[name]["height"])
        assert len(container.streams.audio) == 1


@pytest.mark.parametrize("name", VARIANTS)
def test_every_shot_is_found_to_the_frame(name: str, runs: dict) -> None:
    response, _calls = runs[name]
    assert shots_of(response) == TRUTH[name]["shots"]
    shots = [s for s in response["Segments"] if s["Type"] == "SHOT"]
    assert [s["ShotSegment"]["Index"] for s in shots] == list(range(len(shots)))
    # The dissolve's frames belong to neither shot around it.
    for _kind, first, last in TRUTH[name]["transitions"]:
        assert not any(a <= frame <= b for frame in range(first, last + 1) for a, b in shots_of(response))


@pytest.mark.parametrize("name", VARIANTS)
def test_every_black_and_colour_bar_range_is_found_to_the_frame(name: str, runs: dict) -> None:
    response, _calls = runs[name]
    assert cues_of(response) == truth_cues(name)
    assert {cue[0] for cue in truth_cues(name)} == DETECTED
    assert len([cue for cue in truth_cues(name) if cue[0] == "BlackFrames"]) == 2


@pytest.mark.parametrize("name", VARIANTS)
def test_segment_fields_follow_rekognition(name: str, runs: dict) -> None:
    response, _calls = runs[name]
    rate = Fraction(TRUTH[name]["rate"])
    tc_rate = TC_RATES[name]

    def smpte(frame: int) -> str:
        return str(Timecode(tc_rate, frames=frame + 1))

    for segment in response["Segments"]:
        first, last = segment["StartFrameNumber"], segment["EndFrameNumber"]
        assert 0 <= first <= last < TRUTH[name]["frame_count"]
        assert segment["DurationFrames"] == last - first
        assert segment["StartTimestampMillis"] == math.floor(Fraction(first * 1000) / rate)
        assert segment["EndTimestampMillis"] == math.floor(Fraction(last * 1000) / rate)
        assert segment["DurationMillis"] == segment["EndTimestampMillis"] - segment["StartTimestampMillis"]
        assert segment["StartTimecodeSMPTE"] == smpte(first)
        assert segment["EndTimecodeSMPTE"] == smpte(last)
        assert segment["DurationSMPTE"] == smpte(last - first)
        assert (";" in segment["StartTimecodeSMPTE"]) == (name == "2997df")
        details = segment["ShotSegment" if segment["Type"] == "SHOT" else "TechnicalCueSegment"]
        assert 50 <= details["Confidence"] <= 100
        assert type(details["Confidence"]) is float
    types = [segment["Type"] for segment in response["Segments"]]
    assert types == sorted(types, key=["SHOT", "TECHNICAL_CUE"].index)  # requested order, then time
    assert set(response) <= RESPONSE_FIELDS
    assert response["JobStatus"] == "SUCCEEDED"
    json.dumps(response, allow_nan=False)


@pytest.mark.parametrize("name", VARIANTS)
def test_video_and_audio_metadata_come_from_the_file(name: str, runs: dict) -> None:
    response, _calls = runs[name]
    rate = Fraction(TRUTH[name]["rate"])
    with av.open(video(name)) as container:
        stream = container.streams.video[0]
        track = container.streams.audio[0]
        assert stream.average_rate is not None and track.duration is not None and track.time_base is not None
        stream_rate = struct.unpack("f", struct.pack("f", float(stream.average_rate)))[0]
        audio_millis = math.floor(track.duration * track.time_base * 1000)
    [metadata] = response["VideoMetadata"]
    assert metadata == {
        "Codec": "h264",
        "DurationMillis": math.floor(Fraction(TRUTH[name]["frame_count"] * 1000) / rate),
        "Format": "QuickTime / MOV",
        "FrameRate": stream_rate,
        "FrameHeight": TRUTH[name]["height"],
        "FrameWidth": TRUTH[name]["width"],
        "ColorRange": "LIMITED",
    }
    if name == "2997df":
        assert metadata["FrameRate"] == 29.970029830932617
    assert response["AudioMetadata"] == [
        {"Codec": "aac", "DurationMillis": audio_millis, "SampleRate": 48000, "NumberOfChannels": 2}
    ]
    assert abs(audio_millis - metadata["DurationMillis"]) <= 1000 / rate


@pytest.mark.parametrize("name", VARIANTS)
def test_model_version_names_the_detector_and_what_it_does_not_detect(name: str, runs: dict) -> None:
    response, _calls = runs[name]
    selected = response["SelectedSegmentTypes"]
    assert [entry["Type"] for entry in selected] == ["SHOT", "TECHNICAL_CUE"]
    for entry in selected:
        assert entry["ModelVersion"].startswith(f"otio-rekognition-detect {__version__}")
    assert "PySceneDetect" in selected[0]["ModelVersion"]
    for cue_type in ("Slate", "StudioLogo", "OpeningCredits", "EndCredits", "Content"):
        assert cue_type in selected[1]["ModelVersion"].split("not detected:")[1]


@pytest.mark.parametrize("name", VARIANTS)
def test_progress_counts_every_frame(name: str, runs: dict) -> None:
    _response, calls = runs[name]
    count = TRUTH[name]["frame_count"]
    assert calls == [(done, count) for done in range(1, count + 1)]


@pytest.mark.parametrize("name", VARIANTS)
def test_reads_back_strictly_without_warnings(name: str, runs: dict, no_warnings: None) -> None:
    response, _calls = runs[name]
    job = read_job(json.dumps(response), f"{name}.json", strict=True)
    assert job.rate == Fraction(TRUTH[name]["rate"])
    assert job.frame_count == TRUTH[name]["frame_count"]
    assert [[s.first_frame, s.last_frame] for s in job.shots] == TRUTH[name]["shots"]
    assert [[s.cue_type, s.first_frame, s.last_frame] for s in job.cues] == truth_cues(name)
    assert job.jobs[0].disagreements == ()


def edl_shots(path: Path, name: str) -> list[list[int]]:
    edit_list = pycmx.parse_cmx3600(io.StringIO(path.read_text()))
    assert [s for s in edit_list.unrecognized_statements if s.content.strip()] == []

    def frame(text: str) -> int:
        return Timecode(TC_RATES[name], text).frames - 1

    return [[frame(e.edits[0].source_in), frame(e.edits[0].source_out) - 1] for e in edit_list.events]


def fcpxml_shots(path: Path, name: str) -> list[list[int]]:
    doc = etree.parse(str(path)).getroot()
    frame = Fraction(doc.find("resources/format").get("frameDuration").removesuffix("s"))

    def frames(text: str) -> int:
        value = Fraction(text.removesuffix("s")) / frame
        assert value.denominator == 1, text
        return int(value)

    clips = doc.find("library/event/project/sequence/spine").findall("asset-clip")
    return [[frames(c.get("start")), frames(c.get("start")) + frames(c.get("duration")) - 1] for c in clips]


def fcp7_shots(path: Path, name: str) -> list[list[int]]:
    doc = etree.parse(str(path)).getroot()
    [track, *_cues] = doc.findall("sequence/media/video/track")
    return [[int(item.findtext("in")), int(item.findtext("out")) - 1] for item in track.findall("clipitem")]


def aaf_shots(path: Path, name: str) -> list[list[int]]:
    with aaf2.open(str(path), "r") as aaf:
        [mob] = list(aaf.content.toplevel())
        [slot, *_cues] = [
            slot
            for slot in mob.slots
            if isinstance(slot.segment, aaf2.components.Sequence) and slot.media_kind == "Picture"
        ]
        clips = [item for item in slot.segment.components if isinstance(item, aaf2.components.SourceClip)]
        return [[clip.start, clip.start + clip.length - 1] for clip in clips]


def otio_shots(path: Path, name: str) -> list[list[int]]:
    timeline = otio.adapters.read_from_file(str(path))
    ranges = [clip.source_range for clip in timeline.tracks[0].find_clips(shallow_search=True)]
    return [[round(r.start_time.value), round(r.end_time_inclusive().value)] for r in ranges]


def json_shots(path: Path, name: str) -> list[list[int]]:
    return shots_of(json.loads(path.read_text()))


def csv_shots(path: Path, name: str) -> list[list[int]]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return [[int(row["first_frame"]), int(row["last_frame"])] for row in rows if row["type"] == "shot"]


def ale_shots(path: Path, name: str) -> list[list[int]]:
    """The shots as OTIO's ALE reader (otio-ale-adapter) reads them."""
    ranges = [clip.source_range for clip in otio.adapters.read_from_file(str(path), "ale").find_clips()]
    return [[round(r.start_time.value), round(r.end_time_inclusive().value)] for r in ranges]


READERS: dict[str, Callable[[Path, str], list[list[int]]]] = {
    ".edl": edl_shots,
    ".fcpxml": fcpxml_shots,
    ".xml": fcp7_shots,
    ".aaf": aaf_shots,
    ".otio": otio_shots,
    ".json": json_shots,
    ".csv": csv_shots,
    ".ale": ale_shots,
}
# Formats of markers only, with no cuts to compare: tested in test_marker_formats.py.
MARKER_ONLY = {".txt", ".vtt", ".srt", ".ffmetadata"}


@pytest.mark.parametrize("name", VARIANTS)
def test_converts_through_every_export_format(name: str, runs: dict, tmp_path: Path, no_warnings: None) -> None:
    response, _calls = runs[name]
    job = read_job(json.dumps(response), f"{name}.json", strict=True)
    timeline = build_timeline(job, ReadOptions(media_url=video(name)))
    assert set(READERS) | {".otioz"} | MARKER_ONLY == set(FORMATS_BY_SUFFIX)
    for suffix, reader in READERS.items():
        path = tmp_path / f"demo{suffix}"
        write_timeline(timeline, str(path), FORMATS_BY_SUFFIX[suffix])
        assert reader(path, name) == TRUTH[name]["shots"], suffix


def test_black_frame_options_change_the_rule() -> None:
    name = "2997df"
    credits = next(cue for cue in TRUTH[name]["cues"] if cue[0] == "EndCredits")
    # The credits are text on black: 96.6 % of their pixels are black, so
    # they are black frames once 90 % is enough ...
    loose = detect(video(name), segment_types=["TECHNICAL_CUE"], black_min_coverage=90)
    assert cues_of(loose) == sorted([*truth_cues(name), ["BlackFrames", credits[1], credits[2]]], key=lambda c: c[1])
    assert [entry["Type"] for entry in loose["SelectedSegmentTypes"]] == ["TECHNICAL_CUE"]
    # ... and the black parts are pure black, so even a threshold of 0 keeps them.
    strict = detect(video(name), segment_types="TECHNICAL_CUE", black_max_pixel_threshold=0.0)
    assert cues_of(strict) == truth_cues(name)


def test_adaptive_detector_finds_the_same_cuts() -> None:
    name = "25"
    response = detect(video(name), segment_types=["SHOT"], shot_detector="adaptive")
    assert shots_of(response) == TRUTH[name]["shots"]
    assert "adaptive" in response["SelectedSegmentTypes"][0]["ModelVersion"]
    assert cues_of(response) == []


@pytest.mark.parametrize(
    ("full_range", "bits", "level"),
    [(True, 8, 51), (False, 8, 59), (False, 10, 239), (True, 10, 204)],
)
def test_black_level_is_rekognitions_formula(full_range: bool, bits: int, level: int) -> None:
    # Full range 0 + 0.2 * 255 = 51; video range 16 + 0.2 * 219 = 59.8; 10 bits: 64 + 0.2 * 876 = 239.2.
    assert detector.black_level(0.2, full_range, bits) == level


def test_black_coverage_counts_pixels_at_or_below_the_level() -> None:
    luma = np.full((10, 100), 16, np.uint8)
    luma[0, :10] = 60  # 1 % of the pixels brighter than 59
    assert detector.black_coverage(luma, 59) == 99.0
    luma[0, 10] = 60
    assert detector.black_coverage(luma, 59) == 98.9


def bars(colours: Sequence[tuple[int, ...]], width: int = 256, height: int = 144) -> np.ndarray:
    image = np.zeros((height, width, 3), np.uint8)
    step = width / len(colours)
    for index, colour in enumerate(colours):
        image[:, round(index * step) : round((index + 1) * step)] = colour
    return image


SMPTE_75 = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0), (191, 0, 191), (191, 0, 0), (0, 0, 191)]


def test_colour_bar_patterns() -> None:
    assert detector.color_bars_share(bars(SMPTE_75)) == pytest.approx(1, abs=0.02)
    ebu_100 = [(255, 255, 255), *[tuple(255 if c else 0 for c in colour) for colour in SMPTE_75[1:]], (0, 0, 0)]
    assert detector.color_bars_share(bars(ebu_100)) == pytest.approx(7 / 8, abs=0.02)
    # HD bars: 40 % grey pillars either side of the seven bars.
    assert detector.color_bars_share(bars([(102, 102, 102), *SMPTE_75, (102, 102, 102)], width=288)) > 0.7
    assert detector.color_bars_share(bars(SMPTE_75[::-1])) == 0
    assert detector.color_bars_share(bars([SMPTE_75[0]])) == 0
    noisy = bars(SMPTE_75)
    noisy[::2] = 0  # not one colour from top to bottom
    assert detector.color_bars_share(noisy) == 0


def test_blend_transition() -> None:
    rng = np.random.default_rng(1)
    first, last = rng.uniform(0, 255, (18, 32, 3)), rng.uniform(0, 255, (18, 32, 3))
    dissolve = [first + (last - first) * k / 6 for k in range(7)]
    assert detector.blend_transition(dissolve)
    assert not detector.blend_transition([first, last, last, last])  # a hard cut, then a held frame
    assert not detector.blend_transition([first, first + 1, first + 2])  # too little change
    assert not detector.blend_transition([first, rng.uniform(0, 255, (18, 32, 3)), last])  # not a mix
    assert not detector.blend_transition([dissolve[0], dissolve[4], dissolve[2], dissolve[6]])  # not monotonic


def test_shot_ranges_leave_transitions_out() -> None:
    assert detector.shot_ranges(10, [], []) == [(0, 9)]
    assert detector.shot_ranges(10, [3, 7], []) == [(0, 2), (3, 6), (7, 9)]
    assert detector.shot_ranges(10, [], [(4, 5)]) == [(0, 3), (6, 9)]
    assert detector.shot_ranges(10, [8], [(0, 1)]) == [(2, 7), (8, 9)]
    assert detector.shot_ranges(10, [], [(7, 9)]) == [(0, 6)]


def test_segments_have_timecodes_only_at_smpte_rates() -> None:
    """The one segment builder: no SMPTE strings at 15 fps (readers could not
    trust them), drop frame at 29.97, Rekognition's shape either way."""
    at_15 = build_segment("SHOT", 17, 40, Fraction(15), {"Index": 0, "Confidence": 100.0})
    assert "StartTimecodeSMPTE" not in at_15 and (at_15["StartFrameNumber"], at_15["DurationFrames"]) == (17, 23)
    at_2997 = build_segment("SHOT", 1800, 1801, Fraction(30000, 1001))
    assert at_2997["StartTimecodeSMPTE"] == str(Timecode("29.97", frames=1801))  # the package counts from 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"black_max_pixel_threshold": 1.5}, "black_max_pixel_threshold: expected 0 to 1"),
        ({"black_min_coverage": -1}, "black_min_coverage: expected 0 to 100"),
        ({"segment_types": ["SHOTS"]}, "segment_types: expected SHOT, TECHNICAL_CUE or both"),
        ({"shot_detector": "histogram"}, "shot_detector: expected one of content, adaptive"),
        ({"max_dissolve_frames": 0}, "max_dissolve_frames: expected a whole number from 1 to 10000, got 0"),
        ({"min_shot_frames": 1.5}, "min_shot_frames: expected a whole number from 0"),
        ({"shot_threshold": float("nan")}, "shot_threshold: expected a number from 0 to 255, got nan"),
    ],
)
def test_bad_options(arguments: dict, message: str) -> None:
    with pytest.raises(DetectError, match=f"^{message}"):
        detect(video("25"), **arguments)


def test_files_that_are_not_videos(tmp_path: Path) -> None:
    with pytest.raises(DetectError, match=r"missing\.mp4: no such file$"):
        detect(str(tmp_path / "missing.mp4"))
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n")
    with pytest.raises(DetectError, match=r"notes\.mp4: not a video ffmpeg can read \("):
        detect(str(text))
    with pytest.raises(DetectError, match="not a video ffmpeg can read"):
        detect(str(tmp_path))
    sound = tmp_path / "tone.wav"
    with av.open(str(sound), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(DetectError, match=r"tone\.wav: no video stream$"):
        detect(str(sound))


def tiny_video(path: Path, codec: str, pixel_format: str, levels: list[int]) -> str:
    """A 64x48 video at 25 fps, one flat grey frame per luma level."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, pixel_format
        for level in levels:
            if pixel_format == "rgb24":
                frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), level, np.uint8), format="rgb24")
            else:
                planes = np.concatenate([np.full((48, 64), level, np.uint8), np.full((24, 64), 128, np.uint8)])
                frame = av.VideoFrame.from_ndarray(planes, format=pixel_format)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return str(path)


@pytest.mark.parametrize(
    ("file_name", "codec", "pixel_format", "colour_range", "black"),
    [
        # Luma 55 is black in video range (up to 59) but not in full range (up to 51); 40 is black in both.
        ("limited.mkv", "ffv1", "yuv420p", "LIMITED", [[0, 5]]),
        ("full.avi", "mjpeg", "yuvj420p", "FULL", [[3, 5]]),
        ("rgb.mov", "png", "rgb24", "FULL", [[3, 5]]),
    ],
)
def test_colour_range_sets_the_black_level(
    file_name: str, codec: str, pixel_format: str, colour_range: str, black: list, tmp_path: Path
) -> None:
    path = tiny_video(tmp_path / file_name, codec, pixel_format, [55, 55, 55, 40, 40, 40])
    response = detect(path, segment_types=["TECHNICAL_CUE"])
    assert response["VideoMetadata"][0]["ColorRange"] == colour_range
    assert cues_of(response) == [["BlackFrames", *span] for span in black]
    assert response["AudioMetadata"] == []


def test_truncated_file_warns_and_covers_what_was_decoded(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.mp4"
    data = (SAMPLES / TRUTH["25"]["file"]).read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.warns(RekognitionWarning, match=r"cut\.mp4: decoded \d+ of the 681 frames the file lists"):
        response = detect(str(truncated), segment_types=["TECHNICAL_CUE"])
    last = max(segment["EndFrameNumber"] for segment in response["Segments"])
    assert last < response["VideoMetadata"][0]["DurationMillis"] * 25 / 1000 < 681


def test_detect_without_the_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from otio_rekognition.cli import main

    monkeypatch.setitem(sys.modules, "av", None)  # what an install without the extra has
    assert main(["detect", str(SAMPLES / "demo_25.mp4"), "-o", str(tmp_path / "x.json")]) == 1
    assert capsys.readouterr().err == (
        "otio-rekognition: error: detect needs av: pip install 'otio-rekognition[detect]'\n"
    )
    assert not (tmp_path / "x.json").exists()
