"""The review page (issue 13): one self-contained HTML file, with and without
the video, for a job with no shots and for the real job, rendered by headless
Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from helpers import CHROMIUM, FLAGS, SAMPLE_NAMES, SAMPLES, TC_RATES, sample
from timecode import Timecode

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.cli import main
from otio_rekognition.cli import report as report_command
from otio_rekognition.rekognition.pages import read_job
from otio_rekognition.timeline.cutlist import job_cut_list


def report(tmp_path: Path, inputs: list[str], *flags: str) -> str:
    output = tmp_path / "report.html"
    assert main(["report", *inputs, "-o", str(output), *flags]) == 0
    return output.read_text()


def assert_self_contained(page: str) -> None:
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", page), "an external reference"
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "<script src" not in page and "@import" not in page and "url(" not in page


def test_page_of_a_sample(cut_lists: dict, tmp_path: Path) -> None:
    page = report(tmp_path, [str(sample("2997df"))])
    assert_self_contained(page)
    shots, cues = cut_lists["2997df"]["shots"], cut_lists["2997df"]["cues"]
    assert page.count('<tr class="shot') == len(shots) and page.count('<tr class="cue') == len(cues)
    assert page.count('class="block shot"') == len(shots)
    assert page.count('<div class="lane">') == 1 + len({cue for cue, _, _ in cues})
    assert "01:00:00;00" in page and "record start: 01:00:00;00" in page
    response = json.loads(sample("2997df").read_text())
    details = response["Segments"][3].get("ShotSegment") or response["Segments"][3]["TechnicalCueSegment"]
    details["Confidence"] = 55.5
    response["Segments"][5]["EndTimestampMillis"] += 5000  # the frame numbers win; the reader says so
    doubtful = tmp_path / "doubtful.json"
    doubtful.write_text(json.dumps(response))
    page = report(tmp_path, [str(doubtful)])
    row = re.compile(r'<tr class="(?:shot|cue)( low)?">(?:<td>[^<]*</td>){8}<td>([\d.]*)</td>')
    assert [confidence for low, confidence in row.findall(page) if low] == ["55.50"]
    notes = re.search(r'<ul id="notes">(.*?)</ul>', page, re.S)
    assert notes and "disagree" in notes.group(1) and "Segments[5] milliseconds give frames 600-1079" in notes.group(1)


def test_a_lane_and_rows_per_analysis(cut_lists: dict, tmp_path: Path) -> None:
    truth = json.loads((SAMPLES / "analysis_truth.json").read_text())["25"]
    files = sorted(SAMPLES.glob("synthetic_*_25.json"))
    page = report(tmp_path, [str(sample("25")), *map(str, files)])
    assert_self_contained(page)
    cue_types = {cue for cue, _, _ in cut_lists["25"]["cues"]}
    lanes = re.findall(r'<div class="lane"><label>([^<]*)</label><div class="track">(.*?)</div></div>', page)
    assert [name for name, _ in lanes] == ["Shots", *sorted(cue_types), "celebrities", "face-search", "faces",
                                           "labels", "moderation", "text"]  # fmt: skip
    # Both label and moderation jobs (by timestamps and by segments) are on the page; text is LINE only by default.
    per_file = {"labels": 2, "moderation": 2}
    for name, blocks in lanes[1 + len(cue_types) :]:
        expected = [m for m in truth[name] if m[4] != "WORD"] * per_file.get(name, 1)
        assert blocks.count('class="block found"') == len(expected), name
        kind = re.escape(name)
        rows = re.findall(rf'<tr class="{kind}( low)?"><td>\d+</td><td>{kind}</td><td>([^<]*)</td>'
                          r"<td>([^<]*)</td><td>([^<]*)</td>", page)  # fmt: skip
        start = Timecode("25", "01:00:00:00").frames - 1
        found = sorted([label, Timecode("25", rin).frames - 1 - start, Timecode("25", rout).frames - 2 - start]
                       for _, label, rin, rout in rows)  # fmt: skip
        assert found == sorted([label, first, last] for label, first, last, _, _ in expected), name
    assert "<h3>Other analyses</h3>" in page and "Car (4)" in page
    # Every job read is named; the label job's two pages count.
    assert all(path.name in page for path in files) and "pages merged: 10;" in page


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_table_timecodes_agree_with_the_timecode_package(name: str, cut_lists: dict, tmp_path: Path) -> None:
    """Record from 10:00:00:00 (gaps kept), source from Rekognition's 00:00:00:00; outs exclusive, as in an EDL."""
    rate = TC_RATES[name]
    page = report(tmp_path, [str(sample(name)), "--start-timecode", "10:00:00:00"])
    cells = re.compile(r'<tr class="shot[^"]*"><td>\d+</td><td>shot</td><td>[^<]*</td>' + r"<td>([^<]*)</td>" * 5)
    rows = [(*(Timecode(rate, text).frames - 1 for text in row[:4]), int(row[4])) for row in cells.findall(page)]
    start = Timecode(rate, "10:00:00:00").frames - 1
    shots = cut_lists[name]["shots"]
    for (record_in, record_out, source_in, source_out, frames), (first, last) in zip(rows, shots, strict=True):
        assert (source_in, source_out, frames) == (first, last + 1, last - first + 1)
        assert (record_in - start, record_out - record_in) == (first, frames)  # gaps stay gaps


