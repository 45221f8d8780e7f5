"""OTIO adapter ``rekognition``: GetSegmentDetection JSON <-> timeline.

The reader takes a job saved as JSON (one response, an array of pages, or
pages one after the other) or ``rekognition://JOB_ID[?region=...&profile=...
&endpoint_url=...]``, fetched from AWS with the standard credential chain.
The writer writes a timeline back as one GetSegmentDetection response.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import opentimelineio as otio

from otio_rekognition import frames
from otio_rekognition.arguments import AUTO, DF, NDF, ReadOptions, reject_unknown
from otio_rekognition.errors import AdapterArgumentError, RekognitionError, ResponseFormatError
from otio_rekognition.output import write_atomically
from otio_rekognition.rekognition.pages import STRING_SOURCE, Job, job_media_mismatch, read_jobs
from otio_rekognition.timeline.build import build_timeline
from otio_rekognition.timeline.response import job_response_text, response_text

ADAPTER_NAME = "rekognition"


def read_from_file(
    filepath: str,
    start_timecode: str | None = None,
    source_timecode: str | None = None,
    timecode: str | None = None,
    media: str | None = None,
    media_url: str | None = None,
    rate: Any = None,
    segment_types: Any = None,
    cue_types: Any = None,
    min_confidence: Any = None,
    cue_track: Any = None,
    shot_markers: Any = None,
    strict: Any = None,
    merge_window: Any = None,
    labels: Any = None,
    exclude_labels: Any = None,
    label_categories: Any = None,
    moderation_categories: Any = None,
    text_types: Any = None,
    analysis_tracks: Any = None,
    **unknown: Any,
) -> otio.schema.Timeline:
    """Read a Rekognition Video job into a timeline: a clip per shot on
    track "Shots", a marker per technical cue and per appearance another
    analysis found (labels, moderation, celebrities, faces, face search, text;
    told apart by the response's shape). A file may hold the pages of several
    jobs of one video, e.g. a JSON array of a segment and a labels response.

    start_timecode: record start (default 01:00:00:00, or 01:00:00;00 in drop frame).
    source_timecode: the media's embedded start timecode; offsets source ranges.
    timecode: auto, df or ndf: how timecodes at 29.97/59.94 are counted, typed and
        written (auto: the media's own, else drop frame as Rekognition counts).
    media: a local copy of the analysed video: its start timecode, drop-frame
        flag and path are used, and its rate and length checked against the job.
    media_url: URL or path of the media the clips reference.
    rate: frame rate override, e.g. 25, 29.97 or 30000/1001.
    segment_types: SHOT, TECHNICAL_CUE or both (comma list).
    cue_types: comma list of the cue types to keep (default all).
    min_confidence: drop segments below this confidence (0-100).
    cue_track: also add a track with a clip per cue (true/false).
    shot_markers: also put a marker spanning each shot on its clip.
    strict: warnings (incomplete job, disagreeing frame sources) become errors.
    merge_window: seconds within which detections of one name join into one
        marker (default: twice the job's sampling interval; 0 joins none).
    labels: comma list of names to keep (labels, celebrities, moderation labels,
        text; a label's parents count), case ignored.
    exclude_labels: comma list of names to drop, likewise.
    label_categories: comma list of label categories to keep.
    moderation_categories: comma list of top-level moderation categories to keep.
    text_types: LINE, WORD or both (default LINE).
    analysis_tracks: also add a track per analysis with a clip per appearance.
    """
    reject_unknown(ADAPTER_NAME, unknown, READER_ARGUMENTS)
    options = ReadOptions.from_arguments(
        {name: value for name, value in locals().items() if name in READER_ARGUMENTS and value is not None}
    )
    if str(filepath).lower().startswith("rekognition://"):
        from otio_rekognition.aws import fetch_url

        result = fetch_url(str(filepath))
        return read_timeline(result.text(), result.source, options)
    try:
        data = Path(filepath).read_bytes()
    except OSError as error:
        raise ResponseFormatError(f"{filepath}: cannot read: {error.strerror}") from None
    return read_timeline(data, str(filepath), options)


def read_from_string(
    input_str: str | bytes,
    start_timecode: str | None = None,
    source_timecode: str | None = None,
    timecode: str | None = None,
    media: str | None = None,
    media_url: str | None = None,
    rate: Any = None,
    segment_types: Any = None,
    cue_types: Any = None,
    min_confidence: Any = None,
    cue_track: Any = None,
    shot_markers: Any = None,
    strict: Any = None,
    merge_window: Any = None,
    labels: Any = None,
    exclude_labels: Any = None,
    label_categories: Any = None,
    moderation_categories: Any = None,
    text_types: Any = None,
    analysis_tracks: Any = None,
    **unknown: Any,
) -> otio.schema.Timeline:
    """Read a Rekognition segment detection job from JSON text; the
    arguments are read_from_file's."""
    reject_unknown(ADAPTER_NAME, unknown, READER_ARGUMENTS)
    options = ReadOptions.from_arguments(
        {name: value for name, value in locals().items() if name in READER_ARGUMENTS and value is not None}
    )
    return read_timeline(input_str, STRING_SOURCE, options)


def read_timeline(data: str | bytes, source: str, options: ReadOptions) -> otio.schema.Timeline:
    """The one way a job becomes a timeline."""
    return build_timeline(*load_job([(source, data)], options))


def load_job(inputs: Sequence[tuple[str, str | bytes]], options: ReadOptions) -> tuple[Job, ReadOptions]:
    """The one way saved or fetched results (``(source, text)`` each) become a
    job, the adapter's and the command line's; with the options a ``media``
    file adds."""
    job = read_jobs(inputs, options.rate, options.strict)
    return job, (options if options.media is None else with_media(job, options))


def with_media(job: Job, options: ReadOptions) -> ReadOptions:
    """The options with what the analysed video's local copy says: its start
    timecode, its drop-frame flag and its path, unless given explicitly;
    refused when it is not the video the job analysed."""
    assert options.media is not None
    from otio_rekognition.detect.probe import probe_media

    try:
        media = probe_media(options.media)
    except ImportError as error:  # PyAV is the detect extra
        raise AdapterArgumentError(
            f"argument media: reading {options.media} needs {error.name}: pip install 'otio-rekognition[detect]'"
        ) from None
    except RekognitionError as error:
        raise AdapterArgumentError(f"argument media: {error}") from None
    mismatch = job_media_mismatch(job, media.rate, media.frame_count, media.frame_size)
    if mismatch:
        raise AdapterArgumentError(
            f"argument media: {options.media} is not the video {job.source} analysed: {mismatch}"
        )
    given: dict[str, Any] = {"media_url": options.media_url or media.url}
    if options.source_timecode is None and media.start_timecode is not None:
        given["source_timecode"] = media.start_timecode
    if options.timecode == AUTO and media.drop_frame is not None and frames.is_drop_frame(job.rate):
        given["timecode"] = DF if media.drop_frame else NDF
    return dataclasses.replace(options, **given)


def write_to_string(input_otio: otio.schema.Timeline, **unknown: Any) -> str:
    """Write the timeline as one GetSegmentDetection response (JSON): segments
    read from Rekognition exactly as they came, edited or new clips and
    markers computed from their ranges. Takes no arguments."""
    reject_unknown(ADAPTER_NAME, unknown, ())
    return response_text(input_otio)


def write_to_file(input_otio: otio.schema.Timeline, filepath: str, **unknown: Any) -> None:
    """write_to_string, to a file that is replaced only when complete."""
    write_atomically(filepath, write_to_string(input_otio, **unknown))


def write_job(job: Job, options: ReadOptions, filepath: str) -> None:
    """The command line's way in: the response its timeline would give, made straight from the job."""
    write_atomically(filepath, job_response_text(job, options))


READER_ARGUMENTS = (
    "start_timecode",
    "source_timecode",
    "timecode",
    "media",
    "media_url",
    "rate",
    "segment_types",
    "cue_types",
    "min_confidence",
    "cue_track",
    "shot_markers",
    "strict",
    "merge_window",
    "labels",
    "exclude_labels",
    "label_categories",
    "moderation_categories",
    "text_types",
    "analysis_tracks",
)
