"""Writing output files so that a failed or interrupted run never leaves a
half-written file where the user expects the result.

A regular file is written beside the target and renamed over it once it is
complete and on disk (``fsync``: some file systems report a full disk only
then). A FIFO, a terminal or a device such as ``/dev/null`` is written to as
it is, never replaced by a file; ``-`` is standard output.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STANDARD_OUTPUT = "-"
# The temporary folder's name, kept short: a target name of up to 255
# characters must still leave room for it on the same file system.
PARTIAL_PREFIX = ".otio-rek-"
PARTIAL_SUFFIX = ".partial"


class OutputError(OSError):
    """The output cannot be written: one line naming the file and why."""


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A path that does not exist yet, for a writer to create; moved to
    ``path`` when the block succeeds, removed when it fails or is interrupted.

    It lies in a fresh hidden folder because some writers (otioz, AAF) refuse
    to open a file that already exists."""
    target = Path(path)
    stream_to = _stream_target(target)
    folder = _temporary_folder(target if stream_to is None else Path(tempfile.gettempdir()) / "x")
    temporary = folder / f"out{target.suffix[:16]}"
    try:
        try:
            yield temporary
        except OSError as error:  # a writer's own (temporary) file name means nothing to the user
            reason = error.strerror if isinstance(error, OutputError) else f"cannot write it: {error.strerror or error}"
            raise OutputError(error.errno, reason, str(target)) from None
        if stream_to is not None:
            _copy_to_stream(temporary, stream_to, target)
            return
        _sync(temporary, target)
        os.chmod(temporary, _mode_for(target))
        try:
            os.replace(temporary, target)
        except OSError as error:
            raise OutputError(error.errno, f"cannot write it: {error.strerror}", str(target)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_atomically(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` through :func:`atomic_path`."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_path(path) as temporary:
        try:
            temporary.write_bytes(data)
        except OSError as error:
            raise OutputError(error.errno, f"cannot write it: {error.strerror}", str(path)) from None


def remove_partial_folders(folder: str | os.PathLike[str]) -> int:
    """Remove what writes that were killed (``kill -9``, a power cut) left
    below ``folder``: :func:`atomic_path`'s temporary folders. Only for a
    folder no other writer is using. How many were removed."""
    removed = 0
    for parent, folders, _ in os.walk(folder):
        for name in [name for name in folders if name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX)]:
            shutil.rmtree(Path(parent) / name, ignore_errors=True)
            folders.remove(name)
            removed += 1
    return removed


def same_file(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Whether two paths name one existing file."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _stream_target(target: Path) -> int | None:
    """The file descriptor kind of target that is written to in place: 1 for
    ``-``, 0 for a FIFO, terminal or device; None for a regular file."""
    if str(target) == STANDARD_OUTPUT:
        return 1
    try:
        mode = target.stat().st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        raise OutputError(21, "is a folder: give a file name", str(target))
    return None if stat.S_ISREG(mode) else 0


def _temporary_folder(target: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, dir=target.parent))
    except OSError as error:
        raise OutputError(error.errno, f"cannot write there: {error.strerror}", str(target)) from None


def _copy_to_stream(temporary: Path, stream_to: int, target: Path) -> None:
    try:
        data = temporary.read_bytes()
        if stream_to == 1:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with open(target, "wb") as stream:
                stream.write(data)
    except OSError as error:
        raise OutputError(error.errno, f"cannot write it: {error.strerror}", str(target)) from None


def _sync(temporary: Path, target: Path) -> None:
    try:
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
    except OSError as error:
        raise OutputError(error.errno, f"cannot write it: {error.strerror}", str(target)) from None


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets what the umask
    allows, as open() would give it (mkstemp makes files private)."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
