"""A review page of shots, cues and what the other analyses found, to look
at before importing: one HTML file that opens anywhere (inline CSS and
script, thumbnails as data URIs, no network), written from a cut list.

It holds a summary (duration, shots, a histogram of shot lengths, cue totals,
each analysis's markers and commonest names, what the reader warned about),
a zoomable strip (shots, a lane per cue type and a lane per analysis in its
marker colour, over a ruler in record timecode) and a sortable table of every
segment and marker, low confidences highlighted.
"""

from __future__ import annotations

import base64
import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from otio_rekognition.timeline.cutlist import CutList, Event, Locator
from otio_rekognition.timeline.layout import KIND_CUE, KIND_MEDIA, KIND_SHOT

LOW_CONFIDENCE = 80.0
RULER_TICKS = 10
# The commonest names the summary lists for each analysis.
NAMES_SHOWN = 8
# Shot lengths in seconds: the histogram's bins, each up to (not including) the next.
LENGTH_BINS = (0, 1, 2, 5, 10, 30)
# OTIO's marker colours as a page shows them.
COLOURS: Mapping[str, str] = {
    "RED": "#e53935", "PINK": "#f06292", "ORANGE": "#fb8c00", "YELLOW": "#fdd835", "GREEN": "#43a047",
    "CYAN": "#00acc1", "BLUE": "#1e88e5", "PURPLE": "#8e24aa", "MAGENTA": "#d81b60", "BLACK": "#212121",
    "WHITE": "#fafafa",
}  # fmt: skip


@dataclass(frozen=True)
class Summary:
    """What the reader says of the job besides its segments."""

    source: str
    page_count: int = 1
    duplicates_dropped: int = 0
    warnings: Sequence[str] = ()
    disagreements: Sequence[str] = ()


@dataclass(frozen=True)
class Thumbnails:
    """JPEG bytes by media frame (0-based), and how many shots were left
    without them between two that have them (a long job keeps the page small)."""

    images: Mapping[int, bytes] = field(default_factory=dict)
    shots_skipped: int = 0


@dataclass(frozen=True)
class VideoReport:
    """One video's part of a page: its cut list, what the reader said, its thumbnails."""

    cuts: CutList
    summary: Summary
    thumbnails: Thumbnails = field(default_factory=Thumbnails)


def report_html(cuts: CutList, summary: Summary, thumbnails: Thumbnails = Thumbnails()) -> str:
    return report_page([VideoReport(cuts, summary, thumbnails)])


