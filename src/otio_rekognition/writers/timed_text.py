"""Markers and chapters for players, subtitle tools and YouTube, from a cut
list: WebVTT and SRT cues, WebVTT chapters, ffmpeg metadata chapters and a
YouTube chapter list.

Times are media time from 0, what a player shows: a cut list's record
positions count from its record start, and for a timeline of a job those are
the video's own frames. A frame's cue starts at the first millisecond at or
after the frame begins and ends at the first millisecond at or after the next
frame begins, so a player rounding down lands on the marked frames.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from otio_rekognition import names
from otio_rekognition.errors import AdapterArgumentError, RekognitionWarning, TimelineError
from otio_rekognition.timeline.cutlist import CutList, Locator
from otio_rekognition.timeline.layout import KIND_CUE

CUES, SHOTS = "cues", "shots"
CHAPTER_SOURCES = (CUES, SHOTS)
# Not a chapter: black is what lies between programme parts.
NOT_CHAPTERS = frozenset({"BlackFrames"})
YOUTUBE_SHORTEST = 10  # seconds; YouTube ignores a list with a shorter chapter
YOUTUBE_FEWEST = 3
YOUTUBE_DESCRIPTION_LENGTH = 5000
SHOT_CHANGE_UNITS = ("seconds", "frames", "timecode")


@dataclass(frozen=True)
class Chapter:
    first: int  # frame, media time
    end: int  # exclusive: the next chapter's first frame, or the end of the programme
    title: str


# WebVTT cue text is HTML-like: these three are the spec's escapes, and
# escaping ">" also keeps "-->" (which would end the cue) out of the text.
_VTT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# SRT has no escapes, but its readers take <b>/<i>/<font> as HTML tags and
# {...} and \N as ASS overrides (ffmpeg, VLC, mpv): those characters become
# look-alikes that no reader interprets, which also keeps "-->" out.
SRT_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", "{": "\uff5b", "}": "\uff5d", "\\": "\uff3c"})


def vtt_text(text: str) -> str:
    """One line of WebVTT cue text that reads back as ``text``."""
    return names.safe_name(text).translate(_VTT_ESCAPES) or " "


def srt_text(text: str) -> str:
    """One line of SRT cue text that every reader shows as it is written."""
    return names.safe_name(text).translate(SRT_LOOKALIKES) or " "


def warn_if_no_markers(cuts: CutList, file_format: str) -> None:
    """A marker list without markers is a valid, empty file: say so rather than let it pass as a result."""
    if not cuts.locators:
        warnings.warn(
            f"timeline {cuts.name!r}: no markers (cues or detections) to write: the {file_format} has none",
            RekognitionWarning,
            stacklevel=3,
        )


def webvtt(cuts: CutList) -> str:
    """Every marker a WebVTT cue, text = its name and details."""
    warn_if_no_markers(cuts, "WebVTT file")
    blocks = [
        f"{_vtt_time(cuts, first)} --> {_vtt_time(cuts, end)}\n{vtt_text(text)}"
        for first, end, text in _marker_cues(cuts)
    ]
    return "WEBVTT\n\n" + "".join(f"{block}\n\n" for block in blocks)


def srt(cuts: CutList) -> str:
    """Every marker a numbered SRT cue."""
    warn_if_no_markers(cuts, "SRT file")
    blocks = [
        f"{number}\n{_srt_time(cuts, first)} --> {_srt_time(cuts, end)}\n{srt_text(text)}"
        for number, (first, end, text) in enumerate(_marker_cues(cuts), start=1)
    ]
    return "".join(f"{block}\n\n" for block in blocks)


def webvtt_chapters(cuts: CutList, chapters: str = CUES) -> str:
    """A WebVTT file for ``<track kind="chapters">``: one cue per chapter, no overlaps."""
    cues = [
        f"{_vtt_time(cuts, c.first)} --> {_vtt_time(cuts, c.end)}\n{vtt_text(c.title)}"
        for c in chapter_list(cuts, chapters)
    ]
    return "WEBVTT\n\n" + "".join(f"{cue}\n\n" for cue in cues)


def ffmetadata(cuts: CutList, chapters: str = CUES) -> str:
    """ffmpeg's metadata file, chapters in milliseconds like the timed text
    (a container stores them in its own time base, and rounding a frame's
    exact start could land on the frame before):
    ``ffmpeg -i v.mp4 -i c.ffmetadata -map_metadata 1 -map_chapters 1 -c copy out.mp4``."""
    lines = [";FFMETADATA1", f"title={_escaped(cuts.name)}"]
    for chapter in chapter_list(cuts, chapters):
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={_millis(cuts, chapter.first)}",
            f"END={_millis(cuts, chapter.end)}",
            f"title={_escaped(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def youtube_chapters(cuts: CutList, chapters: str = CUES) -> str:
    """A YouTube chapter list for a video's description: the first at 0:00,
    each at least 10 seconds (shorter ones joined to the one before), at
    least three, ascending; a job that cannot make three is an error."""
    kept: list[tuple[int, int, str]] = []  # start second, end second, title
    for chapter in chapter_list(cuts, chapters):
        start, end = _second(cuts, chapter.first), _second(cuts, chapter.end)
        if not kept:
            kept.append((0, end, chapter.title))  # YouTube's first chapter is at 0:00
        elif start - kept[-1][0] < YOUTUBE_SHORTEST:
            first, _, title = kept.pop()
            kept.append((first, end, f"{title} / {chapter.title}"))
        else:
            kept.append((start, end, chapter.title))
    if len(kept) > 1 and kept[-1][1] - kept[-1][0] < YOUTUBE_SHORTEST:
        last = kept.pop()
        first, _, title = kept.pop()
        kept.append((first, last[1], f"{title} / {last[2]}"))
    if len(kept) < YOUTUBE_FEWEST:
        raise TimelineError(
            f"timeline {cuts.name!r}: only {len(kept)} chapter(s) of at least {YOUTUBE_SHORTEST} seconds; YouTube "
            f"needs {YOUTUBE_FEWEST} (try --chapters shots)"
        )
    text = "".join(f"{_youtube_time(start)} {title}\n" for start, _, title in kept)
    if len(text) > YOUTUBE_DESCRIPTION_LENGTH:
        warnings.warn(
            f"timeline {cuts.name!r}: the chapter list is {len(text):,} characters; a YouTube description holds "
            f"{YOUTUBE_DESCRIPTION_LENGTH:,}, so YouTube will not take it whole (try --chapters cues)",
            RekognitionWarning,
            stacklevel=2,
        )
    return text


def shot_changes(cuts: CutList, unit: str = "seconds") -> str:
    """The frame of every cut, one a line, for subtitle tools that snap to
    shot changes: as seconds (three decimals), frames, or timecode."""
    if unit not in SHOT_CHANGE_UNITS:
        raise AdapterArgumentError(f"argument unit: expected one of {', '.join(SHOT_CHANGE_UNITS)}, got {unit!r}")
    starts = sorted({event.record_first for event in cuts.events if event.record_first > 0})
    if unit == "seconds":
        return "".join(f"{float(cuts.millis(frame) / 1000):.3f}\n" for frame in starts)
    if unit == "frames":
        return "".join(f"{frame}\n" for frame in starts)
    counted = cuts.for_timecode()
    return "".join(f"{counted.timecode(counted.record_start + frame)}\n" for frame in starts)


def parse_chapter_source(name: str, value: object) -> str:
    if value not in CHAPTER_SOURCES:
        raise AdapterArgumentError(f"argument {name}: expected one of {', '.join(CHAPTER_SOURCES)}, got {value!r}")
    return str(value)


def chapter_list(cuts: CutList, chapters: str = CUES) -> list[Chapter]:
    """The programme's chapters: its technical cues but black (``cues``), or
    every shot (``shots``), in time order, each running to the next one's
    start; the last to the end of the programme."""
    if parse_chapter_source("chapters", chapters) == SHOTS:
        starts = [(event.record_first, event.name) for event in cuts.events]
    else:
        starts = [(locator.record_first, locator.name) for locator in _chapter_cues(cuts.locators)]
    titles: dict[int, str] = {}
    for first, title in sorted(starts, key=lambda start: start[0]):
        titles[first] = f"{titles[first]} / {title}" if first in titles else title
    if not titles:
        raise TimelineError(f"timeline {cuts.name!r}: no {chapters} to make chapters of")
    firsts = sorted(titles)
    ends = [*firsts[1:], max(cuts.duration, firsts[-1] + 1)]
    return [Chapter(first, end, names.safe_name(titles[first])) for first, end in zip(firsts, ends, strict=True)]


def _chapter_cues(locators: Sequence[Locator]) -> Iterator[Locator]:
    return (locator for locator in locators if locator.kind == KIND_CUE and locator.name not in NOT_CHAPTERS)


def _marker_cues(cuts: CutList) -> Iterator[tuple[int, int, str]]:
    for locator in cuts.locators:
        yield locator.record_first, locator.record_first + locator.length, locator.text


def _millis(cuts: CutList, frame: int) -> int:
    """The first whole millisecond at or after the start of ``frame`` (in
    integers at a constant rate: a list may have a million cues)."""
    if cuts.frame_starts is None:
        return -(-frame * 1000 * cuts.rate.denominator // cuts.rate.numerator)
    return math.ceil(cuts.millis(frame))


def _clock(millis: int) -> tuple[int, int, int, int]:
    seconds, thousandths = divmod(millis, 1000)
    minutes, ss = divmod(seconds, 60)
    hours, mm = divmod(minutes, 60)
    return hours, mm, ss, thousandths


def _vtt_time(cuts: CutList, frame: int) -> str:
    hours, minutes, seconds, thousandths = _clock(_millis(cuts, frame))
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{thousandths:03d}"


def _srt_time(cuts: CutList, frame: int) -> str:
    hours, minutes, seconds, thousandths = _clock(_millis(cuts, frame))
    return f"{hours:02d}:{minutes:02d}:{seconds:02d},{thousandths:03d}"


def _second(cuts: CutList, frame: int) -> int:
    """The whole second a frame starts in (YouTube's chapters are in seconds)."""
    return math.floor(cuts.millis(frame) / 1000)


def _youtube_time(seconds: int) -> str:
    minutes, ss = divmod(seconds, 60)
    hours, mm = divmod(minutes, 60)
    return f"{hours}:{mm:02d}:{ss:02d}" if hours else f"{mm}:{ss:02d}"


def _escaped(text: str) -> str:
    """ffmetadata values escape ``=``, ``;``, ``#``, ``\\`` and newlines with ``\\``."""
    return "".join(f"\\{character}" if character in "=;#\\\n" else character for character in names.safe_name(text))
