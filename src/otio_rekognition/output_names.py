"""Where each job's files go when many are written into one folder or S3
prefix (batch, the Lambda handler), so that no video's or analysis's file
ever replaces another's.

A job's files share a base: the video's name, then the analysis for any job
but segment detection (``ep1.edl``, ``ep1.labels.edl``), then the format's
suffix. Two names are the same file when they differ only in case: macOS and
Windows folders, where editors work, do not tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from otio_rekognition import names
from otio_rekognition.formats import ERROR_SUFFIX, FORMAT_SUFFIXES
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


_MIDDLES = _middles(_tails())


def _meeting(base: str) -> Iterator[str]:
    """The (folded) bases whose files would meet ``base``'s."""
    folded = base.casefold()
    yield folded
    for middle in _MIDDLES:
        yield folded + middle
        if folded.endswith(middle):
            yield folded[: -len(middle)]


@dataclass(frozen=True)
class Wanted:
    """A video to be named: what it is, and its path below the output folder with its extension."""

    source: str
    path: str


class Claims:
    """The bases the videos of a folder hold, folded, each with its video."""

    def __init__(self, held: Iterable[tuple[str, str]] = ()) -> None:
        self._owners: dict[str, set[str]] = {}
        for base, source in held:
            self.hold(base, source)

    def holder(self, base: str, source: str) -> str | None:
        """Another video whose files would meet ``base``'s, or None."""
        for key in _meeting(base):
            others = self._owners.get(key, set()) - {source}
            if others:
                return min(others)
        return None

    def hold(self, base: str, source: str) -> None:
        self._owners.setdefault(base.casefold(), set()).add(source)


def assign(wanted: Sequence[Wanted], claims: Claims) -> tuple[dict[str, str], dict[str, str]]:
    """Bases for new videos, ``wanted`` in a fixed order, beside those ``claims`` holds.

    A video's base is its path without the extension (``shows/ep1``). Where
    that would meet the files of another video (one named before, or another
    of these: ``ep1.mov`` beside ``ep1.mp4``), each keeps its extension
    (``shows/ep1.mov``). Where even that meets another's, the video gets no
    name: (bases by source, why not by source)."""
    stems = Claims((names.without_extension(item.path), item.source) for item in wanted)
    bases: dict[str, str] = {}
    refused: dict[str, str] = {}
    for item in wanted:
        stem = names.without_extension(item.path)
        base = item.path if stems.holder(stem, item.source) or claims.holder(stem, item.source) else stem
        holder = claims.holder(base, item.source)
        if holder is not None:
            refused[item.source] = (
                f"its files ({base}.*) would replace those of {holder}: write it into another output folder"
            )
            continue
        claims.hold(base, item.source)
        bases[item.source] = base
    return bases, refused
