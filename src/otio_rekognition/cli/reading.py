"""What convert, start and report read (a job's JSON, a job on AWS, an OTIO timeline) and how
they write it through a format's adapter."""

from __future__ import annotations

import argparse
import dataclasses
import warnings
from pathlib import Path
from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import READER_ARGUMENTS, READING_OPTIONS, ReadOptions
from otio_rekognition.cli.common import _connection, _read_input
from otio_rekognition.cli.terminal import _page_reporter
from otio_rekognition.errors import (
    AdapterArgumentError,
    RekognitionError,
    RekognitionWarning,
    ResponseFormatError,
    TimelineError,
)
from otio_rekognition.export import write_job_as, write_timeline, write_videos_as
from otio_rekognition.formats import (
    BY_ADAPTER,
    FORMATS,
    FORMATS_BY_SUFFIX,
    WRITER_OPTIONS,
)
from otio_rekognition.otio_adapters.rekognition import load_job, load_videos
from otio_rekognition.output import OutputError
from otio_rekognition.rekognition.video import Video
from otio_rekognition.timeline.build import build_timeline
from otio_rekognition.timeline.metadata import recount, without_sound

_OTIO_SUFFIXES = (".otio", ".otioz")


def _read_options_given(arguments: argparse.Namespace) -> dict[str, Any]:
    """The reading options as the command line has them (None: not given; a command may lack some)."""
    return {name: getattr(arguments, name, None) for name in READER_ARGUMENTS}


# Reader options that only mean something for Rekognition JSON input.
_JSON_ONLY = tuple(option.name for option in READING_OPTIONS if not option.any_input)


def _adapter_for(path: str, named: str | None) -> str:
    """The OTIO adapter that writes the output: named with --format, else by suffix."""
    if Path(path).is_dir():
        raise OutputError(21, "is a folder: give a file name", path)
    if named is not None:
        return FORMATS[named]
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS_BY_SUFFIX:
        raise AdapterArgumentError(
            f"{path}: cannot tell the output format from the suffix {suffix or '(none)'!r}; "
            f"use one of {', '.join(FORMATS_BY_SUFFIX)} or name it with --format"
        )
    return FORMATS_BY_SUFFIX[suffix]


@dataclasses.dataclass(frozen=True)
class _Input:
    """What was read: a job (and how to lay it out), or a timeline."""

    job: Video | None = None
    options: ReadOptions = dataclasses.field(default_factory=ReadOptions)
    timeline: otio.schema.Timeline | None = None
    videos: tuple[tuple[Video, ReadOptions], ...] = ()  # with --videos: each video's jobs, and how it is read

    def as_timeline(self) -> otio.schema.Timeline:
        if self.timeline is not None:
            return self.timeline
        assert self.job is not None
        return build_timeline(self.job, self.options)


def _export(read: _Input, arguments: argparse.Namespace, adapter: str, source: str) -> None:
    """Write the output through the OTIO adapter of that name; an error names
    the input it came from. A job goes to an edit-list writer as a cut list
    made straight from it (the timeline would only be flattened again: see
    timeline.cutlist.job_cut_list); anything else as a timeline."""
    given = _writer_arguments(arguments, adapter)
    try:
        if read.videos:
            write_videos_as(read.videos, arguments.output, adapter, **given)
        elif read.job is not None:
            write_job_as(read.job, read.options, arguments.output, adapter, **given)
        else:
            write_timeline(read.as_timeline(), arguments.output, adapter, **given)
    except TimelineError as error:
        if read.videos:  # of several videos: the error names the one it is about
            raise
        raise TimelineError(f"{source}: {error}") from None


def _writer_arguments(arguments: argparse.Namespace, adapter: str) -> dict[str, Any]:
    """The writing options given on the command line, as that adapter's arguments."""
    return {
        option.argument: getattr(arguments, option.dest)
        for option in BY_ADAPTER[adapter].options
        if getattr(arguments, option.dest) is not None
    }


def _warn_unused_writer_options(arguments: argparse.Namespace, adapter: str) -> None:
    used = BY_ADAPTER[adapter].options
    for option in WRITER_OPTIONS:
        if option not in used and getattr(arguments, option.dest, None) is not None:
            warnings.warn(
                f"{option.flag} does not apply to {arguments.output}: ignored", RekognitionWarning, stacklevel=2
            )


def _load(arguments: argparse.Namespace, read_options: dict[str, Any]) -> _Input:
    """A Rekognition job saved as one or more JSON files (``-`` is standard
    input), a job fetched from AWS (``rekognition://JOB_ID``), or one OTIO
    timeline this tool wrote."""
    inputs: list[str] = arguments.inputs
    if _is_timeline(inputs):
        given = [name for name in _JSON_ONLY if read_options.get(name) not in (None, False)]
        if given:
            raise RekognitionError(
                f"{inputs[0]}: --{given[0].replace('_', '-')} applies to Rekognition JSON input only, "
                "not to an OTIO timeline"
            )
        timeline = _read_timeline_file(inputs[0])
        recount(timeline, read_options.get("start_timecode"), read_options.get("timecode"))
        if read_options.get("no_audio"):
            without_sound(timeline)
        return _Input(timeline=timeline)
    return _job([_input_text(name, arguments) for name in inputs], read_options)


def _input_text(name: str, arguments: argparse.Namespace) -> tuple[str, bytes | str]:
    """One input's name and text: standard input (``-``), a job fetched from
    AWS (``rekognition://JOB_ID``, through the command line's AWS options over
    the URL's), or a file."""
    if name == "-":
        return "<stdin>", arguments.stdin.buffer.read()
    if not name.lower().startswith("rekognition://"):
        return name, _read_input(name)
    from otio_rekognition import aws

    named = aws.job_url(name)
    result = named.fetch(
        _connection(arguments, named.connection), on_page=_page_reporter(named.job_id, aws.api(named.analysis).noun)
    )
    return result.source, result.text()


def _is_timeline(inputs: list[str]) -> bool:
    return len(inputs) == 1 and Path(inputs[0]).suffix.lower() in _OTIO_SUFFIXES


def _job(inputs: list[tuple[str, bytes | str]], read_options: dict[str, Any]) -> _Input:
    options = ReadOptions.from_arguments({key: value for key, value in read_options.items() if value is not None})
    if options.videos is not None:
        return _Input(videos=load_videos(inputs, options), options=options)
    job, options = load_job(inputs, options)
    return _Input(job=job, options=options)


def _read_timeline_file(name: str) -> otio.schema.Timeline:
    """An .otio or .otioz file; what cannot be read is the input's fault (status 1)."""
    import zipfile

    if not Path(name).is_file():
        raise ResponseFormatError(f"{name}: cannot read: {'no such file' if not Path(name).exists() else 'not a file'}")
    if name.lower().endswith(".otioz") and not zipfile.is_zipfile(name):
        raise ResponseFormatError(f"{name}: not an .otioz file (a zip archive of an OTIO timeline)")
    try:
        timeline = otio.adapters.read_from_file(name)
    except OSError as error:
        raise ResponseFormatError(f"{name}: cannot read: {error.strerror or error}") from None
    if not isinstance(timeline, otio.schema.Timeline):
        raise ResponseFormatError(f"{name}: holds a {type(timeline).__name__}, not a timeline")
    return timeline
