"""``otioconvert`` run as a user runs it, in a subprocess, finding the plugin
through its entry point. Outputs are checked with independent readers: pycmx
for EDL, lxml for FCP7 XML, the timecode package for timecode strings."""

from __future__ import annotations

import itertools
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from helpers import SAMPLE_NAMES, TC_RATES, clip_markers, media_frames, sample, shot_clips
from lxml import etree
from timecode import Timecode

OTIOCONVERT = Path(sys.executable).with_name("otioconvert")


def otioconvert(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OTIOCONVERT), *map(str, arguments)], capture_output=True, text=True, timeout=120)


def frame(timecode: str, tc_rate: str) -> int:
    return Timecode(tc_rate, timecode).frames - 1


def test_otio_output_by_suffix(tmp_path: Path, cut_lists: dict) -> None:
    result = otioconvert("-i", sample("2997df"), "-o", tmp_path / "job.otio")
    assert result.returncode == 0, result.stderr
    timeline = otio.adapters.read_from_file(str(tmp_path / "job.otio"))
    assert [media_frames(c.source_range) for c in shot_clips(timeline)] == cut_lists["2997df"]["shots"]
    assert clip_markers(timeline) == sorted(cut_lists["2997df"]["cues"])


def test_adapter_by_name_with_arguments(real_pages: list[Path], tmp_path: Path) -> None:
    job = tmp_path / "job.saved"  # no .json suffix: only -I can pick the adapter
    job.write_bytes(b"".join(page.read_bytes() for page in real_pages))
    result = otioconvert(
        "-I",
        "rekognition",
        "-i",
        job,
        "-o",
        tmp_path / "job.otio",
        "-a",
        "start_timecode=01:00:00:00",
        "-a",
        "cue_track=true",
        "-a",
        "min_confidence=50",
    )
    assert result.returncode == 0, result.stderr
    timeline = otio.adapters.read_from_file(str(tmp_path / "job.otio"))
    assert timeline.global_start_time.to_timecode() == "01:00:00:00"
    assert len(shot_clips(timeline)) == 1404
    assert shot_clips(timeline)[-1].source_range.end_time_exclusive().value == 61958


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_edl_is_frame_exact(name: str, tmp_path: Path, cut_lists: dict) -> None:
    result = otioconvert("-i", sample(name), "-o", tmp_path / "cuts.edl")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "cuts.edl") as stream:
        edit_list = pycmx.parse_cmx3600(stream)
    assert [s for s in edit_list.unrecognized_statements if s.content.strip()] == []
    edits = [edit for event in edit_list.events for edit in event.edits]
    tc_rate = TC_RATES[name]
    truth = cut_lists[name]["shots"]
    assert len(edits) == len(truth)
    for edit, (first, last) in zip(edits, truth, strict=True):
        # EDL out points are exclusive: the frame after the last one.
        assert [frame(edit.source_in, tc_rate), frame(edit.source_out, tc_rate)] == [first, last + 1]
        assert [frame(edit.record_in, tc_rate), frame(edit.record_out, tc_rate)] == [first, last + 1]
    locators = [
        s.text for event in edit_list.events for s in event.statements if getattr(s, "text", "").startswith("LOC:")
    ]
    assert len(locators) == len(cut_lists[name]["cues"])


def test_real_job_edl(real_pages: list[Path], tmp_path: Path) -> None:
    job = tmp_path / "job.json"
    job.write_bytes(b"".join(page.read_bytes() for page in real_pages))
    result = otioconvert("-i", job, "-o", tmp_path / "cuts.edl")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "cuts.edl") as stream:
        edits = [edit for event in pycmx.parse_cmx3600(stream).events for edit in event.edits]
    assert len(edits) == 1404
    assert frame(edits[-1].record_out, "25") == 61958
    record_gaps = sum(frame(b.record_in, "25") > frame(a.record_out, "25") for a, b in itertools.pairwise(edits))
    assert record_gaps == 16


@pytest.mark.parametrize("name", ["23976", "2997df", "5994df"])
def test_fcp7_xml_is_frame_exact_with_markers(name: str, tmp_path: Path, cut_lists: dict) -> None:
    result = otioconvert("-i", sample(name), "-o", tmp_path / "cuts.xml")
    assert result.returncode == 0, result.stderr
    document = etree.parse(str(tmp_path / "cuts.xml"))
    clip_items = document.findall(".//sequence/media/video/track/clipitem")
    cuts = [[int(item.findtext(tag)) for tag in ("in", "out", "start", "end")] for item in clip_items]
    assert cuts == [[first, last + 1, first, last + 1] for first, last in cut_lists[name]["shots"]]
    markers = sorted(
        [marker.findtext("name"), int(marker.findtext("in")), int(marker.findtext("out")) - 1]
        for marker in document.findall(".//clipitem/marker")
    )
    assert markers == sorted(cut_lists[name]["cues"])


def test_bad_input_is_one_error_line_through_otioconvert_module(tmp_path: Path) -> None:
    job = tmp_path / "job.json"
    job.write_text('{"JobStatus": "FAILED", "StatusMessage": "Unsupported codec."}')
    result = subprocess.run(
        [sys.executable, "-m", "opentimelineio.console.otioconvert", "-i", str(job), "-o", str(tmp_path / "x.otio")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"ERROR: {job}: page 1: the job FAILED: Unsupported codec."
    assert not (tmp_path / "x.otio").exists()


def test_unknown_argument_through_otioconvert(tmp_path: Path) -> None:
    result = otioconvert("-i", sample("25"), "-o", tmp_path / "x.otio", "-a", "colour=red")
    assert result.returncode != 0
    assert "unknown rekognition adapter argument 'colour'; accepted:" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "x.otio").exists()


def test_stock_fcpxml_keeps_every_cue_marker_at_25(tmp_path: Path, cut_lists: dict) -> None:
    result = otioconvert("-i", sample("25"), "-o", tmp_path / "cuts.fcpxml")
    assert result.returncode == 0, result.stderr
    document = etree.parse(str(tmp_path / "cuts.fcpxml"))

    def frames_of(value: str) -> int:
        seconds = Fraction(value.removesuffix("s"))
        assert (seconds * 25).denominator == 1, value  # a whole number of frames
        return int(seconds * 25)

    markers = sorted(
        [m.get("value"), frames_of(m.get("start")), frames_of(m.get("start")) + frames_of(m.get("duration")) - 1]
        for m in document.iter("marker")
    )
    assert markers == sorted(cut_lists["25"]["cues"])
