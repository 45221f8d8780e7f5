"""A cut list as FCPXML 1.9 to 1.14 (adapter ``rekognition_fcpxml``), for
Final Cut Pro (DaVinci Resolve and Premiere import it too).

How FCPXML places things, and so how this writer does:

- Every time is a rational number of seconds; here always a whole number of
  the format's ``frameDuration`` (``1001/30000s``), reduced, ``0s`` for zero.
- A sequence's own timeline begins at its ``tcStart``: the record start
  timecode. Spine items' ``offset`` is a position on that timeline, so the
  first clip of a sequence starting at 01:00:00:00 has ``offset="3600s"``.
- Every element has a local timeline that begins at its ``start``; its
  markers and connected clips are placed in that local time. An asset-clip's
  local time is media time (``start`` = first source frame); a gap's ``start``
  is written equal to its ``offset``, so its local time is record time.
- Shots are asset-clips in the primary storyline (the spine) with a gap
  wherever the record position jumps. Cue tracks become connected asset-clips
  in lanes 1, 2, ... anchored to the spine item under their first frame.
- Markers go on the spine item under their first frame. FCPXML markers have
  no colour: the note carries it (``"Slate, confidence 94.61%, colour YELLOW"``).
  A marker past the last shot gets a trailing gap to sit on, so none is lost.
"""

from __future__ import annotations

import bisect
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from otio_rekognition import frames, names
from otio_rekognition.errors import AdapterArgumentError, TimelineError
from otio_rekognition.timeline.cutlist import CutList, Event, Locator, Media, bin_name, event_spans
from otio_rekognition.timeline.layout import KIND_CUE
from otio_rekognition.writers.defaults import DEFAULT_FRAME_SIZE

# Cues that are not programme: a "reject" rating hides them in Final Cut Pro's browser.
REJECTED_CUES = frozenset({"ColorBars", "Slate", "BlackFrames"})
# What becomes a keyword range with the keywords option: cues by type, and labels (what editors file clips by).
KEYWORD_KINDS = frozenset({KIND_CUE, "labels"})  # cues and the label analysis's markers
VERSIONS = ("1.9", "1.10", "1.11", "1.12", "1.13", "1.14")
DEFAULT_VERSION = "1.10"
_FORMAT_ID = "r1"
# A sequence's sample rates, as the DTD's %audioHz; names them.
SEQUENCE_AUDIO_RATES = {32_000: "32k", 44_100: "44.1k", 48_000: "48k", 88_200: "88.2k", 96_000: "96k",
                        176_400: "176.4k", 192_000: "192k"}  # fmt: skip
# otioconvert's literal_eval turns `-A version=1.10` into the float 1.1.
_VERSION_BY_NUMBER = {float(version): version for version in VERSIONS}
T = TypeVar("T")


@dataclass(frozen=True)
class _SpineItem:
    """An asset-clip (``event``) or a gap (``event`` None) of the spine."""

    record_first: int  # frames after the record start
    length: int
    local_start: int  # frame at which the item's local time begins
    event: Event | None

    def local(self, record_first: int) -> int:
        """The item's local time at a record frame."""
        return self.local_start + record_first - self.record_first


def parse_version(name: str, value: object) -> str:
    """The FCPXML version to declare: ``"1.10"``, also given as the float 1.1."""
    if value is None:
        return DEFAULT_VERSION
    if isinstance(value, float):
        version = _VERSION_BY_NUMBER.get(value)
    else:
        version = value.strip() if isinstance(value, str) else None
    if version not in VERSIONS:
        raise AdapterArgumentError(f"argument {name}: expected one of {', '.join(VERSIONS)}, got {value!r}")
    return version


@dataclass(frozen=True)
class Extras:
    """What Final Cut Pro can do with cues beyond markers, each opt-in."""

    keywords: bool = False  # a keyword range per cue (its type) and per label: Keyword Collections
    reject: bool = False  # a "reject" rating over colour bars, slates and black
    todo_below: float | None = None  # cues less confident than this: to-do markers


