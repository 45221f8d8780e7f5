"""The committed samples are exactly what the generator makes from its declared cut list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SAMPLES

from otio_rekognition.rekognition.pages import load_pages


@pytest.mark.parametrize(
    ("script", "prefixes"),
    [("make_samples.py", ("demo_", "cutlists")), ("make_analysis_samples.py", ("synthetic_", "analysis_"))],
)
def test_samples_are_reproducible(script: str, prefixes: tuple[str, ...], tmp_path: Path) -> None:
    """The generator, run in an empty folder, makes exactly the committed files."""
    copy = tmp_path / "sample_media"
    copy.mkdir()
    (copy / script).write_text((SAMPLES / script).read_text())
    subprocess.run([sys.executable, str(copy / script)], check=True, timeout=120)
    made = sorted(path.name for path in copy.glob("*.json"))
    assert made == sorted(path.name for path in SAMPLES.glob("*.json") if path.name.startswith(prefixes))
    for name in made:
        assert (copy / name).read_text() == (SAMPLES / name).read_text(), name


def test_timecode_media_jobs_are_reproducible(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SAMPLES / "make_timecode_media.py"), str(tmp_path)], check=True, timeout=120)
    for name in ("tc_2997ndf", "tc_2997df", "tc_25"):
        assert (tmp_path / f"{name}.json").read_text() == (SAMPLES / f"{name}.json").read_text(), name
        assert (tmp_path / f"{name}.mov").exists()


def test_samples_are_labelled_synthetic() -> None:
    assert "SYNTHETIC DATA" in (SAMPLES / "make_samples.py").read_text()
    assert "SYNTHETIC DATA" in (SAMPLES / "make_analysis_samples.py").read_text()
    for path in SAMPLES.glob("synthetic_*.json"):
        pages = load_pages(path.read_text(), path.name)
        # The older moderation shape names no job (as the real one); every other sample is tagged.
        assert pages[0].get("JobTag", "synthetic").startswith("synthetic"), path
    for path in SAMPLES.glob("demo_*.json"):
        first = load_pages(path.read_text(), path.name)[0]
        # Model-1.0 responses had no JobTag; every other sample is tagged.
        assert first.get("JobTag", "synthetic").startswith("synthetic"), path