def report_page(videos: Sequence[VideoReport], title: str | None = None) -> str:
    """One page; with several videos a section each (a day's dailies), one after the other."""
    name = title or videos[0].cuts.name
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_text(name)}: shots and cues</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_text(name)}</h1>",
    ]
    for number, video in enumerate(videos, start=1):
        # The first video's parts keep their plain ids (#summary, #segments...); the others are numbered.
        suffix = "" if number == 1 else f"-{number}"
        parts += [] if len(videos) == 1 else [f'<section class="video"><h2>{_text(video.cuts.name)}</h2>']
        parts += [
            _summary(video.cuts, video.summary, video.thumbnails, suffix),
            _strip(video.cuts, suffix),
            _table(video.cuts, video.thumbnails, suffix),
        ]
        parts += [] if len(videos) == 1 else ["</section>"]
    parts += [f"<script>{_SCRIPT}</script>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _summary(cuts: CutList, summary: Summary, thumbnails: Thumbnails, suffix: str) -> str:
    seconds = [float(event.length / cuts.rate) for event in _shots(cuts)]
    bins = Counter(max(i for i, low in enumerate(LENGTH_BINS) if length >= low) for length in seconds)
    most = max(bins.values(), default=1)
    bars = "".join(
        f'<div class="bar"><span>{_bin_label(i)}</span><span><i style="width:{100 * bins[i] / most:.1f}%"></i></span>'
        f"<b>{bins[i]}</b></div>"
        for i in range(len(LENGTH_BINS))
    )
    cue_rows = "".join(
        f"<tr><td>{_swatch(_colour(locators[0]))}{_text(name)}</td><td>{len(locators)}</td>"
        f"<td>{cuts.timecode(sum(locator.length for locator in locators))}</td></tr>"
        for name, locators in _by_name(cue_locators(cuts)).items()
    )
    analysis_rows = "".join(
        f"<tr><td>{_swatch(_colour(locators[0]))}{_text(kind)}</td><td>{len(locators)}</td><td>"
        + ", ".join(f"{_text(name)} ({count})" for name, count in Counter(
            locator.name for locator in locators).most_common(NAMES_SHOWN))
        + "</td></tr>"
        for kind, locators in _by_kind(cuts).items()
    )  # fmt: skip
    notes = [*summary.warnings, *summary.disagreements[:20]]
    if len(summary.disagreements) > 20:
        notes.append(f"... and {len(summary.disagreements) - 20} more frame-source disagreements")
    said = "".join(f"<li>{_text(note)}</li>" for note in notes) or "<li>nothing</li>"
    skipped = (
        f"<li>thumbnails for one shot in {thumbnails.shots_skipped + 1} (a long job)</li>"
        if thumbnails.shots_skipped
        else ""
    )
    extent = _extent(cuts)
    cue_table = (
        f"<table><tr><th>type</th><th>cues</th><th>total</th></tr>{cue_rows}</table>" if cue_rows else "<p>none</p>"
    )
    return (
        f'<section id="summary{suffix}"><h2>Summary</h2><ul>'
        f"<li>source: {_text(summary.source)}</li>"
        f"<li>duration: {cuts.timecode(extent)} ({float(extent / cuts.rate):.1f} s, {extent} "
        f"frames at {float(cuts.rate):g} fps, {'drop frame' if cuts.drop_frame else 'non-drop'})</li>"
        f"<li>record start: {cuts.timecode(cuts.record_start)}</li>"
        f"<li>shots: {len(seconds)}</li>"
        f"<li>pages merged: {summary.page_count}; duplicates dropped: {summary.duplicates_dropped}</li>{skipped}</ul>"
        f'<h3>Shot lengths (seconds)</h3><div id="histogram{suffix}" class="histogram">{bars}</div>'
        f"<h3>Technical cues</h3>{cue_table}"
        + (
            f"<h3>Other analyses</h3><table><tr><th>analysis</th><th>markers</th><th>commonest names</th></tr>"
            f"{analysis_rows}</table>"
            if analysis_rows
            else ""
        )
        + f'<h3>The reader said</h3><ul id="notes{suffix}">{said}</ul>'
        "</section>"
    )


def _strip(cuts: CutList, suffix: str) -> str:
    span = max(_extent(cuts), 1)

    def place(first: int, length: int) -> str:
        return f"left:{100 * first / span:.4f}%;width:{max(100 * length / span, 0.02):.4f}%"

    lanes = [
        ("Shots", "".join(
            f'<div class="block shot" style="{place(e.record_first, e.length)}" title="{_text(_title(cuts, e))}"></div>'
            for e in _shots(cuts)
        ))
    ]  # fmt: skip
    # A lane per cue type, then one per analysis: its markers overlap, so they are see-through.
    for name, locators in [*_by_name(cue_locators(cuts)).items(), *_by_kind(cuts).items()]:
        colour = _colour(locators[0])
        lanes.append((name, "".join(
            f'<div class="block{"" if locators[0].kind == KIND_CUE else " found"}" '
            f'style="{place(marker.record_first, marker.length)};background:{colour}" '
            f'title="{_text(marker.text)} {cuts.timecode(cuts.record_start + marker.record_first)}"></div>'
            for marker in locators
        )))  # fmt: skip
    at = [cuts.record_start + span * tick // RULER_TICKS for tick in range(RULER_TICKS)]
    ticks = "".join(
        f'<span style="left:{100 * tick / RULER_TICKS:.1f}%">{cuts.timecode(frame)}</span>'
        for tick, frame in enumerate(at)
    )
    rows = "".join(f'<div class="lane"><label>{_text(name)}</label><div class="track">{blocks}</div></div>'
                   for name, blocks in lanes)  # fmt: skip
    return (
        f'<section><h2>Timeline</h2><label>zoom <input id="zoom{suffix}" class="zoom" type="range" min="1" max="60" '
        f'value="1"></label><div id="strip{suffix}" class="strip"><div id="canvas{suffix}" class="canvas">'
        f'<div class="ruler">{ticks}</div>{rows}</div></div></section>'
    )


def _table(cuts: CutList, thumbnails: Thumbnails, suffix: str) -> str:
    rows = []
    for number, event in enumerate(cuts.events, start=1):
        kind = "video" if event.kind == KIND_MEDIA else event.kind  # the clip a job without shots is laid on
        rows.append(_row(cuts, number, kind, event.name, event.record_first, event.source_first, event.length,
                         event.confidence, _images(thumbnails, shot_frames(event))))  # fmt: skip
    for number, locator in enumerate(cue_locators(cuts), start=len(rows) + 1):
        source_first, _ = cuts.source_under(locator.record_first)
        rows.append(_row(cuts, number, "cue", locator.name, locator.record_first, source_first, locator.length,
                         locator.confidence, _images(thumbnails, (locator.record_first,))))  # fmt: skip
    found = [locator for locator in cuts.locators if locator.is_detection]
    for number, locator in enumerate(found, start=len(rows) + 1):
        source_first, _ = cuts.source_under(locator.record_first)
        rows.append(_row(cuts, number, locator.kind, locator.name, locator.record_first, source_first,
                         locator.length, locator.confidence, ""))  # fmt: skip
    headers = "".join(
        f'<th data-type="{kind}">{label}</th>'
        for label, kind in (("#", "n"), ("type", "s"), ("name", "s"), ("record in", "s"), ("record out", "s"),
                            ("source in", "s"), ("source out", "s"), ("frames", "n"), ("confidence", "n"),
                            ("frames seen", "s"))
    )  # fmt: skip
    return (
        f"<section><h2>Segments</h2><p>Click a heading to sort. Confidence below {LOW_CONFIDENCE:g}% is marked.</p>"
        f'<table id="segments{suffix}" class="segments"><thead><tr>{headers}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def shot_frames(event: Event) -> tuple[int, int, int]:
    """The frames of the video (0-based) a shot's thumbnails show: its first, middle and last.
    A cue's thumbnail is its first frame, ``record_first``: clips sit where their source frames are."""
    first = event.source_first - event.media.start
    return first, first + event.length // 2, first + event.length - 1


def cue_locators(cuts: CutList) -> list[Locator]:
    return [locator for locator in cuts.locators if locator.kind == KIND_CUE]


def _by_name(locators: Sequence[Locator]) -> dict[str, list[Locator]]:
    by_name: dict[str, list[Locator]] = {}
    for locator in locators:
        by_name.setdefault(locator.name, []).append(locator)
    return dict(sorted(by_name.items()))


def _by_kind(cuts: CutList) -> dict[str, list[Locator]]:
    """The other analyses' markers, by analysis."""
    by_kind: dict[str, list[Locator]] = {}
    for locator in cuts.locators:
        if locator.is_detection:
            by_kind.setdefault(locator.kind, []).append(locator)
    return dict(sorted(by_kind.items()))


def _shots(cuts: CutList) -> list[Event]:
    """The shot track's shots: a job without shots has one clip spanning its video instead."""
    return [event for event in cuts.events if event.kind == KIND_SHOT]


def _extent(cuts: CutList) -> int:
    """Frames from the record start to the last thing on the page: a cue can outlast the last shot."""
    return max([cuts.duration, *(locator.record_first + locator.length for locator in cuts.locators)])


def _row(cuts: CutList, number: int, kind: str, name: str, record_first: int, source_first: int, length: int,
         confidence: float | None, images: str) -> str:  # fmt: skip
    record = cuts.record_start + record_first
    low = confidence is not None and round(confidence, 2) < LOW_CONFIDENCE  # as the page shows it
    cells = (
        str(number), kind, _text(name), cuts.timecode(record), cuts.timecode(record + length),
        cuts.timecode(source_first), cuts.timecode(source_first + length), str(length),
        "" if confidence is None else f"{confidence:.2f}", images,
    )  # fmt: skip
    return f'<tr class="{kind}{" low" if low else ""}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _images(thumbnails: Thumbnails, frames: Sequence[int]) -> str:
    return "".join(
        f'<img loading="lazy" alt="frame {frame}" src="data:image/jpeg;base64,'
        f'{base64.b64encode(thumbnails.images[frame]).decode()}">'
        for frame in dict.fromkeys(frames)
        if frame in thumbnails.images
    )


def _title(cuts: CutList, event: Event) -> str:
    confidence = "" if event.confidence is None else f", confidence {event.confidence:.2f}%"
    return f"{event.name} {cuts.timecode(cuts.record_start + event.record_first)}{confidence}"


def _colour(locator: Locator) -> str:
    return COLOURS.get(locator.color.upper(), COLOURS["WHITE"])


def _swatch(colour: str) -> str:
    return f'<i class="swatch" style="background:{colour}"></i>'


def _bin_label(index: int) -> str:
    low = LENGTH_BINS[index]
    return f"{low}+" if index == len(LENGTH_BINS) - 1 else f"{low}-{LENGTH_BINS[index + 1]}"


def _text(text: str) -> str:
    return html.escape(text, quote=True)


_STYLE = """
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}
tr.low td{background:#fff3cd}td img{height:45px;margin-right:2px;vertical-align:middle}
.strip{overflow-x:auto;border:1px solid #ccc;padding:4px}.canvas{width:100%;position:relative}
.lane{display:flex;align-items:center;height:22px}.lane label{width:9em;flex:none;font-size:12px;overflow:hidden}
.track{position:relative;flex:1;height:16px;background:#f7f7f7}
.block{position:absolute;top:0;height:16px;box-sizing:border-box;border:1px solid rgba(0,0,0,.25)}
.block.shot{background:#90a4ae}.block.found{opacity:.6}.ruler{position:relative;height:18px;margin-left:9em;font-size:11px;color:#666}
.ruler span{position:absolute;top:0;border-left:1px solid #999;padding-left:2px}
.histogram .bar{display:grid;grid-template-columns:4em 20em 4em;align-items:center;gap:6px}
.histogram i{display:block;height:12px;background:#607d8b}.histogram b{font-weight:normal}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #999}
"""

_SCRIPT = """
document.querySelectorAll('.zoom').forEach(function (zoom) {
  var canvas = document.getElementById(zoom.id.replace('zoom', 'canvas'));
  zoom.addEventListener('input', function (e) { canvas.style.width = (100 * e.target.value) + '%'; });
});
document.querySelectorAll('table.segments').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.dataset.type === 'n';
      var down = th.dataset.down !== '1';
      th.dataset.down = down ? '1' : '0';
      rows.sort(function (a, b) {
        var x = a.cells[column].textContent, y = b.cells[column].textContent;
        var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return down ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""