def write_fcpxml(
    cuts: CutList, version: str | None = DEFAULT_VERSION, chapter_markers: bool = False, extras: Extras = Extras()
) -> str:
    """FCPXML text of ``cuts``; the format is the video's size, else 1920x1080."""
    cuts = cuts.for_timecode()
    frame = 1 / cuts.rate
    spine_items = _spine_items(cuts)
    assets = _asset_ids([cuts])
    root, event = _document(version, [cuts], assets)
    project = ET.SubElement(event, "project", name=cuts.name)
    end = spine_items[-1].record_first + spine_items[-1].length if spine_items else 0
    sequence = ET.SubElement(
        project,
        "sequence",
        format=_FORMAT_ID,
        duration=_time(end, frame),
        tcStart=_time(cuts.record_start, frame),
        tcFormat=_tc_format(cuts),
    )
    sound = cuts.sound
    if sound is not None:
        # Final Cut's layouts: mono, stereo, or 5.1 surround (six channels or more).
        most = cuts.channels  # the clip with the most (several videos' may differ)
        sequence.set("audioLayout", "mono" if most == 1 else "surround" if most >= 6 else "stereo")
        # The sequence's rate is one of Final Cut's (its DTD lists them); an asset's may be any.
        nearest = min(SEQUENCE_AUDIO_RATES, key=lambda rate: abs(rate - sound.sample_rate))
        sequence.set("audioRate", SEQUENCE_AUDIO_RATES[nearest])
    spine = ET.SubElement(sequence, "spine")
    lanes = enumerate(cuts.cue_tracks, start=1)
    connected = _attach(spine_items, ((cue.record_first, (lane, cue)) for lane, track in lanes for cue in track))
    markers = _attach(spine_items, ((locator.record_first, locator) for locator in cuts.locators))
    marker_tag = "chapter-marker" if chapter_markers else "marker"
    for item, item_connected, item_markers in zip(spine_items, connected, markers, strict=True):
        offset = cuts.record_start + item.record_first
        element = (
            _gap_element(item, offset, frame)
            if item.event is None
            else _asset_clip(item.event, offset, cuts, frame, assets)
        )
        # The DTD wants anchored items before markers.
        for lane, cue in item_connected:
            element.append(_asset_clip(cue, item.local(cue.record_first), cuts, frame, assets, lane))
        for locator in item_markers:
            element.append(_marker(marker_tag, locator, item, frame, extras))
        for locator in item_markers:
            element.extend(_extras(locator, item, frame, extras))
        spine.append(element)
    return _text(root)


def write_fcpxml_bin(
    clips: Sequence[CutList],
    version: str | None = DEFAULT_VERSION,
    chapter_markers: bool = False,
    extras: Extras = Extras(),
) -> str:
    """FCPXML text of a bin (see timeline.cutlist.bin_clips): an event of
    asset-clips, each a range of its asset (Final Cut's browser shows each as
    a clip of its own) with its markers, as Final Cut keeps clips in an event."""
    clips = [clip.for_timecode() for clip in clips]
    assets = _asset_ids(clips)
    root, event = _document(version, clips, assets, bin_name(clips))
    marker_tag = "chapter-marker" if chapter_markers else "marker"
    for clip in clips:
        [item] = _spine_items(clip)
        element = _asset_clip(clip.events[0], 0, clip, 1 / clip.rate, assets)
        element.set("name", clip.name)
        for locator in clip.locators:
            element.append(_marker(marker_tag, locator, item, 1 / clip.rate, extras))
        for locator in clip.locators:
            element.extend(_extras(locator, item, 1 / clip.rate, extras))
        event.append(element)
    return _text(root)


def _document(
    version: str | None, cut_lists: Sequence[CutList], assets: Mapping[Media, str], name: str | None = None
) -> tuple[ET.Element, ET.Element]:
    """The fcpxml element with its resources, and its library's one event (named after the first cut list)."""
    declared = parse_version("version", version)
    first = cut_lists[0]
    root = ET.Element("fcpxml", version=declared)
    root.append(_resources(1 / first.rate, first.frame_size or DEFAULT_FRAME_SIZE, assets))
    library = ET.SubElement(root, "library")
    event = ET.SubElement(library, "event", name=name or first.name)
    return root, event


def _text(root: ET.Element) -> str:
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _time(frames: int, frame: Fraction) -> str:
    seconds = frames * frame
    if seconds.denominator == 1:
        return f"{seconds.numerator}s"
    return f"{seconds.numerator}/{seconds.denominator}s"


def _tc_format(cuts: CutList) -> str:
    return frames.counting_label(cuts.drop_frame)


def _asset_ids(cut_lists: Sequence[CutList]) -> dict[Media, str]:
    """One asset per distinct media, in order of first use (r1 is the format)."""
    media = dict.fromkeys(
        event.media for cuts in cut_lists for track in (cuts.events, *cuts.cue_tracks) for event in track
    )
    return {item: f"r{number}" for number, item in enumerate(media, start=2)}


