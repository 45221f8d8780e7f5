"""The package's shape: stages that only look downstream, a light package
import, every folder in the wheel, every adapter argument listed by OTIO."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, shared_file

PACKAGE = ROOT / "src" / "otio_rekognition"
# What each folder and module may import from this package: data flows one
# way (response -> rekognition -> timeline -> writers), AWS, detection, the
# adapters, the Lambda handler and the command line at the edges; nothing
# reaches back, and only the command line imports the command line.
_BASE = {"errors", "frames", "names"}
ALLOWED = {
    "errors": set(),
    "frames": set(),
    "names": set(),
    "__init__": set(),
    "rekognition": _BASE | {"rekognition"},
    "arguments": _BASE | {"rekognition.vocabulary"},
    "timeline": _BASE | {"timeline", "rekognition", "arguments"},
    "writers": _BASE | {"writers", "timeline.cutlist", "timeline.layout", "output"},
    "output": _BASE,
    "formats": {"writers"},
    "output_names": _BASE | {"formats", "output", "rekognition.vocabulary"},
    "export": {"arguments", "errors", "output", "rekognition.video", "timeline.build", "timeline.cutlist"},
    "detect": _BASE | {"detect", "rekognition", "__version__"},
    "aws": _BASE | {"aws", "rekognition", "formats", "output", "output_names"},
    "otio_adapters": _BASE
    | {
        "otio_adapters",
        "arguments",
        "aws",
        "detect",
        "output",
        "rekognition",
        "timeline",
        "writers",
        "formats",
    },
    "serverless": _BASE | {"arguments", "aws", "export", "formats", "otio_adapters", "output_names", "rekognition"},
    "cli": _BASE
    | {
        "cli",
        "__version__",
        "arguments",
        "aws",
        "detect",
        "export",
        "formats",
        "otio_adapters",
        "output",
        "rekognition",
        "timeline",
        "writers",
    },
}


def unit_of(path: Path) -> str:
    """The folder a module is in, or the top-level module's own name."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def imported_modules(path: Path) -> set[str]:
    """The package's modules a file imports, as ``timeline.cutlist``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "otio_rekognition":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("otio_rekognition."):
            found.add(str(node.module).removeprefix("otio_rekognition."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("otio_rekognition.") for a in node.names if a.name.startswith("otio_"))
    return found


def test_every_module_has_an_import_contract() -> None:
    assert {unit_of(path) for path in PACKAGE.rglob("*.py")} == set(ALLOWED)


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_modules_import_only_upstream(unit: str) -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if unit_of(path) != unit:
            continue
        for module in imported_modules(path):
            assert any(module == allowed or module.startswith(f"{allowed}.") for allowed in ALLOWED[unit]), (
                f"{path.relative_to(ROOT)} imports otio_rekognition.{module}"
            )


def test_only_the_command_line_imports_the_command_line() -> None:
    """The edges do not reach back: the Lambda handler, batch and the adapters use library modules."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "cli":
            continue
        for module in imported_modules(path):
            assert module != "cli" and not module.startswith("cli."), f"{path.relative_to(ROOT)} imports the CLI"


def test_writers_never_call_the_parser() -> None:
    for path in (PACKAGE / "writers").glob("*.py"):
        assert "parse_segment" not in path.read_text(), path


def test_importing_the_package_is_light() -> None:
    """OTIO imports every plugin package when it starts."""
    code = "import sys, otio_rekognition; print(sorted(m for m in sys.modules if m.split('.')[0] in "
    code += "('boto3', 'botocore', 'aaf2', 'av', 'numpy', 'scenedetect', 'opentimelineio', 'lxml')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_every_folder_is_a_package_the_wheel_finds() -> None:
    for folder in PACKAGE.rglob("*"):
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
            assert (folder / "__init__.py").exists(), f"{folder} would drop out of the wheel"


def test_otiopluginfo_lists_every_argument() -> None:
    listing = subprocess.run(
        [str(Path(sys.executable).with_name("otiopluginfo")), "rekognition*"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in (
        "read_from_file args: ['filepath', 'start_timecode', 'source_timecode', 'timecode', 'media', 'media_url', "
        "'rate', "
        "'segment_types', 'cue_types', 'min_confidence', 'cue_track', 'shot_markers', 'no_audio', 'strict', "
        "'merge_window', "
        "'labels', 'exclude_labels', 'label_categories', 'moderation_categories', 'text_types', 'analysis_tracks', "
        "'videos']",
        "write_to_file args: ['input_otio', 'filepath', 'flavor', 'start_timecode', 'timecode']",
        "write_to_file args: ['input_otio', 'filepath', 'version', 'chapter_markers', 'keywords', 'reject', "
        "'todo_below', 'start_timecode', 'timecode']",
        "write_to_string args: ['input_otio', 'chapters', 'start_timecode', 'timecode']",
        "write_to_file args: ['input_otio', 'filepath', 'start_timecode', 'timecode']",
    ):
        assert line in listing


def test_a_missing_shared_folder_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"is missing: the tests need the team's shared folder .* SHARED="):
        shared_file(tmp_path / "nowhere" / "page1.json")


def test_no_test_module_imports_another() -> None:
    """What tests share lives in helpers.py, strategies.py, export_checks.py and the fakes."""
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("test_"):
                raise AssertionError(f"{path.name} imports {node.module}")
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("test_") for alias in node.names), path.name


def test_no_module_is_over_600_lines() -> None:
    """A module that grows past this does two things: split it by concern."""
    for path in sorted(PACKAGE.rglob("*.py")):
        assert len(path.read_text().splitlines()) <= 600, f"{path.relative_to(ROOT)} is over 600 lines"
