"""Every Rekognition Video analysis over AWS (labels, moderation, celebrities,
faces, face search, text): the Start* request each sends, waiting, fetching
every page, rekognition://JOB_ID?analysis=... and the command line, against
the fake endpoint on 127.0.0.1 through a real botocore client."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import boto3
import opentimelineio as otio
import pytest
from fake_rekognition import (
    DEFAULT_RESULTS,
    DEFAULT_SEGMENT_AGGREGATIONS,
    REGION,
    SECRET_KEY,
    FakeRekognition,
    RawAnswer,
    items,
    merged_response,
)
from helpers import detection_markers, run_cli, sample
from lxml import etree
from moto import mock_aws

from otio_rekognition import aws
from otio_rekognition.cli import main
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.rekognition.vocabulary import ANALYSES, SEGMENTS

pytestmark = pytest.mark.usefixtures("aws_env")
FAST = aws.Backoff(initial=0.01, maximum=0.02)
FAST_POLLING = ["--poll-initial", "0.01", "--poll-max", "0.02"]
PAGE_SIZE = 25  # every sample then comes in two pages or more
TOPIC = "arn:aws:sns:us-east-1:123456789012:AmazonRekognition-done"
ROLE = "arn:aws:iam::123456789012:role/RekognitionPublish"
# Each analysis's own options, and what the Start* request carries for them.
OPTIONS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "labels": (
        {"min_confidence": 60.0, "label_features": ("GENERAL_LABELS",), "label_inclusion": ("Person", "Car"),
         "label_category_exclusion": ("Animals and Pets",)},
        {"MinConfidence": 60.0, "Features": ["GENERAL_LABELS"],
         "Settings": {"GeneralLabels": {"LabelInclusionFilters": ["Person", "Car"],
                                        "LabelCategoryExclusionFilters": ["Animals and Pets"]}}},
    ),
    "moderation": ({"min_confidence": 70.0}, {"MinConfidence": 70.0}),
    "celebrities": ({}, {}),
    "faces": ({"face_attributes": "ALL"}, {"FaceAttributes": "ALL"}),
    "face-search": ({"collection_id": "cast-2026", "face_match_threshold": 85.0},
                    {"CollectionId": "cast-2026", "FaceMatchThreshold": 85.0}),
    "text": ({"min_confidence": 80.0, "text_min_box_height": 0.05, "text_min_box_width": 0.02},
             {"Filters": {"WordFilter": {"MinConfidence": 80.0, "MinBoundingBoxHeight": 0.05,
                                         "MinBoundingBoxWidth": 0.02}}}),
}  # fmt: skip


@pytest.fixture
def connection(fake: FakeRekognition) -> aws.Connection:
    return aws.Connection(region=REGION, endpoint_url=fake.url, max_attempts=4)


def aws_options(fake: FakeRekognition) -> list[str]:
    return ["--region", REGION, "--endpoint-url", fake.url, "--max-attempts", "3"]


def calls(fake: FakeRekognition, operation: str) -> list[dict[str, Any]]:
    return [request.params for request in fake.requests if request.operation == operation]


def sample_of(analysis: str) -> dict[str, Any]:
    return merged_response([DEFAULT_RESULTS[analysis]])


def loc_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("* LOC:")]


# The API layer, analysis by analysis


@pytest.mark.parametrize("analysis", list(ANALYSES))
def test_each_analysis_starts_waits_and_fetches_every_page(
    fake: FakeRekognition, connection: aws.Connection, analysis: str
) -> None:
    options, sent_options = OPTIONS[analysis]
    calls_of = aws.APIS[analysis]
    fake.start_statuses = ["IN_PROGRESS", "SUCCEEDED"]
    request = aws.StartRequest(
        "example-bucket",
        "synthetic/demo_25.mov",
        version="v2",
        analysis=analysis,
        sns_topic_arn=TOPIC,
        role_arn=ROLE,
        job_tag="ep01",
        client_request_token="ep01-take-1",
        **options,
    )
    job_id = aws.start(request, connection)
    [sent] = fake.requests
    assert sent.operation == calls_of.start_operation
    assert sent.params == {
        "Video": {"S3Object": {"Bucket": "example-bucket", "Name": "synthetic/demo_25.mov", "Version": "v2"}},
        "ClientRequestToken": "ep01-take-1",
        "NotificationChannel": {"SNSTopicArn": TOPIC, "RoleArn": ROLE},
        "JobTag": "ep01",
        **sent_options,
    }
    # The same token starts no second job, whatever the analysis.
    assert aws.start(request, connection) == job_id and len(fake.jobs) == 1

    seen: list[aws.WaitStatus] = []
    assert aws.wait(job_id, connection, analysis=analysis, backoff=FAST, on_status=seen.append).checks == 2
    assert [status.status for status in seen] == ["IN_PROGRESS", "SUCCEEDED"]
    assert calls(fake, calls_of.get_operation) == [{"JobId": job_id, "MaxResults": 1}] * 2

    progress: list[tuple[int, int]] = []
    result = aws.fetch(
        job_id, connection, analysis=analysis, page_size=PAGE_SIZE, on_page=lambda *page: progress.append(page)
    )
    expected = items(sample_of(analysis))
    assert result.document[calls_of.list_key] == expected
    assert result.item_count == len(expected) and result.analysis == analysis
    assert len(result.pages) == math.ceil(len(expected) / PAGE_SIZE) > 1
    assert [count for _, count in progress] == [len(page[calls_of.list_key]) for page in result.pages]
    assert result.document["JobId"] == job_id and result.document["JobTag"] == "ep01"
    gets = calls(fake, calls_of.get_operation)[2:]
    aggregation = {"AggregateBy": "TIMESTAMPS"} if calls_of.aggregates else {}
    assert gets[0] == {"JobId": job_id, "MaxResults": PAGE_SIZE, **aggregation}
    assert [get.get("NextToken") for get in gets[1:]] == [page["NextToken"] for page in result.pages[:-1]]
    # Read back, the fetched job finds what the saved sample finds.
    fetched = read_job(result.text(), result.source).analyses
    saved = read_job(DEFAULT_RESULTS[analysis].read_bytes(), "sample").analyses
    assert [job.analysis.name for job in fetched] == [analysis]
    assert [list(map(json.loads, detection.items)) for detection in fetched[0].detections] == [
        list(map(json.loads, detection.items)) for detection in saved[0].detections
    ]
    assert read_job(result.text(raw_pages=True), result.source).analyses[0].page_count == len(result.pages)


@pytest.mark.parametrize("analysis", [name for name, calls_of in aws.APIS.items() if calls_of.aggregates])
def test_labels_and_moderation_fetch_aggregated_by_segments(
    fake: FakeRekognition, connection: aws.Connection, analysis: str
) -> None:
    job_id = aws.start(aws.StartRequest("example-bucket", "synthetic/demo_25.mov", analysis=analysis), connection)
    result = aws.fetch(job_id, connection, analysis=analysis, aggregate_by="SEGMENTS", page_size=2)
    expected = items(merged_response([DEFAULT_SEGMENT_AGGREGATIONS[analysis]]))
    assert result.document[aws.APIS[analysis].list_key] == expected and len(result.pages) > 1
    assert result.document["GetRequestMetadata"]["AggregateBy"] == "SEGMENTS"
    assert {get["AggregateBy"] for get in calls(fake, aws.APIS[analysis].get_operation)} == {"SEGMENTS"}
    assert all(detection.aggregated for detection in read_job(result.text()).analyses[0].detections)


def test_a_get_of_another_analysis_does_not_find_the_job(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job(sample_of("labels"))
    with pytest.raises(aws.JobNotFoundError) as error:
        aws.fetch(job_id, connection, analysis="faces")
    message = str(error.value)
    assert error.value.exit_status == 13 and "\n" not in message
    assert "GetFaceDetection finds StartFaceDetection jobs only" in message and "7 days" in message
    with pytest.raises(aws.JobNotFoundError):
        aws.fetch(job_id, connection)  # GetSegmentDetection
    assert aws.fetch(job_id, connection, analysis="labels").item_count == len(items(sample_of("labels")))


def test_throttling_during_a_labels_fetch_is_retried(fake: FakeRekognition, connection: aws.Connection) -> None:
    source = sample_of("labels")
    job_id = fake.add_job(source)
    fake.fail("GetLabelDetection", "ThrottlingException", times=2, with_token=True)
    fake.fail("GetLabelDetection", "ProvisionedThroughputExceededException", times=1)
    result = aws.fetch(job_id, connection, analysis="labels", page_size=100)
    assert result.document["Labels"] == source["Labels"] and result.restarts == 0
    assert ["NextToken" in get for get in calls(fake, "GetLabelDetection")] == [False, False, True, True, True]


def test_an_expired_token_restarts_an_analysis_fetch_once(fake: FakeRekognition, connection: aws.Connection) -> None:
    source = sample_of("celebrities")
    job_id = fake.add_job(source)
    fake.fail("GetCelebrityRecognition", "InvalidPaginationTokenException", with_token=True)
    result = aws.fetch(job_id, connection, analysis="celebrities", page_size=PAGE_SIZE)
    assert result.restarts == 1 and result.document["Celebrities"] == source["Celebrities"]


def test_analysis_pages_that_disagree_or_overflow_are_rejected(
    fake: FakeRekognition, connection: aws.Connection
) -> None:
    def newer_model(offset: int, page: dict[str, Any]) -> dict[str, Any]:
        if offset:
            page["TextModelVersion"] = "9.9"
        return page

    job_id = fake.add_job(sample_of("text"), tamper=newer_model)
    with pytest.raises(aws.PaginationError, match="page 2 field TextModelVersion differs from page 1"):
        aws.fetch(job_id, connection, analysis="text", page_size=PAGE_SIZE)

    def doubled(offset: int, page: dict[str, Any]) -> dict[str, Any]:
        page["Faces"] = page["Faces"] * 2
        return page

    job_id = fake.add_job(sample_of("faces"), tamper=doubled)
    with pytest.raises(aws.PaginationError, match="page 1 has 20 detections, more than the 10 asked for"):
        aws.fetch(job_id, connection, analysis="faces", page_size=10)


@pytest.mark.parametrize(
    ("analysis", "statuses", "expected"),
    [("moderation", ["FAILED"], aws.JobFailedError), ("face-search", ["IN_PROGRESS"], aws.JobInProgressError)],
)
def test_an_unfinished_analysis_job_says_so(
    fake: FakeRekognition, connection: aws.Connection, analysis: str, statuses: list[str], expected: type
) -> None:
    job_id = fake.add_job({}, statuses=statuses, analysis=analysis)
    with pytest.raises(expected, match=statuses[0]):
        aws.fetch(job_id, connection, analysis=analysis)
    if statuses == ["FAILED"]:
        with pytest.raises(aws.JobFailedError, match="Unsupported codec"):
            aws.wait(job_id, connection, analysis=analysis, backoff=FAST)


def test_an_answer_without_a_status_is_no_page(fake: FakeRekognition, connection: aws.Connection) -> None:
    fake.raw_answers = [RawAnswer(json.dumps({"Labels": []}).encode())]
    with pytest.raises(aws.AwsError, match="page 1 is not a GetLabelDetection page") as error:
        aws.fetch("job1", connection, analysis="labels")
    assert error.value.code == "MalformedAnswer"


def test_an_empty_job_of_an_analysis_is_saved_with_its_list(fake: FakeRekognition, connection: aws.Connection) -> None:
    """Without its list an empty page would not say which API it came from."""
    fake.raw_answers = [RawAnswer(json.dumps({"JobStatus": "SUCCEEDED", "VideoMetadata": {"FrameRate": 25}}).encode())]
    result = aws.fetch("job1", connection, analysis="celebrities")
    assert result.document["Celebrities"] == [] and result.item_count == 0
    assert read_job(result.text()).analyses[0].analysis.name == "celebrities"


@pytest.mark.parametrize(("operation", "action"), [("StartLabelDetection", "rekognition:StartLabelDetection"),
                                                   ("GetTextDetection", "rekognition:GetTextDetection")])  # fmt: skip
def test_access_denied_names_the_analysis_action(
    fake: FakeRekognition, connection: aws.Connection, operation: str, action: str
) -> None:
    fake.fail(operation, "AccessDeniedException")
    with pytest.raises(aws.AccessDeniedError) as error:
        if operation.startswith("Start"):
            aws.start(aws.StartRequest("bucket", "a.mov", analysis="labels"), connection)
        else:
            aws.fetch(fake.add_job(sample_of("text")), connection, analysis="text")
    assert f"the credentials need {action}" in str(error.value)
    assert ("iam:PassRole" in str(error.value)) == operation.startswith("Start")


def test_wait_on_sqs_for_an_analysis_job(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = fake.add_job({}, statuses=["IN_PROGRESS"], analysis="labels")
    message = {"JobId": job_id, "Status": "SUCCEEDED", "API": "StartLabelDetection", "JobTag": "ep01",
               "Timestamp": 1510865364756, "Video": {"S3ObjectName": "a.mp4", "S3Bucket": "bucket"}}  # fmt: skip
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="rekognition-done")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"Type": "Notification", "Message": json.dumps(message)}))
        result = aws.wait(job_id, connection, analysis="labels", queue_url=url, timeout=5)
    assert result.notification is not None and result.notification["API"] == "StartLabelDetection"
    assert calls(fake, "GetLabelDetection") == [{"JobId": job_id, "MaxResults": 1}]


@pytest.mark.parametrize(
    ("options", "phrase"),
    [
        ({"analysis": "labelz"}, "unknown analysis 'labelz': expected segments, labels, moderation"),
        ({"analysis": "labels", "face_attributes": "ALL"},
         "face attributes: only for the faces analysis, not for labels"),
        ({"analysis": "faces", "shot_min_confidence": 80.0}, "only for the segments analysis, not for faces"),
        ({"analysis": "labels", "segment_types": ("SHOT",)}, "segment types: only for the segments analysis"),
        ({"min_confidence": 60.0}, "only for the labels, moderation or text analysis, not for segments"),
        ({"analysis": "face-search"}, "collection id: required for the face-search analysis"),
        ({"analysis": "face-search", "collection_id": "a b"}, "collection id: expected 1 to 255 letters"),
        ({"analysis": "face-search", "collection_id": "c", "face_match_threshold": 101.0}, "expected 0 to 100"),
        ({"analysis": "moderation", "min_confidence": -1.0}, "minimum confidence: expected 0 to 100, got -1.0"),
        ({"analysis": "text", "text_min_box_width": 2.0}, "bounding box width: expected 0 to 1, got 2.0"),
        ({"analysis": "faces", "face_attributes": "SOME"}, "expected DEFAULT or ALL, got 'SOME'"),
        ({"analysis": "labels", "label_features": ("FACES",)}, "label features: expected GENERAL_LABELS"),
        ({"analysis": "labels", "label_inclusion": ()}, "label inclusion filters: expected 1 to 100 names"),
        ({"analysis": "labels", "label_exclusion": ("x",) * 101}, "expected 1 to 100 names"),
        ({"analysis": "labels", "label_category_inclusion": ("x" * 51,)}, "at most 50 characters"),
    ],
)  # fmt: skip
def test_start_requests_are_checked_before_sending(options: dict[str, Any], phrase: str) -> None:
    with pytest.raises(aws.InvalidRequestError) as error:
        aws.StartRequest("bucket", "a.mov", **options)
    message = str(error.value)
    assert phrase in message and "\n" not in message and message.startswith("s3://bucket/a.mov: ")
    assert error.value.exit_status == 14


def test_segment_detection_still_sends_both_types_by_default(fake: FakeRekognition, connection: aws.Connection) -> None:
    aws.start(aws.StartRequest("bucket", "a.mov"), connection)
    [sent] = calls(fake, "StartSegmentDetection")
    assert sorted(sent) == ["ClientRequestToken", "SegmentTypes", "Video"]
    assert sent["SegmentTypes"] == ["SHOT", "TECHNICAL_CUE"]


# rekognition:// URLs


@pytest.mark.parametrize(
    ("query", "analysis", "aggregate_by"),
    [("", SEGMENTS.name, None), ("?analysis=labels", "labels", None), ("?analysis=Face-Search", "face-search", None),
     ("?analysis=moderation&aggregate_by=segments", "moderation", "SEGMENTS")],
)  # fmt: skip
def test_job_urls_name_the_analysis(query: str, analysis: str, aggregate_by: str | None) -> None:
    named = aws.job_url(f"rekognition://abc{query}")
    assert (named.job_id, named.analysis, named.aggregate_by) == ("abc", analysis, aggregate_by)
    assert aws.parse_job_url(f"rekognition://abc{query}") == ("abc", aws.Connection())


@pytest.mark.parametrize(
    ("query", "phrase"),
    [("?analysis=label", "unknown analysis 'label': expected segments, labels, moderation, celebrities, faces, "
                         "face-search, text"),
     ("?analysis=faces&aggregate_by=SEGMENTS", "'aggregate_by': only for the labels or moderation analysis"),
     ("?analysis=labels&aggregate_by=FRAMES", "expected TIMESTAMPS or SEGMENTS, got 'FRAMES'"),
     ("?aggregate_by=SEGMENTS", "not for segments")],
)  # fmt: skip
def test_bad_analysis_in_a_job_url_is_one_error(query: str, phrase: str) -> None:
    with pytest.raises(aws.InvalidRequestError) as error:
        aws.job_url(f"rekognition://abc{query}")
    assert phrase in str(error.value) and "\n" not in str(error.value) and error.value.exit_status == 14


def test_a_labels_job_url_through_otio(fake: FakeRekognition) -> None:
    job_id = fake.add_job(sample_of("labels"))
    url = f"rekognition://{job_id}?analysis=labels&region={REGION}&endpoint_url={fake.url}"
    timeline = otio.adapters.read_from_file(url, adapter_name="rekognition")
    saved = otio.adapters.read_from_file(str(DEFAULT_RESULTS["labels"]), adapter_name="rekognition")
    markers = detection_markers(timeline)
    assert markers == detection_markers(saved) and markers
    assert {"Person", "Car", "Vehicle", "Dog", "Tree"} <= {name for name, *_ in markers}
    assert [request.operation for request in fake.requests] == ["GetLabelDetection"]


def test_a_job_url_aggregated_by_segments_through_otio(fake: FakeRekognition, connection: aws.Connection) -> None:
    job_id = aws.start(aws.StartRequest("example-bucket", "synthetic/demo_25.mov", analysis="labels"), connection)
    url = f"rekognition://{job_id}?analysis=labels&aggregate_by=SEGMENTS&region={REGION}&endpoint_url={fake.url}"
    timeline = otio.adapters.read_from_file(url, adapter_name="rekognition")
    saved = otio.adapters.read_from_file(str(DEFAULT_SEGMENT_AGGREGATIONS["labels"]), adapter_name="rekognition")
    assert detection_markers(timeline) == detection_markers(saved)


# The command line


def test_start_labels_wait_writes_an_edl_with_the_labels(
    fake: FakeRekognition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.start_statuses = ["IN_PROGRESS", "SUCCEEDED"]
    output, converted = tmp_path / "labels.edl", tmp_path / "converted.edl"
    arguments = ["start", "s3://example-bucket/synthetic/demo_25.mov", "--analysis", "labels", "--wait",
                 "-o", str(output), "--job-tag", "synthetic-labels-25", "--analysis-min-confidence", "55",
                 "--label-inclusion", "Person, Car,Vehicle,Dog,Tree", *FAST_POLLING, *aws_options(fake)]  # fmt: skip
    assert main(arguments) == 0
    captured = capsys.readouterr()
    job_id = captured.out.strip()
    assert f"{job_id} SUCCEEDED" in captured.err and f"{job_id}: page 1, 117 detections" in captured.err
    [sent] = calls(fake, "StartLabelDetection")
    assert sent["MinConfidence"] == 55.0
    assert sent["Settings"] == {"GeneralLabels": {"LabelInclusionFilters": ["Person", "Car", "Vehicle", "Dog", "Tree"]}}
    # Two status checks, then every page (one of 1,000).
    assert fake.operations() == ["StartLabelDetection"] + ["GetLabelDetection"] * 3
    locators = loc_lines(output)
    # A LOC line's name (names of markers that start on one frame, joined by " + ").
    named = {name for line in locators for name in line.split(" |D:")[0].split(maxsplit=4)[4].split(" + ")}
    assert {"Person", "Car", "Vehicle", "Dog", "Tree"} <= named
    # What the fetched job gives is what the saved sample gives.
    assert main(["convert", str(DEFAULT_RESULTS["labels"]), "-o", str(converted)]) == 0
    assert output.read_text() == converted.read_text() and len(locators) == 5  # Car and Vehicle share a frame
    assert SECRET_KEY not in output.read_text() + captured.out + captured.err


def test_wait_and_fetch_an_analysis_on_the_command_line(
    fake: FakeRekognition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.start_statuses = ["IN_PROGRESS", "SUCCEEDED"]
    face_search = ["--analysis", "face-search", "--collection-id", "cast", "--face-match-threshold", "90"]
    assert main(["start", "s3://example-bucket/synthetic/demo_25.mov", *face_search, *aws_options(fake)]) == 0
    job_id = capsys.readouterr().out.strip()
    assert main(["wait", job_id, "--analysis", "face-search", *FAST_POLLING, *aws_options(fake)]) == 0
    output = tmp_path / "faces.json"
    assert main(["fetch", job_id, "--analysis", "face-search", "-o", str(output), *aws_options(fake)]) == 0
    assert "30 detections from 1 page(s)" in capsys.readouterr().err
    assert json.loads(output.read_text())["Persons"] == items(sample_of("face-search"))
    assert calls(fake, "StartFaceSearch")[0]["CollectionId"] == "cast"
    assert fake.operations() == ["StartFaceSearch"] + ["GetFaceSearch"] * 3


def test_fetch_labels_aggregated_by_segments_on_the_command_line(
    fake: FakeRekognition, connection: aws.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = aws.start(aws.StartRequest("example-bucket", "synthetic/demo_25.mov", analysis="labels"), connection)
    output = tmp_path / "labels.json"
    fetching = ["fetch", job_id, "--analysis", "labels", "--aggregate-by", "segments", "--raw-pages"]
    assert main([*fetching, "-o", str(output), *aws_options(fake)]) == 0
    pages = json.loads(output.read_text())
    assert [page["GetRequestMetadata"]["AggregateBy"] for page in pages] == ["SEGMENTS"]
    assert pages[0]["Labels"] == items(merged_response([DEFAULT_SEGMENT_AGGREGATIONS["labels"]]))
    assert "6 detections from 1 page(s)" in capsys.readouterr().err


def test_convert_mixes_a_segment_job_and_a_labels_job(fake: FakeRekognition, tmp_path: Path, cut_lists: dict) -> None:
    segments, labels = fake.add_job(merged_response([sample("25")])), fake.add_job(sample_of("labels"))
    where = f"region={REGION}&endpoint_url={fake.url}"
    output, converted = tmp_path / "show.fcpxml", tmp_path / "converted.fcpxml"
    urls = [f"rekognition://{segments}?{where}", f"rekognition://{labels}?analysis=labels&{where}"]
    assert main(["convert", *urls, "-o", str(output)]) == 0
    assert fake.operations() == ["GetSegmentDetection", "GetLabelDetection"]
    document = etree.parse(str(output))
    assert len(document.findall(".//spine/asset-clip")) == len(cut_lists["25"]["shots"])
    assert {"Person", "Car", "Vehicle", "Dog", "Tree", "ColorBars"} <= {m.get("value") for m in document.iter("marker")}
    # The same as converting the saved responses.
    assert main(["convert", str(sample("25")), str(DEFAULT_RESULTS["labels"]), "-o", str(converted)]) == 0
    assert output.read_text() == converted.read_text()


@pytest.mark.parametrize(
    ("arguments", "status", "said"),
    [
        (["start", "s3://b/a.mov", "--analysis", "labels", "--face-attributes", "ALL"], 1,
         "--face-attributes: only for the faces analysis, not for labels"),
        (["start", "s3://b/a.mov", "--analysis", "faces", "--min-shot-confidence", "80"], 1,
         "--min-shot-confidence: only for the segments analysis, not for faces"),
        (["start", "s3://b/a.mov", "--analysis", "celebrities", "--segment-types", "SHOT"], 1,
         "--segment-types: only for the segments analysis, not for celebrities"),
        (["start", "s3://b/a.mov", "--label-inclusion", "Person"], 1,
         "--label-inclusion: only for the labels analysis, not for segments"),
        (["start", "s3://b/a.mov", "--analysis", "face-search"], 1,
         "--collection-id: required for the face-search analysis"),
        (["start", "s3://b/a.mov", "--analysis", "text", "--analysis-min-confidence", "120"], 1,
         "--analysis-min-confidence: expected 0 to 100, got 120.0"),
        (["start", "s3://b/a.mov", "--analysis", "faces", "--aggregate-by", "SEGMENTS"], 1,
         "--aggregate-by: only for the labels or moderation analysis, not for faces"),
        (["fetch", "job1", "-o", "x.json", "--analysis", "text", "--aggregate-by", "SEGMENTS"], 1,
         "--aggregate-by: only for the labels or moderation analysis, not for text"),
        (["start", "s3://b/a.mov", "--analysis", "label"], 2, "argument --analysis: invalid choice: 'label'"),
        (["convert", "rekognition://job1?analysis=label", "-o", "x.edl"], 14,
         "unknown analysis 'label': expected segments, labels, moderation, celebrities, faces, face-search, text"),
        (["convert", "rekognition://job1?analysis=faces&aggregate_by=SEGMENTS", "-o", "x.edl"], 14,
         "option 'aggregate_by': only for the labels or moderation analysis, not for faces"),
    ],
)  # fmt: skip
def test_options_that_do_not_fit_the_analysis_are_one_line(
    arguments: list[str],
    status: int,
    said: str,
    fake: FakeRekognition,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    if status == 2:  # argparse's own error ends the parse, and main with it
        with pytest.raises(SystemExit) as stopped:
            main([*arguments, *aws_options(fake)])
        assert stopped.value.code == 2 and said in capsys.readouterr().err
    else:
        code, line = run_cli([*arguments, *aws_options(fake)], capsys)
        assert code == status and said in line, line
    assert fake.requests == [] and not list(tmp_path.iterdir())


def test_a_job_of_another_analysis_on_the_command_line(
    fake: FakeRekognition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job_id = fake.add_job(sample_of("moderation"))
    code, line = run_cli(["fetch", job_id, "--analysis", "labels", "-o", str(tmp_path / "x.json"), *aws_options(fake)],
                     capsys)  # fmt: skip
    assert code == 13 and "GetLabelDetection finds StartLabelDetection jobs only" in line
    assert not (tmp_path / "x.json").exists()
