"""AAF export for Avid, checked with independent readers: pyaaf2 (the file's
structure), the samples' declared ground truth, the `timecode` package and
OTIO's AAF reader (otio-aaf-adapter)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import aaf2
import opentimelineio as otio
import pytest
from helpers import CUE_COLOURS, SAMPLE_NAMES, one_per_frame, sample
from timecode import Timecode

from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.otio_adapters.aaf import write_to_file, write_to_string
from otio_rekognition.timeline.cutlist import CutList, Event, Locator, Media, cut_list
from otio_rekognition.writers.aaf import write_aaf

# sample: (rate as the timecode package names it, exact edit rate, timecode FPS, drop frame)
RATES = {
    "23976": ("23.976", Fraction(24000, 1001), 24, False),
    "24": ("24", Fraction(24), 24, False),
    "25": ("25", Fraction(25), 25, False),
    "2997df": ("29.97", Fraction(30000, 1001), 30, True),
    "30": ("30", Fraction(30), 30, False),
    "5994df": ("59.94", Fraction(60000, 1001), 60, True),
}
OTIO_COLOURS = [getattr(otio.schema.MarkerColor, name) for name in dir(otio.schema.MarkerColor) if name.isupper()]


def timecode_text(name: str, hours: int) -> str:
    return f"{hours:02d}:00:00{';' if RATES[name][3] else ':'}00"


def tc_frame(name: str, text: str) -> int:
    """0-based frame of a timecode, counted by the `timecode` package."""
    return Timecode(RATES[name][0], text).frames - 1


@pytest.fixture(scope="module")
def sample_aaf(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, bool], Path]:
    """The sample exported with or without a start timecode, once per module
    (pyaaf2 takes half a second to set up any file)."""
    made: dict[tuple[str, bool], Path] = {}

    def get(name: str, with_start: bool) -> Path:
        if (name, with_start) not in made:
            folder = tmp_path_factory.mktemp(f"{name}-{with_start}")
            made[name, with_start] = export(folder, name, timecode_text(name, 10) if with_start else None)
        return made[name, with_start]

    return get


def export(tmp_path: Path, name: str, start: str | None = None, **read_arguments: object) -> Path:
    timeline = otio.adapters.read_from_file(str(sample(name)), **read_arguments)
    path = tmp_path / f"demo_{name}.aaf"
    write_to_file(timeline, str(path), **({} if start is None else {"start_timecode": start}))
    return path


def composition(aaf: aaf2.file.AAFFile) -> aaf2.mobs.CompositionMob:
    [mob] = list(aaf.content.toplevel())
    return mob


def slots(mob: aaf2.mobs.Mob, segment_type: type) -> list:
    return [slot for slot in mob.slots if isinstance(slot.segment, segment_type)]


def video_slots(mob: aaf2.mobs.Mob) -> list:
    return [slot for slot in slots(mob, aaf2.components.Sequence) if slot.media_kind == "Picture"]


def event_slots(mob: aaf2.mobs.Mob) -> list:
    return [slot for slot in mob.slots if isinstance(slot, aaf2.mobslots.EventMobSlot)]


def markers(mob: aaf2.mobs.Mob) -> list:
    [slot] = event_slots(mob)
    return list(slot.segment.components)


def expected_components(shots: list[list[int]]) -> list[tuple]:
    """A SourceClip per shot (media starts at frame 0), a Filler per gap."""
    components: list[tuple] = []
    position = 0
    for first, last in shots:
        if first > position:
            components.append(("Filler", first - position))
        components.append(("SourceClip", first, last - first + 1))
        position = last + 1
    return components


def components_of(sequence: aaf2.components.Sequence) -> list[tuple]:
    return [
        ("SourceClip", item.start, item.length)
        if isinstance(item, aaf2.components.SourceClip)
        else ("Filler", item.length)
        for item in sequence.components
    ]


@pytest.mark.parametrize("with_start", [False, True], ids=["no-start", "start"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_composition(name: str, with_start: bool, cut_lists: dict, sample_aaf: Callable[[str, bool], Path]) -> None:
    truth = cut_lists[name]
    rate_name, rate, fps, drop = RATES[name]
    start = timecode_text(name, 10 if with_start else 1)  # 01:00:00:00 is the default
    with aaf2.open(str(sample_aaf(name, with_start)), "r") as aaf:
        mob = composition(aaf)
        assert mob.name == f"synthetic-{name}"
        [video] = video_slots(mob)
        assert (video.edit_rate, video["PhysicalTrackNumber"].value) == (rate, 1)
        sequence = video.segment
        assert components_of(sequence) == expected_components(truth["shots"])
        assert sequence.length == sum(item.length for item in sequence.components) == truth["frame_count"] > 0

        [timecode_slot] = slots(mob, aaf2.components.Timecode)
        timecode = timecode_slot.segment
        assert (timecode_slot.edit_rate, timecode_slot["PhysicalTrackNumber"].value) == (rate, 1)
        assert (timecode.fps, timecode.drop) == (fps, drop)
        assert timecode.start == tc_frame(name, start)
        assert str(Timecode(rate_name, frames=timecode.start + 1)) == (start or timecode_text(name, 0))

        located = markers(mob)
        # One locator per frame: cues starting on one frame share one, its comment each one's text.
        assert sorted(
            [named(m["Comment"].value), m["Position"].value, m["Position"].value + m["Length"].value - 1]
            for m in located
        ) == sorted(one_per_frame(truth["cues"]))
        assert all(part.count(", confidence ") == 1 for m in located for part in m["Comment"].value.split("; "))
        assert all(m["DescribedSlots"].value == {video.slot_id} for m in located)
        attributes = [dict(aaf2.misc.TaggedValueHelper(m["CommentMarkerAttributeList"]).items()) for m in located]
        assert [a["_ATN_CRM_COLOR"] for a in attributes] == [
            CUE_COLOURS[m["Comment"].value.split(",")[0]].title() for m in located
        ]
        [event_slot] = event_slots(mob)
        assert (event_slot.edit_rate, event_slot["PhysicalTrackNumber"].value) == (rate, 1)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_mob_chain_relinks_by_url_and_timecode(name: str, cut_lists: dict, tmp_path: Path) -> None:
    """SourceClip -> MasterMob -> file SourceMob (URL) -> tape SourceMob
    (timecode): every shot resolves to its frames in the media's timecode."""
    truth = cut_lists[name]
    _, rate, fps, drop = RATES[name]
    source_start = timecode_text(name, 10)
    path = export(tmp_path, name, source_timecode=source_start)
    offset = tc_frame(name, source_start)
    with aaf2.open(str(path), "r") as aaf:
        [video] = video_slots(composition(aaf))
        clips = [item for item in video.segment.components if isinstance(item, aaf2.components.SourceClip)]
        assert len(clips) == len(truth["shots"])
        for clip, (first, _) in zip(clips, truth["shots"], strict=True):
            master = clip.mob
            assert isinstance(master, aaf2.mobs.MasterMob)
            to_file = clip.slot.segment
            file_mob = to_file.mob
            descriptor = file_mob.descriptor
            # Picture and sound of one file: a CDCI and a PCM descriptor in a MultipleDescriptor.
            assert isinstance(descriptor, aaf2.essence.MultipleDescriptor)
            assert [type(d) for d in descriptor["FileDescriptors"].value] == [
                aaf2.essence.CDCIDescriptor,
                aaf2.essence.PCMDescriptor,
            ]
            assert descriptor["Locator"].value[0]["URLString"].value == f"s3://example-bucket/synthetic/demo_{name}.mov"
            assert (descriptor["SampleRate"].value, descriptor["Length"].value) == (rate, truth["frame_count"])
            to_tape = to_file.slot.segment
            tape = to_tape.mob
            assert isinstance(tape.descriptor, aaf2.essence.TapeDescriptor)
            [tape_timecode] = [slot.segment for slot in slots(tape, aaf2.components.Timecode)]
            assert (tape_timecode.fps, tape_timecode.drop) == (fps, drop)
            assert tape_timecode.start == offset
            assert tape_timecode.start + to_tape.start + to_file.start + clip.start == offset + first
            assert clip.start + clip.length <= to_file.length == descriptor["Length"].value


