"""The AWS commands of the command line and rekognition:// inputs, against the
fake Rekognition endpoint on 127.0.0.1 (see fake_rekognition.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from fake_rekognition import REGION, SECRET_KEY, FakeRekognition, merged_response
from helpers import media_frames, picture_events, sample, shot_clips
from timecode import Timecode

from otio_rekognition.cli import main

pytestmark = pytest.mark.usefixtures("aws_env")
FAST_POLLING = ["--poll-initial", "0.01", "--poll-max", "0.02"]


def aws_options(fake: FakeRekognition) -> list[str]:
    return ["--region", REGION, "--endpoint-url", fake.url, "--max-attempts", "3"]


def test_start_wait_and_convert_in_one_command(
    fake: FakeRekognition, tmp_path: Path, cut_lists: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.start_statuses = ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    output = tmp_path / "show.edl"
    arguments = ["start", "s3://bucket/show.mov", "--wait", "-o", str(output), "--job-tag", "show-ep1"]
    assert main([*arguments, "--min-shot-confidence", "80", *FAST_POLLING, *aws_options(fake)]) == 0
    captured = capsys.readouterr()
    job_id = captured.out.strip()
    assert job_id and "\n" not in job_id
    assert "IN_PROGRESS" in captured.err and f"{job_id} SUCCEEDED" in captured.err
    (start,) = [r.params for r in fake.requests if r.operation == "StartSegmentDetection"]
    assert start["Video"] == {"S3Object": {"Bucket": "bucket", "Name": "show.mov"}}
    assert start["Filters"]["ShotFilter"]["MinSegmentConfidence"] == 80
    assert start["JobTag"] == "show-ep1" and start["ClientRequestToken"]
    with open(output) as stream:
        edits = [edit for event in picture_events(pycmx.parse_cmx3600(stream)) for edit in event.edits]
    assert [[Timecode("25", e.source_in).frames - 1, Timecode("25", e.source_out).frames - 2] for e in edits] == (
        cut_lists["25"]["shots"]
    )
    assert SECRET_KEY not in output.read_text() + captured.out + captured.err


def test_wait_failed_job_exits_with_its_status(fake: FakeRekognition, capsys: pytest.CaptureFixture[str]) -> None:
    job_id = fake.add_job(merged_response([sample("25")]), statuses=["IN_PROGRESS", "FAILED"])
    assert main(["wait", job_id, *FAST_POLLING, *aws_options(fake)]) == 19
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"otio-rekognition: error: rekognition://{job_id}") and "Unsupported codec" in error


def test_fetch_writes_every_page_as_one_document(
    fake: FakeRekognition, real_pages: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = merged_response(real_pages)
    job_id = fake.add_job(response)
    output = tmp_path / "job.json"
    assert main(["fetch", job_id, "-o", str(output), *aws_options(fake)]) == 0
    assert json.loads(output.read_text())["Segments"] == response["Segments"]
    assert "1404 segments from 2 page(s)" in capsys.readouterr().err


def test_convert_a_job_url(fake: FakeRekognition, tmp_path: Path, cut_lists: dict) -> None:
    job_id = fake.add_job(merged_response([sample("2997df")]))
    output = tmp_path / "job.otio"
    assert main(["convert", f"rekognition://{job_id}?region={REGION}&endpoint_url={fake.url}", "-o", str(output)]) == 0
    timeline = otio.adapters.read_from_file(str(output))
    assert [media_frames(clip.source_range) for clip in shot_clips(timeline)] == cut_lists["2997df"]["shots"]
    assert SECRET_KEY not in output.read_text()


def test_missing_job_is_one_line_naming_the_seven_days(
    fake: FakeRekognition, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail("GetSegmentDetection", "ResourceNotFoundException")
    assert main(["fetch", "abc123", "-o", "/tmp/unused.json", *aws_options(fake)]) == 13
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "7 days" in error
    assert not Path("/tmp/unused.json").exists()


def test_otioconvert_reads_a_job_url(fake: FakeRekognition, tmp_path: Path, cut_lists: dict) -> None:
    job_id = fake.add_job(merged_response([sample("25")]))
    output = tmp_path / "cuts.otio"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("otioconvert")), "-I", "rekognition", "-o", str(output),
         "-i", f"rekognition://{job_id}?region={REGION}&endpoint_url={fake.url}"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    timeline = otio.adapters.read_from_file(str(output))
    assert [media_frames(clip.source_range) for clip in shot_clips(timeline)] == cut_lists["25"]["shots"]


def test_start_takes_media_as_convert_does(fake: FakeRekognition, tmp_path: Path) -> None:
    """A camera file's own non-drop 01:00:00:00 applies to the job start waits for (issue 20: `start --media`
    used to be taken as --media-url, an abbreviation, and every source timecode was an hour off)."""
    samples = Path(__file__).resolve().parent.parent / "sample_media"
    fake.start_results["segments"] = merged_response([samples / "tc_2997ndf.json"])
    media = ["--media", str(samples / "tc_2997ndf.mov")]
    started = tmp_path / "started.edl"
    arguments = ["start", "s3://bucket/tc_2997ndf.mov", "--wait", "-o", str(started), *media]
    assert main([*arguments, *FAST_POLLING, *aws_options(fake)]) == 0
    converted = tmp_path / "converted.edl"
    assert main(["convert", str(samples / "tc_2997ndf.json"), "-o", str(converted), *media]) == 0
    # The same events (the title is each job's JobId).
    assert started.read_text().split("\n", 1)[1] == converted.read_text().split("\n", 1)[1]
    assert "FCM: NON-DROP FRAME" in started.read_text()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["convert", "x.json", "-o", "x.edl", "--edl", "resolve-markers"], "--edl-flavor"),
        (["convert", "x.json", "-o", "x.edl", "--start", "01:00:00:00"], "--start-timecode"),
        (["start", "s3://b/k.mov", "--media-ur", "x"], "--media-url"),
        (["batch", "s3://b/p/", "-o", "out", "--formats", "edl", "--concurency", "3"], "--concurrency"),
    ],
)
def test_an_abbreviated_or_mistyped_flag_is_exit_2_with_a_suggestion(
    typed: list[str], meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(typed)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"did you mean {meant}" in err


def test_every_help_shows_every_default_once() -> None:
    import re

    from otio_rekognition.cli.parser import _parser

    parser = _parser()
    commands = next(action for action in parser._actions if isinstance(getattr(action, "choices", None), dict))
    for name, command in commands.choices.items():
        text = " ".join(command.format_help().split())
        for option in re.split(r" (?=--[a-z])", text.split("options:", 1)[1]):
            assert option.count("default") <= 1, (name, option)
            assert not re.search(r"\(\d+(\.\d+)?\) \(default", option), (name, option)
    convert = " ".join(commands.choices["convert"].format_help().split())
    for flag, default in (("--edl-flavor", "cmx3600"), ("--fcpxml-version", "1.10"), ("--timecode", "auto"),
                          ("--min-confidence", "0.0"), ("--segment-types", "SHOT,TECHNICAL_CUE")):  # fmt: skip
        assert re.search(re.escape(flag) + r" [^(]*?.*?\(default: " + re.escape(default) + r"\)", convert), flag
