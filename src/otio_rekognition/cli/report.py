"""``otio-rekognition report``: the review page."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from otio_rekognition.cli.reading import _is_timeline, _load, _read_options_given
from otio_rekognition.cli.terminal import PROGRAM, printable
from otio_rekognition.errors import (
    AdapterArgumentError,
    RekognitionError,
    RekognitionWarning,
)
from otio_rekognition.output import write_atomically
from otio_rekognition.timeline.cutlist import CutList, cut_list, job_cut_list, media_mismatch
from otio_rekognition.timeline.layout import KIND_SHOT
from otio_rekognition.timeline.layout import several as several_name
from otio_rekognition.timeline.metadata import job_read_from, read_from


def report(arguments: argparse.Namespace) -> int:
    """A review page of the job's shots and cues (see writers/report.py)."""
    from otio_rekognition.writers.report import VideoReport, report_html, report_page

    if Path(arguments.output).suffix.lower() not in (".html", ".htm") and arguments.output != "-":
        raise AdapterArgumentError(
            f"{arguments.output}: report writes a web page: use -o NAME.html (convert writes the other formats)"
        )
    read_options = _read_options_given(arguments)
    if _is_timeline(arguments.inputs):  # the video gives thumbnails only: the timeline has its timecodes already
        read_options["media"] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RekognitionWarning)
        read = _load(arguments, read_options)
        several = [job_cut_list(video, options) for video, options in read.videos]
        cuts = (
            several[0] if several
            else job_cut_list(read.job, read.options) if read.job is not None
            else cut_list(read.as_timeline())
        )  # fmt: skip
    said = [printable(str(warning.message)) for warning in caught]
    for text in said:
        print(f"{PROGRAM}: warning: {text}", file=sys.stderr)
    if read.videos:  # a section per video, each with what the reader said of it
        sections = [
            VideoReport(
                video_cuts,
                _summary(
                    job_read_from(video), [text for text in said if any(job.source in text for job in video.jobs)]
                ),
                _report_thumbnails(options.media, video_cuts),
            )
            for (video, options), video_cuts in zip(read.videos, several, strict=True)
        ]
        write_atomically(arguments.output, report_page(sections, several_name(cuts.name, len(sections))))
        shots = sum(event.kind == KIND_SHOT for video_cuts in several for event in video_cuts.events)
        print(f"{PROGRAM}: wrote {arguments.output}: {len(sections)} videos, {shots} shots", file=sys.stderr)
        return 0
    source = job_read_from(read.job) if read.job is not None else read_from(read.as_timeline(), arguments.inputs[0])
    summary = _summary(source, said)
    if read.job is None and arguments.media is not None:
        _check_timeline_media(arguments.media, arguments.inputs[0], cuts)
    write_atomically(arguments.output, report_html(cuts, summary, _report_thumbnails(arguments.media, cuts)))
    shots = sum(event.kind == KIND_SHOT for event in cuts.events)
    print(f"{PROGRAM}: wrote {arguments.output}: {shots} shots, {len(cuts.locators)} markers", file=sys.stderr)
    return 0


def _summary(source: Any, said: list[str]) -> Any:
    from otio_rekognition.writers.report import Summary

    return Summary(source.sources, source.pages, source.duplicates, said, source.disagreements)


def _check_timeline_media(video: str, timeline_file: str, cuts: CutList) -> None:
    """A timeline read from a file keeps no probe of its video: the thumbnails
    must come from one of its rate, size and length."""
    from otio_rekognition.detect.probe import probe_media
    from otio_rekognition.rekognition.video import rendition_note

    try:
        media = probe_media(video)
    except ImportError as error:
        raise _thumbnails_need(error) from None
    except RekognitionError as error:
        raise AdapterArgumentError(f"--media: {error}") from None
    note = rendition_note(cuts.frame_size, media.frame_size)
    if note:
        print(f"{PROGRAM}: warning: --media: {video}: {note}", file=sys.stderr)
    mismatch = media_mismatch(cuts, media.rate, media.frame_count)
    if mismatch:
        raise AdapterArgumentError(f"--media: {video} is not the video {timeline_file} was made from: {mismatch}")


# Thumbnails for at most this many shots (and cues): a 10,000-shot page stays a few megabytes.
REPORT_SHOTS = 300


def _report_thumbnails(video: str | None, cuts: Any) -> Any:
    from otio_rekognition.writers.report import Thumbnails, cue_locators, shot_frames

    if video is None:
        return Thumbnails()
    from otio_rekognition.detect.thumbnails import thumbnails

    step = -(-len(cuts.events) // REPORT_SHOTS) or 1
    wanted = {frame for event in cuts.events[::step] for frame in shot_frames(event)}
    cues = cue_locators(cuts)
    wanted.update(locator.record_first for locator in cues[:: -(-len(cues) // REPORT_SHOTS) or 1])
    try:
        images = thumbnails(video, wanted)
    except ImportError as error:
        raise _thumbnails_need(error) from None
    return Thumbnails(images, step - 1)


def _thumbnails_need(error: ImportError) -> RekognitionError:
    return RekognitionError(f"--media: thumbnails need {error.name}: pip install 'otio-rekognition[detect]'")
