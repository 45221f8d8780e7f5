"""The AWS layer against a fake Rekognition endpoint on 127.0.0.1, through a
real botocore client: paging, retries, every mapped error, waiting (polling
and SQS through moto) and rekognition:// URLs. Nothing leaves the machine:
the environment holds test credentials only and every AWS config file is
/dev/null."""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from fake_rekognition import ACCESS_KEY, FAILED_MESSAGE, REGION, SECRET_KEY, FakeRekognition, merged_response
from helpers import SAMPLES, sample
from moto import mock_aws

from otio_rekognition import aws
from otio_rekognition.errors import JobStatusError, RekognitionError
from otio_rekognition.rekognition.pages import read_job

FAST = aws.Backoff(initial=0.01, maximum=0.02)
EXIT_STATUSES = {
    aws.AwsError: 10,
    aws.CredentialsError: 11,
    aws.AccessDeniedError: 12,
    aws.JobNotFoundError: 13,
    aws.InvalidRequestError: 14,
    aws.VideoTooLargeError: 15,
    aws.LimitExceededError: 16,
    aws.ThrottledError: 17,
    aws.ServiceError: 18,
    aws.JobFailedError: 19,
    aws.JobInProgressError: 20,
    aws.WaitTimeoutError: 21,
    aws.PaginationError: 22,
}


pytestmark = pytest.mark.usefixtures("aws_env")


@pytest.fixture
def connection(fake: FakeRekognition) -> aws.Connection:
    return aws.Connection(region=REGION, endpoint_url=fake.url, max_attempts=4)


@pytest.fixture(scope="module")
def real_response(real_pages: list[Path]) -> dict[str, Any]:
    return merged_response(real_pages)


def gets(fake: FakeRekognition) -> list[dict[str, Any]]:
    return [request.params for request in fake.requests if request.operation == "GetSegmentDetection"]


def assert_one_line(error: pytest.ExceptionInfo[aws.AwsError], status: int, *phrases: str) -> None:
    message = str(error.value)
    assert "\n" not in message and message.startswith(("rekognition://", "s3://")), message
    assert error.value.exit_status == status
    for phrase in phrases:
        assert phrase in message, message
    assert SECRET_KEY not in message


# Paging


def test_real_job_comes_back_whole_in_two_pages(
    fake: FakeRekognition, connection: aws.Connection, real_response: dict[str, Any]
) -> None:
    job_id = fake.add_job(real_response)
    progress: list[tuple[int, int]] = []
    result = aws.fetch(job_id, connection, on_page=lambda page, count: progress.append((page, count)))
    assert progress == [(1, 1000), (2, 404)]
    assert result.document["Segments"] == real_response["Segments"]
    assert result.item_count == 1404 and result.restarts == 0
    assert "NextToken" not in result.document and "ResponseMetadata" not in result.document
    assert result.document["VideoMetadata"] == real_response["VideoMetadata"]
    requests = gets(fake)
    assert requests == [
        {"JobId": job_id, "MaxResults": 1000},
        {"JobId": job_id, "MaxResults": 1000, "NextToken": result.pages[0]["NextToken"]},
    ]
    job = read_job(result.text(), result.source)
    assert len(job.shots) == 1404 and job.jobs[0].page_count == 1
    raw = read_job(result.text(raw_pages=True), result.source)
    assert raw.jobs[0].page_count == 2 and raw.segments == job.segments


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("demo_*.json")), ids=lambda path: path.stem)
def test_samples_repaged_lose_and_repeat_nothing(fake: FakeRekognition, connection: aws.Connection, path: Path) -> None:
    source = merged_response([path])
    job_id = fake.add_job(source)
    result = aws.fetch(job_id, connection, page_size=7)
    assert result.document["Segments"] == source["Segments"]
    assert len(result.pages) == math.ceil(len(source["Segments"]) / 7)
    assert all(page["JobId"] == job_id for page in result.pages)
    assert [len(page["Segments"]) for page in result.pages[:-1]] == [7] * (len(result.pages) - 1)


