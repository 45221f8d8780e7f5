"""Every timecode convention editors work in: drop frame or not at 29.97 and
59.94, the media's own start timecode, 01:00:00:00 by default. Every export is
read back with an independent reader and its timecodes counted by the
`timecode` package (``force_non_drop_frame`` for non-drop)."""

from __future__ import annotations

import io
import json
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import aaf2
import opentimelineio as otio
import pycmx
import pytest
from helpers import SAMPLES, apple_dtd, picture_events, sample
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from timecode import Timecode

from otio_rekognition import frames
from otio_rekognition.arguments import ReadOptions
from otio_rekognition.cli import main
from otio_rekognition.errors import AdapterArgumentError, RekognitionWarning
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.timeline.cutlist import job_cut_list

NTSC = {"2997df": (Fraction(30000, 1001), "29.97"), "5994df": (Fraction(60000, 1001), "59.94")}
DAY = {rate: frames.frames_in_a_day(rate) for rate, _ in NTSC.values()}


def counted(tc_rate: str, text: str, drop_frame: bool) -> int:
    """The independent count: the `timecode` package's frame of ``text``, from 0."""
    return Timecode(tc_rate, text, force_non_drop_frame=not drop_frame).frames - 1


def written(tc_rate: str, frame: int, drop_frame: bool) -> str:
    return str(Timecode(tc_rate, frames=frame + 1, force_non_drop_frame=not drop_frame))


def tape_timecode_of(aaf: aaf2.file.AAFFile) -> aaf2.components.Timecode:
    """The media's start timecode: the Timecode of its tape SourceMob."""
    tapes = [mob for mob in aaf.content.sourcemobs() if isinstance(mob.descriptor, aaf2.essence.TapeDescriptor)]
    [timecode] = [slot.segment for slot in tapes[0].slots if isinstance(slot.segment, aaf2.components.Timecode)]
    return timecode


# -- frame maths ------------------------------------------------------------


@given(st.sampled_from(sorted(NTSC)), st.booleans(), st.integers(min_value=0, max_value=24 * 3600 * 60 - 1))
def test_both_counts_agree_with_the_timecode_package(name: str, drop_frame: bool, frame: int) -> None:
    rate, tc_rate = NTSC[name]
    frame %= DAY[rate]
    text = frames.frame_to_timecode(frame, rate, drop_frame)
    assert text == written(tc_rate, frame, drop_frame)
    assert frames.timecode_to_frame(text, rate, drop_frame) == frame == counted(tc_rate, text, drop_frame)


@pytest.mark.parametrize(
    ("typed", "rate", "drop_frame", "frame"),
    [
        ("01:00:00:00", Fraction(30000, 1001), False, 108000),
        ("1:00:00:00", Fraction(30000, 1001), False, 108000),
        ("01000000", Fraction(30000, 1001), False, 108000),
        ("01:00:00;00", Fraction(30000, 1001), True, 107892),
        ("01000000", Fraction(30000, 1001), True, 107892),
        ("01:00:00:00", Fraction(60000, 1001), False, 216000),
        ("01:00:00;00", Fraction(60000, 1001), True, 215784),
        ("10:00:00:00", Fraction(25), None, 900000),
        ("1:00:00.00", Fraction(24000, 1001), None, 86400),
    ],
)
def test_timecodes_typed_as_editors_type_them(typed: str, rate: Fraction, drop_frame: bool | None, frame: int) -> None:
    assert frames.timecode_to_frame(typed, rate, drop_frame) == frame


def test_a_label_drop_frame_skips_is_refused() -> None:
    rate = Fraction(30000, 1001)
    with pytest.raises(ValueError, match="does not exist in drop frame"):
        frames.timecode_to_frame("00:01:00;00", rate, True)
    assert frames.timecode_to_frame("00:01:00;00", rate, False) == 1800  # it exists non-drop


# -- options ----------------------------------------------------------------


