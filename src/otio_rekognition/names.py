"""Names that editing tools accept."""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_NOT_REEL = re.compile(r"[^A-Z0-9]+")
REEL_LENGTH = 8


def media_name(url: str) -> str:
    """The file name a media URL points at (``s3://b/shows/ep1.mov`` -> ``ep1.mov``)."""
    path = urlsplit(url).path or url
    return unquote(posixpath.basename(path.rstrip("/"))) or url


def media_url(url: str) -> str:
    """The URL to write for media: an absolute path becomes a file:// URL
    (editors relink a plain path only in that form); s3:// and other URLs stay
    as they are, for the editor to relink."""
    text = safe_name(url)
    if "://" not in text:
        for path in (PurePosixPath(text), PureWindowsPath(text)):
            if path.is_absolute():
                return path.as_uri()
    return text


def safe_name(name: str) -> str:
    """One line of printable text: control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", name).split())


def reel_name(name: str) -> str:
    """A CMX3600 reel name of at most 8 capitals and digits, derived only from
    the media's name (without its extension) so it is the same every run."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return _NOT_REEL.sub("", stem.upper())[:REEL_LENGTH] or "AX"