def test_expired_token_restarts_from_the_first_page_once(
    fake: FakeRekognition, connection: aws.Connection, real_response: dict[str, Any]
) -> None:
    job_id = fake.add_job(real_response)
    fake.fail("GetSegmentDetection", "InvalidPaginationTokenException", with_token=True)
    result = aws.fetch(job_id, connection)
    assert result.restarts == 1
    assert result.document["Segments"] == real_response["Segments"]
    assert ["NextToken" in request for request in gets(fake)] == [False, True, False, True]


def test_token_expiring_again_after_the_restart_is_one_error(
    fake: FakeRekognition, connection: aws.Connection, real_response: dict[str, Any]
) -> None:
    job_id = fake.add_job(real_response)
    fake.fail("GetSegmentDetection", "InvalidPaginationTokenException", times=2, with_token=True)
    with pytest.raises(aws.InvalidRequestError) as error:
        aws.fetch(job_id, connection)
    assert_one_line(error, 14, "rejected again after restarting")
    assert len(gets(fake)) == 4


def test_pages_that_disagree_are_rejected(fake: FakeRekognition, connection: aws.Connection) -> None:
    def wider(offset: int, page: dict[str, Any]) -> dict[str, Any]:
        if offset:
            page["VideoMetadata"] = [{**page["VideoMetadata"][0], "FrameWidth": 1280}]
        return page

    job_id = fake.add_job(merged_response([sample("25")]), tamper=wider)
    with pytest.raises(aws.PaginationError) as error:
        aws.fetch(job_id, connection, page_size=10)
    assert_one_line(error, 22, "page 2 field VideoMetadata differs from page 1")


def test_a_looping_next_token_stops(fake: FakeRekognition, connection: aws.Connection) -> None:
    def loop(offset: int, page: dict[str, Any]) -> dict[str, Any]:
        if offset:  # page 2 hands out the token it was fetched with
            page["NextToken"] = fake.token_for(page["JobId"], offset)
        return page

    job_id = fake.add_job(merged_response([sample("25")]), tamper=loop)
    with pytest.raises(aws.PaginationError) as error:
        aws.fetch(job_id, connection, page_size=10)
    assert_one_line(error, 22, "page 2 repeats an earlier NextToken")
    assert len(gets(fake)) == 2


def test_a_page_larger_than_asked_for_is_rejected(fake: FakeRekognition, connection: aws.Connection) -> None:
    def extra(offset: int, page: dict[str, Any]) -> dict[str, Any]:
        page["Segments"] = page["Segments"] * 2
        return page

    job_id = fake.add_job(merged_response([sample("25")]), tamper=extra)
    with pytest.raises(aws.PaginationError) as error:
        aws.fetch(job_id, connection, page_size=10)
    assert_one_line(error, 22, "page 1 has 20 segments, more than the 10")


@pytest.mark.parametrize(("statuses", "expected", "status"), [(["IN_PROGRESS"], aws.JobInProgressError, 20),
                                                             (["FAILED"], aws.JobFailedError, 19)])  # fmt: skip
def test_fetching_an_unfinished_job_says_so(
    fake: FakeRekognition, connection: aws.Connection, statuses: list[str], expected: type[aws.AwsError], status: int
) -> None:
    job_id = fake.add_job({}, statuses=statuses)
    with pytest.raises(expected) as error:
        aws.fetch(job_id, connection)
    assert isinstance(error.value, JobStatusError)
    assert_one_line(error, status, statuses[0])


