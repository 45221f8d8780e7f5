"""Fuzzing the reader and the writers (issue 5): whatever goes in, the answer
is a timeline or a RekognitionError with one line, never another exception.

A short run here (about 20 s); benchmarks/fuzz_long.py runs the same
properties for as long as it is given. ``HYPOTHESIS_PROFILE=long`` scales
every test's examples up 30 times.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
import warnings
from pathlib import Path
from typing import Any

import opentimelineio as otio
from export_checks import ALL_FORMATS, export_problem, one_line_problem, shot_frames
from hostile_cases import base_response
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strategies import KEYS, json_values, mutated_responses, scaled

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.errors import RekognitionError
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.timeline.build import build_timeline

FUZZ: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    # One bug at a time: shrinking several distinct failures of the slow
    # writers could take minutes in CI.
    "report_multiple_bugs": False,
}
# The writers are slow to shrink (AAF: half a second a try): report the first
# failing example as found.
NO_SHRINK: dict[str, Any] = {**FUZZ, "phases": [Phase.explicit, Phase.reuse, Phase.generate]}

# ---------------------------------------------------------------------------
# The properties


def check_conversion(data: bytes | str) -> otio.schema.Timeline | None:
    """Read ``data``: a timeline whose clips are exactly the parsed shots, or
    a one-line RekognitionError (None). Anything else raises AssertionError."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            job = read_job(data, "fuzz.json")
            timeline = build_timeline(job, ReadOptions())
        except RekognitionError as error:
            problem = one_line_problem(str(error))
            assert problem is None, problem
            return None
        except Exception as error:
            raise AssertionError(f"{type(error).__name__} escaped instead of a RekognitionError: {error}") from error
    for warning in caught:
        assert one_line_problem(str(warning.message)) is None, str(warning.message)[:300]
    # Never a wrong timeline: the clips are the shots, each at its own source
    # position, in order, without overlap.
    shots = tuple((shot.first_frame, shot.last_frame) for shot in job.shots)
    frames = shot_frames(timeline)
    if shots:
        assert frames == shots, (frames[:5], shots[:5])
    else:
        assert frames in ((), ((0, max(job.frame_count, 1) - 1),)), frames
    track = timeline.tracks[0]
    previous_last = -1
    for clip in track.find_clips(shallow_search=True):
        first = clip.source_range.start_time.value
        assert track.range_of_child(clip).start_time.value == first, clip.name
        assert clip.source_range.duration.value >= 1 and first > previous_last, clip.name
        previous_last = first + clip.source_range.duration.value - 1
    return timeline


def check_exports(timeline: otio.schema.Timeline, formats: tuple[str, ...]) -> None:
    """Every writer: a valid file, or a one-line RekognitionError leaving nothing behind."""
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problems = [export_problem(timeline, Path(folder) / name, name) for name in formats]
    found = [problem for problem in problems if problem]
    assert not found, "; ".join(found)


# ---------------------------------------------------------------------------
# Strategies

# Text OTIO can hold: no lone surrogates (pybind11 refuses them).
names = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20)
RATES = [24.0, 25.0, 30000 / 1001, 60000 / 1001, 30.0, 12.5, 1.0, 1000.0]
frame_values = (
    st.integers(min_value=-50, max_value=2_000)
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(min_value=-1e6, max_value=1e6)
    | st.sampled_from([0.5, 1e300, -1e300, math.inf, math.nan])
)
otio_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.floats() | names
otio_metadata = st.recursive(
    otio_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS) | names, children, max_size=4)
    ),
    max_leaves=12,
)
segment_texts = st.sampled_from([json.dumps(segment) for segment in base_response()["Segments"]])
# What the reader writes (see timeline/metadata.py), and that changed by hand into anything.
rekognition_metadata = st.fixed_dictionaries(
    {"kind": st.sampled_from(["shot", "cue", "media", "other"]) | otio_scalars},
    optional={
        key: otio_scalars | strategy
        for key, strategy in {
            "type": st.sampled_from(["BlackFrames", "Content", "Future"]),
            "index": st.integers(0, 20),
            "confidence": st.floats(0, 100),
            "first_frame": st.integers(0, 500),
            "last_frame": st.integers(0, 500),
            "segment": segment_texts | st.text(max_size=5),
        }.items()
    },
)


@st.composite
def time_ranges(draw: st.DrawFn, rate: float) -> otio.opentime.TimeRange:
    # Mostly the timeline's own rate; sometimes another one.
    own = draw(st.sampled_from([rate, rate, rate, *RATES]))
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(draw(frame_values), own), otio.opentime.RationalTime(draw(frame_values), own)
    )


@st.composite
def markers(draw: st.DrawFn, rate: float) -> otio.schema.Marker:
    marker = otio.schema.Marker(
        name=draw(st.sampled_from(["BlackFrames", "Content", "Slate", "Shot 0001"]) | names),
        marked_range=draw(time_ranges(rate)),
        color=draw(st.sampled_from(["RED", "GREEN", "PINK", "WHITE", "NOT_A_COLOUR"])),
        comment=draw(names),
    )
    if draw(st.booleans()):
        marker.metadata["rekognition"] = draw(rekognition_metadata)
    return marker


