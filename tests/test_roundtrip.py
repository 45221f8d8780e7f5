"""Timeline -> GetSegmentDetection response: lossless for what was read,
valid segments computed from ranges for what was edited; property tests over
random valid responses."""

from __future__ import annotations

import copy
import json
import math
import sys
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import SAMPLE_NAMES, SAMPLES, media_frames, plain, raw_segment, sample, shot_clips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from timecode import Timecode

from otio_rekognition.errors import TimelineError
from otio_rekognition.rekognition.pages import load_pages
from otio_rekognition.rekognition.vocabulary import CUE_TYPES

sys.path.insert(0, str(SAMPLES))
import make_samples


def canonical(segments: list[dict]) -> list[str]:
    return sorted(json.dumps(segment, sort_keys=True) for segment in segments)


def input_segments(text: str | bytes) -> list[dict]:
    unique = {json.dumps(s, sort_keys=True): s for page in load_pages(text, "input") for s in page["Segments"]}
    return list(unique.values())


def read_string(text: str | bytes, **arguments: object) -> otio.schema.Timeline:
    return otio.adapters.read_from_string(text, adapter_name="rekognition", **arguments)


def write(timeline: otio.schema.Timeline) -> dict:
    return json.loads(otio.adapters.write_to_string(timeline, adapter_name="rekognition"))


@pytest.mark.parametrize("name", [*SAMPLE_NAMES, "2997df_model1"])
def test_samples_write_back_identical_segments(name: str, no_warnings: None) -> None:
    text = sample(name).read_bytes()
    response = write(read_string(text))
    assert canonical(response["Segments"]) == canonical(input_segments(text))
    first_page = load_pages(text, "input")[0]
    for key in ("VideoMetadata", "AudioMetadata", "SelectedSegmentTypes", "JobId", "JobTag", "Video"):
        assert response.get(key) == first_page.get(key)
    assert "NextToken" not in response


def test_real_job_writes_back_identical_segments_even_through_an_otio_file(
    real_job_file: Path, tmp_path: Path, no_warnings: None
) -> None:
    timeline = otio.adapters.read_from_file(str(real_job_file))
    otio_file = tmp_path / "job.otio"
    otio.adapters.write_to_file(timeline, str(otio_file))
    # OTIO's .otio reader parses doubles a unit in the last place off; the
    # writer restores Rekognition's float32 confidences.
    response = write(otio.adapters.read_from_file(str(otio_file)))
    assert canonical(response["Segments"]) == canonical(input_segments(real_job_file.read_bytes()))
    assert len(response["Segments"]) == 1404
    assert [s["ShotSegment"]["Index"] for s in response["Segments"]] == list(range(1404))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_read_write_read_gives_the_same_timeline(name: str, no_warnings: None) -> None:
    options = {"media_url": "file:///media/show.mov", "cue_track": True, "shot_markers": True}
    timeline = read_string(sample(name).read_bytes(), **options)
    again = read_string(json.dumps(write(timeline)), **options)
    assert again.tracks.is_equivalent_to(timeline.tracks)
    assert again.global_start_time == timeline.global_start_time
    assert plain(again.metadata["rekognition"]["job"]) == plain(timeline.metadata["rekognition"]["job"])


