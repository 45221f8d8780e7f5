"""What the tests share: where the samples and the team's shared folder
are, and small readers of timelines. Fixtures live in conftest.py."""

from __future__ import annotations

import io
import itertools
import os
import shutil
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio
from lxml import etree

from otio_rekognition.rekognition.vocabulary import ANALYSES
from otio_rekognition.timeline.metadata import read_segment

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_media"
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared")).resolve()
REAL_JOB = SHARED / "real" / "netflix-25fps-model1"
DTDS = SHARED / "dtd"
# Headless Chromium (Debian's package, `make browser`) and the flags this machine's closed network needs.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SAMPLE_NAMES = ("23976", "24", "25", "2997df", "30", "5994df")
# The timecode package's names for the sample rates: the independent oracle.
TC_RATES = {"23976": "23.976", "24": "24", "25": "25", "2997df": "29.97", "30": "30", "5994df": "59.94"}
# The README's cue colour table, restated here so the tests check the code against it.
CUE_COLOURS = {
    "ColorBars": "MAGENTA",
    "Slate": "YELLOW",
    "BlackFrames": "BLACK",
    "StudioLogo": "CYAN",
    "OpeningCredits": "BLUE",
    "EndCredits": "RED",
    "Content": "GREEN",
}


def apple_dtd(file_name: str) -> etree.DTD:
    """One of Apple's DTDs from the shared folder (FCPXMLv1_10.dtd...); xmeml_v5.dtd
    with the one element Premiere adds to it and we write (see premiere_xmeml_dtd)."""
    if file_name == "xmeml_v5.dtd":
        return premiere_xmeml_dtd()
    return etree.DTD(str(shared_file(DTDS / file_name)))


def strict_xmeml_dtd() -> etree.DTD:
    """Apple's xmeml v5 DTD as it is."""
    return etree.DTD(str(shared_file(DTDS / "xmeml_v5.dtd")))


def premiere_xmeml_dtd() -> etree.DTD:
    """Apple's xmeml v5 DTD and a marker's colour, ``<pproColor>``, where
    Premiere's own XML export writes it (other readers skip it)."""
    text = shared_file(DTDS / "xmeml_v5.dtd").read_text()
    declaration = "<!ELEMENT marker (name | in | out | comment)*>"
    assert declaration in text, "xmeml_v5.dtd declares markers otherwise than expected"
    text = text.replace(declaration, "<!ELEMENT marker (name | in | out | comment | pproColor)*>")
    return etree.DTD(io.StringIO(text + "\n<!ELEMENT pproColor (#PCDATA)>\n"))


def shared_file(path: Path) -> Path:
    """A file of the team's shared folder, or a failure that says how to point at it."""
    if not path.exists():
        raise AssertionError(
            f"{path} is missing: the tests need the team's shared folder (the real job, Apple's DTDs) "
            f"beside the checkout as ../shared, or SHARED=/path/to/shared"
        )
    return path


def sample(name: str) -> Path:
    return SAMPLES / f"demo_{name}.json"


def media_frames(time_range: otio.opentime.TimeRange) -> list[int]:
    """[first, last] frames of a range, the last inclusive as Rekognition counts."""
    first = round(time_range.start_time.value)
    return [first, first + round(time_range.duration.value) - 1]


def shot_clips(timeline: otio.schema.Timeline) -> list[otio.schema.Clip]:
    return list(timeline.tracks[0].find_clips(shallow_search=True))


def clip_markers(timeline: otio.schema.Timeline) -> list[list]:
    """[name, first, last] of every marker on a shot-track clip but the other analyses', sorted."""
    return sorted(
        [marker.name, *media_frames(marker.marked_range)]
        for clip in shot_clips(timeline)
        for marker in clip.markers
        if not is_detection(marker)
    )


def detection_markers(timeline: otio.schema.Timeline) -> list[list]:
    """[name, first, last] of every marker of another analysis (labels, ...) on a shot-track clip, sorted."""
    return sorted(
        [marker.name, *media_frames(marker.marked_range)]
        for clip in shot_clips(timeline)
        for marker in clip.markers
        if is_detection(marker)
    )


def is_detection(item: Any) -> bool:
    values = item.metadata.get("rekognition")
    return isinstance(values, Mapping) and values.get("kind") in ANALYSES


def seconds(text: str) -> Fraction:
    """An FCPXML time ("1001/30000s") as exact seconds."""
    assert text.endswith("s"), text
    return Fraction(text[:-1])


def frames(text: str, frame_duration: Fraction) -> int:
    count = seconds(text) / frame_duration
    assert count.denominator == 1, f"{text} is not a whole number of {frame_duration}s frames"
    return count.numerator


def frame_duration(doc: etree._Element) -> Fraction:
    return seconds(doc.find("resources/format").get("frameDuration"))


def anchored_at(child: etree._Element, frame: Fraction) -> int:
    """Sequence frame of an FCPXML marker's, keyword's or connected clip's
    position in its parent's local time: parent offset + (position - parent start)."""
    parent = child.getparent()
    anchored_by_start = child.tag.endswith("marker") or child.tag in ("keyword", "rating")
    position = child.get("start") if anchored_by_start else child.get("offset")
    return frames(parent.get("offset"), frame) + frames(position, frame) - frames(parent.get("start"), frame)