def test_a_separator_that_contradicts_the_count_warns_and_never_switches() -> None:
    job = read_job(sample("2997df").read_bytes(), "job.json")
    with pytest.warns(RekognitionWarning, match=r"--timecode ndf"):
        cuts = job_cut_list(job, ReadOptions(start_timecode="01:00:00:00"))
    assert (cuts.record_start, cuts.drop_frame) == (107892, True)
    with pytest.warns(RekognitionWarning, match=r"--timecode df"):
        cuts = job_cut_list(job, ReadOptions(start_timecode="01:00:00;00", timecode="ndf"))
    assert (cuts.record_start, cuts.drop_frame) == (108000, False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert job_cut_list(job, ReadOptions(start_timecode="00:00:10:00")).record_start == 300  # same in both


def test_drop_frame_at_a_rate_without_it_names_the_rate() -> None:
    job = read_job(sample("25").read_bytes(), "job.json")
    with pytest.raises(AdapterArgumentError, match=r"argument timecode: df, but 25 fps has no drop-frame timecode"):
        job_cut_list(job, ReadOptions(timecode="df"))
    with pytest.raises(AdapterArgumentError, match=r"argument start_timecode: .*does not exist in drop frame"):
        job_cut_list(read_job(sample("2997df").read_bytes(), "j"), ReadOptions(start_timecode="00:01:00;00"))


@pytest.mark.parametrize("name", ["23976", "24", "25", "30", "2997df", "5994df"])
def test_the_record_start_defaults_to_one_hour(name: str) -> None:
    job = read_job(sample(name).read_bytes(), "job.json")
    cuts = job_cut_list(job, ReadOptions())
    assert cuts.timecode(cuts.record_start) == ("01:00:00;00" if name.endswith("df") else "01:00:00:00")
    assert job_cut_list(job, ReadOptions(start_timecode="00:00:00:00")).record_start == 0


# -- every export in both counts ---------------------------------------------


def convert(tmp_path: Path, inputs: list[str], suffix: str, *flags: str) -> Path:
    output = tmp_path / f"out{suffix}"
    assert main(["convert", *inputs, "-o", str(output), *flags]) == 0
    return output


def expected_frames(name: str, drop_frame: bool, start: str | None, source: str | None) -> tuple[int, int]:
    _rate, tc_rate = NTSC[name]
    record_start = counted(tc_rate, start or ("01:00:00;00" if drop_frame else "01:00:00:00"), drop_frame)
    return record_start, (counted(tc_rate, source, drop_frame) if source else 0)


CASES = [
    (name, mode, start, source)
    for name in NTSC
    for mode in ("df", "ndf")
    for start, source in ((None, None), ("10:00:00", "01:00:00"), ("00:59:30", "23:00:00"))
]


def typed(text: str | None, mode: str) -> str | None:
    """The timecode as a user in that mode types it."""
    return None if text is None else f"{text}{';' if mode == 'df' else ':'}00"


def flags(mode: str, start: str | None, source: str | None) -> list[str]:
    found = ["--timecode", mode]
    if start:
        found += ["--start-timecode", start]
    if source:
        found += ["--source-timecode", source]
    return found


@pytest.mark.parametrize(("name", "mode", "start", "source"), CASES)
def test_edl_events_in_both_counts(name: str, mode: str, start: str | None, source: str | None,
                                   cut_lists: dict, tmp_path: Path) -> None:  # fmt: skip
    start, source = typed(start, mode), typed(source, mode)
    drop_frame = mode == "df"
    text = convert(tmp_path, [str(sample(name))], ".edl", *flags(mode, start, source)).read_text()
    assert text.splitlines()[1] == ("FCM: DROP FRAME" if drop_frame else "FCM: NON-DROP FRAME")
    record_start, source_start = expected_frames(name, drop_frame, start, source)
    tc_rate = NTSC[name][1]
    events = picture_events(pycmx.parse_cmx3600(io.StringIO(text)))
    assert len(events) == len(cut_lists[name]["shots"])
    for event, (first, last) in zip(events, cut_lists[name]["shots"], strict=True):
        [edit] = event.edits
        for timecode in (edit.source_in, edit.source_out, edit.record_in, edit.record_out):
            assert (";" in timecode) == drop_frame, timecode
        assert [counted(tc_rate, edit.source_in, drop_frame), counted(tc_rate, edit.source_out, drop_frame)] == [
            source_start + first,
            source_start + last + 1,
        ]
        assert [counted(tc_rate, edit.record_in, drop_frame), counted(tc_rate, edit.record_out, drop_frame)] == [
            record_start + first,
            record_start + last + 1,
        ]
    locators = [line.split()[2] for line in text.splitlines() if line.startswith("* LOC:")]
    cue_starts = sorted({first for _, first, _ in cut_lists[name]["cues"]})  # one LOC per frame
    assert sorted(counted(tc_rate, timecode, drop_frame) for timecode in locators) == [
        record_start + first for first in cue_starts
    ]


@pytest.mark.parametrize(("name", "mode", "start", "source"), CASES)
def test_fcpxml_and_fcp7_in_both_counts(name: str, mode: str, start: str | None, source: str | None,
                                        cut_lists: dict, tmp_path: Path) -> None:  # fmt: skip
    start, source = typed(start, mode), typed(source, mode)
    drop_frame = mode == "df"
    record_start, source_start = expected_frames(name, drop_frame, start, source)
    rate, tc_rate = NTSC[name]
    shots = cut_lists[name]["shots"]

    doc = etree.parse(str(convert(tmp_path, [str(sample(name))], ".fcpxml", *flags(mode, start, source))))
    assert apple_dtd("FCPXMLv1_10.dtd").validate(doc)
    sequence = doc.find("library/event/project/sequence")
    assert sequence.get("tcFormat") == ("DF" if drop_frame else "NDF")
    frame = 1 / rate
    assert Fraction(sequence.get("tcStart")[:-1]) == record_start * frame
    clips = sequence.findall("spine/asset-clip")
    assert [Fraction(clip.get("start")[:-1]) / frame for clip in clips] == [source_start + first for first, _ in shots]
    assert [Fraction(clip.get("offset")[:-1]) / frame for clip in clips] == [record_start + first for first, _ in shots]
    assert {clip.get("tcFormat") for clip in clips} == {"DF" if drop_frame else "NDF"}

    xml = etree.parse(str(convert(tmp_path, [str(sample(name))], ".xml", *flags(mode, start, source))))
    assert apple_dtd("xmeml_v5.dtd").validate(xml)
    for timecode, frame_number in (
        (xml.find("sequence/timecode"), record_start),
        (xml.find(".//clipitem/file/timecode"), source_start),
    ):
        assert timecode.findtext("displayformat") == ("DF" if drop_frame else "NDF")
        assert timecode.findtext("string") == written(tc_rate, frame_number, drop_frame)
        assert int(timecode.findtext("frame")) == frame_number


@pytest.mark.parametrize(("name", "mode", "start", "source"), [case for case in CASES if case[2]])
def test_aaf_and_otio_in_both_counts(
    name: str, mode: str, start: str | None, source: str | None, tmp_path: Path
) -> None:
    start, source = typed(start, mode), typed(source, mode)
    drop_frame = mode == "df"
    record_start, source_start = expected_frames(name, drop_frame, start, source)
    with aaf2.open(str(convert(tmp_path, [str(sample(name))], ".aaf", *flags(mode, start, source))), "r") as aaf:
        [composition] = aaf.content.toplevel()
        [timecode] = [slot.segment for slot in composition.slots if isinstance(slot.segment, aaf2.components.Timecode)]
        assert (timecode.start, timecode.drop) == (record_start, drop_frame)
        tape_timecode = tape_timecode_of(aaf)
        assert (tape_timecode.start, tape_timecode.drop) == (source_start, drop_frame)
    timeline = otio.adapters.read_from_file(
        str(convert(tmp_path, [str(sample(name))], ".otio", *flags(mode, start, source)))
    )
    assert round(timeline.global_start_time.value) == record_start
    assert timeline.metadata["rekognition"]["timecode"] == ("DF" if drop_frame else "NDF")
    assert timeline.metadata["fcp_xml"]["timecode"]["displayformat"] == ("DF" if drop_frame else "NDF")


def test_a_saved_timeline_keeps_its_count(tmp_path: Path) -> None:
    saved = convert(tmp_path, [str(sample("2997df"))], ".otio", "--timecode", "ndf")
    edl = tmp_path / "again.edl"
    assert main(["convert", str(saved), "-o", str(edl)]) == 0
    assert "FCM: NON-DROP FRAME" in edl.read_text() and "01:00:00:00" in edl.read_text()
    assert main(["convert", str(saved), "-o", str(edl), "--timecode", "df"]) == 0
    assert "FCM: DROP FRAME" in edl.read_text()


# -- the media's own timecode -------------------------------------------------

MEDIA = {
    "tc_2997ndf": ("29.97", False, "01:00:00:00"),
    "tc_2997df": ("29.97", True, "01:00:00;00"),
    "tc_25": ("25", False, "10:00:00:00"),
}


@pytest.mark.parametrize("name", sorted(MEDIA))
def test_media_gives_its_own_timecode_to_every_export(name: str, tmp_path: Path) -> None:
    tc_rate, drop_frame, own = MEDIA[name]
    job, media = str(SAMPLES / f"{name}.json"), str(SAMPLES / f"{name}.mov")
    source_start = Timecode(tc_rate, own, force_non_drop_frame=not drop_frame).frames - 1
    record_start = (
        counted(tc_rate, "01:00:00;00" if drop_frame else "01:00:00:00", drop_frame) if tc_rate == "29.97" else 90000
    )
    shots = [[0, 44], [45, 89]] if tc_rate == "29.97" else [[0, 36], [37, 74]]

    edl = convert(tmp_path, [job], ".edl", "--media", media).read_text()
    assert edl.splitlines()[1] == ("FCM: DROP FRAME" if drop_frame else "FCM: NON-DROP FRAME")
    events = picture_events(pycmx.parse_cmx3600(io.StringIO(edl)))
    assert [
        Timecode(tc_rate, e.edits[0].source_in, force_non_drop_frame=not drop_frame).frames - 1 for e in events
    ] == [source_start + first for first, _ in shots]
    assert events[0].edits[0].source_in == own
    assert f"* SOURCE FILE: {name}.mov" in edl

    fcpxml = etree.parse(str(convert(tmp_path, [job], ".fcpxml", "--media", media)))
    clips = fcpxml.findall(".//spine/asset-clip")
    frame = Fraction(fcpxml.find(".//format").get("frameDuration")[:-1])
    assert [Fraction(clip.get("start")[:-1]) / frame for clip in clips] == [source_start + f for f, _ in shots]
    assert fcpxml.find(".//media-rep").get("src") == Path(media).resolve().as_uri()
    assert fcpxml.find(".//sequence").get("tcFormat") == ("DF" if drop_frame else "NDF")

    xml = etree.parse(str(convert(tmp_path, [job], ".xml", "--media", media)))
    assert xml.findtext(".//file/timecode/string") == own
    assert xml.findtext(".//file/pathurl") == Path(media).resolve().as_uri()

    with aaf2.open(str(convert(tmp_path, [job], ".aaf", "--media", media)), "r") as aaf:
        tape_timecode = tape_timecode_of(aaf)
        assert (tape_timecode.start, tape_timecode.drop) == (source_start, drop_frame)
        [composition] = aaf.content.toplevel()
        [timecode] = [slot.segment for slot in composition.slots if isinstance(slot.segment, aaf2.components.Timecode)]
        assert timecode.start == record_start


def test_explicit_options_win_over_the_media(tmp_path: Path) -> None:
    job, media = str(SAMPLES / "tc_2997ndf.json"), str(SAMPLES / "tc_2997ndf.mov")
    edl = convert(tmp_path, [job], ".edl", "--media", media, "--timecode", "df", "--source-timecode", "02:00:00;00")
    text = edl.read_text()
    assert "FCM: DROP FRAME" in text and "\n001  TC2997ND V     C        02:00:00;00 " in text


@pytest.mark.parametrize(
    ("job", "media", "message"),
    [
        ("tc_2997ndf.json", "tc_25.mov", "it is 25 fps, the job's video 30000/1001 fps"),
        # Another size no longer decides (see the renditions below); its length does.
        ("tc_2997ndf.json", "demo_2997df.mp4", "it has 811 frames, the job's video 90"),
        ("long", "tc_2997df.mov", "it has 90 frames, the job's video 900"),
    ],
)
def test_a_video_that_is_not_the_jobs_is_refused(job: str, media: str, message: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    if job == "long":
        response = json.loads((SAMPLES / "tc_2997df.json").read_text())
        response["VideoMetadata"][0]["DurationMillis"] = 30030
        (tmp_path / "long.json").write_text(json.dumps(response))
        path = str(tmp_path / "long.json")
    else:
        path = str(SAMPLES / job)
    assert main(["convert", path, "-o", str(tmp_path / "x.edl"), "--media", str(SAMPLES / media)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "is not the video" in error and message in error, error
    assert not (tmp_path / "x.edl").exists()


@pytest.mark.parametrize("command", ["convert", "report"])
def test_a_rendition_of_another_size_is_taken_with_a_note(command: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """Rekognition analysed a 1920x1080 transcode; the editor has the 64x36 proxy (or the camera original)."""
    response = json.loads((SAMPLES / "tc_2997ndf.json").read_text())
    response["VideoMetadata"][0].update(FrameWidth=1920, FrameHeight=1080)
    job = tmp_path / "hd.json"
    job.write_text(json.dumps(response))
    output = tmp_path / ("x.edl" if command == "convert" else "x.html")
    assert main([command, str(job), "-o", str(output), "--media", str(SAMPLES / "tc_2997ndf.mov")]) == 0
    error = capsys.readouterr().err
    assert "warning: " in error and "it is 64x36, the analysed video 1920x1080: taken as a rendition" in error
    if command == "convert":  # the proxy's own timecode and count are used, as for the original
        assert "FCM: NON-DROP FRAME" in output.read_text()
        # Linked to the proxy, the clips are described at its size, not the analysed one's.
        xml = tmp_path / "x.xml"
        assert main([command, str(job), "-o", str(xml), "--media", str(SAMPLES / "tc_2997ndf.mov")]) == 0
        document = etree.parse(str(xml))
        characteristics = document.find(".//clipitem/file/media/video/samplecharacteristics")
        assert (characteristics.findtext("width"), characteristics.findtext("height")) == ("64", "36")
        # The sequence stays at the analysed size, for when the editor relinks to the original.
        sequence = document.find("./sequence/media/video/format/samplecharacteristics")
        assert (sequence.findtext("width"), sequence.findtext("height")) == ("1920", "1080")
        fcpxml = tmp_path / "x.fcpxml"
        assert main([command, str(job), "-o", str(fcpxml), "--media", str(SAMPLES / "tc_2997ndf.mov")]) == 0
        resources = etree.parse(str(fcpxml)).find("resources")
        sizes = {f.get("id"): (f.get("width"), f.get("height")) for f in resources.findall("format")}
        assert sizes[resources.find("asset").get("format")] == ("64", "36") and sizes["r1"] == ("1920", "1080")
    else:
        assert output.read_text().count('src="data:image/jpeg;base64,') > 0


def test_media_without_the_detect_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "av", None)  # what an install without the extra has
    job, media = str(SAMPLES / "tc_25.json"), str(SAMPLES / "tc_25.mov")
    assert main(["convert", job, "-o", str(tmp_path / "x.edl"), "--media", media]) == 1
    assert "needs av: pip install 'otio-rekognition[detect]'" in capsys.readouterr().err


# -- media URLs ----------------------------------------------------------------


def test_media_urls_editors_can_relink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = convert(tmp_path, [str(sample("25"))], ".fcpxml", "--media-url", "media/Ep 1#2.mov")
    assert etree.parse(str(relative)).find(".//media-rep").get("src") == (tmp_path / "media/Ep 1#2.mov").as_uri()
    windows = convert(tmp_path, [str(sample("25"))], ".xml", "--media-url", "C:\\media\\a b.mov")
    assert etree.parse(str(windows)).findtext(".//pathurl") == "file:///C:/media/a%20b.mov"
    response = json.loads(sample("25").read_text())
    response["Video"] = {"S3Object": {"Bucket": "bucket", "Name": "shows/Episode #1 (100%)?.mov"}}
    (tmp_path / "job.json").write_text(json.dumps(response))
    edl = convert(tmp_path, [str(tmp_path / "job.json")], ".edl").read_text()
    assert "* SOURCE FILE: Episode #1 (100%)?.mov" in edl and "EPISODE1" in edl
    timeline = otio.adapters.read_from_file(str(tmp_path / "job.json"))
    assert timeline.tracks[0][0].media_reference.target_url == "s3://bucket/shows/Episode%20%231%20%28100%25%29%3F.mov"


def test_a_start_typed_in_the_other_count_on_a_label_drop_frame_skips_is_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """00:59:00;00 does not exist in drop frame; the media counts non-drop, so it is read non-drop, said."""
    job, media = str(SAMPLES / "tc_2997ndf.json"), str(SAMPLES / "tc_2997ndf.mov")
    output = tmp_path / "x.edl"
    assert main(["convert", job, "-o", str(output), "--media", media, "--start-timecode", "00:59:00;00"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "warning: argument start_timecode: 00:59:00;00 is written drop frame" in err
    assert output.read_text().splitlines()[3].split()[6] == "00:59:00:00"  # the record start, read non-drop
