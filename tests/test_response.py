"""Reading GetSegmentDetection data: page layouts, merging, frame sources,
and one clear error line for every kind of bad input."""

from __future__ import annotations

import copy
import json
import warnings
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import developer_guide_response, sample
from timecode import Timecode

from otio_rekognition.errors import (
    IncompleteJobError,
    JobStatusError,
    RekognitionError,
    RekognitionWarning,
    ResponseFormatError,
)
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.rekognition.video import Video


def frames_of(job: Video) -> list[tuple[str, int, int]]:
    return [(segment.label, segment.first_frame, segment.last_frame) for segment in job.segments]


def test_developer_guide_example_inclusive_ends(no_warnings: None) -> None:
    job = read_job(json.dumps(developer_guide_response()))
    assert job.rate == Fraction(30000, 1001)
    assert job.frame_count == 450
    assert [(s.first_frame, s.last_frame, s.frame_count) for s in job.shots] == [(0, 299, 300), (300, 449, 150)]
    assert [(s.label, s.first_frame, s.last_frame) for s in job.cues] == [
        ("BlackFrames", 0, 299),
        ("Content", 299, 449),
    ]


class TestLayouts:
    def test_real_job_in_every_layout_gives_the_same_segments(self, real_pages: list[Path], no_warnings: None) -> None:
        documents = [json.loads(page.read_text()) for page in real_pages]
        concatenated = read_job(b"".join(page.read_bytes() for page in real_pages))
        array = read_job(json.dumps(documents))
        lines = read_job("\n".join(json.dumps(document) for document in documents) + "\n")
        assert frames_of(concatenated) == frames_of(array) == frames_of(lines)
        assert concatenated.jobs[0].page_count == array.jobs[0].page_count == lines.jobs[0].page_count == 2
        assert len(concatenated.shots) == 1404

    def test_page_order_does_not_matter(self, real_pages: list[Path], no_warnings: None) -> None:
        forward = read_job(b"".join(page.read_bytes() for page in real_pages))
        backward = read_job(b"".join(page.read_bytes() for page in reversed(real_pages)))
        assert frames_of(forward) == frames_of(backward)

    def test_duplicate_pages_are_dropped_and_counted(self, real_pages: list[Path], no_warnings: None) -> None:
        first, second = (page.read_bytes() for page in real_pages)
        job = read_job(first + first + second)
        assert len(job.shots) == 1404
        assert job.jobs[0].duplicates_dropped == 1000

    def test_saved_pages_of_the_5994_sample(self, cut_lists: dict, no_warnings: None) -> None:
        text = sample("5994df").read_text()
        job = read_job(text)
        assert job.jobs[0].page_count == 3
        assert [[s.first_frame, s.last_frame] for s in job.shots] == cut_lists["5994df"]["shots"]

    def test_bytes_with_a_byte_order_mark(self, no_warnings: None) -> None:
        job = read_job(b"\xef\xbb\xbf" + json.dumps(developer_guide_response()).encode())
        assert len(job.segments) == 4


class TestIncompleteJobs:
    def test_last_page_with_next_token_warns(self, real_pages: list[Path]) -> None:
        with pytest.warns(RekognitionWarning, match=r"page1\.json: incomplete job.*NextToken"):
            job = read_job(real_pages[0].read_bytes(), source=str(real_pages[0]))
        assert job.jobs[0].next_token is not None
        assert len(job.shots) == 1000

    def test_strict_makes_it_an_error(self, real_pages: list[Path]) -> None:
        with pytest.raises(IncompleteJobError, match="incomplete job"):
            read_job(real_pages[0].read_bytes(), strict=True)


def test_segments_past_the_end_of_the_video_warn() -> None:
    response = developer_guide_response()
    response["VideoMetadata"][0]["DurationMillis"] = 5000  # 150 frames; the shots run to frame 449
    with pytest.warns(RekognitionWarning, match=r"segments run to frame 449, past the end of the video .* 150 frames"):
        job = read_job(json.dumps(response))
    assert job.frame_count == 450


