"""The ``otio-rekognition`` command line.

Every failure is one line on standard error and a non-zero exit status:
1 for input the tool cannot use (bad JSON, a failed job, a bad option value),
2 for a command line argparse cannot parse, 3 when the output cannot be written.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import json
import math
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO
from urllib.parse import unquote, urlsplit

import opentimelineio as otio

from otio_rekognition import __version__
from otio_rekognition.arguments import (
    AUTO,
    TIMECODE_MODES,
    ReadOptions,
    counted_drop_frame,
    timecode_frame,
    timecode_mode,
)
from otio_rekognition.errors import (
    AdapterArgumentError,
    RekognitionError,
    RekognitionWarning,
    ResponseFormatError,
    TimelineError,
)
from otio_rekognition.export import write_job_as, write_timeline
from otio_rekognition.formats import (
    BY_ADAPTER,
    FORMAT_SUFFIXES,
    FORMATS,
    FORMATS_BY_SUFFIX,
    RESPONSE_FORMAT,
    WRITER_OPTIONS,
    format_named,
)
from otio_rekognition.otio_adapters.rekognition import load_job
from otio_rekognition.output import OutputError, same_file, write_atomically
from otio_rekognition.rekognition.pages import Job, response_text
from otio_rekognition.rekognition.vocabulary import AGGREGATE_BY, ANALYSES, SEGMENTS
from otio_rekognition.timeline.build import build_timeline
from otio_rekognition.timeline.cutlist import cut_list, job_cut_list
from otio_rekognition.timeline.metadata import counted_drop_frame as recorded_drop_frame
from otio_rekognition.timeline.metadata import set_counting, timeline_values
from otio_rekognition.timeline.ranges import timeline_rate

PROGRAM = "otio-rekognition"
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3
_OTIO_SUFFIXES = (".otio", ".otioz")
# Reader options that only mean something for Rekognition JSON input.
_JSON_ONLY = ("source_timecode", "media", "media_url", "rate", "segment_types", "cue_types", "min_confidence",
              "cue_track", "shot_markers", "merge_window", "labels", "exclude_labels", "label_categories",
              "moderation_categories", "text_types", "analysis_tracks")  # fmt: skip
_READ_OPTIONS = ("start_timecode", "timecode", *_JSON_ONLY, "strict")
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?")


class _Stopped(BaseException):
    """SIGTERM or SIGHUP: raised in the main thread so that every temporary
    file is removed on the way out, as Ctrl-C (KeyboardInterrupt) does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    warnings.showwarning = _show_warning
    # Signals reach the main thread only (main() may also be called from another, by a program).
    in_main = threading.current_thread() is threading.main_thread()
    stopping = (signal.SIGTERM, signal.SIGHUP) if in_main else ()
    previous = {number: signal.signal(number, _stop) for number in stopping}
    try:
        return int(arguments.run(arguments))
    except RekognitionError as error:
        # AWS errors carry a status per class (see otio_rekognition.aws).
        return _fail(_in_flags(str(error)), getattr(error, "exit_status", EXIT_INPUT))
    except otio.exceptions.OTIOError as error:
        return _fail(" ".join([*getattr(arguments, "inputs", [])[:1], str(error)]), EXIT_INPUT)
    except OSError as error:
        return _fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "), EXIT_OUTPUT)
    except MemoryError:
        return _fail("out of memory: the input is too large for this machine", EXIT_INPUT)
    except KeyboardInterrupt:
        return _fail("interrupted; no output was written", 130)
    except _Stopped as stopped:
        return _fail(f"stopped by {signal.Signals(stopped.signum).name}; no output was written", 128 + stopped.signum)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stop(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def convert(arguments: argparse.Namespace) -> int:
    adapter = _adapter_for(arguments.output, arguments.format)
    for name in arguments.inputs:
        if same_file(name, arguments.output) and not arguments.force:
            raise AdapterArgumentError(f"{arguments.output}: is also an input; write elsewhere, or pass --force")
    _warn_unused_writer_options(arguments, adapter)
    read_options = {name: getattr(arguments, name) for name in _READ_OPTIONS}
    source = " + ".join(arguments.inputs)
    # A 10,000-shot AAF takes seconds: a terminal sees what is going on.
    progress = _StatusLine(sys.stderr, quiet=True)
    try:
        progress.step(f"reading {source}")
        read = _load(arguments, read_options)
        progress.step(f"writing {arguments.output}")
        _export(read, arguments, adapter, source)
    finally:
        progress.close(keep=False)
    _wrote(arguments.output, adapter)
    return 0


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _upper_comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.upper() for part in _comma_list(text))


# start's request flags by the StartRequest field each sets: the flag, how
# its text is read, its help. Which analyses take a field, where it goes in
# the request and what it may be are aws.START_OPTIONS's.
_REQUEST_FLAGS: dict[str, tuple[str, Callable[[str], Any], str]] = {
    "segment_types": ("--segment-types", _upper_comma_list, "segments: SHOT, TECHNICAL_CUE or both (default: both)"),
    "shot_min_confidence": ("--min-shot-confidence", float, "segments: ShotFilter.MinSegmentConfidence (50-100)"),
    "cue_min_confidence": ("--min-cue-confidence", float, "segments: TechnicalCueFilter.MinSegmentConfidence (50-100)"),
    "black_frame_max_pixel_threshold": ("--black-max-pixel-threshold", float,
                                        "segments: BlackFrame.MaxPixelThreshold (0-1)"),
    "black_frame_min_coverage_percentage": ("--black-min-coverage", float,
                                            "segments: BlackFrame.MinCoveragePercentage (0-100)"),
    "min_confidence": ("--analysis-min-confidence", float,
                       "labels, moderation: MinConfidence; text: WordFilter.MinConfidence (0-100)"),
    "label_features": ("--label-features", _upper_comma_list, "labels: Features (GENERAL_LABELS)"),
    "label_inclusion": ("--label-inclusion", _comma_list, "labels: GeneralLabels.LabelInclusionFilters (comma list)"),
    "label_exclusion": ("--label-exclusion", _comma_list, "labels: GeneralLabels.LabelExclusionFilters (comma list)"),
    "label_category_inclusion": ("--label-category-inclusion", _comma_list,
                                 "labels: GeneralLabels.LabelCategoryInclusionFilters (comma list)"),
    "label_category_exclusion": ("--label-category-exclusion", _comma_list,
                                 "labels: GeneralLabels.LabelCategoryExclusionFilters (comma list)"),
    "face_attributes": ("--face-attributes", str.upper, "faces: FaceAttributes, DEFAULT or ALL"),
    "collection_id": ("--collection-id", str, "face-search (required): CollectionId, the faces to search for"),
    "face_match_threshold": ("--face-match-threshold", float, "face-search: FaceMatchThreshold (0-100)"),
    "text_min_box_height": ("--text-min-box-height", float, "text: WordFilter.MinBoundingBoxHeight (0-1)"),
    "text_min_box_width": ("--text-min-box-width", float, "text: WordFilter.MinBoundingBoxWidth (0-1)"),
}  # fmt: skip


