"""The command line's parser: every command, its options and their defaults, and the one-line
errors of a command line that does not parse."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from otio_rekognition import __version__
from otio_rekognition.arguments import READING_OPTIONS, ReadOptions
from otio_rekognition.aws.requests import START_OPTIONS
from otio_rekognition.cli.common import _duration, _formats
from otio_rekognition.cli.terminal import EXIT_USAGE, PROGRAM
from otio_rekognition.formats import (
    FORMATS,
    FORMATS_BY_SUFFIX,
    WRITER_OPTIONS,
)
from otio_rekognition.rekognition.vocabulary import AGGREGATE_BY, ANALYSIS_NAMES, SEGMENTS


@dataclasses.dataclass(frozen=True)
class _Command:
    """One command: what it runs, and what it takes."""

    name: str
    # "module:function" in otio_rekognition.cli, imported when the command runs: each command's
    # modules (AWS, the detector, the review page) cost its start-up time, not every other's.
    runs: str
    help: str
    description: str
    # Its arguments and the option groups it shares with other commands, in --help's order.
    parts: tuple[Callable[[argparse.ArgumentParser], Any], ...]
    reads_stdin: bool = False


_OUTPUT_BY_SUFFIX = ", ".join(f"{suffix} ({name})" for suffix, name in FORMATS_BY_SUFFIX.items())


def _commands() -> tuple[_Command, ...]:
    return (
        _Command(
            "convert",
            "convert:convert",
            "convert a saved Rekognition job (or an OTIO timeline) to EDL, FCPXML, FCP7 XML, AAF or OTIO",
            "Convert a GetSegmentDetection job saved as JSON (one response, an array of pages, or several pages "
            "one after the other; several files are merged as pages; - reads standard input), a job fetched from "
            "AWS (rekognition://JOB_ID), or an OTIO timeline this tool wrote, into the format named by the "
            "output's suffix: " + _OUTPUT_BY_SUFFIX,
            (
                _arg(
                    "inputs",
                    nargs="+",
                    metavar="INPUT",
                    help="job JSON file(s), - for stdin, rekognition://JOB_ID, or a .otio",
                ),
                _arg(
                    "-o",
                    "--output",
                    required=True,
                    help="output file (- for standard output); its suffix picks the format",
                ),
                _arg("--force", action="store_true", help="write even when the output is also an input"),
                _add_conversion_options,
                _add_aws_options,
            ),
            reads_stdin=True,
        ),
        _Command(
            "start",
            "aws_commands:start",
            "start a Rekognition Video analysis (segment detection by default) of a video in S3 (and with --wait, "
            "convert the result)",
            "StartSegmentDetection (or, with --analysis, StartLabelDetection, StartContentModeration, "
            "StartCelebrityRecognition, StartFaceDetection, StartFaceSearch or StartTextDetection) on "
            "s3://BUCKET/KEY; prints the JobId. With --wait -o FILE, waits for the job, fetches every page and "
            "converts the result like the convert command.",
            (
                _arg("video", metavar="S3_URL", help="the video, s3://BUCKET/KEY"),
                _arg("--wait", action="store_true", help="wait for the job and convert it to -o"),
                _arg("-o", "--output", help="with --wait: output file; its suffix picks the format"),
                _add_analysis_option,
                _add_start_request_options,
                _add_wait_options,
                _add_aggregate_option,
                _add_start_conversion_options,
                _add_aws_options,
            ),
        ),
        _Command(
            "wait",
            "aws_commands:wait",
            "wait until a Rekognition job has finished",
            "Wait until a job has finished: poll its analysis's Get* operation (GetSegmentDetection unless "
            "--analysis names another) with growing, jittered delays (or, with --queue-url, wait for Rekognition's "
            "SNS completion message on an SQS queue). Exits 0 when it SUCCEEDED, 19 when it FAILED, 21 at --timeout.",
            (_arg("job_id", metavar="JOB_ID"), _add_analysis_option, _add_wait_options, _add_aws_options),
        ),
        _Command(
            "fetch",
            "aws_commands:fetch",
            "fetch every page of a finished job as one JSON document",
            "Fetch every page of a finished job (GetSegmentDetection, or the Get* operation of --analysis; "
            "MaxResults 1000, following NextToken), check that the pages belong together, and write them as one "
            "response (or, with --raw-pages, the pages as sent). convert reads either.",
            (
                _arg("job_id", metavar="JOB_ID"),
                _add_analysis_option,
                _add_aggregate_option,
                _arg("-o", "--output", required=True, help="the JSON file to write"),
                _arg("--raw-pages", action="store_true", help="write the pages as sent (a JSON array)"),
                _arg(
                    "--timeout",
                    type=_duration,
                    default=_duration("15m"),
                    help="give up when every page has not arrived by then (a server that trickles "
                    "its answer): 90s, 30m",
                ),
                _add_aws_options,
            ),
        ),
        _Command(
            "batch",
            "batch:batch",
            "start, wait for, fetch and convert every video under an S3 prefix, resumably",
            "List the videos (.mov, .mp4, .m4v, .mxf) under s3://BUCKET/PREFIX/ (or take the S3 URLs and JobIds "
            "of --from-file), start a job for each (at most --concurrency running), wait for them, fetch every "
            "page and write DIR/<key below the prefix, without its suffix> in each of --formats, plus the merged "
            "response as .json. DIR/" + ".otio-rekognition-batch.json records each video's state: a repeated or "
            "interrupted run resumes, starting nothing twice. Exits 0 when every video was converted.",
            (
                _arg("source", nargs="?", metavar="S3_PREFIX", help="s3://BUCKET/PREFIX/"),
                _arg("--from-file", metavar="LIST", help="a file of S3 URLs or JobIds, one a line"),
                _arg("-o", "--output", required=True, metavar="DIR", help="the folder to write to"),
                _arg("--formats", type=_formats, required=True, help="comma list of formats: " + ", ".join(FORMATS)),
                _arg("--concurrency", type=int, default=20, help="most jobs running at once"),
                _arg("--force", action="store_true", help="convert again the videos converted before"),
                _add_analysis_option,
                _add_request_options,
                _add_wait_options,
                _add_aggregate_option,
                _add_batch_reading_options,
                _add_writing_options,
                _add_aws_options,
            ),
        ),
        _Command(
            "report",
            "report:report",
            "a review page (HTML) of a job's shots and cues, to look at before importing",
            "Write one self-contained HTML page (no network) of a saved job or an OTIO timeline this tool wrote: "
            "a summary, a zoomable strip of shots and cue lanes, a sortable table of every segment; with --media, "
            "thumbnails of the first, middle and last frame of each shot and of each cue.",
            (
                _arg("inputs", nargs="+", metavar="INPUT", help="job JSON file(s), - for stdin, or a .otio"),
                _arg("-o", "--output", required=True, help="the HTML file to write"),
                _add_reading_options,
                _add_aws_options,
            ),
            reads_stdin=True,
        ),
        _Command(
            "detect",
            "detect:detect_video",
            "find shots, black frames and colour bars in a local video, without AWS",
            "Write a GetSegmentDetection response (JSON) for a local video: SHOT segments (dissolves and fades "
            "left out) and BlackFrames and ColorBars cues. Slate, StudioLogo, credits and Content are not "
            "detected offline.",
            (
                _arg("video", metavar="VIDEO", help="the video file"),
                _arg("-o", "--output", required=True, help="the JSON file to write"),
                _arg("--segment-types", default="SHOT,TECHNICAL_CUE", help="SHOT, TECHNICAL_CUE or both"),
                _arg(
                    "--black-max-pixel-threshold",
                    type=float,
                    default=0.2,
                    help="BlackFrame.MaxPixelThreshold (0-1, 0.2)",
                ),
                _arg(
                    "--black-min-coverage",
                    type=float,
                    default=99.0,
                    help="BlackFrame.MinCoveragePercentage (0-100, 99)",
                ),
                _add_shot_detection_options,
            ),
        ),
    )


def _arg(*flags: str, **keywords: Any) -> Callable[[argparse.ArgumentParser], Any]:
    """One argument of a command, as ``add_argument`` takes it."""
    return lambda parser: parser.add_argument(*flags, **keywords)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROGRAM,
        description="Amazon Rekognition Video segment detection results as frame-exact editing timelines.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _commands():
        command_parser = subparsers.add_parser(command.name, help=command.help, description=command.description)
        for add in command.parts:
            add(command_parser)
        command_parser.set_defaults(run=command.runs, **({"stdin": sys.stdin} if command.reads_stdin else {}))
    return parser


def _add_shot_detection_options(parser: argparse.ArgumentParser) -> None:
    shots = parser.add_argument_group("shots")
    shots.add_argument("--shot-detector", choices=("content", "adaptive"), default="content", help="PySceneDetect")
    shots.add_argument("--shot-threshold", type=float, help="its threshold (content: 27, adaptive: 3.0)")
    shots.add_argument("--min-shot-frames", type=int, default=15, help="shortest shot, in frames")
    shots.add_argument(
        "--dissolve-threshold", type=float, default=2.0, help="change per frame (0-255) that may start a dissolve"
    )
    shots.add_argument("--max-dissolve-frames", type=int, default=60, help="longest dissolve or fade, in frames")


def _add_start_request_options(parser: argparse.ArgumentParser) -> None:
    """The request's options, and what only a single start has: the object version and its idempotency token."""
    request = _add_request_options(parser)
    request.add_argument("--s3-object-version", help="S3 object version of the video")
    request.add_argument("--client-request-token", help="idempotency token: the same token starts one job only")


