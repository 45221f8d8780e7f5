"""`otio-rekognition batch`: S3 and SQS served by moto in server mode, Rekognition
by the fake endpoint (fake_rekognition.py), each reached by a real botocore
client over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pycmx
import pytest
from fake_rekognition import REGION, FakeRekognition, _AwsFault
from moto.server import ThreadedMotoServer

from otio_rekognition import aws
from otio_rekognition.aws.batch import request_token
from otio_rekognition.aws.ledger import LEDGER_NAME
from otio_rekognition.cli import batch as batch_command
from otio_rekognition.cli import main

pytestmark = pytest.mark.usefixtures("aws_env", "moto_env")
FAST = ["--poll-initial", "0.05", "--poll-max", "0.1"]
START = "StartSegmentDetection"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_env(moto_url: str, monkeypatch: pytest.MonkeyPatch, aws_env: None) -> None:
    """S3 and SQS at moto through botocore's own per-service endpoint variables."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_url)


@pytest.fixture
def bucket(request: pytest.FixtureRequest) -> str:
    """A fresh bucket per test (the moto server lives for the module)."""
    name = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:50].strip("-")
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=name)
    return name


def put(bucket: str, *keys: str) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())


def batch(fake: FakeRekognition, *arguments: str) -> int:
    return main(["batch", *arguments, *FAST, "--region", REGION, "--endpoint-url", fake.url, "--max-attempts", "1"])


def started_jobs(fake: FakeRekognition) -> Counter[str]:
    """How many jobs the fake started for each video key."""
    return Counter(job.response["Video"]["S3Object"]["Name"] for job in fake.jobs.values())


def ledger(folder: Path) -> dict[str, dict[str, Any]]:
    return {video["source"]: video for video in json.loads((folder / LEDGER_NAME).read_text())["videos"]}


