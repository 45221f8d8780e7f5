"""Output files appear whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import opentimelineio as otio
import pytest
from helpers import sample

from otio_rekognition.output import write_atomically


def test_failed_write_leaves_the_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "job.json"
    target.write_text("previous result")
    timeline = otio.schema.Timeline()  # no rate, no clips: cannot be written
    with pytest.raises(otio.exceptions.OTIOError, match="frame rate is unknown"):
        otio.adapters.write_to_file(timeline, str(target), adapter_name="rekognition")
    assert target.read_text() == "previous result"
    assert [path.name for path in tmp_path.iterdir()] == ["job.json"]


def test_interrupted_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "job.json"

    def interrupted(source: str, destination: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "{}")
    assert list(tmp_path.iterdir()) == []


def test_written_file_has_ordinary_permissions(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(sample("25")))
    target = tmp_path / "job.json"
    otio.adapters.write_to_file(timeline, str(target), adapter_name="rekognition")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
