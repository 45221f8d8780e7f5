"""The other Rekognition Video analyses (issue 12): labels (both AggregateBy
modes), content moderation (both, and the older shape), celebrities, faces,
face search and text, read with the segment job of the same video and found
as markers in every export, each read back by an independent reader
(pycmx and the ``timecode`` package, Apple's DTDs with exact rational time,
OTIO's stock FCP7 reader, pyaaf2, ffmpeg through PyAV, the csv module) and
compared with the ground truth the sample generator declared."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import aaf2
import av
import opentimelineio as otio
import pycmx
import pytest
from helpers import (
    SAMPLES,
    TC_RATES,
    anchored_at,
    apple_dtd,
    frame_duration,
    frames,
    is_detection,
    one_per_frame,
    sample,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from strategies import scaled
from timecode import Timecode

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.cli import main
from otio_rekognition.errors import DifferentVideoError, IncompleteJobError, ResponseFormatError
from otio_rekognition.rekognition.pages import read_jobs
from otio_rekognition.timeline.cutlist import job_cut_list
from otio_rekognition.timeline.layout import lay_out

NAMES = ("25", "2997df")
RATES = {"25": Fraction(25), "2997df": Fraction(30000, 1001)}
TRUTH = json.loads((SAMPLES / "analysis_truth.json").read_text())
# Each sample file and the analysis it holds.
SAMPLE_FILES = {
    "labels": "labels", "labels_segments": "labels", "moderation": "moderation",
    "moderation_segments": "moderation", "celebrities": "celebrities", "faces": "faces",
    "face_search": "face-search", "text": "text",
}  # fmt: skip
Marker = tuple[str, int, int]


def analysis_file(stem: str, name: str) -> Path:
    return SAMPLES / f"synthetic_{stem}_{name}.json"


def every_input(name: str) -> list[str]:
    return [str(sample(name)), *(str(analysis_file(stem, name)) for stem in SAMPLE_FILES)]


def detections(
    name: str, stems: tuple[str, ...] = tuple(SAMPLE_FILES), text_types: tuple[str, ...] = ("LINE",)
) -> Counter[Marker]:
    """The declared appearances of those sample files, one marker each."""
    found: Counter[Marker] = Counter()
    for stem in stems:
        for label, first, last, _, text_type in TRUTH[name][SAMPLE_FILES[stem]]:
            if text_type is None or text_type in text_types:
                found[(label, first, last)] += 1
    return found


def cues(name: str, cut_lists: dict) -> Counter[Marker]:
    return Counter((cue, first, last) for cue, first, last in cut_lists[name]["cues"])


def convert(tmp_path: Path, suffix: str, inputs: list[str], *flags: str) -> Path:
    output = tmp_path / f"out{suffix}"
    assert main(["convert", *inputs, "-o", str(output), *flags]) == 0
    return output


def record_start(name: str) -> int:
    return Timecode(TC_RATES[name], "01:00:00;00" if name.endswith("df") else "01:00:00:00").frames - 1


def tc_frame(name: str, timecode: str) -> int:
    return Timecode(TC_RATES[name], timecode).frames - 1


def video_markers(timeline: otio.schema.Timeline) -> list[otio.schema.Marker]:
    """The markers on the one clip a job without segments gets."""
    [clip] = timeline.tracks[0].find_clips(shallow_search=True)
    return list(clip.markers)


# ---------------------------------------------------------------------------
# Reading: each shape alone, against its truth.


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("stem", list(SAMPLE_FILES))
def test_each_shape_alone_gives_a_marker_per_appearance(stem: str, name: str) -> None:
    timeline = otio.adapters.read_from_file(str(analysis_file(stem, name)))
    # No segment job: one clip spanning the video carries every marker.
    [clip] = timeline.tracks[0].find_clips(shallow_search=True)
    assert round(clip.source_range.duration.value) == 660 * round(RATES[name])
    markers = [marker for marker in clip.markers if is_detection(marker)]
    assert len(markers) == len(clip.markers)
    found = Counter(
        (m.name, round(m.marked_range.start_time.value), round(m.marked_range.end_time_exclusive().value) - 1)
        for m in markers
    )
    assert found == detections(name, (stem,))
    confidences = {(label, first): confidence for label, first, _, confidence, _ in TRUTH[name][SAMPLE_FILES[stem]]}
    for marker in markers:
        values = marker.metadata["rekognition"]
        assert values["kind"] == SAMPLE_FILES[stem]
        assert values["confidence"] == confidences[(marker.name, values["first_frame"])]
        # Milliseconds snapped to frames: said in the metadata and the comment.
        assert values["approximate"] is True and marker.comment.endswith("approximate time")
        assert len(json.loads(values["items"])) >= 1


@pytest.mark.parametrize("name", NAMES)
def test_point_detections_join_into_one_marker_per_appearance(name: str) -> None:
    job = read_jobs([(str(path), path.read_bytes()) for path in [analysis_file("celebrities", name)]])
    [analysed] = job.analyses
    # 51 samples of Jane Example 200 ms apart, 6 of John Sample: two markers.
    markers = video_markers(otio.adapters.read_from_file(str(analysis_file("celebrities", name))))
    counts = {m.name: len(json.loads(m.metadata["rekognition"]["items"])) for m in markers}
    assert sum(counts.values()) == len(analysed.detections)
    assert counts["Jane Example"] > 40 and counts["John Sample"] > 4
    assert "detections" in markers[0].comment
    # With no window every sample is its own marker.
    apart = otio.adapters.read_from_file(str(analysis_file("celebrities", name)), merge_window=0)
    assert len(video_markers(apart)) == len(analysed.detections)


def test_labels_and_moderation_segments_keep_their_ranges() -> None:
    for stem in ("labels_segments", "moderation_segments"):
        markers = video_markers(otio.adapters.read_from_file(str(analysis_file(stem, "2997df")), merge_window=3600))
        # Ranges Rekognition gave are never joined, whatever the window.
        assert len(markers) == len(TRUTH["2997df"][SAMPLE_FILES[stem]])
        assert all(len(json.loads(m.metadata["rekognition"]["items"])) == 1 for m in markers)


def test_moderation_labels_know_their_top_level_category() -> None:
    timeline = otio.adapters.read_from_file(str(analysis_file("moderation", "25")))
    markers = {m.name: m for m in video_markers(timeline)}
    child = markers["Female Swimwear Or Underwear"]
    assert list(child.metadata["rekognition"]["categories"]) == ["Suggestive"]
    assert "parent Suggestive" in child.comment
    assert list(markers["Violence"].metadata["rekognition"]["categories"]) == ["Violence"]


# ---------------------------------------------------------------------------
# Every export, read back independently.


@pytest.mark.parametrize("name", NAMES)
def test_edl_locators(name: str, cut_lists: dict, tmp_path: Path) -> None:
    text = convert(tmp_path, ".edl", every_input(name)).read_text()
    edl = pycmx.parse_cmx3600(io.StringIO(text))
    assert len(list(edl.events)) > 0
    loc = re.compile(r"^\* LOC: (\S+) +(\w+) +(.+?) \|D:(\d+)(?: (.*))?$")
    found: Counter[Marker] = Counter()
    for line in text.splitlines():
        if line.startswith("* LOC:"):
            timecode, _, label, length, details = loc.match(line).groups()
            first = tc_frame(name, timecode) - record_start(name)
            found[(label, first, first + int(length) - 1)] += 1
            assert details
    assert found == by_frame(cues(name, cut_lists) + detections(name))


@pytest.mark.parametrize("name", NAMES)
def test_resolve_marker_edl(name: str, cut_lists: dict, tmp_path: Path) -> None:
    text = convert(tmp_path, ".edl", every_input(name), "--edl-flavor", "resolve-markers").read_text()
    events = list(pycmx.parse_cmx3600(io.StringIO(text)).events)
    lines = text.splitlines()
    found: Counter[tuple[str, int]] = Counter()
    for number, line in enumerate(lines):
        if re.match(r"^\d{3} ", line):  # an event; its note line follows: |M:name + name |D:frames
            first = tc_frame(name, line.split()[6]) - record_start(name)
            for label in re.search(r"\|M:(.+?) \|D:", lines[number + 1]).group(1).split(" + "):
                found[(label, first)] += 1
    assert len(events) == len({first for _, first in found})
    expected = Counter((label, first) for label, first, _ in (cues(name, cut_lists) + detections(name)).elements())
    assert found == expected


@pytest.mark.parametrize("name", NAMES)
def test_fcpxml_markers_and_label_keywords(name: str, cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, ".fcpxml", every_input(name), "--fcpxml-keywords")
    doc = etree.parse(str(path)).getroot()
    dtd = apple_dtd(f"FCPXMLv{doc.get('version').replace('.', '_')}.dtd")
    assert dtd.validate(doc), dtd.error_log
    frame = frame_duration(doc)
    start = record_start(name)

    def spans(tag: str) -> Counter[Marker]:
        found: Counter[Marker] = Counter()
        for element in doc.iter(tag):
            first = anchored_at(element, frame) - start
            found[(element.get("value"), first, first + frames(element.get("duration"), frame) - 1)] += 1
        return found

    assert spans("marker") == cues(name, cut_lists) + detections(name)
    label_markers = detections(name, ("labels", "labels_segments"))
    assert spans("keyword") == cues(name, cut_lists) + label_markers
    notes = [marker.get("note") for marker in doc.iter("marker") if marker.get("value") == "Car"]
    assert notes and all(note.startswith("Label, confidence ") and "parents Vehicle / Transportation" in note
                         for note in notes)  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_fcp7_xml_through_otios_own_reader(name: str, cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, ".xml", every_input(name))
    assert apple_dtd("xmeml_v5.dtd").validate(etree.parse(str(path)))
    read = otio.adapters.read_from_file(str(path), "fcp_xml")
    found = Counter(
        (m.name, round(m.marked_range.start_time.value), round(m.marked_range.end_time_exclusive().value) - 1)
        for m in read.tracks.markers
    )
    assert found == cues(name, cut_lists) + detections(name)


def by_frame(markers: Counter[Marker]) -> Counter[Marker]:
    """The markers as Avid's locators get them: one per frame (see helpers.one_per_frame)."""
    every = [list(marker) for marker, count in markers.items() for _ in range(count)]
    return Counter((name, first, last) for name, first, last in one_per_frame(every))


