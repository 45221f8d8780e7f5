"""A cut list as an AAF composition (adapter ``rekognition_aaf``): one Avid Media Composer
imports with its cuts, record timecode and locators intact.

What the stock OTIO AAF writer gets wrong and this one does not: it needs no
mob IDs in the timeline's metadata, writes every marker as an Avid locator
(a DescriptiveMarker in an EventMobSlot), gives the video Sequence its real
length, flags drop frame only at 29.97 and 59.94, and takes linear time.

Each media file gets one mob chain, as Avid builds it when it imports a
clip, so the sequence relinks: a tape SourceMob carrying the media's start
timecode, a file SourceMob whose descriptor locates the media by URL, and a
MasterMob that every SourceClip of the sequence references. A file with
sound has a slot per channel in each of them (physical tracks 1, 2...), and
the sequence a mono audio track per channel cut like the shots.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

from otio_rekognition import frames, names
from otio_rekognition.output import atomic_path
from otio_rekognition.timeline.cutlist import CutList, Event, Locator, event_spans, is_master, one_per_frame
from otio_rekognition.timeline.layout import Sound
from otio_rekognition.writers.defaults import DEFAULT_FRAME_SIZE, MARKER_USER

# Avid's eight classic locator colours as Media Composer writes them to
# CommentMarkerColor (16-bit RGB); older versions read only these values.
# OTIO's AAF reader maps each back to its OTIO colour.
AVID_COLOURS: dict[str, tuple[int, int, int]] = {
    "WHITE": (65534, 65535, 65535),
    "RED": (41471, 12134, 6564),
    "YELLOW": (58981, 58981, 6553),
    "GREEN": (13107, 52428, 13107),
    "CYAN": (13107, 52428, 52428),
    "BLUE": (13107, 13107, 52428),
    "MAGENTA": (52428, 13107, 52428),
    "BLACK": (0, 0, 0),
}
# Colours of Media Composer's extended locator palette, which newer versions
# name in _ATN_CRM_COLOR_EXTENDED. Their RGB values are ours, chosen so that a
# reader going by RGB alone (OTIO's does when no name is given) finds them.
EXTENDED_COLOURS: dict[str, tuple[int, int, int]] = {
    "PINK": (65535, 39321, 42598),
    "ORANGE": (65535, 32768, 0),
    "PURPLE": (32768, 0, 65535),
}
# For a colour OTIO has no name for (a plain timeline may carry any text):
# red, as OTIO's AAF reader defaults.
FALLBACK_COLOUR = "RED"

# Media Composer reads the primary timecode and a locator's track from
# physical track 1.
_PRIMARY_TRACK = 1
# The sequence's slots in the order Media Composer writes its own: timecode,
# V1 (shots), V2... (cue tracks), locators. OTIO's reader finds the track a
# locator describes by slot ID and physical track, so V1 must not share slot
# ID 1 with the master clips' picture slots.
_TIMECODE_SLOT = 1
_SHOTS_SLOT = 2
_PICTURE = "picture"
_SOUND = "sound"
# The tape SourceMob's timecode slot (its picture is slot 1).
_TIMECODE_IN_TAPE = 2
_DESCRIPTIVE = "DescriptiveMetadata"
_MOB_ID_NAMESPACE = uuid.UUID("5b0c7e4e-6f0e-4d8e-9a57-3d1f7c0a2a61")


def write_aaf(cuts: CutList, path: str | os.PathLike[str]) -> None:
    """Write ``cuts`` as an AAF file at ``path``; a failed run leaves no file there."""
    counted = cuts.for_timecode()
    with atomic_path(path) as temporary:
        _build(partial(_write_composition, counted), temporary)


def write_aaf_bin(clips: Sequence[CutList], path: str | os.PathLike[str]) -> None:
    """Write a bin (see timeline.cutlist.bin_clips) as an AAF file at ``path``,
    as Media Composer keeps one: per video its mob chain, the MasterMob
    carrying every marker as a locator, and a subclip per shot (a
    CompositionMob of usage SubClip whose slots are a range of the master
    clip's, with the locators that start in it)."""
    counted = [clip.for_timecode() for clip in clips]
    with atomic_path(path) as temporary:
        _build(partial(_write_bin, counted), temporary)


@dataclass(frozen=True)
class _Source:
    """The frames of one media file the cuts use: its available range,
    widened to cover any clip that reaches outside it."""

    url: str
    name: str
    tape: str
    start: int
    end: int
    sound: Sound | None
    frame_size: tuple[int, int] | None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class _Master:
    mob: Any  # aaf2.mobs.MasterMob
    start: int  # source frame of the MasterMob's first edit unit


def _build(write: Callable[[Any], None], path: Path) -> None:
    """``write(aaf)`` into a new AAF file at ``path``."""
    import aaf2

    failure: OSError | None = None
    try:
        with aaf2.open(str(path), "w") as aaf:
            write(aaf)
    except OSError as error:
        # Raised again without its traceback, which holds pyaaf2's half-written
        # file open in reference cycles (a full disk): collected here, the file
        # closes, or the disk stays busy.
        failure = OSError(error.errno, error.strerror)
    if failure is not None:
        gc.collect()
        raise failure


def _write_composition(cuts: CutList, aaf: Any) -> None:
    masters = {source.url: _Master(_mob_chain(aaf, source, cuts), source.start) for source in _sources([cuts])}
    _composition(aaf, cuts, masters)


def _write_bin(clips: Sequence[CutList], aaf: Any) -> None:
    masters: dict[str, _Master] = {}
    for clip in clips:
        event = clip.events[0]
        if is_master(clip):  # before its subclips; its mob chain at its own rate and timecode
            [source] = _sources([clip])
            masters[event.media.url] = _Master(_mob_chain(aaf, source, clip), source.start)
            mob = masters[event.media.url].mob
        else:
            master = masters[event.media.url]
            mob = aaf.create.CompositionMob(clip.name)
            mob.usage = "Usage_SubClip"
            start = event.source_first - master.start
            _add_slot(mob, clip.rate, _reference(aaf, master.mob, start, event.length))
            for channel in _channels(event.media.sound):
                segment = _reference(aaf, master.mob, start, event.length, channel)
                _add_slot(mob, clip.rate, segment, _sound_slot(channel), channel)
            aaf.content.mobs.append(mob)
        if clip.locators:
            # On the clip's picture (slot 1), from its first frame.
            mob.slots.append(_locator_slot(aaf, clip, max(slot.slot_id for slot in mob.slots) + 1, described=1))


def _sources(cut_lists: Sequence[CutList]) -> list[_Source]:
    sources: dict[str, _Source] = {}
    every_event = (event for cuts in cut_lists for track in (cuts.events, *cuts.cue_tracks) for event in track)
    for event in every_event:
        media = event.media
        start = min(media.start, event.source_first)
        end = max(media.start + media.length, event.source_first + event.length)
        known = sources.get(media.url)
        if known is not None:
            start, end = min(start, known.start), max(end, known.end)
        sources[media.url] = _Source(media.url, media.name, media.reel, start, end, media.sound, media.frame_size)
    return list(sources.values())


def _mob_chain(aaf: Any, source: _Source, cuts: CutList) -> Any:
    """Tape SourceMob <- file SourceMob <- MasterMob; returns the MasterMob."""
    rate = cuts.rate
    tape = aaf.create.SourceMob(source.tape)
    tape.mob_id = _mob_id(source, rate, "tape")
    tape.descriptor = aaf.create.TapeDescriptor()
    # A SourceClip without a mob ID: the tape is where the material originates.
    _add_slot(tape, rate, aaf.create.SourceClip(length=source.length, media_kind=_PICTURE))
    _add_slot(tape, rate, _timecode(aaf, source.start, source.length, cuts))
    for channel in _channels(source.sound):
        segment = aaf.create.SourceClip(length=source.length, media_kind=_SOUND)
        _add_slot(tape, rate, segment, _sound_slot(channel), channel)

    file = aaf.create.SourceMob(source.name)
    file.mob_id = _mob_id(source, rate, "file")
    file.descriptor = _descriptor(aaf, source, cuts.rate, source.frame_size or cuts.frame_size)
    _add_slot(file, rate, _reference(aaf, tape, 0, source.length))
    _add_sound_slots(aaf, file, tape, source, rate)

    master = aaf.create.MasterMob(source.name)
    master.mob_id = _mob_id(source, rate, "master")
    _add_slot(master, rate, _reference(aaf, file, 0, source.length))
    _add_sound_slots(aaf, master, file, source, rate)

    for mob in (tape, file, master):
        aaf.content.mobs.append(mob)
    return master


def _mob_id(source: _Source, rate: Fraction, role: str) -> Any:
    """The same media always gets the same mob IDs, so a second export
    links to the master clip the first one made in Avid."""
    import aaf2

    mob_id = aaf2.mobid.MobID.new()
    mob_id.material = uuid.uuid5(
        _MOB_ID_NAMESPACE, f"{role}|{source.url}|{source.start}|{source.length}|{frames.rate_text(rate)}"
    )
    return mob_id


def _add_slot(
    mob: Any, rate: Fraction, segment: Any, slot_id: int | None = None, track: int = _PRIMARY_TRACK, name: str = ""
) -> Any:
    slot = mob.create_timeline_slot(rate, slot_id)
    slot.segment = segment
    slot.name = name
    slot["PhysicalTrackNumber"].value = track
    return slot


def _reference(aaf: Any, mob: Any, start: int, length: int, channel: int = 0) -> Any:
    """A SourceClip of the picture slot (slot 1) of ``mob``, or of the slot of one of its sound channels."""
    if channel:
        return aaf.create.SourceClip(
            start=start, length=length, mob_id=mob.mob_id, slot_id=_sound_slot(channel), media_kind=_SOUND
        )
    return aaf.create.SourceClip(start=start, length=length, mob_id=mob.mob_id, slot_id=1, media_kind=_PICTURE)


def _channels(sound: Sound | None) -> range:
    """The sound's channels, from 1."""
    return range(1, sound.channels + 1 if sound else 1)


def _sound_slot(channel: int) -> int:
    """The slot of a sound channel in every mob of the chain: after the
    picture (1) and the tape's timecode (2), so that no master clip's slot
    shares the sequence's V1 slot ID and physical track (OTIO's reader would
    hang V1's locators on that channel's clip)."""
    return _TIMECODE_IN_TAPE + channel


def _add_sound_slots(aaf: Any, mob: Any, source_mob: Any, source: _Source, rate: Fraction) -> None:
    """A slot per sound channel, each on its physical track (A1 on 1...), at
    the picture's edit rate: the sequence cuts sound and picture together."""
    for channel in _channels(source.sound):
        _add_slot(mob, rate, _reference(aaf, source_mob, 0, source.length, channel), _sound_slot(channel), channel)


def _timecode(aaf: Any, start: int, length: int, cuts: CutList) -> Any:
    # FPS is the nominal rate (24 at 23.976); Start is in edit units, real
    # frames, so a drop-frame start needs no conversion.
    timecode = aaf.create.Timecode(round(cuts.rate), drop=cuts.drop_frame, length=length)
    timecode.start = start
    return timecode


def _descriptor(aaf: Any, source: _Source, rate: Fraction, frame_size: tuple[int, int] | None) -> Any:
    """The picture's descriptor, or with sound, a MultipleDescriptor of it and
    the sound's, as pyaaf2's AMA linking describes a movie file."""
    picture = _picture_descriptor(aaf, source, rate, frame_size)
    if source.sound is None:
        return picture
    sound = aaf.create.PCMDescriptor()
    samples = source.sound.sample_rate
    sound["SampleRate"].value = samples
    sound["AudioSamplingRate"].value = samples
    sound["Length"].value = round(source.length * samples / rate)
    sound["Channels"].value = source.sound.channels
    # What the file's sound is does not matter to a link; Avid's own mono files are 16 bits.
    sound["QuantizationBits"].value = 16
    sound["BlockAlign"].value = 2 * source.sound.channels
    sound["AverageBPS"].value = 2 * source.sound.channels * samples
    sound["Locator"].append(_locator(aaf, source))
    both = aaf.create.MultipleDescriptor()
    both["SampleRate"].value = rate
    both["Length"].value = source.length
    both["Locator"].append(_locator(aaf, source))
    both["FileDescriptors"].value = [picture, sound]
    return both


def _locator(aaf: Any, source: _Source) -> Any:
    locator = aaf.create.NetworkLocator()
    locator["URLString"].value = names.media_url(source.url)
    return locator


def _picture_descriptor(aaf: Any, source: _Source, rate: Fraction, frame_size: tuple[int, int] | None) -> Any:
    descriptor = aaf.create.CDCIDescriptor()
    descriptor["SampleRate"].value = rate
    descriptor["Length"].value = source.length
    # Required by the CDCI class; without Rekognition's frame size, HD is a
    # placeholder that Avid replaces from the media when it relinks.
    width, height = frame_size or DEFAULT_FRAME_SIZE
    descriptor["StoredWidth"].value = width
    descriptor["StoredHeight"].value = height
    descriptor["ImageAspectRatio"].value = Fraction(width, height)
    descriptor["FrameLayout"].value = "FullFrame"
    descriptor["VideoLineMap"].value = [42, 0]
    descriptor["ComponentWidth"].value = 8
    descriptor["HorizontalSubsampling"].value = 2
    descriptor["Locator"].append(_locator(aaf, source))
    return descriptor


def _composition(aaf: Any, cuts: CutList, masters: Mapping[str, _Master]) -> None:
    mob = aaf.create.CompositionMob(cuts.name)
    mob.usage = "Usage_TopLevel"
    _add_slot(mob, cuts.rate, _timecode(aaf, cuts.record_start, cuts.duration, cuts), _TIMECODE_SLOT, name="TC1")
    tracks = (cuts.events, *cuts.cue_tracks)
    for track, events in enumerate(tracks, 1):
        _add_slot(mob, cuts.rate, _sequence(aaf, events, masters), _SHOTS_SLOT + track - 1, track, f"V{track}")
    next_slot = _SHOTS_SLOT + len(tracks)
    if cuts.locators:
        mob.slots.append(_locator_slot(aaf, cuts, slot_id=next_slot))
        next_slot += 1
    # Sound follows picture: a mono track per channel (A1, A2...), the shots cut on each.
    for channel in range(1, cuts.channels + 1):
        sequence = _sequence(aaf, cuts.heard(channel), masters, channel)
        _add_slot(mob, cuts.rate, sequence, next_slot + channel - 1, channel, f"A{channel}")
    aaf.content.mobs.append(mob)


def _sequence(aaf: Any, events: tuple[Event, ...], masters: Mapping[str, _Master], channel: int = 0) -> Any:
    """SourceClips of the picture (or of one sound ``channel``) in record order
    with a Filler for every gap; the Sequence is exactly as long as its components."""
    kind = _SOUND if channel else _PICTURE
    components = []
    for span in event_spans(events):
        if span.item is None:
            components.append(aaf.create.Filler(kind, span.length))
        else:
            master = masters[span.item.media.url]
            start = span.item.source_first - master.start
            components.append(_reference(aaf, master.mob, start, span.length, channel))
    sequence = aaf.create.Sequence(kind, events[-1].record_first + events[-1].length if events else 0)
    sequence["Components"].value = components
    return sequence


def _locator_slot(aaf: Any, cuts: CutList, slot_id: int, described: int = _SHOTS_SLOT) -> Any:
    """Avid locators: DescriptiveMarkers on the picture (V1 of a sequence,
    slot ``described``), in an EventMobSlot on the same physical track."""
    slot = aaf.create.EventMobSlot(slot_id, "Locators")
    slot.edit_rate = cuts.rate
    slot["PhysicalTrackNumber"].value = _PRIMARY_TRACK
    sequence = aaf.create.Sequence(_DESCRIPTIVE)
    sequence["Components"].value = [_marker(aaf, locator, described) for locator in one_per_frame(cuts.locators)]
    slot.segment = sequence
    return slot


def _marker(aaf: Any, locator: Locator, described: int) -> Any:
    text = _marker_text(locator)
    colour = locator.color if locator.color in AVID_COLOURS or locator.color in EXTENDED_COLOURS else FALLBACK_COLOUR
    red, green, blue = AVID_COLOURS.get(colour) or EXTENDED_COLOURS[colour]
    attributes: dict[str, str | int] = {
        "_ATN_CRM_COLOR_EXTENDED": colour.title(),
        "_ATN_CRM_USER": MARKER_USER,
        "_ATN_CRM_COM": text,
        "_ATN_CRM_LENGTH": locator.length,
    }
    if colour in AVID_COLOURS:
        attributes["_ATN_CRM_COLOR"] = colour.title()
    marker = aaf.create.DescriptiveMarker()
    marker["Position"].value = locator.record_first
    marker["Length"].value = locator.length
    marker["Comment"].value = text
    marker["CommentMarkerUser"].value = MARKER_USER
    marker["CommentMarkerColor"].value = {"red": red, "green": green, "blue": blue}
    marker["CommentMarkerAttributeList"].value = [aaf.create.TaggedValue(*item) for item in attributes.items()]
    marker["DescribedSlots"].value = {described}
    return marker


def _marker_text(locator: Locator) -> str:
    """The one text an Avid locator has: its name and comment, e.g.
    ``BlackFrames, confidence 99.12%``, without saying the name twice."""
    if locator.merged or locator.comment.startswith(locator.name):
        return locator.comment
    return f"{locator.name}, {locator.comment}" if locator.comment else locator.name
