"""The output formats, one record each: its name, the OTIO adapter that
writes it, its suffixes, and the writer options it takes with their flags.
Everything that lists formats (the command line's choices and flags, the
names batch and the Lambda handler write, plugin_manifest.json, which a test
holds against this) reads them from here.

A new format is a writer (writers/), its adapter module (otio_adapters/,
usually three lines: see shot_changes.py) and one record below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from otio_rekognition.writers.edl import CMX3600, FLAVORS
from otio_rekognition.writers.fcpxml import DEFAULT_VERSION, VERSIONS
from otio_rekognition.writers.timed_text import CHAPTER_SOURCES, CUES, SHOT_CHANGE_UNITS


@dataclass(frozen=True)
class WriterOption:
    """A writer's argument and the command-line flag that gives it."""

    argument: str  # as the adapter takes it: "flavor"
    flag: str  # "--edl-flavor"
    help: str
    default: Any = None  # the writer's own, shown in --help
    choices: tuple[str, ...] | None = None
    switch: bool = False  # a flag that takes no value: true when given

    @property
    def dest(self) -> str:
        """The flag's name in argparse's namespace."""
        return self.flag.removeprefix("--").replace("-", "_")


@dataclass(frozen=True)
class OutputFormat:
    name: str  # as --format, --formats and OUTPUT_FORMATS name it
    adapter: str  # the OTIO adapter that writes it
    beside: str  # its suffix where it is written beside the others (batch, Lambda)
    module: str | None  # the adapter's file in the package (plugin_manifest.json); None for OTIO's own
    options: tuple[WriterOption, ...] = ()
    own_suffix: bool = True  # whether `convert -o` picks it by ``beside`` (chapters share their suffix)


_CHAPTERS = WriterOption(
    "chapters",
    "--chapters",
    "chapter formats: the technical cues but black (cues) or every shot",
    CUES,
    CHAPTER_SOURCES,
)
REGISTRY: tuple[OutputFormat, ...] = (
    OutputFormat(
        "edl",
        "rekognition_edl",
        ".edl",
        "otio_adapters/edl.py",
        (
            WriterOption(
                "flavor",
                "--edl-flavor",
                "cmx3600: one event per shot with * LOC: markers; resolve-markers: "
                "one event per marker for DaVinci Resolve's Timeline Markers from EDL import",
                CMX3600,
                FLAVORS,
            ),
        ),
    ),
    OutputFormat(
        "fcpxml",
        "rekognition_fcpxml",
        ".fcpxml",
        "otio_adapters/fcpxml.py",
        (
            # No choices for argparse: the writer also takes 1.1 for 1.10, and says what it expects.
            WriterOption(
                "version",
                "--fcpxml-version",
                f"FCPXML version to declare ({VERSIONS[0]} to {VERSIONS[-1]})",
                DEFAULT_VERSION,
            ),
            WriterOption("chapter_markers", "--chapter-markers", "FCPXML: write chapter markers", switch=True),
            WriterOption("keywords", "--fcpxml-keywords", "FCPXML: keyword ranges per cue type and label", switch=True),
            WriterOption("reject", "--fcpxml-reject", "FCPXML: reject colour bars, slates, black", switch=True),
            WriterOption(
                "todo_below", "--fcpxml-todo-below", "FCPXML: cues below this confidence become to-do markers"
            ),
        ),
    ),
    OutputFormat("fcp7_xml", "rekognition_fcp7_xml", ".xml", "otio_adapters/fcp7_xml.py"),
    OutputFormat("aaf", "rekognition_aaf", ".aaf", "otio_adapters/aaf.py"),
    OutputFormat("otio", "otio_json", ".otio", None),
    OutputFormat("otioz", "otioz", ".otioz", None),
    OutputFormat("rekognition", "rekognition", ".json", "otio_adapters/rekognition.py"),
    OutputFormat("avid-markers", "rekognition_avid_markers", ".txt", "otio_adapters/avid_markers.py"),
    OutputFormat("ale", "rekognition_ale", ".ale", "otio_adapters/ale.py"),
    OutputFormat("csv", "rekognition_csv", ".csv", "otio_adapters/csv_list.py"),
    OutputFormat("webvtt", "rekognition_webvtt", ".vtt", "otio_adapters/webvtt.py"),
    OutputFormat("srt", "rekognition_srt", ".srt", "otio_adapters/srt.py"),
    OutputFormat(
        "webvtt-chapters",
        "rekognition_webvtt_chapters",
        ".chapters.vtt",
        "otio_adapters/webvtt_chapters.py",
        (_CHAPTERS,),
        own_suffix=False,
    ),
    OutputFormat("ffmetadata", "rekognition_ffmetadata", ".ffmetadata", "otio_adapters/ffmetadata.py", (_CHAPTERS,)),
    OutputFormat(
        "youtube-chapters",
        "rekognition_youtube_chapters",
        ".youtube.txt",
        "otio_adapters/youtube_chapters.py",
        (_CHAPTERS,),
        own_suffix=False,
    ),
    OutputFormat(
        "shot-changes",
        "rekognition_shot_changes",
        ".shots.txt",
        "otio_adapters/shot_changes.py",
        (
            WriterOption(
                "unit", "--shot-change-unit", "shot-changes: how times are written", "seconds", SHOT_CHANGE_UNITS
            ),
        ),
        own_suffix=False,
    ),
)
BY_ADAPTER = {output.adapter: output for output in REGISTRY}
# A file's suffix and the OTIO adapter that writes it (``convert -o``).
FORMATS_BY_SUFFIX = {output.beside: output.adapter for output in REGISTRY if output.own_suffix}
FORMATS = {output.name: output.adapter for output in REGISTRY}
# The file each format is written to beside the others (batch, Lambda).
FORMAT_SUFFIXES = {output.name: output.beside for output in REGISTRY}
# Every writer option once, by flag (the chapter formats share theirs).
WRITER_OPTIONS = tuple({option.flag: option for output in REGISTRY for option in output.options}.values())
# The merged response, the record every other file of a job can be made again from.
RESPONSE_FORMAT = "rekognition"
# What batch and the Lambda handler write beside a job's files when the job or a format failed.
ERROR_SUFFIX = ".error.json"


def format_named(word: str) -> str:
    """A format as a list (``--formats``, ``OUTPUT_FORMATS``) names it: its
    name (edl, fcpxml, webvtt-chapters) or its suffix (xml, json, vtt);
    ValueError listing the accepted ones."""
    folded = word.strip().lower().lstrip(".")
    if folded in FORMATS:
        return folded
    by_suffix = {output.beside.lstrip("."): output.name for output in REGISTRY if output.own_suffix}
    if folded in by_suffix:
        return by_suffix[folded]
    raise ValueError(f"unknown format {word!r}: expected one of {', '.join(FORMATS)}")