class TestEditedTimelines:
    def test_split_clip_gives_two_computed_shots(self, cut_lists: dict) -> None:
        timeline = read_string(sample("2997df").read_bytes())
        track = timeline.tracks[0]
        clip = shot_clips(timeline)[7]  # 45n .. 1799, ends on the last frame of minute zero
        first, last = media_frames(clip.source_range)
        head, tail = clip.deepcopy(), clip.deepcopy()
        rate = clip.source_range.start_time.rate
        split = 1790
        head.source_range = otio.opentime.TimeRange(
            clip.source_range.start_time, otio.opentime.RationalTime(split - first, rate)
        )
        tail.source_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(split, rate), otio.opentime.RationalTime(last - split + 1, rate)
        )
        index = track.index(clip)
        track[index : index + 1] = [head, tail]
        shots = [s for s in write(timeline)["Segments"] if s["Type"] == "SHOT"]
        assert [s["ShotSegment"]["Index"] for s in shots] == list(range(14))
        written_tail = shots[8]
        assert (written_tail["StartFrameNumber"], written_tail["EndFrameNumber"]) == (1790, 1799)
        assert written_tail["StartTimecodeSMPTE"] == str(Timecode("29.97", frames=1791))
        assert written_tail["EndTimecodeSMPTE"] == "00:00:59;29"
        assert written_tail["DurationFrames"] == 9  # End - Start, one short, as Rekognition writes it
        assert written_tail["StartTimestampMillis"] == 1790 * 1001 // 30
        assert written_tail["ShotSegment"]["Confidence"] == raw_segment(clip)["ShotSegment"]["Confidence"]
        # and the neighbours keep Rekognition's own fields
        assert shots[9]["StartTimecodeSMPTE"] == "00:01:00;02"

    def test_trimmed_clip_and_timeline_without_metadata(self, cut_lists: dict) -> None:
        timeline = read_string(sample("25").read_bytes())
        for clip in shot_clips(timeline):
            clip.metadata.clear()
            for marker in clip.markers:
                marker.metadata.clear()
        timeline.metadata.clear()
        clip = shot_clips(timeline)[1]
        start, duration = clip.source_range.start_time, clip.source_range.duration
        ten = otio.opentime.RationalTime(10, 25)
        clip.source_range = otio.opentime.TimeRange(start + ten, duration - ten)
        response = write(timeline)
        expected_shots = copy.deepcopy(cut_lists["25"]["shots"])
        expected_shots[1][0] += 10
        again = read_string(json.dumps(response))
        assert [media_frames(c.source_range) for c in shot_clips(again)] == expected_shots
        assert sorted([m.name, *media_frames(m.marked_range)] for c in shot_clips(again) for m in c.markers) == sorted(
            cut_lists["25"]["cues"]
        )
        assert response["VideoMetadata"][0]["FrameRate"] == 25.0
        assert {
            s["TechnicalCueSegment"]["Confidence"] for s in response["Segments"] if s["Type"] == "TECHNICAL_CUE"
        } == {100.0}

    def test_hand_made_timeline(self) -> None:
        rate = 24000 / 1001
        track = otio.schema.Track()
        for first, length in ((0, 48), (48, 24)):
            track.append(
                otio.schema.Clip(
                    name="x",
                    source_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(first, rate), otio.opentime.RationalTime(length, rate)
                    ),
                )
            )
        track[1].markers.append(
            otio.schema.Marker(
                name="Slate",
                marked_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(50, rate), otio.opentime.RationalTime(5, rate)
                ),
            )
        )
        track[1].markers.append(otio.schema.Marker(name="a note, not a cue"))
        timeline = otio.schema.Timeline(tracks=[track])
        timeline.global_start_time = None
        response = write(timeline)
        assert response["VideoMetadata"][0]["FrameRate"] == pytest.approx(23.976, abs=1e-3)
        shots = [(s["StartFrameNumber"], s["EndFrameNumber"]) for s in response["Segments"] if s["Type"] == "SHOT"]
        assert shots == [(0, 47), (48, 71)]
        (slate,) = [s for s in response["Segments"] if s["Type"] == "TECHNICAL_CUE"]
        assert (slate["StartFrameNumber"], slate["EndFrameNumber"], slate["StartTimecodeSMPTE"]) == (
            50,
            54,
            "00:00:02:02",
        )

    def test_clips_of_the_same_frames_are_no_response(self) -> None:
        timeline = read_string(sample("25").read_bytes())
        track = timeline.tracks[0]
        track.append(shot_clips(timeline)[0].deepcopy())  # the first shot's frames a second time
        with pytest.raises(TimelineError, match="SHOT segments overlap"):
            otio.adapters.write_to_string(timeline, adapter_name="rekognition")


