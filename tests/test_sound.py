"""Sound follows picture: a job's AudioMetadata gives every editor export the
video's sound, cut like its shots, read back by an independent reader per
format (pycmx and OTIO's cmx_3600 reader for EDL, Apple's DTDs for FCPXML,
the DTD and OTIO's fcp_xml reader for FCP7 XML, pyaaf2 and OTIO's AAF reader
for AAF, OTIO's own JSON for .otio); --no-audio and a job without
AudioMetadata give picture only."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import aaf2
import opentimelineio as otio
import pycmx
import pytest
from helpers import apple_dtd, media_frames, picture_events, sample
from lxml import etree

from otio_rekognition.cli import main
from otio_rekognition.errors import RekognitionWarning, ResponseFormatError
from otio_rekognition.rekognition.pages import read_job


def job_with_sound(tmp_path: Path, streams: list[dict[str, Any]] | None, name: str = "25") -> Path:
    """The sample job with ``streams`` as its AudioMetadata (None: without it)."""
    response = json.loads(sample(name).read_text())
    if streams is None:
        response.pop("AudioMetadata")
    else:
        response["AudioMetadata"] = streams
    path = tmp_path / f"sound-{name}.json"
    path.write_text(json.dumps(response))
    return path


def stream(channels: int, rate: int = 48000) -> dict[str, Any]:
    return {"Codec": "aac", "DurationMillis": 660000, "SampleRate": rate, "NumberOfChannels": channels}


def convert(tmp_path: Path, job: Path, suffix: str, *flags: str) -> Path:
    output = tmp_path / f"out{suffix}"
    assert main(["convert", str(job), "-o", str(output), *flags]) == 0
    return output


def shots(name: str, cut_lists: dict) -> list[list[int]]:
    return cut_lists[name]["shots"]


@pytest.mark.parametrize(
    ("channels", "expected"),
    [
        (1, {"a1"}),
        (2, {"a1", "a2"}),
        (3, {"a1", "a2", "a3"}),
        (4, {"a1", "a2", "a3", "a4"}),
        (6, {"a1", "a2", "a3", "a4"}),
    ],
)
def test_edl_events_carry_the_channels_cmx3600_has(
    tmp_path: Path, cut_lists: dict, channels: int, expected: set[str]
) -> None:
    """B for A1, AA/V for A1-A2, an AUD line for A3-A4 (CMX3600 has no fifth channel)."""
    edl = convert(tmp_path, job_with_sound(tmp_path, [stream(channels)]), ".edl")
    events = picture_events(pycmx.parse_cmx3600(io_of(edl)))
    assert len(events) == len(shots("25", cut_lists))
    for event in events:
        [edit] = event.edits
        heard = {f"a{n}" for n in range(1, 5) if edit.channels.get_audio_channel(n)}
        assert edit.channels.video and heard == expected, event.number


def io_of(path: Path) -> Any:
    return open(path, encoding="utf-8")


def test_edl_sound_read_by_otio_cmx3600_reader(tmp_path: Path, cut_lists: dict) -> None:
    edl = convert(tmp_path, sample("25"), ".edl")
    timeline = otio.adapters.read_from_file(str(edl), "cmx_3600", rate=25)
    audio = list(timeline.audio_tracks())
    assert [track.name for track in audio] == ["A1", "A2"]
    for track in audio:
        clips = list(track.find_clips())
        assert [media_frames(clip.source_range) for clip in clips] == shots("25", cut_lists)


@pytest.mark.parametrize("version", ["1.9", "1.10", "1.11", "1.12", "1.13", "1.14"])
def test_fcpxml_asset_has_the_sound_and_only_shots_play_it(tmp_path: Path, version: str) -> None:
    output = convert(tmp_path, sample("25"), ".fcpxml", "--fcpxml-version", version, "--cue-track")
    document = etree.parse(str(output))
    assert apple_dtd(f"FCPXMLv{version.replace('.', '_')}.dtd").validate(document)
    [asset] = document.findall(".//resources/asset")
    assert {key: asset.get(key) for key in ("hasAudio", "audioSources", "audioChannels", "audioRate")} == {
        "hasAudio": "1",
        "audioSources": "1",
        "audioChannels": "2",
        "audioRate": "48000",
    }
    sequence = document.find(".//sequence")
    assert (sequence.get("audioLayout"), sequence.get("audioRate")) == ("stereo", "48k")
    spine = document.find(".//spine")
    for clip in spine.findall("asset-clip"):
        assert clip.get("srcEnable", "all") == "all" and clip.get("audioRole") == "dialogue"
        # A cue clip connected above a shot shows picture only: the shot carries the sound once.
        assert [connected.get("srcEnable") for connected in clip.findall("asset-clip")] == ["video"] * len(
            clip.findall("asset-clip")
        )


@pytest.mark.parametrize(("sample_rate", "shown"), [(44100, "44.1k"), (48000, "48k"), (47999, "48k"), (96000, "96k")])
def test_fcpxml_sequence_rate_is_one_final_cut_lists(tmp_path: Path, sample_rate: int, shown: str) -> None:
    output = convert(tmp_path, job_with_sound(tmp_path, [stream(1, sample_rate)]), ".fcpxml")
    document = etree.parse(str(output))
    assert apple_dtd("FCPXMLv1_10.dtd").validate(document)
    assert document.find(".//sequence").get("audioRate") == shown
    assert document.find(".//sequence").get("audioLayout") == "mono"
    assert document.find(".//resources/asset").get("audioRate") == str(sample_rate)


def test_fcp7_sound_is_linked_mono_tracks(tmp_path: Path, cut_lists: dict) -> None:
    output = convert(tmp_path, sample("25"), ".xml")
    document = etree.parse(str(output))
    assert apple_dtd("xmeml_v5.dtd").validate(document)
    file = document.find(".//clipitem/file")
    assert (
        file.findtext("media/audio/channelcount"),
        file.findtext("media/audio/samplecharacteristics/samplerate"),
    ) == (
        "2",
        "48000",
    )
    pictures = document.findall("./sequence/media/video/track[1]/clipitem")
    sound_tracks = document.findall("./sequence/media/audio/track")
    assert len(sound_tracks) == 2
    for channel, track in enumerate(sound_tracks, start=1):
        items = track.findall("clipitem")
        assert [item.findtext("sourcetrack/trackindex") for item in items] == [str(channel)] * len(pictures)
        for picture, item in zip(pictures, items, strict=True):
            for tag in ("start", "end", "in", "out"):
                assert item.findtext(tag) == picture.findtext(tag)
            linked = {link.findtext("linkclipref") for link in item.findall("link")}
            assert linked == {link.findtext("linkclipref") for link in picture.findall("link")}
            assert picture.get("id") in linked and item.get("id") in linked and len(linked) == 3
    read = otio.adapters.read_from_file(str(output), "fcp_xml")
    audio = list(read.audio_tracks())
    assert len(audio) == 2
    for track in audio:
        assert [media_frames(clip.source_range) for clip in track.find_clips()] == shots("25", cut_lists)


def test_aaf_sound_slots_in_the_mob_chain_and_tracks_in_the_sequence(tmp_path: Path, cut_lists: dict) -> None:
    output = convert(tmp_path, sample("25"), ".aaf", "--shot-markers")
    with aaf2.open(str(output), "r") as aaf:
        [master] = list(aaf.content.mastermobs())
        sound = [slot for slot in master.slots if slot.media_kind == "Sound"]
        assert [slot["PhysicalTrackNumber"].value for slot in sound] == [1, 2]
        file_mob = sound[0].segment.mob
        [pcm] = [d for d in file_mob.descriptor["FileDescriptors"].value if isinstance(d, aaf2.essence.PCMDescriptor)]
        assert (pcm["Channels"].value, pcm["AudioSamplingRate"].value) == (2, 48000)
        [composition] = list(aaf.content.toplevel())
        tracks = [slot for slot in composition.slots if slot.media_kind == "Sound"]
        assert [(slot.name, slot["PhysicalTrackNumber"].value) for slot in tracks] == [("A1", 1), ("A2", 2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        timeline = otio.adapters.read_from_file(str(output), "AAF")
    audio = list(timeline.audio_tracks())
    assert len(audio) == 2
    for track in audio:
        clips = list(track.find_clips())
        assert [media_frames(clip.source_range) for clip in clips] == shots("25", cut_lists)
        assert not any(clip.markers for clip in clips), "V1's locators stay on V1"
    [video] = list(timeline.video_tracks())[:1]
    assert sum(len(clip.markers) for clip in video.find_clips()) > 0


def test_otio_timeline_has_an_audio_track_per_channel(tmp_path: Path, cut_lists: dict) -> None:
    output = convert(tmp_path, sample("25"), ".otio")
    timeline = otio.adapters.read_from_file(str(output))
    audio = list(timeline.audio_tracks())
    assert [track.name for track in audio] == ["A1", "A2"]
    [picture] = list(timeline.video_tracks())
    for track in audio:
        assert [media_frames(clip.source_range) for clip in track.find_clips()] == shots("25", cut_lists)
        assert [item.range_in_parent() for item in track] == [item.range_in_parent() for item in picture]


@pytest.mark.parametrize("suffix", [".edl", ".fcpxml", ".xml", ".aaf", ".otio"])
@pytest.mark.parametrize("how", ["--no-audio", "no AudioMetadata"])
def test_picture_only(tmp_path: Path, suffix: str, how: str) -> None:
    job = sample("25") if how == "--no-audio" else job_with_sound(tmp_path, None)
    output = convert(tmp_path, job, suffix, *([how] if how == "--no-audio" else []))
    assert not picture_only_heard(output, suffix)


def picture_only_heard(output: Path, suffix: str) -> bool:
    """Whether an export carries any sound, as its own reader sees it."""
    if suffix == ".edl":
        events = picture_events(pycmx.parse_cmx3600(io_of(output)))
        return any(edit.channels.get_audio_channel(1) for event in events for edit in event.edits)
    if suffix == ".fcpxml":
        document = etree.parse(str(output))
        return document.find(".//asset").get("hasAudio") is not None or document.find(".//sequence").get("audioRate")
    if suffix == ".xml":
        return etree.parse(str(output)).find(".//audio") is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        timeline = otio.adapters.read_from_file(str(output), "AAF" if suffix == ".aaf" else None)
    return bool(list(timeline.audio_tracks()))


@pytest.mark.parametrize(
    "audio",
    [
        "stereo",
        [{"Codec": "aac", "SampleRate": 48000}],
        [{"NumberOfChannels": 0, "SampleRate": 48000}],
        [{"NumberOfChannels": 2, "SampleRate": "48k"}],
        ["stereo"],
    ],
)
def test_sound_that_does_not_read_is_said_and_left_out(tmp_path: Path, audio: Any) -> None:
    job = job_with_sound(tmp_path, audio)
    with pytest.warns(RekognitionWarning, match=r"AudioMetadata.*the sound is left out \(picture only\)"):
        video = read_job(job.read_text(), str(job))
    assert video.audio == ()
    with pytest.raises(ResponseFormatError, match="AudioMetadata"):
        read_job(job.read_text(), str(job), strict=True)


def test_every_stream_counts(tmp_path: Path) -> None:
    """Two streams (a stereo mix and a mono commentary): three channels, A1-A3, two sources."""
    output = convert(tmp_path, job_with_sound(tmp_path, [stream(2), stream(1)]), ".fcpxml")
    asset = etree.parse(str(output)).find(".//asset")
    assert (asset.get("audioSources"), asset.get("audioChannels")) == ("2", "3")


def test_an_otio_timeline_keeps_its_sound_and_no_audio_removes_it(tmp_path: Path) -> None:
    timeline = convert(tmp_path, sample("25"), ".otio")
    direct = convert(tmp_path, sample("25"), ".xml").read_text()
    again = tmp_path / "again.xml"
    assert main(["convert", str(timeline), "-o", str(again)]) == 0
    assert again.read_text() == direct
    picture = tmp_path / "picture.edl"
    assert main(["convert", str(timeline), "-o", str(picture), "--no-audio"]) == 0
    assert not picture_only_heard(picture, ".edl")


def test_more_channels_than_an_edl_carries_are_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = job_with_sound(tmp_path, [stream(6)])
    assert main(["convert", str(job), "-o", str(tmp_path / "six.edl")]) == 0
    assert "warning: " in capsys.readouterr().err.split("6 channels; an EDL carries A1-A4")[0].splitlines()[-1]
    # Resolve's marker EDL carries no sound: nothing to say.
    assert main(["convert", str(job), "-o", str(tmp_path / "m.edl"), "--edl-flavor", "resolve-markers"]) == 0
    assert "an EDL carries" not in capsys.readouterr().err


@pytest.mark.parametrize(("channels", "layout"), [(1, "mono"), (2, "stereo"), (4, "stereo"), (6, "surround")])
def test_fcpxml_layout_is_one_final_cut_has(tmp_path: Path, channels: int, layout: str) -> None:
    output = convert(tmp_path, job_with_sound(tmp_path, [stream(channels)]), ".fcpxml")
    assert etree.parse(str(output)).find(".//sequence").get("audioLayout") == layout


def test_a_stream_without_a_rate_takes_the_next_ones(tmp_path: Path) -> None:
    job = job_with_sound(tmp_path, [{"NumberOfChannels": 2}, stream(1, 44100)])
    output = convert(tmp_path, job, ".fcpxml")
    assert etree.parse(str(output)).find(".//asset").get("audioRate") == "44100"


def test_fcp7_links_group_the_channels_in_pairs(tmp_path: Path) -> None:
    document = etree.parse(str(convert(tmp_path, job_with_sound(tmp_path, [stream(6)]), ".xml")))
    [picture] = document.findall("./sequence/media/video/track[1]/clipitem")[:1]
    groups = [(link.findtext("trackindex"), link.findtext("groupindex")) for link in picture.findall("link")[1:]]
    assert groups == [("1", "1"), ("2", "1"), ("3", "2"), ("4", "2"), ("5", "3"), ("6", "3")]