def start(arguments: argparse.Namespace) -> int:
    from otio_rekognition import aws

    adapter = _adapter_for(arguments.output, arguments.format) if arguments.output else None
    bucket, key = _s3_location(arguments.video)
    given = {field: getattr(arguments, _dest(flag)) for field, (flag, _, _) in _REQUEST_FLAGS.items()}
    for option in aws.START_OPTIONS:  # the request's own checks, in the command line's words
        problem = option.problem(arguments.analysis, given[option.field])
        if problem:
            raise AdapterArgumentError(f"{_REQUEST_FLAGS[option.field][0]}: {problem}")
    _check_aggregate_by(arguments)
    request = aws.StartRequest(
        bucket=bucket,
        key=key,
        version=arguments.s3_object_version,
        sns_topic_arn=arguments.sns_topic_arn,
        role_arn=arguments.role_arn,
        job_tag=arguments.job_tag,
        client_request_token=arguments.client_request_token,
        analysis=arguments.analysis,
        **given,
    )
    connection = _connection(arguments)
    job_id = aws.start(request, connection)
    print(job_id, flush=True)
    if adapter is None:
        return 0
    _wait_for(job_id, arguments, connection)
    result = aws.fetch(
        job_id,
        connection,
        analysis=arguments.analysis,
        aggregate_by=arguments.aggregate_by,
        on_page=_page_reporter(job_id, aws.api(arguments.analysis).noun),
    )
    read_options = {name: getattr(arguments, name, None) for name in _READ_OPTIONS}
    _export(_job([(result.source, result.text())], read_options), arguments, adapter, result.source)
    _wrote(arguments.output, adapter)
    return 0


def wait(arguments: argparse.Namespace) -> int:
    _wait_for(arguments.job_id, arguments, _connection(arguments))
    return 0


def fetch(arguments: argparse.Namespace) -> int:
    from otio_rekognition import aws

    _check_aggregate_by(arguments)
    noun = aws.api(arguments.analysis).noun
    with _deadline(arguments.timeout, f"{aws.URL_SCHEME}://{arguments.job_id}: fetch"):
        result = aws.fetch(
            arguments.job_id,
            _connection(arguments),
            analysis=arguments.analysis,
            aggregate_by=arguments.aggregate_by,
            on_page=_page_reporter(arguments.job_id, noun),
        )
    write_atomically(arguments.output, result.text(raw_pages=arguments.raw_pages))
    restarted = f", restarted {result.restarts} time(s) after an expired NextToken" if result.restarts else ""
    print(
        f"{PROGRAM}: wrote {arguments.output}: {result.item_count} {noun} from {len(result.pages)} page(s){restarted}",
        file=sys.stderr,
    )
    return 0


