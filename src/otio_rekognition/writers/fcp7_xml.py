"""A cut list as FCP7 XML (xmeml version 5, adapter ``rekognition_fcp7_xml``):
the interchange format Premiere Pro and DaVinci Resolve import.

One ``<sequence>``: the shot track and any cue tracks as video ``<track>``s of
``<clipitem>``s, and every locator as a sequence ``<marker>`` in record frames
(the stock fcp_xml reader drops track markers, and Premiere and Resolve import
sequence markers as timeline markers). Everything written is allowed by Apple's
xmeml v5 DTD: markers have no colour element there, so colour, duration and
confidence go into the marker's comment.

Timing, as the interchange format defines it: ``start``/``end`` place a
clipitem in the sequence, counted from the sequence's first frame (0), end
exclusive; ``in``/``out`` select frames of the media counted from the media's
first frame, out exclusive, while the file's ``<timecode>`` gives that first
frame's timecode; a marker's ``in``/``out`` are sequence frames, out exclusive.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from fractions import Fraction

from otio_rekognition import frames, names
from otio_rekognition.timeline.cutlist import CutList, Event, Locator, Media

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n'


def write_fcp7_xml(cuts: CutList) -> str:
    """The xmeml document of ``cuts``; the video's size is written as the
    sequence's and the media's format when known."""
    sequence = ET.Element("sequence", id="sequence-1")
    _add(sequence, "name", cuts.name)
    _add(sequence, "duration", cuts.duration)
    sequence.append(_rate(cuts.rate))
    sequence.append(_timecode(cuts, cuts.record_start))
    video = ET.SubElement(ET.SubElement(sequence, "media"), "video")
    video.append(_format(cuts.rate, cuts.frame_size))
    files = _Files(cuts)
    clip_ids = (f"clipitem-{number}" for number in itertools.count(1))
    for events in (cuts.events, *cuts.cue_tracks):
        track = ET.SubElement(video, "track")
        track.extend(_clipitem(event, cuts.rate, next(clip_ids), files) for event in events)
    sequence.extend(_marker(locator) for locator in cuts.locators)
    root = ET.Element("xmeml", version="5")
    root.append(sequence)
    ET.indent(root)
    return HEADER + ET.tostring(root, encoding="unicode") + "\n"


class _Files:
    """``<file>`` elements: the first one of each media carries its whole
    description, later ones only refer to it by id, as the format requires."""

    def __init__(self, cuts: CutList) -> None:
        self._cuts = cuts
        self._ids: dict[Media, str] = {}

    def element(self, media: Media) -> ET.Element:
        if media in self._ids:
            return ET.Element("file", id=self._ids[media])
        file_id = self._ids[media] = f"file-{len(self._ids) + 1}"
        file = ET.Element("file", id=file_id)
        _add(file, "name", names.safe_name(media.name))
        _add(file, "pathurl", names.media_url(media.url))
        file.append(_rate(self._cuts.rate))
        _add(file, "duration", media.length)
        file.append(_timecode(self._cuts, media.start))
        video = ET.SubElement(ET.SubElement(file, "media"), "video")
        _add(video, "duration", media.length)
        video.append(_sample_characteristics(self._cuts.rate, self._cuts.frame_size))
        return file


def _clipitem(event: Event, rate: Fraction, clip_id: str, files: _Files) -> ET.Element:
    source_in = event.source_first - event.media.start
    clipitem = ET.Element("clipitem", id=clip_id)
    _add(clipitem, "name", event.name)
    _add(clipitem, "duration", event.media.length)
    clipitem.append(_rate(rate))
    _add(clipitem, "start", event.record_first)
    _add(clipitem, "end", event.record_first + event.length)
    _add(clipitem, "in", source_in)
    _add(clipitem, "out", source_in + event.length)
    clipitem.append(files.element(event.media))
    return clipitem


def _marker(locator: Locator) -> ET.Element:
    # Every locator spans at least one frame, so none is written as a point
    # marker (out -1): a one-frame cue keeps its one frame.
    marker = ET.Element("marker")
    _add(marker, "name", locator.name)
    _add(marker, "comment", _marker_comment(locator))
    _add(marker, "in", locator.record_first)
    _add(marker, "out", locator.record_first + locator.length)
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


def _add(parent: ET.Element, tag: str, value: object) -> None:
    ET.SubElement(parent, tag).text = str(value)
