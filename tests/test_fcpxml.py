"""The FCPXML writer, checked with independent readers: Apple's DTDs (lxml),
exact rational arithmetic on every time attribute against the declared ground
truth, the ``timecode`` package for start timecodes, and OTIO's stock
``fcpx_xml`` reader."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import CUE_COLOURS, SAMPLE_NAMES, TC_RATES, anchored_at, apple_dtd, frame_duration, frames, sample
from lxml import etree
from timecode import Timecode

from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.otio_adapters import fcpxml

START_TIMECODES = {name: "10:00:00;00" if name.endswith("df") else "10:00:00:00" for name in SAMPLE_NAMES}
# The record start a timeline gets when none is given: editors' 01:00:00:00.
DEFAULT_STARTS = {name: "01:00:00;00" if name.endswith("df") else "01:00:00:00" for name in SAMPLE_NAMES}
TIME_ATTRIBUTES = ("offset", "start", "duration", "tcStart", "frameDuration")
# The README's cue colour table.


def record_start(name: str, start: str | None) -> int:
    return Timecode(TC_RATES[name], start or DEFAULT_STARTS[name]).frames - 1


def export(name: str, start: str | None, **arguments: object) -> etree._Element:
    read = {key: arguments.pop(key) for key in ("cue_track", "shot_markers", "source_timecode") if key in arguments}
    timeline = otio.adapters.read_from_file(str(sample(name)), **read)
    return parse(fcpxml.write_to_string(timeline, start_timecode=start, **arguments))


def parse(text: str) -> etree._Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n')
    return etree.fromstring(text.encode("utf-8"))


def assert_valid(doc: etree._Element) -> None:
    version = doc.get("version")
    dtd = apple_dtd(f"FCPXMLv{version.replace('.', '_')}.dtd")
    assert dtd.validate(doc), f"FCPXML {version}: {dtd.error_log}"


def spine_items(doc: etree._Element) -> list[etree._Element]:
    return list(doc.find("library/event/project/sequence/spine"))


def record_first(item: etree._Element, frame: Fraction) -> int:
    return frames(item.get("offset"), frame)


def spine_ranges(doc: etree._Element, first_frame: int) -> list[list]:
    """[tag, first, last] of every spine item, in frames after the record start."""
    frame = frame_duration(doc)
    ranges = []
    for item in spine_items(doc):
        first = record_first(item, frame) - first_frame
        ranges.append([item.tag, first, first + frames(item.get("duration"), frame) - 1])
    return ranges


def expected_spine(shots: list[list[int]]) -> list[list]:
    """[tag, first, last] of every spine item: the shots, and a gap before each jump."""
    items: list[list] = []
    position = 0
    for first, last in shots:
        if first > position:
            items.append(["gap", position, first - 1])
        items.append(["asset-clip", first, last])
        position = last + 1
    return items


@pytest.mark.parametrize("version", ["1.9", "1.10", "1.14"])
@pytest.mark.parametrize("with_start", [False, True])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_valid_against_apple_dtd(name: str, with_start: bool, version: str, tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(sample(name)), cue_track=True, shot_markers=True)
    path = tmp_path / "cuts.fcpxml"
    fcpxml.write_to_file(
        timeline, str(path), version=version, start_timecode=START_TIMECODES[name] if with_start else None
    )
    doc = parse(path.read_text(encoding="utf-8"))
    assert doc.get("version") == version
    assert_valid(doc)


def test_default_version_and_chapter_markers_are_valid() -> None:
    doc = export("2997df", None, chapter_markers="true")
    assert doc.get("version") == "1.10"
    assert doc.findall(".//marker") == []
    assert len(doc.findall(".//chapter-marker")) == 8
    assert_valid(doc)


@pytest.mark.parametrize("with_start", [False, True])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_cuts_and_gaps_are_frame_exact(name: str, with_start: bool, cut_lists: dict) -> None:
    truth = cut_lists[name]
    start = START_TIMECODES[name] if with_start else None
    doc = export(name, start)
    frame = frame_duration(doc)
    assert frame == 1 / Fraction(truth["rate"])
    for element in doc.iter():
        for attribute in TIME_ATTRIBUTES:
            if element.get(attribute) is not None:
                frames(element.get(attribute), frame)
    sequence = doc.find("library/event/project/sequence")
    first_frame = record_start(name, start)
    assert frames(sequence.get("tcStart"), frame) == first_frame
    assert frames(sequence.get("duration"), frame) == truth["frame_count"]
    drop_frame = name.endswith("df")
    assert sequence.get("tcFormat") == ("DF" if drop_frame else "NDF")
    assert spine_ranges(doc, first_frame) == expected_spine(truth["shots"])
    clips = [item for item in spine_items(doc) if item.tag == "asset-clip"]
    assert len(clips) == len(truth["shots"])
    for number, (clip, (first, _)) in enumerate(zip(clips, truth["shots"], strict=True), start=1):
        assert clip.get("name") == f"Shot {number:04d}"
        assert frames(clip.get("start"), frame) == first  # media time: the media starts at frame 0
        assert clip.get("tcFormat") == sequence.get("tcFormat")
    (asset,) = doc.findall("resources/asset")
    assert {clip.get("ref") for clip in clips} == {asset.get("id")}
    assert asset.find("media-rep").get("src") == f"s3://example-bucket/synthetic/demo_{name}.mov"
    assert frames(asset.get("start"), frame) == 0
    assert frames(asset.get("duration"), frame) >= truth["frame_count"]
    video_format = doc.find("resources/format")
    assert video_format.get("id") == asset.get("format") == sequence.get("format")
    assert (video_format.get("width"), video_format.get("height")) == ("1920", "1080")


@pytest.mark.parametrize("chapter_markers", [False, True])
@pytest.mark.parametrize("with_start", [False, True])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_markers_sit_on_the_cue_frames(name: str, with_start: bool, chapter_markers: bool, cut_lists: dict) -> None:
    start = START_TIMECODES[name] if with_start else None
    doc = export(name, start, chapter_markers=chapter_markers)
    frame = frame_duration(doc)
    first_frame = record_start(name, start)
    markers = doc.findall(".//chapter-marker" if chapter_markers else ".//marker")
    found = []
    for marker in markers:
        position = anchored_at(marker, frame) - first_frame
        parent = marker.getparent()
        parent_first = record_first(parent, frame) - first_frame
        # On the spine item that holds the cue's first frame.
        assert parent.getparent().tag == "spine"
        assert parent_first <= position < parent_first + frames(parent.get("duration"), frame)
        value = marker.get("value")
        type_name, confidence, colour = marker.get("note").split(", ")
        assert type_name == value
        assert colour == f"colour {CUE_COLOURS[value]}"
        assert confidence.startswith("confidence ") and confidence.endswith("%")
        assert 80 <= float(confidence.removeprefix("confidence ").removesuffix("%")) <= 100
        found.append([value, position, position + frames(marker.get("duration"), frame) - 1])
    assert sorted(found) == sorted(cut_lists[name]["cues"])
    # The sample's EndCredits cue starts in a gap: it is kept, on the gap.
    assert "gap" in {marker.getparent().tag for marker in markers}


@pytest.mark.parametrize("with_start", [False, True])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_cue_tracks_are_connected_clips(name: str, with_start: bool, cut_lists: dict) -> None:
    start = START_TIMECODES[name] if with_start else None
    doc = export(name, start, cue_track=True)
    frame = frame_duration(doc)
    first_frame = record_start(name, start)
    spine = spine_items(doc)
    connected = [clip for item in spine for clip in item.findall("asset-clip")]
    assert len([item for item in spine if item.tag == "asset-clip"]) == len(cut_lists[name]["shots"])
    assert {clip.get("lane") for clip in connected} == {"1", "2"}  # the sample's cues overlap in two lanes
    found = []
    for clip in connected:
        position = anchored_at(clip, frame) - first_frame
        length = frames(clip.get("duration"), frame)
        assert frames(clip.get("start"), frame) == position  # source frame = record frame in the samples
        found.append([clip.get("name"), position, position + length - 1])
    assert sorted(found) == sorted(cut_lists[name]["cues"])


def test_source_timecode_is_media_time(cut_lists: dict) -> None:
    doc = export("25", "01:00:00:00", source_timecode="10:00:00:00")
    frame = frame_duration(doc)
    media_start = Timecode("25", "10:00:00:00").frames - 1
    asset = doc.find("resources/asset")
    assert frames(asset.get("start"), frame) == media_start
    clips = [item for item in spine_items(doc) if item.tag == "asset-clip"]
    assert [frames(clip.get("start"), frame) - media_start for clip in clips] == [
        f for f, _ in cut_lists["25"]["shots"]
    ]
    positions = sorted(anchored_at(marker, frame) - 90000 for marker in doc.iter("marker"))
    assert positions == sorted(first for _, first, _ in cut_lists["25"]["cues"])


def test_marker_after_the_last_shot_gets_a_trailing_gap(cut_lists: dict) -> None:
    # Track markers are in track time: from a record start of zero, record time too.
    timeline = otio.adapters.read_from_file(str(sample("24")), start_timecode="00:00:00:00")
    end = cut_lists["24"]["frame_count"]
    marked = otio.opentime.TimeRange(otio.opentime.RationalTime(end + 10, 24), otio.opentime.RationalTime(5, 24))
    timeline.tracks.markers.append(otio.schema.Marker(name="late", marked_range=marked, color="ORANGE"))
    doc = parse(fcpxml.write_to_string(timeline))
    assert_valid(doc)
    frame = frame_duration(doc)
    last = spine_items(doc)[-1]
    assert last.tag == "gap"
    assert [record_first(last, frame), frames(last.get("duration"), frame)] == [end, 11]
    (marker,) = last.findall("marker")
    assert [anchored_at(marker, frame), frames(marker.get("duration"), frame)] == [end + 10, 5]
    assert marker.get("note") == "colour ORANGE"


def test_frame_size_and_file_url_from_the_job(real_job_file: Path) -> None:
    timeline = otio.adapters.read_from_file(str(real_job_file), media_url="/Volumes/Media/show 1.mov")
    doc = parse(fcpxml.write_to_string(timeline))
    assert (doc.find("resources/format").get("width"), doc.find("resources/format").get("height")) == ("854", "480")
    assert doc.find("resources/asset/media-rep").get("src") == "file:///Volumes/Media/show%201.mov"


def test_real_job(real_job_file: Path, real_pages: list[Path]) -> None:
    timeline = otio.adapters.read_from_file(str(real_job_file))
    # `otioconvert -A version=1.10` passes the float 1.1.
    doc = parse(fcpxml.write_to_string(timeline, version=1.1, start_timecode="01:00:00:00"))
    assert doc.get("version") == "1.10"
    assert_valid(doc)
    frame = frame_duration(doc)
    assert frame == Fraction(1, 25)
    segments = {
        segment["ShotSegment"]["Index"]: segment
        for page in real_pages
        for segment in json.loads(page.read_text())["Segments"]
        if segment["Type"] == "SHOT"
    }
    shots = [
        [Timecode("25", segments[index][key]).frames - 1 for key in ("StartTimecodeSMPTE", "EndTimecodeSMPTE")]
        for index in sorted(segments)
    ]
    ranges = spine_ranges(doc, Timecode("25", "01:00:00:00").frames - 1)
    assert ranges == expected_spine(shots)
    assert len(shots) == 1404
    assert sorted(last - first + 1 for tag, first, last in ranges if tag == "gap") == [1] * 13 + [2] * 3
    clips = [item for item in spine_items(doc) if item.tag == "asset-clip"]
    assert [frames(clip.get("start"), frame) for clip in clips] == [first for first, _ in shots]
    assert {clip.get("tcFormat") for clip in clips} == {"NDF"}


def stock_frames_match(read: float, truth: int, fps: int) -> bool:
    """The stock reader truncates float seconds x fps (DOWNSTREAM_ADAPTERS.md):
    exact, or one frame short exactly where that float product falls short."""
    return read == truth or (read == truth - 1 and float(Fraction(truth, fps)) * fps < truth)


@pytest.mark.parametrize("with_start", [False, True])
@pytest.mark.parametrize("name", ["24", "25", "30"])
def test_stock_reader_reads_cuts_connected_clips_and_clip_markers(name: str, with_start: bool, cut_lists: dict) -> None:
    """At integer rates only: the stock reader takes int(fps), so it reads
    23.976 as 23 fps. It ignores tcStart (clips read at record start +
    position), chapter markers, markers on gaps and media-rep src."""
    truth = cut_lists[name]
    fps = int(Fraction(truth["rate"]))
    start = START_TIMECODES[name] if with_start else None
    first_frame = record_start(name, start)
    timeline = otio.adapters.read_from_file(str(sample(name)), cue_track=True)
    text = fcpxml.write_to_string(timeline, start_timecode=start)
    (read,) = otio.adapters.read_from_string(text, "fcpx_xml")
    shots_track, *lane_tracks = read.tracks
    clips = list(shots_track.find_clips(shallow_search=True))
    assert len(clips) == len(truth["shots"])
    for clip, (first, last) in zip(clips, truth["shots"], strict=True):
        assert stock_frames_match(clip.range_in_parent().start_time.value, first_frame + first, fps)
        assert stock_frames_match(clip.source_range.start_time.value, first, fps)
        assert stock_frames_match(clip.source_range.duration.value, last - first + 1, fps)
    lane_clips = sorted(
        [clip.name, clip.range_in_parent().start_time.value, clip.duration().value]
        for track in lane_tracks
        for clip in track.find_clips()
    )
    cues = sorted(truth["cues"])
    assert [clip[0] for clip in lane_clips] == [cue[0] for cue in cues]
    for (_, read_first, read_length), (_, first, last) in zip(lane_clips, cues, strict=True):
        assert stock_frames_match(read_first, first_frame + first, fps)
        assert stock_frames_match(read_length, last - first + 1, fps)
    # The reader drops markers on gaps; every marker on a clip comes back.
    on_clips = [cue for cue in cues if any(first <= cue[1] <= last for first, last in truth["shots"])]
    assert len(on_clips) == len(cues) - 1  # the EndCredits cue starts in a gap
    markers = sorted([marker.name, marker.marked_range.start_time.value] for clip in clips for marker in clip.markers)
    assert [marker[0] for marker in markers] == [cue[0] for cue in on_clips]
    for (_, read_first), (_, first, _) in zip(markers, on_clips, strict=True):
        assert stock_frames_match(read_first, first, fps)


def test_stock_reader_real_job_cuts(real_job_file: Path) -> None:
    # The stock reader places clips at tcStart + offset: from zero the two counts agree.
    timeline = otio.adapters.read_from_file(str(real_job_file), start_timecode="00:00:00:00")
    (read,) = otio.adapters.read_from_string(fcpxml.write_to_string(timeline), "fcpx_xml")
    ours = list(timeline.tracks[0].find_clips(shallow_search=True))
    theirs = list(read.tracks[0].find_clips(shallow_search=True))
    assert [clip.name for clip in theirs] == [clip.name for clip in ours]
    for mine, stock in zip(ours, theirs, strict=True):
        assert stock_frames_match(
            stock.range_in_parent().start_time.value, round(mine.range_in_parent().start_time.value), 25
        )
        assert stock_frames_match(stock.source_range.duration.value, round(mine.source_range.duration.value), 25)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"colour": "1"},
            r"unknown rekognition_fcpxml adapter argument 'colour'; accepted: chapter_markers, keywords, reject, "
            r"start_timecode, timecode, todo_below, version",
        ),
        ({"version": "1.8"}, r"argument version: expected one of 1\.9, 1\.10, 1\.11, 1\.12, 1\.13, 1\.14, got '1\.8'"),
        ({"version": 1.15}, r"argument version: .* got 1\.15"),
        ({"chapter_markers": "maybe"}, r"argument chapter_markers: expected true or false"),
        ({"start_timecode": "1h"}, r"argument start_timecode: expected a timecode"),
    ],
)
def test_bad_arguments(arguments: dict, message: str) -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")))
    with pytest.raises(AdapterArgumentError, match=message):
        fcpxml.write_to_string(timeline, **arguments)