def names_in(comment: str) -> str:
    """The names an Avid locator's text gives (``Car + Person`` of ``Car, Label, ...; Person, Label, ...``)."""
    return " + ".join(dict.fromkeys(part.split(", ")[0] for part in comment.split("; ")))


@pytest.mark.parametrize("name", NAMES)
def test_aaf_locators(name: str, cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, ".aaf", every_input(name))
    found: Counter[Marker] = Counter()
    with aaf2.open(str(path), "r") as aaf:
        [mob] = list(aaf.content.compositionmobs())
        for slot in mob.slots:
            if isinstance(slot, aaf2.mobslots.EventMobSlot):
                for marker in slot.segment.components:
                    label = names_in(marker["Comment"].value)
                    first = marker["Position"].value
                    found[(label, first, first + marker["Length"].value - 1)] += 1
    assert found == by_frame(cues(name, cut_lists) + detections(name))


@pytest.mark.parametrize("name", NAMES)
def test_avid_marker_list(name: str, cut_lists: dict, tmp_path: Path) -> None:
    found: Counter[Marker] = Counter()
    confidences = {(label, first): confidence for analysis in SAMPLE_FILES.values()
                   for label, first, _, confidence, _ in TRUTH[name][analysis]}  # fmt: skip
    for line in convert(tmp_path, ".txt", every_input(name)).read_text().splitlines():
        _, timecode, _, colour, comment, length = line.split("\t")
        assert colour in ("magenta", "yellow", "black", "cyan", "blue", "red", "green", "white")
        first = tc_frame(name, timecode) - record_start(name)
        found[(names_in(comment), first, first + int(length) - 1)] += 1
        for part in comment.split("; "):
            label = part.split(", ")[0]
            if (label, first) in confidences:  # a detection: its confidence (a face match's similarity) as declared
                assert re.search(rf"(?:confidence|similarity) {confidences[(label, first)]:.2f}%", part), part
    assert found == by_frame(cues(name, cut_lists) + detections(name))


