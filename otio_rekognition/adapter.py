"""The ``rekognition`` OTIO adapter: GetSegmentDetection JSON <-> timeline.

Loaded by OTIO from ``plugin_manifest.json``; every argument is documented
in the README and in :class:`otio_rekognition.options.ReadOptions`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import opentimelineio as otio

from otio_rekognition import aws
from otio_rekognition.errors import AdapterArgumentError, ResponseFormatError
from otio_rekognition.options import ReadOptions
from otio_rekognition.output import write_atomically
from otio_rekognition.response import STRING_SOURCE, read_job
from otio_rekognition.response_writer import response_text
from otio_rekognition.timeline import build_timeline


def read_from_file(filepath: str, **arguments: Any) -> otio.schema.Timeline:
    """A saved job, or ``rekognition://JOB_ID[?region=...&profile=...&endpoint_url=...]``
    fetched from AWS with the standard credential chain."""
    options = ReadOptions.from_arguments(arguments)
    if aws.is_job_url(str(filepath)):
        result = aws.fetch_url(str(filepath))
        return build_timeline(read_job(result.text(), result.source, options.rate, options.strict), options)
    try:
        data = Path(filepath).read_bytes()
    except OSError as error:
        raise ResponseFormatError(f"{filepath}: cannot read: {error.strerror}") from None
    return build_timeline(read_job(data, str(filepath), options.rate, options.strict), options)


def read_from_string(input_str: str | bytes, **arguments: Any) -> otio.schema.Timeline:
    options = ReadOptions.from_arguments(arguments)
    return build_timeline(read_job(input_str, STRING_SOURCE, options.rate, options.strict), options)


def write_to_string(input_otio: otio.schema.Timeline, **arguments: Any) -> str:
    _no_arguments(arguments)
    return response_text(input_otio)


def write_to_file(input_otio: otio.schema.Timeline, filepath: str, **arguments: Any) -> None:
    write_atomically(filepath, write_to_string(input_otio, **arguments))


def _no_arguments(arguments: dict[str, Any]) -> None:
    if arguments:
        raise AdapterArgumentError(
            f"unknown rekognition writer argument {sorted(arguments)[0]!r}: the writer takes no arguments"
        )
