"""The flattened view every export writer starts from."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from helpers import sample
from timecode import Timecode

from otio_rekognition.errors import TimelineError
from otio_rekognition.timeline.cutlist import cut_list


def test_events_and_locators_in_record_frames(cut_lists: dict) -> None:
    timeline = otio.adapters.read_from_file(
        str(sample("2997df")), source_timecode="10:00:00;00", start_timecode="01:00:00;00"
    )
    cuts = cut_list(timeline)
    offset = Timecode("29.97", "10:00:00;00").frames - 1
    assert cuts.record_start == 107892
    assert cuts.drop_frame
    assert [[e.record_first, e.record_first + e.length - 1] for e in cuts.events] == cut_lists["2997df"]["shots"]
    assert [e.source_first - offset for e in cuts.events] == [first for first, _ in cut_lists["2997df"]["shots"]]
    assert sorted([loc.name, loc.record_first, loc.record_first + loc.length - 1] for loc in cuts.locators) == sorted(
        cut_lists["2997df"]["cues"]
    )
    assert {loc.kind for loc in cuts.locators} == {"cue"}
    assert all(loc.confidence is not None and 80 <= loc.confidence <= 100 for loc in cuts.locators)
    assert cuts.events[0].media.reel == "DEMO2997"
    assert cuts.events[0].media.start == offset
    assert cuts.duration == cut_lists["2997df"]["frame_count"]


def test_start_timecode_override_and_cue_tracks(cut_lists: dict) -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")), cue_track=True)
    cuts = cut_list(timeline, start_timecode="01:00:00:00")
    assert cuts.record_start == 90000
    lanes = [event for track in cuts.cue_tracks for event in track]
    assert sorted([e.label, e.record_first, e.record_first + e.length - 1] for e in lanes) == sorted(
        cut_lists["25"]["cues"]
    )


def test_unexportable_rate() -> None:
    track = otio.schema.Track()
    track.append(otio.schema.Clip(source_range=otio.opentime.TimeRange(duration=otio.opentime.RationalTime(10, 12.5))))
    cuts = cut_list(otio.schema.Timeline(tracks=[track]))  # timed text and lists count seconds at any rate
    assert cuts.timecode(0) == ""
    with pytest.raises(TimelineError, match=r"12\.5 fps has no SMPTE timecode to export; pass --rate"):
        cuts.for_timecode()