@pytest.mark.parametrize("name", NAMES)
def test_csv(name: str, cut_lists: dict, tmp_path: Path) -> None:
    text = convert(tmp_path, ".csv", every_input(name)).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    found = Counter(
        (row["name"], int(row["first_frame"]), int(row["last_frame"])) for row in rows if row["type"] != "shot"
    )
    assert found == cues(name, cut_lists) + detections(name)
    kinds = Counter(row["type"] for row in rows)
    assert kinds["labels"] == sum(detections(name, ("labels", "labels_segments")).values())
    assert all(row["details"].endswith("approximate time") for row in rows if row["type"] not in ("shot", "cue"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
def test_timed_text_read_by_ffmpeg(name: str, suffix: str, cut_lists: dict, tmp_path: Path) -> None:
    path = convert(tmp_path, suffix, every_input(name))
    rate = RATES[name]
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        packets = [(p.pts, p.duration) for p in container.demux(stream) if p.pts is not None]
        base = stream.time_base
    got = {(math.floor(pts * base * rate), math.floor((pts + duration) * base * rate) - 1) for pts, duration in packets}
    expected = cues(name, cut_lists) + detections(name)
    # ffmpeg reads two cues of the same time and text as one (the Dog of both label jobs): count the file's own.
    assert got == {(first, last) for _, first, last in expected}
    assert path.read_text().count(" --> ") == sum(expected.values())


# ---------------------------------------------------------------------------
# Filters, tracks, mismatched videos, round trips.


def csv_markers(path: Path) -> Counter[Marker]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return Counter(
        (r["name"], int(r["first_frame"]), int(r["last_frame"])) for r in rows if r["type"] not in ("shot", "cue")
    )


# What each filter keeps of the truth: (analysis, name, confidence, text type) -> kept.
TOP_LEVEL = {"Female Swimwear Or Underwear": "Suggestive", "Physical Violence": "Violence"}
FILTERS = {
    "none": ((), lambda analysis, label, confidence, text_type: text_type != "WORD"),
    "min-confidence": (("--min-confidence", "90"), lambda a, label, confidence, t: confidence >= 90 and t != "WORD"),
    # A label's parents count: Car has the parent Vehicle.
    "labels": (("--labels", "vehicle"), lambda a, label, c, t: label in ("Car", "Vehicle")),
    "exclude": (("--exclude-labels", "Vehicle,Person 1"),
                lambda a, label, c, t: label not in ("Car", "Vehicle", "Person 1") and t != "WORD"),
    "label-categories": (("--label-categories", "Animals and Pets"),
                         lambda analysis, label, c, t: (analysis != "labels" or label == "Dog") and t != "WORD"),
    "moderation-categories": (("--moderation-categories", "violence"),
                              lambda analysis, label, c, t: (analysis != "moderation"
                                                             or TOP_LEVEL.get(label, label) == "Violence")
                              and t != "WORD"),
    "words-too": (("--text-types", "LINE,WORD"), lambda analysis, label, confidence, text_type: True),
    "words-only": (("--text-types", "word"), lambda analysis, label, confidence, text_type: text_type != "LINE"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(FILTERS))
def test_filters_drop_what_they_should(case: str, tmp_path: Path) -> None:
    flags, kept = FILTERS[case]
    found = csv_markers(convert(tmp_path, ".csv", every_input("25"), *flags))
    expected: Counter[Marker] = Counter()
    for analysis in SAMPLE_FILES.values():
        for label, first, last, confidence, text_type in TRUTH["25"][analysis]:
            if kept(analysis, label, confidence, text_type):
                expected[(label, first, last)] += 1
    assert found == expected


def test_analysis_tracks(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(analysis_file("labels", "25")), analysis_tracks=True)
    names = [track.name for track in timeline.tracks]
    assert names[0] == "Shots" and names[1:] == ["Rekognition labels", "Rekognition labels 2", "Rekognition labels 3"]
    clips = Counter(
        (clip.name, round(clip.source_range.start_time.value), round(clip.source_range.end_time_exclusive().value) - 1)
        for track in timeline.tracks[1:]
        for clip in track.find_clips(shallow_search=True)
    )
    assert clips == detections("25", ("labels",))
    # The FCPXML carries them as connected clips in lanes.
    path = convert(tmp_path, ".fcpxml", [str(sample("25")), str(analysis_file("labels", "25"))], "--analysis-tracks")
    doc = etree.parse(str(path)).getroot()
    assert apple_dtd("FCPXMLv1_10.dtd").validate(doc)
    connected = [clip.get("name") for clip in doc.iter("asset-clip") if clip.get("lane")]
    assert Counter(connected) == Counter(label for label, _, _ in detections("25", ("labels",)).elements())


@pytest.mark.parametrize(
    ("other", "said"),
    [
        ("rate", "it is 30000/1001 fps, the job's video 25 fps"),
        ("s3", "it analysed s3://example-bucket/synthetic/other.mov"),
        ("duration", "frames"),
        ("size", "1280x720"),
    ],
)
def test_jobs_of_another_video_are_refused(other: str, said: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    document = json.loads(analysis_file("celebrities", "25").read_text())
    if other == "rate":
        document["VideoMetadata"]["FrameRate"] = 29.970029830932617
    elif other == "s3":
        document["Video"]["S3Object"]["Name"] = "synthetic/other.mov"
    elif other == "duration":
        document["VideoMetadata"]["DurationMillis"] += 5000
    else:
        document["VideoMetadata"].update(FrameWidth=1280, FrameHeight=720)
    labels = tmp_path / "other.json"
    labels.write_text(json.dumps(document))
    output = tmp_path / "out.fcpxml"
    assert main(["convert", str(sample("25")), str(labels), "-o", str(output)]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"otio-rekognition: error: {labels}: not the video {sample('25')} analysed")
    assert said in line and not output.exists()
    with pytest.raises(DifferentVideoError):
        read_jobs([(str(sample("25")), sample("25").read_bytes()), (str(labels), labels.read_bytes())])


def test_older_moderation_job_matches_by_rate_size_and_length(tmp_path: Path) -> None:
    older = json.loads(analysis_file("moderation", "25").read_text())
    assert "Video" not in older and "JobId" not in older
    found = csv_markers(convert(tmp_path, ".csv", [str(sample("25")), str(analysis_file("moderation", "25"))]))
    assert found == detections("25", ("moderation",))


def test_round_trip_through_json_and_otio(tmp_path: Path) -> None:
    inputs = every_input("2997df")
    written = convert(tmp_path, ".json", inputs)
    responses = json.loads(written.read_text())
    # The segment job, then one response per analysis job, every detection as Rekognition wrote it.
    assert [next(iter(k for k in r if k in ("Segments", "Labels", "ModerationLabels", "Celebrities", "Faces",
                                            "Persons", "TextDetections"))) for r in responses] == [
        "Segments", "Labels", "Labels", "ModerationLabels", "ModerationLabels", "Celebrities", "Faces", "Persons",
        "TextDetections"]  # fmt: skip
    original_labels = [
        item for page in json.loads(analysis_file("labels", "2997df").read_text()) for item in page["Labels"]
    ]
    assert responses[1]["Labels"] == original_labels
    again = csv_markers(convert(tmp_path, ".csv", [str(written)]))
    assert again == detections("2997df")
    otio_file = convert(tmp_path, ".otio", inputs)
    through_otio = tmp_path / "again.json"
    assert main(["convert", str(otio_file), "-o", str(through_otio)]) == 0
    assert json.loads(through_otio.read_text()) == responses


def test_an_analysis_alone_exports_every_marker(tmp_path: Path) -> None:
    text = convert(tmp_path, ".edl", [str(analysis_file("text", "25"))]).read_text()
    edl = pycmx.parse_cmx3600(io.StringIO(text))
    assert len(list(edl.events)) == 1
    assert sum(line.startswith("* LOC:") for line in text.splitlines()) == sum(detections("25", ("text",)).values())


# ---------------------------------------------------------------------------
# Properties: snapping milliseconds to frames, and joining samples.

SMPTE_RATES = {"23.976": Fraction(24000, 1001), "25": Fraction(25), "29.97": Fraction(30000, 1001),
               "30": Fraction(30), "59.94": Fraction(60000, 1001)}  # fmt: skip


@settings(max_examples=scaled(300), deadline=None)
@given(
    rate_name=st.sampled_from(list(SMPTE_RATES)),
    frame=st.integers(min_value=0, max_value=6 * 3600 * 60),
    early=st.integers(min_value=0, max_value=1),
)
def test_a_timestamp_lands_on_its_frame(rate_name: str, frame: int, early: int) -> None:
    """A detection at the start of a frame (as Rekognition writes it: milliseconds rounded down, now and then one
    more millisecond early) is marked on that frame, and its timecode is the timecode package's."""
    rate = SMPTE_RATES[rate_name]
    millis = max(math.floor(Fraction(frame * 1000) / rate) - early, 0)
    response = {"VideoMetadata": {"FrameRate": float(rate)}, "Labels": [{"Timestamp": millis, "Label": {"Name": "A"}}]}
    job = read_jobs([("p.json", json.dumps(response))])
    [detection] = job.analyses[0].detections
    assert detection.first_frame == detection.last_frame == frame
    assert detection.approximate
    drop_frame = rate_name in ("29.97", "59.94")  # counted drop frame, as Rekognition counts
    cuts = job_cut_list(job, ReadOptions(start_timecode="00:00:00;00" if drop_frame else "00:00:00:00"))
    [locator] = cuts.locators
    assert cuts.timecode(cuts.record_start + locator.record_first) == str(Timecode(rate_name, frames=frame + 1))


@settings(max_examples=scaled(300), deadline=None)
@given(
    moments=st.lists(
        st.tuples(st.sampled_from(["Car", "Dog", "Tree"]), st.integers(min_value=0, max_value=60_000)),
        min_size=1,
        max_size=60,
    ),
    window=st.integers(min_value=0, max_value=5000),
)
def test_joined_samples_keep_every_detection_once(moments: list[tuple[str, int]], window: int) -> None:
    """Every sample is in exactly one appearance; samples of a name closer than the window share one; appearances
    of a name are further apart than the window."""
    items = [{"Timestamp": millis, "Label": {"Name": name, "Confidence": 90.0}} for name, millis in moments]
    job = read_jobs([("p.json", json.dumps({"VideoMetadata": {"FrameRate": 25.0}, "Labels": items}))])
    layout = lay_out(job, ReadOptions(merge_window=window / 1000))
    [laid] = layout.analyses
    appearances = laid.appearances
    counted = Counter(json.dumps(json.loads(item), sort_keys=True) for found in appearances for item in found.items)
    read = job.analyses[0].detections  # a sample given twice (same name, same moment) is one
    assert counted == Counter(json.dumps(json.loads(found.items[0]), sort_keys=True) for found in read)
    for name in {name for name, _ in moments}:
        spans = sorted(found.millis for found in appearances if found.name == name)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start - end > window
        for found in appearances:
            if found.name == name:
                inside = {m for n, m in moments if n == name and found.millis[0] <= m <= found.millis[1]}
                assert len(inside) == len(found.items)


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ({"Label": {"Name": "Car", "Parents": "x"}}, "Labels[0] field Timestamp"),
        ({"Label": {"Name": "Car", "Categories": 3}}, "Labels[0] field Timestamp"),
        ({"Timestamp": 0, "Label": {"Name": 7, "Parents": "x"}}, "Labels[0] Label field Name"),
        ({"Timestamp": 0, "Label": {"Name": "Car", "Parents": "x"}}, "Labels[0] Label field Parents"),
    ],
)
def test_an_item_with_several_faults_names_them_in_reading_order(item: dict, says: str) -> None:
    """Name and confidence, then the item's time, then what else its object says."""
    page = {"VideoMetadata": {"FrameRate": 25.0}, "Labels": [item]}
    with pytest.raises(ResponseFormatError, match=re.escape(says)):
        read_jobs([("p.json", json.dumps(page))])


def test_an_incomplete_job_is_said_before_what_runs_past_its_end() -> None:
    page = {"VideoMetadata": {"FrameRate": 25.0, "DurationMillis": 1000}, "NextToken": "more",
            "Labels": [{"Timestamp": 5000, "Label": {"Name": "Car"}}]}  # fmt: skip
    with pytest.raises(IncompleteJobError, match="incomplete job"):
        read_jobs([("p.json", json.dumps(page))], strict=True)


@pytest.mark.parametrize("first_step", [480, 520])
@pytest.mark.parametrize("steps", [100, 101])
def test_one_missed_sample_never_splits_an_appearance(first_step: int, steps: int) -> None:
    """A real 25 fps job steps 480 and 520 ms in turn: one missed sample (a step of 1,000 ms)
    keeps the appearance whole, whichever step the median lands on; two missed samples split it."""
    other = 1000 - first_step
    moments, at = [], 0
    for number in range(steps):
        moments.append(at)
        at += first_step if number % 2 == 0 else other
    kept = [moment for index, moment in enumerate(moments) if index != 40]  # one sample missed
    items = [{"Timestamp": moment, "Label": {"Name": "Car", "Confidence": 90.0}} for moment in kept]
    items += [{"Timestamp": moment, "Label": {"Name": "Sky", "Confidence": 90.0}} for moment in moments]
    job = read_jobs([("p.json", json.dumps({"VideoMetadata": {"FrameRate": 25.0}, "Labels": items}))])
    [laid] = lay_out(job, ReadOptions()).analyses
    assert [found.name for found in laid.appearances] == ["Car", "Sky"]
    twice = [moment for index, moment in enumerate(moments) if index not in (40, 41)]
    items = [{"Timestamp": moment, "Label": {"Name": "Car", "Confidence": 90.0}} for moment in twice]
    items += [{"Timestamp": moment, "Label": {"Name": "Sky", "Confidence": 90.0}} for moment in moments]
    job = read_jobs([("p.json", json.dumps({"VideoMetadata": {"FrameRate": 25.0}, "Labels": items}))])
    [laid] = lay_out(job, ReadOptions()).analyses
    assert sorted(found.name for found in laid.appearances) == ["Car", "Car", "Sky"]


def _label_job(*items: str, indent: int | None = None) -> str:
    """A labels job whose Labels are the given item texts, written as they are."""
    page = json.dumps({"VideoMetadata": {"FrameRate": 25.0, "DurationMillis": 10_000}}, indent=indent)
    return page[:-1].rstrip() + ', "Labels": [' + ", ".join(items) + "]}"


def test_an_item_is_kept_as_rekognition_wrote_it() -> None:
    """The metadata's record of a detection is its own text (non-ASCII and number spellings kept), on one line."""
    written = '{"Timestamp": 40, "Label": {"Name": "Café", "Confidence": 9.50e1, "Parents": []}}'
    spread = '{\n    "Timestamp": 80,\n    "Label": {\n        "Name": "Café",\n        "Confidence": 90\n    }\n}'
    [job] = read_jobs([("p.json", _label_job(written, spread, indent=4))]).analyses
    assert [d.items for d in job.detections] == [
        (written,),
        ('{"Timestamp": 80, "Label": {"Name": "Café", "Confidence": 90}}',),
    ]
    assert [json.loads(d.items[0])["Label"]["Confidence"] for d in job.detections] == [95.0, 90]


def test_a_page_saved_twice_in_another_layout_is_read_once() -> None:
    """Duplicates are the same values, whatever the spacing, key order or number spelling."""
    item = {"Timestamp": 40, "Label": {"Name": "Car", "Confidence": 90}}
    again = '{"Label": {"Confidence": 90.0, "Name": "Car"},\n "Timestamp": 40}'
    [job] = read_jobs([("p.json", _label_job(json.dumps(item), again))]).analyses
    assert len(job.detections) == 1 and job.duplicates_dropped == 1


@pytest.mark.parametrize(("depth", "reads"), [(1, True), (58, True), (64, False)])
def test_nesting_inside_an_item_is_bounded_however_many_brackets(depth: int, reads: bool) -> None:
    """Brackets are counted to spare the walk: 200 side by side read, nesting past the limit does not."""
    wide = ", ".join(["[]"] * 200)
    deep = "[" * depth + "]" * depth
    item = '{"Timestamp": 40, "Label": {"Name": "Car", "Wide": [' + wide + '], "Deep": ' + deep + "}}"
    text = _label_job(item)
    if reads:
        [job] = read_jobs([("p.json", text)]).analyses
        assert job.detections[0].items == (item,)
    else:
        with pytest.raises(ResponseFormatError, match="nested more than 64 levels deep"):
            read_jobs([("p.json", text)])
