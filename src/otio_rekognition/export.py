"""Writing a job or a timeline through OTIO's adapter of a format, whole or
not at all: what convert, batch and the Lambda handler write with."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.output import atomic_path, write_atomically
from otio_rekognition.rekognition.video import Video
from otio_rekognition.timeline.build import build_timeline
from otio_rekognition.timeline.cutlist import job_cut_list


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


def write_timeline(timeline: otio.schema.Timeline, path: str, adapter: str, **arguments: Any) -> None:
    """Write ``timeline`` through OTIO's adapter of that name, whole or not at all."""
    if adapter == "otio_json":
        # OTIO's own file writer does not report a short write (a full disk): write the text ourselves.
        write_atomically(path, otio.adapters.write_to_string(timeline, adapter_name=adapter, **arguments))
        return
    if adapter == "otioz":
        # Remote media (s3://) cannot be bundled; its URL stays in the timeline.
        arguments["media_policy"] = "MissingIfNotFile"
    with atomic_path(path) as temporary:
        otio.adapters.write_to_file(timeline, str(temporary), adapter_name=adapter, **arguments)