def test_page_of_a_timeline_a_cue_only_job_and_the_real_job(real_job_file: Path, tmp_path: Path) -> None:
    saved = tmp_path / "job.otio"
    assert main(["convert", str(sample("25")), "-o", str(saved)]) == 0
    assert "Shot 0013" in report(tmp_path, [str(saved)])
    cues_only = report(tmp_path, [str(sample("25")), "--segment-types", "TECHNICAL_CUE"])
    assert cues_only.count('<tr class="video">') == 1 and '<tr class="shot' not in cues_only  # the clip spanning it
    assert "<li>shots: 0</li>" in cues_only and 'class="block shot"' not in cues_only
    real = report(tmp_path, [str(real_job_file)])
    assert real.count('<tr class="shot') == 1404 and "pages merged: 2" in real
    assert "<h3>Technical cues</h3><p>none</p>" in real
    assert_self_contained(real)


def test_cues_after_the_last_shot_stay_on_the_strip(tmp_path: Path) -> None:
    """Shots below --min-confidence are dropped; the cues after them are still drawn inside the strip."""
    page = report(tmp_path, [str(sample("25")), "--min-confidence", "95"])
    places = [float(left) + float(width) for left, width in re.findall(r"left:([\d.]+)%;width:([\d.]+)%", page)]
    assert places and max(places) <= 100.0001
    last_cue_end = max(locator[2] for locator in json.loads((SAMPLES / "cutlists.json").read_text())["25"]["cues"])
    assert f"{last_cue_end + 1} frames at 25 fps" in page


def test_stdin_options_and_their_warnings_reach_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "report.html"
    with sample("2997df").open() as job:
        monkeypatch.setattr("sys.stdin", job)
        flags = ["--timecode", "ndf", "--start-timecode", "00:01:00;02"]
        assert main(["report", "-", "-o", str(output), *flags]) == 0
    notes = re.search(r'<ul id="notes">(.*?)</ul>', output.read_text(), re.S)
    warned = capsys.readouterr().err
    assert notes and "start_timecode" in notes.group(1) and "start_timecode" in warned


def test_a_timelines_video_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "job.otio"
    assert main(["convert", str(sample("2997df")), "-o", str(saved)]) == 0
    output = tmp_path / "report.html"
    assert main(["report", str(saved), "--media", str(SAMPLES / "demo_25.mp4"), "-o", str(output)]) == 1
    assert not output.exists()
    assert capsys.readouterr().err.endswith(
        f"is not the video {saved} was made from: it is 25 fps, the job's video 30000/1001 fps\n"
    )


def test_a_page_goes_only_into_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edl = tmp_path / "cut.edl"
    assert main(["report", str(sample("25")), "-o", str(edl)]) == 1 and not edl.exists()
    said = f"{edl}: report writes a web page: use -o NAME.html (convert writes the other formats)"
    assert capsys.readouterr().err == f"otio-rekognition: error: {said}\n"


