"""Timelines built through the OTIO plugin: cuts, gaps, markers, metadata and
every adapter argument, checked against the declared cut lists and the real job."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import (
    SAMPLE_NAMES,
    SAMPLES,
    TC_RATES,
    clip_markers,
    developer_guide_response,
    media_frames,
    raw_segment,
    sample,
    shot_clips,
)
from timecode import Timecode

from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.timeline.layout import CUE_COLORS


def read(path: Path | str, **arguments: object) -> otio.schema.Timeline:
    return otio.adapters.read_from_file(str(path), adapter_name="rekognition", **arguments)


def read_text(text: str, **arguments: object) -> otio.schema.Timeline:
    return otio.adapters.read_from_string(text, adapter_name="rekognition", **arguments)


def test_adapter_is_found_through_the_plugin_manifest(rekognition_adapter: otio.adapters.Adapter) -> None:
    assert list(rekognition_adapter.suffixes) == ["json"]
    assert "json" in otio.adapters.suffixes_with_defined_adapters(read=True)
    timeline = otio.adapters.read_from_file(str(sample("25")))  # chosen by suffix
    assert len(shot_clips(timeline)) == 13


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_rate_matches_the_declared_cut_list(name: str, cut_lists: dict, no_warnings: None) -> None:
    truth = cut_lists[name]
    timeline = read(sample(name))
    clips = shot_clips(timeline)
    assert [media_frames(clip.source_range) for clip in clips] == truth["shots"]
    assert [media_frames(clip.range_in_parent()) for clip in clips] == truth["shots"]  # record == source
    assert clip_markers(timeline) == sorted(truth["cues"])
    # Editors' default sequence start, counted as the media's rate counts.
    assert timeline.global_start_time.to_timecode() == ("01:00:00;00" if "df" in name else "01:00:00:00")
    gaps = [item for item in timeline.tracks[0] if isinstance(item, otio.schema.Gap)]
    assert [round(gap.duration().value) for gap in gaps] == [2, 1, 2]
    for clip in clips:
        available = clip.media_reference.available_range
        assert (available.start_time.value, available.duration.value) == (0, truth["frame_count"])


@pytest.mark.parametrize("name", ["2997df", "5994df"])
def test_drop_frame_cuts_land_on_the_minute_labels(name: str) -> None:
    timeline = read(sample(name))
    rate = timeline.global_start_time.rate
    starts = [clip.source_range.start_time.to_timecode(rate) for clip in shot_clips(timeline)]
    assert ("00:01:00;02" if name == "2997df" else "00:01:00;04") in starts
    assert "00:10:00;00" in starts
    for clip in shot_clips(timeline):
        segment = raw_segment(clip)
        independent = Timecode(TC_RATES[name], segment["StartTimecodeSMPTE"]).frames - 1
        assert round(clip.source_range.start_time.value) == independent


def test_real_job(real_job_file: Path, no_warnings: None) -> None:
    timeline = read(real_job_file)
    clips = shot_clips(timeline)
    assert len(clips) == 1404
    assert clips[-1].range_in_parent().end_time_exclusive().value == 61958
    assert clips[-1].source_range.end_time_exclusive().value == 61958
    assert timeline.duration().value == 61958
    gaps = [item for item in timeline.tracks[0] if isinstance(item, otio.schema.Gap)]
    assert len(gaps) == 16
    assert sorted(round(gap.duration().value) for gap in gaps) == [1] * 13 + [2] * 3
    for clip in clips:
        assert clip.range_in_parent() == clip.source_range
        segment = raw_segment(clip)
        first = Timecode("25", segment["StartTimecodeSMPTE"]).frames - 1
        last = Timecode("25", segment["EndTimecodeSMPTE"]).frames - 1
        assert media_frames(clip.source_range) == [first, last]
    assert [clip.name for clip in clips[:2]] == ["Shot 0001", "Shot 0002"]
    job = timeline.metadata["rekognition"]["job"]
    assert job["SelectedSegmentTypes"][0]["ModelVersion"] == "1.0"
    assert job["AudioMetadata"][0]["SampleRate"] == 44100
    assert timeline.metadata["rekognition"]["page_count"] == 2


def test_markers_carry_type_colour_range_and_confidence(no_warnings: None) -> None:
    timeline = read_text(json.dumps(developer_guide_response()))
    first, second = shot_clips(timeline)
    assert [media_frames(clip.source_range) for clip in (first, second)] == [[0, 299], [300, 449]]
    black, content = first.markers[0], second.markers[0] if second.markers else first.markers[1]
    assert (black.name, media_frames(black.marked_range), black.color) == (
        "BlackFrames",
        [0, 299],
        CUE_COLORS["BlackFrames"],
    )
    # Content starts on frame 299, the last frame of shot 1: it rides on that clip, one frame overlapping.
    assert (content.name, media_frames(content.marked_range)) == ("Content", [299, 449])
    assert black.comment == "BlackFrames, confidence 99.99%"
    assert black.metadata["rekognition"]["confidence"] == 99.99
    assert raw_segment(black)["TechnicalCueSegment"]["Confidence"] == 99.99


def test_cue_colours_are_distinct_per_type() -> None:
    assert len(set(CUE_COLORS.values())) == len(CUE_COLORS) == 7


def test_media_reference_sources(no_warnings: None) -> None:
    timeline = read(sample("2997df"))
    assert shot_clips(timeline)[0].media_reference.target_url == "s3://example-bucket/synthetic/demo_2997df.mov"
    assert timeline.name == "synthetic-2997df"
    timeline = read(sample("2997df"), media_url="file:///media/show.mov")
    assert shot_clips(timeline)[0].media_reference.target_url == "file:///media/show.mov"
    response = developer_guide_response()
    response["JobId"] = "abc123"
    assert shot_clips(read_text(json.dumps(response)))[0].media_reference.target_url == "rekognition://abc123"


@pytest.mark.parametrize(("argument", "frame"), [("01:00:00;00", 107892), ("01:00:00:00", 107892)])
def test_start_timecode_sets_record_start(argument: str, frame: int) -> None:
    timeline = read(sample("2997df"), start_timecode=argument)
    assert timeline.global_start_time.value == frame == Timecode("29.97", "01:00:00;00").frames - 1
    assert timeline.global_start_time.to_timecode() == "01:00:00;00"


def test_source_timecode_offsets_source_ranges(cut_lists: dict) -> None:
    timeline = read(sample("25"), source_timecode="10:00:00:00")
    offset = 10 * 3600 * 25
    clips = shot_clips(timeline)
    assert [
        [first - offset, last - offset] for first, last in map(lambda c: media_frames(c.source_range), clips)
    ] == cut_lists["25"]["shots"]
    assert [media_frames(clip.range_in_parent()) for clip in clips] == cut_lists["25"]["shots"]
    assert clips[0].media_reference.available_range.start_time.value == offset
    assert sorted([m.name, m.marked_range.start_time.value - offset] for c in clips for m in c.markers) == sorted(
        [name, first] for name, first, _ in cut_lists["25"]["cues"]
    )


def test_cue_only_job_keeps_every_cue(cut_lists: dict) -> None:
    timeline = read(sample("24"), segment_types="TECHNICAL_CUE")
    (whole,) = shot_clips(timeline)
    assert media_frames(whole.source_range) == [0, cut_lists["24"]["frame_count"] - 1]
    assert clip_markers(timeline) == sorted(cut_lists["24"]["cues"])
    assert whole.metadata["rekognition"]["kind"] == "media"


def test_shots_only_and_filters(cut_lists: dict) -> None:
    assert clip_markers(read(sample("24"), segment_types="SHOT")) == []
    timeline = read(sample("24"), cue_types="BlackFrames,slate")
    assert sorted({name for name, *_ in clip_markers(timeline)}) == ["BlackFrames", "Slate"]
    timeline = read(sample("24"), min_confidence=90)
    kept = [raw_segment(clip)["ShotSegment"]["Confidence"] for clip in shot_clips(timeline)]
    assert kept and min(kept) >= 90
    assert timeline.metadata["rekognition"]["segments_filtered_out"] == 21 - len(kept) - len(clip_markers(timeline))


def test_cue_track_holds_every_cue_without_overlaps(cut_lists: dict) -> None:
    timeline = read(sample("25"), cue_track="true")
    cue_tracks = list(timeline.video_tracks())[1:]
    assert cue_tracks[0].name == "Technical cues"
    clips = [clip for track in cue_tracks for clip in track.find_clips()]
    assert sorted([clip.name, *media_frames(clip.source_range)] for clip in clips) == sorted(cut_lists["25"]["cues"])
    for clip in clips:
        assert clip.range_in_parent() == clip.source_range
    assert clip_markers(timeline) == sorted(cut_lists["25"]["cues"])  # the markers stay


def test_shot_markers(cut_lists: dict) -> None:
    timeline = read(sample("25"), shot_markers=True)
    shot_marks = [m for c in shot_clips(timeline) for m in c.markers if m.metadata["rekognition"]["kind"] == "shot"]
    assert [media_frames(m.marked_range) for m in shot_marks] == cut_lists["25"]["shots"]


def test_rate_override_as_text() -> None:
    response = developer_guide_response()
    del response["VideoMetadata"]
    timeline = read_text(json.dumps(response), rate="30000/1001")
    assert timeline.global_start_time.rate == pytest.approx(30000 / 1001)
    assert [media_frames(clip.source_range) for clip in shot_clips(timeline)] == [[0, 299], [300, 449]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"colour": "red"},
            r"unknown rekognition adapter argument 'colour'; accepted: analysis_tracks, cue_track, cue_types",
        ),
        ({"cue_track": "maybe"}, "argument cue_track: expected true or false, got 'maybe'"),
        ({"min_confidence": "high"}, "argument min_confidence: expected a number from 0 to 100"),
        ({"min_confidence": 120}, "argument min_confidence: expected a number from 0 to 100"),
        (
            {"segment_types": "SCENES"},
            "argument segment_types: expected SHOT, TECHNICAL_CUE or both .comma list., got 'SCENES'",
        ),
        ({"cue_types": "Bars"}, "argument cue_types: 'Bars' is not one of ColorBars"),
        ({"rate": "fast"}, "argument rate: expected a frame rate"),
        ({"start_timecode": "noon"}, "argument start_timecode: expected a timecode"),
        ({"start_timecode": "01:00:00;00", "rate": 25}, "argument start_timecode: .* has no drop frame"),
        ({"source_timecode": "00:01:00;00"}, "argument source_timecode: .* does not exist in drop frame"),
    ],
)
@pytest.mark.filterwarnings("ignore::otio_rekognition.errors.RekognitionWarning")  # the rate=25 case
def test_bad_arguments_get_one_clear_line(arguments: dict, message: str) -> None:
    with pytest.raises(AdapterArgumentError, match=message) as raised:
        read(sample("2997df"), **arguments)
    assert "\n" not in str(raised.value)


def test_confidences_are_kept_exactly_where_otios_own_json_reader_would_move_them() -> None:
    """The measurement behind building timelines through OTIO's bindings, not its JSON reader (about twice
    as fast): OTIO's C++ reader parses some floats a few units in the last place off (a float32 confidence
    such as 94.62000274658203 comes back 94.62000274658205), which would change what Rekognition said.
    When the first assertion fails, OTIO reads floats exactly and build.py may go through its JSON."""
    confidence = 94.62000274658203
    read = otio.core.deserialize_json_from_string(
        json.dumps({"OTIO_SCHEMA": "SerializableCollection.1", "children": [], "metadata": {"confidence": confidence}})
    )
    assert read.metadata["confidence"] != confidence
    response = json.loads((SAMPLES / "demo_25.json").read_text())
    said = {segment["StartFrameNumber"]: segment["TechnicalCueSegment"]["Confidence"]
            for segment in response["Segments"] if segment["Type"] == "TECHNICAL_CUE"}  # fmt: skip
    timeline = otio.adapters.read_from_file(str(SAMPLES / "demo_25.json"), "rekognition")
    kept = {
        marker.metadata["rekognition"]["first_frame"]: marker.metadata["rekognition"]["confidence"]
        for clip in timeline.find_clips()
        for marker in clip.markers
    }
    assert said and kept == said
