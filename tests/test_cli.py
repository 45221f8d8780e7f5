"""The otio-rekognition command line: conversions, one-line errors, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import aaf2
import opentimelineio as otio
import pycmx
import pytest
from helpers import SAMPLES, apple_dtd, media_frames, picture_events, sample, shot_clips
from lxml import etree
from timecode import Timecode

from otio_rekognition.cli import EXIT_INPUT, EXIT_OUTPUT, EXIT_USAGE, main

PROGRAM = Path(sys.executable).with_name("otio-rekognition")


def run(*arguments: str | Path) -> int:
    return main([str(argument) for argument in arguments])


def test_pages_given_as_separate_files(
    real_pages: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "job.otio"
    assert run("convert", *real_pages, "-o", output, "--start-timecode", "01:00:00:00") == 0
    timeline = otio.adapters.read_from_file(str(output))
    assert len(shot_clips(timeline)) == 1404
    assert timeline.global_start_time.to_timecode() == "01:00:00:00"
    assert capsys.readouterr().err == f"otio-rekognition: wrote {output} (otio)\n"


def test_standard_input_as_a_user_pipes_it(real_pages: list[Path], tmp_path: Path) -> None:
    output = tmp_path / "job.json"
    result = subprocess.run(
        [str(PROGRAM), "convert", "-", "-o", str(output)],
        input=b"".join(page.read_bytes() for page in real_pages),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    segments = json.loads(output.read_text())["Segments"]
    assert len(segments) == 1404
    assert segments[-1]["EndTimecodeSMPTE"] == "00:41:18:07"


def test_otio_timeline_to_otioz_and_back(tmp_path: Path, cut_lists: dict) -> None:
    assert run("convert", sample("2997df"), "-o", tmp_path / "job.otio", "--media-url", "/media/x.mov") == 0
    assert run("convert", tmp_path / "job.otio", "-o", tmp_path / "job.otioz") == 0
    timeline = otio.adapters.read_from_file(str(tmp_path / "job.otioz"))
    assert [media_frames(clip.source_range) for clip in shot_clips(timeline)] == cut_lists["2997df"]["shots"]


def test_incomplete_job_warns_in_one_line_and_fails_with_strict(
    real_pages: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("convert", real_pages[0], "-o", tmp_path / "a.otio") == 0
    warning = capsys.readouterr().err.splitlines()[0]
    assert warning.startswith("otio-rekognition: warning: ") and "incomplete job" in warning
    assert run("convert", real_pages[0], "-o", tmp_path / "b.otio", "--strict") == EXIT_INPUT
    assert capsys.readouterr().err.startswith("otio-rekognition: error: ")
    assert not (tmp_path / "b.otio").exists()


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (
            ["convert", "{input}", "-o", "{tmp}/x.mov"],
            EXIT_INPUT,
            "cannot tell the output format from the suffix '.mov'",
        ),
        (["convert", "{tmp}/missing.json", "-o", "{tmp}/x.otio"], EXIT_INPUT, "missing.json: cannot read"),
        (["convert", "{input}", "-o", "{tmp}/no/such/folder/x.otio"], EXIT_OUTPUT, "cannot write there"),
        (
            ["convert", "{input}", "-o", "{tmp}/x.otio", "--min-confidence", "200"],
            EXIT_INPUT,
            "--min-confidence: expected a number from 0 to 100",
        ),
        (["convert", "{input}", "-o", "{tmp}/x.otio", "--start-timecode", "01:00:00;00"], EXIT_INPUT, "no drop frame"),
    ],
)
def test_errors_are_one_line_with_a_status(
    arguments: list[str], status: int, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = [part.format(input=sample("25"), tmp=tmp_path) for part in arguments]
    assert main(filled) == status
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("otio-rekognition: error: ")
    assert message in error


def test_bad_json_keeps_the_previous_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "job.json"
    bad.write_text('{"JobStatus": "SUCCEEDED",\n "Segments": [}')
    output = tmp_path / "cuts.otio"
    output.write_text("previous")
    assert run("convert", bad, "-o", output) == EXIT_INPUT
    assert (
        capsys.readouterr().err
        == f"otio-rekognition: error: {bad}: invalid JSON at line 2 column 15: Expecting value: the input ends "
        "inside a JSON document (a file cut off while saving or copying?)\n"
    )
    assert output.read_text() == "previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cuts.otio", "job.json"]


def test_json_only_options_are_refused_for_otio_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("convert", sample("25"), "-o", tmp_path / "a.otio") == 0
    assert run("convert", tmp_path / "a.otio", "-o", tmp_path / "b.otio", "--cue-track") == EXIT_INPUT
    assert "--cue-track applies to Rekognition JSON input only" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["convert", "job.json"])
    assert exited.value.code == EXIT_USAGE
    assert "the following arguments are required: -o/--output" in capsys.readouterr().err


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(PROGRAM), "convert", "-", "-o", str(tmp_path / "x.otio")],
        input=b"\xff\xfe",
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == EXIT_INPUT
    expected = "<stdin>: not UTF-8 text (byte 0): expected a GetSegmentDetection response in JSON"
    assert result.stderr.decode() == f"otio-rekognition: error: {expected}\n"


@pytest.mark.parametrize("suffix", [".edl", ".fcpxml", ".xml", ".aaf"])
def test_every_export_format_by_suffix(suffix: str, tmp_path: Path, cut_lists: dict) -> None:
    output = tmp_path / f"cuts{suffix}"
    assert run("convert", sample("2997df"), "-o", output, "--start-timecode", "01:00:00;00") == 0
    shots = cut_lists["2997df"]["shots"]
    if suffix == ".edl":
        with open(output) as stream:
            edits = [edit for event in picture_events(pycmx.parse_cmx3600(stream)) for edit in event.edits]
        assert [Timecode("29.97", edit.record_in).frames - 1 - 107892 for edit in edits] == [f for f, _ in shots]
    elif suffix == ".aaf":
        with aaf2.open(str(output), "r") as aaf:
            (composition,) = aaf.content.compositionmobs()
            lengths = [c.length for slot in composition.slots if slot.media_kind == "Picture"
                       for c in slot.segment.components if isinstance(c, aaf2.components.SourceClip)]  # fmt: skip
        assert lengths == [last - first + 1 for first, last in shots]
    else:
        dtd = apple_dtd("FCPXMLv1_10.dtd" if suffix == ".fcpxml" else "xmeml_v5.dtd")
        assert dtd.validate(etree.parse(str(output)))


def test_resolve_marker_edl(tmp_path: Path, cut_lists: dict) -> None:
    output = tmp_path / "markers.edl"
    assert run("convert", sample("25"), "-o", output, "--edl-flavor", "resolve-markers") == 0
    markers = [line for line in output.read_text().splitlines() if "|C:ResolveColor" in line]
    # OpeningCredits and Content start on the same frame: Resolve keeps one marker per frame.
    assert len(markers) == len(cut_lists["25"]["cues"]) - 1


def test_writer_adapters_are_registered(rekognition_adapter: otio.adapters.Adapter) -> None:
    names = {adapter.name for adapter in otio.plugins.ActiveManifest().adapters}
    assert {"rekognition_edl", "rekognition_fcpxml", "rekognition_fcp7_xml", "rekognition_aaf"} <= names


def test_detect_then_convert_without_aws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = json.loads((SAMPLES / "video_cutlists.json").read_text())["2997df"]
    detected = tmp_path / "demo.json"
    assert run("detect", SAMPLES / "demo_2997df.mp4", "-o", detected) == 0
    assert "not detected offline: Slate, StudioLogo" in capsys.readouterr().err
    output = tmp_path / "demo.otio"
    assert run("convert", detected, "-o", output, "--media-url", SAMPLES / "demo_2997df.mp4", "--strict") == 0
    timeline = otio.adapters.read_from_file(str(output))
    assert [media_frames(clip.source_range) for clip in shot_clips(timeline)] == truth["shots"]


def test_detect_refuses_what_is_not_a_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video")
    assert run("detect", not_video, "-o", tmp_path / "x.json") == EXIT_INPUT
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "x.json").exists()


# Issue 19, the smaller edges: each one line, or a warning where a file is valid but not what was meant.


def test_a_saved_job_whose_job_id_is_not_url_text_converts(tmp_path: Path) -> None:
    job = json.loads(sample("25").read_text())
    job.pop("Video", None)
    job["JobId"] = "job[1"
    (tmp_path / "job.json").write_text(json.dumps(job))
    assert run("convert", tmp_path / "job.json", "-o", tmp_path / "job.fcpxml") == 0
    assert 'src="rekognition://job%5B1"' in (tmp_path / "job.fcpxml").read_text()


def test_bidirectional_controls_never_reach_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from otio_rekognition.cli import printable

    assert printable("evil\u202etxt.exe\u2066x\u200f") == "evil txt.exe x"
    assert run("convert", tmp_path / "gone\u202etxt.json", "-o", tmp_path / "x.edl") == EXIT_INPUT
    err = capsys.readouterr().err
    assert "\u202e" not in err and "No such file" in err


def test_a_huge_integer_in_a_field_the_tool_does_not_use_is_kept(tmp_path: Path) -> None:
    job = json.loads(sample("25").read_text())
    job["SomethingNew"] = {"Count": 0}
    text = json.dumps(job).replace('"Count": 0', '"Count": ' + "7" * 5000)
    (tmp_path / "job.json").write_text(text)
    assert run("convert", tmp_path / "job.json", "-o", tmp_path / "back.json") == 0
    # As the README's hostile-input table says: kept, as text (OTIO metadata holds no integer beyond int64).
    assert '"Count": "' + "7" * 5000 + '"' in (tmp_path / "back.json").read_text()


def test_a_drop_frame_timecode_the_shell_cut_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # What bash passes of an unquoted --start-timecode 01:00:00;00.
    assert run("convert", sample("2997df"), "-o", tmp_path / "x.edl", "--start-timecode", "01:00:00") == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'01:00:00;00'" in err and "shell" in err


def test_an_existing_folder_as_output_is_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "timelines"
    folder.mkdir()
    assert run("convert", sample("25"), "-o", folder) == EXIT_OUTPUT
    assert capsys.readouterr().err == f"otio-rekognition: error: {folder}: is a folder: give a file name\n"


@pytest.mark.parametrize("suffix", [".srt", ".txt", ".vtt"])
def test_a_marker_file_without_markers_says_so(suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = json.loads(sample("25").read_text())
    job["Segments"] = [segment for segment in job["Segments"] if segment["Type"] == "SHOT"]
    (tmp_path / "shots.json").write_text(json.dumps(job))
    assert run("convert", tmp_path / "shots.json", "-o", tmp_path / f"out{suffix}") == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "no markers" in err


def test_youtube_chapters_longer_than_a_description_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fractions import Fraction

    from otio_rekognition.rekognition.segments import build_segment

    rate = Fraction(25)
    shots = [build_segment("SHOT", 250 * index, 250 * index + 249, rate, {"Index": index, "Confidence": 99.0})
             for index in range(500)]  # fmt: skip
    job = {"JobStatus": "SUCCEEDED", "VideoMetadata": [{"FrameRate": 25.0, "DurationMillis": 500 * 10_000}],
           "Segments": shots, "SelectedSegmentTypes": [{"Type": "SHOT", "ModelVersion": "2.0"}]}  # fmt: skip
    (tmp_path / "long.json").write_text(json.dumps(job))
    output = tmp_path / "chapters.txt"
    assert (
        run("convert", tmp_path / "long.json", "-o", output, "--format", "youtube-chapters", "--chapters", "shots") == 0
    )
    err = capsys.readouterr().err
    assert len(output.read_text()) > 5000 and "5,000" in err and "warning" in err
