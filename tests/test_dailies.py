"""Dailies: the jobs of several videos as one sequence or as a bin of clips
and subclips (--videos), read back by pycmx and the timecode package, Apple's
DTDs, pyaaf2, OTIO's own readers and otio-ale-adapter."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import aaf2
import opentimelineio as otio
import pycmx
import pytest
from helpers import CHROMIUM, FLAGS, SAMPLES, apple_dtd, media_frames, media_timecode
from lxml import etree
from timecode import Timecode

from otio_rekognition.cli import main
from otio_rekognition.rekognition.segments import build_segment

RATE = Fraction(25)
# Three videos of a day, their shots' lengths in frames: 3, 4 and 5 shots.
DAY = {"A001": [50, 75, 100], "A002": [25, 50, 75, 100], "A003": [30, 40, 50, 60, 70]}
LABELLED = "A002"  # the one video with a label job beside its segment job


def _video_fields(name: str, frames: int) -> dict:
    return {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [{"Codec": "h264", "FrameRate": 25.0, "DurationMillis": frames * 40, "FrameWidth": 1920,
                           "FrameHeight": 1080, "Format": "QuickTime / MOV"}],
        "AudioMetadata": [{"Codec": "aac", "DurationMillis": frames * 40, "SampleRate": 48000, "NumberOfChannels": 2}],
        "JobId": f"job-{name}",
        "Video": {"S3Object": {"Bucket": "dailies", "Name": f"day1/{name}.mov"}},
    }  # fmt: skip


def _shots(lengths: list[int]) -> list[tuple[int, int]]:
    """(first, last) of each shot, inclusive, back to back from frame 0."""
    starts = [sum(lengths[:index]) for index in range(len(lengths))]
    return [(start, start + length - 1) for start, length in zip(starts, lengths, strict=True)]


@pytest.fixture
def day(tmp_path: Path) -> list[Path]:
    """A segment job per video (its shots and a slate over its first second), a label job for one."""
    files = []
    for name, lengths in DAY.items():
        segments = [
            build_segment("SHOT", first, last, RATE, {"Index": index, "Confidence": 90.0})
            for index, (first, last) in enumerate(_shots(lengths))
        ]
        segments.append(build_segment("TECHNICAL_CUE", 0, 24, RATE, {"Type": "Slate", "Confidence": 95.0}))
        page = _video_fields(name, sum(lengths)) | {"Segments": segments}
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(page))
    labels = _video_fields(LABELLED, sum(DAY[LABELLED])) | {
        "JobId": "labels-A002",
        "Labels": [{"Timestamp": 1040, "Label": {"Name": "Clapperboard", "Confidence": 97.0}}],
    }
    files.append(tmp_path / "A002.labels.json")
    files[-1].write_text(json.dumps(labels))
    return files


def convert(day: list[Path], output: Path, mode: str) -> Path:
    assert main(["convert", *map(str, day), "-o", str(output), "--videos", mode]) == 0
    return output


def _without_doctype(path: Path) -> etree._Element:
    return etree.fromstring(re.sub(r"<\?xml[^>]*\?>\s*<!DOCTYPE[^>]*>", "", path.read_text()).encode())


def _valid(dtd: etree.DTD, root: etree._Element) -> None:
    assert dtd.validate(root), dtd.error_log.filter_from_errors()


def _expected_events() -> list[tuple[str, int, int]]:
    """(reel, first, last) of every shot of the day in order, frames of its own video."""
    return [(name, first, last) for name, lengths in DAY.items() for first, last in _shots(lengths)]


def test_without_videos_jobs_of_several_videos_are_refused_naming_the_flag(
    day: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", *map(str, day), "-o", str(tmp_path / "out.edl")]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert re.search(r"A002\.json: not the video \S*A001\.json analysed", line)
    assert "--videos sequence or --videos bin" in line
    assert not (tmp_path / "out.edl").exists()


def test_sequence_edl_has_every_shot_on_its_own_reel_back_to_back(day: list[Path], tmp_path: Path) -> None:
    edl = convert(day, tmp_path / "day.edl", "sequence")
    [parsed] = [pycmx.parse_cmx3600(handle) for handle in [edl.open()]]
    events = [event.edits[0] for event in parsed.events]
    assert len(events) == 12
    assert [edit.source for edit in events] == [reel for reel, _, _ in _expected_events()]
    record = Timecode(25, "01:00:00:00").frames - 1
    for edit, (_, first, last) in zip(events, _expected_events(), strict=True):
        source_in, source_out = (Timecode(25, text).frames - 1 for text in (edit.source_in, edit.source_out))
        assert (source_in, source_out) == (first, last + 1)  # out is the frame after the last
        record_in, record_out = (Timecode(25, text).frames - 1 for text in (edit.record_in, edit.record_out))
        assert record_in == record and record_out - record_in == last - first + 1
        record = record_out


def test_sequence_fcpxml_has_an_asset_per_video_and_every_shot_in_the_spine(day: list[Path], tmp_path: Path) -> None:
    root = _without_doctype(convert(day, tmp_path / "day.fcpxml", "sequence"))
    for version in ("1_9", "1_10", "1_14"):
        root.set("version", version.replace("_", "."))
        _valid(apple_dtd(f"FCPXMLv{version}.dtd"), root)
    assets = root.findall("resources/asset")
    assert [asset.get("name") for asset in assets] == ["A001.mov", "A002.mov", "A003.mov"]
    clips = root.findall("library/event/project/sequence/spine/asset-clip")
    by_id = {asset.get("id"): asset.get("name") for asset in assets}
    assert [by_id[clip.get("ref")].removesuffix(".mov") for clip in clips] == [r for r, _, _ in _expected_events()]
    offsets = [Fraction(clip.get("offset").removesuffix("s")) * 25 for clip in clips]
    durations = [Fraction(clip.get("duration").removesuffix("s")) * 25 for clip in clips]
    starts = [Fraction(clip.get("start").removesuffix("s")) * 25 for clip in clips]
    assert all(
        later == earlier + length
        for earlier, later, length in zip(offsets[:-1], offsets[1:], durations[:-1], strict=True)
    )
    assert [(start, start + length - 1) for start, length in zip(starts, durations, strict=True)] == [
        (first, last) for _, first, last in _expected_events()
    ]


def test_sequence_aaf_has_a_master_clip_per_video(day: list[Path], tmp_path: Path) -> None:
    path = convert(day, tmp_path / "day.aaf", "sequence")
    with aaf2.open(str(path)) as aaf:
        masters = {mob.mob_id: mob.name for mob in aaf.content.mastermobs()}
        assert sorted(masters.values()) == ["A001.mov", "A002.mov", "A003.mov"]
        [composition] = list(aaf.content.toplevel())
        [picture] = [slot for slot in composition.slots if slot.name == "V1"]
        clips = [c for c in picture.segment.components if isinstance(c, aaf2.components.SourceClip)]
        assert [masters[clip["SourceID"].value].removesuffix(".mov") for clip in clips] == [
            reel for reel, _, _ in _expected_events()
        ]
        assert [(clip.start, clip.start + clip.length - 1) for clip in clips] == [
            (first, last) for _, first, last in _expected_events()
        ]


def test_sequence_otio_has_every_clip_of_its_own_media_and_markers_with_them(day: list[Path], tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(convert(day, tmp_path / "day.otio", "sequence")), "otio_json")
    shots = timeline.tracks[0]
    clips = list(shots.find_clips(shallow_search=True))
    assert len(clips) == 12
    urls = [clip.media_reference.target_url for clip in clips]
    assert len(set(urls)) == 3 and [url.rsplit("/", 1)[1][:4] for url in urls] == [r for r, _, _ in _expected_events()]
    assert [media_frames(clip.source_range) for clip in clips] == [[f, last] for _, f, last in _expected_events()]
    # Each video's slate on its first shot, and A002's label on its second, at its own video's frames.
    starts = [0, sum(DAY["A001"]), sum(DAY["A001"]) + sum(DAY["A002"])]
    slates = [
        clip.range_in_parent().start_time.to_frames() for clip in clips for m in clip.markers if m.name == "Slate"
    ]
    assert slates == starts
    [label] = [(clip.name, m) for clip in clips for m in clip.markers if m.name == "Clapperboard"]
    assert label[0] == "Shot 0002" and label[1].marked_range.start_time.to_frames() == 26
    assert [track.name for track in timeline.audio_tracks()] == ["A1", "A2"]
    assert len(timeline.metadata["rekognition"]["videos"]) == 3


def test_videos_of_different_rates_are_refused_in_one_sequence(
    day: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = json.loads(day[2].read_text())
    page["VideoMetadata"][0]["FrameRate"] = 30.0
    day[2].write_text(json.dumps(page))
    assert main(["convert", *map(str, day), "-o", str(tmp_path / "day.edl"), "--videos", "sequence"]) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]  # after the warning that 30 fps disagrees with its frames
    assert (
        line.startswith("otio-rekognition: error: ")
        and "A003.json: 30 fps, but" in line
        and "A001.json is 25 fps" in line
        and "--videos bin" in line
    )
    assert main(["convert", *map(str, day), "-o", str(tmp_path / "day.fcpxml"), "--videos", "bin"]) == 0


def test_bin_fcpxml_is_an_event_of_master_clips_and_subclips(day: list[Path], tmp_path: Path) -> None:
    root = _without_doctype(convert(day, tmp_path / "bin.fcpxml", "bin"))
    _valid(apple_dtd("FCPXMLv1_10.dtd"), root)
    [event] = root.findall("library/event")
    clips = event.findall("asset-clip")
    names = [clip.get("name") for clip in clips]
    expected = [
        clip
        for name, lengths in DAY.items()
        for clip in (f"{name}.mov", *(f"{name} Shot {number:04d}" for number in range(1, len(lengths) + 1)))
    ]
    assert names == expected
    subclips = [clip for clip in clips if " Shot " in clip.get("name")]
    assert [
        (
            Fraction(clip.get("start")[:-1]) * 25,
            Fraction(clip.get("start")[:-1]) * 25 + Fraction(clip.get("duration")[:-1]) * 25 - 1,
        )
        for clip in subclips
    ] == [(first, last) for _, first, last in _expected_events()]
    # A master clip carries its video's markers; a subclip those that start in it.
    assert [marker.get("value") for marker in clips[names.index("A002.mov")]] == ["Slate", "Clapperboard"]
    assert [marker.get("value") for marker in clips[names.index("A002 Shot 0002")]] == ["Clapperboard"]


def test_bin_fcp7_xml_is_a_bin_of_clips_as_premiere_imports(day: list[Path], tmp_path: Path) -> None:
    root = _without_doctype(convert(day, tmp_path / "bin.xml", "bin"))
    _valid(apple_dtd("xmeml_v5.dtd"), root)
    [folder] = root.findall("bin")
    clips = folder.findall("children/clip")
    assert len(clips) == 15
    masters = [clip for clip in clips if clip.findtext("ismasterclip") == "TRUE"]
    assert [clip.findtext("name") for clip in masters] == ["A001.mov", "A002.mov", "A003.mov"]
    subclips = [clip for clip in clips if clip.findtext("ismasterclip") == "FALSE"]
    assert [(int(clip.findtext("in")), int(clip.findtext("out")) - 1) for clip in subclips] == [
        (first, last) for _, first, last in _expected_events()
    ]
    for clip in subclips:
        master = next(m for m in masters if m.get("id") == clip.findtext("masterclipid"))
        info = clip.find("subclipinfo")
        assert int(info.findtext("startoffset")) == int(clip.findtext("in"))
        assert int(info.findtext("endoffset")) == int(master.findtext("duration")) - int(clip.findtext("out"))


def test_bin_aaf_has_master_clips_with_locators_and_a_subclip_per_shot(day: list[Path], tmp_path: Path) -> None:
    path = convert(day, tmp_path / "bin.aaf", "bin")
    with aaf2.open(str(path)) as aaf:
        masters = {mob.mob_id: mob for mob in aaf.content.mastermobs()}
        assert sorted(mob.name for mob in masters.values()) == ["A001.mov", "A002.mov", "A003.mov"]
        for mob in masters.values():
            [events] = [slot for slot in mob.slots if isinstance(slot, aaf2.mobslots.EventMobSlot)]
            found = [
                (marker["Position"].value, marker["Comment"].value.split(",")[0])
                for marker in events.segment.components
            ]
            assert found == ([(0, "Slate"), (26, "Clapperboard")] if mob.name == "A002.mov" else [(0, "Slate")])
        subclips = [mob for mob in aaf.content.compositionmobs() if mob.usage == "Usage_SubClip"]
        assert [mob.name for mob in subclips] == [
            f"{name} Shot {number:04d}" for name, lengths in DAY.items() for number in range(1, len(lengths) + 1)
        ]
        ranges = []
        for mob in subclips:
            picture = next(slot for slot in mob.slots if slot.slot_id == 1)
            assert picture.segment["SourceID"].value in masters
            ranges.append((picture.segment.start, picture.segment.start + picture.segment.length - 1))
        assert ranges == [(first, last) for _, first, last in _expected_events()]


def test_bin_ale_has_a_row_per_shot_of_the_right_length_and_what_was_found(day: list[Path], tmp_path: Path) -> None:
    read = otio.adapters.read_from_file(str(convert(day, tmp_path / "bin.ale", "bin")), "ale")
    clips = list(read.find_clips())
    assert [clip.name for clip in clips] == [
        f"{name} Shot {number:04d}" for name, lengths in DAY.items() for number in range(1, len(lengths) + 1)
    ]
    assert [media_frames(clip.source_range) for clip in clips] == [[f, last] for _, f, last in _expected_events()]
    assert [clip.metadata["ALE"]["Tape"] for clip in clips] == [reel for reel, _, _ in _expected_events()]
    assert [clip.metadata["ALE"]["Labels"] for clip in clips if clip.metadata["ALE"]["Labels"]] == ["Clapperboard"]
    assert [clip.name for clip in clips if clip.metadata["ALE"]["Cues"] == "Slate"] == [
        "A001 Shot 0001", "A002 Shot 0001", "A003 Shot 0001"
    ]  # fmt: skip


def test_bin_otio_is_a_collection_of_clips_through_the_adapter_too(day: list[Path], tmp_path: Path) -> None:
    written = otio.adapters.read_from_file(str(convert(day, tmp_path / "bin.otio", "bin")), "otio_json")
    together = tmp_path / "day.json"
    together.write_text(json.dumps([json.loads(path.read_text()) for path in day]))
    read = otio.adapters.read_from_file(str(together), "rekognition", videos="bin")
    for collection in (written, read):
        assert isinstance(collection, otio.schema.SerializableCollection)
        assert [clip.name for clip in collection][:2] == ["A001.mov", "A001 Shot 0001"]
        assert len(list(collection)) == 15
        master = next(clip for clip in collection if clip.name == "A002.mov")
        assert [marker.name for marker in master.markers] == ["Slate", "Clapperboard"]
        assert master.metadata["rekognition"]["job"]["JobId"] == "job-A002"


def test_formats_that_cannot_hold_a_bin_say_so(
    day: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", *map(str, day), "-o", str(tmp_path / "bin.edl"), "--videos", "bin"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "cannot hold several videos as a bin" in line and "FCPXML, FCP7 XML, AAF, ALE or OTIO" in line
    assert not (tmp_path / "bin.edl").exists()


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="headless Chromium comes from the Debian package `make browser` installs (required in CI)",
)
def test_the_review_page_of_a_day_has_a_section_per_video_each_sorting_its_own_table(
    day: list[Path], tmp_path: Path
) -> None:
    assert CHROMIUM is not None, "CI needs headless Chromium: make browser"
    page = tmp_path / "day.html"
    assert main(["report", *map(str, day), "-o", str(page), "--videos", "bin"]) == 0
    # Sorting the second video's table by frames, longest first, leaves the others as they were.
    clicked = tmp_path / "clicked.html"
    sort = "var th = document.querySelectorAll('#segments-2 th')[7]; th.click(); th.click();"
    clicked.write_text(page.read_text().replace("</body>", f"<script>{sort}</script></body>"))
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([CHROMIUM, *FLAGS, *profile, "--dump-dom", clicked.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout  # fmt: skip
    sections = re.findall(r'<section class="video">(.*?)</section>\s*(?=<section class="video">|<script>)', dom, re.S)
    assert len(sections) == 3
    for section, (name, lengths) in zip(sections, DAY.items(), strict=True):
        assert f"<h2>job-{name}</h2>" in section
        shown = [int(n) for n in re.findall(r'<tr class="shot[^"]*">(?:<td>[^<]*</td>){7}<td>(\d+)</td>', section)]
        assert shown == (sorted(lengths, reverse=True) if name == "A002" else lengths)
    assert dom.count('class="block shot"') == 12


def test_media_is_a_folder_of_each_videos_copy_with_its_own_timecode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--media DIR with --videos: each video's copy by its S3 object's name (or its stem with another
    container), its embedded timecode and name used for its own clips; a missing copy is one line."""
    copies = tmp_path / "copies"
    copies.mkdir()
    jobs = []
    for name, copy in (("a.mov", "a.mov"), ("b.mov", "b.mp4")):
        page = json.loads((SAMPLES / "tc_25.json").read_text())
        page["Video"] = {"S3Object": {"Bucket": "dailies", "Name": f"day1/{name}"}}
        page["JobId"] = f"job-{name}"
        jobs.append(tmp_path / f"{name}.json")
        jobs[-1].write_text(json.dumps(page))
        (copies / copy).write_bytes((SAMPLES / "tc_25.mov").read_bytes())
    edl = tmp_path / "day.edl"
    flags = ["--videos", "sequence", "--media", str(copies)]
    assert main(["convert", *map(str, jobs), "-o", str(edl), *flags]) == 0
    events = [event.edits[0] for event in pycmx.parse_cmx3600(edl.open()).events]
    embedded = Timecode(25, media_timecode(SAMPLES / "tc_25.mov")).frames - 1
    assert [edit.source for edit in events] == ["A", "A", "B", "B"]
    assert [Timecode(25, edit.source_in).frames - 1 - embedded for edit in events] == [0, 37, 0, 37]
    (copies / "b.mp4").unlink()
    assert main(["convert", *map(str, jobs), "-o", str(tmp_path / "again.edl"), *flags]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()[-1:]
    assert "no copy of s3://dailies/day1/b.mov in" in line and "expected b.mov or one file named b.*" in line


def _counted(tmp_path: Path, *names: str) -> list[Path]:
    """The drop-frame and non-drop 29.97 samples as two videos of a day, with their copies in tmp_path/copies."""
    copies = tmp_path / "copies"
    copies.mkdir(exist_ok=True)
    jobs = []
    for name in names:
        page = json.loads((SAMPLES / f"{name}.json").read_text())
        page["Video"] = {"S3Object": {"Bucket": "dailies", "Name": f"day1/{name}.mov"}}
        jobs.append(tmp_path / f"{name}.json")
        jobs[-1].write_text(json.dumps(page))
        (copies / f"{name}.mov").write_bytes((SAMPLES / f"{name}.mov").read_bytes())
    return jobs


def test_videos_counting_timecode_two_ways_are_refused_in_a_sequence_and_kept_apart_in_a_bin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = _counted(tmp_path, "tc_2997df", "tc_2997ndf")
    media = ["--media", str(tmp_path / "copies")]
    assert main(["convert", *map(str, jobs), "-o", str(tmp_path / "day.edl"), "--videos", "sequence", *media]) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "tc_2997ndf.json: its timecodes count non-drop" in line and "drop frame" in line and "--videos bin" in line
    xml = tmp_path / "bin.xml"
    assert main(["convert", *map(str, jobs), "-o", str(xml), "--videos", "bin", *media]) == 0
    files = {
        file.findtext("name"): file for file in _without_doctype(xml).iter("file") if file.find("name") is not None
    }
    for name, drop in (("tc_2997df.mov", True), ("tc_2997ndf.mov", False)):
        timecode = files[name].find("timecode")
        assert timecode.findtext("displayformat") == ("DF" if drop else "NDF")
        embedded = media_timecode(SAMPLES / name)
        assert timecode.findtext("string") == embedded
        counted = Timecode("29.97", embedded, force_non_drop_frame=not drop).frames - 1
        assert int(timecode.findtext("frame")) == counted
    aaf_path = tmp_path / "bin.aaf"
    assert main(["convert", *map(str, jobs), "-o", str(aaf_path), "--videos", "bin", *media]) == 0
    with aaf2.open(str(aaf_path)) as aaf:
        tapes = {
            mob.name: mob for mob in aaf.content.sourcemobs() if isinstance(mob.descriptor, aaf2.essence.TapeDescriptor)
        }
        drops = {
            name: next(
                slot.segment["Drop"].value for slot in mob.slots if isinstance(slot.segment, aaf2.components.Timecode)
            )
            for name, mob in tapes.items()
        }
    assert drops == {"TC2997DF": True, "TC2997ND": False}


def test_two_videos_of_one_name_get_reels_of_their_own(
    day: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path, folder in zip(day[:2], ("camA", "camB"), strict=True):
        page = json.loads(path.read_text())
        page["Video"]["S3Object"]["Name"] = f"{folder}/clip001.mov"
        path.write_text(json.dumps(page))
    edl = convert(day[:2], tmp_path / "day.edl", "sequence")
    reels = [event.edits[0].source for event in pycmx.parse_cmx3600(edl.open()).events]
    assert reels == ["CLIP001"] * 3 + ["CLIP0012"] * 4
    assert "reel CLIP001 is another video's too (named alike): written as CLIP0012" in capsys.readouterr().err


def test_a_sequence_csv_gives_each_markers_source_in_its_own_video(day: list[Path], tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(convert(day, tmp_path / "day.csv", "sequence").read_text("utf-8-sig"))))
    [label] = [row for row in rows if row["name"] == "Clapperboard"]
    assert (label["source_in"], label["first_frame"]) == ("00:00:01:01", "26")
    assert [row["first_frame"] for row in rows if row["name"] == "Slate"] == ["0", "0", "0"]


def test_a_sequence_read_back_from_otio_keeps_each_videos_sound(day: list[Path], tmp_path: Path) -> None:
    pages = [json.loads(path.read_text()) for path in day]
    pages[0]["AudioMetadata"][0]["NumberOfChannels"] = 1
    del pages[2]["AudioMetadata"]
    for path, page in zip(day, pages, strict=True):
        path.write_text(json.dumps(page))
    direct = convert(day, tmp_path / "direct.edl", "sequence").read_text()
    otio_file = convert(day, tmp_path / "day.otio", "sequence")
    assert main(["convert", str(otio_file), "-o", str(tmp_path / "again.edl")]) == 0
    assert (tmp_path / "again.edl").read_text() == direct
    tracks = [event.split()[2] for event in direct.splitlines() if event[:3].isdigit()]
    assert tracks == ["B"] * 3 + ["AA/V"] * 4 + ["V"] * 5


def test_a_bin_keeps_a_video_without_shots_and_subclips_only_their_markers(day: list[Path], tmp_path: Path) -> None:
    page = json.loads(day[2].read_text())
    page["Segments"] = [segment for segment in page["Segments"] if segment["Type"] != "SHOT"]
    day[2].write_text(json.dumps(page))
    rows = list(otio.adapters.read_from_file(str(convert(day, tmp_path / "bin.ale", "bin")), "ale").find_clips())
    assert [clip.name for clip in rows][-1] == "A003.mov" and rows[-1].metadata["ALE"]["Cues"] == "Slate"
    assert len(rows) == 3 + 4 + 1
    first = json.loads(day[0].read_text())
    first["Segments"][0]["StartFrameNumber"] = 10  # frames 0-9 in no shot: the slate starts before the first
    first["Segments"][0]["StartTimestampMillis"] = 400
    first["Segments"][0]["StartTimecodeSMPTE"] = "00:00:00:10"
    day[0].write_text(json.dumps(first))
    collection = otio.adapters.read_from_file(str(convert(day, tmp_path / "bin.otio", "bin")), "otio_json")
    clips = {clip.name: clip for clip in collection}
    assert [marker.name for marker in clips["A001.mov"].markers] == ["Slate"]
    assert [marker.name for marker in clips["A001 Shot 0001"].markers] == []


def test_what_cannot_be_told_apart_is_refused_in_one_line(
    day: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A job naming no S3 object that two videos could be; one --media-url for several videos."""
    lengths = {**DAY, "A002": DAY["A001"]}
    page = json.loads(day[1].read_text())
    page["VideoMetadata"][0]["DurationMillis"] = sum(lengths["A002"]) * 40
    day[1].write_text(json.dumps(page))
    unnamed = json.loads(day[0].read_text())
    del unnamed["Video"]
    labels = [{"Timestamp": 0, "Label": {"Name": "Tree", "Confidence": 90.0}}]
    old = {key: value for key, value in unnamed.items() if key != "Segments"} | {"JobId": "old", "Labels": labels}
    (tmp_path / "old.json").write_text(json.dumps(old))
    out = tmp_path / "day.edl"
    assert (
        main(["convert", str(day[0]), str(day[1]), str(tmp_path / "old.json"), "-o", str(out), "--videos", "sequence"])
        == 1
    )
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "old.json: names no S3 object, and 2 of the videos have its rate, size and length" in line
    assert main(["convert", *map(str, day), "-o", str(out), "--videos", "bin", "--media-url", "/x/y.mov"]) == 1
    assert "--media-url: one URL for several videos" in capsys.readouterr().err
    assert not out.exists()


def _named(day: list[Path], *keys: str) -> list[Path]:
    """The day's first videos, analysed as the S3 objects ``keys``."""
    for path, key in zip(day, keys, strict=False):
        page = json.loads(path.read_text())
        page["Video"]["S3Object"]["Name"] = key
        path.write_text(json.dumps(page))
    return day[: len(keys)]


def test_a_renamed_reel_never_takes_another_videos_own(day: list[Path], tmp_path: Path) -> None:
    extra = json.loads(day[2].read_text()) | {"JobId": "job-A004"}
    day.append(tmp_path / "A004.json")
    day[-1].write_text(json.dumps(extra))
    videos = _named([day[0], day[1], day[2], day[-1]], "A001C001.mov", "A001C001_1.mov", "A001C002.mov", "A001C003.mov")
    for output in ("day.edl", "day.otio"):
        convert(videos, tmp_path / output, "sequence")
    again = tmp_path / "again.edl"
    assert main(["convert", str(tmp_path / "day.otio"), "-o", str(again)]) == 0  # the OTIO route keeps them too
    for edl in (tmp_path / "day.edl", again):
        reels = list(dict.fromkeys(event.edits[0].source for event in pycmx.parse_cmx3600(edl.open()).events))
        assert reels == ["A001C001", "A001C004", "A001C002", "A001C003"]


def test_a_sequence_keeps_each_kind_of_lane_together(day: list[Path], tmp_path: Path) -> None:
    from otio_rekognition.arguments import ReadOptions
    from otio_rekognition.otio_adapters.rekognition import load_videos
    from otio_rekognition.timeline.cutlist import sequence_cut_list

    options = ReadOptions(videos="sequence", cue_track=True, analysis_tracks=True)
    cuts = sequence_cut_list(load_videos([(str(path), path.read_bytes()) for path in day], options))
    assert [{event.kind for event in lane} for lane in cuts.cue_tracks] == [{"cue"}, {"labels"}]
    assert len(cuts.cue_tracks[0]) == 3 and len(cuts.cue_tracks[1]) == 1


def test_a_sequence_has_no_one_response(day: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    timeline = convert(day, tmp_path / "day.otio", "sequence")
    assert main(["convert", str(timeline), "-o", str(tmp_path / "back.json")]) == 1
    assert "is a sequence of 3 videos: a response is of one video" in capsys.readouterr().err
    collection = otio.adapters.read_from_file(str(convert(day, tmp_path / "bin.otio", "bin")), "otio_json")
    with pytest.raises(otio.exceptions.OTIOError, match="expected a timeline, got a SerializableCollection"):
        otio.adapters.write_to_string(collection, "rekognition")


def test_a_marker_before_a_later_videos_first_shot_is_of_that_video(day: list[Path], tmp_path: Path) -> None:
    page = json.loads(day[1].read_text())
    shots = [segment for segment in page["Segments"] if segment["Type"] == "SHOT"]
    first = shots[0]
    first["StartFrameNumber"], first["StartTimestampMillis"], first["StartTimecodeSMPTE"] = 20, 800, "00:00:00:20"
    page["Segments"] = [*shots, build_segment("TECHNICAL_CUE", 0, 9, RATE, {"Type": "Slate", "Confidence": 95.0})]
    day[1].write_text(json.dumps(page))
    rows = list(csv.DictReader(io.StringIO(convert(day, tmp_path / "day.csv", "sequence").read_text("utf-8-sig"))))
    slates = [(row["source_in"], row["first_frame"]) for row in rows if row["name"] == "Slate"]
    assert slates == [("00:00:00:00", "0")] * 3


def test_a_bin_ale_lists_what_covers_a_shot_however_early_it_started(day: list[Path], tmp_path: Path) -> None:
    labels = json.loads(day[3].read_text())
    labels["Labels"] = [
        {"Timestamp": millis, "Label": {"Name": "Bird", "Confidence": 90.0}} for millis in range(0, 4000, 500)
    ]
    day[3].write_text(json.dumps(labels))
    read = otio.adapters.read_from_file(str(convert(day, tmp_path / "bin.ale", "bin")), "ale")
    rows = {clip.name: dict(clip.metadata["ALE"]) for clip in read.find_clips()}
    assert rows["A002 Shot 0002"]["Labels"] == rows["A002 Shot 0003"]["Labels"] == "Bird"
    assert rows["A001 Shot 0001"]["Cues"] == rows["A002 Shot 0001"]["Cues"] == "Slate"
    assert rows["A001 Shot 0002"]["Cues"] == ""  # the slate ends before it
