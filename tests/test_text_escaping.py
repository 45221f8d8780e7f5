"""Names from Rekognition are hostile text (issue 19): a label, celebrity or
detected-text name reaches CSV, WebVTT and SRT as one cell or one cue with
its text, read back by each format's real consumer: the csv module, ffmpeg
(PyAV) and Chromium's WebVTT parser."""

from __future__ import annotations

import csv
import functools
import html
import http.server
import io
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
from helpers import CHROMIUM, FLAGS, SAMPLES

from otio_rekognition import names
from otio_rekognition.cli import main

# OWASP's list of what makes a spreadsheet cell a formula, with the full-width forms (README: CSV).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# The README's SRT rule: what SRT readers take as markup is shown as a look-alike.
SRT_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", "{": "\uff5b", "}": "\uff5d", "\\": "\uff3c"})

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "a --> b",
    "00:00:01.000 --> 00:00:02.000",
    "<b>bold</b> <i>x",
    "Tom & Jerry &amp; &lt;",
    "{\\an8}top {x}",
    "two\n\nlines\n3\n00:00:05,000 --> 00:00:06,000",
    "a\\Nb",
    "1",
    "WEBVTT",
    "NOTE this",
    "Car",
]
STEP_MS = 2000


def hostile_job(folder: Path) -> Path:
    """A labels job of the sample video with one detection of each hostile name, 2 s apart."""
    page = json.loads((SAMPLES / "synthetic_labels_25.json").read_text())[0]
    page.pop("NextToken", None)
    page["Labels"] = [
        {"Timestamp": index * STEP_MS, "Label": {"Name": name, "Confidence": 99.0, "Instances": [], "Parents": []}}
        for index, name in enumerate(HOSTILE)
    ]
    path = folder / "hostile_labels.json"
    path.write_text(json.dumps(page))
    return path


def converted(folder: Path, suffix: str, *flags: str) -> Path:
    output = folder / f"out{suffix}"
    assert main(["convert", str(hostile_job(folder)), "-o", str(output), *flags]) == 0
    return output


def shown(name: str) -> str:
    """A name as every format shows it: one line (names.safe_name is the rule the whole tool keeps)."""
    return names.safe_name(name)


def test_csv_cells_are_never_formulas_and_numbers_stay_numbers(tmp_path: Path) -> None:
    text = converted(tmp_path, ".csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    labels = [row for row in rows if row["type"] == "labels"]
    assert len(labels) == len(HOSTILE)
    for row, name in zip(sorted(labels, key=lambda row: int(row["first_frame"])), HOSTILE, strict=True):
        expected = shown(name)
        assert row["name"] in (expected, "'" + expected)
        assert row["name"].startswith("'") == expected.startswith(FORMULA_STARTS)
        assert not row["details"].startswith(FORMULA_STARTS)
    for row in rows:
        for column, cell in row.items():
            if column in ("name", "details", "type"):
                assert not cell.startswith(FORMULA_STARTS), (column, cell)
        assert row["confidence"] == "" or float(row["confidence"]) > 0
        for column in ("first_frame", "last_frame", "frames"):
            int(row[column])
        assert row["record_in"][:2].isdigit()


def _ass_text(dialogue: bytes) -> str:
    """The text of an ASS dialogue event as ffmpeg's WebVTT decoder writes it,
    its own escapes for braces and backslashes undone."""
    text = dialogue.decode("utf-8").split(",", 8)[8]
    return text.replace("\\{{}", "{").replace("\\\u2060", "\\").replace("\\h", " ")


def ffmpeg_cues(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        return [
            _ass_text(bytes(subtitle.ass))
            for packet in container.demux(stream)
            if packet.pts is not None
            for subtitle in packet.decode()
        ]


def test_webvtt_every_marker_one_cue_with_its_text_in_ffmpeg(tmp_path: Path) -> None:
    cues = ffmpeg_cues(converted(tmp_path, ".vtt"))
    assert len(cues) == len(HOSTILE)
    for cue, name in zip(cues, HOSTILE, strict=True):
        assert cue.startswith(shown(name) + ", Label"), (cue, name)


def test_srt_every_marker_one_cue_with_its_text_in_ffmpeg(tmp_path: Path) -> None:
    path = converted(tmp_path, ".srt")
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        dialogues = [
            bytes(subtitle.dialogue).decode("utf-8")
            for packet in container.demux(stream)
            if packet.pts is not None
            for subtitle in packet.decode()
        ]
    assert len(dialogues) == len(HOSTILE)
    for dialogue, name in zip(dialogues, HOSTILE, strict=True):
        # SRT cannot escape: markup characters are shown as look-alikes, nothing is dropped or styled.
        assert dialogue.startswith(shown(name).translate(SRT_LOOKALIKES) + ", Label"), (dialogue, name)


def test_webvtt_chapter_titles_are_escaped(tmp_path: Path) -> None:
    media = "/media/<b>Tom & Jerry<i> --> {x}.mov"
    path = converted(tmp_path, ".vtt", "--format", "webvtt-chapters", "--chapters", "shots", "--media-url", media)
    assert ffmpeg_cues(path) == ["<b>Tom & Jerry<i> --> {x}.mov"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """tmp_path over HTTP on 127.0.0.1: Chromium loads a track from the page's own origin only."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


PAGE = """<!doctype html><meta charset="utf-8"><body><video id="v" preload="none">
<track id="t" kind="subtitles" src="out.vtt" default></video><pre id="cues">waiting</pre><script>
var track = document.getElementById('t');
function show() {
  var cues = Array.from(track.track.cues || []).map(function (cue) { return cue.getCueAsHTML().textContent; });
  document.getElementById('cues').textContent = JSON.stringify(cues);
}
track.track.mode = 'hidden';
track.addEventListener('load', show);
track.addEventListener('error', function () { document.getElementById('cues').textContent = 'error'; });
</script></body>"""


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="headless Chromium comes from the Debian package `make browser` installs (required in CI)",
)
def test_webvtt_every_marker_one_cue_with_its_text_in_chromium(tmp_path: Path, served: str) -> None:
    assert CHROMIUM is not None, "CI needs headless Chromium: make browser"
    converted(tmp_path, ".vtt")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    profile = ["--user-data-dir=" + str(tmp_path / "profile"), "--virtual-time-budget=10000"]
    dom = subprocess.run([CHROMIUM, *FLAGS, *profile, "--dump-dom", f"{served}/page.html"], capture_output=True,
                         text=True, timeout=120, check=True).stdout  # fmt: skip
    shown_text = dom.split('<pre id="cues">', 1)[1].split("</pre>", 1)[0]
    cues = json.loads(html.unescape(shown_text))
    assert len(cues) == len(HOSTILE)
    for cue, name in zip(cues, HOSTILE, strict=True):
        assert cue.startswith(shown(name) + ", Label"), (cue, name)
