"""The command line writes edit lists from a cut list, and a job's JSON from
the job, made straight from it; OTIO's adapters start from the timeline the
reader built. Both must give the same cut list, field for field, and the same
response text, for every job and every reading option."""

from __future__ import annotations

import json
import warnings
from fractions import Fraction
from typing import Any

import pytest
from helpers import SAMPLE_NAMES, SAMPLES, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import mutated_responses, scaled

from otio_rekognition import frames
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.errors import RekognitionError
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.rekognition.segments import build_segment
from otio_rekognition.rekognition.vocabulary import CUE_TYPES, SHOT, TECHNICAL_CUE
from otio_rekognition.timeline.build import build_timeline
from otio_rekognition.timeline.cutlist import cut_list, job_cut_list
from otio_rekognition.timeline.response import job_response_text, timeline_response_text

START_TIMECODES = [None, "00:00:00:00", "01:00:00:00", "10:00:00:00", "23:59:00:00"]


def outcome(make: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return make()
        except RekognitionError as error:
            return f"{type(error).__name__}: {error}"


def assert_same_routes(data: bytes | str, options: ReadOptions, *, readable: bool = True) -> None:
    """Both routes agree; input that is ``readable`` must read (a mutated response may not)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            job = read_job(data, "job.json", options.rate, options.strict)
        except RekognitionError:
            if readable:
                raise
            return
    direct = outcome(lambda: job_cut_list(job, options))
    through_timeline = outcome(lambda: cut_list(build_timeline(job, options)))
    assert direct == through_timeline
    # The same JSON; OTIO's metadata keeps the job's fields in key order, the job in Rekognition's.
    response = outcome(lambda: json.loads(job_response_text(job, options)))
    assert response == outcome(lambda: json.loads(timeline_response_text(build_timeline(job, options))))


NAMES = ["Car", "Person", "Violence", "Dog", "Tab\tName"]
LABEL_PARENTS = {"Car": ["Vehicle"], "Dog": ["Animal", "Pet"]}
LABEL_CATEGORIES = {"Car": ["Vehicles and Automotive"], "Dog": ["Animals and Pets"]}


@st.composite
def analysis_pages(draw: st.DrawFn, rate: Fraction, frame_count: int, video: dict[str, Any]) -> list[dict[str, Any]]:
    """Pages of label, moderation and text jobs of the same video: samples of a
    few names at irregular moments, some missed, some the same moment twice."""
    millis = frames.frame_to_millis(frame_count, rate)
    pages = []
    for analysis in draw(st.lists(st.sampled_from(["labels", "moderation", "text"]), max_size=3, unique=True)):
        items = []
        for _ in range(draw(st.integers(0, 25))):
            name = draw(st.sampled_from(NAMES))
            confidence = draw(st.floats(50, 100))
            timestamp = draw(st.integers(0, max(millis - 1, 0)))
            if analysis == "labels":
                parents = [{"Name": parent} for parent in LABEL_PARENTS.get(name, [])]
                categories = [{"Name": category} for category in LABEL_CATEGORIES.get(name, [])]
                details = {"Name": name, "Confidence": confidence, "Parents": parents, "Categories": categories}
                items.append({"Timestamp": timestamp, "Label": details})
            elif analysis == "moderation":
                parent = draw(st.sampled_from(["", "Violence"]))
                details = {"Name": name, "Confidence": confidence, "ParentName": parent}
                items.append({"Timestamp": timestamp, "ModerationLabel": details})
            else:
                details = {
                    "DetectedText": name,
                    "Confidence": confidence,
                    "Type": draw(st.sampled_from(["LINE", "WORD"])),
                }
                items.append({"Timestamp": timestamp, "TextDetection": details})
        list_key = {"labels": "Labels", "moderation": "ModerationLabels", "text": "TextDetections"}[analysis]
        pages.append({"JobStatus": "SUCCEEDED", "JobId": f"{analysis}-job", **video, list_key: items})
    return pages


@st.composite
def jobs(draw: st.DrawFn) -> str:
    """Well-formed jobs: shots with gaps, overlapping cues of every type and
    of a type Rekognition may add later, confidences or none; with or without
    jobs of other analyses of the same video."""
    rate = draw(st.sampled_from(frames.SMPTE_RATES))
    segments, position = [], draw(st.integers(0, 30))
    for index in range(draw(st.integers(0, 12))):
        length = draw(st.integers(1, 90))
        confidence = draw(st.none() | st.floats(50, 100))
        details = {"Index": index} | ({} if confidence is None else {"Confidence": confidence})
        segments.append(build_segment(SHOT, position, position + length - 1, rate, details))
        position += length + draw(st.sampled_from([0, 0, 0, 1, 2, 7]))
    for _ in range(draw(st.integers(0, 8))):
        first = draw(st.integers(0, position + 10))
        cue_type = draw(st.sampled_from([*CUE_TYPES, "FutureCue", "Black\tFrames"]))
        details = {"Type": cue_type, "Confidence": draw(st.floats(50, 100))}
        segments.append(build_segment(TECHNICAL_CUE, first, first + draw(st.integers(0, 60)), rate, details))
    response: dict[str, Any] = {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [{"FrameRate": float(rate), "DurationMillis": frames.frame_to_millis(position, rate)}],
        "Segments": segments,
    }
    if draw(st.booleans()):
        response["Video"] = {
            "S3Object": {"Bucket": "bucket", "Name": draw(st.sampled_from(["a.mov", "b c/Ep #1.mxf"]))}
        }
    if draw(st.booleans()):
        response["VideoMetadata"][0].update(FrameWidth=1280, FrameHeight=720)
    video = {
        "VideoMetadata": response["VideoMetadata"][0],
        **({"Video": response["Video"]} if "Video" in response else {}),
    }
    others = draw(analysis_pages(rate, max(position, 1), video))
    return "\n".join(json.dumps(page) for page in [response, *others])


@st.composite
def read_options(draw: st.DrawFn) -> ReadOptions:
    return ReadOptions.from_arguments(
        {
            "start_timecode": draw(st.sampled_from(START_TIMECODES)),
            "source_timecode": draw(st.sampled_from(START_TIMECODES)),
            "media_url": draw(st.sampled_from([None, "/media/show.mov", "file:///x/a b.mov"])),
            "segment_types": draw(st.sampled_from(["SHOT,TECHNICAL_CUE", "SHOT", "TECHNICAL_CUE"])),
            "cue_types": draw(st.sampled_from([None, "BlackFrames,Content", "Slate"])),
            "min_confidence": draw(st.sampled_from([0, 60, 99])),
            "cue_track": draw(st.booleans()),
            "shot_markers": draw(st.booleans()),
            "merge_window": draw(st.sampled_from([None, 0, 0.5, 3])),
            "labels": draw(st.sampled_from([None, "Car", "vehicle,Dog"])),
            "exclude_labels": draw(st.sampled_from([None, "person"])),
            "label_categories": draw(st.sampled_from([None, "Animals and Pets"])),
            "moderation_categories": draw(st.sampled_from([None, "Violence"])),
            "text_types": draw(st.sampled_from(["LINE", "WORD", "LINE,WORD"])),
            "analysis_tracks": draw(st.booleans()),
        }
    )


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs(), read_options())
def test_generated_jobs_give_the_same_cut_list_both_ways(data: str, options: ReadOptions) -> None:
    assert_same_routes(data, options)


@settings(max_examples=scaled(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_responses(), read_options())
def test_mutated_responses_give_the_same_cut_list_or_error_both_ways(data: bytes, options: ReadOptions) -> None:
    assert_same_routes(data, options, readable=False)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
@pytest.mark.parametrize("cue_track", [False, True])
def test_samples_give_the_same_cut_list_both_ways(name: str, cue_track: bool) -> None:
    options = ReadOptions(start_timecode="01:00:00:00", cue_track=cue_track, shot_markers=cue_track)
    assert_same_routes(sample(name).read_bytes(), options)


@pytest.mark.parametrize("name", ["25", "2997df"])
@pytest.mark.parametrize(
    "options",
    [
        ReadOptions(),
        ReadOptions(analysis_tracks=True, cue_track=True, merge_window=0, text_types=("LINE", "WORD")),
        ReadOptions(labels=("Car", "Violence"), min_confidence=90, segment_types=("TECHNICAL_CUE",)),
        ReadOptions(exclude_labels=("person",), label_categories=("Animals and Pets",), moderation_categories=("x",)),
    ],
    ids=["default", "tracks", "some", "none-of-some"],
)
def test_samples_with_every_analysis_give_the_same_cut_list_both_ways(name: str, options: ReadOptions) -> None:
    files = [sample(name), *sorted(SAMPLES.glob(f"synthetic_*_{name}.json"))]
    assert_same_routes(b"\n".join(path.read_bytes() for path in files), options)


def test_real_job_gives_the_same_cut_list_both_ways(real_job_file: Any) -> None:
    data = real_job_file.read_bytes()
    assert_same_routes(data, ReadOptions(source_timecode="10:00:00:00", rate=Fraction(25)))
    job = read_job(data, "job.json")
    assert len(job_cut_list(job, ReadOptions()).events) == 1404