def _float32s(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False).map(make_samples.float32).filter(lambda v: low <= v <= high)


def segment_last_frame(segment: dict, tc_rate: str) -> int:
    return Timecode(tc_rate, segment["EndTimecodeSMPTE"]).frames - 1


@st.composite
def responses(draw: st.DrawFn) -> tuple[str, list[dict]]:
    """A random valid job, saved as one or several pages in a random layout."""
    name = draw(st.sampled_from(sorted(make_samples.RATES)))
    rate, tc_rate = make_samples.RATES[name]
    frame_fields = draw(st.booleans())
    position = draw(st.integers(0, 3))
    segments = []
    for index in range(draw(st.integers(0, 25))):
        length = draw(st.integers(1, 4000))
        details = {"Index": index, "Confidence": draw(_float32s(50, 100))}
        segments.append(
            make_samples.segment("SHOT", position, position + length - 1, rate, tc_rate, details, frame_fields)
        )
        position += length + draw(st.sampled_from([0, 0, 0, 1, 2, 9]))
    cue_keys = draw(
        st.sets(
            st.tuples(st.sampled_from([*CUE_TYPES, "Recap"]), st.integers(0, position + 50), st.integers(1, 3000)),
            min_size=0 if segments else 1,
            max_size=12,
        )
    )
    for kind, first, length in cue_keys:
        details = {"Type": kind, "Confidence": draw(_float32s(50, 100))}
        segments.append(
            make_samples.segment("TECHNICAL_CUE", first, first + length - 1, rate, tc_rate, details, frame_fields)
        )
    # A video at least as long as its segments: the end of the last frame, rounded down.
    frame_count = max([segment_last_frame(s, tc_rate) + 1 for s in segments] + [0])
    end = math.floor(frame_count * 1000 / rate)
    document = {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [
            {"FrameRate": make_samples.float32(float(rate)), "DurationMillis": end + draw(st.integers(0, 99999))}
        ],
        "Segments": segments,
        "SelectedSegmentTypes": [{"Type": "SHOT", "ModelVersion": "1.0" if not frame_fields else "2.0"}],
    }
    pages = make_samples.pages(document, per_page=draw(st.integers(1, 40)))
    layout = draw(st.sampled_from(["array", "concatenated", "lines"]))
    if layout == "array":
        text = json.dumps(pages)
    else:
        text = ("\n" if layout == "lines" else "\n\n").join(
            json.dumps(page, indent=None if layout == "lines" else 2) for page in pages
        )
    return text, segments


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses())
def test_random_responses_survive_read_write_read(case: tuple[str, list[dict]]) -> None:
    text, segments = case
    timeline = read_string(text, strict=True)
    response = write(timeline)
    assert canonical(response["Segments"]) == canonical(segments)
    again = read_string(json.dumps(response), strict=True)
    assert again.tracks.is_equivalent_to(timeline.tracks)
    assert again.global_start_time == timeline.global_start_time
    rate = Fraction(timeline.metadata["rekognition"]["frame_rate"])
    shots = sorted((s for s in segments if s["Type"] == "SHOT"), key=lambda s: s["StartTimestampMillis"])
    clips = shot_clips(timeline)
    assert len(clips) == len(shots) or (not shots and len(clips) == 1)
    for clip, shot in zip(clips, shots, strict=False):
        # Independent check of the frames: the timecode package reads the SMPTE strings.
        tc_rate = {v[0]: v[1] for v in make_samples.RATES.values()}[rate]
        first = Timecode(tc_rate, shot["StartTimecodeSMPTE"]).frames - 1
        last = Timecode(tc_rate, shot["EndTimecodeSMPTE"]).frames - 1
        assert media_frames(clip.source_range) == media_frames(clip.range_in_parent()) == [first, last]
