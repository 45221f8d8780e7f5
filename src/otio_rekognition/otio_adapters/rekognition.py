"""OTIO adapter ``rekognition``: GetSegmentDetection JSON <-> timeline.

The reader takes a job saved as JSON (one response, an array of pages, or
pages one after the other) or ``rekognition://JOB_ID[?region=...&profile=...
&endpoint_url=...]``, fetched from AWS with the standard credential chain.
The writer writes a timeline back as one GetSegmentDetection response.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames, names
from otio_rekognition.arguments import (
    AUTO,
    DF,
    NDF,
    READER_ARGUMENTS,
    READING_OPTIONS,
    SEQUENCE,
    ReadOptions,
    keyword_signature,
    reject_unknown,
)
from otio_rekognition.errors import AdapterArgumentError, RekognitionError, RekognitionWarning, ResponseFormatError
from otio_rekognition.formats import FORMAT_SUFFIXES
from otio_rekognition.output import write_atomically
from otio_rekognition.rekognition.pages import STRING_SOURCE, read_jobs, read_videos
from otio_rekognition.rekognition.video import Video, media_mismatch, rendition_note, retimed, s3_object
from otio_rekognition.timeline.build import build_bin, build_sequence, build_timeline
from otio_rekognition.timeline.response import job_response_text, timeline_response_text

ADAPTER_NAME = "rekognition"


def read_from_file(filepath: str, **given: Any) -> otio.schema.Timeline | otio.schema.SerializableCollection:
    """Read a Rekognition Video job into a timeline: a clip per shot on
    track "Shots", a marker per technical cue and per appearance another
    analysis found (labels, moderation, celebrities, faces, face search, text;
    told apart by the response's shape). A file may hold the pages of several
    jobs of one video, e.g. a JSON array of a segment and a labels response;
    ``rekognition://JOB_ID`` fetches the job from AWS. With ``videos``,
    the jobs of several videos make one sequence (a timeline) or a bin (a
    SerializableCollection of a clip per video and a subclip per shot).
    """
    options = _options(given)
    if str(filepath).lower().startswith("rekognition://"):
        from otio_rekognition.aws import fetch_url

        result = fetch_url(str(filepath))
        return read_timeline(result.text(), result.source, options)
    try:
        data = Path(filepath).read_bytes()
    except OSError as error:
        raise ResponseFormatError(f"{filepath}: cannot read: {error.strerror}") from None
    return read_timeline(data, str(filepath), options)


def read_from_string(input_str: str | bytes, **given: Any) -> otio.schema.Timeline | otio.schema.SerializableCollection:
    """Read a Rekognition Video job from JSON text; the arguments are read_from_file's."""
    return read_timeline(input_str, STRING_SOURCE, _options(given))


def _options(given: dict[str, Any]) -> ReadOptions:
    reject_unknown(ADAPTER_NAME, {name: value for name, value in given.items() if name not in READER_ARGUMENTS},
                   READER_ARGUMENTS)  # fmt: skip
    return ReadOptions.from_arguments({name: value for name, value in given.items() if value is not None})


# Every reading option is a plain keyword argument with its text, as otiopluginfo lists them.
_ARGUMENTS_TEXT = "\n".join(f"{option.name}: {option.help}." for option in READING_OPTIONS)
read_from_file.__signature__ = keyword_signature(  # type: ignore[attr-defined]
    ("filepath",), dict.fromkeys(READER_ARGUMENTS)
)
read_from_string.__signature__ = keyword_signature(  # type: ignore[attr-defined]
    ("input_str",), dict.fromkeys(READER_ARGUMENTS)
)
read_from_file.__doc__ = f"{read_from_file.__doc__}\n{_ARGUMENTS_TEXT}"


def read_timeline(
    data: str | bytes, source: str, options: ReadOptions
) -> otio.schema.Timeline | otio.schema.SerializableCollection:
    """The one way a job becomes a timeline; with ``videos``, the one way jobs
    of several videos become a sequence (a timeline) or a bin (a collection)."""
    if options.videos is None:
        return build_timeline(*load_job([(source, data)], options))
    videos = load_videos([(source, data)], options)
    return build_sequence(videos) if options.videos == SEQUENCE else build_bin(videos)


def load_videos(
    inputs: Sequence[tuple[str, str | bytes]], options: ReadOptions
) -> tuple[tuple[Video, ReadOptions], ...]:
    """The jobs of several videos (see read_videos), each with how it is read:
    with ``media``, a folder, each video's copy in it (see with_media)."""
    if options.media_url is not None:
        raise AdapterArgumentError(
            "argument media_url: one URL for several videos; with videos=... each video's clips link to its own "
            "S3 object, or to its copy in the folder media=... names"
        )
    videos = read_videos(inputs, options.rate, options.strict)
    if options.media is None:
        return tuple((video, options) for video in videos)
    folder = Path(options.media)
    if not folder.is_dir():
        raise AdapterArgumentError(
            f"argument media: {options.media} is not a folder: with videos=..., media is the folder that holds "
            "each video's copy, named as its S3 object"
        )
    copies = [_copy_in(folder, video) for video in videos]
    for number, copy in enumerate(copies):
        if copy in copies[:number]:
            raise AdapterArgumentError(
                f"argument media: {copy} would be the copy of {videos[copies.index(copy)].source} and of "
                f"{videos[number].source}: two videos of one name (from two folders?) need copies of their own"
            )
    return tuple(
        with_media(video, dataclasses.replace(options, media=copy)) for video, copy in zip(videos, copies, strict=True)
    )


# What this tool writes beside a video (its job's JSON, its timelines, a review page) is no copy of it.
_WRITTEN = {suffix.rsplit(".", 1)[-1] for suffix in FORMAT_SUFFIXES.values()} | {"json", "html"}


def _copy_in(folder: Path, video: Video) -> str:
    """The video's copy in ``folder``: the file named as its S3 object, else the one file of that stem
    (a proxy transcoded to another container: ep1.mov as ep1.mp4)."""
    key = s3_object(video.naming_info)
    if key is None:
        raise AdapterArgumentError(
            f"argument media: {video.source} names no S3 object, so no copy of it can be found in {folder}"
        )
    name = Path(key[1]).name
    if (folder / name).is_file():
        return str(folder / name)
    stem = Path(name).stem
    found = [
        path
        for path in folder.iterdir()
        if path.is_file() and path.stem == stem and path.suffix.lower().lstrip(".") not in _WRITTEN
    ]
    if len(found) != 1:
        have = "none" if not found else ", ".join(sorted(path.name for path in found))
        raise AdapterArgumentError(
            f"argument media: no copy of {names.s3_url(key[0], key[1])} in {folder}: expected {name} or one file "
            f"named {stem}.*, found {have}"
        )
    return str(found[0])


def load_job(inputs: Sequence[tuple[str, str | bytes]], options: ReadOptions) -> tuple[Video, ReadOptions]:
    """The one way saved or fetched results (``(source, text)`` each) become a
    job, the adapter's and the command line's; with the options a ``media``
    file adds."""
    job = read_jobs(inputs, options.rate, options.strict)
    return (job, options) if options.media is None else with_media(job, options)


def with_media(job: Video, options: ReadOptions) -> tuple[Video, ReadOptions]:
    """The job and options with what the analysed video's local copy says:
    its start timecode, its drop-frame flag and its path, unless given
    explicitly, and a variable-rate file's own frames; refused when it is not
    the video the job analysed."""
    assert options.media is not None
    from otio_rekognition.detect.probe import probe_media

    try:
        media = probe_media(options.media, job.rate)
    except ImportError as error:  # PyAV is the detect extra
        raise AdapterArgumentError(
            f"argument media: reading {options.media} needs {error.name}: pip install 'otio-rekognition[detect]'"
        ) from None
    except RekognitionError as error:
        raise AdapterArgumentError(f"argument media: {error}") from None
    variable = media.frame_starts is not None
    mismatch = media_mismatch(job, media.rate, media.frame_count, variable)
    if mismatch:
        raise AdapterArgumentError(
            f"argument media: {options.media} is not the video {job.source} analysed: {mismatch}"
        )
    note = rendition_note(job.frame_size, media.frame_size)
    if note:
        warnings.warn(f"argument media: {options.media}: {note}", RekognitionWarning, stacklevel=2)
        job = dataclasses.replace(job, media_frame_size=media.frame_size)
    given: dict[str, Any] = {"media_url": options.media_url or media.url}
    if options.source_timecode is None and media.start_timecode is not None:
        given["source_timecode"] = media.start_timecode
    if options.timecode == AUTO and media.drop_frame is not None and frames.is_drop_frame(job.rate):
        given["timecode"] = DF if media.drop_frame else NDF
    if media.frame_starts is not None:
        job = retimed(job, media.frame_starts)
    return job, dataclasses.replace(options, **given)


def write_to_string(input_otio: otio.schema.Timeline, **unknown: Any) -> str:
    """Write the timeline as one GetSegmentDetection response (JSON): segments
    read from Rekognition exactly as they came, edited or new clips and
    markers computed from their ranges. Takes no arguments."""
    reject_unknown(ADAPTER_NAME, unknown, ())
    return timeline_response_text(input_otio)


def write_to_file(input_otio: otio.schema.Timeline, filepath: str, **unknown: Any) -> None:
    """write_to_string, to a file that is replaced only when complete."""
    write_atomically(filepath, write_to_string(input_otio, **unknown))


def write_job(job: Video, options: ReadOptions, filepath: str) -> None:
    """The command line's way in: the response its timeline would give, made straight from the job."""
    write_atomically(filepath, job_response_text(job, options))
