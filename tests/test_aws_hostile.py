"""AWS answers and options that must end in one line, never a traceback, a
hang, or a file written from nothing (issue 10), against the fake endpoint on
127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fake_rekognition import REGION, FakeRekognition, RawAnswer, merged_response
from helpers import run_cli, sample

from otio_rekognition.cli import main

pytestmark = pytest.mark.usefixtures("aws_env")


def aws(fake: FakeRekognition, *more: str) -> list[str]:
    return ["--region", REGION, "--endpoint-url", fake.url, "--max-attempts", "2", *more]


@pytest.mark.parametrize(
    "body",
    [b"<html><body>Proxy login</body></html>", b'{"JobStatus": "SUCC', b"null", b"[]", b'{"Segments": 5}', b"{}"],
    ids=["html", "truncated", "null", "list", "segments-number", "no-status"],
)
def test_fetch_writes_nothing_from_an_answer_that_is_no_page(body: bytes, fake: FakeRekognition, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    job_id = fake.add_job(merged_response([sample("25")]))
    fake.raw_answers = [RawAnswer(body)] * 3
    code, line = run_cli(["fetch", job_id, "-o", str(tmp_path / "job.json"), *aws(fake)], capsys)
    assert code == 10 and job_id in line, line
    assert not (tmp_path / "job.json").exists()


def test_start_without_a_job_id_in_the_answer(fake: FakeRekognition, capsys: pytest.CaptureFixture[str]) -> None:
    fake.raw_answers = [RawAnswer(b"{}")]
    code, line = run_cli(["start", "s3://bucket/a.mov", *aws(fake)], capsys)
    assert code == 10 and "the answer has no JobId" in line


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["fetch", "j1", "-o", "x.json", "--endpoint-url", "http://127.0.0.1:8O"], "Port could not be cast"),
        (["fetch", "j1", "-o", "x.json", "--endpoint-url", "http://127.0.0.1:70000"], "Port out of range"),
        (["fetch", "j1", "-o", "x.json", "--endpoint-url", "http://user:secret@[::1"], "user:***@"),
        (["convert", "rekognition://[job1]", "-o", "x.edl"], "not a rekognition:// URL"),
        (["start", "s3://[bucket/key.mov"], "expected s3://BUCKET/KEY"),
        (["convert", "{sample}", "-o", "x.edl", "--media-url", "http://[host/a.mov"], "--media-url: not a URL"),
        (["wait", "j1", "--poll-initial", "inf"], "poll backoff"),
        (["wait", "j1", "--poll-initial", "1e308"], "poll backoff"),
        (["fetch", "j1", "-o", "x.json", "--read-timeout", "0"], "read timeout 0.0: expected seconds"),
        (["start", "s3://bucket/a.mov", "--min-shot-confidence", "40"], "expected 50 to 100, got 40.0"),
    ],
)
def test_options_that_cannot_work_are_one_line(arguments: list[str], said: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    argv = [a.format(sample=sample("25")) for a in arguments]
    code, line = run_cli([*argv, "--region", REGION] if "--region" not in argv else argv, capsys)
    assert code != 0 and said in line, line
    assert "secret" not in line


def test_a_server_that_never_answers_is_given_up(fake: FakeRekognition, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    job_id = fake.add_job(merged_response([sample("25")]))
    fake.raw_answers = [RawAnswer(b"{}", delay=4)] * 4
    started = time.monotonic()
    code, line = run_cli(["fetch", job_id, "-o", str(tmp_path / "j.json"), *aws(fake, "--read-timeout", "0.5")], capsys)
    assert code == 10 and "timeout" in line.lower(), line
    assert time.monotonic() - started < 4


def test_wait_timeout_is_a_deadline(fake: FakeRekognition, capsys: pytest.CaptureFixture[str]) -> None:
    job_id = fake.add_job({}, statuses=["IN_PROGRESS"] * 50)
    fake.raw_answers = [RawAnswer(b"{}", delay=0)] * 0
    started = time.monotonic()
    slow = ["--poll-initial", "0.2", "--poll-max", "0.2", "--timeout", "2s"]
    fake.raw_answers = []
    code, line = run_cli(["wait", job_id, *slow, *aws(fake)], capsys)
    assert code == 21 and "still IN_PROGRESS" in line
    fake.raw_answers = [RawAnswer(b"{}", delay=4)] * 3  # a poll that hangs past the deadline
    started = time.monotonic()
    code, line = run_cli(["wait", job_id, "--timeout", "1s", *aws(fake, "--read-timeout", "30")], capsys)
    assert code == 21 and time.monotonic() - started < 3.5, (code, line)


def test_server_text_reaches_the_terminal_clean(fake: FakeRekognition, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """Escape sequences, a 5 MB message and echoed credentials in an error: one
    short line without them."""
    from fake_rekognition import ACCESS_KEY

    job_id = fake.add_job(merged_response([sample("25")]))
    message = (
        f"\x1b[2J\x1b[31mboom\x07 X-Amz-Security-Token: FwoGZXIvYXdzEJr Credential={ACCESS_KEY}/x " + "z" * 5_000_000
    )
    fake.fail("GetSegmentDetection", "ValidationException", times=3, message=message)
    code, line = run_cli(["fetch", job_id, "-o", str(tmp_path / "j.json"), *aws(fake)], capsys)
    assert code == 14 and "boom" in line
    assert "\x1b" not in line and "\x07" not in line and ACCESS_KEY not in line and "FwoGZXIvYXdzEJr" not in line
    assert len(line) < 1200


def test_a_password_in_the_endpoint_is_never_printed(capsys: pytest.CaptureFixture[str]) -> None:
    code, line = run_cli(["fetch", "j1", "-o", "x.json", "--region", REGION, "--endpoint-url",
                      "http://admin:hunter2@127.0.0.1:1"], capsys)  # fmt: skip
    assert code == 10 and "hunter2" not in line, line


def test_an_answer_trickled_a_byte_at_a_time_is_cut_off(fake: FakeRekognition, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    job_id = fake.add_job(merged_response([sample("25")]))
    fake.raw_answers = [RawAnswer(b" " * 100 + b'{"JobStatus": "SUCCEEDED", "Segments": []}', trickle=0.2)]
    started = time.monotonic()
    code, line = run_cli(["fetch", job_id, "-o", str(tmp_path / "j.json"), "--timeout", "2s", *aws(fake)], capsys)
    assert code == 21 and "no complete answer within 0:00:02" in line, line
    assert time.monotonic() - started < 4 and not (tmp_path / "j.json").exists()


def test_fresh_next_tokens_forever_are_stopped(fake: FakeRekognition, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    import json

    monkeypatch.setattr("otio_rekognition.aws.jobs.MAX_PAGES", 5)
    page = {"JobStatus": "SUCCEEDED", "VideoMetadata": [{"FrameRate": 25.0}], "Segments": []}
    fake.raw_answers = [RawAnswer(json.dumps({**page, "NextToken": f"token-{n}"}).encode()) for n in range(10)]
    code, line = run_cli(["fetch", "job1", "-o", str(tmp_path / "j.json"), *aws(fake)], capsys)
    assert code == 22 and "more than 5 pages" in line, line


def test_wait_without_a_timeout_says_it_waits_for_ever(fake: FakeRekognition,
                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    job_id = fake.add_job({}, statuses=["IN_PROGRESS", "SUCCEEDED"])
    assert main(["wait", job_id, "--poll-initial", "0.01", *aws(fake)]) == 0
    assert f"waiting for {job_id} with no time limit (--timeout sets one)" in capsys.readouterr().err