def batch(arguments: argparse.Namespace) -> int:
    """Start, wait for, fetch and convert every video under an S3 prefix (or
    of a list), resumably: see aws/batch.py."""
    from otio_rekognition import aws
    from otio_rekognition.aws import batch as batching

    if (arguments.source is None) == (arguments.from_file is None):
        raise AdapterArgumentError("expected either s3://BUCKET/PREFIX/ or --from-file LIST, not both or neither")
    if arguments.concurrency < 1:
        raise AdapterArgumentError(f"--concurrency {arguments.concurrency}: expected 1 or more")
    given = {field: getattr(arguments, _dest(flag)) for field, (flag, _, _) in _REQUEST_FLAGS.items()}
    for option in aws.START_OPTIONS:
        problem = option.problem(arguments.analysis, given[option.field])
        if problem:
            raise AdapterArgumentError(f"{_REQUEST_FLAGS[option.field][0]}: {problem}")
    _check_aggregate_by(arguments)
    read_options = {name: getattr(arguments, name, None) for name in _READ_OPTIONS}
    # Checked once here rather than failing every video the same way at its conversion.
    ReadOptions.from_arguments({key: value for key, value in read_options.items() if value is not None})
    # What the files are written with: a video converted with other settings is converted again.
    writer_arguments = {name: _writer_arguments(arguments, FORMATS[name]) for name in arguments.formats}
    settings = json.dumps(
        [sorted(arguments.formats), writer_arguments, read_options, arguments.aggregate_by], sort_keys=True, default=str
    )
    backoff = aws.Backoff(initial=arguments.poll_initial, maximum=max(arguments.poll_max, arguments.poll_initial))
    connection = _connection(arguments, batching.ReusedConnection())
    folder = Path(arguments.output)

    def request(bucket: str, key: str, token: str | None = None) -> Any:
        return aws.StartRequest(
            bucket=bucket,
            key=key,
            sns_topic_arn=arguments.sns_topic_arn,
            role_arn=arguments.role_arn,
            job_tag=arguments.job_tag,
            client_request_token=token,
            analysis=arguments.analysis,
            **given,
        )

    def video(bucket: str, key: str, etag: str | None, prefix: str) -> batching.Video:
        token = batching.request_token(request(bucket, key), etag)
        made = batching.Video(f"s3://{bucket}/{key}", key, bucket, key, etag, token, analysis=arguments.analysis)
        try:
            made.output = batching.relative_path(key, prefix)
        except ValueError as error:  # that video fails, before anything is started; the others go on
            made.state, made.reason, made.exit_status = batching.FAILED, str(error), EXIT_INPUT
        return made

    videos: list[batching.Video] = []
    if arguments.source is not None:
        bucket, prefix = _s3_prefix(arguments.source)
        videos = [video(bucket, key, etag, prefix) for key, etag in batching.list_videos(bucket, prefix, connection)]
    else:
        for line in batching.read_list(_read_input(arguments.from_file).decode("utf-8", "replace")):
            if line.lower().startswith("s3://"):
                bucket, key = _s3_location(line)
                videos.append(video(bucket, key, None, ""))
            elif aws.jobs.is_job_id(line):
                videos.append(
                    batching.Video(line, line, state=batching.STARTED, job_id=line, analysis=arguments.analysis)
                )
            else:
                raise AdapterArgumentError(f"{arguments.from_file}: {line!r}: expected s3://BUCKET/KEY or a JobId")

    def start_one(item: batching.Video) -> str:
        assert item.bucket is not None and item.key is not None
        return aws.start(request(item.bucket, item.key, item.token), connection)

    def status(item: batching.Video) -> str:
        return aws.jobs.job_status(str(item.job_id), connection, analysis=item.analysis)

    def convert_one(item: batching.Video) -> None:
        assert item.job_id is not None
        base = folder / item.files
        base.parent.mkdir(parents=True, exist_ok=True)
        response = Path(f"{base}{FORMAT_SUFFIXES[RESPONSE_FORMAT]}")
        fetched_with = f"{item.job_id}/{arguments.aggregate_by or ''}"
        source = f"{aws.URL_SCHEME}://{item.job_id}"
        read = None
        if item.response == fetched_with and response.is_file():
            try:  # this job's response, saved by an earlier run
                read = _job([(source, _read_input(str(response)))], read_options)
            except ResponseFormatError:
                read = None  # damaged or edited since: the job again
        if read is None:
            result = aws.fetch(item.job_id, connection, analysis=item.analysis, aggregate_by=arguments.aggregate_by)
            text = result.text()
            write_atomically(response, text)
            item.response = fetched_with
            read = _job([(result.source, text)], read_options)
        assert read.job is not None
        for name in arguments.formats:
            if name == RESPONSE_FORMAT:  # the merged response, written above
                continue
            path = f"{base}{FORMAT_SUFFIXES[name]}"
            write_job_as(read.job, read.options, path, FORMATS[name], **writer_arguments[name])

    watcher: batching.Watcher
    if arguments.queue_url:
        watcher = batching.QueueWatcher(status, arguments.queue_url, connection, math.ceil(arguments.poll_max))
    else:
        watcher = batching.PollWatcher(status, backoff)
    status_line = _StatusLine(sys.stderr, quiet=True)

    def show(progress: batching.Progress) -> None:
        status_line.step(
            f"{progress.converted}/{progress.total} converted, {progress.in_flight} running, "
            f"{progress.pending} waiting to start, {progress.failed} failed"
        )

    deadline = time.monotonic() + arguments.timeout if arguments.timeout else None
    interrupted = False
    with batching.running_in(folder):
        ledger = batching.Ledger.load(folder / batching.LEDGER_NAME)
        jobs = ledger.add(videos)
        try:
            batching.run(
                ledger,
                jobs,
                batching.Actions(start_one, status, convert_one),
                watcher,
                concurrency=arguments.concurrency,
                backoff=backoff,
                settings=settings,
                force=arguments.force,
                deadline=deadline,
                report=show,
            )
        except KeyboardInterrupt:
            interrupted = True
        finally:
            status_line.close(keep=False)
    for line in batching.summary(jobs):
        print(f"{PROGRAM}: {printable(line)}", file=sys.stderr)
    if interrupted:
        print(f"{PROGRAM}: interrupted; {ledger.path} keeps the state: run again to resume", file=sys.stderr)
        return 130
    return batching.exit_status(jobs)


def _s3_prefix(url: str) -> tuple[str, str]:
    """The bucket and key prefix of ``s3://BUCKET/PREFIX/`` (the prefix may be empty: the whole bucket)."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise AdapterArgumentError(f"{url!r}: expected s3://BUCKET/PREFIX/ ({error})") from None
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise AdapterArgumentError(f"{url!r}: expected s3://BUCKET/PREFIX/")
    return parts.netloc, unquote(parts.path.lstrip("/"))


def _formats(text: str) -> tuple[str, ...]:
    """``--formats edl,fcpxml``: each by name or suffix (see format_named)."""
    try:
        named = tuple(dict.fromkeys(format_named(word) for word in text.split(",") if word.strip()))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not named:
        raise argparse.ArgumentTypeError("expected a comma list of formats, e.g. edl,fcpxml")
    return named


def _check_aggregate_by(arguments: argparse.Namespace) -> None:
    from otio_rekognition import aws

    problem = aws.aggregate_problem(arguments.analysis, arguments.aggregate_by)
    if problem:
        raise AdapterArgumentError(f"--aggregate-by: {problem}")


def _dest(flag: str) -> str:
    """Where argparse keeps a flag's value: --min-shot-confidence in min_shot_confidence."""
    return flag.removeprefix("--").replace("-", "_")


