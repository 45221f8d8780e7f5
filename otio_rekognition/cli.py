"""The ``otio-rekognition`` command line.

Every failure is one line on standard error and a non-zero exit status:
1 for input the tool cannot use (bad JSON, a failed job, a bad option value),
2 for a command line argparse cannot parse, 3 when the output cannot be written.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import opentimelineio as otio

from otio_rekognition import __version__
from otio_rekognition.errors import RekognitionError, ResponseFormatError
from otio_rekognition.exports import FORMATS, FORMATS_BY_SUFFIX, ExportSettings, export, format_for
from otio_rekognition.options import ReadOptions
from otio_rekognition.response import read_job
from otio_rekognition.timeline import build_timeline

PROGRAM = "otio-rekognition"
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3
_OTIO_SUFFIXES = (".otio", ".otioz")
# Reader options that only mean something for Rekognition JSON input.
_JSON_ONLY = ("source_timecode", "media_url", "rate", "segment_types", "cue_types", "min_confidence", "cue_track",
              "shot_markers")  # fmt: skip
_READ_OPTIONS = ("start_timecode", *_JSON_ONLY, "strict")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return int(arguments.run(arguments))
    except RekognitionError as error:
        return _fail(str(error), EXIT_INPUT)
    except otio.exceptions.OTIOError as error:
        return _fail(f"{arguments.inputs[0]}: {error}", EXIT_INPUT)
    except OSError as error:
        return _fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "), EXIT_OUTPUT)
    except KeyboardInterrupt:
        return _fail("interrupted; no output was written", 130)


def convert(arguments: argparse.Namespace) -> int:
    file_format = format_for(arguments.output, arguments.format)
    read_options = {name: getattr(arguments, name) for name in _READ_OPTIONS}
    timeline = _load(arguments.inputs, read_options, arguments.stdin)
    settings = ExportSettings(
        start_timecode=arguments.start_timecode,
        edl_flavor=arguments.edl_flavor,
        fcpxml_version=arguments.fcpxml_version,
        chapter_markers=arguments.chapter_markers,
    )
    export(timeline, arguments.output, file_format, settings)
    print(f"{PROGRAM}: wrote {arguments.output} ({file_format})", file=sys.stderr)
    return 0


def _load(inputs: list[str], read_options: dict[str, Any], stdin: TextIO) -> otio.schema.Timeline:
    """A Rekognition job saved as one or more JSON files (``-`` is standard
    input), or one OTIO timeline this tool wrote."""
    if len(inputs) == 1 and Path(inputs[0]).suffix.lower() in _OTIO_SUFFIXES:
        given = [name for name in _JSON_ONLY if read_options.get(name) not in (None, False)]
        if given:
            raise RekognitionError(
                f"{inputs[0]}: --{given[0].replace('_', '-')} applies to Rekognition JSON input only, "
                "not to an OTIO timeline"
            )
        return otio.adapters.read_from_file(inputs[0])
    options = ReadOptions.from_arguments({key: value for key, value in read_options.items() if value is not None})
    parts = [stdin.buffer.read() if name == "-" else _read_input(name) for name in inputs]
    source = " + ".join("<stdin>" if name == "-" else name for name in inputs)
    job = read_job(b"\n".join(parts), source, options.rate, options.strict)
    return build_timeline(job, options)


def _read_input(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise ResponseFormatError(f"{name}: cannot read: {error.strerror}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Amazon Rekognition Video segment detection results as frame-exact editing timelines.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert_parser = commands.add_parser(
        "convert",
        help="convert a saved Rekognition job (or an OTIO timeline) to EDL, FCPXML, FCP7 XML, AAF or OTIO",
        description="Convert a GetSegmentDetection job saved as JSON (one response, an array of pages, or "
        "several pages one after the other; several files are merged as pages; - reads standard input), or an "
        "OTIO timeline this tool wrote, into the format named by the output's suffix: "
        + ", ".join(f"{suffix} ({name})" for suffix, name in FORMATS_BY_SUFFIX.items()),
    )
    convert_parser.add_argument("inputs", nargs="+", metavar="INPUT", help="job JSON file(s), - for stdin, or a .otio")
    convert_parser.add_argument("-o", "--output", required=True, help="output file; its suffix picks the format")
    convert_parser.add_argument("--format", choices=FORMATS, help="output format, when the suffix does not say")
    reading = convert_parser.add_argument_group("reading the job (see the README's adapter argument table)")
    reading.add_argument("--start-timecode", help="record start, e.g. 01:00:00:00 (01:00:00;00 at 29.97/59.94)")
    reading.add_argument("--source-timecode", help="the media's embedded start timecode; offsets source times")
    reading.add_argument("--media-url", help="URL or path of the media the clips reference")
    reading.add_argument("--rate", help="frame rate override: 25, 29.97, 30000/1001")
    reading.add_argument("--segment-types", help="SHOT, TECHNICAL_CUE or both (comma list)")
    reading.add_argument("--cue-types", help="comma list of cue types to keep, e.g. BlackFrames,Slate")
    reading.add_argument("--min-confidence", help="drop segments below this confidence (0-100)")
    reading.add_argument("--cue-track", action="store_true", default=None, help="add a track with a clip per cue")
    reading.add_argument("--shot-markers", action="store_true", default=None, help="add a marker per shot")
    reading.add_argument("--strict", action="store_true", default=None, help="treat warnings as errors")
    writing = convert_parser.add_argument_group("writing")
    writing.add_argument(
        "--edl-flavor",
        choices=("cmx3600", "resolve-markers"),
        default="cmx3600",
        help="cmx3600: one event per shot with * LOC: markers; resolve-markers: one event per marker for "
        "DaVinci Resolve's Timeline Markers from EDL import",
    )
    writing.add_argument("--fcpxml-version", help="FCPXML version to declare (1.9 to 1.14)")
    writing.add_argument("--chapter-markers", action="store_true", help="FCPXML: write chapter markers")
    convert_parser.set_defaults(run=convert, stdin=sys.stdin)
    return parser


def _fail(message: str, status: int) -> int:
    print(f"{PROGRAM}: error: {message}", file=sys.stderr)
    return status


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"{PROGRAM}: warning: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
