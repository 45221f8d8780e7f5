"""Names that editing tools accept, derived the same way every run."""

from __future__ import annotations

import json
import re

import opentimelineio as otio
import pytest
from helpers import developer_guide_response, shot_clips
from hypothesis import given
from hypothesis import strategies as st

from otio_rekognition import names


@pytest.mark.parametrize(
    ("media", "reel"),
    [
        ("show_ep1.mov", "SHOWEP1"),
        ("A very long programme name.mxf", "AVERYLON"),
        ("ünïcode-only.mov", "NCODEONL"),  # letters outside A-Z are dropped
        ("---.mov", "AX"),
        (".hidden", "HIDDEN"),
    ],
)
def test_reel_names(media: str, reel: str) -> None:
    assert names.reel_name(media) == reel
    assert len(reel) <= names.REEL_LENGTH


def test_media_name_from_urls() -> None:
    assert names.media_name("s3://bucket/shows/ep%201.mov") == "ep 1.mov"
    assert names.media_name("/local/path/show.mov") == "show.mov"
    assert names.media_name("rekognition://abc") == "abc"


def test_safe_name_removes_control_characters() -> None:
    assert names.safe_name("Recap\nPart\t2\x00") == "Recap Part 2"


def test_job_without_identity_read_from_text() -> None:
    timeline = otio.adapters.read_from_string(json.dumps(developer_guide_response()), "rekognition")
    assert timeline.name == "Rekognition segments"
    assert shot_clips(timeline)[0].media_reference.target_url == "rekognition://job"


def test_unknown_cue_type_with_a_newline_is_a_safe_marker_name() -> None:
    response = developer_guide_response()
    response["Segments"][0]["TechnicalCueSegment"]["Type"] = "Future\nCue"
    timeline = otio.adapters.read_from_string(json.dumps(response), "rekognition")
    names_seen = [marker.name for clip in shot_clips(timeline) for marker in clip.markers]
    assert names_seen == ["Future Cue", "Content"]
    assert shot_clips(timeline)[0].markers[0].color == otio.schema.MarkerColor.WHITE


@given(
    bucket=st.from_regex(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", fullmatch=True),
    key=st.text(min_size=1, max_size=80).filter(lambda key: not key.startswith("/")),
)
def test_an_s3_url_written_reads_back_to_its_bucket_and_key(bucket: str, key: str) -> None:
    assert names.split_s3_url(names.s3_url(bucket, key)) == (bucket, key)


@pytest.mark.parametrize(
    ("url", "says"),
    [("s3://media/ep#1.mov", "%23"), ("s3://media/ep?1.mov", "%3F"), ("media/ep1.mov", "s3://"), ("s3:///k", "s3://")],
)
def test_an_s3_url_that_would_name_another_key_is_refused(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        names.split_s3_url(url)
