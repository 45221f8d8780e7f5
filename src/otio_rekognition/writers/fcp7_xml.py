"""A cut list as FCP7 XML (xmeml version 5, adapter ``rekognition_fcp7_xml``):
the interchange format Premiere Pro and DaVinci Resolve import.

One ``<sequence>``: the shot track and any cue tracks as video ``<track>``s of
``<clipitem>``s, and every locator as a sequence ``<marker>`` in record frames
(the stock fcp_xml reader drops track markers, and Premiere and Resolve import
sequence markers as timeline markers). The video's sound follows the shots:
a mono audio track per channel, each clipitem linked to its shot's, as Premiere
writes them. Everything written is allowed by Apple's xmeml v5 DTD but
Premiere's marker colour, ``<pproColor>``; colour, duration and confidence also
go into the marker's comment for every other reader.

Timing, as the interchange format defines it: ``start``/``end`` place a
clipitem in the sequence, counted from the sequence's first frame (0), end
exclusive; ``in``/``out`` select frames of the media counted from the media's
first frame, out exclusive, while the file's ``<timecode>`` gives that first
frame's timecode; a marker's ``in``/``out`` are sequence frames, out exclusive.
"""

from __future__ import annotations

import dataclasses
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from fractions import Fraction

from otio_rekognition import frames, names
from otio_rekognition.timeline.cutlist import CutList, Event, Locator, Media, bin_name, is_master

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n'
# Premiere reads a marker's colour from <pproColor>, an ABGR integer, as its own
# XML export writes it; its eight colours take OTIO's nearest (black, which it
# lacks, the white of an unknown cue type). Other xmeml readers skip the element.
_PREMIERE = {"green": 4281828977, "red": 4281740498, "purple": 4289825711, "orange": 4280578025,
             "yellow": 4281049552, "white": 4294967295, "blue": 4294741314, "cyan": 4292277273}  # fmt: skip
PREMIERE_MARKER_COLORS = {
    "RED": _PREMIERE["red"],
    "PINK": _PREMIERE["purple"],
    "ORANGE": _PREMIERE["orange"],
    "YELLOW": _PREMIERE["yellow"],
    "GREEN": _PREMIERE["green"],
    "CYAN": _PREMIERE["cyan"],
    "BLUE": _PREMIERE["blue"],
    "PURPLE": _PREMIERE["purple"],
    "MAGENTA": _PREMIERE["purple"],
    "BLACK": _PREMIERE["white"],
    "WHITE": _PREMIERE["white"],
}


def write_fcp7_xml(cuts: CutList) -> str:
    """The xmeml document of ``cuts``; the video's size is written as the
    sequence's and the media's format when known."""
    cuts = cuts.for_timecode()
    sequence = ET.Element("sequence", id="sequence-1")
    _add(sequence, "name", cuts.name)
    _add(sequence, "duration", cuts.duration)
    sequence.append(_rate(cuts.rate))
    sequence.append(_timecode(cuts, cuts.record_start))
    media = ET.SubElement(sequence, "media")
    video = ET.SubElement(media, "video")
    video.append(_format(cuts.rate, cuts.frame_size))
    files = _Files()
    clip_ids = (f"clipitem-{number}" for number in itertools.count(1))
    video_tracks = [[(event, next(clip_ids)) for event in events] for events in (cuts.events, *cuts.cue_tracks)]
    # Sound follows picture: each shot's channels as mono tracks A1, A2..., linked to the shot.
    sound_tracks = [
        [(event, next(clip_ids)) for event in cuts.heard(channel)] for channel in range(1, cuts.channels + 1)
    ]
    links = _links(video_tracks[0], sound_tracks)
    for items in video_tracks:
        track = ET.SubElement(video, "track")
        track.extend(_clipitem(event, cuts, clip_id, files, links.get(clip_id, ())) for event, clip_id in items)
    if sound_tracks:
        audio = ET.SubElement(media, "audio")
        audio.append(
            _audio_format(max(event.media.sound.sample_rate for event, _ in sound_tracks[0] if event.media.sound))
        )
        for channel, items in enumerate(sound_tracks, start=1):
            track = ET.SubElement(audio, "track")
            track.extend(_clipitem(event, cuts, clip_id, files, links.get(clip_id, ()), channel)
                         for event, clip_id in items)  # fmt: skip
            _add(track, "outputchannelindex", channel)
    sequence.extend(_marker(locator) for locator in cuts.locators)
    root = ET.Element("xmeml", version="5")
    root.append(sequence)
    ET.indent(root)
    return HEADER + ET.tostring(root, encoding="unicode") + "\n"


