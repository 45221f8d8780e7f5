"""Hostile input (issue 5): every row of hostile_cases.CASES through the
reader, the OTIO adapter and the command line, and hand-built hostile
timelines through every writer.

The rule for each row: a correct timeline (with a warning when the row says
so) or one clear error line of the documented class; never a wrong
timeline, another exception, a traceback, or a half-written file.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from export_checks import ALL_FORMATS, FAST_FORMATS, MAX_MESSAGE, export_problem, one_line_problem, shot_frames
from helpers import clip_markers, detection_markers, shot_clips
from hostile_cases import (
    BASE_SHOTS,
    CASES,
    CASES_BY_ID,
    SUBPROCESS_CASE_IDS,
    Case,
    Converts,
    Outcome,
    base_response,
    encoded,
    expected_shots,
)

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.cli import main
from otio_rekognition.errors import AdapterArgumentError, RekognitionError, RekognitionWarning
from otio_rekognition.rekognition.pages import STRING_SOURCE, read_job
from otio_rekognition.timeline.build import build_timeline

PREFIX = "otio-rekognition: "
ERROR_PREFIX = PREFIX + "error: "
PROGRAM = Path(sys.executable).with_name("otio-rekognition")


@dataclass
class Result:
    timeline: otio.schema.Timeline | None = None
    error: RekognitionError | None = None
    warned: list[str] = field(default_factory=list)


def read_options(options: Mapping[str, str]) -> ReadOptions:
    return ReadOptions.from_arguments(dict(options))


def convert(reader: Callable[[], otio.schema.Timeline]) -> Result:
    """Run ``reader``; a RekognitionError is an outcome, anything else escapes
    as a failure of the test with its traceback."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            timeline = reader()
        except RekognitionError as error:
            return Result(error=error, warned=_warnings(caught))
        except Exception as error:
            raise AssertionError(f"{type(error).__name__} escaped instead of a RekognitionError: {error}") from error
    return Result(timeline=timeline, warned=_warnings(caught))


def _warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(warning.message) for warning in caught if issubclass(warning.category, RekognitionWarning)]


def read_directly(data: bytes, options: Mapping[str, str], source: str) -> otio.schema.Timeline:
    parsed = read_options(options)
    return build_timeline(read_job(data, source, parsed.rate, parsed.strict), parsed)


def mismatch(outcome: Outcome, result: Result, source: str) -> str | None:
    """Why ``result`` is not ``outcome``; None when it is."""
    for warning in result.warned:
        if problem := one_line_problem(warning):
            return f"warning {problem}"
    if isinstance(outcome, Converts):
        if result.error is not None:
            return f"expected a timeline, got {type(result.error).__name__}: {str(result.error)[:300]}"
        assert result.timeline is not None
        shots, expected = shot_frames(result.timeline), expected_shots(outcome)
        if shots != expected:
            return f"wrong timeline: shots {_short(shots)}, expected {_short(expected)}"
        track = result.timeline.tracks[0]
        for clip in shot_clips(result.timeline):
            # Every clip's record position is its source position (gaps fill the rest).
            if track.range_of_child(clip).start_time.value != clip.source_range.start_time.value:
                return f"wrong timeline: {clip.name} is not at its source position"
        if outcome.cues is not None:
            cues = clip_markers(result.timeline)
            if cues != sorted(list(cue) for cue in outcome.cues):
                return f"wrong cue markers: {cues}, expected {sorted(outcome.cues)}"
        if outcome.detections is not None:
            found = detection_markers(result.timeline)
            if found != sorted(list(marker) for marker in outcome.detections):
                return f"wrong analysis markers: {found}, expected {sorted(outcome.detections)}"
        if outcome.warning is True and not result.warned:
            return "expected a RekognitionWarning, none was given"
        if outcome.warning is False and result.warned:
            return f"expected no warning, got: {result.warned[0][:300]}"
        return None
    error = result.error
    if error is None:
        assert result.timeline is not None
        return f"expected {outcome.error.__name__}, got a timeline with shots {_short(shot_frames(result.timeline))}"
    message = str(error)
    if not isinstance(error, outcome.error):
        return f"expected {outcome.error.__name__}, got {type(error).__name__}: {message[:300]}"
    if problem := one_line_problem(message):
        return problem
    if outcome.text not in message:
        return f"message does not say {outcome.text!r}: {message}"
    if isinstance(error, AdapterArgumentError):
        if "argument" not in message:
            return f"message does not name the argument: {message}"
    elif not message.startswith(source):
        return f"message does not name the input {source!r}: {message}"
    return None


