"""Markers where editors, players and subtitle tools import them (issue 11):
every format read back by an independent reader (ffmpeg/PyAV, the csv module,
Apple's DTDs) and checked against the samples' declared cut lists and the
`timecode` package."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import imageio_ffmpeg
import opentimelineio as otio
import pytest
from helpers import CUE_COLOURS, SAMPLE_NAMES, SAMPLES, TC_RATES, apple_dtd, one_per_frame, sample
from lxml import etree
from timecode import Timecode

from otio_rekognition.cli import main

RATES = {
    "23976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25),
    "2997df": Fraction(30000, 1001), "30": Fraction(30), "5994df": Fraction(60000, 1001),
}  # fmt: skip


def convert(tmp_path: Path, name: str, suffix: str, *flags: str) -> Path:
    output = tmp_path / f"{name}{suffix}"
    assert main(["convert", str(sample(name)), "-o", str(output), *flags]) == 0
    return output


def default_start(name: str) -> int:
    return Timecode(TC_RATES[name], "01:00:00;00" if name.endswith("df") else "01:00:00:00").frames - 1


def frame_at(seconds: Fraction, rate: Fraction) -> int:
    """The frame a player shows at ``seconds``."""
    return math.floor(seconds * rate)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_avid_marker_list_field_by_field(name: str, cut_lists: dict, tmp_path: Path) -> None:
    lines = convert(tmp_path, name, ".txt").read_text().splitlines()
    # One marker per frame on V1: cues that start on one frame share a line, its comment each one's text.
    cues = one_per_frame(cut_lists[name]["cues"])
    assert len(lines) == len(cues)
    start = default_start(name)
    found = []
    for line in lines:
        user, timecode, track, colour, comment, duration = line.split("\t")
        assert (user, track) == ("Rekognition", "V1")
        cue_types = []
        for part in comment.split("; "):
            cue_type, confidence = part.split(", confidence ")
            assert confidence.endswith("%") and 0 < float(confidence[:-1]) <= 100
            cue_types.append(cue_type)
        assert colour == CUE_COLOURS[cue_types[0]].lower()
        first = Timecode(TC_RATES[name], timecode).frames - 1 - start
        found.append([" + ".join(cue_types), first, first + int(duration) - 1])
    assert sorted(found) == sorted(cues)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
def test_timed_text_read_by_ffmpeg_lands_on_the_cue_frames(name: str, suffix: str, cut_lists: dict,
                                                            tmp_path: Path) -> None:  # fmt: skip
    path = convert(tmp_path, name, suffix)
    rate = RATES[name]
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        packets = [(p.pts, p.duration) for p in container.demux(stream) if p.pts is not None]
        base = stream.time_base
    got = sorted([frame_at(pts * base, rate), frame_at((pts + duration) * base, rate) - 1] for pts, duration in packets)
    assert got == sorted([first, last] for _, first, last in cut_lists[name]["cues"])
    text = path.read_text()
    assert text.startswith("WEBVTT\n\n" if suffix == ".vtt" else "1\n")
    assert "confidence" in text


@pytest.mark.parametrize("name", ["25", "2997df", "5994df"])
def test_ffmetadata_chapters_muxed_by_ffmpeg_read_back_by_pyav(name: str, cut_lists: dict, tmp_path: Path) -> None:
    metadata = convert(tmp_path, name, ".ffmetadata")
    video = SAMPLES / ("demo_25.mp4" if name == "25" else "demo_2997df.mp4")
    muxed = tmp_path / "chapters.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(video), "-i", str(metadata),
         "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", str(muxed)],
        check=True,
    )  # fmt: skip
    with av.open(str(muxed)) as container:
        chapters = container.chapters()
    rate = RATES[name]
    starts = [frame_at(chapter["start"] * chapter["time_base"], rate) for chapter in chapters]
    titles = [chapter["metadata"]["title"] for chapter in chapters]
    expected: dict[int, list[str]] = {}
    for cue, first, _ in sorted(cut_lists[name]["cues"], key=lambda cue: (cue[1], cue[0])):
        if cue != "BlackFrames":
            expected.setdefault(first, []).append(cue)
    assert starts == sorted(expected)
    assert titles == [" / ".join(expected[first]) for first in sorted(expected)]
    ends = [frame_at(chapter["end"] * chapter["time_base"], rate) for chapter in chapters]
    assert ends[:-1] == starts[1:], "a chapter runs to the next one's start"


def test_webvtt_chapters_and_shots(cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, "25", ".vtt", "--format", "webvtt-chapters", "--chapters", "shots")
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        starts = [
            frame_at(p.pts * stream.time_base, Fraction(25)) for p in container.demux(stream) if p.pts is not None
        ]
    assert starts == [first for first, _ in cut_lists["25"]["shots"]]
    assert "Shot 0001" in path.read_text()


def test_youtube_chapters_follow_youtubes_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = convert(tmp_path, "25", ".txt", "--format", "youtube-chapters").read_text().splitlines()
    times = [line.split(" ", 1)[0] for line in lines]
    seconds = [sum(int(part) * 60**power for power, part in enumerate(reversed(time.split(":")))) for time in times]
    assert times[0] == "0:00" and len(seconds) >= 3
    assert all(later - earlier >= 10 for earlier, later in itertools.pairwise(seconds))
    response = json.loads(sample("25").read_text())
    response["Segments"] = [s for s in response["Segments"] if s["Type"] == "SHOT"][:2]
    job = tmp_path / "short.json"
    job.write_text(json.dumps(response))
    assert main(["convert", str(job), "-o", str(tmp_path / "y.txt"), "--format", "youtube-chapters",
                 "--chapters", "shots"]) == 1  # fmt: skip
    assert "YouTube needs 3" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["25", "2997df"])
def test_csv_parses_and_holds_every_segment(name: str, cut_lists: dict, tmp_path: Path) -> None:
    text = convert(tmp_path, name, ".csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    shots = [[int(r["first_frame"]), int(r["last_frame"])] for r in rows if r["type"] == "shot"]
    cues = [[r["name"], int(r["first_frame"]), int(r["last_frame"])] for r in rows if r["type"] == "cue"]
    assert shots == cut_lists[name]["shots"]
    assert sorted(cues) == sorted(cut_lists[name]["cues"])
    start = default_start(name)
    for row in rows:
        record_in = Timecode(TC_RATES[name], row["record_in"]).frames - 1
        assert record_in == start + int(row["first_frame"])
        assert int(row["frames"]) == int(row["last_frame"]) - int(row["first_frame"]) + 1


@pytest.mark.parametrize("unit", ["seconds", "frames", "timecode"])
def test_shot_changes(unit: str, cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, "2997df", ".txt", "--format", "shot-changes", "--shot-change-unit", unit)
    values = path.read_text().split()
    cuts = [first for first, _ in cut_lists["2997df"]["shots"] if first > 0]
    if unit == "frames":
        assert [int(value) for value in values] == cuts
    elif unit == "seconds":
        assert [frame_at(Fraction(value) + Fraction(1, 2000), RATES["2997df"]) for value in values] == cuts
    else:
        assert [Timecode("29.97", value).frames - 1 - default_start("2997df") for value in values] == cuts


@pytest.mark.parametrize("version", ["1.9", "1.10", "1.14"])
def test_fcpxml_keywords_ratings_and_todo_markers_are_valid(version: str, cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, "25", ".fcpxml", "--fcpxml-version", version, "--fcpxml-keywords", "--fcpxml-reject",
                   "--fcpxml-todo-below", "90")  # fmt: skip
    document = etree.parse(str(path))
    assert apple_dtd(f"FCPXMLv{version.replace('.', '_')}.dtd").validate(document)
    cues = cut_lists["25"]["cues"]
    assert sorted(k.get("value") for k in document.iter("keyword")) == sorted(cue for cue, _, _ in cues)
    rejected = sorted(r.get("name") for r in document.iter("rating") if r.get("value") == "reject")
    assert rejected == sorted(cue for cue, _, _ in cues if cue in ("ColorBars", "Slate", "BlackFrames"))
    for marker in document.iter("marker"):
        confidence = float(marker.get("note").split("confidence ")[1].split("%")[0])
        assert (marker.get("completed") == "0") == (confidence < 90)


def test_every_format_is_an_otio_adapter_with_its_arguments(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")))
    for adapter in ("rekognition_avid_markers", "rekognition_csv", "rekognition_webvtt", "rekognition_srt",
                    "rekognition_webvtt_chapters", "rekognition_ffmetadata", "rekognition_youtube_chapters",
                    "rekognition_shot_changes"):  # fmt: skip
        text = otio.adapters.write_to_string(timeline, adapter)
        assert text.strip(), adapter
        otio.adapters.write_to_file(timeline, str(tmp_path / adapter), adapter, start_timecode="10:00:00:00")
    chapters = otio.adapters.from_name("rekognition_ffmetadata").plugin_info_map()["supported features"]
    assert chapters["write_to_string"]["args"] == ["input_otio", "chapters", "start_timecode", "timecode"]
    shots = otio.adapters.write_to_string(timeline, "rekognition_webvtt_chapters", chapters="shots")
    assert "Shot 0001" in shots