def write_fcp7_bin(clips: Sequence[CutList]) -> str:
    """The xmeml document of a bin (see timeline.cutlist.bin_clips): a
    ``<bin>`` of ``<clip>``s, each video's master clip (its whole file, its
    sound as mono tracks, every marker) and then its shots' subclips (a range
    of the master, ``<subclipinfo>`` saying how much of it is left out at
    each end), their markers in frames of the media, as Premiere imports them."""
    clips = [clip.for_timecode() for clip in clips]
    files = _Files()
    children = ET.Element("children")
    masters: dict[Media, str] = {}
    clip_ids = (f"clipitem-{number}" for number in itertools.count(1))
    subclip_ids = (f"subclip-{number}" for number in itertools.count(1))
    for clip in clips:
        event = clip.events[0]
        media = event.media
        source_in = event.source_first - media.start
        master = is_master(clip)
        if master:
            masters[media] = f"masterclip-{len(masters) + 1}"
        element = ET.SubElement(children, "clip", id=masters[media] if master else next(subclip_ids))
        _add(element, "name", clip.name)
        _add(element, "duration", event.length)
        element.append(_rate(clip.rate))
        _add(element, "in", source_in)
        _add(element, "out", source_in + event.length)
        _add(element, "masterclipid", masters[media])
        _add(element, "ismasterclip", "TRUE" if master else "FALSE")
        if not master:
            info = ET.SubElement(element, "subclipinfo")
            _add(info, "startoffset", source_in)
            _add(info, "endoffset", media.length - source_in - event.length)
        whole = dataclasses.replace(event, record_first=0)
        element_media = ET.SubElement(element, "media")
        video = ET.SubElement(ET.SubElement(element_media, "video"), "track")
        video.append(_clipitem(whole, clip, next(clip_ids), files, ()))
        if media.sound is not None:
            audio = ET.SubElement(element_media, "audio")
            for channel in range(1, media.sound.channels + 1):
                track = ET.SubElement(audio, "track")
                track.append(_clipitem(whole, clip, next(clip_ids), files, (), channel))
        # A clip's markers are in frames of its media.
        element.extend(_marker(dataclasses.replace(locator, record_first=locator.record_first + source_in))
                       for locator in clip.locators)  # fmt: skip
    root = ET.Element("xmeml", version="5")
    folder = ET.SubElement(root, "bin")
    _add(folder, "name", bin_name(clips))
    folder.append(children)
    ET.indent(root)
    return HEADER + ET.tostring(root, encoding="unicode") + "\n"


class _Files:
    """``<file>`` elements: the first one of each media carries its whole
    description (counted as ``cuts``, the cut list it is first used in,
    counts: a bin's videos may each have their own rate and timecode), later
    ones only refer to it by id, as the format requires."""

    def __init__(self) -> None:
        self._ids: dict[Media, str] = {}

    def element(self, media: Media, cuts: CutList) -> ET.Element:
        if media in self._ids:
            return ET.Element("file", id=self._ids[media])
        file_id = self._ids[media] = f"file-{len(self._ids) + 1}"
        file = ET.Element("file", id=file_id)
        _add(file, "name", names.safe_name(media.name))
        _add(file, "pathurl", names.media_url(media.url))
        file.append(_rate(cuts.rate))
        _add(file, "duration", media.length)
        file.append(_timecode(cuts, media.start))
        file_media = ET.SubElement(file, "media")
        video = ET.SubElement(file_media, "video")
        _add(video, "duration", media.length)
        video.append(_sample_characteristics(cuts.rate, media.frame_size or cuts.frame_size))
        if media.sound is not None:
            audio = ET.SubElement(file_media, "audio")
            audio.append(_audio_characteristics(media.sound.sample_rate))
            _add(audio, "channelcount", media.sound.channels)
        return file


def _clipitem(
    event: Event, cuts: CutList, clip_id: str, files: _Files, links: Sequence[ET.Element], channel: int = 0
) -> ET.Element:
    """A clip of picture, or of one channel of the media's sound (``channel`` from 1)."""
    rate = cuts.rate
    source_in = event.source_first - event.media.start
    clipitem = ET.Element("clipitem", id=clip_id)
    _add(clipitem, "name", event.name)
    _add(clipitem, "duration", event.media.length)
    clipitem.append(_rate(rate))
    _add(clipitem, "start", event.record_first)
    _add(clipitem, "end", event.record_first + event.length)
    _add(clipitem, "in", source_in)
    _add(clipitem, "out", source_in + event.length)
    clipitem.append(files.element(event.media, cuts))
    if channel:
        source_track = ET.SubElement(clipitem, "sourcetrack")
        _add(source_track, "mediatype", "audio")
        _add(source_track, "trackindex", channel)
    clipitem.extend(links)
    return clipitem


