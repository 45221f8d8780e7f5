"""Avid Log Exchange: a row per shot, read back by otio-ale-adapter (OTIO's
ALE reader) and checked field by field against the samples' ground truth and
the timecode package."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import SAMPLE_NAMES, SAMPLES, TC_RATES, media_frames, sample
from timecode import Timecode

from otio_rekognition.cli import main

DROP_FRAME = {"2997df", "5994df"}


def convert(tmp_path: Path, *inputs: Path) -> Path:
    output = tmp_path / "out.ale"
    assert main(["convert", *map(str, inputs), "-o", str(output)]) == 0
    return output


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_a_row_per_shot_read_back_by_otios_ale_reader(name: str, tmp_path: Path, cut_lists: dict) -> None:
    path = convert(tmp_path, sample(name))
    read = otio.adapters.read_from_file(str(path), "ale")
    clips = list(read.find_clips())
    truth = cut_lists[name]
    assert [clip.name for clip in clips] == [f"Shot {number:04d}" for number in range(1, len(truth["shots"]) + 1)]
    assert [media_frames(clip.source_range) for clip in clips] == truth["shots"]
    header = read.metadata["ALE"]["header"]
    assert (header["FIELD_DELIM"], header["VIDEO_FORMAT"], header["AUDIO_FORMAT"]) == ("TABS", "1080", "48khz")
    assert abs(float(header["FPS"]) - float(Timecode(TC_RATES[name]).framerate)) < 0.01
    for clip, (first, last) in zip(clips, truth["shots"], strict=True):
        values = clip.metadata["ALE"]
        assert (values["Tracks"], values["Tape"]) == ("VA1A2", f"DEMO{name.upper()}"[:8])
        assert clip.media_reference.target_url == f"demo_{name}.mov"
        # Start and End in Avid's count: End is the frame after the last, drop frame written with ';'.
        rows = [line.split("\t") for line in path.read_text().splitlines() if line.startswith(clip.name + "\t")]
        [(start, end)] = [row[2:4] for row in rows]
        drop = name in DROP_FRAME
        assert (";" in start, ";" in end) == (drop, drop)
        counted = [Timecode(TC_RATES[name], text, force_non_drop_frame=not drop).frames - 1 for text in (start, end)]
        assert counted == [first, last + 1]
        # The cues whose frames meet the shot, as the ground truth has them.
        met = sorted(
            (cue_first, cue) for cue, cue_first, cue_last in truth["cues"] if cue_first <= last and cue_last >= first
        )
        expected = list(dict.fromkeys(cue for _, cue in met))
        assert (values["Cues"].split(", ") if values["Cues"] else []) == expected


def test_the_other_analyses_have_a_column_each(tmp_path: Path) -> None:
    files = [sample("25"), *sorted(SAMPLES.glob("synthetic_*_25.json"))]
    lines = convert(tmp_path, *files).read_text().splitlines()
    columns = lines[lines.index("Column") + 1].split("\t")
    assert columns[:6] == ["Name", "Tracks", "Start", "End", "Tape", "Source File"]
    assert len(columns) <= 64 and all(len(column) <= 14 for column in columns[6:])
    read = otio.adapters.read_from_file(str(tmp_path / "out.ale"), "ale")
    found = {column: sum(bool(clip.metadata["ALE"][column]) for clip in read.find_clips()) for column in columns[6:]}
    assert all(found.values()), found  # every analysis found something in some shot


def test_hostile_names_stay_one_field(tmp_path: Path) -> None:
    response = json.loads(sample("25").read_text())
    cue = next(segment for segment in response["Segments"] if segment["Type"] == "TECHNICAL_CUE")
    cue["TechnicalCueSegment"]["Type"] = "Future\tCue\nWith\rBreaks"
    job = tmp_path / "hostile.json"
    job.write_text(json.dumps(response))
    text = convert(tmp_path, job).read_text()
    data = text.splitlines()[text.splitlines().index("Data") + 1 :]
    columns = text.splitlines()[text.splitlines().index("Column") + 1].split("\t")
    assert all(len(row.split("\t")) == len(columns) for row in data)
    read = otio.adapters.read_from_file(str(tmp_path / "out.ale"), "ale")
    assert any("Future Cue With Breaks" in clip.metadata["ALE"]["Cues"] for clip in read.find_clips())
