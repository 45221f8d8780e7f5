"""Adapter arguments: typed, validated, and accepted as the strings that
``otioconvert -a key=value`` passes (``ast.literal_eval`` turns ``29.97``
into a float, ``true`` stays a string, ``True`` becomes a bool)."""

from __future__ import annotations

import inspect
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any
from urllib.parse import urlsplit

from otio_rekognition import frames, names
from otio_rekognition.errors import AdapterArgumentError, RekognitionWarning
from otio_rekognition.rekognition.vocabulary import CUE_TYPES, SEGMENT_TYPES, TEXT_TYPES, segment_types

AUTO, DF, NDF = "auto", "df", "ndf"
TIMECODE_MODES = (AUTO, DF, NDF)
# Jobs of several videos: one after the other in one sequence, or a bin of clips and subclips.
SEQUENCE, BIN = "sequence", "bin"
VIDEOS_MODES = (SEQUENCE, BIN)
_COUNTS = {True: "drop frame", False: "non-drop"}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
# What an unquoted 01:00:00;00 leaves of itself in a POSIX shell.
_CUT_AT_SEMICOLON = re.compile(r"\d{1,2}:\d{2}:\d{2}")


@dataclass(frozen=True)
class ReadOptions:
    """How a Rekognition job becomes a timeline. See the README's table."""

    start_timecode: str | None = None  # None: 01:00:00:00, editors' default sequence start
    source_timecode: str | None = None
    timecode: str = AUTO  # how timecodes are counted at 29.97/59.94: auto, df or ndf
    media: str | None = None  # a local copy of the analysed video
    media_url: str | None = None
    rate: Fraction | None = None
    segment_types: tuple[str, ...] = SEGMENT_TYPES
    cue_types: tuple[str, ...] | None = None
    min_confidence: float = 0.0
    cue_track: bool = False
    shot_markers: bool = False
    no_audio: bool = False  # picture only, whatever sound the video has
    strict: bool = False
    # The other analyses (see rekognition.analyses): seconds within which point
    # detections of one name join (None: twice the job's sampling interval),
    # names kept or dropped (a label's parents count), categories, text types.
    merge_window: float | None = None
    labels: tuple[str, ...] | None = None
    exclude_labels: tuple[str, ...] = ()
    label_categories: tuple[str, ...] | None = None
    moderation_categories: tuple[str, ...] | None = None
    text_types: tuple[str, ...] = ("LINE",)
    analysis_tracks: bool = False
    videos: str | None = None  # jobs of several videos: SEQUENCE or BIN; None refuses them

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any]) -> ReadOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise AdapterArgumentError(
                f"unknown rekognition adapter argument {unknown[0]!r}; accepted: {', '.join(sorted(known))}"
            )
        values = {name: _PARSERS[name](name, value) for name, value in arguments.items() if value is not None}
        return cls(**values)


def reject_unknown(adapter: str, unknown: Mapping[str, Any], accepted: tuple[str, ...]) -> None:
    """An adapter function's ``**unknown``: one line naming the first unknown
    argument (Python's own TypeError would reach otioconvert as a traceback)."""
    if unknown:
        takes = f"accepted: {', '.join(sorted(accepted))}" if accepted else "it takes no arguments"
        raise AdapterArgumentError(f"unknown {adapter} adapter argument {sorted(unknown)[0]!r}; {takes}")


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AdapterArgumentError(f"argument {name}: expected text, got {value!r}")
    return value.strip()


def timecode_text(name: str, value: Any) -> str:
    """A timecode as editors type it: 01:00:00:00, 01:00:00;00, 1:00:00:00 or
    01000000 (which otioconvert's ``-a`` turns into a number from 10000000 on)."""
    if isinstance(value, int) and not isinstance(value, bool) and 10**7 <= value < 10**8:
        value = str(value)
    text = value.strip() if isinstance(value, str) else ""
    if not frames.TIMECODE_SHAPE.match(text):
        shell = ""
        if _CUT_AT_SEMICOLON.fullmatch(text):
            shell = (
                f" (a drop-frame timecode must be quoted, '{text};00': a shell ends the command at ';' "
                "and drops the frames)"
            )
        raise AdapterArgumentError(
            f"argument {name}: expected a timecode such as 01:00:00:00 (01:00:00;00 in drop frame), "
            f"got {value!r}{shell}"
        )
    return text


def _one_of(modes: tuple[str, ...]) -> Callable[[str, Any], str]:
    def parse(name: str, value: Any) -> str:
        mode = value.strip().lower() if isinstance(value, str) else None
        if mode not in modes:
            raise AdapterArgumentError(f"argument {name}: expected one of {', '.join(modes)}, got {value!r}")
        return mode

    return parse