def run_cli(arguments: list[str], capsys: Any) -> tuple[int, str]:
    """The command line's exit status and its one error line (empty on success); never a traceback."""
    from otio_rekognition.cli import main

    code = main(arguments)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("otio-rekognition: error: ")]
    assert code == 0 or len(errors) == 1, err
    return code, errors[0] if errors else ""


def developer_guide_response() -> dict:
    """The 29.97 fps, 15015 ms example from the Rekognition developer guide:
    shots 0..299 and 300..449, BlackFrames 0..299 overlapping Content 299..449."""
    return {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [
            {
                "Codec": "h264",
                "DurationMillis": 15015,
                "Format": "QuickTime / MOV",
                "FrameRate": 29.970029830932617,
                "FrameHeight": 1080,
                "FrameWidth": 1920,
            }
        ],
        "AudioMetadata": [{"Codec": "aac", "DurationMillis": 15015, "SampleRate": 44100, "NumberOfChannels": 2}],
        "Segments": [
            {
                "Type": "TECHNICAL_CUE",
                "StartTimestampMillis": 0,
                "EndTimestampMillis": 9976,
                "DurationMillis": 9976,
                "StartTimecodeSMPTE": "00:00:00;00",
                "EndTimecodeSMPTE": "00:00:09;29",
                "DurationSMPTE": "00:00:09;29",
                "TechnicalCueSegment": {"Type": "BlackFrames", "Confidence": 99.99},
                "StartFrameNumber": 0,
                "EndFrameNumber": 299,
                "DurationFrames": 299,
            },
            {
                "Type": "TECHNICAL_CUE",
                "StartTimestampMillis": 9976,
                "EndTimestampMillis": 14981,
                "DurationMillis": 5005,
                "StartTimecodeSMPTE": "00:00:09;29",
                "EndTimecodeSMPTE": "00:00:14;29",
                "DurationSMPTE": "00:00:05;00",
                "TechnicalCueSegment": {"Type": "Content", "Confidence": 100.0},
                "StartFrameNumber": 299,
                "EndFrameNumber": 449,
                "DurationFrames": 150,
            },
            {
                "Type": "SHOT",
                "StartTimestampMillis": 0,
                "EndTimestampMillis": 9976,
                "DurationMillis": 9976,
                "StartTimecodeSMPTE": "00:00:00;00",
                "EndTimecodeSMPTE": "00:00:09;29",
                "DurationSMPTE": "00:00:09;29",
                "ShotSegment": {"Index": 0, "Confidence": 99.9},
                "StartFrameNumber": 0,
                "EndFrameNumber": 299,
                "DurationFrames": 299,
            },
            {
                "Type": "SHOT",
                "StartTimestampMillis": 10010,
                "EndTimestampMillis": 14981,
                "DurationMillis": 4971,
                "StartTimecodeSMPTE": "00:00:10;00",
                "EndTimecodeSMPTE": "00:00:14;29",
                "DurationSMPTE": "00:00:04;29",
                "ShotSegment": {"Index": 1, "Confidence": 99.8},
                "StartFrameNumber": 300,
                "EndFrameNumber": 449,
                "DurationFrames": 149,
            },
        ],
        "SelectedSegmentTypes": [
            {"Type": "SHOT", "ModelVersion": "1.1"},
            {"Type": "TECHNICAL_CUE", "ModelVersion": "2.0"},
        ],
    }


def plain(value: object) -> object:
    """OTIO metadata as plain dicts and lists (AnyVector compares by identity)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {key: plain(item) for key, item in value.items()}  # type: ignore[union-attr]
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [plain(item) for item in value]  # type: ignore[union-attr]
    return value


def raw_segment(item: Any) -> dict:
    """The segment, exactly as Rekognition wrote it, that a clip or marker was read from."""
    found = read_segment(item)
    assert found is not None, f"{item.name!r} carries no Rekognition segment"
    return found.raw


def picture_events(edit_list: Any) -> list:
    """The events of a pycmx edit list that cut picture, without the black
    (``BL``) events that carry a locator in a gap."""
    return [event for event in edit_list.events if not event.edits[0].black]


def one_per_frame(markers: list[list]) -> list[list]:
    """``[name, first, last, colour...]`` markers as the targets that keep one
    marker per frame (Avid's locators, Resolve) get them: those starting on
    one frame as one, their names joined with `` + `` (a shot's first, then in
    name order, each once), as long as the longest, in the first cue's colour."""
    merged = []
    for first, group in itertools.groupby(sorted(markers, key=lambda m: (m[1], not m[0].startswith("Shot "), m[0])),
                                          key=lambda m: m[1]):  # fmt: skip
        items = list(group)
        shown = min(items, key=lambda m: m[0].startswith("Shot "))
        name = " + ".join(dict.fromkeys(m[0] for m in items))
        merged.append([name, first, max(m[2] for m in items), *shown[3:]])
    return merged


def media_timecode(path: Path) -> str:
    """The file's own start timecode, as PyAV (ffmpeg) reads it."""
    import av

    with av.open(str(path)) as container:
        streams = [container, *container.streams]
        return next(str(item.metadata["timecode"]) for item in streams if "timecode" in item.metadata)
