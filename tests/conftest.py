"""Fixtures. What tests share besides fixtures is in helpers.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import opentimelineio as otio
import pytest
from botocore.retries.standard import ExponentialBackoff
from fake_rekognition import ACCESS_KEY, SECRET_KEY, FakeRekognition
from helpers import REAL_JOB, ROOT, SAMPLES, shared_file
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir


def _checkout_entries() -> set[str]:
    """What git sees in the checkout besides its tracked files (untracked and ignored), folders collapsed."""
    found = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return {line[3:] for line in found.stdout.splitlines() if line[:2] in ("??", "!!") and "__pycache__" not in line}


@pytest.fixture(scope="session", autouse=True)
def checkout_left_as_found() -> Iterator[None]:
    """Tests write to temporary folders only: nothing new in the checkout
    after the run (pytest's own .pytest_cache aside)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        yield
        return
    before = _checkout_entries()
    yield
    left = sorted(_checkout_entries() - before - {".pytest_cache/"})
    assert not left, f"the tests left {', '.join(left)} in the checkout"


@pytest.fixture(scope="session")
def rekognition_adapter() -> otio.adapters.Adapter:
    """The adapter as OTIO finds it: through the entry point and the package's
    plugin_manifest.json, not by importing our module."""
    adapter = otio.adapters.from_name("rekognition")
    assert Path(adapter.module_abs_path()).parent.parent.name == "otio_rekognition"
    return adapter


@pytest.fixture(scope="session")
def cut_lists() -> dict[str, dict]:
    """The declared ground truth the samples were made from."""
    return json.loads((SAMPLES / "cutlists.json").read_text())


@pytest.fixture(scope="session")
def real_pages() -> list[Path]:
    return [shared_file(REAL_JOB / "page1.json"), shared_file(REAL_JOB / "page2.json")]


@pytest.fixture
def real_job_file(real_pages: list[Path], tmp_path: Path) -> Path:
    """The real job as `cat page1.json page2.json > job.json` saves it."""
    job = tmp_path / "job.json"
    job.write_bytes(b"".join(page.read_bytes() for page in real_pages))
    return job


@pytest.fixture
def no_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# Hypothesis keeps failing examples and its caches outside the checkout: tests leave nothing in it.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "otio-rekognition-hypothesis"))
# `HYPOTHESIS_PROFILE=long make test` for a deeper search than CI's default.
settings.register_profile("long", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test credentials only: no profile, config file, SSO cache or instance
    metadata can be found, so no test can reach or use a real account."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # botocore's retry delays (up to 1 s, doubling, for throttling) scaled
    # down: the retries themselves are real, only the waiting is shortened.
    monkeypatch.setattr(
        ExponentialBackoff, "_DEFAULT_BACKOFF_CONFIG", {"throttling_base_scale": 0.001, "non_throttling_base_scale": 0}
    )


@pytest.fixture
def fake() -> Iterator[FakeRekognition]:
    with FakeRekognition() as server:
        yield server
