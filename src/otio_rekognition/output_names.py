"""Where each job's files go when many are written into one folder or S3
prefix (batch, the Lambda handler), so that no video's or analysis's file
ever replaces another's.

A job's files share a base: the video's name, then the analysis for any job
but segment detection (``ep1.edl``, ``ep1.labels.edl``), then the format's
suffix. Two names are the same file when they differ only in case: macOS and
Windows folders, where editors work, do not tell them apart.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from otio_rekognition import names
from otio_rekognition.formats import ERROR_SUFFIX, FORMAT_SUFFIXES
from otio_rekognition.output import PARTIAL_PREFIX, PARTIAL_SUFFIX
from otio_rekognition.rekognition.vocabulary import ANALYSES, SEGMENTS

ANALYSIS_NAMES = (SEGMENTS, *ANALYSES)


def job_base(video_base: str, analysis: str) -> str:
    """The name a job's files share before their suffix: ``ep1``, ``ep1.labels``."""
    return video_base if analysis == SEGMENTS else f"{video_base}.{analysis}"


def _tails() -> frozenset[str]:
    """Every ending a video's base can be given: analysis, then suffix."""
    suffixes = (*FORMAT_SUFFIXES.values(), ERROR_SUFFIX)
    return frozenset(job_base("", analysis) + suffix for analysis in ANALYSIS_NAMES for suffix in suffixes)


def _middles(tails: frozenset[str]) -> frozenset[str]:
    """What can stand between two bases whose files meet: ``ep1`` + ``.labels.json``
    is ``ep1.labels`` + ``.json``, so ``ep1`` and ``ep1.labels`` share a file."""
    return frozenset(longer[: -len(shorter)] for longer in tails for shorter in tails
                     if longer != shorter and longer.endswith(shorter))  # fmt: skip


_TAILS = _tails()
_MIDDLES = _middles(_TAILS)


def fold(name: str) -> str:
    """A name as macOS and Windows folders compare it: case and Unicode
    normalisation ignored (``Café.MOV``, composed or not, is ``café.mov``)."""
    return unicodedata.normalize("NFC", name).casefold()


def _meeting(base: str) -> Iterator[str]:
    """The (folded) bases whose files would meet ``base``'s."""
    folded = fold(base)
    yield folded
    for middle in _MIDDLES:
        yield folded + middle
        if folded.endswith(middle):
            yield folded[: -len(middle)]


def _folders(base: str) -> list[str]:
    """The folders a base's files go in, folded, outermost first."""
    parts = PurePosixPath(fold(base)).parts[:-1]
    return [str(PurePosixPath(*parts[: end + 1])) for end in range(len(parts))]


def path_problem(relative: str) -> str | None:
    """Why a path below the output folder cannot be used (None when it can):
    it must stay below the folder on every system the files may be copied
    to, and must not name what the tool keeps there itself."""
    path = PurePosixPath(relative)
    if not relative or path.is_absolute() or any(part in (".", "..") for part in path.parts):
        return "does not name a file below the output folder"
    if "//" in relative or "\\" in relative or any(ord(character) < 32 for character in relative):
        return "has an empty folder name, a backslash or a control character, which some file systems read otherwise"
    if any(part.startswith(PARTIAL_PREFIX) and part.endswith(PARTIAL_SUFFIX) for part in path.parts):
        return f"names a folder like the half-written files' ({PARTIAL_PREFIX}*{PARTIAL_SUFFIX}), removed on every run"
    return None


@dataclass(frozen=True)
class Wanted:
    """A video to be named: what it is, and its path below the output folder with its extension."""

    source: str
    path: str


class Claims:
    """The bases the videos of a folder hold, and the folders their files
    lie in, folded, each with its videos."""

    def __init__(self, held: Iterable[tuple[str, str]] = ()) -> None:
        self._owners: dict[str, set[str]] = {}
        self._folders: dict[str, set[str]] = {}
        for base, source in held:
            self.hold(base, source)

    def holder(self, base: str, source: str) -> str | None:
        """Another video whose files would meet ``base``'s (or lie in a
        folder of that name, or be named like a folder of it), or None."""
        folded = fold(base)
        checks = [(self._owners, key) for key in _meeting(base)]
        # One of its files named as another's folder, or one of its folders as another's file.
        checks += [(self._folders, folded + tail) for tail in _TAILS]
        checks += [(self._owners, folder[: -len(tail)]) for folder in _folders(base) for tail in _TAILS
                   if folder.endswith(tail)]  # fmt: skip
        for owners, key in checks:
            others = owners.get(key, set()) - {source}
            if others:
                return min(others)
        return None

    def hold(self, base: str, source: str) -> None:
        self._owners.setdefault(fold(base), set()).add(source)
        for folder in _folders(base):
            self._folders.setdefault(folder, set()).add(source)


def assign(
    wanted: Sequence[Wanted], claims: Claims, occupied: Callable[[str, str], str | None] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Bases for new videos beside those ``claims`` holds (and, by
    ``occupied(base, source)``, files already in the folder that no claim
    knows of): (bases by source, why not by source).

    A video's base is its path without the extension (``shows/ep1``). Where
    that would meet the files of another video (one named before, or another
    of these: ``ep1.mov`` beside ``ep1.mp4``), it keeps its extension
    (``shows/ep1.mov``), and so does any video whose short name would meet a
    name kept whole, whatever the order they are listed in. Where even the
    whole name meets another's, the video gets no name."""
    keep_whole: set[str] = set()
    while True:  # until no more videos must keep their extension
        chosen = Claims(
            (item.path if item.source in keep_whole else names.without_extension(item.path), item.source)
            for item in wanted
        )
        more = {
            item.source
            for item in wanted
            if item.source not in keep_whole
            and (
                chosen.holder(names.without_extension(item.path), item.source)
                or claims.holder(names.without_extension(item.path), item.source)
                or (occupied is not None and occupied(names.without_extension(item.path), item.source))
            )
        }
        if not more:
            break
        keep_whole |= more
    bases: dict[str, str] = {}
    refused: dict[str, str] = {}
    for item in wanted:
        base = item.path if item.source in keep_whole else names.without_extension(item.path)
        holder = claims.holder(base, item.source) or (occupied(base, item.source) if occupied is not None else None)
        if holder is not None:
            refused[item.source] = (
                f"its files ({base}.*) would replace those of {holder}: write it into another output folder"
            )
            continue
        claims.hold(base, item.source)
        bases[item.source] = base
    return bases, refused