def _short(shots: tuple[tuple[int, int], ...]) -> str:
    return str(shots) if len(shots) <= 6 else f"{shots[:3]}...{shots[-2:]} ({len(shots)} clips)"


def check(case: Case, result: Result, source: str) -> None:
    problems = []
    for outcome in case.expect:
        problem = mismatch(outcome, result, source)
        if problem is None:
            return
        problems.append(problem)
    pytest.fail(f"{case.id}: " + "; or: ".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    """Each row's input, built once for the three ways it is read."""
    return {case.id: case.build() for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_reader(case: Case, built: dict[str, bytes]) -> None:
    data = built[case.id]
    result = convert(lambda: read_directly(data, case.options, "hostile.json"))
    check(case, result, "hostile.json")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_otio_adapter(case: Case, built: dict[str, bytes]) -> None:
    data = built[case.id]
    result = convert(lambda: otio.adapters.read_from_string(data, "rekognition", **case.options))
    check(case, result, STRING_SOURCE)


def cli_flags(options: Mapping[str, str]) -> list[str]:
    flags = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        flags.append(flag if value == "true" else f"{flag}={value}")
    return flags


def cli_mismatch(outcome: Outcome, case: Case, status: int, lines: list[str], inputs: Path, output: Path) -> str | None:
    others = sorted(path.name for path in output.parent.iterdir() if path != inputs and path != output)
    if others:
        return f"left files behind: {others}"
    errors = [line for line in lines if line.startswith(ERROR_PREFIX)]
    warned = [line for line in lines if line.startswith(PREFIX + "warning: ")]
    if isinstance(outcome, Converts):
        if status != 0 or errors:
            return f"expected success, got status {status}: {errors[:1]}"
        if not output.exists():
            return "reported success but wrote no file"
        if outcome.warning is True and not warned:
            return "expected a warning line, none was printed"
        if outcome.warning is False and warned:
            return f"expected no warning line, got {warned[0][:300]}"
        # The response written back must read back to the same cuts.
        written = convert(lambda: read_directly(output.read_bytes(), case.options, str(output)))
        if written.error is not None:
            return f"the written response does not read back: {written.error}"
        assert written.timeline is not None
        if shot_frames(written.timeline) != expected_shots(outcome):
            return f"the written response reads back as {_short(shot_frames(written.timeline))}"
        return None
    if status != outcome.status:
        return f"expected exit status {outcome.status}, got {status}: {lines[:2]}"
    if output.exists():
        return "failed but wrote the output file"
    if len(errors) != 1:
        return f"expected exactly one error line, got {len(errors)}: {lines[:3]}"
    # The command line names an option as the user typed it: --min-confidence, not min_confidence.
    said = f"--{outcome.text.replace('_', '-')}" if outcome.error is AdapterArgumentError else outcome.text
    if said not in errors[0]:
        return f"error line does not say {said!r}: {errors[0][:300]}"
    if outcome.error is not AdapterArgumentError and str(inputs) not in errors[0]:
        return f"error line does not name the input: {errors[0][:300]}"
    if len(errors[0]) > MAX_MESSAGE + len(ERROR_PREFIX) + len(str(inputs)):
        return f"error line is {len(errors[0])} characters long"
    return None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_command_line(case: Case, built: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "hostile.json"
    inputs.write_bytes(built[case.id])
    output = tmp_path / "out.json"
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        try:
            status = main(["convert", str(inputs), "-o", str(output), *cli_flags(case.options)])
        except BaseException as error:  # SystemExit too: the command must return a status, not raise
            raise AssertionError(f"{type(error).__name__} escaped from the command line: {error}") from error
    lines = capsys.readouterr().err.splitlines()
    # Anything not prefixed (a traceback, a bare message) is a failure whatever the outcome.
    stray = [line for line in lines if not line.startswith(PREFIX)]
    assert not stray, f"{case.id}: stray stderr lines: {stray[:5]}"
    problems = []
    for outcome in case.expect:
        problem = cli_mismatch(outcome, case, status, lines, inputs, output)
        if problem is None:
            return
        problems.append(problem)
    pytest.fail(f"{case.id}: " + "; or: ".join(problems), pytrace=False)


@pytest.mark.parametrize("case_id", SUBPROCESS_CASE_IDS)
def test_installed_command_prints_no_traceback(case_id: str, built: dict[str, bytes], tmp_path: Path) -> None:
    case = CASES_BY_ID[case_id]
    inputs = tmp_path / "hostile.json"
    inputs.write_bytes(built[case_id])
    output = tmp_path / "out.edl"
    result = subprocess.run(
        [str(PROGRAM), "convert", str(inputs), "-o", str(output), *cli_flags(case.options)],
        capture_output=True,
        timeout=120,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = stderr.splitlines()
    assert all(line.startswith(PREFIX) for line in lines), stderr[-3000:]
    expected = {0 if isinstance(outcome, Converts) else outcome.status for outcome in case.expect}
    assert result.returncode in expected, stderr[-3000:]
    if result.returncode:
        assert [line for line in lines if line.startswith(ERROR_PREFIX)], stderr
        assert not output.exists()
    else:
        assert pycmx.parse_cmx3600(io.StringIO(output.read_text())).events


# ---------------------------------------------------------------------------
# Writers


TIMELINE_ROWS = [case for case in CASES if any(isinstance(outcome, Converts) for outcome in case.expect)]
AAF_ROW_IDS = {"field-VideoMetadata[0].FrameWidth-true", "frame-rate-12.5", "nul-and-control-characters-in-names"}


@pytest.mark.parametrize("case", TIMELINE_ROWS, ids=[case.id for case in TIMELINE_ROWS])
def test_timelines_of_hostile_input_export(case: Case, built: dict[str, bytes], tmp_path: Path) -> None:
    """A timeline read from hostile input carries it in its metadata: every
    writer must still write a valid file or refuse in one line."""
    result = convert(lambda: read_directly(built[case.id], case.options, "hostile.json"))
    if result.timeline is None:
        return  # test_reader reports whether that error was right
    formats = ALL_FORMATS if case.id in AAF_ROW_IDS else FAST_FORMATS
    # A response read with rate= is written as it came, without a FrameRate: read it back the same way.
    rate = case.options.get("rate")
    problems = [export_problem(result.timeline, tmp_path / name, name, rate) for name in formats]
    assert not [problem for problem in problems if problem], problems


def _rate(value: float, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(value, rate)


def _range(start: float, duration: float, rate: float = 25) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rate(start, rate), _rate(duration, rate))


def _clip(name: str, start: float, duration: float, rate: float = 25, media: bool = True) -> otio.schema.Clip:
    reference = otio.schema.ExternalReference("s3://bucket/show.mov", _range(0, 100_000, rate)) if media else None
    return otio.schema.Clip(name=name, media_reference=reference, source_range=_range(start, duration, rate))


def _timeline(*items: otio.core.Composable, rate: float = 25, start: float | None = 0) -> otio.schema.Timeline:
    timeline = otio.schema.Timeline(name="hostile", global_start_time=None if start is None else _rate(start, rate))
    track = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    for item in items:
        track.append(item)
    timeline.tracks.append(track)
    return timeline


def _marked(clip: otio.schema.Clip, *markers: otio.schema.Marker) -> otio.schema.Clip:
    for marker in markers:
        clip.markers.append(marker)
    return clip


def _marker(name: str, start: float, duration: float, rate: float = 25, **keywords: object) -> otio.schema.Marker:
    return otio.schema.Marker(name=name, marked_range=_range(start, duration, rate), **keywords)


def _nested_stack() -> otio.schema.Timeline:
    inner = otio.schema.Track(name="inner", kind=otio.schema.TrackKind.Video)
    inner.append(_clip("inner 1", 100, 10))
    stack = otio.schema.Stack(name="stack")
    stack.append(inner)
    return _timeline(_clip("A", 0, 25), stack, _clip("B", 50, 25))


def _nested_track() -> otio.schema.Timeline:
    inner = otio.schema.Track(name="inner", kind=otio.schema.TrackKind.Video)
    inner.append(_clip("inner 1", 100, 10))
    return _timeline(_clip("A", 0, 25), inner)


def _transitions() -> otio.schema.Timeline:
    def transition() -> otio.schema.Transition:
        return otio.schema.Transition(in_offset=_rate(5, 25), out_offset=_rate(5, 25))

    return _timeline(transition(), _clip("A", 0, 25), transition(), _clip("B", 25, 25), transition())


def _audio_only() -> otio.schema.Timeline:
    timeline = otio.schema.Timeline(name="audio", global_start_time=_rate(0, 25))
    track = otio.schema.Track(kind=otio.schema.TrackKind.Audio)
    track.append(_clip("A", 0, 25))
    timeline.tracks.append(track)
    return timeline


def _hostile_metadata() -> otio.schema.Timeline:
    clips = [_clip(f"C{number}", number * 25, 25) for number in range(6)]
    clips[0].metadata["rekognition"] = {"kind": 5, "segment": "x"}
    clips[1].metadata["rekognition"] = {"kind": "shot", "segment": {"Type": "SHOT", "StartFrameNumber": "x"}}
    # OTIO metadata holds int64 at most.
    clips[2].metadata["rekognition"] = {
        "kind": "cue",
        "segment": {"Type": "TECHNICAL_CUE", "StartFrameNumber": 0, "EndFrameNumber": 2**62},
    }
    clips[3].metadata["cmx_3600"] = {"reel": 12345}
    clips[4].metadata["rekognition"] = ["not", "a", "mapping"]
    clips[5].metadata["rekognition"] = {
        "kind": "shot",
        "segment": {
            "Type": "SHOT",
            "StartFrameNumber": 125,
            "EndFrameNumber": 149,
            "ShotSegment": {"Index": -5, "Confidence": 1e308},
        },
    }
    timeline = _timeline(*clips)
    timeline.metadata["rekognition"] = {
        "job": {"VideoMetadata": "x", "SelectedSegmentTypes": -1, "JobStatus": ["SUCCEEDED"], "Segments": 5}
    }
    return timeline


def _reels() -> otio.schema.Timeline:
    # The stock EDL adapter's reel name, set by hand or by another tool: not always text.
    clips = [_clip(f"C{number}", number * 25, 25) for number in range(4)]
    for clip, reel in zip(clips, (1.5, ["A"], {"a": 1}, None), strict=True):
        clip.metadata["cmx_3600"] = {"reel": reel}
    return _timeline(*clips)


def _nan_metadata() -> otio.schema.Timeline:
    timeline = _timeline(_clip("A", 0, 25))
    timeline.metadata["rekognition"] = {
        "job": {"VideoMetadata": [{"FrameRate": 25.0, "DurationMillis": math.nan, "FrameWidth": math.inf}]}
    }
    return timeline


def _hostile_names() -> otio.schema.Timeline:
    names = [
        "line one\nTITLE: injected\n002  AX V C 00:00:00:00",
        "<&>\"' ]]> <!-- -->",
        "x" * 10_000,
        "\u202eevil\u200b",
        "🎬 shot",
        "\x00\x07\x1b[31m",
        " ",
        "",
    ]
    clips = [
        _marked(_clip(name, number * 25, 25), _marker(name, number * 25, 5, comment=name))
        for number, name in enumerate(names)
    ]
    timeline = _timeline(*clips)
    timeline.name = names[0]
    return timeline


def _many_markers() -> otio.schema.Timeline:
    # Every marker on one frame, and one per frame past the clip's end.
    clip = _clip("A", 0, 25)
    for number in range(300):
        clip.markers.append(_marker("BlackFrames", 0, 1))
        clip.markers.append(_marker("Content", number, 1))
    return _timeline(clip)


HOSTILE_TIMELINES: dict[str, Callable[[], otio.schema.Timeline]] = {
    "zero-length-clip": lambda: _timeline(_clip("A", 0, 25), _clip("empty", 25, 0), _clip("B", 25, 25)),
    "negative-source-start": lambda: _timeline(_clip("A", -10, 25), _clip("B", 15, 25)),
    "negative-duration": lambda: _timeline(_clip("A", 0, -25), _clip("B", 0, 25)),
    "no-media-reference": lambda: _timeline(_clip("A", 0, 25, media=False), _clip("B", 25, 25, media=False)),
    "no-source-range-no-available-range": lambda: _timeline(
        otio.schema.Clip(name="A", media_reference=otio.schema.ExternalReference("file:///a.mov"))
    ),
    "zero-duration-markers": lambda: _timeline(
        _marked(_clip("A", 0, 25), _marker("BlackFrames", 0, 0), _marker("Note", 24, 0)), _clip("B", 25, 25)
    ),
    "marker-before-its-clip": lambda: _timeline(_marked(_clip("A", 100, 25), _marker("Slate", 0, 10))),
    "marker-negative-start": lambda: _timeline(_marked(_clip("A", 0, 25), _marker("Slate", -50, 10))),
    "marker-unknown-color": lambda: _timeline(_marked(_clip("A", 0, 25), _marker("Slate", 0, 10, color="NOPE"))),
    "rate-12.5": lambda: _timeline(_clip("A", 0, 25, rate=12.5), _clip("B", 25, 25, rate=12.5), rate=12.5),
    "rate-0": lambda: _timeline(_clip("A", 0, 25, rate=0), rate=0),
    "rate-1000": lambda: _timeline(_clip("A", 0, 25, rate=1000), rate=1000),
    "mixed-rates": lambda: _timeline(_clip("A", 0, 25, rate=25), _clip("B", 30, 30, rate=30000 / 1001)),
    # The same source frames used twice (a repeated shot): no Rekognition response has that.
    "same-source-twice": lambda: _timeline(_clip("A", 0, 25), _clip("again", 0, 25)),
    "fractional-frames": lambda: _timeline(_clip("A", 0.4, 10.5), _clip("B", 10.6, 2.4)),
    "nested-stack": _nested_stack,
    "nested-track": _nested_track,
    "transitions": _transitions,
    "huge-values": lambda: _timeline(_clip("A", 1e15, 1e12), start=1e15),
    "huge-1e300": lambda: _timeline(_clip("A", 1e300, 1e300)),
    "infinite-duration": lambda: _timeline(_clip("A", 0, math.inf)),
    "nan-start": lambda: _timeline(_clip("A", math.nan, 25)),
    "negative-global-start": lambda: _timeline(_clip("A", 0, 25), start=-100),
    "no-global-start": lambda: _timeline(_clip("A", 0, 25), start=None),
    "empty-timeline": lambda: otio.schema.Timeline(name="empty"),
    "empty-track": lambda: _timeline(),
    "gap-only": lambda: _timeline(otio.schema.Gap(source_range=_range(0, 100))),
    "audio-only": _audio_only,
    "hostile-metadata": _hostile_metadata,
    "reel-not-text": _reels,
    "nan-in-metadata": _nan_metadata,
    "hostile-names": _hostile_names,
    "600-markers": _many_markers,
}


# AAF is slow (half a second a file): the timelines most likely to break its
# binary fields only.
AAF_TIMELINES = (
    "zero-length-clip",
    "negative-source-start",
    "no-media-reference",
    "rate-12.5",
    "transitions",
    "huge-values",
    "huge-1e300",
    "negative-global-start",
    "hostile-metadata",
    "hostile-names",
    "reel-not-text",
)
TIMELINE_EXPORTS = [
    (name, file_format)
    for name in HOSTILE_TIMELINES
    for file_format in ALL_FORMATS
    if file_format != "aaf" or name in AAF_TIMELINES
]


@pytest.mark.parametrize(("name", "file_format"), TIMELINE_EXPORTS, ids=[f"{n}-{f}" for n, f in TIMELINE_EXPORTS])
def test_hostile_timeline_export(name: str, file_format: str, tmp_path: Path) -> None:
    problem = export_problem(HOSTILE_TIMELINES[name](), tmp_path / "out", file_format)
    assert problem is None, f"{name}: {problem}"


# ---------------------------------------------------------------------------
# 100 MB


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_100_mb_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """100 MB built in memory, one input at a time: a valid response padded
    with whitespace converts; a valid response followed by 100 MB of junk is
    one short error line."""
    megabytes = 100 * 1024 * 1024
    document = encoded(base_response())
    padded = b" " * (megabytes // 2) + document + b"\n" * (megabytes // 2)
    result = convert(partial(read_directly, padded, {}, "big.json"))
    assert result.error is None and result.timeline is not None, result.error
    assert shot_frames(result.timeline) == BASE_SHOTS
    monkeypatch.setattr(sys, "stdin", _Stdin(padded))
    del padded, result
    assert main(["convert", "-", "-o", str(tmp_path / "big.otio")]) == 0
    assert capsys.readouterr().err.splitlines() == [f"{PREFIX}wrote {tmp_path / 'big.otio'} (otio)"]

    junk = document + b"x" * megabytes
    result = convert(partial(read_directly, junk, {}, "big.json"))
    assert result.error is not None and "invalid JSON" in str(result.error)
    assert one_line_problem(str(result.error)) is None
    monkeypatch.setattr(sys, "stdin", _Stdin(junk))
    del junk
    assert main(["convert", "-", "-o", str(tmp_path / "junk.otio")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX + "<stdin>") and len(lines[0]) < MAX_MESSAGE
    assert not (tmp_path / "junk.otio").exists()


def test_the_table_covers_the_issue() -> None:
    """The issue's list, item by item, is in the table."""
    ids = " ".join(CASES_BY_ID)
    for item in (
        "truncated",
        "field-",
        "minus1",
        "1e308",
        "nan-",
        "end-before-start",
        "overlap",
        "duplicated",
        "pages-of-two-jobs",
        "failed-page-among-succeeded",
        "00:01:00;00",
        "frame-rate-0",
        "frame-rate-1000",
        "frame-rate-12.5",
        "non-utf8",
        "utf8-bom",
        "utf16",
        "nested-100k",
    ):
        assert item in ids, item
    # Wrong types in every field of a segment and of the top level.
    segment_fields = {key for key in base_response()["Segments"][3]} | {"ShotSegment.Index", "ShotSegment.Confidence"}
    for key in segment_fields:
        assert any(case_id.startswith(f"field-Segments[3].{key}-") for case_id in CASES_BY_ID), key
    for key in base_response():
        assert any(case_id.startswith(f"field-{key}-") for case_id in CASES_BY_ID), key
    assert json.dumps(sorted(CASES_BY_ID))  # ids are plain text, usable with pytest -k