def report(arguments: argparse.Namespace) -> int:
    """A review page of the job's shots and cues (see writers/report.py)."""
    from otio_rekognition.writers.report import Summary, report_html

    if Path(arguments.output).suffix.lower() not in (".html", ".htm") and arguments.output != "-":
        raise AdapterArgumentError(
            f"{arguments.output}: report writes a web page: use -o NAME.html (convert writes the other formats)"
        )
    read_options = {name: getattr(arguments, name, None) for name in _READ_OPTIONS}
    if _is_timeline(arguments.inputs):  # the video gives thumbnails only: the timeline has its timecodes already
        read_options["media"] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RekognitionWarning)
        read = _load(arguments, read_options)
        cuts = job_cut_list(read.job, read.options) if read.job is not None else cut_list(read.as_timeline())
    said = [printable(str(warning.message)) for warning in caught]
    for text in said:
        print(f"{PROGRAM}: warning: {text}", file=sys.stderr)
    if read.job is not None:
        job = read.job
        # Every job read: the segment job's pages and duplicates, and each analysis job's.
        sources = [job.source] if job.has_segment_job else []
        sources += [analysed.source for analysed in job.analyses]
        pages = job.page_count + sum(analysed.page_count for analysed in job.analyses)
        duplicates = job.duplicates_dropped + sum(analysed.duplicates_dropped for analysed in job.analyses)
        summary = Summary(" + ".join(sources), pages, duplicates, said, job.disagreements)
    else:
        values = timeline_values(read.as_timeline())
        summary = Summary(
            arguments.inputs[0],
            int(values.get("page_count", 1)),
            int(values.get("duplicates_dropped", 0)),
            said,
            [str(text) for text in values.get("disagreements", [])],
        )
        if arguments.media is not None:
            _check_timeline_media(arguments.media, arguments.inputs[0], cuts)
    write_atomically(arguments.output, report_html(cuts, summary, _report_thumbnails(arguments.media, cuts)))
    shots = sum(event.kind == "shot" for event in cuts.events)
    print(f"{PROGRAM}: wrote {arguments.output}: {shots} shots, {len(cuts.locators)} markers", file=sys.stderr)
    return 0


def _check_timeline_media(video: str, timeline_file: str, cuts: Any) -> None:
    """A timeline read from a file keeps no probe of its video: the thumbnails
    must come from one of its rate, size and length."""
    from otio_rekognition.detect.probe import probe_media
    from otio_rekognition.rekognition.pages import video_mismatch

    try:
        media = probe_media(video)
    except ImportError as error:
        raise _thumbnails_need(error) from None
    except RekognitionError as error:
        raise AdapterArgumentError(f"--media: {error}") from None
    # A timeline need not know its video's length, only where its last frame is.
    mismatch = video_mismatch((cuts.rate, None, cuts.frame_size), (media.rate, None, media.frame_size))
    last = max((event.source_first - event.media.start + event.length for event in cuts.events), default=0)
    if not mismatch and media.frame_count is not None and media.frame_count < last:
        mismatch = f"it has {media.frame_count} frames, the timeline reaches frame {last}"
    if mismatch:
        raise AdapterArgumentError(f"--media: {video} is not the video {timeline_file} was made from: {mismatch}")


# Thumbnails for at most this many shots (and cues): a 10,000-shot page stays a few megabytes.
REPORT_SHOTS = 300


