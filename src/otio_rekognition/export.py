"""Writing a job or a timeline through OTIO's adapter of a format, whole or
not at all: what convert, batch and the Lambda handler write with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import SEQUENCE, ReadOptions
from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.output import atomic_path, write_atomically
from otio_rekognition.rekognition.video import Video
from otio_rekognition.timeline.build import build_bin, build_sequence, build_timeline
from otio_rekognition.timeline.cutlist import bin_clips, job_cut_list, sequence_cut_list

# OTIO's own formats, written from OTIO objects.
_OTIO_ADAPTERS = ("otio_json", "otioz")


def write_job_as(job: Video, options: ReadOptions, path: str, adapter: str, **arguments: Any) -> None:
    """Write ``job`` through OTIO's adapter of that name, whole or not at all:
    to an edit-list writer as a cut list made straight from the job (the
    timeline would only be flattened again: see timeline.cutlist.job_cut_list),
    else as its timeline."""
    writer = otio.adapters.from_name(adapter).module()
    if hasattr(writer, "write_cut_list"):
        cuts = job_cut_list(job, options)
        with atomic_path(path) as temporary:
            writer.write_cut_list(cuts, str(temporary), **arguments)
    elif hasattr(writer, "write_job"):
        with atomic_path(path) as temporary:
            writer.write_job(job, options, str(temporary))
    else:
        write_timeline(build_timeline(job, options), path, adapter, **arguments)


def write_videos_as(videos: Sequence[tuple[Video, ReadOptions]], path: str, adapter: str, **arguments: Any) -> None:
    """Write several videos' jobs (each with how it is read) as their ``videos`` option says: one sequence
    (any format an edit list or OTIO takes), or a bin (FCPXML, FCP7 XML, AAF,
    ALE, OTIO); AdapterArgumentError for a format that cannot hold it."""
    writer = otio.adapters.from_name(adapter).module()
    mode = videos[0][1].videos
    sequence = mode == SEQUENCE
    if sequence and hasattr(writer, "write_cut_list"):
        with atomic_path(path) as temporary:
            writer.write_cut_list(sequence_cut_list(videos), str(temporary), **arguments)
    elif not sequence and hasattr(writer, "write_bin"):
        with atomic_path(path) as temporary:
            writer.write_bin(bin_clips(videos), str(temporary), **arguments)
    elif adapter in _OTIO_ADAPTERS:
        made = build_sequence(videos) if sequence else build_bin(videos)
        write_timeline(made, path, adapter, **arguments)
    else:
        takes = "an edit list, timed text, a marker list or OTIO" if sequence else "FCPXML, FCP7 XML, AAF, ALE or OTIO"
        raise AdapterArgumentError(
            f"argument videos: {path} cannot hold several videos as a {mode}; it is written to {takes}"
        )


def write_timeline(
    timeline: otio.schema.Timeline | otio.schema.SerializableCollection, path: str, adapter: str, **arguments: Any
) -> None:
    """Write ``timeline`` (or a bin of clips, to OTIO's own formats) through OTIO's adapter of that name, whole or
    not at all."""
    if adapter == "otio_json":
        # OTIO's own file writer does not report a short write (a full disk): write the text ourselves.
        write_atomically(path, otio.adapters.write_to_string(timeline, adapter_name=adapter, **arguments))
        return
    if adapter == "otioz":
        # Remote media (s3://) cannot be bundled; its URL stays in the timeline.
        arguments["media_policy"] = "MissingIfNotFile"
    with atomic_path(path) as temporary:
        otio.adapters.write_to_file(timeline, str(temporary), adapter_name=adapter, **arguments)