def test_same_media_same_master_clip(tmp_path: Path) -> None:
    """Avid links a second export of the same media to the master clip it already has."""
    ids = []
    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
        with aaf2.open(str(export(tmp_path / folder, "25")), "r") as aaf:
            ids.append(sorted(str(mob.mob_id) for mob in [*aaf.content.mastermobs(), *aaf.content.sourcemobs()]))
    assert len(ids[0]) == 3
    assert ids[0] == ids[1]


def named(text: str) -> str:
    """The names a locator's text gives: ``Slate`` of ``Slate, confidence 94.61%``; a locator
    of several on one frame, ``Content + OpeningCredits`` of ``Content, ...; OpeningCredits, ...``."""
    return " + ".join(part.split(",")[0] for part in text.split("; "))


def otio_markers(track: otio.schema.Track) -> list[list]:
    """[name, first, last, colour] of every marker on a track's items, in record frames."""
    found = []
    for item in track:
        for marker in item.markers:
            start = item.range_in_parent().start_time + marker.marked_range.start_time - item.trimmed_range().start_time
            first, length = round(start.value), round(marker.marked_range.duration.value)
            found.append([named(marker.name), first, first + length - 1, marker.color])
    return sorted(found)


@pytest.mark.parametrize("with_start", [False, True], ids=["no-start", "start"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_otio_aaf_reader(name: str, with_start: bool, cut_lists: dict, sample_aaf: Callable[[str, bool], Path]) -> None:
    truth = cut_lists[name]
    start = timecode_text(name, 10 if with_start else 1)  # 01:00:00:00 is the default
    read = otio.adapters.read_from_file(str(sample_aaf(name, with_start)), "AAF")

    assert round(read.global_start_time.value) == tc_frame(name, start)
    [track] = read.video_tracks()
    clips = list(track.find_clips(shallow_search=True))
    ranges = [clip.range_in_parent() for clip in clips]
    assert [[round(r.start_time.value), round(r.end_time_exclusive().value) - 1] for r in ranges] == truth["shots"]
    assert [round(c.source_range.start_time.value) for c in clips] == [first for first, _ in truth["shots"]]
    assert all(c.media_reference.target_url.endswith(f"s3://example-bucket/synthetic/demo_{name}.mov") for c in clips)
    assert round(track.duration().value) == truth["frame_count"]
    assert otio_markers(track) == sorted(one_per_frame([[*cue, CUE_COLOURS[cue[0]]] for cue in truth["cues"]]))


def test_cue_tracks_are_further_video_tracks(cut_lists: dict, tmp_path: Path) -> None:
    truth = cut_lists["2997df"]
    with aaf2.open(str(export(tmp_path, "2997df", cue_track=True)), "r") as aaf:
        shots, *lanes = video_slots(composition(aaf))
        assert [slot["PhysicalTrackNumber"].value for slot in (shots, *lanes)] == list(range(1, len(lanes) + 2))
        assert components_of(shots.segment) == expected_components(truth["shots"])
        cues = []
        for lane in lanes:
            assert lane.segment.length == sum(item.length for item in lane.segment.components) > 0
            position = 0
            for item in lane.segment.components:
                if isinstance(item, aaf2.components.SourceClip):
                    assert item.start == position  # record frame == media frame in the samples
                    cues.append([position, position + item.length - 1])
                position += item.length
    assert sorted(cues) == sorted([first, last] for _, first, last in truth["cues"])


def locator_cut_list(colours: list[str]) -> CutList:
    media = Media("/media/show 1.mov", "show 1.mov", "SHOW1", 0, 100)
    shot = Event("Shot 0001", 0, 0, 100, media, "shot", "Shot 0001", 99.0)
    locators = tuple(
        Locator(f"Note {number}", number * 5, 2, colour, "note", None, "") for number, colour in enumerate(colours)
    )
    return CutList("colours", Fraction(25), 0, (shot,), (), locators, 100, drop_frame=False)


def test_every_otio_colour_round_trips(tmp_path: Path) -> None:
    """Extended-palette colours by name, Avid's eight also by their RGB value
    (what older Media Composers read): stripped of the names, OTIO's reader
    finds the same colours."""
    path = tmp_path / "colours.aaf"
    write_aaf(locator_cut_list([*OTIO_COLOURS, "NOT_A_COLOUR"]), path)
    expected = [[f"Note {n}", n * 5, n * 5 + 1, colour] for n, colour in enumerate([*OTIO_COLOURS, "RED"])]
    [track] = otio.adapters.read_from_file(str(path), "AAF").video_tracks()
    assert otio_markers(track) == sorted(expected)

    with aaf2.open(str(path), "rw") as aaf:
        for marker in markers(composition(aaf)):
            del marker["CommentMarkerAttributeList"]
    [track] = otio.adapters.read_from_file(str(path), "AAF").video_tracks()
    assert otio_markers(track) == sorted(expected)


def test_file_paths_become_file_urls(tmp_path: Path) -> None:
    path = tmp_path / "paths.aaf"
    write_aaf(locator_cut_list([]), path)
    with aaf2.open(str(path), "r") as aaf:
        [file_mob] = [mob for mob in aaf.content.sourcemobs() if mob.descriptor["Locator"].value]
        assert file_mob.descriptor["Locator"].value[0]["URLString"].value == "file:///media/show%201.mov"
        assert not event_slots(composition(aaf))


def test_arguments(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")))
    with pytest.raises(
        AdapterArgumentError, match=r"unknown rekognition_aaf adapter argument 'flavor'; accepted: start_time"
    ):
        write_to_file(timeline, str(tmp_path / "x.aaf"), flavor="cmx3600")
    with pytest.raises(AdapterArgumentError, match=r"argument start_timecode: .*drop frame"):
        write_to_file(timeline, str(tmp_path / "x.aaf"), start_timecode="01:00:00;00")
    with pytest.raises(AdapterArgumentError, match="binary format that needs a file"):
        write_to_string(timeline)
    assert list(tmp_path.iterdir()) == []


def test_real_job(real_job_file: Path, real_pages: list[Path], tmp_path: Path) -> None:
    segments = [s for page in real_pages for s in json.loads(page.read_text())["Segments"] if s["Type"] == "SHOT"]
    # The real job (model 1.0) has no frame numbers: its SMPTE strings are the truth.
    shots = sorted(
        {(tc_frame("25", shot["StartTimecodeSMPTE"]), tc_frame("25", shot["EndTimecodeSMPTE"])) for shot in segments}
    )
    cuts = cut_list(otio.adapters.read_from_file(str(real_job_file)), start_timecode="01:00:00:00")
    path = tmp_path / "job.aaf"
    began = time.perf_counter()
    write_aaf(cuts, path)
    assert time.perf_counter() - began < 20  # the stock writer took minutes

    with aaf2.open(str(path), "r") as aaf:
        mob = composition(aaf)
        [video] = video_slots(mob)
        assert components_of(video.segment) == expected_components([list(shot) for shot in shots])
        assert len(shots) == 1404
        assert sum(1 for item in video.segment.components if isinstance(item, aaf2.components.Filler)) == 16
        assert video.segment.length == shots[-1][1] + 1 == 61958
        [timecode] = [slot.segment for slot in slots(mob, aaf2.components.Timecode)]
        assert (timecode.start, timecode.fps, timecode.drop) == (90000, 25, False)
        assert not event_slots(mob)


def test_failed_export_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cuts.aaf"
    target.write_bytes(b"previous export")

    def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("otio_rekognition.writers.aaf._composition", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_aaf(locator_cut_list([]), target)
    assert target.read_bytes() == b"previous export"
    assert list(tmp_path.iterdir()) == [target]
