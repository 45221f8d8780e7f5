"""What a batch folder keeps of its videos: each job's state, saved as JSON after every change
(the ledger), the names its files go under, and the hold one run takes on the folder."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from otio_rekognition import names, output_names
from otio_rekognition.aws.client import one_line
from otio_rekognition.aws.errors import JobNotFoundError
from otio_rekognition.errors import RekognitionError
from otio_rekognition.formats import FORMAT_SUFFIXES, RESPONSE_FORMAT
from otio_rekognition.output import remove_partial_folders, write_atomically
from otio_rekognition.rekognition.pages import response_identity
from otio_rekognition.rekognition.vocabulary import ANALYSIS_NAMES, SEGMENTS

if sys.platform != "win32":
    import fcntl


LEDGER_NAME = ".otio-rekognition-batch.json"
LEDGER_BASE = LEDGER_NAME.removesuffix(".json")
# The run's videos together, by --videos mode (dailies.sequence.edl, dailies.bin.labels.xml...): no video's files
# take these names.
DAILIES_BASES = {"sequence": "dailies.sequence", "bin": "dailies.bin"}


def dailies_base(mode: str, analysis: str, videos: Iterable[str]) -> str:
    """The base of the run's dailies' files (``dailies.sequence``, ``dailies.bin.labels``); LedgerError when one
    of ``videos`` (their files' bases) has it, as a ledger from before the names were held may."""
    base = output_names.job_base(DAILIES_BASES[mode], analysis)
    if any(output_names.fold(files) == output_names.fold(base) for files in videos):
        raise LedgerError(f"{base}: a video's files are named so; the dailies are not written")
    return base


# A video's states, in the order it goes through them.
PENDING, STARTED, SUCCEEDED_STATE, CONVERTED, FAILED = "pending", "started", "succeeded", "converted", "failed"
STATES = (PENDING, STARTED, SUCCEEDED_STATE, CONVERTED, FAILED)
_LEDGER_FORMAT = "otio-rekognition-batch"
# 2 added each entry's analysis, conversion settings and saved response; 1 is read as segment jobs.
_LEDGER_VERSION = 2
_LEDGER_VERSIONS = (1, 2)


class LedgerError(RekognitionError):
    """The folder's ledger cannot be read or names something it must not: one line, exit status 1."""


@dataclass
class Video:
    """One job of the batch (a video and an analysis) and what has happened to it so far."""

    source: str  # s3://BUCKET/KEY, or the JobId a --from-file line names
    output: str  # the video's files' base, relative to the output folder (output_names)
    bucket: str | None = None
    key: str | None = None
    etag: str | None = None  # stands in for a version: a replaced object gets a new token
    token: str | None = None  # the ClientRequestToken of its Start* request
    state: str = PENDING
    job_id: str | None = None
    reason: str | None = None  # why it failed, one line
    exit_status: int | None = None  # the failure's exit status (an AwsError's, or 1)
    # The job itself FAILED (Rekognition could not analyse the video): never
    # retried, as starting it again would fail the same way and be billed again.
    job_failed: bool = False
    analysis: str = SEGMENTS.name
    settings: str | None = None  # what its files were written with: written again when that changes
    restarts: int = 0  # jobs of it Rekognition lost (expired): each restart gets a token of its own
    response: str | None = None  # the saved response's JobId and AggregateBy: converted again from it

    @property
    def entry(self) -> tuple[str, str]:
        return self.source, self.analysis

    @property
    def files(self) -> str:
        """Its files' name below the output folder, before the format's suffix."""
        return output_names.job_base(self.output, self.analysis)


# Each field's type as the ledger holds it, for reading one back.
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "source": (str,), "output": (str,), "bucket": (str, type(None)), "key": (str, type(None)),
    "etag": (str, type(None)), "token": (str, type(None)), "state": (str,), "job_id": (str, type(None)),
    "reason": (str, type(None)), "exit_status": (int, type(None)), "job_failed": (bool,), "analysis": (str,),
    "settings": (str, type(None)), "response": (str, type(None)), "restarts": (int,),
}  # fmt: skip


