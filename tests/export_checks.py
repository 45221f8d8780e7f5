"""Checks of what the tool wrote or said, shared by the hostile-input table
and the fuzz tests: every file valid for its format, every message one line."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import aaf2
import opentimelineio as otio
import pycmx
from helpers import apple_dtd, media_frames, shot_clips
from lxml import etree

from otio_rekognition.arguments import ReadOptions
from otio_rekognition.errors import RekognitionError
from otio_rekognition.export import write_timeline
from otio_rekognition.formats import FORMATS
from otio_rekognition.rekognition.pages import read_job

# An error line is for a person: one that quotes a megabyte of input is not clear.
MAX_MESSAGE = 1000
# Every writer. The command-line test already writes each row as .json; AAF
# takes half a second a file, so it and OTIO run on a few rows only.
FAST_FORMATS = {"edl": ".edl", "fcpxml": ".fcpxml", "fcp7_xml": ".xml"}
ALL_FORMATS = {**FAST_FORMATS, "rekognition": ".json", "otio": ".otio", "aaf": ".aaf"}


def shot_frames(timeline: otio.schema.Timeline) -> tuple[tuple[int, int], ...]:
    return tuple((first, last) for first, last in (media_frames(clip.source_range) for clip in shot_clips(timeline)))


def one_line_problem(message: str) -> str | None:
    if "\n" in message or "\r" in message:
        return f"message is not one line: {message[:300]!r}"
    if len(message) > MAX_MESSAGE:
        return f"message is {len(message)} characters long: {message[:200]!r}..."
    return None


def valid_file_problem(path: Path, file_format: str, rate: str | None = None) -> str | None:
    """Why the written file is not a valid file of its format (None if it is)."""
    try:
        if file_format == "edl":
            text = path.read_text(encoding="utf-8")
            pycmx.parse_cmx3600(io.StringIO(text))
            if any(character < " " for line in text.splitlines() for character in line):
                return "EDL line with a control character"
        elif file_format in ("fcpxml", "fcp7_xml"):
            dtd_name = "FCPXMLv1_10.dtd" if file_format == "fcpxml" else "xmeml_v5.dtd"
            validator = apple_dtd(dtd_name)
            if not validator.validate(etree.parse(str(path))):
                return f"not valid against {dtd_name}: {validator.error_log.filter_from_errors()[:2]}"
        elif file_format == "aaf":
            with aaf2.open(str(path), "r") as aaf:
                list(aaf.content.mobs)
        elif file_format == "rekognition":
            # What this tool writes it must read back (warnings allowed).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read_job(path.read_bytes(), str(path), ReadOptions.from_arguments({"rate": rate} if rate else {}).rate)
        elif file_format == "otio":
            otio.adapters.read_from_file(str(path))
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:300]}"
    return None


def export_problem(
    timeline: otio.schema.Timeline, folder: Path, file_format: str, rate: str | None = None
) -> str | None:
    """Export ``timeline``: a valid file or a RekognitionError that leaves nothing behind."""
    folder.mkdir()
    path = folder / f"out{ALL_FORMATS[file_format]}"
    try:
        write_timeline(timeline, str(path), FORMATS[file_format])
    except RekognitionError as error:
        left = sorted(entry.name for entry in folder.iterdir())
        if left:
            return f"{file_format}: failed ({error}) but left {left}"
        return one_line_problem(str(error))
    except Exception as error:
        raise AssertionError(f"{file_format}: {type(error).__name__} escaped: {error}") from error
    left = sorted(entry.name for entry in folder.iterdir() if entry != path)
    if left:
        return f"{file_format}: left temporary files {left}"
    if (problem := valid_file_problem(path, file_format, rate)) is not None:
        return f"{file_format}: {problem}"
    return None