def on_start(fake: FakeRekognition, then: Any) -> None:
    """Call ``then(job, params)`` after the fake starts a new job."""
    original = fake._start

    def start(analysis: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        known = set(fake.jobs)
        answer = original(analysis, operation, params)
        if answer["JobId"] not in known:
            then(fake.jobs[answer["JobId"]], params)
        return answer

    fake._start = start  # type: ignore[method-assign]


def test_200_videos_throttled_crashed_and_resumed_are_each_started_and_converted_once(
    fake: FakeRekognition, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    keys = [f"library/show{i % 7}/ep{i:03d}.{'MP4' if i % 5 == 0 else 'mov'}" for i in range(200)]
    put(bucket, *keys, "library/notes.txt", "library/show1/poster.jpg")
    fake.start_statuses = ["IN_PROGRESS", "SUCCEEDED"]
    fake.fail(START, "ThrottlingException", times=15)
    fake.fail(START, "LimitExceededException", times=10)
    written: Counter[str] = Counter()
    real_write = batch_command.write_job_as

    def counted_write(*args: Any, **keywords: Any) -> None:
        written[str(args[2])] += 1
        real_write(*args, **keywords)

    monkeypatch.setattr(batch_command, "write_job_as", counted_write)
    fetched = 0
    real_fetch = aws.fetch

    def crashing_fetch(*args: Any, **keywords: Any) -> Any:
        nonlocal fetched
        fetched += 1
        if fetched == 81:
            raise KeyboardInterrupt
        return real_fetch(*args, **keywords)

    monkeypatch.setattr(aws, "fetch", crashing_fetch)
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/library/", "-o", str(out), "--formats", "edl", "--concurrency", "25"]
    assert batch(fake, *arguments) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "run again to resume" in err
    assert len(written) == 80
    states = Counter(video["state"] for video in ledger(out).values())
    assert states["converted"] == 80 and sum(states.values()) == 200

    monkeypatch.setattr(aws, "fetch", real_fetch)
    assert batch(fake, *arguments) == 0
    assert "200 of 200 video(s) converted" in capsys.readouterr().err
    # Every video started once (the throttled and refused starts started nothing), converted once.
    assert started_jobs(fake) == Counter(keys)
    assert all(fault.times == 0 for fault in fake.faults)
    assert len(written) == 200 and set(written.values()) == {1}
    for key in keys:
        stem = out / key.removeprefix("library/").rsplit(".", 1)[0]
        assert Path(f"{stem}.edl").is_file() and json.loads(Path(f"{stem}.json").read_text())["Segments"]
    assert {video["state"] for video in ledger(out).values()} == {"converted"}
    assert len({video["job_id"] for video in ledger(out).values()}) == 200

    # A third run has nothing to do: no start, no conversion.
    starts = fake.operations().count(START)
    assert batch(fake, *arguments) == 0
    assert fake.operations().count(START) == starts and len(written) == 200 and set(written.values()) == {1}


def test_output_names_follow_the_keys_below_the_prefix(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "lib/a.mov", "lib/season 1/ep 2.MP4", "lib/deep/x/y.m4v", "lib/z.Mxf", "lib/notes.txt", "lib2/o.mov")
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/lib/", "-o", str(out), "--formats", "edl,fcpxml,webvtt-chapters,xml"]
    assert batch(fake, *arguments, "--start-timecode", "10:00:00:00", "--min-shot-confidence", "80") == 0
    written = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    stems = ["a", "deep/x/y", "season 1/ep 2", "z"]
    suffixes = [".chapters.vtt", ".edl", ".fcpxml", ".json", ".xml"]
    assert written == sorted([LEDGER_NAME] + [stem + suffix for stem in stems for suffix in suffixes])
    assert "10:00:00:00" in (out / "a.edl").read_text()  # the reading options apply
    starts = [request.params for request in fake.requests if request.operation == START]
    assert sorted(start["Video"]["S3Object"]["Name"] for start in starts) == [
        "lib/a.mov", "lib/deep/x/y.m4v", "lib/season 1/ep 2.MP4", "lib/z.Mxf"
    ]  # fmt: skip
    for start in starts:
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", start["ClientRequestToken"])
        assert start["Filters"]["ShotFilter"]["MinSegmentConfidence"] == 80
    # The token is the video and the request: other settings, another token.
    one = aws.StartRequest(bucket, "lib/a.mov")
    assert request_token(one, "etag") == request_token(aws.StartRequest(bucket, "lib/a.mov"), "etag")
    assert request_token(one, "etag") != request_token(one, "other-etag")
    assert request_token(one, "etag") != request_token(
        aws.StartRequest(bucket, "lib/a.mov", shot_min_confidence=80), "etag"
    )


def test_a_failed_job_is_reported_and_not_retried_while_the_others_convert(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "v/good1.mov", "v/bad.mov", "v/good2.mp4")

    def fail_bad(job: Any, params: dict[str, Any]) -> None:
        if params["Video"]["S3Object"]["Name"] == "v/bad.mov":
            job.statuses = ["IN_PROGRESS", "FAILED"]

    on_start(fake, fail_bad)
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/v/", "-o", str(out), "--formats", "edl") == 19
    lines = capsys.readouterr().err.splitlines()
    assert "otio-rekognition: 2 of 3 video(s) converted" in lines
    (failed,) = [line for line in lines if line.startswith("otio-rekognition: failed:")]
    assert f"s3://{bucket}/v/bad.mov" in failed and "Unsupported codec/format." in failed
    assert (out / "good1.edl").is_file() and (out / "good2.edl").is_file() and not (out / "bad.edl").exists()
    assert ledger(out)[f"s3://{bucket}/v/bad.mov"]["state"] == "failed"
    starts = fake.operations().count(START)
    assert batch(fake, f"s3://{bucket}/v/", "-o", str(out), "--formats", "edl") == 19
    assert fake.operations().count(START) == starts


def test_concurrency_bounds_the_jobs_running_at_once(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    put(bucket, *(f"c/{i:02d}.mov" for i in range(30)))
    fake.start_statuses = ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
    running: set[str] = set()
    most = 0
    original_get = fake._get

    def start(job: Any, params: dict[str, Any]) -> None:
        nonlocal most
        running.add(job.job_id)
        most = max(most, len(running))

    def get(analysis: str, params: dict[str, Any]) -> dict[str, Any]:
        page = original_get(analysis, params)
        if page["JobStatus"] == "SUCCEEDED":
            running.discard(page["JobId"])
        return page

    on_start(fake, start)
    fake._get = get  # type: ignore[method-assign]
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/c/", "-o", str(out), "--formats", "edl", "--concurrency", "4") == 0
    assert most == 4 and len(fake.jobs) == 30


def test_sqs_messages_for_many_jobs_on_one_queue(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "q/a.mov", "q/b.mov", "q/c.mov", "q/broken.mov")
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName=bucket)["QueueUrl"]
    other = {"JobId": "f" * 64, "Status": "SUCCEEDED", "API": START}
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"Type": "Notification", "Message": json.dumps(other)}))

    def announce(job: Any, params: dict[str, Any]) -> None:
        # The job runs until its message says it has finished: the first check sees it running.
        broken = params["Video"]["S3Object"]["Name"] == "q/broken.mov"
        job.statuses = ["IN_PROGRESS", "FAILED" if broken else "SUCCEEDED"]
        message = {"JobId": job.job_id, "Status": "FAILED" if broken else "SUCCEEDED", "API": START}
        sqs.send_message(
            QueueUrl=queue, MessageBody=json.dumps({"Type": "Notification", "Message": json.dumps(message)})
        )

    on_start(fake, announce)
    out = tmp_path / "out"
    channel = ["--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:done", "--role-arn", "arn:aws:iam::1:role/r"]
    code = batch(fake, f"s3://{bucket}/q/", "-o", str(out), "--formats", "edl", "--queue-url", queue, *channel)
    assert code == 19
    err = capsys.readouterr().err
    assert "3 of 4 video(s) converted" in err and "broken.mov" in err and "Unsupported codec/format." in err
    assert {path.name for path in out.glob("*.edl")} == {"a.edl", "b.edl", "c.edl"}
    # One status check, then the message; then the fetch's first page (the failed job: its reason).
    gets = Counter(request.params["JobId"] for request in fake.requests if request.operation.startswith("Get"))
    assert sorted(gets.values()) == [2, 2, 2, 2]
    # Every handled message deleted; another job's message left for its own reader.
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert (
        int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"]) == 1
    )