class TestFrameSources:
    def test_old_response_frames_come_from_smpte(self, real_pages: list[Path], no_warnings: None) -> None:
        job = read_job(b"".join(page.read_bytes() for page in real_pages))
        last = job.shots[-1]
        assert "StartFrameNumber" not in last.raw
        expected = (Timecode("25", "00:41:16:08").frames - 1, Timecode("25", "00:41:18:07").frames - 1)
        assert (last.first_frame, last.last_frame) == expected == (61908, 61957)
        assert job.frame_count == 61958  # 2478320 ms / 40 ms

    def test_old_2997_drop_frame_sample(self, cut_lists: dict, no_warnings: None) -> None:
        job = read_job(sample("2997df_model1").read_text())
        assert [[s.first_frame, s.last_frame] for s in job.shots] == cut_lists["2997df"]["shots"]
        assert sorted([s.label, s.first_frame, s.last_frame] for s in job.cues) == sorted(cut_lists["2997df"]["cues"])

    def test_milliseconds_only_round_to_the_nearest_frame(self, no_warnings: None) -> None:
        response = developer_guide_response()
        for segment in response["Segments"]:
            for key in (
                "StartFrameNumber",
                "EndFrameNumber",
                "DurationFrames",
                "StartTimecodeSMPTE",
                "EndTimecodeSMPTE",
                "DurationSMPTE",
            ):
                segment.pop(key)
        job = read_job(json.dumps(response))
        # 10010 ms * 29.97 / 1000 = 299.999...: truncation would say 299.
        assert [(s.first_frame, s.last_frame) for s in job.shots] == [(0, 299), (300, 449)]

    def test_frame_numbers_win_and_the_disagreement_is_reported(self) -> None:
        response = developer_guide_response()
        response["Segments"][3]["StartTimecodeSMPTE"] = "00:00:10;02"  # says frame 302
        with pytest.warns(
            RekognitionWarning, match=r"1 frame value.*Segments\[3\] SMPTE timecodes give frames 302-449"
        ):
            job = read_job(json.dumps(response))
        assert (job.shots[1].first_frame, job.shots[1].last_frame) == (300, 449)
        assert len(job.jobs[0].disagreements) == 1
        with pytest.raises(ResponseFormatError, match="disagree"):
            read_job(json.dumps(response), strict=True)

    def test_non_smpte_rate_with_frame_numbers(self, no_warnings: None) -> None:
        response = developer_guide_response()
        response["VideoMetadata"][0].update(FrameRate=12.5, DurationMillis=36000)  # 450 frames
        for segment in response["Segments"]:  # SMPTE and milliseconds were made at 29.97
            for key in ("StartTimestampMillis", "EndTimestampMillis", "StartTimecodeSMPTE", "EndTimecodeSMPTE"):
                del segment[key]
        job = read_job(json.dumps(response))
        assert job.rate == Fraction(25, 2)
        assert [(s.first_frame, s.last_frame) for s in job.shots] == [(0, 299), (300, 449)]

    def test_unknown_cue_type_is_kept(self, no_warnings: None) -> None:
        response = developer_guide_response()
        response["Segments"][0]["TechnicalCueSegment"]["Type"] = "Recap"
        job = read_job(json.dumps(response))
        assert [cue.label for cue in job.cues] == ["Recap", "Content"]


def bad(mutate) -> str:  # type: ignore[no-untyped-def]
    response = developer_guide_response()
    pages = mutate(response)  # a mutation returns a list only when it makes several pages
    return json.dumps(pages if isinstance(pages, list) else response)