@st.composite
def clips(draw: st.DrawFn, rate: float) -> otio.schema.Clip:
    reference = draw(st.sampled_from(["external", "external-no-range", "missing", "none"]))
    media: otio.core.MediaReference | None = None
    if reference.startswith("external"):
        available = draw(time_ranges(rate)) if reference == "external" else None
        media = otio.schema.ExternalReference(
            draw(st.sampled_from(["s3://b/show.mov", "/a b/c.mov", ""]) | names), available
        )
    elif reference == "missing":
        media = otio.schema.MissingReference()
    clip = otio.schema.Clip(name=draw(names), media_reference=media, source_range=draw(st.none() | time_ranges(rate)))
    for marker in draw(st.lists(markers(rate), max_size=3)):
        clip.markers.append(marker)
    if draw(st.booleans()):
        clip.metadata["rekognition"] = draw(rekognition_metadata)
    if draw(st.booleans()):
        clip.metadata["cmx_3600"] = {"reel": draw(otio_scalars)}
    return clip


@st.composite
def track_items(draw: st.DrawFn, rate: float, depth: int = 0) -> otio.core.Composable:
    kind = draw(st.sampled_from(["clip", "clip", "clip", "gap", "transition", "stack" if depth == 0 else "gap"]))
    if kind == "clip":
        return draw(clips(rate))
    if kind == "gap":
        return otio.schema.Gap(source_range=draw(time_ranges(rate)))
    if kind == "transition":
        return otio.schema.Transition(
            in_offset=otio.opentime.RationalTime(draw(frame_values), rate),
            out_offset=otio.opentime.RationalTime(draw(frame_values), rate),
        )
    stack = otio.schema.Stack()
    inner = otio.schema.Track()
    for item in draw(st.lists(track_items(rate, depth + 1), max_size=2)):
        inner.append(item)
    stack.append(inner)
    return stack


@st.composite
def timelines(draw: st.DrawFn) -> otio.schema.Timeline:
    """Timelines no reader made: any items, ranges, rates, references,
    markers and metadata OTIO can hold."""
    rate = draw(st.sampled_from(RATES))
    start = draw(st.none() | frame_values)
    timeline = otio.schema.Timeline(
        name=draw(names), global_start_time=None if start is None else otio.opentime.RationalTime(start, rate)
    )
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        track = otio.schema.Track(
            name=draw(names),
            kind=draw(
                st.sampled_from([otio.schema.TrackKind.Video, otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio])
            ),
        )
        for item in draw(st.lists(track_items(rate), max_size=5)):
            # OTIO itself refuses some sequences (two transitions in a row): those are no timelines.
            with contextlib.suppress(otio.exceptions.OTIOError):
                track.append(item)
        for marker in draw(st.lists(markers(rate), max_size=2)):
            track.markers.append(marker)
        timeline.tracks.append(track)
    # The job a reader would have kept: none, as read, or with one field broken.
    job = draw(st.sampled_from(["none", "read", "broken"]))
    if job != "none":
        info = {key: value for key, value in base_response().items() if key != "Segments"}
        if job == "broken":
            info[draw(st.sampled_from(sorted(info)))] = draw(otio_metadata)
        timeline.metadata["rekognition"] = {"job": info}
    return timeline


# ---------------------------------------------------------------------------
# The short run


@settings(max_examples=scaled(500), **FUZZ)
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    check_conversion(data)


@settings(max_examples=scaled(200), **FUZZ)
@given(json_values, st.sampled_from(["object", "array", "lines"]))
def test_any_json_value(value: Any, layout: str) -> None:
    if layout == "object" and not isinstance(value, dict):
        value = {"Segments": value, "JobStatus": "SUCCEEDED", "VideoMetadata": [{"FrameRate": 25.0}]}
    if layout == "lines":
        check_conversion(json.dumps(value) + "\n" + json.dumps(value))
    else:
        check_conversion(json.dumps(value))


@settings(max_examples=scaled(250), **FUZZ)
@given(mutated_responses())
def test_mutated_response_reads_and_exports(data: bytes) -> None:
    timeline = check_conversion(data)
    if timeline is not None and len(data) < 20_000:  # the real page's 404 shots are too slow to export each time
        check_exports(timeline, ("edl", "fcpxml", "fcp7_xml", "rekognition"))


@settings(max_examples=scaled(150), **FUZZ)
@given(timelines())
def test_any_timeline_exports(timeline: otio.schema.Timeline) -> None:
    check_exports(timeline, ("edl", "fcpxml", "fcp7_xml", "rekognition", "otio"))


@settings(max_examples=scaled(6), **NO_SHRINK)
@given(timelines())
def test_any_timeline_exports_aaf(timeline: otio.schema.Timeline) -> None:
    # AAF takes half a second a file: a few examples here, many in the long run.
    check_exports(timeline, ("aaf",))


assert set(ALL_FORMATS) >= {"edl", "fcpxml", "fcp7_xml", "rekognition", "otio", "aaf"}