def test_thumbnails_from_the_video(tmp_path: Path) -> None:
    job = tmp_path / "detected.json"
    video = SAMPLES / "demo_25.mp4"
    assert main(["detect", str(video), "-o", str(job)]) == 0
    page = report(tmp_path, [str(job)], "--media", str(video))
    assert_self_contained(page)
    shots = page.count('<tr class="shot')
    images = re.findall(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) >= 2 * shots  # first, middle and last frame of each (shorter shots share frames)


def test_a_long_job_keeps_the_page_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 shots: a page of a few megabytes, thumbnails for at most REPORT_SHOTS shots and cues."""
    segments = [
        {"Type": "SHOT", "StartFrameNumber": index * 20, "EndFrameNumber": index * 20 + 19,
         "ShotSegment": {"Index": index, "Confidence": 90.0}}
        for index in range(10_000)
    ]  # fmt: skip
    job = tmp_path / "long.json"
    job.write_text(json.dumps({"JobStatus": "SUCCEEDED", "VideoMetadata": [{"FrameRate": 25.0}], "Segments": segments}))
    page = report(tmp_path, [str(job)])
    assert page.count('<tr class="shot') == 10_000 and len(page) < 8_000_000, len(page)
    asked: list[set[int]] = []

    def fake_thumbnails(_video: str, wanted: set[int]) -> dict[int, bytes]:
        asked.append(wanted)
        return {}

    monkeypatch.setattr("otio_rekognition.detect.thumbnails.thumbnails", fake_thumbnails)
    cuts = job_cut_list(read_job(job.read_bytes(), "long.json"), ReadOptions())
    skipped = report_command._report_thumbnails("video.mp4", cuts).shots_skipped
    assert len(asked[0]) <= 3 * report_command.REPORT_SHOTS and skipped == 10_000 // report_command.REPORT_SHOTS


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="headless Chromium comes from the Debian package `make browser` installs (required in CI)",
)
def test_chromium_renders_the_strip_and_the_table(tmp_path: Path) -> None:
    assert CHROMIUM is not None, "CI needs headless Chromium: make browser"
    job = tmp_path / "detected.json"
    video = SAMPLES / "demo_2997df.mp4"
    assert main(["detect", str(video), "-o", str(job)]) == 0
    report(tmp_path, [str(job)], "--media", str(video))
    page = (tmp_path / "report.html").as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([CHROMIUM, *FLAGS, *profile, "--dump-dom", page], capture_output=True, text=True,
                         timeout=120, check=True).stdout  # fmt: skip
    assert dom.count('class="block shot"') == 11 and dom.count("<tr class=") == 14
    clicked = tmp_path / "clicked.html"  # the page as a user leaves it after sorting by frames, longest first
    frames_header = "var th = document.querySelectorAll('#segments th')[7]; th.click(); th.click();"
    clicked.write_text(
        (tmp_path / "report.html").read_text().replace("</body>", f"<script>{frames_header}</script></body>")
    )
    sorted_dom = subprocess.run([CHROMIUM, *FLAGS, *profile, "--dump-dom", clicked.as_uri()], capture_output=True,
                                text=True, timeout=120, check=True).stdout  # fmt: skip
    lengths = [
        int(n) for n in re.findall(r'<tr class="(?:shot|cue)[^"]*">(?:<td>[^<]*</td>){7}<td>(\d+)</td>', sorted_dom)
    ]
    assert len(lengths) == 14 and lengths == sorted(lengths, reverse=True)
    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, *FLAGS, *profile, "--hide-scrollbars", "--window-size=1280,1100",
                    f"--screenshot={shot}", page], capture_output=True, timeout=120, check=True)  # fmt: skip
    with av.open(str(shot)) as container:
        pixels = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert pixels.shape[:2] == (1100, 1280)
    assert pixels.std() > 20, "a blank page"
    colours = {tuple(colour) for colour in pixels.reshape(-1, 3)[::97]}
    assert len(colours) > 50, "the strip and thumbnails draw in colour"
    assert np.any(np.all(pixels == (0x90, 0xA4, 0xAE), axis=-1)), "the shot blocks of the strip are drawn"