@dataclass
class Ledger:
    """Every job of the batch by video and analysis, saved as JSON after every change."""

    path: Path
    videos: dict[tuple[str, str], Video] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Ledger:
        """The ledger at ``path``, or an empty one when there is none yet."""
        path = Path(path)
        if not path.exists():
            return cls(path)
        where = f"{path}: not a batch ledger this tool can read"
        try:
            document = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError) as error:
            problem = "nested too deeply" if isinstance(error, RecursionError) else one_line(str(error))
            raise LedgerError(f"{where} ({problem}): move it away to start afresh") from None
        if not isinstance(document, dict) or document.get("format") != _LEDGER_FORMAT:
            raise LedgerError(f'{where} (no "format": "{_LEDGER_FORMAT}"): move it away to start afresh')
        if document.get("version") not in _LEDGER_VERSIONS or not isinstance(document.get("videos"), list):
            raise LedgerError(
                f"{where} (version {document.get('version')!r}, expected one of {_LEDGER_VERSIONS}, with a list "
                "of videos): move it away to start afresh"
            )
        videos = [_video_from(item, number, path) for number, item in enumerate(document["videos"], 1)]
        return cls(path, {video.entry: video for video in videos})

    def save(self) -> None:
        document = {
            "format": _LEDGER_FORMAT,
            "version": _LEDGER_VERSION,
            "videos": [asdict(video) for video in self.videos.values()],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(document, indent=1) + "\n")

    def add(self, videos: Iterable[Video]) -> list[Video]:
        """Take in the jobs of this run, named so that no two videos' files
        meet (output_names); what this run is to do, in the order given.

        New jobs come in as they are, and a video already known keeps its
        name for its other analyses; known jobs keep their state, but failures
        worth another try (a start refused, a job not found, a fetch or
        conversion that broke) go back to where they failed. A video whose
        files would replace another's is refused here, before anything is
        started or written: it comes back FAILED and is not kept."""
        given = [video for video in videos]
        held = {video.source: video.output for video in self.videos.values()}
        claims = output_names.Claims((base, source) for source, base in held.items())
        claims.hold(LEDGER_BASE, "the batch's ledger")
        for base in DAILIES_BASES.values():
            claims.hold(base, "the batch's dailies")
        wanted: dict[str, output_names.Wanted] = {}
        for video in given:  # a new video's output is still its path below the folder, extension and all
            if video.source not in held and video.state != FAILED:
                wanted.setdefault(video.source, output_names.Wanted(video.source, video.output))
        bases, refused = output_names.assign(list(wanted.values()), claims, _files_of_others(self.path.parent, given))
        taken: dict[tuple[str, str], Video] = {}  # a video listed twice is one job
        for video in given:
            if video.entry in taken:
                continue
            known = self.videos.get(video.entry)
            problem = _unusable(known.output) if known is not None else None
            if known is not None and problem is not None:
                known.state, known.exit_status = FAILED, 1
                known.reason = f"its output {known.output!r} {problem}: move its files and its ledger entry away"
                taken[known.entry] = known
                continue
            if known is None:
                if video.source in refused:
                    video.state, video.reason, video.exit_status = FAILED, refused[video.source], 1
                if video.state != FAILED:  # refused ones are never kept: the next run names them afresh
                    video.output = held.get(video.source) or bases[video.source]
                    self.videos[video.entry] = video
                taken[video.entry] = video
                continue
            if known.state == PENDING and known.token != _renewed(video.token, known.restarts):
                # Other request settings: another job.
                known.token, known.etag = _renewed(video.token, known.restarts), video.etag
            if known.state == FAILED and not known.job_failed:
                # A job Rekognition no longer knows (it keeps results 7 days) is started anew where the
                # video is known, with a token of its own: the old one could name the lost job again.
                lost = known.exit_status == JobNotFoundError.exit_status and known.bucket is not None
                known.state = STARTED if known.job_id and not lost else PENDING
                known.reason = known.exit_status = None
                if lost:
                    known.restarts += 1
                    known.job_id = None
                if not known.job_id:
                    known.token, known.etag = _renewed(video.token, known.restarts), video.etag
            taken[known.entry] = known
        return list(taken.values())

    def count(self, state: str) -> int:
        return sum(video.state == state for video in self.videos.values())


