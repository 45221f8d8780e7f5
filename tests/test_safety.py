"""What a new user and a hostile environment hit (issue 10): a full disk, a
signal mid-export, odd output targets, its own input as the output, and
messages in the command line's own words."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import sample

from otio_rekognition import frames
from otio_rekognition.cli import main
from otio_rekognition.rekognition.pages import response_text
from otio_rekognition.rekognition.segments import build_segment

PROGRAM = str(Path(sys.executable).with_name("otio-rekognition"))
SUFFIXES = (".edl", ".fcpxml", ".xml", ".aaf", ".otio", ".otioz", ".json")


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("otio-rekognition: error: ")]
    assert len(errors) == 1 and "Traceback" not in err, err
    return errors[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def big_job(path: Path, shots: int) -> Path:
    rate = Fraction(30000, 1001)
    segments = [
        build_segment("SHOT", index * 30, index * 30 + 29, rate, {"Index": index, "Confidence": 99.0})
        for index in range(shots)
    ]
    response = {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [{"FrameRate": float(rate), "DurationMillis": frames.frame_to_millis(shots * 30, rate)}],
        "Segments": segments,
    }
    path.write_text(response_text(response))
    return path


# -- a full disk ----------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str = "256k") -> Iterator[Path]:
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        # A plain umount proves nothing was left open on the disk; lazily, so that a failure never leaves it mounted.
        unmounted = subprocess.run(["umount", str(folder)], capture_output=True)
        if unmounted.returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=True)
            raise AssertionError(f"the export left a file open on the disk: {unmounted.stderr!r}")


@pytest.mark.skipif(os.geteuid() != 0, reason="a real full disk is a tmpfs, and only root mounts one")
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_full_disk_keeps_the_old_file(suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with small_tmpfs(tmp_path / "disk") as disk:
        target = disk / f"cuts{suffix}"
        target.write_bytes(b"the good file\n")
        filler = disk / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as stream:
            while True:  # fill the disk but for a few kilobytes
                stream.write(b"\0" * 4096)
                stream.flush()
        filler.write_bytes(b"\0" * max(0, filler.stat().st_size - 6 * 1024))
        job = big_job(tmp_path / "job.json", 400)
        assert main(["convert", str(job), "-o", str(target)]) == 3
        line = one_error_line(capsys.readouterr().err)
        assert str(target) in line and "No space left on device" in line, line
        assert target.read_bytes() == b"the good file\n"
        assert leftovers(disk) == []


def test_a_disk_that_reports_full_only_when_syncing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("otio_rekognition.output.os.fsync", full)
    target = tmp_path / "cuts.otio"
    target.write_text("good")
    assert main(["convert", str(sample("25")), "-o", str(target)]) == 3
    assert str(target) in one_error_line(capsys.readouterr().err)
    assert target.read_text() == "good" and leftovers(tmp_path) == []


# -- signals --------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_export_leaves_nothing(stop: signal.Signals, tmp_path: Path) -> None:
    job = big_job(tmp_path / "job.json", 20000)
    target = tmp_path / "cuts.aaf"
    process = subprocess.Popen([PROGRAM, "convert", str(job), "-o", str(target)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not leftovers(tmp_path) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)  # until the export has begun writing
    assert leftovers(tmp_path), "the export never started writing"
    time.sleep(0.3)  # well into the write (20,000 shots of AAF take seconds)
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + stop
    assert one_error_line(err) == f"otio-rekognition: error: stopped by {stop.name}; no output was written"
    assert not target.exists() and leftovers(tmp_path) == []


# -- output targets ---------------------------------------------------------------


def test_long_output_names_and_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    longest = tmp_path / ("a" * 251 + ".edl")  # 255 characters, the most a file name may have
    assert main(["convert", str(sample("25")), "-o", str(longest)]) == 0
    assert longest.read_text().startswith("TITLE:")
    capsys.readouterr()
    assert main(["convert", str(sample("25")), "-o", str(tmp_path), "--format", "edl"]) == 3
    assert (
        one_error_line(capsys.readouterr().err) == f"otio-rekognition: error: {tmp_path}: is a folder: give a file name"
    )


def test_devices_pipes_and_standard_output_are_written_in_place(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["convert", str(sample("25")), "-o", "/dev/null", "--format", "edl"]) == 0
    assert Path("/dev/null").is_char_device()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["convert", str(sample("25")), "-o", str(fifo), "--format", "edl"]) == 0
    reader.join(10)
    assert received and received[0].startswith(b"TITLE:") and fifo.is_fifo()
    capfdbinary.readouterr()
    assert main(["convert", str(sample("25")), "-o", "-", "--format", "edl"]) == 0
    assert capfdbinary.readouterr().out.startswith(b"TITLE: synthetic-25\nFCM: NON-DROP FRAME")
    assert [path.name for path in tmp_path.iterdir()] == ["pipe"]


def test_the_input_is_never_overwritten_unasked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = tmp_path / "job.json"
    job.write_bytes(sample("25").read_bytes())
    assert main(["convert", str(job), "-o", str(job)]) == 1
    assert "is also an input; write elsewhere, or pass --force" in one_error_line(capsys.readouterr().err)
    assert job.read_bytes() == sample("25").read_bytes()
    assert main(["convert", str(job), "-o", str(job), "--force"]) == 0
    assert json.loads(job.read_text())["JobStatus"] == "SUCCEEDED"


# -- messages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "status", "said"),
    [
        (
            ["convert"],
            2,
            "the following arguments are required: INPUT, -o/--output (see otio-rekognition convert --help)",
        ),
        (["frobnicate"], 2, "(see otio-rekognition --help)"),
        (["convert", "{sample}", "-o", "{tmp}/x.fcpxml", "--fcpxml-version", "2.0"], 1, "--fcpxml-version: expected"),
        (["convert", "{sample}", "-o", "{tmp}/x.edl", "--rate", "fast"], 1, "--rate: expected a frame rate"),
        (["convert", "{tmp}/missing.otio", "-o", "{tmp}/x.edl"], 1, "missing.otio: cannot read: no such file"),
        (["convert", "{tmp}/broken.otioz", "-o", "{tmp}/x.edl"], 1, "broken.otioz: not an .otioz file"),
        (["detect", "{video}", "-o", "{tmp}/x.edl"], 1, "detect writes a GetSegmentDetection response (JSON)"),
        (["convert", "{sample}", "-o", "{tmp}/x.edl", "--start-timecode", "25:00:00:00"], 1, "out of range"),
    ],
)
def test_errors_in_the_command_lines_words(arguments: list[str], status: int, said: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    (tmp_path / "broken.otioz").write_text("not a zip")
    video = sample("25").with_suffix(".mp4")
    argv = [a.format(sample=sample("25"), tmp=tmp_path, video=video) for a in arguments]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    assert code == status
    line = one_error_line(capsys.readouterr().err)
    assert said in line, line


def test_writer_options_for_another_format_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["convert", str(sample("25")), "-o", str(tmp_path / "x.fcpxml"), "--edl-flavor", "resolve-markers"]) == 0
    )
    assert "otio-rekognition: warning: --edl-flavor does not apply to" in capsys.readouterr().err


def test_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["wait", "--help"])
    shown = capsys.readouterr().out
    assert "(default: 5.0)" in shown and "Exits 0 when it SUCCEEDED" in shown and "README" not in shown


def test_metadata_keys_otio_cannot_look_up_do_not_break_an_export(tmp_path: Path) -> None:
    """Found by the fuzz test: a key with a NUL comes back from OTIO cut short."""
    timeline = otio.adapters.read_from_file(str(sample("25")))
    timeline.metadata["rekognition"] = {"\x00": 1, "job": {"JobTag": "x"}}
    from otio_rekognition.export import write_timeline
    from otio_rekognition.formats import FORMATS

    for name in ("rekognition", "edl", "fcpxml"):
        write_timeline(timeline, str(tmp_path / f"x.{name}"), FORMATS[name])
    written = json.loads((tmp_path / "x.rekognition").read_text())
    assert written["JobTag"] == "x" and "\x00" not in written  # the key OTIO cannot look up is left out
    clips = len(list(timeline.video_tracks()[0].find_clips()))
    assert (tmp_path / "x.edl").read_text().count("* FROM CLIP NAME: Shot ") == clips > 0
    from lxml import etree

    assert etree.parse(str(tmp_path / "x.fcpxml")).getroot().tag == "fcpxml"


# -- output correctness -------------------------------------------------------------


def test_any_text_in_the_job_makes_well_formed_files(tmp_path: Path) -> None:
    """U+FFFE, U+FFFF, C0 controls and a 40,000-character tag in the JobTag, a
    cue type and the S3 key: every XML parses without lxml's huge-tree option
    and validates, the AAF writes, the EDL stays one event per line."""
    from helpers import apple_dtd
    from lxml import etree

    response = json.loads(sample("25").read_text())
    response["JobTag"] = "tag\ufffe\uffff\x01\x1b[31m" + "x" * 40000
    response["Video"] = {"S3Object": {"Bucket": "b", "Name": "shows/\x07Episode\ufffe #1%.mov"}}
    cue = next(s for s in response["Segments"] if s["Type"] == "TECHNICAL_CUE")
    cue["TechnicalCueSegment"]["Type"] = "Future\uffffCue\x00" + "y" * 40000
    job = tmp_path / "job.json"
    job.write_text(json.dumps(response))
    for suffix, dtd, url in (
        (".fcpxml", "FCPXMLv1_10.dtd", []),
        (".xml", "xmeml_v5.dtd", ["--media-url", "/m/a\ufffe\x01b.mov"]),
    ):
        output = tmp_path / f"out{suffix}"
        assert main(["convert", str(job), "-o", str(output), *url]) == 0
        document = etree.parse(str(output), etree.XMLParser(huge_tree=False))
        assert apple_dtd(dtd).validate(document), dtd
        assert "\ufffe" not in output.read_text() and len(max(output.read_text().split('"'), key=len)) < 9000
    assert main(["convert", str(job), "-o", str(tmp_path / "out.aaf")]) == 0
    edl = tmp_path / "out.edl"
    assert main(["convert", str(job), "-o", str(edl)]) == 0
    assert "* SOURCE FILE: Episode #1%.mov" in edl.read_text()


def test_a_terminal_sees_what_convert_is_doing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["convert", str(sample("25")), "-o", str(tmp_path / "x.edl")]) == 0
    shown = terminal.getvalue()
    assert "\r\x1b[Kotio-rekognition: reading " in shown and "\r\x1b[Kotio-rekognition: writing " in shown
    assert shown.endswith(f"\r\x1b[Kotio-rekognition: wrote {tmp_path / 'x.edl'} (edl)\n")


def test_json_nested_a_thousand_deep_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    response = sample("25").read_text().rstrip().removesuffix("}")
    job = tmp_path / "job.json"
    job.write_text(response + ', "Extra": ' + "[" * 985 + "1" + "]" * 985 + "}")
    assert main(["convert", str(job), "-o", str(tmp_path / "x.edl")]) == 1
    assert "nested" in one_error_line(capsys.readouterr().err)  # too deep for the decoder, or for us


def test_a_cut_off_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = tmp_path / "job.json"
    job.write_bytes(sample("25").read_bytes()[:300])  # cut inside a string
    assert main(["convert", str(job), "-o", str(tmp_path / "x.edl")]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.endswith(
        "Unterminated string: the input ends inside a JSON document (a file cut off while saving or copying?)"
    )


def test_running_out_of_memory_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """A 3 GB job under a memory limit, by fault injection: reading raises MemoryError."""

    def exhausted(_path: Path) -> bytes:
        raise MemoryError

    monkeypatch.setattr(Path, "read_bytes", exhausted)
    assert main(["convert", str(sample("25")), "-o", str(tmp_path / "x.edl")]) == 1
    assert one_error_line(capsys.readouterr().err).endswith("out of memory: the input is too large for this machine")


def test_the_command_line_runs_outside_the_main_thread(tmp_path: Path) -> None:
    """A program may call main() from a worker thread, where signals cannot be handled."""
    results: list[int] = []
    worker = threading.Thread(
        target=lambda: results.append(main(["convert", str(sample("25")), "-o", str(tmp_path / "x.edl")]))
    )
    worker.start()
    worker.join(30)
    assert results == [0] and (tmp_path / "x.edl").read_text().startswith("TITLE:")
