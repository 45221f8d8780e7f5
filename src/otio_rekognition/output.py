"""Writing output files so that a failed or interrupted run never leaves a
half-written file where the user expects the result."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A path that does not exist yet, beside ``path``, for a writer to create;
    renamed over ``path`` when the block succeeds, removed when it fails.

    It lies in a fresh hidden folder because some writers (otioz, AAF) refuse
    to open a file that already exists."""
    target = Path(path)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as error:
        raise OSError(error.errno, f"cannot write there: {error.strerror}", str(target)) from None
    temporary = folder / target.name
    try:
        yield temporary
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_atomically(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets what the umask
    allows, as open() would give it (mkstemp makes files private)."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