timecode_mode = _one_of(TIMECODE_MODES)


def counted_drop_frame(mode: str, rate: Fraction, known: bool | None = None) -> bool:
    """Whether timecodes are counted drop frame at ``rate``: as ``mode`` says;
    ``auto`` takes ``known`` (the media's own flag, or what a timeline
    recorded), else drop frame at 29.97 and 59.94, as Rekognition counts."""
    if mode == DF:
        if not frames.is_drop_frame(rate):
            raise AdapterArgumentError(
                f"argument timecode: df, but {float(rate):g} fps has no drop-frame timecode (only 29.97 and 59.94)"
            )
        return True
    if mode == NDF or not frames.is_drop_frame(rate):
        return False
    return True if known is None else known


def timecode_frame(name: str, timecode: Any, rate: Fraction, drop_frame: bool) -> int:
    """The frame a timecode argument names, counted as ``drop_frame`` says. A
    separator that says otherwise (01:00:00:00 where drop frame is counted)
    is read in the mode in force, with a warning: never a silent switch."""
    text = timecode_text(name, timecode)
    try:
        frame = frames.timecode_to_frame(text, rate, drop_frame)
    except ValueError as error:
        raise AdapterArgumentError(f"argument {name}: {error}") from None
    written = frames.written_drop_frame(text)
    if frames.is_drop_frame(rate) and written is not None and written != drop_frame:
        try:
            as_written: int | None = frames.timecode_to_frame(text, rate, written)
        except ValueError:  # a label drop frame skips: read otherwise all the more
            as_written = None
    if frames.is_drop_frame(rate) and written is not None and written != drop_frame and as_written != frame:
        wanted = DF if written else NDF
        warnings.warn(
            f"argument {name}: {text} is written {_COUNTS[written]}, but timecodes are counted "
            f"{_COUNTS[drop_frame]} here, so it is {frames.frame_to_timecode(frame, rate, drop_frame)}; "
            f"if the media counts {_COUNTS[written]}, pass --timecode {wanted} (timecode={wanted})",
            RekognitionWarning,
            stacklevel=2,
        )
    return frame


def _media_url(name: str, value: Any) -> str:
    """A URL as given; a local path as an absolute file:// URL (a relative
    one from the working folder), as editors need it."""
    text = _text(name, value)
    try:
        urlsplit(text).port  # noqa: B018 - urlsplit checks brackets and ports only when asked
    except ValueError as error:
        raise AdapterArgumentError(f"argument {name}: not a URL or path ({error}): {text!r}") from None
    return names.media_url(text, os.getcwd())


def _rate(name: str, value: Any) -> Fraction:
    try:
        return frames.parse_rate(value)
    except ValueError as error:
        raise AdapterArgumentError(f"argument {name}: {error}") from None


def boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and str(value).strip().lower() in _TRUE | _FALSE:
        return str(value).strip().lower() in _TRUE
    raise AdapterArgumentError(f"argument {name}: expected true or false, got {value!r}")


def _segment_types(name: str, value: Any) -> tuple[str, ...]:
    try:
        return segment_types(value if isinstance(value, str) else [str(item) for item in value])
    except (TypeError, ValueError) as error:
        raise AdapterArgumentError(f"argument {name}: {error}") from None


