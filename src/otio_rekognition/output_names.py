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
from otio_rekognition.rekognition.vocabulary import ANALYSIS_NAMES, SEGMENTS


def job_base(video_base: str, analysis: str) -> str:
    """The name a job's files share before their suffix: ``ep1``, ``ep1.labels``."""
    return video_base if analysis == SEGMENTS.name else f"{video_base}.{analysis}"


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
# Most file systems hold names of 255 bytes; a base keeps room for its longest ending.
_LONGEST_FILE_NAME = 255
_LONGEST_TAIL = max(len(tail.encode("utf-8")) for tail in _TAILS)
# What path_problem says of a path that leaves the output folder: never taken from a ledger.
OUTSIDE = "does not name a file below the output folder"


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
    to, leave room for the longest suffix in a file name, and not name what
    the tool keeps there itself."""
    path = PurePosixPath(relative)
    if not relative or path.is_absolute() or any(part in (".", "..") for part in path.parts):
        return OUTSIDE
    if "//" in relative or "\\" in relative or any(ord(character) < 32 for character in relative):
        return "has an empty folder name, a backslash or a control character, which some file systems read otherwise"
    if any(len(part.encode("utf-8")) + _LONGEST_TAIL > _LONGEST_FILE_NAME for part in path.parts):
        return f"has a name too long for its files ({_LONGEST_FILE_NAME} bytes at most, suffixes included)"
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
        others = self.holders(base, source)
        return min(others) if others else None

    def holders(self, base: str, source: str) -> set[str]:
        """Every other video :meth:`holder` could name."""
        folded = fold(base)
        checks = [(self._owners, key) for key in _meeting(base)]
        # One of its files named as another's folder, or one of its folders as another's file.
        checks += [(self._folders, folded + tail) for tail in _TAILS]
        checks += [(self._owners, folder[: -len(tail)]) for folder in _folders(base) for tail in _TAILS
                   if folder.endswith(tail)]  # fmt: skip
        found: set[str] = set()
        for owners, key in checks:
            found |= owners.get(key, set())
        return found - {source}

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
    name kept whole: the smallest such set, whatever the order the videos are
    listed in. Where even the whole name meets another's, the later video
    gets no name."""
    by_source = {item.source: item for item in wanted}
    stems = Claims((names.without_extension(item.path), item.source) for item in wanted)
    whole: set[str] = set()
    waiting = [
        item.source
        for item in wanted
        if stems.holders(names.without_extension(item.path), item.source)
        or claims.holder(names.without_extension(item.path), item.source)
        or (occupied is not None and occupied(names.without_extension(item.path), item.source))
    ]
    while waiting:  # each video kept whole makes those whose short names meet its whole name keep theirs
        source = waiting.pop()
        if source not in whole:
            whole.add(source)
            waiting += sorted(stems.holders(by_source[source].path, source) - whole)
    bases: dict[str, str] = {}
    refused: dict[str, str] = {}
    for item in wanted:
        base = item.path if item.source in whole else names.without_extension(item.path)
        holder = claims.holder(base, item.source) or (occupied(base, item.source) if occupied is not None else None)
        if holder is not None:
            refused[item.source] = (
                f"its files ({base}.*) would replace those of {holder}: write it into another output folder"
            )
            continue
        claims.hold(base, item.source)
        bases[item.source] = base
    return bases, refused