def _links(
    shots: Sequence[tuple[Event, str]], sound: Sequence[Sequence[tuple[Event, str]]]
) -> dict[str, list[ET.Element]]:
    """Each shot's clipitem and those of its channels, linked to one another
    (every one of them lists them all, itself included, as Premiere writes them)."""
    by_event: dict[int, list[ET.Element]] = {}
    for clip_index, (event, clip_id) in enumerate(shots, start=1):
        by_event[id(event)] = [_link(clip_id, "video", 1, clip_index)]
    for channel, items in enumerate(sound, start=1):
        for clip_index, (event, clip_id) in enumerate(items, start=1):
            group = (channel + 1) // 2 if len(sound) > 1 else None  # stereo pairs: A1-A2, A3-A4...
            by_event[id(event)].append(_link(clip_id, "audio", channel, clip_index, group))
    linked: dict[str, list[ET.Element]] = {}
    for items in (shots, *sound):
        for event, clip_id in items:
            if len(by_event[id(event)]) > 1:
                linked[clip_id] = by_event[id(event)]
    return linked


def _link(clip_id: str, media_type: str, track: int, clip_index: int, group: int | None = None) -> ET.Element:
    link = ET.Element("link")
    _add(link, "linkclipref", clip_id)
    _add(link, "mediatype", media_type)
    _add(link, "trackindex", track)
    _add(link, "clipindex", clip_index)
    if group is not None:
        _add(link, "groupindex", group)
    return link


def _marker(locator: Locator) -> ET.Element:
    # Every locator spans at least one frame, so none is written as a point
    # marker (out -1): a one-frame cue keeps its one frame.
    marker = ET.Element("marker")
    _add(marker, "name", locator.name)
    _add(marker, "comment", _marker_comment(locator))
    _add(marker, "in", locator.record_first)
    _add(marker, "out", locator.record_first + locator.length)
    _add(marker, "pproColor", PREMIERE_MARKER_COLORS.get(locator.color.upper(), PREMIERE_MARKER_COLORS["WHITE"]))
    return marker


def _marker_comment(locator: Locator) -> str:
    """What xmeml v5 has no element for: the colour and the length in frames,
    after the comment that already names the cue type and its confidence."""
    frame_count = "1 frame" if locator.length == 1 else f"{locator.length} frames"
    return "; ".join(part for part in (locator.comment or locator.name, f"colour {locator.color}", frame_count) if part)


def _rate(rate: Fraction) -> ET.Element:
    # Timebase is the nominal rate; NTSC marks the 1000/1001 pull-down (23.976 is 24 NTSC).
    element = ET.Element("rate")
    _add(element, "timebase", round(rate))
    _add(element, "ntsc", "TRUE" if rate.denominator == 1001 else "FALSE")
    return element


def _timecode(cuts: CutList, frame: int) -> ET.Element:
    timecode = ET.Element("timecode")
    timecode.append(_rate(cuts.rate))
    _add(timecode, "string", cuts.timecode(frame))
    _add(timecode, "frame", frame)
    _add(timecode, "displayformat", frames.counting_label(cuts.drop_frame))
    return timecode


def _format(rate: Fraction, frame_size: tuple[int, int] | None) -> ET.Element:
    format_element = ET.Element("format")
    format_element.append(_sample_characteristics(rate, frame_size))
    return format_element


def _sample_characteristics(rate: Fraction, frame_size: tuple[int, int] | None) -> ET.Element:
    characteristics = ET.Element("samplecharacteristics")
    characteristics.append(_rate(rate))
    if frame_size is not None:
        _add(characteristics, "width", frame_size[0])
        _add(characteristics, "height", frame_size[1])
    return characteristics


def _audio_format(sample_rate: int) -> ET.Element:
    format_element = ET.Element("format")
    format_element.append(_audio_characteristics(sample_rate))
    return format_element


def _audio_characteristics(sample_rate: int) -> ET.Element:
    characteristics = ET.Element("samplecharacteristics")
    _add(characteristics, "depth", 16)
    _add(characteristics, "samplerate", sample_rate)
    return characteristics


def _add(parent: ET.Element, tag: str, value: object) -> None:
    ET.SubElement(parent, tag).text = str(value)