def confidence(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not 0 <= number <= 100:
        raise AdapterArgumentError(f"argument {name}: expected a number from 0 to 100, got {value!r}")
    return number


# Longer than any thing stays on screen and still one appearance.
LONGEST_MERGE_WINDOW = 3600.0


def _seconds(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not 0 <= number <= LONGEST_MERGE_WINDOW:
        raise AdapterArgumentError(
            f"argument {name}: expected seconds from 0 to {LONGEST_MERGE_WINDOW:g}, got {value!r}"
        )
    return number


def _names(name: str, value: Any) -> tuple[str, ...]:
    """Names as Rekognition writes them (labels, celebrities, categories), as
    a comma list or a sequence; matched without regard to case."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise AdapterArgumentError(f"argument {name}: expected a comma list of names, got {value!r}")
    chosen = tuple(dict.fromkeys(text for text in (str(item).strip() for item in items) if text))
    if not chosen:
        raise AdapterArgumentError(f"argument {name}: expected at least one name, got {value!r}")
    return chosen


def _choices(accepted: tuple[str, ...]) -> Callable[[str, Any], tuple[str, ...]]:
    by_folded_name = {choice.lower(): choice for choice in accepted}

    def parse(name: str, value: Any) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise AdapterArgumentError(
                f"argument {name}: expected a comma list of {', '.join(accepted)}, got {value!r}"
            )
        chosen = []
        for item in items:
            key = str(item).strip().lower()
            if key not in by_folded_name:
                raise AdapterArgumentError(f"argument {name}: {item!r} is not one of {', '.join(accepted)}")
            chosen.append(by_folded_name[key])
        if not chosen:
            raise AdapterArgumentError(f"argument {name}: expected at least one of {', '.join(accepted)}")
        return tuple(dict.fromkeys(chosen))

    return parse


@dataclass(frozen=True)
class ReadingOption:
    """How a job is read into a timeline, one option: the adapter's argument,
    the command line's flag (``--name-with-dashes``) and the one text both
    explain it with (the adapter's docstring, ``otiopluginfo``, ``--help``)."""

    name: str
    parse: Callable[[str, Any], Any]  # (argument name, value as given) -> value, or AdapterArgumentError
    help: str
    switch: bool = False  # a flag that takes no value
    choices: tuple[str, ...] | None = None
    of_analyses: bool = False  # for the other analyses (labels, moderation, ...)
    any_input: bool = False  # also for an OTIO timeline read back, not only Rekognition's JSON

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


READING_OPTIONS: tuple[ReadingOption, ...] = (
    ReadingOption("start_timecode", timecode_text, "record start (default 01:00:00:00; 01:00:00;00 when counting "
                  "drop frame); quote a ';' in a shell", any_input=True),
    ReadingOption("source_timecode", timecode_text, "the media's embedded start timecode; offsets source times"),
    ReadingOption("timecode", timecode_mode, "how 29.97/59.94 timecodes are counted, read and written: df, ndf, or "
                  "auto (the media's own when media is given, else drop frame as Rekognition counts)",
                  choices=TIMECODE_MODES, any_input=True),
    ReadingOption("media", _text, "a local copy of the analysed video: its start timecode, drop-frame flag and "
                  "path are used, its rate and length checked (needs the detect extra)"),
    ReadingOption("media_url", _media_url, "URL or path of the media the clips reference"),
    ReadingOption("rate", _rate, "frame rate override: 25, 29.97, 30000/1001"),
    ReadingOption("segment_types", _segment_types, "SHOT, TECHNICAL_CUE or both (comma list)"),
    ReadingOption("cue_types", _choices(CUE_TYPES), "comma list of cue types to keep, e.g. BlackFrames,Slate"),
    ReadingOption("min_confidence", confidence, "drop segments and detections below this confidence (0-100)"),
    ReadingOption("cue_track", boolean, "add a track with a clip per cue", switch=True),
    ReadingOption("shot_markers", boolean, "add a marker per shot", switch=True),
    ReadingOption("no_audio", boolean, "picture only: leave the video's sound (AudioMetadata) out of every export",
                  switch=True, any_input=True),
    ReadingOption("strict", boolean, "treat warnings (an incomplete job, disagreeing frame sources) as errors",
                  switch=True, any_input=True),
    ReadingOption("merge_window", _seconds, "seconds within which detections of one name become one marker "
                  "(default: twice the job's sampling interval; 0 keeps every detection apart)", of_analyses=True),
    ReadingOption("labels", _names, "comma list of names to keep (a label's parents count); case ignored",
                  of_analyses=True),
    ReadingOption("exclude_labels", _names, "comma list of names to drop (a label's parents count)",
                  of_analyses=True),
    ReadingOption("label_categories", _names, "comma list of label categories to keep", of_analyses=True),
    ReadingOption("moderation_categories", _names, "comma list of top-level moderation categories to keep",
                  of_analyses=True),
    ReadingOption("text_types", _choices(TEXT_TYPES), "LINE, WORD or both (default: LINE)", of_analyses=True),
    ReadingOption("analysis_tracks", boolean, "add a track per analysis, a clip per marker", switch=True,
                  of_analyses=True),
    ReadingOption("videos", _one_of(VIDEOS_MODES), "jobs of several videos (each video's jobs, in the order they "
                  "are read): one after the other in one sequence, or a bin of a clip per video and a subclip per "
                  "shot", choices=VIDEOS_MODES),
)  # fmt: skip
READER_ARGUMENTS = tuple(option.name for option in READING_OPTIONS)
_PARSERS = {option.name: option.parse for option in READING_OPTIONS}


def keyword_signature(leading: Sequence[str], keywords: Mapping[str, Any]) -> inspect.Signature:
    """A signature of plain parameters, ``leading`` then ``keywords`` with
    their defaults, then ``**unknown``: what ``otiopluginfo`` lists for an
    adapter function that takes its arguments from a table."""
    plain = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature(
        [
            *(inspect.Parameter(name, plain) for name in leading),
            *(inspect.Parameter(name, plain, default=default) for name, default in keywords.items()),
            inspect.Parameter("unknown", inspect.Parameter.VAR_KEYWORD),
        ]
    )