def _add_start_conversion_options(parser: argparse.ArgumentParser) -> None:
    _add_conversion_options(parser, json_input=False)


def _add_batch_reading_options(parser: argparse.ArgumentParser) -> None:
    reading = _add_reading_options(parser, ("segment_types", "media"))
    # One file cannot be every video: a folder holds each one's copy where its key is.
    reading.add_argument(
        "--media",
        dest="media_folder",
        metavar="DIR",
        help="local copies of the videos, each at DIR/<its key below the prefix> (a proxy will do): their start "
        "timecode and drop-frame flag are used, as convert --media does; a video whose copy is missing fails",
    )


def _add_request_options(parser: argparse.ArgumentParser) -> Any:
    """The Start* request's options (start, and batch for every video); the group, for more."""
    request = parser.add_argument_group(
        "the Start* request", "Each option names the analyses that take it; another analysis refuses it."
    )
    for option in START_OPTIONS:
        request.add_argument(option.flag, type=option.reads, help=option.help)
    request.add_argument("--sns-topic-arn", help="NotificationChannel.SNSTopicArn (Rekognition's completion message)")
    request.add_argument("--role-arn", help="NotificationChannel.RoleArn (lets Rekognition publish to the topic)")
    request.add_argument("--job-tag", help="JobTag, returned with the results and in the notification")
    return request


