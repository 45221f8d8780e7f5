"""The Lambda handler (otio_rekognition.serverless) against real HTTP fakes:
moto's server for S3, SNS and SQS, fake_rekognition for Rekognition, reached
through the standard AWS_ENDPOINT_URL_<SERVICE> variables as in a deployment
with VPC endpoints. Also the SAM template (cfn-lint) and `make lambda-zip`."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from fake_rekognition import DEFAULT_RESULT, DEFAULT_RESULTS, FAILED_MESSAGE, REGION, SECRET_KEY, merged_response

from otio_rekognition.cli import main
from otio_rekognition.serverless import ConfigurationError, handler

ROOT = Path(__file__).resolve().parent.parent
VIDEO_BUCKET = "media"
VIDEO_KEY = "shows/ep 1.mov"
DEFAULT_SUFFIXES = {".json", ".otio", ".edl", ".fcpxml", ".xml"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def lambda_env(aws_env: None, fake: Any, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The function's environment: fakes by the standard endpoint variables, a fresh output bucket; its name."""
    bucket = f"out-{uuid.uuid4().hex[:12]}"
    # Lambda sets both; botocore reads AWS_DEFAULT_REGION.
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL_REKOGNITION", fake.url)
    for service in ("S3", "SNS", "SQS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_url)
    monkeypatch.setenv("OUTPUT_S3_URI", f"s3://{bucket}/timelines/")
    for name in ("OUTPUT_FORMATS", "START_TIMECODE", "TIMECODE"):
        monkeypatch.delenv(name, raising=False)
    boto3.client("s3").create_bucket(Bucket=bucket)
    return bucket


def rekognition_message(job_id: str, status: str = "SUCCEEDED", api: str = "StartSegmentDetection") -> str:
    """The message Rekognition publishes when a job ends (Rekognition Video developer guide)."""
    return json.dumps(
        {
            "JobId": job_id,
            "Status": status,
            "API": api,
            "JobTag": "ep1",
            "Timestamp": 1700000000000,
            "Video": {"S3ObjectName": VIDEO_KEY, "S3Bucket": VIDEO_BUCKET},
        }
    )


def sns_event(message: str) -> dict[str, Any]:
    """An SNS event as Lambda delivers it (the documented shape)."""
    topic = "arn:aws:sns:us-east-1:123456789012:rekognition-done"
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": "1",
                    "Timestamp": "2023-11-14T22:13:20.000Z",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem",
                    "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                    "Message": message,
                    "MessageAttributes": {},
                    "Type": "Notification",
                    "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
                    "TopicArn": topic,
                    "Subject": None,
                },
            }
        ]
    }