def test_from_file_takes_s3_urls_and_job_ids(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    put(bucket, "f/one.mov")
    job_id = fake.add_job(fake.start_results["segments"])
    listing = tmp_path / "list.txt"
    listing.write_text(f"# the library\ns3://{bucket}/f/one.mov\n\n{job_id}\n")
    out = tmp_path / "out"
    assert batch(fake, "--from-file", str(listing), "-o", str(out), "--formats", "edl") == 0
    assert (out / "f/one.edl").is_file() and (out / f"{job_id}.edl").is_file()
    assert fake.operations().count(START) == 1


@pytest.mark.parametrize(
    ("arguments", "status", "said"),
    [
        (["/local/folder/"], 1, "expected s3://BUCKET/PREFIX/"),
        (["s3:///nobucket"], 1, "expected s3://BUCKET/PREFIX/"),
        (["s3://b/p/", "--from-file", "list.txt"], 1, "not both or neither"),
        (["s3://b/p/", "--concurrency", "0"], 1, "--concurrency 0"),
    ],
)
def test_bad_arguments_are_one_line(
    fake: FakeRekognition, tmp_path: Path, capsys: Any, arguments: list[str], status: int, said: str
) -> None:
    assert batch(fake, *arguments, "-o", str(tmp_path / "out"), "--formats", "edl") == status
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err
    assert not fake.requests


def test_unknown_format_is_one_line(fake: FakeRekognition, tmp_path: Path, capsys: Any) -> None:
    with pytest.raises(SystemExit) as stopped:
        batch(fake, "s3://b/p/", "-o", str(tmp_path), "--formats", "edl,docx")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown format 'docx'" in err


# Issue 19: nothing lost at library scale.


def test_videos_whose_names_meet_never_write_the_same_file(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "shows/ep1.mov", "shows/ep1.mp4", "shows/solo.mov", "lib/a.mov", "lib//a.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/shows/", "-o", str(out), "--formats", "edl") == 0
    assert "3 of 3 video(s) converted" in capsys.readouterr().err
    # Stems that meet keep their container suffix; a stem alone keeps its short name.
    for name, key in (("ep1.mov", "shows/ep1.mov"), ("ep1.mp4", "shows/ep1.mp4"), ("solo", "shows/solo.mov")):
        response = json.loads((out / f"{name}.json").read_text())
        assert response["Video"]["S3Object"]["Name"] == key
        assert key.rsplit("/", 1)[1] in (out / f"{name}.edl").read_text()
    assert not (out / "ep1.edl").exists()

    # Names that even with their suffix meet (an empty path segment, a name that differs only in case) are
    # refused before anything is started or written; the other video of the pair converts.
    put(bucket, "lib/A.MOV")
    starts = fake.operations().count(START)
    assert batch(fake, f"s3://{bucket}/lib/", "-o", str(out / "lib"), "--formats", "edl") == 1
    err = capsys.readouterr().err
    assert "1 of 3 video(s) converted" in err
    assert err.count("would replace those of") == 2
    assert fake.operations().count(START) == starts + 1
    assert sorted(path.name for path in (out / "lib").iterdir()) == [LEDGER_NAME, "a.mov.edl", "a.mov.json"]


def test_two_prefixes_into_one_folder_keep_both(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    put(bucket, "A/x.mov", "B/x.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/A/", "-o", str(out), "--formats", "edl") == 0
    first = (out / "x.edl").read_bytes()
    assert batch(fake, f"s3://{bucket}/B/", "-o", str(out), "--formats", "edl") == 0
    assert (out / "x.edl").read_bytes() == first
    assert json.loads((out / "x.json").read_text())["Video"]["S3Object"]["Name"] == "A/x.mov"
    assert json.loads((out / "x.mov.json").read_text())["Video"]["S3Object"]["Name"] == "B/x.mov"


def test_another_analysis_of_the_same_videos_starts_its_jobs_beside_the_first(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "s/ep1.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/s/", "-o", str(out), "--formats", "edl") == 0
    segments = (out / "ep1.json").read_bytes()
    assert batch(fake, f"s3://{bucket}/s/", "-o", str(out), "--formats", "edl", "--analysis", "labels") == 0
    assert fake.operations().count("StartLabelDetection") == 1
    assert (out / "ep1.json").read_bytes() == segments
    assert json.loads((out / "ep1.labels.json").read_text())["Labels"]
    assert "LOC:" in (out / "ep1.labels.edl").read_text()
    # --force converts each analysis again through its own API (it used to ask GetLabelDetection for the
    # segment job and exit 13).
    capsys.readouterr()
    assert batch(fake, f"s3://{bucket}/s/", "-o", str(out), "--formats", "edl", "--force") == 0
    assert batch(fake, f"s3://{bucket}/s/", "-o", str(out), "--formats", "edl", "--force", "--analysis", "labels") == 0
    assert fake.operations().count("StartLabelDetection") == 1 and fake.operations().count(START) == 1


def test_a_rerun_with_other_settings_converts_again_from_the_saved_response(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "r/ep1.mov", "r/ep2.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/r/", "-o", str(out), "--formats", "edl") == 0
    calls = len(fake.requests)
    assert batch(fake, f"s3://{bucket}/r/", "-o", str(out), "--formats", "fcpxml") == 0
    assert "2 of 2 video(s) converted" in capsys.readouterr().err
    assert (out / "ep1.fcpxml").is_file() and (out / "ep2.fcpxml").is_file()
    assert batch(fake, f"s3://{bucket}/r/", "-o", str(out), "--formats", "edl", "--start-timecode", "10:00:00:00") == 0
    assert "10:00:00:00" in (out / "ep1.edl").read_text()
    assert len(fake.requests) == calls, "converted from the saved responses: no start, no fetch"
    # The same settings again: nothing to do.
    before = (out / "ep1.edl").stat().st_mtime_ns
    assert batch(fake, f"s3://{bucket}/r/", "-o", str(out), "--formats", "edl", "--start-timecode", "10:00:00:00") == 0
    assert (out / "ep1.edl").stat().st_mtime_ns == before


def test_a_job_rekognition_does_not_know_ends_with_the_not_found_line(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("job-that-expired-1\n")
    out = tmp_path / "out"
    arguments = ["--from-file", str(listing), "-o", str(out), "--formats", "edl", "--timeout", "60"]
    assert batch(fake, *arguments) == 13
    err = capsys.readouterr().err
    assert "0 of 1 video(s) converted" in err and "failed: job-that-expired-1:" in err and "not found" in err
    assert fake.operations().count("GetSegmentDetection") == 1, "checked once, not polled for ever"


def test_an_expired_job_of_an_s3_video_is_started_anew_by_the_next_run(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "e/ep1.mov")
    fake.start_statuses = ["IN_PROGRESS"]
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/e/", "-o", str(out), "--formats", "edl"]
    assert batch(fake, *arguments, "--timeout", "0.2") != 0  # left running
    [lost] = list(fake.jobs)
    del fake.jobs[lost]  # Rekognition keeps a job's results 7 days
    assert batch(fake, *arguments) == 13
    assert "not found" in capsys.readouterr().err
    fake.start_statuses = ["SUCCEEDED"]
    assert batch(fake, *arguments) == 0
    assert fake.operations().count(START) == 2 and (out / "ep1.edl").is_file()
    assert ledger(out)[f"s3://{bucket}/e/ep1.mov"]["job_id"] != lost


DAMAGED = {
    "truncated": b'{"format": "otio-rekognition-batch", "vid',
    "empty": b"",
    "null": b"null",
    "a list": b"[]",
    "UTF-16": json.dumps({"format": "otio-rekognition-batch", "version": 2, "videos": []}).encode("utf-16"),
    "another tag": json.dumps({"format": "something-else", "version": 2, "videos": []}).encode(),
    "another version": json.dumps({"format": "otio-rekognition-batch", "version": 99, "videos": []}).encode(),
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "a path out of the folder": json.dumps(
        {
            "format": "otio-rekognition-batch",
            "version": 2,
            "videos": [{"source": "s3://b/x.mov", "output": "../../x", "state": "succeeded", "job_id": "j1"}],
        }
    ).encode(),
    "an absolute path": json.dumps(
        {"format": "otio-rekognition-batch", "version": 1, "videos": [{"source": "s", "output": "/tmp/x"}]}
    ).encode(),
    "an unknown state": json.dumps(
        {
            "format": "otio-rekognition-batch",
            "version": 1,
            "videos": [{"source": "s3://b/x.mov", "output": "x", "state": "finished-ish"}],
        }
    ).encode(),
    "a wrong type": json.dumps(
        {"format": "otio-rekognition-batch", "version": 1, "videos": [{"source": 7, "output": "x"}]}
    ).encode(),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_ledger_is_one_line_and_exit_1(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any, damage: str
) -> None:
    put(bucket, "d/ep1.mov")
    out = tmp_path / "deep" / "er" / "out"
    out.mkdir(parents=True)
    (out / LEDGER_NAME).write_bytes(DAMAGED[damage])
    assert batch(fake, f"s3://{bucket}/d/", "-o", str(out), "--formats", "edl") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and LEDGER_NAME in err, err
    assert fake.operations().count(START) == 0
    assert sorted(path.name for path in tmp_path.rglob("*") if path.is_file()) == [LEDGER_NAME]


def test_leftovers_of_a_killed_run_are_removed_and_one_run_at_a_time(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    import fcntl
    import os

    put(bucket, "k/ep1.mov")
    out = tmp_path / "out"
    for leftover in (out / ".otio-rek-abc123.partial", out / "sub" / ".otio-rek-def456.partial"):
        leftover.mkdir(parents=True)
        (leftover / "out.edl").write_text("half an EDL")
    (out / "keep.otio-rek-not-ours").mkdir()
    descriptor = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # another batch is writing this folder
        assert batch(fake, f"s3://{bucket}/k/", "-o", str(out), "--formats", "edl") == 1
        assert "another batch is running" in capsys.readouterr().err
        assert (out / ".otio-rek-abc123.partial").exists()
    finally:
        os.close(descriptor)
    assert batch(fake, f"s3://{bucket}/k/", "-o", str(out), "--formats", "edl") == 0
    assert not list(out.rglob("*.partial")) and (out / "keep.otio-rek-not-ours").is_dir()


def test_a_key_no_folder_can_hold_fails_alone_and_the_ledger_stays_readable(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "w/a\\b.mov", "w/.otio-rek-x.partial/c.mov", "w/.otio-rekognition-batch.mov", "w/ok.mov")
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/w/", "-o", str(out), "--formats", "edl"]
    assert batch(fake, *arguments) == 1
    err = capsys.readouterr().err
    assert "2 of 4 video(s) converted" in err and "backslash" in err and "half-written" in err
    assert fake.operations().count(START) == 2
    # The tool's own names are reserved: a video named like the ledger keeps its suffix.
    assert (out / ".otio-rekognition-batch.mov.json").is_file() and (out / "ok.edl").is_file()
    assert json.loads((out / LEDGER_NAME).read_text())["format"] == "otio-rekognition-batch"
    assert batch(fake, *arguments) == 1
    assert "2 of 4 video(s) converted" in capsys.readouterr().err


def test_a_file_and_a_folder_of_the_same_name_are_told_apart_before_starting(
    fake: FakeRekognition, bucket: str, tmp_path: Path
) -> None:
    put(bucket, "s/ep1.mov", "s/ep1.edl/x.mov", "s/Café.mov", "s/cafe\u0301.mp4")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/s/", "-o", str(out), "--formats", "edl") == 0
    # ep1.mov's EDL would be named as the other's folder: each keeps its suffix.
    assert (out / "ep1.mov.edl").is_file() and (out / "ep1.edl" / "x.mov.edl").is_file()
    # One name in two Unicode spellings is one file on macOS: each keeps its suffix.
    assert {path.name for path in out.glob("*.edl")} >= {"Café.mov.edl", "cafe\u0301.mp4.edl"}


def test_names_do_not_depend_on_the_order_of_the_list(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    put(bucket, "o/ep1.mov.mp4", "o/ep1.mov", "o/ep1.mp4")
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"s3://{bucket}/o/{name}\n" for name in ("ep1.mov.mp4", "ep1.mov", "ep1.mp4")))
    out = tmp_path / "out"
    assert batch(fake, "--from-file", str(listing), "-o", str(out), "--formats", "edl") == 0
    assert {path.name for path in (out / "o").glob("*.edl")} == {"ep1.mov.mp4.edl", "ep1.mov.edl", "ep1.mp4.edl"}


def test_files_already_in_the_folder_count_when_the_ledger_was_moved_away(
    fake: FakeRekognition, bucket: str, tmp_path: Path
) -> None:
    put(bucket, "A/x.mov", "B/x.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/A/", "-o", str(out), "--formats", "edl") == 0
    (out / LEDGER_NAME).rename(tmp_path / "old-ledger.json")
    assert batch(fake, f"s3://{bucket}/B/", "-o", str(out), "--formats", "edl") == 0
    assert json.loads((out / "x.json").read_text())["Video"]["S3Object"]["Name"] == "A/x.mov"
    assert json.loads((out / "x.mov.json").read_text())["Video"]["S3Object"]["Name"] == "B/x.mov"
    # The same videos again, ledger gone: their own files are theirs, converted where they were.
    (out / LEDGER_NAME).unlink()
    assert batch(fake, f"s3://{bucket}/A/", "-o", str(out), "--formats", "edl") == 0
    assert ledger(out)[f"s3://{bucket}/A/x.mov"]["output"] == "x"


def test_a_job_whose_status_check_is_refused_fails_alone(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    good = fake.add_job(fake.start_results["segments"])
    original = fake._get

    def get(analysis: str, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("JobId") == "job-of-another-account":
            raise _AwsFault("AccessDeniedException", "not authorized")
        return original(analysis, params)

    fake._get = get  # type: ignore[method-assign]
    listing = tmp_path / "list.txt"
    listing.write_text(f"job-of-another-account\n{good}\n")
    out = tmp_path / "out"
    assert batch(fake, "--from-file", str(listing), "-o", str(out), "--formats", "edl", "--timeout", "60") == 12
    err = capsys.readouterr().err
    assert "1 of 2 video(s) converted" in err and "access denied" in err and (out / f"{good}.edl").is_file()


def test_another_aggregation_fetches_the_job_again(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    put(bucket, "g/ep1.mov")
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/g/", "-o", str(out), "--formats", "csv", "--analysis", "labels"]
    assert batch(fake, *arguments) == 0
    assert batch(fake, *arguments, "--aggregate-by", "SEGMENTS") == 0
    fetched = [request.params for request in fake.requests if request.operation == "GetLabelDetection"]
    assert fetched[-1].get("AggregateBy") == "SEGMENTS"
    assert fake.operations().count("StartLabelDetection") == 1


def test_a_renewed_token_outlives_a_run_stopped_before_the_start(
    fake: FakeRekognition, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(bucket, "t/ep1.mov")
    fake.start_statuses = ["IN_PROGRESS"]
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/t/", "-o", str(out), "--formats", "edl"]
    assert batch(fake, *arguments, "--timeout", "0.2") != 0
    [lost] = list(fake.jobs)
    del fake.jobs[lost]
    assert batch(fake, *arguments) == 13
    fake.start_statuses = ["SUCCEEDED"]
    real_start = aws.start

    def interrupted(*_: Any, **__: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(aws, "start", interrupted)
    assert batch(fake, *arguments) == 130
    monkeypatch.setattr(aws, "start", real_start)
    assert batch(fake, *arguments) == 0
    assert ledger(out)[f"s3://{bucket}/t/ep1.mov"]["job_id"] != lost


def test_the_queue_watcher_keeps_what_it_found_when_a_check_breaks() -> None:
    from otio_rekognition.aws.batch import QueueWatcher
    from otio_rekognition.aws.errors import JobFailedError, ThrottledError
    from otio_rekognition.aws.ledger import Video

    class Queue:
        def __init__(self) -> None:
            self.deleted: list[str] = []

        def receive_message(self, **_: Any) -> dict[str, Any]:
            messages = [("done", "SUCCEEDED"), ("broken", "FAILED")]
            return {"Messages": [{"Body": json.dumps({"JobId": job, "Status": status, "API": START}),
                                  "ReceiptHandle": job} for job, status in messages]}  # fmt: skip

        def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
            self.deleted.append(ReceiptHandle)

    def status(video: Video) -> str:
        if video.job_id == "broken":  # throttled: the job is still there, only the check failed
            raise ThrottledError("throttled", "ThrottlingException")
        return "IN_PROGRESS"

    watcher = QueueWatcher(status, "https://queue", aws.Connection(), 1)
    queue = Queue()
    watcher._sqs = queue
    jobs = [Video("a", "a", job_id="done", state="started"), Video("b", "b", job_id="broken", state="started")]
    finished = watcher.check(jobs, None)
    assert finished.keys() == {"done", "broken"} and finished["done"] is None
    assert isinstance(finished["broken"], JobFailedError)
    assert queue.deleted == ["done", "broken"]


def test_a_name_too_long_for_its_files_fails_alone(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "l/" + "x" * 240 + ".mov", "l/ok.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/l/", "-o", str(out), "--formats", "edl") == 1
    err = capsys.readouterr().err
    assert "1 of 2 video(s) converted" in err and "too long" in err and (out / "ok.edl").is_file()


def test_an_older_ledgers_entry_named_as_the_ledger_fails_alone(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    put(bucket, "v/.otio-rekognition-batch.mov", "v/ok.mov")
    out = tmp_path / "out"
    out.mkdir()
    entry = {"source": f"s3://{bucket}/v/.otio-rekognition-batch.mov", "output": ".otio-rekognition-batch",
             "state": "converted", "job_id": "j1"}  # fmt: skip
    (out / LEDGER_NAME).write_text(json.dumps({"format": "otio-rekognition-batch", "version": 1, "videos": [entry]}))
    assert batch(fake, f"s3://{bucket}/v/", "-o", str(out), "--formats", "edl") == 1
    err = capsys.readouterr().err
    assert "1 of 2 video(s) converted" in err and "is the ledger's own name" in err
    assert json.loads((out / LEDGER_NAME).read_text())["format"] == "otio-rekognition-batch"


def test_a_damaged_saved_response_is_fetched_again(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    put(bucket, "d/ep1.mov")
    out = tmp_path / "out"
    assert batch(fake, f"s3://{bucket}/d/", "-o", str(out), "--formats", "edl") == 0
    (out / "ep1.json").write_text('{"truncated": ')
    assert batch(fake, f"s3://{bucket}/d/", "-o", str(out), "--formats", "fcpxml") == 0
    assert (out / "ep1.fcpxml").is_file() and json.loads((out / "ep1.json").read_text())["Segments"]
    assert fake.operations().count(START) == 1


def test_a_chain_of_names_each_meeting_the_next_keeps_every_one_whole() -> None:
    from otio_rekognition.output_names import Claims, Wanted, assign

    chain = ["a.mp4"] + ["a" + ".mov" * length for length in range(1, 60)]
    bases, refused = assign([Wanted(name, name) for name in reversed(chain)], Claims())
    assert not refused and bases == {name: name for name in chain}


@pytest.mark.parametrize("prefix", ["shoot/", "shoot"])
def test_media_folder_gives_each_video_its_own_copy(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any, prefix: str
) -> None:
    """--media DIR: each video's copy at DIR/<its key below the prefix> (here a proxy of another
    size) gives its own start timecode; a video without a copy there fails alone, saying where."""
    from helpers import SAMPLES, media_timecode

    result = json.loads((SAMPLES / "tc_25.json").read_text())
    result["VideoMetadata"][0].update(FrameWidth=1920, FrameHeight=1080)
    fake.start_results["segments"] = result
    put(bucket, "shoot/day1/a.mov", "shoot/day1/b.mov")
    media = tmp_path / "proxies"
    (media / "day1").mkdir(parents=True)
    (media / "day1" / "a.mov").write_bytes((SAMPLES / "tc_25.mov").read_bytes())
    out = tmp_path / "out"
    code = batch(fake, f"s3://{bucket}/{prefix}", "-o", str(out), "--formats", "edl", "--media", str(media))
    assert code == 1
    err = capsys.readouterr().err
    assert f"no copy of s3://{bucket}/shoot/day1/b.mov at {media / 'day1' / 'b.mov'}" in err
    first_event = next(line for line in (out / "day1" / "a.edl").read_text().splitlines() if line.startswith("001"))
    # The copy's own timecode starts the sources (the job alone would start them at 00:00:00:00).
    assert first_event.split()[4] == media_timecode(SAMPLES / "tc_25.mov") == "10:00:00:00"
    assert not (out / "day1" / "b.edl").exists()


def test_videos_makes_the_runs_dailies_besides_each_videos_files(
    fake: FakeRekognition, bucket: str, tmp_path: Path, capsys: Any
) -> None:
    """--videos sequence: each video converted alone as ever, and the run's videos one after the other in
    dailies.sequence.* (in key order)."""
    put(bucket, "day/b.mov", "day/a.mov", "day/c.mov")
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/day/", "-o", str(out), "--formats", "edl,shot-changes", "--videos", "sequence"]
    assert batch(fake, *arguments) == 0
    written = sorted(path.name for path in out.iterdir() if path.is_file())
    assert "dailies.sequence.edl" in written and {"a.edl", "b.edl", "c.edl"} <= set(written)
    alone = [pycmx.parse_cmx3600(path.open()) for path in (out / "a.edl", out / "b.edl", out / "c.edl")]
    together = pycmx.parse_cmx3600((out / "dailies.sequence.edl").open())
    assert [edit.source for event in together.events for edit in event.edits] == [
        edit.source for edl in alone for event in edl.events for edit in event.edits
    ]
    assert [edit.source_in for event in together.events for edit in event.edits] == [
        edit.source_in for edl in alone for event in edl.events for edit in event.edits
    ]
    assert "wrote" in capsys.readouterr().err


def test_the_dailies_use_each_videos_copy_as_its_own_files_do(
    fake: FakeRekognition, bucket: str, tmp_path: Path
) -> None:
    from helpers import SAMPLES

    fake.start_results["segments"] = json.loads((SAMPLES / "tc_25.json").read_text())
    put(bucket, "day/a.mov", "day/b.mov")
    media = tmp_path / "copies"
    media.mkdir()
    for name in ("a.mov", "b.mov"):
        (media / name).write_bytes((SAMPLES / "tc_25.mov").read_bytes())
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/day/", "-o", str(out), "--formats", "edl", "--media", str(media)]
    assert batch(fake, *arguments, "--videos", "sequence") == 0
    alone = [pycmx.parse_cmx3600((out / name).open()) for name in ("a.edl", "b.edl")]
    together = pycmx.parse_cmx3600((out / "dailies.sequence.edl").open())
    sources = [edit.source_in for edl in alone for event in edl.events for edit in event.edits]
    assert sources[0] == "10:00:00:00"
    assert [edit.source_in for event in together.events for edit in event.edits] == sources


def test_no_videos_files_take_the_dailies_names(fake: FakeRekognition, bucket: str, tmp_path: Path) -> None:
    """A video named dailies.sequence.mov gets another name; the dailies of another analysis are its own."""
    put(bucket, "day/a.mov", "day/dailies.sequence.mov")
    out = tmp_path / "out"
    arguments = [f"s3://{bucket}/day/", "-o", str(out), "--formats", "edl", "--videos", "sequence"]
    assert batch(fake, *arguments) == 0
    assert batch(fake, *arguments, "--analysis", "labels") == 0
    together = (out / "dailies.sequence.edl").read_text()
    assert together.startswith("TITLE: ") and "and 1 more" in together.splitlines()[0]
    assert "and 1 more" in (out / "dailies.sequence.labels.edl").read_text().splitlines()[0]
    names = {video["source"].rsplit("/", 1)[1]: video["output"] for video in ledger(out).values()}
    assert names["a.mov"] == "a" and names["dailies.sequence.mov"] != "dailies.sequence"
    assert (out / f"{names['dailies.sequence.mov']}.edl").is_file()