def _add_conversion_options(parser: argparse.ArgumentParser, json_input: bool = True) -> None:
    """convert's, and start's for the job it waits for (one video: --media too; the request has its own
    --segment-types)."""
    parser.add_argument("--format", choices=tuple(FORMATS), help="output format, when the suffix does not say")
    # start takes --segment-types for its request
    _add_reading_options(parser, () if json_input else ("segment_types",))
    _add_writing_options(parser)


def _add_reading_options(parser: argparse.ArgumentParser, leave_out: tuple[str, ...] = ()) -> Any:
    """The reading options' flags (arguments.READING_OPTIONS), but ``leave_out``'s; the group of the job's."""
    groups = {
        False: parser.add_argument_group("reading the job"),
        True: parser.add_argument_group(
            "the other analyses (labels, moderation, celebrities, faces, face search, text)",
            "Read with the segment job (pass each job's JSON) or alone; --min-confidence applies to them too.",
        ),
    }
    for option in READING_OPTIONS:
        if option.name in leave_out:
            continue
        if option.switch:  # None when not given: the reader's default, and an option for JSON input told apart
            groups[option.of_analyses].add_argument(option.flag, action="store_true", default=None, help=option.help)
        else:
            groups[option.of_analyses].add_argument(option.flag, choices=option.choices, help=option.help)
    return groups[False]


def _add_writing_options(parser: argparse.ArgumentParser) -> None:
    writing = parser.add_argument_group("writing")
    for option in WRITER_OPTIONS:
        # None when not given: the writer's own default applies, and a flag for another format is told apart.
        shown = f"{option.help} (default: {option.default})" if option.default is not None else option.help
        if option.switch:
            writing.add_argument(option.flag, action="store_true", default=None, help=option.help)
        else:
            writing.add_argument(option.flag, choices=option.choices, help=shown)


