"""CMX3600 EDL export, checked with independent readers: pycmx (every line a
recognised statement), the samples' declared ground truth, the `timecode`
package for every timecode, and OTIO's stock cmx_3600 reader."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from helpers import CUE_COLOURS, SAMPLE_NAMES, one_per_frame, picture_events, sample
from timecode import Timecode

from otio_rekognition.errors import AdapterArgumentError, TimelineError
from otio_rekognition.otio_adapters.edl import write_to_file, write_to_string
from otio_rekognition.writers.edl import AVID_LOCATOR_COLORS, RESOLVE_MARKER_COLORS

# sample: the rate as the timecode package names it, drop frame
RATES = {
    "23976": ("23.976", False),
    "24": ("24", False),
    "25": ("25", False),
    "2997df": ("29.97", True),
    "30": ("30", False),
    "5994df": ("59.94", True),
}
AVID_COLOURS = {"RED", "GREEN", "BLUE", "CYAN", "MAGENTA", "YELLOW", "BLACK", "WHITE"}
RESOLVE_COLOURS = {
    *("Blue", "Cyan", "Green", "Yellow", "Red", "Pink", "Purple", "Fuchsia"),
    *("Rose", "Lavender", "Sky", "Mint", "Lemon", "Sand", "Cocoa", "Cream"),
}
OTIO_COLOURS = {name for name in dir(otio.schema.MarkerColor) if name.isupper()}
TIMECODE = r"\d\d:\d\d:\d\d[:;]\d\d"
# A locator; markers that start on one frame are one, its text each one's ("Slate, confidence 94.61%; ...").
LOC = re.compile(rf"^LOC: ({TIMECODE}) (\w+) +(.+?) \|D:(\d+) (.*)$")
CONFIDENCE = re.compile(r"(?:^|, )confidence (\d+\.\d\d)%")
# Resolve's marker line: an optional note that cannot start like an event or a remark.
RESOLVE_MARKER = re.compile(r"^(?:([A-Za-z-][^|]*) )?\|C:ResolveColor(\w+) \|M:([^|]+) \|D:([1-9]\d*)$")


def frame(name: str, text: str) -> int:
    """0-based frame of a timecode, by the timecode package."""
    rate, drop = RATES[name]
    assert (";" in text) == drop, text
    return Timecode(rate, text).frames - 1


def start_timecode(name: str, hours: int = 10) -> str:
    """10:00:00:00 given as an argument; 1 hour is the default start."""
    return f"{hours:02d}:00:00{';' if RATES[name][1] else ':'}00"


def parsed(text: str) -> pycmx.edit_list.EditList:
    edit_list = pycmx.parse_cmx3600(io.StringIO(text))
    assert [s for s in edit_list.unrecognized_statements if s.content.strip()] == []
    return edit_list


def remarks(event: pycmx.event.Event, prefix: str) -> list[str]:
    return [s.text for s in event.statements if type(s).__name__ == "StmtRemark" and s.text.startswith(prefix)]


@pytest.mark.parametrize("with_start", [False, True])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_frame_exact(name: str, with_start: bool, cut_lists: dict) -> None:
    arguments = {"start_timecode": start_timecode(name)} if with_start else {}
    text = write_to_string(otio.adapters.read_from_file(str(sample(name))), **arguments)
    start = frame(name, start_timecode(name, 10 if with_start else 1))
    lines = text.splitlines()
    assert lines[:2] == [f"TITLE: synthetic-{name}", "FCM: DROP FRAME" if RATES[name][1] else "FCM: NON-DROP FRAME"]
    edit_list = parsed(text)
    assert edit_list.format == "3600"
    numbers = [event.number for event in edit_list.events]
    assert numbers == sorted(set(numbers)), numbers
    events = picture_events(edit_list)
    shots = cut_lists[name]["shots"]
    assert len(events) == len(shots)
    for number, (event, (first, last)) in enumerate(zip(events, shots, strict=True), start=1):
        [edit] = event.edits
        assert (edit.source, edit.channels.video, edit.transition.cut) == (f"DEMO{name.upper()}"[:8], True, True)
        assert edit.clip_name == f"Shot {number:04d}"
        assert edit.source_file == f"demo_{name}.mov"
        assert [frame(name, edit.source_in), frame(name, edit.source_out)] == [first, last + 1]
        assert [frame(name, edit.record_in), frame(name, edit.record_out)] == [start + first, start + last + 1]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_one_loc_per_cue_in_record_time_under_its_event(name: str, cut_lists: dict) -> None:
    text = write_to_string(otio.adapters.read_from_file(str(sample(name))), start_timecode=start_timecode(name))
    start = frame(name, start_timecode(name))
    events = list(parsed(text).events)
    locs = []
    for event in events:
        [edit] = event.edits
        for remark in remarks(event, "LOC:"):
            timecode, colour, label, duration, details = LOC.match(remark).groups()
            at = frame(name, timecode)
            # Inside its event's record range: a gap where a cue starts is a black event carrying it.
            assert frame(name, edit.record_in) <= at < frame(name, edit.record_out), remark
            if edit.black:
                assert edit.source_in == ("00:00:00;00" if RATES[name][1] else "00:00:00:00")
            confidences = CONFIDENCE.findall(details)
            assert len(confidences) == len(label.split(" + ")) and all(0 < float(c) <= 100 for c in confidences)
            locs.append([label, at - start, at - start + int(duration) - 1, colour])
    expected = [[cue, first, last, CUE_COLOURS[cue]] for cue, first, last in cut_lists[name]["cues"]]
    assert sorted(locs) == sorted(one_per_frame(expected))


def test_shot_markers_colour_and_placement() -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")), shot_markers=True)
    events = picture_events(parsed(write_to_string(timeline)))
    for event in events:
        shot_locs = [LOC.match(remark).groups() for remark in remarks(event, "LOC:") if "Shot " in remark]
        [(timecode, colour, label, duration, _)] = shot_locs
        # A shot whose first frame also starts a cue shares its locator, in the cue's colour.
        names = label.split(" + ")
        assert (timecode, names[0]) == (event.edits[0].record_in, event.edits[0].clip_name)
        assert colour == ("MAGENTA" if len(names) == 1 else AVID_LOCATOR_COLORS[CUE_COLOURS[names[1]]])
        assert int(duration) >= frame("25", event.edits[0].record_out) - frame("25", event.edits[0].record_in)


def test_colour_maps_cover_every_otio_colour() -> None:
    assert set(AVID_LOCATOR_COLORS) == OTIO_COLOURS
    assert set(AVID_LOCATOR_COLORS.values()) == AVID_COLOURS
    assert {AVID_LOCATOR_COLORS[colour] for colour in ("PINK", "PURPLE", "ORANGE")} == {"MAGENTA", "YELLOW"}
    assert set(RESOLVE_MARKER_COLORS) == OTIO_COLOURS
    assert set(RESOLVE_MARKER_COLORS.values()) <= RESOLVE_COLOURS
    assert len(set(RESOLVE_MARKER_COLORS.values())) == len(OTIO_COLOURS), "two OTIO colours share a Resolve colour"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_stock_reader_reads_back_the_cuts(name: str, cut_lists: dict) -> None:
    with_cue_track = otio.adapters.read_from_file(str(sample(name)), cue_track=True)
    text = write_to_string(with_cue_track, start_timecode="01:00:00:00")
    rate = float(with_cue_track.global_start_time.rate)
    timeline = otio.adapters.read_from_string(text, "cmx_3600", rate=rate)
    assert len(timeline.video_tracks()) == 1, "cue tracks are not written: an EDL has one video track"
    every_clip = list(timeline.video_tracks()[0].find_clips())
    # A black event (reel BL, carrying a cue that starts in a gap) reads back as a generated clip.
    clips = [clip for clip in every_clip if not isinstance(clip.media_reference, otio.schema.GeneratorReference)]
    assert len(every_clip) - len(clips) == sum(1 for line in text.splitlines() if "  BL  " in line)
    shots = cut_lists[name]["shots"]
    got = [[round(c.source_range.start_time.value), round(c.source_range.end_time_exclusive().value)] for c in clips]
    assert got == [[first, last + 1] for first, last in shots]
    placed = [round(clip.range_in_parent().start_time.value) for clip in clips]
    assert placed == [first - shots[0][0] for first, _ in shots], "gaps come back as record jumps"
    if not RATES[name][1]:  # the stock reader drops every `;` LOC line
        markers = sorted(
            [marker.name.split(" |D:")[0], round(marker.marked_range.start_time.value)]
            for c in every_clip
            for marker in c.markers
        )
        hour = frame(name, "01:00:00:00")
        expected = one_per_frame([[cue, hour + first, hour + last] for cue, first, last in cut_lists[name]["cues"]])
        assert markers == sorted([cue, first] for cue, first, _ in expected)


@pytest.mark.parametrize(("name", "shot_markers"), [("23976", False), ("2997df", True), ("5994df", False)])
def test_resolve_markers(name: str, shot_markers: bool, cut_lists: dict) -> None:
    timeline = otio.adapters.read_from_file(str(sample(name)), shot_markers=shot_markers)
    text = write_to_string(timeline, flavor="resolve-markers", start_timecode=start_timecode(name))
    start = frame(name, start_timecode(name))
    edit_list = pycmx.parse_cmx3600(io.StringIO(text))
    assert text.splitlines()[1] == ("FCM: DROP FRAME" if RATES[name][1] else "FCM: NON-DROP FRAME")
    # pycmx cannot know Resolve's marker lines: each must be exactly one, right after its event.
    marker_lines = [s.content for s in edit_list.unrecognized_statements if s.content.strip()]
    matches = [RESOLVE_MARKER.match(line) for line in marker_lines]
    assert all(matches), marker_lines
    events = list(edit_list.events)
    assert len(events) == len(marker_lines)
    # (is a cue, name, first, last, OTIO colour); at one frame shot markers come first, then by name.
    shots = [
        (False, f"Shot {n:04d}", first, last, "PINK") for n, (first, last) in enumerate(cut_lists[name]["shots"], 1)
    ]
    cues = [(True, cue, first, last, CUE_COLOURS[cue]) for cue, first, last in cut_lists[name]["cues"]]
    by_first: dict[int, list[tuple]] = {}
    for marker in sorted((shots if shot_markers else []) + cues):
        by_first.setdefault(marker[2], []).append(marker)
    assert len(events) == len(by_first), "one marker per frame: Resolve keeps one"
    for number, (event, match, (first, group)) in enumerate(
        zip(events, matches, sorted(by_first.items()), strict=True), start=1
    ):
        [edit] = event.edits
        note, colour, label, duration = match.groups()
        assert (event.number, edit.source, edit.channels.video, edit.transition.cut) == (number, "001", True, True)
        assert [frame(name, edit.record_in), frame(name, edit.record_out)] == [start + first, start + first + 1]
        assert (edit.source_in, edit.source_out) == (edit.record_in, edit.record_out)
        assert label == " + ".join(marker_name for _, marker_name, _, _, _ in group)
        shown = next((marker for marker in group if marker[0]), group[0])  # a cue's colour before a shot's
        assert colour == RESOLVE_MARKER_COLORS[shown[4]]
        assert int(duration) == max(last - first + 1 for _, _, _, last, _ in group)
        for _, marker_name, _, last, _ in group:
            assert re.search(rf"\b{marker_name}, {last - first + 1} frames, confidence \d+\.\d\d%", note)


def test_real_job(real_job_file: Path) -> None:
    timeline = otio.adapters.read_from_file(str(real_job_file))
    text = write_to_string(timeline, start_timecode="01:00:00:00")
    start = frame("25", "01:00:00:00")
    events = list(parsed(text).events)
    assert len(events) == 1404
    assert [event.number for event in events] == list(range(1, 1405))
    assert re.search(r"^1000  \w+ +AA/V  C        ", text, re.MULTILINE), "event 1000 keeps the CMX columns"
    record = [(frame("25", e.edits[0].record_in), frame("25", e.edits[0].record_out)) for e in events]
    source = [(frame("25", e.edits[0].source_in), frame("25", e.edits[0].source_out)) for e in events]
    assert record[-1][1] == start + 61958
    assert [(first - start, end - start) for first, end in record] == source
    assert sum(later[0] > earlier[1] for earlier, later in itertools.pairwise(record)) == 16, "16 gaps: record jumps"
    read_back = otio.adapters.read_from_string(text, "cmx_3600", rate=25)
    [picture] = list(read_back.video_tracks())
    assert len(list(picture.find_clips())) == 1404
    assert [len(list(track.find_clips())) for track in read_back.audio_tracks()] == [1404, 1404]  # AA/V


def test_names_stay_on_one_line() -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")))
    clip = timeline.find_clips()[0]
    clip.name = "Shot\n1 | take\r2"
    clip.markers[0].name = "7\nSlate | A"
    timeline.name = "job\nTITLE: evil"
    cmx = write_to_string(timeline)
    assert cmx.startswith("TITLE: job TITLE: evil\nFCM: NON-DROP FRAME\n")
    first = next(parsed(cmx).events)
    assert first.edits[0].clip_name == "Shot 1 / take 2"
    assert any(LOC.match(remark).group(3) == "7 Slate / A" for remark in remarks(first, "LOC:"))
    resolve = write_to_string(timeline, flavor="resolve-markers")
    marker_lines = [s.content for s in pycmx.parse_cmx3600(io.StringIO(resolve)).unrecognized_statements if s.content]
    first_marker = RESOLVE_MARKER.match(marker_lines[0])
    assert first_marker, marker_lines[0]
    assert first_marker.group(3).startswith("7 Slate / A")
    assert first_marker.group(1).startswith("- 7 Slate / A"), "a note starting with a digit reads as an event"


def test_locators_in_gaps_ride_on_black_events() -> None:
    rate = 25
    reference = otio.schema.ExternalReference(target_url="file:///media/reel.mov")
    track = otio.schema.Track(name="Shots")
    track.append(otio.schema.Gap(duration=otio.opentime.RationalTime(10, rate)))
    for first in (0, 40):
        track.append(
            otio.schema.Clip(
                name=f"at {first}",
                media_reference=reference.clone(),
                source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(first, rate), otio.opentime.RationalTime(20, rate)
                ),
            )
        )
        track.append(otio.schema.Gap(duration=otio.opentime.RationalTime(5, rate)))
    for at, colour in ((0, "ORANGE"), (32, "PURPLE"), (60, "PINK")):
        track.markers.append(
            otio.schema.Marker(
                name=f"note {at}",
                marked_range=otio.opentime.TimeRange(otio.opentime.RationalTime(at, rate)),
                color=colour,
                metadata={},
            )
        )
    timeline = otio.schema.Timeline(tracks=[track])
    timeline.global_start_time = otio.opentime.RationalTime(0, rate)
    events = list(parsed(write_to_string(timeline)).events)
    placed = [[remark.split()[1:3] for remark in remarks(event, "LOC:")] for event in events]
    # Record: gap 0-9, event 1 10-29, gap 30-34, event 2 35-54, gap 55-59; marker 60 lies past the end.
    # Each gap a marker starts in becomes a black event carrying it, so every LOC lies inside its event.
    assert placed == [[["00:00:00:00", "YELLOW"]], [], [["00:00:01:07", "MAGENTA"]], [], [["00:00:02:10", "MAGENTA"]]]
    spans = [(event.edits[0].black, event.edits[0].record_in, event.edits[0].record_out) for event in events]
    assert spans == [
        (True, "00:00:00:00", "00:00:00:10"),
        (False, "00:00:00:10", "00:00:01:05"),
        (True, "00:00:01:05", "00:00:01:10"),
        (False, "00:00:01:10", "00:00:02:05"),
        (True, "00:00:02:05", "00:00:02:11"),
    ]
    assert remarks(events[0], "LOC:")[0].endswith("note 0 |D:1")


def test_arguments(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(sample("2997df")), start_timecode="10:00:00;00")
    default = write_to_string(timeline)
    assert "\n001  DEMO2997 AA/V  C        00:00:00;00 00:00:05;00 10:00:00;00 10:00:05;00\n" in default
    assert write_to_string(timeline, flavor="cmx3600") == default
    target = tmp_path / "cuts.edl"
    write_to_file(timeline, str(target), flavor="resolve-markers", start_timecode="01:00:00;00")
    assert target.read_text() == write_to_string(timeline, flavor="resolve-markers", start_timecode="01:00:00;00")
    with pytest.raises(
        AdapterArgumentError, match=r"unknown rekognition_edl adapter argument 'rate'; accepted: flavor, start"
    ):
        write_to_string(timeline, rate=25)
    with pytest.raises(AdapterArgumentError, match=r"argument flavor: expected one of cmx3600, resolve-markers"):
        write_to_string(timeline, flavor="avid")
    with pytest.raises(AdapterArgumentError, match=r"argument start_timecode: .*does not exist in drop frame"):
        write_to_string(timeline, start_timecode="01:01:00;00")
    with pytest.raises(AdapterArgumentError, match=r"argument start_timecode: expected a timecode"):
        write_to_string(timeline, start_timecode=3600)


def test_empty_shot_track_is_an_error() -> None:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track(name="Shots")])
    timeline.global_start_time = otio.opentime.RationalTime(0, 25)
    with pytest.raises(TimelineError, match="no clip on its first video track"):
        write_to_string(timeline)
    assert write_to_string(timeline, flavor="resolve-markers") == "TITLE: Rekognition segments\nFCM: NON-DROP FRAME\n\n"