# Retries and errors


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
@pytest.mark.parametrize("mode", aws.RETRY_MODES)
def test_throttling_is_retried(fake: FakeRekognition, code: str, mode: aws.RetryMode) -> None:
    source = merged_response([sample("2997df")])
    job_id = fake.add_job(source)
    # Adaptive mode's client-side rate limiter really slows down after each
    # throttle (seconds per request): once is enough to see it retry.
    throttles = 1 if mode == "adaptive" else 3
    fake.fail("GetSegmentDetection", code, times=throttles)
    connection = aws.Connection(region=REGION, endpoint_url=fake.url, retry_mode=mode, max_attempts=4)
    result = aws.fetch(job_id, connection)
    assert result.document["Segments"] == source["Segments"]
    assert len(gets(fake)) == throttles + 1
    assert all(request.headers["amz-sdk-request"].endswith("max=4") for request in fake.requests)
    assert all(f"cfg/retry-mode#{mode}" in request.headers["User-Agent"] for request in fake.requests)


def test_throttling_between_pages_loses_nothing(
    fake: FakeRekognition, connection: aws.Connection, real_response: dict[str, Any]
) -> None:
    job_id = fake.add_job(real_response)
    fake.fail("GetSegmentDetection", "ThrottlingException", times=2, with_token=True)
    result = aws.fetch(job_id, connection)
    assert result.document["Segments"] == real_response["Segments"] and result.restarts == 0
    assert ["NextToken" in request for request in gets(fake)] == [False, True, True, True]