BAD_INPUTS = [
    pytest.param(
        '{"JobStatus": "SUCCEEDED",\n "Segments": [}',
        ResponseFormatError,
        r"job\.json: invalid JSON at line 2 column 15",
        id="malformed-json",
    ),
    pytest.param("", ResponseFormatError, "empty input", id="empty"),
    pytest.param("[1, 2]", ResponseFormatError, r"page 1: expected a JSON object.*got a number", id="array-of-numbers"),
    pytest.param('{"Hello": 1}', ResponseFormatError, "not a Rekognition Video response", id="wrong-shape"),
    pytest.param(
        '{"JobStatus": "SUCCEEDED", "Segments": [], "VideoMetadata": [{"FrameRate": NaN}]}',
        ResponseFormatError,
        "NaN is not a JSON number",
        id="nan",
    ),
    pytest.param(
        bad(lambda r: r.update(JobStatus="IN_PROGRESS", Segments=[])),
        JobStatusError,
        "JobStatus is IN_PROGRESS",
        id="in-progress",
    ),
    pytest.param(
        bad(lambda r: r.update(JobStatus="FAILED", StatusMessage="Unsupported codec.", Segments=[])),
        JobStatusError,
        "the job FAILED: Unsupported codec.",
        id="failed",
    ),
    pytest.param(
        bad(lambda r: r.pop("VideoMetadata") and None),
        ResponseFormatError,
        r"no VideoMetadata\[0\]\.FrameRate.*pass it as rate=",
        id="no-rate",
    ),
    pytest.param(
        bad(lambda r: r["VideoMetadata"][0].update(FrameRate=0)),
        ResponseFormatError,
        r"VideoMetadata\[0\]\.FrameRate: expected a frame rate from 1 to 240",
        id="rate-zero",
    ),
    pytest.param(
        bad(
            lambda r: (
                [s.pop(k) for s in r["Segments"] for k in ("StartFrameNumber", "EndFrameNumber")]
                and r["VideoMetadata"][0].update(FrameRate=12.5)
            )
        ),
        ResponseFormatError,
        r"12\.5 fps is not a SMPTE rate.*SMPTE timecodes cannot be trusted",
        id="unknown-rate-with-smpte",
    ),
    pytest.param(
        bad(lambda r: r.update(Segments={"a": 1})),
        ResponseFormatError,
        "field Segments: expected an array, got an object",
        id="segments-not-array",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][2].pop("Type")),
        ResponseFormatError,
        r"Segments\[2\] field Type: expected SHOT or TECHNICAL_CUE",
        id="no-type",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][2].update(StartFrameNumber=-1)),
        ResponseFormatError,
        r"Segments\[2\] field StartFrameNumber: expected a frame number from 0 to 2589409, got -1",
        id="negative",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][2].update(StartFrameNumber="0")),
        ResponseFormatError,
        r"field StartFrameNumber: expected a frame number",
        id="string-frame",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][3].update(EndFrameNumber=10)),
        ResponseFormatError,
        r"Segments\[3\]: ends before it starts",
        id="end-before-start",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][3].update(StartFrameNumber=200)),
        ResponseFormatError,
        "SHOT segments overlap",
        id="overlapping-shots",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][2]["ShotSegment"].update(Confidence=101)),
        ResponseFormatError,
        r"ShotSegment field Confidence: expected a number from 0 to 100",
        id="confidence",
    ),
    pytest.param(
        bad(lambda r: r["Segments"][0]["TechnicalCueSegment"].pop("Type")),
        ResponseFormatError,
        r"TechnicalCueSegment\.Type: expected a cue type",
        id="cue-without-type",
    ),
    pytest.param(
        bad(lambda r: [r, {**copy.deepcopy(r), "VideoMetadata": [{"FrameRate": 25.0}]}]),
        ResponseFormatError,
        "page 2 field VideoMetadata differs from page 1: the pages come from different jobs",
        id="two-jobs",
    ),
    pytest.param(
        bad(lambda r: [{**r, "JobId": "a"}, {**r, "JobId": "b"}]),
        ResponseFormatError,
        "page 2 field JobId differs",
        id="two-job-ids",
    ),
    pytest.param(
        bad(lambda r: [r, {**r, "JobStatus": "FAILED", "StatusMessage": "boom"}]),
        JobStatusError,
        "page 2: the job FAILED: boom",
        id="failed-page-among-succeeded",
    ),
    pytest.param(
        bad(
            lambda r: (
                [s.pop(k) for s in r["Segments"] for k in ("StartFrameNumber", "EndFrameNumber")]
                and r["Segments"][2].update(StartTimecodeSMPTE="00:01:00;00")
            )
        ),
        ResponseFormatError,
        r"StartTimecodeSMPTE: timecode '00:01:00;00' does not exist in drop frame",
        id="invalid-drop-frame",
    ),
]


@pytest.mark.parametrize(("text", "error", "message"), BAD_INPUTS)
def test_bad_input_gets_one_clear_line(text: str, error: type[RekognitionError], message: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RekognitionWarning)
        with pytest.raises(error, match=message) as raised:
            read_job(text, source="job.json")
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("job.json")
    assert isinstance(raised.value, ValueError)


def test_not_utf8() -> None:
    with pytest.raises(ResponseFormatError, match=r"job\.json: not UTF-8 text \(byte 1\)"):
        read_job(b"{\xff}", source="job.json")


def test_deeply_nested_json() -> None:
    with pytest.raises(ResponseFormatError, match=r"nested too deeply|expected a JSON object"):
        read_job("[" * 100000 + "]" * 100000, source="job.json")


def test_rate_argument_supplies_a_missing_frame_rate(no_warnings: None) -> None:
    response = developer_guide_response()
    del response["VideoMetadata"]
    job = read_job(json.dumps(response), rate=Fraction(30000, 1001))
    assert [(s.first_frame, s.last_frame) for s in job.shots] == [(0, 299), (300, 449)]