def _video_from(item: object, number: int, path: Path) -> Video:
    """One entry of a ledger, every field checked: a ledger is a file anybody may have edited."""
    where = f"{path}: video {number}"
    if not isinstance(item, dict):
        raise LedgerError(f"{where}: expected an object, got {type(item).__name__}: move the ledger away")
    known = {name: value for name, value in item.items() if name in _FIELD_TYPES}
    for name in ("source", "output"):
        if name not in known:
            raise LedgerError(f"{where}: no {name!r}: move the ledger away to start afresh")
    for name, value in known.items():
        if not isinstance(value, _FIELD_TYPES[name]) or (isinstance(value, bool) and bool not in _FIELD_TYPES[name]):
            raise LedgerError(f"{where}: {name!r} is {type(value).__name__}: move the ledger away to start afresh")
    video = Video(**known)
    if video.state not in STATES:
        raise LedgerError(f"{where}: state {video.state!r}, expected one of {', '.join(STATES)}")
    if video.analysis not in ANALYSIS_NAMES:
        raise LedgerError(f"{where}: analysis {video.analysis!r}, expected one of {', '.join(ANALYSIS_NAMES)}")
    if output_names.path_problem(video.output) == output_names.OUTSIDE:
        raise LedgerError(f"{where}: output {video.output!r} {output_names.OUTSIDE}")
    return video


def _unusable(output: str) -> str | None:
    """Why an entry's name, given by an older version, cannot be written: that entry fails alone."""
    if output_names.fold(output) == output_names.fold(LEDGER_BASE):
        return "is the ledger's own name"
    return output_names.path_problem(output)


def _files_of_others(folder: Path, videos: Sequence[Video]) -> Callable[[str, str], str | None]:
    """What ``output_names.assign`` asks of files already in the folder that
    no ledger entry knows of (a ledger moved away, files put there by hand):
    a base is free when none of its responses is there, or they are this
    video's own."""
    identity = {video.source: _identity(video) for video in videos}
    known: dict[Path, set[str]] = {}  # asked again for each name a video is tried under

    def occupied(base: str, source: str) -> str | None:
        for analysis in ANALYSIS_NAMES:
            response = folder / f"{output_names.job_base(base, analysis)}{FORMAT_SUFFIXES[RESPONSE_FORMAT]}"
            try:
                if not response.is_file():
                    continue
                if response not in known:
                    known[response] = set(response_identity(response.read_bytes()))
            except OSError:
                return f"{response}, which cannot be read"
            if identity.get(source) not in known[response]:
                return f"{response}, already in the folder"
        return None

    return occupied


def _identity(video: Video) -> str:
    return names.s3_url(video.bucket, video.key) if video.bucket and video.key else video.source


@contextmanager
def running_in(folder: Path) -> Iterator[None]:
    """Hold the folder for this run (one batch at a time writes a folder's
    ledger), then clear away what a run that was killed left: the temporary
    folders of files it was writing. LedgerError when another run holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":  # no advisory locks: one batch per folder is the user's to keep
        yield
        return
    # The folder itself is locked: a lock file would be one more file in the user's folder.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LedgerError(f"{folder}: another batch is running in this folder; wait for it to end") from None
        except OSError:
            pass  # a file system without locks (some network mounts): one batch per folder is the user's to keep
        remove_partial_folders(folder)
        yield
    finally:
        os.close(descriptor)


def _renewed(token: str | None, restarts: int) -> str | None:
    """The token of a video's job after ``restarts`` jobs of it were lost: a token names one job."""
    for _ in range(restarts):
        token = hashlib.sha256(f"{token}/again".encode()).hexdigest()
    return token