def _add_analysis_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--analysis",
        choices=ANALYSIS_NAMES,
        default=SEGMENTS.name,
        help="the Rekognition Video analysis the job is of",
    )


def _add_aggregate_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--aggregate-by",
        type=str.upper,
        choices=AGGREGATE_BY,
        help="labels, moderation: AggregateBy of the results (default TIMESTAMPS; SEGMENTS gives ranges)",
    )


def _add_wait_options(parser: argparse.ArgumentParser) -> None:
    waiting = parser.add_argument_group("waiting")
    waiting.add_argument("--timeout", type=_duration, help="give up after this long: 90s, 30m, 2h")
    waiting.add_argument("--poll-initial", type=float, default=5.0, help="seconds before the second check")
    waiting.add_argument("--poll-max", type=float, default=60.0, help="longest wait between checks, seconds")
    waiting.add_argument("--queue-url", help="wait for the SNS completion message on this SQS queue instead")


def _add_aws_options(parser: argparse.ArgumentParser) -> None:
    connection = parser.add_argument_group("AWS (credentials come from the standard chain: environment, profile, role)")
    connection.add_argument("--region", help="AWS region, e.g. us-east-1")
    connection.add_argument("--profile", help="named profile from ~/.aws/config")
    connection.add_argument("--endpoint-url", help="Rekognition endpoint (a VPC endpoint or a test server)")
    connection.add_argument("--retry-mode", choices=("standard", "adaptive"), help="botocore retry mode (standard)")
    connection.add_argument("--max-attempts", type=int, help="attempts per call, retries included (default: 10)")
    connection.add_argument("--connect-timeout", type=float, help="seconds to wait for a connection (default: 10)")
    connection.add_argument("--read-timeout", type=float, help="seconds to wait for an answer (default: 30)")


# What the reader takes for a reading option the command line leaves unset.
_READ_DEFAULTS = {
    field.name: field.default
    for field in dataclasses.fields(ReadOptions)
    if field.default is not None and field.default is not False and field.default not in ((), dataclasses.MISSING)
}


_UNRECOGNISED = re.compile(r"unrecognized arguments: (.*)")


class _Parser(argparse.ArgumentParser):
    """One error line and a pointer to --help, not argparse's usage block;
    every option's default in --help; no abbreviated option, so that a typo
    is never taken for another option (subcommands' parsers are of this class too)."""

    def __init__(self, *args: Any, **keywords: Any) -> None:
        keywords.setdefault("formatter_class", _HelpFormatter)
        keywords.setdefault("allow_abbrev", False)
        super().__init__(*args, **keywords)

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        """As argparse's, but an unknown option is told by the command it was given to, with its own options."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = [action for action in self._actions if isinstance(action, argparse._SubParsersAction)]
            chosen = commands[0].choices.get(str(getattr(parsed, "command", ""))) if commands else None
            (chosen or self).error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROGRAM}: error: {message}{self._suggestion(message)} (see {self.prog} --help)\n")

    def _suggestion(self, message: str) -> str:
        """``; did you mean --edl-flavor?`` for an option this command does not have."""
        unknown = _UNRECOGNISED.match(message)
        if unknown is None:
            return ""
        known = sorted({flag for action in self._actions for flag in action.option_strings if flag.startswith("--")})
        for word in (word.split("=")[0] for word in unknown[1].split() if word.startswith("--")):
            # What an abbreviation would have meant, else the nearest spelling.
            close = [flag for flag in known if flag.startswith(word)] or difflib.get_close_matches(word, known, n=1)
            if close:
                return f"; did you mean {' or '.join(close[:3])}?"
        return ""


class _HelpFormatter(argparse.HelpFormatter):
    """Every option's default in --help, where it has one worth saying."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        # A reading option left unset means the reader's own default: say which.
        default = _READ_DEFAULTS.get(action.dest) if action.default is None else action.default
        # "is": a default of 0 is worth saying, and 0 == False.
        shown = default is not None and default is not False and default != argparse.SUPPRESS and "default" not in text
        if isinstance(default, tuple):
            default = ",".join(map(str, default))
        return f"{text} (default: {default})".replace("%", "%%") if shown and action.option_strings else text
