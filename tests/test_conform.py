"""The material editors have: phone footage at a variable rate's average,
long programmes, names that do not depend on how the paths were typed.
Checked with pycmx and the timecode package, OTIO's cmx_3600 reader,
ffmpeg/PyAV for timed text."""

from __future__ import annotations

import json
import math
import shutil
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from helpers import picture_events, sample
from timecode import Timecode

from otio_rekognition import frames
from otio_rekognition.cli import main
from otio_rekognition.rekognition.segments import build_segment

PHONE_RATES = [(29.98, "29.97"), (30.01, "30"), (59.88, "59.94"), (24.02, "24"), (25.1, "25")]


def job_at(tmp_path: Path, frame_rate: float) -> Path:
    """The 29.97 sample as a phone would report it: the same frames, another average rate."""
    response = json.loads(sample("2997df").read_text())
    for video in response["VideoMetadata"]:
        video["FrameRate"] = frame_rate
    path = tmp_path / f"phone-{frame_rate}.json"
    path.write_text(json.dumps(response))
    return path


@pytest.mark.parametrize("suffix", [".vtt", ".srt", ".csv", ".chapters.vtt", ".ffmetadata", ".json"])
@pytest.mark.parametrize("frame_rate", [29.98, 15.0, 12.5])
def test_formats_without_timecode_take_any_rate(
    tmp_path: Path, frame_rate: float, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"out{suffix}"
    assert main(["convert", str(job_at(tmp_path, frame_rate)), "-o", str(output)]) == 0
    assert output.stat().st_size > 0
    if suffix == ".vtt":  # times in seconds of the video's own rate, as ffmpeg reads them
        import av

        with av.open(str(output)) as container:
            starts = sorted(packet.pts for packet in container.demux(container.streams[0]) if packet.pts is not None)
        frame_numbers = json.loads(sample("2997df").read_text())["Segments"]
        cues = [segment["StartFrameNumber"] for segment in frame_numbers if segment["Type"] != "SHOT"]
        rate = frames.snap_rate(frame_rate)
        # Each cue at the first whole millisecond of its frame, at the video's own rate.
        assert starts == sorted(math.ceil(1000 * Fraction(frame) / rate) for frame in cues)


@pytest.mark.parametrize(("frame_rate", "counted"), PHONE_RATES)
def test_phone_footage_edl_counts_the_nominal_rate_with_a_warning(
    tmp_path: Path, frame_rate: float, counted: str, capsys: pytest.CaptureFixture[str], cut_lists: dict
) -> None:
    output = tmp_path / "out.edl"
    assert main(["convert", str(job_at(tmp_path, frame_rate)), "-o", str(output)]) == 0
    err = capsys.readouterr().err
    assert f"{frame_rate:g} fps is not a timecode rate" in err and f"count it at {counted} fps" in err
    assert "--rate" in err
    events = picture_events(pycmx.parse_cmx3600(output.open(encoding="utf-8")))
    drop = counted in ("29.97", "59.94")
    start = Timecode(counted, "01:00:00;00" if drop else "01:00:00:00", force_non_drop_frame=not drop).frames - 1
    record = [Timecode(counted, event.edits[0].record_in, force_non_drop_frame=not drop).frames - 1 for event in events]
    assert [first - start for first in record] == [first for first, _ in cut_lists["2997df"]["shots"]]


@pytest.mark.parametrize("suffix", [".edl", ".fcpxml", ".xml", ".aaf", ".txt"])
def test_a_rate_no_timecode_counts_is_one_line_naming_rate(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"out{suffix}"
    assert main(["convert", str(job_at(tmp_path, 15.0)), "-o", str(output)]) == 1
    [line] = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert "15 fps has no SMPTE timecode to export; pass --rate" in line
    assert not output.exists()
    assert main(["convert", str(job_at(tmp_path, 15.0)), "-o", str(output), "--rate", "30000/1001"]) == 0


def test_a_3000_shot_edl_reads_completely(tmp_path: Path) -> None:
    """Events past 999 are numbered on (1000, 1001...) as Premiere writes long
    lists, two spaces after the number: pycmx and OTIO's reader read every one."""
    rate = Fraction(25)
    segments, position = [], 0
    for index in range(3000):
        length = 20 + index % 17
        segments.append(build_segment("SHOT", position, position + length - 1, rate, {"Index": index}))
        position += length + (1 if index % 97 == 0 else 0)
    job = tmp_path / "feature.json"
    job.write_text(json.dumps({"VideoMetadata": [{"FrameRate": 25.0}], "Segments": segments}))
    output = tmp_path / "feature.edl"
    assert main(["convert", str(job), "-o", str(output)]) == 0
    events = picture_events(pycmx.parse_cmx3600(output.open(encoding="utf-8")))
    assert [event.number for event in events] == list(range(1, 3001))
    shots = [(segment["StartFrameNumber"], segment["EndFrameNumber"]) for segment in segments]
    source = [Timecode("25", event.edits[0].source_in).frames - 1 for event in events]
    assert source == [first for first, _ in shots]
    timeline = otio.adapters.read_from_file(str(output), "cmx_3600", rate=25)
    clips = list(next(iter(timeline.video_tracks())).find_clips())
    assert len(clips) == 3000
    assert [round(clip.source_range.start_time.value) for clip in clips] == [first for first, _ in shots]


def test_names_do_not_depend_on_how_the_paths_were_typed(
    tmp_path: Path, real_pages: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for page in real_pages:
        shutil.copy(page, tmp_path / page.name)
    monkeypatch.chdir(tmp_path)
    written = []
    for number, inputs in enumerate(
        (["page1.json", "page2.json"], ["./page1.json", "./page2.json"], [str(tmp_path / "page2.json"), "page1.json"])
    ):
        output = tmp_path / f"{number}.edl"
        assert main(["convert", *inputs, "-o", str(output)]) == 0
        written.append(output.read_text())
    assert written[0] == written[1] == written[2]
    # page1 and page2 share no stem up to a separator: the first in name order names them.
    assert written[0].startswith("TITLE: page1\n") and "\n001  PAGE1    " in written[0]


def variable_rate_video(path: Path, steps: list[int]) -> list[int]:
    """A small H.264 MP4 whose frames last ``steps`` milliseconds each (a
    phone's variable rate); the start of each frame in milliseconds."""
    import av
    import numpy as np

    starts = [sum(steps[:index]) for index in range(len(steps))]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 36, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        for index, start in enumerate(starts):
            picture = av.VideoFrame.from_ndarray(np.full((36, 64, 3), index % 255, np.uint8), format="rgb24")
            picture.pts, picture.time_base = start, Fraction(1, 1000)
            for packet in stream.encode(picture):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return starts


def test_phone_footage_with_media_lands_each_moment_on_the_files_own_frame(tmp_path: Path) -> None:
    """A variable-rate file: each segment's milliseconds, not its frame number
    at the average rate, find its frame among the file's own (PyAV's packets)."""
    steps = [33, 34] * 60 + [40] * 6 + [33, 34] * 60  # 246 frames, a slow stretch in the middle: 29.7 fps
    video = tmp_path / "phone.mp4"
    starts = variable_rate_video(video, steps)
    length = starts[-1] + steps[-1]
    rate = len(steps) * 1000 / length  # the average, as Rekognition reports it
    shots, first = [], 0
    for last in (59, 119, 125, 180, len(steps) - 1):
        shots.append((first, last))
        first = last + 1
    segments = [
        {"Type": "SHOT", "StartTimestampMillis": starts[a], "EndTimestampMillis": starts[b],
         "StartFrameNumber": round(starts[a] * rate / 1000), "EndFrameNumber": round(starts[b] * rate / 1000),
         "ShotSegment": {"Index": index, "Confidence": 99.0}}
        for index, (a, b) in enumerate(shots)
    ]  # fmt: skip
    cue = (130, 140)
    segments.append({"Type": "TECHNICAL_CUE", "StartTimestampMillis": starts[cue[0]],
                     "EndTimestampMillis": starts[cue[1]], "StartFrameNumber": round(starts[cue[0]] * rate / 1000),
                     "EndFrameNumber": round(starts[cue[1]] * rate / 1000),
                     "TechnicalCueSegment": {"Type": "BlackFrames", "Confidence": 99.0}})  # fmt: skip
    job = tmp_path / "phone.json"
    job.write_text(json.dumps({"VideoMetadata": [{"FrameRate": rate, "DurationMillis": length}], "Segments": segments}))
    output = tmp_path / "phone.edl"
    assert main(["convert", str(job), "-o", str(output), "--media", str(video)]) == 0
    events = picture_events(pycmx.parse_cmx3600(output.open(encoding="utf-8")))
    source = [Timecode("29.97", event.edits[0].source_in).frames - 1 for event in events]
    assert source == [a for a, _ in shots]
    # Without the file, the frame numbers at the average rate drift off the real frames.
    assert [segment["StartFrameNumber"] for segment in segments[:-1]] != [a for a, _ in shots]
    # Timed text at the file's own time of each frame, as a player shows it (read back by ffmpeg).
    import av

    subtitles = tmp_path / "phone.vtt"
    assert main(["convert", str(job), "-o", str(subtitles), "--media", str(video)]) == 0
    with av.open(str(subtitles)) as container:
        [(start, end)] = [
            (p.pts, p.pts + p.duration) for p in container.demux(container.streams[0]) if p.pts is not None
        ]
    assert (start, end) == (starts[cue[0]], starts[cue[1] + 1])


@pytest.mark.parametrize("suffix", [".edl", ".xml", ".fcpxml"])
def test_an_otio_timeline_of_phone_footage_keeps_its_record_start(tmp_path: Path, suffix: str) -> None:
    """The timeline's start is in its own frames: written to .otio and read back, it lands where the job's does."""
    job, timeline = job_at(tmp_path, 29.98), tmp_path / "phone.otio"
    direct, again = tmp_path / f"direct{suffix}", tmp_path / f"again{suffix}"
    for arguments in (
        [str(job), "-o", str(direct)],
        [str(job), "-o", str(timeline)],
        [str(timeline), "-o", str(again)],
    ):
        assert main(["convert", *arguments]) == 0
    assert again.read_text() == direct.read_text()


def test_markers_on_one_frame_take_the_cues_colour(tmp_path: Path) -> None:
    """Merged for Avid, a cue's colour wins over a detection's and a shot marker's."""
    from helpers import CUE_COLOURS, SAMPLES

    output = tmp_path / "markers.txt"
    inputs = [str(sample("25")), str(SAMPLES / "synthetic_labels_25.json"), str(SAMPLES / "synthetic_faces_25.json")]
    assert main(["convert", *inputs, "-o", str(output), "--shot-markers"]) == 0
    merged_with_a_cue = 0
    for line in output.read_text().splitlines():
        _, _, _, colour, comment, _ = line.split("\t")
        cues = [part.split(", ")[0] for part in comment.split("; ") if part.split(", ")[0] in CUE_COLOURS]
        if cues and "; " in comment:
            merged_with_a_cue += 1
            avid = {"PINK": "magenta", "PURPLE": "magenta", "ORANGE": "yellow"}
            assert colour == avid.get(CUE_COLOURS[cues[0]], CUE_COLOURS[cues[0]].lower()), line
    assert merged_with_a_cue > 0


@pytest.mark.parametrize(
    ("stems", "named"),
    [
        (("ep1.page1", "ep1.page2"), "ep1"),
        (("take10", "take11"), "take10"),
        (("my job", "my job.page2"), "my job"),
        (("clip_01", "clip_01.p2"), "clip_01"),
        (("show_a", "show_b"), "show"),
    ],
)
def test_a_job_in_several_files_is_named_after_their_stem(
    tmp_path: Path, real_pages: list[Path], stems: tuple[str, str], named: str
) -> None:
    for page, stem in zip(real_pages, stems, strict=True):
        shutil.copy(page, tmp_path / f"{stem}.json")
    output = tmp_path / "out.edl"
    assert main(["convert", *(str(tmp_path / f"{stem}.json") for stem in reversed(stems)), "-o", str(output)]) == 0
    assert output.read_text().startswith(f"TITLE: {named}\n")