def _report_thumbnails(video: str | None, cuts: Any) -> Any:
    from otio_rekognition.writers.report import Thumbnails, cue_locators, shot_frames

    if video is None:
        return Thumbnails()
    from otio_rekognition.detect.thumbnails import thumbnails

    step = -(-len(cuts.events) // REPORT_SHOTS) or 1
    wanted = {frame for event in cuts.events[::step] for frame in shot_frames(event)}
    cues = cue_locators(cuts)
    wanted.update(locator.record_first for locator in cues[:: -(-len(cues) // REPORT_SHOTS) or 1])
    try:
        images = thumbnails(video, wanted)
    except ImportError as error:
        raise _thumbnails_need(error) from None
    return Thumbnails(images, step - 1)


def _thumbnails_need(error: ImportError) -> RekognitionError:
    return RekognitionError(f"--media: thumbnails need {error.name}: pip install 'otio-rekognition[detect]'")


def detect_video(arguments: argparse.Namespace) -> int:
    from otio_rekognition.detect.detector import DETECTED_CUE_TYPES, UNDETECTED_CUE_TYPES, detect

    if Path(arguments.output).suffix.lower() != ".json" and arguments.output != "-":
        raise AdapterArgumentError(
            f"{arguments.output}: detect writes a GetSegmentDetection response (JSON): "
            "use -o NAME.json, then convert it to any format"
        )
    names = ("black_max_pixel_threshold", "black_min_coverage", "shot_detector", "shot_threshold",
             "min_shot_frames", "dissolve_threshold", "max_dissolve_frames")  # fmt: skip
    try:
        with _progress_bar(arguments.video) as progress:
            response = detect(
                arguments.video,
                segment_types=tuple(arguments.segment_types.split(",")),
                progress=progress,
                **{name: getattr(arguments, name) for name in names},
            )
    except ImportError as error:  # PyAV, PySceneDetect, numpy and tqdm are the detect extra, imported when used
        raise RekognitionError(f"detect needs {error.name}: pip install 'otio-rekognition[detect]'") from None
    write_atomically(arguments.output, response_text(response))
    shots = sum(segment["Type"] == "SHOT" for segment in response["Segments"])
    print(
        f"{PROGRAM}: wrote {arguments.output}: {shots} shots, {len(response['Segments']) - shots} technical cues "
        f"({', '.join(DETECTED_CUE_TYPES)}); not detected offline: {', '.join(UNDETECTED_CUE_TYPES)}",
        file=sys.stderr,
    )
    return 0


class _Expired(BaseException):
    """Raised by SIGALRM: a BaseException, so that no library's ``except
    Exception`` on the way (urllib3 reading a socket) can swallow it."""


@contextlib.contextmanager
def _deadline(seconds: float, what: str) -> Iterator[None]:
    """Stop the block after ``seconds`` in all, however the time goes (a
    socket read only times out between bytes); in the main thread, by SIGALRM."""
    from otio_rekognition.aws import WaitTimeoutError

    if threading.current_thread() is not threading.main_thread():
        yield  # no SIGALRM outside the main thread: the read timeouts still apply
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise WaitTimeoutError(f"{what}: no complete answer within {_clock(seconds)} (--timeout)", "Deadline") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _progress_bar(video: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A tqdm bar on a terminal; nothing in a log or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(desc=Path(video).name, unit="frame", leave=False, file=sys.stderr) as bar:

        def update(done: int, total: int | None) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield update


def _adapter_for(path: str, named: str | None) -> str:
    """The OTIO adapter that writes the output: named with --format, else by suffix."""
    if Path(path).is_dir():
        raise OutputError(21, "is a folder: give a file name", path)
    if named is not None:
        return FORMATS[named]
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS_BY_SUFFIX:
        raise AdapterArgumentError(
            f"{path}: cannot tell the output format from the suffix {suffix or '(none)'!r}; "
            f"use one of {', '.join(FORMATS_BY_SUFFIX)} or name it with --format"
        )
    return FORMATS_BY_SUFFIX[suffix]


@dataclasses.dataclass(frozen=True)
class _Input:
    """What was read: a job (and how to lay it out), or a timeline."""

    job: Job | None = None
    options: ReadOptions = dataclasses.field(default_factory=ReadOptions)
    timeline: otio.schema.Timeline | None = None

    def as_timeline(self) -> otio.schema.Timeline:
        if self.timeline is not None:
            return self.timeline
        assert self.job is not None
        return build_timeline(self.job, self.options)


def _export(read: _Input, arguments: argparse.Namespace, adapter: str, source: str) -> None:
    """Write the output through the OTIO adapter of that name; an error names
    the input it came from. A job goes to an edit-list writer as a cut list
    made straight from it (the timeline would only be flattened again: see
    timeline.cutlist.job_cut_list); anything else as a timeline."""
    given = _writer_arguments(arguments, adapter)
    try:
        if read.job is not None:
            write_job_as(read.job, read.options, arguments.output, adapter, **given)
        else:
            write_timeline(read.as_timeline(), arguments.output, adapter, **given)
    except TimelineError as error:
        raise TimelineError(f"{source}: {error}") from None


def _writer_arguments(arguments: argparse.Namespace, adapter: str) -> dict[str, Any]:
    """The writing options given on the command line, as that adapter's arguments."""
    return {
        option.argument: getattr(arguments, option.dest)
        for option in BY_ADAPTER[adapter].options
        if getattr(arguments, option.dest) is not None
    }


def _wrote(path: str, adapter: str) -> None:
    print(f"{PROGRAM}: wrote {path} ({BY_ADAPTER[adapter].name})", file=sys.stderr)


def _warn_unused_writer_options(arguments: argparse.Namespace, adapter: str) -> None:
    used = BY_ADAPTER[adapter].options
    for option in WRITER_OPTIONS:
        if option not in used and getattr(arguments, option.dest, None) is not None:
            warnings.warn(
                f"{option.flag} does not apply to {arguments.output}: ignored", RekognitionWarning, stacklevel=2
            )


def _wait_for(job_id: str, arguments: argparse.Namespace, connection: Any) -> None:
    from otio_rekognition import aws

    backoff = aws.Backoff(initial=arguments.poll_initial, maximum=max(arguments.poll_max, arguments.poll_initial))
    if arguments.timeout is None:
        print(f"{PROGRAM}: waiting for {job_id} with no time limit (--timeout sets one)", file=sys.stderr)
    status_line = _StatusLine(sys.stderr)
    # A hard stop a moment after --timeout, whatever a poll in flight is doing.
    what = f"{aws.URL_SCHEME}://{job_id}: wait"
    hard_stop = _deadline(arguments.timeout + 2, what) if arguments.timeout else contextlib.nullcontext()
    try:
        with hard_stop:
            result = aws.wait(
                job_id,
                connection,
                analysis=arguments.analysis,
                timeout=arguments.timeout,
                backoff=backoff,
                on_status=status_line.show,
                queue_url=arguments.queue_url,
            )
    finally:
        status_line.close()
    print(f"{PROGRAM}: {job_id} SUCCEEDED after {_clock(result.elapsed)} ({result.checks} check(s))", file=sys.stderr)


class _StatusLine:
    """One line redrawn in place on a terminal; in a log, a plain line per
    status, or (``quiet``) nothing."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._quiet = quiet
        self._drawn = False
        self._started = time.monotonic()

    def show(self, status: Any) -> None:
        text = f"{status.job_id} {status.status}, {_clock(status.elapsed)} elapsed"
        if status.next_check is not None:
            text += f", next check in {status.next_check:.0f}s"
        self.say(text)

    def step(self, text: str) -> None:
        """A step of a longer task, with the time since the line began."""
        self.say(f"{text} ({_clock(time.monotonic() - self._started)})")

    def say(self, text: str) -> None:
        if self._live:
            self._stream.write(f"\r\x1b[K{PROGRAM}: {text}")
            self._drawn = True
        elif not self._quiet:
            self._stream.write(f"{PROGRAM}: {text}\n")
        self._stream.flush()

    def close(self, keep: bool = True) -> None:
        if self._drawn:
            self._stream.write("\n" if keep else "\r\x1b[K")
            self._stream.flush()


def _connection(arguments: argparse.Namespace, base: Any = None) -> Any:
    """The AWS connection: the command line's options over ``base`` (a job URL's)."""
    from otio_rekognition import aws

    names = ("region", "profile", "endpoint_url", "retry_mode", "max_attempts", "connect_timeout", "read_timeout")
    given = {name: getattr(arguments, name, None) for name in names}
    return dataclasses.replace(base or aws.Connection(), **{k: v for k, v in given.items() if v is not None})


def _page_reporter(job_id: str, noun: str = "segments") -> Callable[[int, int], None]:
    def report(page: int, items: int) -> None:
        print(f"{PROGRAM}: {job_id}: page {page}, {items} {noun}", file=sys.stderr)

    return report


def _s3_location(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise AdapterArgumentError(f"video {url!r}: expected s3://BUCKET/KEY ({error})") from None
    if parts.scheme != "s3" or not parts.netloc or not parts.path.strip("/"):
        raise AdapterArgumentError(f"video {url!r}: expected s3://BUCKET/KEY")
    return parts.netloc, unquote(parts.path.lstrip("/"))


def _duration(text: str) -> float:
    """Seconds of ``90``, ``90s``, ``30m``, ``2h`` or ``1h30m``."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"expected a duration such as 90s, 30m, 2h or 1h30m, got {text!r}")
    hours, minutes, seconds = (float(group) if group else 0.0 for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _clock(seconds: float) -> str:
    minutes, whole_seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{whole_seconds:02d}"


def _load(arguments: argparse.Namespace, read_options: dict[str, Any]) -> _Input:
    """A Rekognition job saved as one or more JSON files (``-`` is standard
    input), a job fetched from AWS (``rekognition://JOB_ID``), or one OTIO
    timeline this tool wrote."""
    inputs: list[str] = arguments.inputs
    if _is_timeline(inputs):
        given = [name for name in _JSON_ONLY if read_options.get(name) not in (None, False)]
        if given:
            raise RekognitionError(
                f"{inputs[0]}: --{given[0].replace('_', '-')} applies to Rekognition JSON input only, "
                "not to an OTIO timeline"
            )
        timeline = _read_timeline_file(inputs[0])
        start, mode = read_options.get("start_timecode"), read_options.get("timecode")
        if start is not None or mode is not None:
            rate = timeline_rate(timeline)
            drop_frame = counted_drop_frame(
                timecode_mode("timecode", mode or AUTO), rate, recorded_drop_frame(timeline)
            )
            set_counting(timeline, drop_frame)
            if start is not None:
                frame = timecode_frame("start_timecode", start, rate, drop_frame)
                timeline.global_start_time = otio.opentime.RationalTime(frame, float(rate))
        return _Input(timeline=timeline)
    return _job([_input_text(name, arguments) for name in inputs], read_options)


def _input_text(name: str, arguments: argparse.Namespace) -> tuple[str, bytes | str]:
    """One input's name and text: standard input (``-``), a job fetched from
    AWS (``rekognition://JOB_ID``, through the command line's AWS options over
    the URL's), or a file."""
    if name == "-":
        return "<stdin>", arguments.stdin.buffer.read()
    if not name.lower().startswith("rekognition://"):
        return name, _read_input(name)
    from otio_rekognition import aws

    named = aws.job_url(name)
    result = named.fetch(
        _connection(arguments, named.connection), on_page=_page_reporter(named.job_id, aws.api(named.analysis).noun)
    )
    return result.source, result.text()


def _is_timeline(inputs: list[str]) -> bool:
    return len(inputs) == 1 and Path(inputs[0]).suffix.lower() in _OTIO_SUFFIXES


def _job(inputs: list[tuple[str, bytes | str]], read_options: dict[str, Any]) -> _Input:
    options = ReadOptions.from_arguments({key: value for key, value in read_options.items() if value is not None})
    job, options = load_job(inputs, options)
    return _Input(job=job, options=options)


def _read_timeline_file(name: str) -> otio.schema.Timeline:
    """An .otio or .otioz file; what cannot be read is the input's fault (status 1)."""
    import zipfile

    if not Path(name).is_file():
        raise ResponseFormatError(f"{name}: cannot read: {'no such file' if not Path(name).exists() else 'not a file'}")
    if name.lower().endswith(".otioz") and not zipfile.is_zipfile(name):
        raise ResponseFormatError(f"{name}: not an .otioz file (a zip archive of an OTIO timeline)")
    try:
        timeline = otio.adapters.read_from_file(name)
    except OSError as error:
        raise ResponseFormatError(f"{name}: cannot read: {error.strerror or error}") from None
    if not isinstance(timeline, otio.schema.Timeline):
        raise ResponseFormatError(f"{name}: holds a {type(timeline).__name__}, not a timeline")
    return timeline


def _read_input(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise ResponseFormatError(f"{name}: cannot read: {error.strerror}") from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROGRAM,
        description="Amazon Rekognition Video segment detection results as frame-exact editing timelines.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert_parser = commands.add_parser(
        "convert",
        help="convert a saved Rekognition job (or an OTIO timeline) to EDL, FCPXML, FCP7 XML, AAF or OTIO",
        description="Convert a GetSegmentDetection job saved as JSON (one response, an array of pages, or "
        "several pages one after the other; several files are merged as pages; - reads standard input), a job "
        "fetched from AWS (rekognition://JOB_ID), or an OTIO timeline this tool wrote, into the format named by "
        "the output's suffix: " + ", ".join(f"{suffix} ({name})" for suffix, name in FORMATS_BY_SUFFIX.items()),
    )
    convert_parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="job JSON file(s), - for stdin, rekognition://JOB_ID, or a .otio"
    )
    convert_parser.add_argument(
        "-o", "--output", required=True, help="output file (- for standard output); its suffix picks the format"
    )
    convert_parser.add_argument("--force", action="store_true", help="write even when the output is also an input")
    _add_conversion_options(convert_parser)
    _add_aws_options(convert_parser)
    convert_parser.set_defaults(run=convert, stdin=sys.stdin)

    start_parser = commands.add_parser(
        "start",
        help="start a Rekognition Video analysis (segment detection by default) of a video in S3 (and with "
        "--wait, convert the result)",
        description="StartSegmentDetection (or, with --analysis, StartLabelDetection, StartContentModeration, "
        "StartCelebrityRecognition, StartFaceDetection, StartFaceSearch or StartTextDetection) on "
        "s3://BUCKET/KEY; prints the JobId. With --wait -o FILE, waits for the job, fetches every page and "
        "converts the result like the convert command.",
    )
    start_parser.add_argument("video", metavar="S3_URL", help="the video, s3://BUCKET/KEY")
    start_parser.add_argument("--wait", action="store_true", help="wait for the job and convert it to -o")
    start_parser.add_argument("-o", "--output", help="with --wait: output file; its suffix picks the format")
    _add_analysis_option(start_parser)
    request = _add_request_options(start_parser)
    request.add_argument("--s3-object-version", help="S3 object version of the video")
    request.add_argument("--client-request-token", help="idempotency token: the same token starts one job only")
    _add_wait_options(start_parser)
    _add_aggregate_option(start_parser)
    _add_conversion_options(start_parser, json_input=False)
    _add_aws_options(start_parser)
    start_parser.set_defaults(run=start)

    wait_parser = commands.add_parser(
        "wait",
        help="wait until a Rekognition job has finished",
        description="Wait until a job has finished: poll its analysis's Get* operation (GetSegmentDetection "
        "unless --analysis names another) with growing, jittered delays (or, with --queue-url, wait for "
        "Rekognition's SNS completion message on an SQS queue). Exits 0 when it SUCCEEDED, 19 when it FAILED, "
        "21 at --timeout.",
    )
    wait_parser.add_argument("job_id", metavar="JOB_ID")
    _add_analysis_option(wait_parser)
    _add_wait_options(wait_parser)
    _add_aws_options(wait_parser)
    wait_parser.set_defaults(run=wait)

    fetch_parser = commands.add_parser(
        "fetch",
        help="fetch every page of a finished job as one JSON document",
        description="Fetch every page of a finished job (GetSegmentDetection, or the Get* operation of "
        "--analysis; MaxResults 1000, following NextToken), check that the pages belong together, and write them "
        "as one response (or, with --raw-pages, the pages as sent). convert reads either.",
    )
    fetch_parser.add_argument("job_id", metavar="JOB_ID")
    _add_analysis_option(fetch_parser)
    _add_aggregate_option(fetch_parser)
    fetch_parser.add_argument("-o", "--output", required=True, help="the JSON file to write")
    fetch_parser.add_argument("--raw-pages", action="store_true", help="write the pages as sent (a JSON array)")
    fetch_parser.add_argument(
        "--timeout",
        type=_duration,
        default=_duration("15m"),
        help="give up when every page has not arrived by then (a server that trickles its answer): 90s, 30m",
    )
    _add_aws_options(fetch_parser)
    fetch_parser.set_defaults(run=fetch)

    batch_parser = commands.add_parser(
        "batch",
        help="start, wait for, fetch and convert every video under an S3 prefix, resumably",
        description="List the videos (.mov, .mp4, .m4v, .mxf) under s3://BUCKET/PREFIX/ (or take the S3 URLs and "
        "JobIds of --from-file), start a job for each (at most --concurrency running), wait for them, fetch every "
        "page and write DIR/<key below the prefix, without its suffix> in each of --formats, plus the merged "
        "response as .json. DIR/" + ".otio-rekognition-batch.json records each video's state: a repeated or "
        "interrupted run resumes, starting nothing twice. Exits 0 when every video was converted.",
    )
    batch_parser.add_argument("source", nargs="?", metavar="S3_PREFIX", help="s3://BUCKET/PREFIX/")
    batch_parser.add_argument("--from-file", metavar="LIST", help="a file of S3 URLs or JobIds, one a line")
    batch_parser.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write to")
    batch_parser.add_argument(
        "--formats", type=_formats, required=True, help="comma list of formats: " + ", ".join(FORMATS)
    )
    batch_parser.add_argument("--concurrency", type=int, default=20, help="most jobs running at once")
    batch_parser.add_argument("--force", action="store_true", help="convert again the videos converted before")
    _add_analysis_option(batch_parser)
    _add_request_options(batch_parser)
    _add_wait_options(batch_parser)
    _add_aggregate_option(batch_parser)
    _add_reading_options(batch_parser, json_input=False, media=False)  # one file cannot be every video
    _add_writing_options(batch_parser)
    _add_aws_options(batch_parser)
    batch_parser.set_defaults(run=batch)

    report_parser = commands.add_parser(
        "report",
        help="a review page (HTML) of a job's shots and cues, to look at before importing",
        description="Write one self-contained HTML page (no network) of a saved job or an OTIO timeline this tool "
        "wrote: a summary, a zoomable strip of shots and cue lanes, a sortable table of every segment; with "
        "--media, thumbnails of the first, middle and last frame of each shot and of each cue.",
    )
    report_parser.add_argument("inputs", nargs="+", metavar="INPUT", help="job JSON file(s), - for stdin, or a .otio")
    report_parser.add_argument("-o", "--output", required=True, help="the HTML file to write")
    _add_reading_options(report_parser)
    _add_aws_options(report_parser)
    report_parser.set_defaults(run=report, stdin=sys.stdin)

    detect_parser = commands.add_parser(
        "detect",
        help="find shots, black frames and colour bars in a local video, without AWS",
        description="Write a GetSegmentDetection response (JSON) for a local video: SHOT segments (dissolves and "
        "fades left out) and BlackFrames and ColorBars cues. Slate, StudioLogo, credits and Content are not "
        "detected offline.",
    )
    detect_parser.add_argument("video", metavar="VIDEO", help="the video file")
    detect_parser.add_argument("-o", "--output", required=True, help="the JSON file to write")
    detect_parser.add_argument("--segment-types", default="SHOT,TECHNICAL_CUE", help="SHOT, TECHNICAL_CUE or both")
    detect_parser.add_argument(
        "--black-max-pixel-threshold", type=float, default=0.2, help="BlackFrame.MaxPixelThreshold (0-1, 0.2)"
    )
    detect_parser.add_argument(
        "--black-min-coverage", type=float, default=99.0, help="BlackFrame.MinCoveragePercentage (0-100, 99)"
    )
    shots = detect_parser.add_argument_group("shots")
    shots.add_argument("--shot-detector", choices=("content", "adaptive"), default="content", help="PySceneDetect")
    shots.add_argument("--shot-threshold", type=float, help="its threshold (content: 27, adaptive: 3.0)")
    shots.add_argument("--min-shot-frames", type=int, default=15, help="shortest shot, in frames")
    shots.add_argument(
        "--dissolve-threshold", type=float, default=2.0, help="change per frame (0-255) that may start a dissolve"
    )
    shots.add_argument("--max-dissolve-frames", type=int, default=60, help="longest dissolve or fade, in frames")
    detect_parser.set_defaults(run=detect_video)
    return parser


def _add_request_options(parser: argparse.ArgumentParser) -> Any:
    """The Start* request's options (start, and batch for every video); the group, for more."""
    request = parser.add_argument_group(
        "the Start* request", "Each option names the analyses that take it; another analysis refuses it."
    )
    for flag, kind, text in _REQUEST_FLAGS.values():
        request.add_argument(flag, type=kind, help=text)
    request.add_argument("--sns-topic-arn", help="NotificationChannel.SNSTopicArn (Rekognition's completion message)")
    request.add_argument("--role-arn", help="NotificationChannel.RoleArn (lets Rekognition publish to the topic)")
    request.add_argument("--job-tag", help="JobTag, returned with the results and in the notification")
    return request


def _add_conversion_options(parser: argparse.ArgumentParser, json_input: bool = True) -> None:
    """convert's, and start's for the job it waits for (one video: --media too; the request has its own
    --segment-types)."""
    parser.add_argument("--format", choices=tuple(FORMATS), help="output format, when the suffix does not say")
    _add_reading_options(parser, json_input, media=True)
    _add_writing_options(parser)


def _add_reading_options(parser: argparse.ArgumentParser, json_input: bool = True, media: bool = True) -> None:
    reading = parser.add_argument_group("reading the job")
    reading.add_argument(
        "--start-timecode",
        help="record start (default 01:00:00:00; 01:00:00;00 when counting drop frame); quote a ';' in a shell",
    )
    reading.add_argument("--source-timecode", help="the media's embedded start timecode; offsets source times")
    reading.add_argument(
        "--timecode",
        choices=TIMECODE_MODES,
        help="how 29.97/59.94 timecodes are counted, read and written: df, ndf, or auto (the media's own "
        "with --media, else drop frame as Rekognition counts)",
    )
    if media:
        reading.add_argument(
            "--media",
            help="a local copy of the analysed video: its start timecode, drop-frame flag and path are used "
            "(needs the detect extra)",
        )
    reading.add_argument("--media-url", help="URL or path of the media the clips reference")
    reading.add_argument("--rate", help="frame rate override: 25, 29.97, 30000/1001")
    if json_input:  # start takes --segment-types for the request itself
        reading.add_argument("--segment-types", help="SHOT, TECHNICAL_CUE or both (comma list)")
    reading.add_argument("--cue-types", help="comma list of cue types to keep, e.g. BlackFrames,Slate")
    reading.add_argument("--min-confidence", help="drop segments below this confidence (0-100)")
    reading.add_argument("--cue-track", action="store_true", default=None, help="add a track with a clip per cue")
    reading.add_argument("--shot-markers", action="store_true", default=None, help="add a marker per shot")
    reading.add_argument("--strict", action="store_true", default=None, help="treat warnings as errors")
    analyses = parser.add_argument_group(
        "the other analyses (labels, moderation, celebrities, faces, face search, text)",
        "Read with the segment job (pass each job's JSON) or alone; --min-confidence applies to them too.",
    )
    analyses.add_argument(
        "--merge-window",
        help="seconds within which detections of one name become one marker (default: twice the job's "
        "sampling interval; 0 keeps every detection apart)",
    )
    analyses.add_argument("--labels", help="comma list of names to keep (a label's parents count); case ignored")
    analyses.add_argument("--exclude-labels", help="comma list of names to drop (a label's parents count)")
    analyses.add_argument("--label-categories", help="comma list of label categories to keep")
    analyses.add_argument("--moderation-categories", help="comma list of top-level moderation categories to keep")
    analyses.add_argument("--text-types", help="LINE, WORD or both (default: LINE)")
    analyses.add_argument(
        "--analysis-tracks", action="store_true", default=None, help="add a track per analysis, a clip per marker"
    )


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
        choices=(SEGMENTS, *ANALYSES),
        default=SEGMENTS,
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
# A writer's argument by the flag that gives it, for its messages.
_FLAGS = {option.argument: option.flag for option in WRITER_OPTIONS}
_ARGUMENT = re.compile(r"\bargument ([a-z_]+):")
_UNRECOGNISED = re.compile(r"unrecognized arguments: (.*)")


def _in_flags(message: str) -> str:
    """An adapter's message in the command line's words: ``argument rate:``
    becomes ``--rate:``, ``argument version:`` ``--fcpxml-version:``."""
    return _ARGUMENT.sub(lambda match: _FLAGS.get(match[1], "--" + match[1].replace("_", "-")) + ":", message)


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


# What a line on a terminal must not carry: escape sequences and other
# control characters (a server's text could redraw the screen), credentials
# (a proxy may echo the request's headers), passwords in URLs.
# Bidirectional controls (U+202E...) would make a line read other than it is.
_ESCAPES = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SECRETS = (
    (re.compile(r"\b((?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{4})[A-Z0-9]{12}\b"), r"\1************"),
    (
        re.compile(
            r"(?i)((?:x-amz-security-token|aws_session_token|aws_secret_access_key|signature|credential)[\"']?\s*[:=]\s*[\"']?)[^\s,;\"']+"
        ),
        r"\1***",
    ),
    (re.compile(r"(://[^/@\s:]*:)[^/@\s]*@"), r"\1***@"),
)
_LONGEST_LINE = 1000


def printable(message: str) -> str:
    """One line fit for a terminal and a log: no control characters or
    escape sequences, no credentials or URL passwords, at most 1,000 characters."""
    text = " ".join(_ESCAPES.sub(" ", message).split())
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    if len(text) > _LONGEST_LINE:
        text = f"{text[:_LONGEST_LINE]}... ({len(text) - _LONGEST_LINE} more characters)"
    return text


def _fail(message: str, status: int) -> int:
    print(f"{PROGRAM}: error: {printable(message)}", file=sys.stderr)
    return status


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"{PROGRAM}: warning: {printable(str(message))}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