def sqs_event(*messages: str) -> dict[str, Any]:
    """An SQS event as Lambda delivers it, made of what moto's SNS topic put in a queue
    subscribed to it with raw delivery off: each body is the real SNS envelope."""
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    name = f"done-{uuid.uuid4().hex[:8]}"
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    for message in messages:
        sns.publish(TopicArn=topic, Message=message)
    received: list[dict[str, Any]] = []
    while len(received) < len(messages):
        received += sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    # Lambda keeps the publishing order of the test's messages only by chance: sort by the message.
    received.sort(key=lambda item: messages.index(json.loads(item["Body"])["Message"]))
    return {
        "Records": [
            {
                "messageId": item["MessageId"],
                "receiptHandle": item["ReceiptHandle"],
                "body": item["Body"],
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"},
                "messageAttributes": {},
                "md5OfBody": item["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for item in received
        ]
    }


def objects(bucket: str) -> dict[str, bytes]:
    s3 = boto3.client("s3")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    captured = capsys.readouterr()
    assert SECRET_KEY not in captured.out + captured.err
    return [json.loads(line) for line in captured.out.splitlines()]


def test_sns_event_writes_every_format(
    lambda_env: str, fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    assert handler(sns_event(rekognition_message(job_id)), None) is None
    written = objects(lambda_env)
    assert set(written) == {f"timelines/shows/ep 1.mov{suffix}" for suffix in DEFAULT_SUFFIXES}
    # The EDL is the one `otio-rekognition convert` makes of the stored response.
    response = tmp_path / "ep1.json"
    response.write_bytes(written["timelines/shows/ep 1.mov.json"])
    assert main(["convert", str(response), "-o", str(tmp_path / "ep1.edl")]) == 0
    assert written["timelines/shows/ep 1.mov.edl"] == (tmp_path / "ep1.edl").read_bytes()
    [line] = log_lines(capsys)
    assert line["level"] == "INFO" and line["job_id"] == job_id and line["status"] == "SUCCEEDED"
    assert line["video"] == f"s3://{VIDEO_BUCKET}/{VIDEO_KEY}" and len(line["outputs"]) == 5
    assert line["seconds"] >= 0


def test_sqs_event_same_message_twice_writes_the_same_bytes(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTPUT_FORMATS", "json, otio,edl,fcpxml,xml,aaf,vtt")
    monkeypatch.setenv("START_TIMECODE", "10:00:00:00")
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    event = sqs_event(rekognition_message(job_id))
    assert handler(event, None) == {"batchItemFailures": []}
    first = objects(lambda_env)
    assert {key.removeprefix("timelines/shows/ep 1.mov") for key in first} == DEFAULT_SUFFIXES | {".aaf", ".vtt"}
    assert b"10:00:00:00" in first["timelines/shows/ep 1.mov.edl"]
    assert handler(event, None) == {"batchItemFailures": []}
    again = objects(lambda_env)
    assert set(again) == set(first)
    # pyaaf2 stamps each AAF file with its creation time and fresh MobIDs: the same object, not the same bytes.
    aaf = "timelines/shows/ep 1.mov.aaf"
    assert {key: again[key] for key in again if key != aaf} == {key: first[key] for key in first if key != aaf}
    assert [line["status"] for line in log_lines(capsys)] == ["SUCCEEDED", "SUCCEEDED"]


def test_labels_job_gives_markers(lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import opentimelineio as otio

    monkeypatch.setenv("OUTPUT_FORMATS", "otio")
    job_id = fake.add_job(merged_response([DEFAULT_RESULTS["labels"]]))
    handler(sns_event(rekognition_message(job_id, api="StartLabelDetection")), None)
    written = objects(lambda_env)
    assert set(written) == {"timelines/shows/ep 1.mov.labels.json", "timelines/shows/ep 1.mov.labels.otio"}
    assert "GetLabelDetection" in fake.operations()
    timeline = otio.adapters.read_from_string(written["timelines/shows/ep 1.mov.labels.otio"].decode(), "otio_json")
    markers = [marker for item in timeline.find_children() for marker in getattr(item, "markers", [])]
    markers += list(timeline.tracks.markers) + [m for track in timeline.tracks for m in track.markers]
    assert markers


def test_failed_job_writes_error_json_and_is_not_retried(
    lambda_env: str, fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = fake.add_job(merged_response([DEFAULT_RESULT]), statuses=["FAILED"])
    assert handler(sqs_event(rekognition_message(failed, status="FAILED")), None) == {"batchItemFailures": []}
    written = objects(lambda_env)
    assert set(written) == {"timelines/shows/ep 1.mov.error.json"}
    report = json.loads(written["timelines/shows/ep 1.mov.error.json"])
    assert report["StatusMessage"] == FAILED_MESSAGE and report["JobId"] == failed
    assert fake.operations() == ["GetSegmentDetection"]
    # The SNS path neither raises.
    assert handler(sns_event(rekognition_message(failed, status="FAILED")), None) is None
    assert [line["status"] for line in log_lines(capsys)] == ["FAILED", "FAILED"]


def test_throttling_retries_that_record_only(lambda_env: str, fake: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fake.fail("GetSegmentDetection", "ThrottlingException", times=1000)
    throttled = fake.add_job(merged_response([DEFAULT_RESULT]))
    labels = fake.add_job(merged_response([DEFAULT_RESULTS["labels"]]))
    event = sqs_event(rekognition_message(throttled), rekognition_message(labels, api="StartLabelDetection"))
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert set(objects(lambda_env)) == {f"timelines/shows/ep 1.mov.labels{suffix}" for suffix in DEFAULT_SUFFIXES}
    lines = log_lines(capsys)
    assert [(line["level"], line["status"]) for line in lines] == [("WARNING", "RETRY"), ("INFO", "SUCCEEDED")]
    assert "ThrottlingException" in lines[0]["error"]
    with pytest.raises(RuntimeError, match=throttled):
        handler(sns_event(rekognition_message(throttled)), None)


def test_server_error_raises_in_sns_mode(lambda_env: str, fake: Any) -> None:
    fake.fail("GetSegmentDetection", "InternalServerError", times=1000, status=500)
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    with pytest.raises(RuntimeError, match="InternalServerError"):
        handler(sns_event(rekognition_message(job_id)), None)
    assert objects(lambda_env) == {}


def test_unreadable_message_is_logged_and_skipped(lambda_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    event = sqs_event("not json")
    assert handler(event, None) == {"batchItemFailures": []}
    [line] = log_lines(capsys)
    assert line["level"] == "ERROR" and line["status"] == "SKIPPED"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("OUTPUT_S3_URI", None, "OUTPUT_S3_URI is not set"),
        ("OUTPUT_S3_URI", "bucket/prefix/", "expected s3://bucket/prefix/"),
        ("OUTPUT_FORMATS", "edl,docx", "unknown format 'docx'"),
        ("TIMECODE", "sometimes", "TIMECODE"),
    ],
)
def test_configuration_error_is_one_clear_error(
    lambda_env: str, monkeypatch: pytest.MonkeyPatch, variable: str, value: str | None, says: str
) -> None:
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=says):
        handler(sns_event(rekognition_message("a" * 64)), None)


def test_template_passes_cfn_lint() -> None:
    linter = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(linter), str(ROOT / "deploy" / "template.yaml")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_lambda_zip_has_the_package_without_the_detect_extra(tmp_path: Path) -> None:
    build = tmp_path / "lambda"
    checkout_build = (ROOT / "build").exists()
    subprocess.run(
        ["make", "-s", "lambda-zip", f"BIN={Path(sys.executable).parent}", f"LAMBDA_BUILD={build}"],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    names = zipfile.ZipFile(build / "lambda.zip").namelist()
    assert "otio_rekognition/serverless.py" in names
    assert any(name.startswith("opentimelineio/") for name in names)
    tops = {name.split("/")[0] for name in names}
    assert not tops & {"av", "scenedetect", "numpy", "boto3", "botocore"}, sorted(tops)
    assert (ROOT / "build").exists() == checkout_build, "the build left a build/ folder in the checkout"


# Issue 19: nothing lost, whatever the messages and the events.


def message_for(job_id: str, key: str, api: str = "StartSegmentDetection", bucket: str = VIDEO_BUCKET) -> str:
    document = json.loads(rekognition_message(job_id, api=api))
    document["Video"] = {"S3ObjectName": key, "S3Bucket": bucket}
    return json.dumps(document)


def test_a_videos_analyses_and_videos_sharing_a_stem_keep_every_response(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTPUT_FORMATS", "edl")
    segments = fake.add_job(merged_response([DEFAULT_RESULT]))
    labels = fake.add_job(merged_response([DEFAULT_RESULTS["labels"]]))
    other = fake.add_job(merged_response([DEFAULT_RESULT]))
    event = sqs_event(
        message_for(segments, "shows/ep1.mov"),
        message_for(labels, "shows/ep1.mov", api="StartLabelDetection"),
        message_for(other, "shows/ep1.mp4"),
    )
    assert handler(event, None) == {"batchItemFailures": []}
    written = objects(lambda_env)
    names = ("ep1.mov.json", "ep1.mov.edl", "ep1.mov.labels.json", "ep1.mov.labels.edl", "ep1.mp4.json", "ep1.mp4.edl")
    assert set(written) == {f"timelines/shows/{name}" for name in names}
    assert json.loads(written["timelines/shows/ep1.mov.json"])["JobId"] == segments
    assert json.loads(written["timelines/shows/ep1.mov.labels.json"])["JobId"] == labels
    assert json.loads(written["timelines/shows/ep1.mp4.json"])["JobId"] == other
    # The same key in another bucket would replace the first video's results: refused, logged, not retried.
    elsewhere = fake.add_job(merged_response([DEFAULT_RESULT]))
    capsys.readouterr()
    assert handler(sqs_event(message_for(elsewhere, "shows/ep1.mp4", bucket="other-media")), None) == {
        "batchItemFailures": []
    }
    assert objects(lambda_env) == written
    [line] = log_lines(capsys)
    assert line["status"] == "SKIPPED" and "holds the results of s3://media/shows/ep1.mp4" in line["error"]


@pytest.mark.filterwarnings("ignore::otio_rekognition.errors.RekognitionWarning")  # frame numbers at another rate
@pytest.mark.parametrize(
    ("setting", "rate", "says"),
    [(None, 15.0, "has no SMPTE timecode"), ("df", 25.0, "no drop-frame timecode")],
    ids=["a screen recording at 15 fps", "TIMECODE=df at 25"],
)
def test_a_job_its_writers_refuse_keeps_its_response_and_is_not_retried(
    lambda_env: str,
    fake: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str | None,
    rate: float,
    says: str,
) -> None:
    if setting is not None:
        monkeypatch.setenv("TIMECODE", setting)
    response = merged_response([DEFAULT_RESULT])
    for metadata in response["VideoMetadata"]:
        metadata["FrameRate"] = rate
    job_id = fake.add_job(response)
    assert handler(sqs_event(rekognition_message(job_id)), None) == {"batchItemFailures": []}
    written = objects(lambda_env)
    assert set(written) >= {"timelines/shows/ep 1.mov.json", "timelines/shows/ep 1.mov.error.json"}
    assert json.loads(written["timelines/shows/ep 1.mov.json"])["JobId"] == job_id
    error = json.loads(written["timelines/shows/ep 1.mov.error.json"])
    assert error["JobId"] == job_id and error["Status"] == "SUCCEEDED"
    assert error["Formats"] and all(says in reason for reason in error["Formats"].values()), error
    [line] = log_lines(capsys)
    assert line["level"] == "ERROR" and line["status"] == "SUCCEEDED" and says in line["error"]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "event",
    [
        {"Records": {}},
        {"Records": "x"},
        {"Records": [None]},
        {"Records": [1]},
        {"Records": [{"eventSource": "aws:sqs", "body": "{}"}]},  # no messageId
        {"Records": [{"eventSource": "aws:sqs", "messageId": "m1", "body": _nested(100_000)}]},
        {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": _nested(100_000)}}]},
        {"Records": [{"EventSource": "aws:sns", "Sns": None}]},
        {"Records": [{"eventSource": "aws:s3"}]},
        [],
        None,
        "text",
        {},
    ],
    ids=lambda event: repr(event)[:40],
)
def test_an_event_of_any_shape_is_logged_never_raised_on(
    lambda_env: str, fake: Any, capsys: pytest.CaptureFixture[str], event: Any
) -> None:
    answer = handler(event, None)
    assert answer in (None, {"batchItemFailures": []})
    lines = log_lines(capsys)
    assert lines and all(line["status"] == "SKIPPED" for line in lines)
    assert objects(lambda_env) == {} and not fake.requests


def test_a_good_record_beside_a_null_one_is_handled_alone(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTPUT_FORMATS", "edl")
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    event = sqs_event(rekognition_message(job_id))
    event["Records"].append(None)
    assert handler(event, None) == {"batchItemFailures": []}
    assert set(objects(lambda_env)) == {"timelines/shows/ep 1.mov.json", "timelines/shows/ep 1.mov.edl"}
    assert [line["status"] for line in log_lines(capsys)] == ["SUCCEEDED", "SKIPPED"]


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("START_TIMECODE", "25:00:00:00", "out of range"),
        ("START_TIMECODE", "01:00:00", "expected a timecode"),
        ("OUTPUT_FORMATS", "   ", "OUTPUT_FORMATS is '   '"),
        ("OUTPUT_FORMATS", ",", "expected a comma list"),
    ],
)
def test_bad_configuration_fails_at_start_up_once_not_per_message(
    lambda_env: str,
    fake: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv(variable, value)
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    for _ in range(2):
        with pytest.raises(ConfigurationError, match=says):
            handler(sns_event(rekognition_message(job_id)), None)
    assert not fake.requests and objects(lambda_env) == {}
    [line] = log_lines(capsys)
    assert line["status"] == "CONFIGURATION" and says in line["error"]


def test_a_start_timecode_the_jobs_rate_cannot_count_is_that_jobs_error(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("START_TIMECODE", "01:00:00:29")  # a frame 29 exists at 30 fps, not at 25
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    assert handler(sqs_event(rekognition_message(job_id)), None) == {"batchItemFailures": []}
    written = objects(lambda_env)
    assert set(written) == {"timelines/shows/ep 1.mov.json", "timelines/shows/ep 1.mov.error.json"}


def test_a_job_whose_objects_would_meet_another_videos_writes_nothing(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTPUT_FORMATS", "json,webvtt,webvtt-chapters")
    first = fake.add_job(merged_response([DEFAULT_RESULT]))
    second = fake.add_job(merged_response([DEFAULT_RESULT]))
    handler(sqs_event(message_for(first, "v/ep1.mov.chapters")), None)
    before = objects(lambda_env)
    # v/ep1.mov's chapters would be v/ep1.mov.chapters.vtt, the first video's WebVTT.
    assert handler(sqs_event(message_for(second, "v/ep1.mov")), None) == {"batchItemFailures": []}
    assert objects(lambda_env) == before
    lines = log_lines(capsys)
    assert lines[-1]["status"] == "SKIPPED" and "v/ep1.mov.chapters.vtt holds the results of" in lines[-1]["error"]


def test_an_object_that_changes_while_the_job_is_written_is_not_replaced(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from otio_rekognition import serverless

    monkeypatch.setenv("OUTPUT_FORMATS", "edl")
    job_id = fake.add_job(merged_response([DEFAULT_RESULT]))
    handler(sns_event(rekognition_message(job_id)), None)  # the objects exist: a redelivery replaces them
    checked = serverless._Bucket._etag_of_ours
    key = "timelines/shows/ep 1.mov.edl"

    def then_replaced(bucket: Any, name: str) -> str | None:
        etag = checked(bucket, name)
        if name == key:  # another writer gets there between the check and the put
            boto3.client("s3").put_object(Bucket=lambda_env, Key=key, Body=b"theirs")
        return etag

    monkeypatch.setattr(serverless._Bucket, "_etag_of_ours", then_replaced)
    event = sqs_event(rekognition_message(job_id))
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert objects(lambda_env)[key] == b"theirs"
    assert log_lines(capsys)[-1]["level"] == "WARNING"


def test_a_head_refused_for_want_of_list_bucket_names_the_permission() -> None:
    from botocore.exceptions import ClientError

    from otio_rekognition.aws.client import Connection
    from otio_rekognition.aws.errors import AccessDeniedError
    from otio_rekognition.serverless import _S3, _Bucket

    class Refusing:  # moto grants every permission: S3's 403 for a missing object is played here
        meta = type("Meta", (), {"region_name": "us-east-1"})

        def head_object(self, **_: Any) -> None:
            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadObject")

    bucket = _Bucket(_S3(Refusing(), Connection(region="us-east-1")), "out", "s3://media/ep1.mov")
    with pytest.raises(AccessDeniedError, match="s3:ListBucket"):
        bucket.put_all([("timelines/ep1.mov.json", b"{}")])


def test_a_job_too_large_for_the_functions_memory_is_said_not_retried(
    lambda_env: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At about 3 KB a detection, 1 MB holds 341: the first page's 1,000 stop the fetch, and the error object
    says what to raise; the message is not delivered again (it would only run out of memory again)."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1")
    labels = merged_response([DEFAULT_RESULTS["labels"]])
    labels["Labels"] = [dict(item, Timestamp=index * 40) for index, item in enumerate(labels["Labels"] * 200)][:1000]
    job_id = fake.add_job(labels)
    assert handler(sqs_event(rekognition_message(job_id, api="StartLabelDetection")), None) == {"batchItemFailures": []}
    written = objects(lambda_env)
    assert set(written) == {"timelines/shows/ep 1.mov.labels.error.json"}
    said = json.loads(written["timelines/shows/ep 1.mov.labels.error.json"])["StatusMessage"]
    assert (
        "more than 1,000 segments or detections (page 1); this function's 1 MB holds about 341: raise "
        "MemorySize in deploy/template.yaml" in said
    )
    [line] = log_lines(capsys)
    assert line["status"] == "SKIPPED" and "MemorySize" in line["error"]
