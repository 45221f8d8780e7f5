"""Shared fixtures. ``SHARED`` points at the team's shared folder (default
``../shared`` beside the checkout): the real job and Apple's DTDs live there."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import opentimelineio as otio
import pytest
from botocore.retries.standard import ExponentialBackoff
from fake_rekognition import ACCESS_KEY, SECRET_KEY, FakeRekognition
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_media"
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared")).resolve()
REAL_JOB = SHARED / "real" / "netflix-25fps-model1"
SAMPLE_NAMES = ("23976", "24", "25", "2997df", "30", "5994df")
# The timecode package's names for the sample rates: the independent oracle.
TC_RATES = {"23976": "23.976", "24": "24", "25": "25", "2997df": "29.97", "30": "30", "5994df": "59.94"}
# The README's cue colour table, restated here so the tests check the code against it.
CUE_COLOURS = {
    "ColorBars": "MAGENTA",
    "Slate": "YELLOW",
    "BlackFrames": "BLACK",
    "StudioLogo": "CYAN",
    "OpeningCredits": "BLUE",
    "EndCredits": "RED",
    "Content": "GREEN",
}


@pytest.fixture(scope="session")
def rekognition_adapter() -> otio.adapters.Adapter:
    """The adapter as OTIO finds it: through the entry point and the package's
    plugin_manifest.json, not by importing our module."""
    adapter = otio.adapters.from_name("rekognition")
    assert Path(adapter.module_abs_path()).parent.name == "otio_rekognition"
    return adapter


@pytest.fixture(scope="session")
def cut_lists() -> dict[str, dict]:
    """The declared ground truth the samples were made from."""
    return json.loads((SAMPLES / "cutlists.json").read_text())


@pytest.fixture(scope="session")
def real_pages() -> list[Path]:
    pages = [REAL_JOB / "page1.json", REAL_JOB / "page2.json"]
    for page in pages:
        assert page.exists(), f"the real job is missing: {page} (set SHARED to the shared folder)"
    return pages


@pytest.fixture
def real_job_file(real_pages: list[Path], tmp_path: Path) -> Path:
    """The real job as `cat page1.json page2.json > job.json` saves it."""
    job = tmp_path / "job.json"
    job.write_bytes(b"".join(page.read_bytes() for page in real_pages))
    return job


@pytest.fixture
def no_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def sample(name: str) -> Path:
    return SAMPLES / f"demo_{name}.json"


def media_frames(time_range: otio.opentime.TimeRange) -> list[int]:
    """[first, last] frames of a range, the last inclusive as Rekognition counts."""
    first = round(time_range.start_time.value)
    return [first, first + round(time_range.duration.value) - 1]


def shot_clips(timeline: otio.schema.Timeline) -> list[otio.schema.Clip]:
    return list(timeline.tracks[0].find_clips(shallow_search=True))


def clip_markers(timeline: otio.schema.Timeline) -> list[list]:
    """[name, first, last] of every marker on a shot-track clip, sorted."""
    return sorted(
        [marker.name, *media_frames(marker.marked_range)] for clip in shot_clips(timeline) for marker in clip.markers
    )


def developer_guide_response() -> dict:
    """The 29.97 fps, 15015 ms example from the Rekognition developer guide:
    shots 0..299 and 300..449, BlackFrames 0..299 overlapping Content 299..449."""
    return {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [
            {
                "Codec": "h264",
                "DurationMillis": 15015,
                "Format": "QuickTime / MOV",
                "FrameRate": 29.970029830932617,
                "FrameHeight": 1080,
                "FrameWidth": 1920,
            }
        ],
        "AudioMetadata": [{"Codec": "aac", "DurationMillis": 15015, "SampleRate": 44100, "NumberOfChannels": 2}],
        "Segments": [
            {
                "Type": "TECHNICAL_CUE",
                "StartTimestampMillis": 0,
                "EndTimestampMillis": 9976,
                "DurationMillis": 9976,
                "StartTimecodeSMPTE": "00:00:00;00",
                "EndTimecodeSMPTE": "00:00:09;29",
                "DurationSMPTE": "00:00:09;29",
                "TechnicalCueSegment": {"Type": "BlackFrames", "Confidence": 99.99},
                "StartFrameNumber": 0,
                "EndFrameNumber": 299,
                "DurationFrames": 299,
            },
            {
                "Type": "TECHNICAL_CUE",
                "StartTimestampMillis": 9976,
                "EndTimestampMillis": 14981,
                "DurationMillis": 5005,
                "StartTimecodeSMPTE": "00:00:09;29",
                "EndTimecodeSMPTE": "00:00:14;29",
                "DurationSMPTE": "00:00:05;00",
                "TechnicalCueSegment": {"Type": "Content", "Confidence": 100.0},
                "StartFrameNumber": 299,
                "EndFrameNumber": 449,
                "DurationFrames": 150,
            },
            {
                "Type": "SHOT",
                "StartTimestampMillis": 0,
                "EndTimestampMillis": 9976,
                "DurationMillis": 9976,
                "StartTimecodeSMPTE": "00:00:00;00",
                "EndTimecodeSMPTE": "00:00:09;29",
                "DurationSMPTE": "00:00:09;29",
                "ShotSegment": {"Index": 0, "Confidence": 99.9},
                "StartFrameNumber": 0,
                "EndFrameNumber": 299,
                "DurationFrames": 299,
            },
            {
                "Type": "SHOT",
                "StartTimestampMillis": 10010,
                "EndTimestampMillis": 14981,
                "DurationMillis": 4971,
                "StartTimecodeSMPTE": "00:00:10;00",
                "EndTimecodeSMPTE": "00:00:14;29",
                "DurationSMPTE": "00:00:04;29",
                "ShotSegment": {"Index": 1, "Confidence": 99.8},
                "StartFrameNumber": 300,
                "EndFrameNumber": 449,
                "DurationFrames": 149,
            },
        ],
        "SelectedSegmentTypes": [
            {"Type": "SHOT", "ModelVersion": "1.1"},
            {"Type": "TECHNICAL_CUE", "ModelVersion": "2.0"},
        ],
    }


def plain(value: object) -> object:
    """OTIO metadata as plain dicts and lists (AnyVector compares by identity)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {key: plain(item) for key, item in value.items()}  # type: ignore[union-attr]
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [plain(item) for item in value]  # type: ignore[union-attr]
    return value


# `HYPOTHESIS_PROFILE=long make test` for a deeper search than CI's default.
settings.register_profile("long", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test credentials only: no profile, config file, SSO cache or instance
    metadata can be found, so no test can reach or use a real account."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # botocore's retry delays (up to 1 s, doubling, for throttling) scaled
    # down: the retries themselves are real, only the waiting is shortened.
    monkeypatch.setattr(
        ExponentialBackoff, "_DEFAULT_BACKOFF_CONFIG", {"throttling_base_scale": 0.001, "non_throttling_base_scale": 0}
    )


@pytest.fixture
def fake() -> Iterator[FakeRekognition]:
    with FakeRekognition() as server:
        yield server