def test_throttling_after_the_last_attempt_is_one_error(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job(merged_response([sample("25")]))
    fake.fail("GetSegmentDetection", "ProvisionedThroughputExceededException", times=100)
    with pytest.raises(aws.ThrottledError) as error:
        aws.fetch(job_id, connection)
    assert_one_line(error, 17, "still throttled (ProvisionedThroughputExceededException) after 4 attempts")
    assert len(fake.requests) == 4


def test_server_errors_are_retried_then_reported(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job(merged_response([sample("25")]))
    fake.fail("GetSegmentDetection", "InternalServerError", times=3, status=500)
    assert aws.fetch(job_id, connection).item_count == len(merged_response([sample("25")])["Segments"])
    assert len(fake.requests) == 4
    fake.fail("GetSegmentDetection", "InternalServerError", times=4, status=500)
    with pytest.raises(aws.ServiceError) as error:
        aws.fetch(job_id, connection)
    assert_one_line(error, 18, "server error after 4 attempts")


@pytest.mark.parametrize(
    ("operation", "code", "expected", "phrases"),
    [
        ("GetSegmentDetection", "AccessDeniedException", aws.AccessDeniedError, ["rekognition:GetSegmentDetection"]),
        ("StartSegmentDetection", "AccessDeniedException", aws.AccessDeniedError,
         ["rekognition:StartSegmentDetection", "iam:PassRole"]),
        ("StartSegmentDetection", "InvalidParameterException", aws.InvalidRequestError, ["invalid parameter"]),
        ("StartSegmentDetection", "InvalidS3ObjectException", aws.InvalidRequestError, ["cannot read the video"]),
        ("StartSegmentDetection", "VideoTooLargeException", aws.VideoTooLargeError, ["10 GB, 6 hours"]),
        ("StartSegmentDetection", "LimitExceededException", aws.LimitExceededError, ["too many", "after 4 attempts"]),
        ("GetSegmentDetection", "UnrecognizedClientException", aws.CredentialsError, ["rejected the credentials"]),
        ("GetSegmentDetection", "SomethingNewException", aws.AwsError, ["SomethingNewException"]),
    ],
)  # fmt: skip
def test_aws_errors_are_one_line_with_their_own_exit_status(
    fake: FakeRekognition,
    connection: aws.Connection,
    operation: str,
    code: str,
    expected: type[aws.AwsError],
    phrases: list[str],
) -> None:
    # Many: botocore retries LimitExceededException as throttling.
    fake.fail(operation, code, times=100, message=f"{code} message")
    job_id = fake.add_job(merged_response([sample("25")]))
    with pytest.raises(expected) as error:
        if operation == "StartSegmentDetection":
            aws.start(aws.StartRequest("bucket", "video.mp4"), connection)
        else:
            aws.fetch(job_id, connection)
    assert type(error.value) is expected and error.value.code == code
    assert_one_line(error, EXIT_STATUSES[expected], *phrases, f"{code} message")


def test_an_unknown_or_expired_job_names_the_seven_days(connection: aws.Connection) -> None:
    with pytest.raises(aws.JobNotFoundError) as error:
        aws.fetch("0" * 64, connection)
    assert_one_line(error, 13, "not found in region us-east-1", "kept only 7 days")


def test_every_error_class_has_its_own_exit_status() -> None:
    classes = [value for value in vars(aws).values() if isinstance(value, type) and issubclass(value, aws.AwsError)]
    assert {cls: cls.exit_status for cls in classes} == EXIT_STATUSES
    assert len(set(EXIT_STATUSES.values())) == len(EXIT_STATUSES)
    # Beside the command line's own statuses: 1 input, 2 usage, 3 output.
    assert not {1, 2, 3} & set(EXIT_STATUSES.values())
    assert all(issubclass(cls, RekognitionError) for cls in classes)


# Credentials and configuration


def test_no_credentials_is_one_error_and_sends_nothing(
    fake: FakeRekognition, connection: aws.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    job_id = fake.add_job(merged_response([sample("25")]))
    with pytest.raises(aws.CredentialsError) as error:
        aws.fetch(job_id, connection)
    assert_one_line(error, 11, "no usable AWS credentials", "AWS_PROFILE")
    assert fake.requests == []


def test_an_unknown_profile_is_a_credentials_error(fake: FakeRekognition) -> None:
    connection = aws.Connection(region=REGION, profile="nobody", endpoint_url=fake.url)
    with pytest.raises(aws.CredentialsError) as error:
        aws.fetch("job", connection)
    assert_one_line(error, 11, "AWS profile 'nobody' not found")


def test_no_region_is_one_error(fake: FakeRekognition) -> None:
    with pytest.raises(aws.AwsError) as error:
        aws.fetch("job", aws.Connection(endpoint_url=fake.url))
    assert_one_line(error, 10, "no AWS region")
    assert error.value.code == "NoRegion" and fake.requests == []


def test_an_unreachable_endpoint_is_one_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago refuses connections now
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(aws.AwsError) as error:
        aws.fetch("job", aws.Connection(region=REGION, endpoint_url=url, max_attempts=1))
    assert_one_line(error, 10, "Could not connect", url)


@pytest.mark.parametrize(
    ("settings", "phrase"),
    [
        (lambda: aws.Connection(retry_mode="legacy"), "retry mode 'legacy'"),  # type: ignore[arg-type]
        (lambda: aws.Connection(max_attempts=0), "max attempts 0"),
        (lambda: aws.Backoff(initial=0), "poll backoff 0 s to 60 s"),
        (lambda: aws.Backoff(initial=10, maximum=5), "poll backoff 10 s to 5 s"),
        (lambda: aws.Backoff(factor=0.5), "by 0.5"),
    ],
)
def test_settings_are_checked(settings: Callable[[], object], phrase: str) -> None:
    with pytest.raises(aws.InvalidRequestError, match=phrase) as error:
        settings()
    assert error.value.exit_status == 14


def test_a_malformed_endpoint_is_one_error() -> None:
    """Refused before any request: a typo is one line, not a connection error later."""
    with pytest.raises(aws.InvalidRequestError) as error:
        aws.fetch("job", aws.Connection(region=REGION, endpoint_url="localhost 9000"))
    message = str(error.value)
    assert "\n" not in message and error.value.exit_status == 14
    assert message.startswith("endpoint URL 'localhost 9000': expected http(s)://HOST[:PORT]")


def test_credentials_never_travel_in_a_body_or_land_in_a_result(
    fake: FakeRekognition, connection: aws.Connection, real_response: dict[str, Any]
) -> None:
    job_id = aws.start(aws.StartRequest("bucket", "video.mp4", job_tag="tag"), connection)
    aws.wait(job_id, connection, backoff=FAST)
    result = aws.fetch(job_id, connection)
    fake.fail("GetSegmentDetection", "AccessDeniedException")
    with pytest.raises(aws.AccessDeniedError) as error:
        aws.fetch(job_id, connection)
    assert fake.operations() == ["StartSegmentDetection", "GetSegmentDetection", "GetSegmentDetection",
                                 "GetSegmentDetection"]  # fmt: skip
    for request in fake.requests:
        assert ACCESS_KEY not in request.body.decode() and SECRET_KEY not in request.body.decode()
        assert SECRET_KEY not in json.dumps(dict(request.headers))
        # Signed with the fixture's key: the default chain found nothing else.
        assert request.headers["Authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/")
    for text in (result.text(), result.text(raw_pages=True), str(error.value), repr(connection)):
        assert SECRET_KEY not in text and f'"{ACCESS_KEY}"' not in text


# Start


def test_start_sends_every_request_field(fake: FakeRekognition, connection: aws.Connection) -> None:
    request = aws.StartRequest(
        "media-bucket",
        "shows/ep01.mov",
        version="v3",
        segment_types=("TECHNICAL_CUE", "SHOT"),
        shot_min_confidence=80.0,
        cue_min_confidence=60.5,
        black_frame_max_pixel_threshold=0.1,
        black_frame_min_coverage_percentage=95.0,
        sns_topic_arn="arn:aws:sns:us-east-1:123456789012:AmazonRekognition-done",
        role_arn="arn:aws:iam::123456789012:role/RekognitionPublish",
        job_tag="ep01-cuts",
        client_request_token="ep01-take-1",
    )
    job_id = aws.start(request, connection)
    assert job_id in fake.jobs
    assert fake.jobs[job_id].response["JobTag"] == "ep01-cuts"
    [sent] = fake.requests
    assert sent.operation == "StartSegmentDetection"
    assert sent.params == {
        "Video": {"S3Object": {"Bucket": "media-bucket", "Name": "shows/ep01.mov", "Version": "v3"}},
        "SegmentTypes": ["TECHNICAL_CUE", "SHOT"],
        "ClientRequestToken": "ep01-take-1",
        "Filters": {
            "ShotFilter": {"MinSegmentConfidence": 80.0},
            "TechnicalCueFilter": {
                "MinSegmentConfidence": 60.5,
                "BlackFrame": {"MaxPixelThreshold": 0.1, "MinCoveragePercentage": 95.0},
            },
        },
        "NotificationChannel": {
            "SNSTopicArn": "arn:aws:sns:us-east-1:123456789012:AmazonRekognition-done",
            "RoleArn": "arn:aws:iam::123456789012:role/RekognitionPublish",
        },
        "JobTag": "ep01-cuts",
    }
    # Starting again with the same token is the same job, as Rekognition does.
    assert aws.start(request, connection) == job_id and len(fake.jobs) == 1


def test_start_sends_only_what_was_asked_and_always_a_token(fake: FakeRekognition, connection: aws.Connection) -> None:
    first = aws.start(aws.StartRequest("bucket", "a.mp4"), connection)
    second = aws.start(aws.StartRequest("bucket", "a.mp4"), connection)
    params = [request.params for request in fake.requests]
    assert [sorted(sent) for sent in params] == [["ClientRequestToken", "SegmentTypes", "Video"]] * 2
    assert params[0]["SegmentTypes"] == ["SHOT", "TECHNICAL_CUE"]
    # A fresh token per start: two deliberate starts are two jobs.
    assert params[0]["ClientRequestToken"] != params[1]["ClientRequestToken"] and first != second


def test_a_start_whose_answer_was_lost_is_not_started_twice(fake: FakeRekognition, connection: aws.Connection) -> None:
    fake.fail("StartSegmentDetection", "InternalServerError", status=500, after_processing=True)
    job_id = aws.start(aws.StartRequest("bucket", "a.mp4"), connection)
    assert list(fake.jobs) == [job_id]
    tokens = [request.params["ClientRequestToken"] for request in fake.requests]
    assert len(tokens) == 2 and tokens[0] == tokens[1]


@pytest.mark.parametrize(
    ("options", "phrase"),
    [
        (
            {"segment_types": ("SHOTS",)},
            "segment types: expected SHOT, TECHNICAL_CUE or both (comma list), got 'SHOTS'",
        ),
        ({"segment_types": ()}, "segment types: expected SHOT, TECHNICAL_CUE or both (comma list), got ''"),
        ({"shot_min_confidence": 49.0}, "shot minimum confidence: expected 50 to 100, got 49.0"),
        ({"cue_min_confidence": 101.0}, "technical cue minimum confidence: expected 50 to 100, got 101.0"),
        ({"black_frame_max_pixel_threshold": 1.5}, "pixel threshold: expected 0 to 1, got 1.5"),
        ({"black_frame_min_coverage_percentage": -1.0}, "coverage percentage: expected 0 to 100, got -1.0"),
        ({"sns_topic_arn": "arn:aws:sns:us-east-1:1:t"}, "needs both an SNS topic ARN and the role ARN"),
        ({"client_request_token": "has space"}, "client request token 'has space'"),
        ({"key": ""}, "expected an S3 bucket and object key"),
    ],
)
def test_start_checks_its_request_before_sending(options: dict[str, Any], phrase: str) -> None:
    with pytest.raises(aws.InvalidRequestError) as error:
        aws.StartRequest(**{"bucket": "bucket", "key": "a.mp4", **options})
    assert_one_line(error, 14, phrase)


# Wait


def test_wait_polls_with_backoff_until_succeeded(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job(merged_response([sample("25")]), statuses=["IN_PROGRESS"] * 3 + ["SUCCEEDED"])
    seen: list[aws.WaitStatus] = []
    backoff = aws.Backoff(initial=0.01, maximum=0.03, factor=2)
    result = aws.wait(job_id, connection, backoff=backoff, on_status=seen.append)
    assert [status.status for status in seen] == ["IN_PROGRESS"] * 3 + ["SUCCEEDED"]
    assert [status.checks for status in seen] == [1, 2, 3, 4] and result.checks == 4
    for poll, status in enumerate(seen[:3]):
        ceiling = min(0.03, 0.01 * 2**poll)
        assert status.next_check is not None and ceiling / 2 <= status.next_check <= ceiling
    assert seen[-1].next_check is None
    elapsed = [status.elapsed for status in seen]
    assert elapsed == sorted(elapsed) and result.elapsed == elapsed[-1]
    assert elapsed[-1] >= sum(status.next_check or 0 for status in seen)
    assert gets(fake) == [{"JobId": job_id, "MaxResults": 1}] * 4


def test_wait_on_a_failed_job_raises_its_status_message(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job({}, statuses=["IN_PROGRESS", "IN_PROGRESS", "FAILED"])
    with pytest.raises(aws.JobFailedError) as error:
        aws.wait(job_id, connection, backoff=FAST)
    assert_one_line(error, 19, f"the job FAILED: {FAILED_MESSAGE}")
    assert isinstance(error.value, JobStatusError) and len(gets(fake)) == 3


def test_wait_times_out(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job({}, statuses=["IN_PROGRESS"])
    began = time.monotonic()
    with pytest.raises(aws.WaitTimeoutError) as error:
        aws.wait(job_id, connection, timeout=0.3, backoff=aws.Backoff(initial=0.05, maximum=0.1))
    took = time.monotonic() - began
    assert_one_line(error, 21, "still IN_PROGRESS after 0 s")
    assert 0.3 <= took < 2
    assert len(gets(fake)) >= 3  # polled on through the timeout, the last at the deadline


def test_wait_rechecks_status_through_throttling(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job({}, statuses=["IN_PROGRESS", "SUCCEEDED"])
    fake.fail("GetSegmentDetection", "ThrottlingException", times=2)
    assert aws.wait(job_id, connection, backoff=FAST).checks == 2
    assert len(gets(fake)) == 4


# Wait through SQS (moto's SQS; Rekognition stays the fake on 127.0.0.1)


def sns_body(job_id: str, status: str) -> str:
    """What an SQS queue subscribed to Rekognition's SNS topic receives."""
    message = {"JobId": job_id, "Status": status, "API": "StartSegmentDetection", "JobTag": "ep01",
               "Timestamp": 1510865364756, "Video": {"S3ObjectName": "a.mp4", "S3Bucket": "bucket"}}  # fmt: skip
    return json.dumps({"Type": "Notification", "MessageId": "1", "TopicArn": "arn:aws:sns:us-east-1:1:t",
                       "Message": json.dumps(message), "Timestamp": "2026-01-01T00:00:00.000Z"})  # fmt: skip


@pytest.fixture
def queue() -> Iterator[tuple[Any, str]]:
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        yield sqs, sqs.create_queue(QueueName="rekognition-done")["QueueUrl"]


def queued(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_wait_on_sqs_returns_on_the_jobs_completion_message(
    fake: FakeRekognition, connection: aws.Connection, queue: tuple[Any, str]
) -> None:
    sqs, url = queue
    job_id = fake.add_job({}, statuses=["IN_PROGRESS"])
    sqs.send_message(QueueUrl=url, MessageBody="not JSON")
    sqs.send_message(QueueUrl=url, MessageBody=sns_body("another-job", "SUCCEEDED"))
    sqs.send_message(QueueUrl=url, MessageBody=sns_body(job_id, "SUCCEEDED"))
    seen: list[aws.WaitStatus] = []
    result = aws.wait(job_id, connection, queue_url=url, timeout=5, on_status=seen.append)
    assert result.notification is not None and result.notification["JobId"] == job_id
    assert result.notification["API"] == "StartSegmentDetection"
    assert seen[-1].status == "SUCCEEDED" and seen[0].status == "IN_PROGRESS"
    assert len(gets(fake)) == 1  # one status check, then no polling
    assert queued(sqs, url) == 2  # only this job's message was taken off the queue


def test_wait_on_sqs_takes_raw_message_delivery(
    fake: FakeRekognition, connection: aws.Connection, queue: tuple[Any, str]
) -> None:
    sqs, url = queue
    job_id = fake.add_job({}, statuses=["IN_PROGRESS"])
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"JobId": job_id, "Status": "SUCCEEDED"}))
    assert aws.wait(job_id, connection, queue_url=url, timeout=5).notification == {
        "JobId": job_id,
        "Status": "SUCCEEDED",
    }


def test_wait_on_sqs_for_a_failed_job_gives_the_status_message(
    fake: FakeRekognition, connection: aws.Connection, queue: tuple[Any, str]
) -> None:
    sqs, url = queue
    job_id = fake.add_job({}, statuses=["IN_PROGRESS", "FAILED"])
    sqs.send_message(QueueUrl=url, MessageBody=sns_body(job_id, "FAILED"))
    with pytest.raises(aws.JobFailedError) as error:
        aws.wait(job_id, connection, queue_url=url, timeout=5)
    assert_one_line(error, 19, FAILED_MESSAGE)
    assert queued(sqs, url) == 0


def test_wait_on_sqs_does_not_wait_for_a_finished_job(
    fake: FakeRekognition, connection: aws.Connection, queue: tuple[Any, str]
) -> None:
    _, url = queue
    job_id = fake.add_job(merged_response([sample("25")]))
    assert aws.wait(job_id, connection, queue_url=url, timeout=5).notification is None


def test_wait_on_sqs_times_out(fake: FakeRekognition, connection: aws.Connection, queue: tuple[Any, str]) -> None:
    _, url = queue
    job_id = fake.add_job({}, statuses=["IN_PROGRESS"])
    with pytest.raises(aws.WaitTimeoutError) as error:
        aws.wait(job_id, connection, queue_url=url, timeout=1)
    assert_one_line(error, 21, "still IN_PROGRESS")


# rekognition:// URLs


def test_a_job_url_fetches_through_the_same_code(fake: FakeRekognition, real_response: dict[str, Any]) -> None:
    job_id = fake.add_job(real_response)
    url = f"rekognition://{job_id}?region={REGION}&endpoint_url={fake.url}"
    result = aws.fetch_url(url)
    assert result.document["Segments"] == real_response["Segments"]
    # The name carries neither the endpoint nor a profile.
    assert result.source == f"rekognition://{job_id}"
    assert len(read_job(result.text(), result.source).shots) == 1404


@pytest.mark.parametrize(
    ("url", "job_id", "connection"),
    [
        ("rekognition://abc-123_X", "abc-123_X", aws.Connection()),
        ("REKOGNITION://abc/", "abc", aws.Connection()),
        ("rekognition://abc?region=eu-west-1&profile=media", "abc",
         aws.Connection(region="eu-west-1", profile="media")),
        ("rekognition://abc?endpoint_url=http%3A%2F%2F127.0.0.1%3A9000", "abc",
         aws.Connection(endpoint_url="http://127.0.0.1:9000")),
        ("rekognition://abc?endpoint_url=http://127.0.0.1:9000/", "abc",
         aws.Connection(endpoint_url="http://127.0.0.1:9000/")),
    ],
)  # fmt: skip
def test_job_urls_parse(url: str, job_id: str, connection: aws.Connection) -> None:
    assert aws.is_job_url(url)
    assert aws.parse_job_url(url) == (job_id, connection)


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("rekognition://", "expected rekognition://JOB_ID"),
        ("s3://bucket/key", "expected rekognition://JOB_ID"),
        ("rekognition://abc/page2", "nothing after the job id"),
        ("rekognition://a.b", "job id 'a.b'"),
        (f"rekognition://{'a' * 65}", "1 to 64 letters"),
        ("rekognition://abc?regoin=eu-west-1", "unknown option 'regoin'"),
        ("rekognition://abc?region=a&region=b", "exactly one non-empty value"),
        ("rekognition://abc?region=", "exactly one non-empty value"),
        ("rekognition://abc?region", "not name=value pairs"),
    ],
)
def test_bad_job_urls_are_one_error(url: str, phrase: str) -> None:
    with pytest.raises(aws.InvalidRequestError, match=phrase) as error:
        aws.parse_job_url(url)
    assert error.value.exit_status == 14 and "\n" not in str(error.value)


def test_the_fake_speaks_rekognitions_protocol_to_a_plain_client(
    fake: FakeRekognition, real_response: dict[str, Any]
) -> None:
    """The fake, checked without this package's code: botocore's own client
    parses its pages and turns its errors into Rekognition's modelled exceptions."""
    client = boto3.client(
        "rekognition",
        endpoint_url=fake.url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1}),
    )
    job_id = fake.add_job(real_response)
    first = client.get_segment_detection(JobId=job_id)
    second = client.get_segment_detection(JobId=job_id, NextToken=first["NextToken"])
    assert first["Segments"] + second["Segments"] == real_response["Segments"] and "NextToken" not in second
    assert first["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
        client.get_segment_detection(JobId="missing")
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    fake.fail("GetSegmentDetection", "InternalServerError", status=500)
    with pytest.raises(client.exceptions.InternalServerError) as broken:
        client.get_segment_detection(JobId=job_id)
    assert broken.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert [request.headers["X-Amz-Target"] for request in fake.requests] == [
        "RekognitionService.GetSegmentDetection"
    ] * 4


def test_file_paths_are_not_job_urls() -> None:
    assert not aws.is_job_url("job.json") and not aws.is_job_url("/tmp/rekognition/job.json")


def test_importing_the_module_does_not_import_the_aws_sdk() -> None:
    """OTIO imports every plugin package at start-up; boto3 costs time there."""
    code = (
        "import sys, otio_rekognition.aws; print(sorted(m for m in sys.modules if m.startswith(('boto3', 'botocore'))))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