def _resources(frame: Fraction, size: tuple[int, int], assets: Mapping[Media, str]) -> ET.Element:
    """The sequence's format (r1), the assets, and a format of its own for an
    asset of another size (a proxy's), numbered after the assets."""
    resources = ET.Element("resources")
    formats = {size: _FORMAT_ID}
    for media in assets:
        if media.frame_size is not None and media.frame_size not in formats:
            formats[media.frame_size] = f"r{len(assets) + len(formats) + 1}"
    for (width, height), format_id in formats.items():
        ET.SubElement(resources, "format", id=format_id, frameDuration=_time(1, frame), width=str(width),
                      height=str(height))  # fmt: skip
    for media, asset_id in assets.items():
        asset = ET.SubElement(
            resources,
            "asset",
            id=asset_id,
            name=names.safe_name(media.name),
            start=_time(media.start, frame),
            duration=_time(media.length, frame),
            hasVideo="1",
            format=formats[media.frame_size] if media.frame_size is not None else _FORMAT_ID,
        )
        if media.sound is not None:
            asset.set("hasAudio", "1")
            asset.set("audioSources", str(media.sound.streams))
            asset.set("audioChannels", str(media.sound.channels))
            asset.set("audioRate", str(media.sound.sample_rate))
        ET.SubElement(asset, "media-rep", kind="original-media", src=names.media_url(media.url))
    return resources


def _spine_items(cuts: CutList) -> list[_SpineItem]:
    """The shots with a gap before each jump in record position, and a
    trailing gap under cue clips and markers that lie after the last shot, so
    that every one of them has a spine item to be attached to."""
    locators = cuts.locators  # in record order
    if locators and locators[0].record_first < 0:
        raise TimelineError(
            f"marker {locators[0].name!r} starts {-locators[0].record_first} frames before the record start"
        )
    end = max(cuts.duration, locators[-1].record_first + 1 if locators else 0)
    spans = event_spans(cuts.events, end)
    # A gap's local time is record time; a clip's is its media's.
    return [
        _SpineItem(
            span.first, span.length, span.item.source_first if span.item else cuts.record_start + span.first, span.item
        )
        for span in spans
    ]


def _attach(items: Sequence[_SpineItem], things: Iterable[tuple[int, T]]) -> list[list[T]]:
    """Each (record frame, thing) on the spine item under that frame, which
    ``_spine_items`` guarantees exists."""
    starts = [item.record_first for item in items]
    attached: list[list[T]] = [[] for _ in items]
    for record_first, thing in things:
        attached[bisect.bisect_right(starts, record_first) - 1].append(thing)
    return attached


def _gap_element(item: _SpineItem, offset: int, frame: Fraction) -> ET.Element:
    return ET.Element(
        "gap",
        name="Gap",
        offset=_time(offset, frame),
        start=_time(item.local_start, frame),
        duration=_time(item.length, frame),
    )


def _asset_clip(
    event: Event, offset: int, cuts: CutList, frame: Fraction, assets: Mapping[Media, str], lane: int = 0
) -> ET.Element:
    """A shot in the spine (``offset`` in sequence time) or a cue clip
    connected in ``lane`` (``offset`` in its parent's local time)."""
    clip = ET.Element("asset-clip", ref=assets[event.media])
    if lane:
        clip.set("lane", str(lane))
        if event.media.sound is not None:
            clip.set("srcEnable", "video")  # the shot under it carries the sound already
    clip.set("offset", _time(offset, frame))
    clip.set("name", event.name)
    clip.set("start", _time(event.source_first, frame))
    clip.set("duration", _time(event.length, frame))
    clip.set("tcFormat", _tc_format(cuts))
    if not lane and event.media.sound is not None:
        clip.set("audioRole", "dialogue")
    return clip


def _marker(tag: str, locator: Locator, parent: _SpineItem, frame: Fraction, extras: Extras) -> ET.Element:
    note = ", ".join(part for part in (locator.comment, f"colour {locator.color}") if part)
    marker = ET.Element(
        tag,
        start=_time(parent.local(locator.record_first), frame),
        duration=_time(locator.length, frame),
        value=locator.name,
        note=note,
    )
    below = extras.todo_below
    if tag == "marker" and locator.kind == KIND_CUE and below is not None and (locator.confidence or 0) < below:
        marker.set("completed", "0")  # a to-do marker: someone should look
    return marker


def _extras(locator: Locator, parent: _SpineItem, frame: Fraction, extras: Extras) -> list[ET.Element]:
    if locator.kind not in KEYWORD_KINDS:
        return []
    start, duration = _time(parent.local(locator.record_first), frame), _time(locator.length, frame)
    found = []
    if extras.keywords:
        value = locator.name.replace(",", " ")  # a keyword's value is a comma list
        found.append(ET.Element("keyword", start=start, duration=duration, value=value, note=locator.text))
    if extras.reject and locator.kind == KIND_CUE and locator.name in REJECTED_CUES:
        found.append(
            ET.Element("rating", name=locator.name, start=start, duration=duration, value="reject", note=locator.text)
        )
    return found
