"""Names that editing tools accept."""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote, unquote, urlsplit

# Control characters, and what XML 1.0 cannot carry (U+FFFE, U+FFFF, lone surrogates).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")
# Longer names are cut: an AAF string holds at most 32,767 UTF-16 units, and
# XML readers refuse attributes of megabytes unless told otherwise.
NAME_LENGTH = 1000
URL_LENGTH = 8000
_NOT_REEL = re.compile(r"[^A-Z0-9]+")
REEL_LENGTH = 8


_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]|^\\\\")


def media_name(url: str) -> str:
    """The file name a media URL or path points at (``s3://b/shows/ep1.mov``,
    ``file:///m/Ep%20%231.mov``, ``C:\\m\\ep1.mov`` -> ``ep1.mov``, ``Ep #1.mov``)."""
    if _WINDOWS_PATH.match(url):
        return PureWindowsPath(url).name or url
    if "://" not in url:
        return posixpath.basename(url.rstrip("/")) or url
    parts = urlsplit(url)
    return unquote(posixpath.basename(parts.path.rstrip("/"))) or parts.netloc or url


def media_url(url: str, folder: str | None = None) -> str:
    """The URL to write for media: a path becomes a file:// URL, percent
    encoded (Final Cut Pro and Premiere relink only that form; a relative
    path is taken from ``folder``); s3:// and other URLs stay as they are,
    for the editor to relink by file name."""
    text = safe_name(url, URL_LENGTH)
    if _WINDOWS_PATH.match(text):
        return PureWindowsPath(text).as_uri()
    if "://" in text:
        return text
    path = PurePosixPath(text)
    if not path.is_absolute() and folder is not None:
        path = PurePosixPath(folder) / path
    return path.as_uri() if path.is_absolute() else text


def s3_url(bucket: str, key: str) -> str:
    """``s3://bucket/key`` with the key percent encoded, so that a key with
    ``#``, ``?``, ``%`` or spaces keeps its real file name."""
    return f"s3://{bucket}/{quote(key, safe='/')}"


def split_s3_url(url: str) -> tuple[str, str]:
    """The bucket and the key (or key prefix, maybe empty) of ``s3://BUCKET/KEY``,
    the key percent-decoded as in any URL, so a key's own ``#``, ``?`` or ``%``
    is written ``%23``, ``%3F``, ``%25`` (as :func:`s3_url` writes them);
    ValueError saying what is wrong."""
    parts = urlsplit(url)  # ValueError for a broken host part
    if parts.scheme.lower() != "s3" or not parts.netloc:
        raise ValueError("not an s3:// URL with a bucket")
    if parts.query or parts.fragment:
        raise ValueError("a '?' or '#' in a key is written %3F or %23")
    return parts.netloc, unquote(parts.path.lstrip("/"))


def safe_name(name: str, length: int = NAME_LENGTH) -> str:
    """One line of printable text that XML can carry, at most ``length``
    characters: control characters become spaces."""
    text = " ".join(_CONTROL.sub(" ", name).split())
    return text if len(text) <= length else text[: length - 1] + "\u2026"


def reel_name(name: str) -> str:
    """A CMX3600 reel name of at most 8 capitals and digits, derived only from
    the media's name (without its extension) so it is the same every run."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return _NOT_REEL.sub("", stem.upper())[:REEL_LENGTH] or "AX"


def distinct_reels(reels: Sequence[str]) -> list[str]:
    """Reels of several videos, each its own: one named as an earlier one's
    (clip001.mov of two cameras, names alike in their first eight
    characters) ends in its place among them, never in a reel another of
    them has, so relinking by reel finds each video's own footage."""
    taken = set(reels)
    distinct: list[str] = []
    for number, reel in enumerate(reels, start=1):
        if reel in distinct:
            reel = next(
                candidate
                for count in itertools.count(number)
                if (candidate := reel[: REEL_LENGTH - len(str(count))] + str(count)) not in taken
            )
            taken.add(reel)
        distinct.append(reel)
    return distinct


def without_extension(key: str) -> str:
    """An S3 key or relative path without its file extension (``shows/ep 1.mov``
    -> ``shows/ep 1``): the name every output of a video shares before its suffix."""
    root, extension = posixpath.splitext(key)
    return root if extension else key
