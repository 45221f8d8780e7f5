"""FCP7 XML (xmeml v5) export, checked with independent readers: Apple's DTD
(lxml), the samples' declared ground truth, the `timecode` package and OTIO's
stock fcp_xml reader."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import CUE_COLOURS, SAMPLE_NAMES, apple_dtd, sample, strict_xmeml_dtd
from lxml import etree
from timecode import Timecode

from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.otio_adapters.fcp7_xml import write_to_file, write_to_string

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n<xmeml version="5">'

# sample: (rate as the timecode package names it, timebase, ntsc, displayformat)
RATES = {
    "23976": ("23.976", "24", "TRUE", "NDF"),
    "24": ("24", "24", "FALSE", "NDF"),
    "25": ("25", "25", "FALSE", "NDF"),
    "2997df": ("29.97", "30", "TRUE", "DF"),
    "30": ("30", "30", "FALSE", "NDF"),
    "5994df": ("59.94", "60", "TRUE", "DF"),
}


@pytest.fixture(scope="module")
def dtd() -> etree.DTD:
    return apple_dtd("xmeml_v5.dtd")


def valid_document(text: str, dtd: etree.DTD) -> etree._Element:
    assert text.startswith(HEADER)
    document = etree.fromstring(text.encode("utf-8"))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    return document


def timecode_text(name: str, hours: int) -> str:
    separator = ";" if RATES[name][3] == "DF" else ":"
    return f"{hours:02d}:00:00{separator}00"


def tc_frame(name: str, text: str) -> int:
    return int(Timecode(RATES[name][0], text).frames) - 1


def span(element: etree._Element, first: str, end: str) -> list[int]:
    """[first, last] of an exclusive xmeml pair, the last inclusive as the ground truth counts."""
    return [int(element.findtext(first)), int(element.findtext(end)) - 1]


@pytest.mark.parametrize("with_start", [False, True], ids=["default-start", "start-10h"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_frame_exact(name: str, with_start: bool, cut_lists: dict, dtd: etree.DTD) -> None:
    _, timebase, ntsc, displayformat = RATES[name]
    truth = cut_lists[name]
    timeline = otio.adapters.read_from_file(str(sample(name)), cue_track=True)
    arguments = {"start_timecode": timecode_text(name, 10)} if with_start else {}
    sequence = valid_document(write_to_string(timeline, **arguments), dtd).find("sequence")

    start = timecode_text(name, 10 if with_start else 1)  # 01:00:00:00 is the default
    assert [sequence.findtext("rate/timebase"), sequence.findtext("rate/ntsc")] == [timebase, ntsc]
    assert sequence.findtext("timecode/string") == start
    assert int(sequence.findtext("timecode/frame")) == tc_frame(name, start)
    assert sequence.findtext("timecode/displayformat") == displayformat
    assert int(sequence.findtext("duration")) == truth["frame_count"]
    assert [sequence.findtext("media/video/format/samplecharacteristics/" + tag) for tag in ("width", "height")] == [
        "1920",
        "1080",
    ]

    shot_track, *cue_tracks = sequence.findall("media/video/track")
    shots = shot_track.findall("clipitem")
    assert len(shots) == len(truth["shots"])
    assert [span(item, "start", "end") for item in shots] == truth["shots"]
    assert [span(item, "in", "out") for item in shots] == truth["shots"]
    cue_items = [item for track in cue_tracks for item in track.findall("clipitem")]
    assert sorted([item.findtext("name"), *span(item, "start", "end")] for item in cue_items) == sorted(truth["cues"])
    assert sorted([item.findtext("name"), *span(item, "in", "out")] for item in cue_items) == sorted(truth["cues"])

    markers = sequence.findall("marker")
    assert len(markers) == len(truth["cues"])
    assert sorted([marker.findtext("name"), *span(marker, "in", "out")] for marker in markers) == sorted(truth["cues"])
    for marker in markers:
        cue, (first, last), comment = marker.findtext("name"), span(marker, "in", "out"), marker.findtext("comment")
        assert comment.startswith(f"{cue}, confidence ")
        assert f"colour {CUE_COLOURS[cue]}; {last - first + 1} frames" in comment


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_stock_reader_reads_back_cuts_markers_and_media_start(name: str, cut_lists: dict, dtd: etree.DTD) -> None:
    truth = cut_lists[name]
    source_start = timecode_text(name, 10)
    timeline = otio.adapters.read_from_file(str(sample(name)), source_timecode=source_start)
    text = write_to_string(timeline, start_timecode=timecode_text(name, 1))
    document = valid_document(text, dtd)

    # The media's start timecode is on the file, defined once and referred to by id.
    # (the picture's clipitems: each shot's sound has its own, tested below)
    files = document.findall("./sequence/media/video/track/clipitem/file")
    assert len(files) == len(truth["shots"])
    assert {file.get("id") for file in files} == {"file-1"}
    assert [len(file) > 0 for file in files] == [True] + [False] * (len(files) - 1)
    assert files[0].findtext("timecode/string") == source_start
    assert int(files[0].findtext("timecode/frame")) == tc_frame(name, source_start)
    assert files[0].findtext("timecode/displayformat") == RATES[name][3]
    assert int(files[0].findtext("duration")) == truth["frame_count"]
    # in/out stay relative to the media's first frame, whatever its timecode.
    pictures = document.findall("./sequence/media/video/track/clipitem")
    assert [span(item, "in", "out") for item in pictures] == truth["shots"]

    read = otio.adapters.read_from_string(text, "fcp_xml")
    rate = read.global_start_time.rate
    assert round(read.global_start_time.value) == tc_frame(name, timecode_text(name, 1))
    clips = list(read.tracks[0].find_clips(shallow_search=True))
    offset = tc_frame(name, source_start)
    source = [[round(c.source_range.start_time.value) - offset, round(c.source_range.duration.value)] for c in clips]
    assert [[first, first + length - 1] for first, length in source] == truth["shots"]
    record = [clip.range_in_parent() for clip in clips]
    assert [[round(r.start_time.value), round(r.end_time_exclusive().value) - 1] for r in record] == truth["shots"]
    markers = read.tracks.markers
    assert sorted(
        [m.name, round(m.marked_range.start_time.value), round(m.marked_range.end_time_exclusive().value) - 1]
        for m in markers
    ) == sorted(truth["cues"])
    assert all(m.marked_range.start_time.rate == rate for m in markers)
    assert all("confidence" in m.metadata["fcp_xml"]["comment"] for m in markers)


def test_real_job(real_job_file: Path, real_pages: list[Path], dtd: etree.DTD) -> None:
    segments = [segment for page in real_pages for segment in json.loads(page.read_text())["Segments"]]
    truth = sorted(
        {
            (tc_frame("25", s["StartTimecodeSMPTE"]), tc_frame("25", s["EndTimecodeSMPTE"]))
            for s in segments
            if s["Type"] == "SHOT"
        }
    )
    truth_lists = [list(shot) for shot in truth]
    timeline = otio.adapters.read_from_file(str(real_job_file))
    text = write_to_string(timeline, start_timecode="01:00:00:00")
    sequence = valid_document(text, dtd).find("sequence")

    assert sequence.findtext("timecode/string") == "01:00:00:00"
    assert int(sequence.findtext("timecode/frame")) == 90000
    items = sequence.findall("media/video/track/clipitem")
    assert len(items) == len(truth) == 1404
    assert [span(item, "start", "end") for item in items] == truth_lists
    assert [span(item, "in", "out") for item in items] == truth_lists
    assert sequence.findall("marker") == []
    assert [sequence.findtext("media/video/format/samplecharacteristics/" + tag) for tag in ("width", "height")] == [
        "854",
        "480",
    ]

    read = otio.adapters.read_from_string(text, "fcp_xml")
    ranges = [clip.range_in_parent() for clip in read.tracks[0].find_clips(shallow_search=True)]
    assert [[round(r.start_time.value), round(r.end_time_exclusive().value) - 1] for r in ranges] == truth_lists


def plain_timeline() -> otio.schema.Timeline:
    """Two media files, names with newlines and markup, no Rekognition metadata."""
    rate = 24.0

    def clip(name: str, url: str, first: int, length: int) -> otio.schema.Clip:
        media = otio.schema.ExternalReference(
            target_url=url,
            available_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(1000, rate)
            ),
        )
        return otio.schema.Clip(
            name=name,
            media_reference=media,
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(first, rate), otio.opentime.RationalTime(length, rate)
            ),
        )

    first = clip("Shot\nA", "/media/my clip.mov", 10, 20)
    first.markers.append(
        otio.schema.Marker(
            name="Note\nline two",
            marked_range=otio.opentime.TimeRange(otio.opentime.RationalTime(15, rate)),
            comment="check <this> & that\x07",
        )
    )
    track = otio.schema.Track(children=[first, clip("Shot <B> & C\r\n", "s3://bucket/other.mov", 0, 5)])
    return otio.schema.Timeline(name="Edit\n1", tracks=[track])


def test_unsafe_names_two_media_and_no_frame_size(dtd: etree.DTD) -> None:
    text = write_to_string(plain_timeline())
    document = valid_document(text, dtd)

    texts = [element.text or "" for element in document.iter("name", "comment", "pathurl")]
    assert not any(character in text for text in texts for character in "\n\r\x07")
    items = document.findall(".//clipitem")
    assert [item.findtext("name") for item in items] == ["Shot A", "Shot <B> & C"]
    assert [[int(item.findtext(tag)) for tag in ("start", "end", "in", "out")] for item in items] == [
        [0, 20, 10, 30],
        [20, 25, 0, 5],
    ]
    files = [item.find("file") for item in items]
    assert [file.get("id") for file in files] == ["file-1", "file-2"]
    assert [file.findtext("pathurl") for file in files] == ["file:///media/my%20clip.mov", "s3://bucket/other.mov"]
    assert [file.findtext("name") for file in files] == ["my clip.mov", "other.mov"]
    assert document.find(".//width") is None and document.find(".//height") is None
    (marker,) = document.findall("sequence/marker")
    assert [marker.findtext("name"), marker.findtext("in"), marker.findtext("out")] == ["Note line two", "5", "6"]
    assert marker.findtext("comment") == "check <this> & that; colour RED; 1 frame"

    read = otio.adapters.read_from_string(text, "fcp_xml")
    assert read.name == "Edit 1"
    assert [clip.name for clip in read.find_clips()] == ["Shot A", "Shot <B> & C"]


def test_arguments(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")))
    unknown = r"^unknown rekognition_fcp7_xml adapter argument 'rate'; accepted: start_timecode, timecode$"
    with pytest.raises(AdapterArgumentError, match=unknown):
        write_to_string(timeline, rate=25)
    with pytest.raises(AdapterArgumentError, match=r"^argument start_timecode: expected a timecode"):
        write_to_string(timeline, start_timecode="1h")
    with pytest.raises(AdapterArgumentError, match=r"^argument start_timecode: .* 25 fps has no drop frame"):
        write_to_string(timeline, start_timecode="01:00:00;00")
    output = tmp_path / "cuts.xml"
    write_to_file(timeline, str(output), start_timecode="00:59:50:00")
    assert output.read_text(encoding="utf-8") == write_to_string(timeline, start_timecode="00:59:50:00")
    assert "<string>00:59:50:00</string>" in output.read_text(encoding="utf-8")


# Premiere's marker colours as its own XML export writes <pproColor> (ABGR integers).
PREMIERE_COLOURS = {"Green": 4281828977, "Red": 4281740498, "Rose": 4289825711, "Orange": 4280578025,
                    "Yellow": 4281049552, "White": 4294967295, "Blue": 4294741314, "Cyan": 4292277273}  # fmt: skip
# What each OTIO colour shows as in Premiere's eight.
SHOWN_IN_PREMIERE = {"RED": "Red", "PINK": "Rose", "ORANGE": "Orange", "YELLOW": "Yellow", "GREEN": "Green",
                     "CYAN": "Cyan", "BLUE": "Blue", "PURPLE": "Rose", "MAGENTA": "Rose", "BLACK": "White",
                     "WHITE": "White"}  # fmt: skip


def test_premiere_reads_each_marker_colour(tmp_path: Path) -> None:
    """Each marker's <pproColor> is the value Premiere writes for the colour
    nearest the cue's; without it the file is valid xmeml v5 as Apple wrote it."""
    timeline = otio.adapters.read_from_file(str(sample("25")), shot_markers=True)
    document = etree.fromstring(write_to_string(timeline).encode())
    markers = document.findall("./sequence/marker")
    colours = {
        marker.findtext("name"): marker.findtext("comment").split("colour ")[1].split(";")[0] for marker in markers
    }
    assert set(colours.values()) >= {"MAGENTA", "YELLOW", "BLACK", "CYAN", "BLUE", "RED", "GREEN", "PINK"}
    for marker in markers:
        shown = SHOWN_IN_PREMIERE[colours[marker.findtext("name")]]
        assert int(marker.findtext("pproColor")) == PREMIERE_COLOURS[shown]
        marker.remove(marker.find("pproColor"))
    assert strict_xmeml_dtd().validate(document), strict_xmeml_dtd().error_log
    read = otio.adapters.read_from_string(etree.tostring(document, encoding="unicode"), "fcp_xml")
    assert len(read.tracks.markers) == len(markers)
