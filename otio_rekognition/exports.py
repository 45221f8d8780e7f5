"""Choosing and running an export writer for an output file.

The format comes from the output's suffix (or is named); each writer lives in
its own module and is imported only when used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.output import atomic_path, write_atomically

FORMATS_BY_SUFFIX = {
    ".edl": "edl",
    ".fcpxml": "fcpxml",
    ".xml": "fcp7_xml",
    ".aaf": "aaf",
    ".otio": "otio",
    ".otioz": "otioz",
    ".json": "rekognition",
}
FORMATS = tuple(dict.fromkeys(FORMATS_BY_SUFFIX.values()))


@dataclass(frozen=True)
class ExportSettings:
    start_timecode: str | None = None
    edl_flavor: str = "cmx3600"
    fcpxml_version: str | None = None
    chapter_markers: bool = False


def format_for(path: str, named: str | None = None) -> str:
    if named is not None:
        if named not in FORMATS:
            raise AdapterArgumentError(f"format {named!r} is not one of {', '.join(FORMATS)}")
        return named
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS_BY_SUFFIX:
        raise AdapterArgumentError(
            f"{path}: cannot tell the output format from the suffix {suffix or '(none)'!r}; "
            f"use one of {', '.join(FORMATS_BY_SUFFIX)} or name it with --format"
        )
    return FORMATS_BY_SUFFIX[suffix]


def export(timeline: otio.schema.Timeline, path: str, file_format: str, settings: ExportSettings) -> None:
    """Write ``timeline`` to ``path``: whole, or not at all."""
    if file_format in ("otio", "otioz"):
        _write_otio(timeline, path, file_format, settings)
    elif file_format == "rekognition":
        from otio_rekognition.response_writer import response_text

        write_atomically(path, response_text(timeline))
    else:
        _write_edit_list(timeline, path, file_format, settings)


def _write_otio(timeline: otio.schema.Timeline, path: str, file_format: str, settings: ExportSettings) -> None:
    if settings.start_timecode is not None:
        from otio_rekognition.cutlist import cut_list

        cuts = cut_list(timeline, settings.start_timecode)
        timeline.global_start_time = otio.opentime.RationalTime(cuts.record_start, float(cuts.rate))
    with atomic_path(path) as temporary:
        if file_format == "otioz":
            # Remote media (s3://) cannot be bundled; its URL stays in the metadata.
            otio.adapters.write_to_file(timeline, str(temporary), "otioz", media_policy="MissingIfNotFile")
        else:
            otio.adapters.write_to_file(timeline, str(temporary), "otio_json")


def _write_edit_list(timeline: otio.schema.Timeline, path: str, file_format: str, settings: ExportSettings) -> None:
    from otio_rekognition.cutlist import cut_list

    cuts = cut_list(timeline, settings.start_timecode)
    if file_format == "edl":
        from otio_rekognition.edl import write_edl

        write_atomically(path, write_edl(cuts, settings.edl_flavor))
    elif file_format == "fcpxml":
        from otio_rekognition.fcpxml import write_fcpxml

        write_atomically(path, write_fcpxml(cuts, settings.fcpxml_version, settings.chapter_markers))
    elif file_format == "fcp7_xml":
        from otio_rekognition.fcp7_xml import write_fcp7_xml

        write_atomically(path, write_fcp7_xml(cuts))
    elif file_format == "aaf":
        from otio_rekognition.aaf import write_aaf

        write_aaf(cuts, path)
