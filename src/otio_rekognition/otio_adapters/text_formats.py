"""The three adapter functions of a text format written from a cut list
(EDL, FCPXML, FCP7 XML, marker lists, timed text, chapters), made once for
every such format: each
adapter file names its renderer and its own arguments, and gets
``write_to_string``, ``write_to_file`` and ``write_cut_list`` with a real
signature, so that ``otiopluginfo`` lists every argument."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import opentimelineio as otio

from otio_rekognition.arguments import AUTO, keyword_signature, reject_unknown, timecode_mode
from otio_rekognition.output import write_atomically
from otio_rekognition.timeline.cutlist import CutList, cut_list

# An argument's default and the function that checks the value given.
Argument = tuple[Any, Callable[[str, Any], Any]]
_TIMELINE_ARGUMENTS = {"start_timecode": None, "timecode": AUTO}


def text_format(
    adapter: str, render: Callable[..., str], arguments: dict[str, Argument] | None = None
) -> tuple[Callable[..., str], Callable[..., None], Callable[..., None]]:
    """``write_to_string``, ``write_to_file`` and ``write_cut_list`` of the
    adapter ``adapter``, rendering a cut list with ``render(cuts, **arguments)``."""
    own = arguments or {}
    accepted = (*own, *_TIMELINE_ARGUMENTS)

    def rendered(cuts: CutList, given: dict[str, Any]) -> str:
        return render(cuts, **_checked(own, given))

    def write_to_string(input_otio: otio.schema.Timeline, **given: Any) -> str:
        reject_unknown(adapter, {name: value for name, value in given.items() if name not in accepted}, accepted)
        mode = timecode_mode("timecode", given.get("timecode", AUTO))
        return rendered(cut_list(input_otio, given.get("start_timecode"), mode), given)

    def write_to_file(input_otio: otio.schema.Timeline, filepath: str, **given: Any) -> None:
        write_atomically(filepath, write_to_string(input_otio, **given))

    def write_cut_list(cuts: CutList, filepath: str, **given: Any) -> None:
        reject_unknown(adapter, {name: value for name, value in given.items() if name not in own}, tuple(own))
        write_atomically(filepath, rendered(cuts, given))

    defaults = {name: default for name, (default, _check) in own.items()} | _TIMELINE_ARGUMENTS
    write_to_string.__signature__ = keyword_signature(("input_otio",), defaults)  # type: ignore[attr-defined]
    write_to_file.__signature__ = keyword_signature(("input_otio", "filepath"), defaults)  # type: ignore[attr-defined]
    described = (render.__doc__ or "").strip()
    write_to_string.__doc__ = f"{described}\n\nstart_timecode, timecode: as the other writers take them."
    write_to_file.__doc__ = "write_to_string, to a file that is replaced only when complete."
    write_cut_list.__doc__ = "The command line's way in, with a cut list made straight from a job."
    return write_to_string, write_to_file, write_cut_list


def bin_format(
    adapter: str, render_bin: Callable[..., str], arguments: dict[str, Argument] | None = None
) -> Callable[..., None]:
    """``write_bin`` of the adapter ``adapter``: the clips of a bin (see
    timeline.cutlist.bin_clips) rendered with ``render_bin(clips, **arguments)``."""
    own = arguments or {}

    def write_bin(clips: Sequence[CutList], filepath: str, **given: Any) -> None:
        reject_unknown(adapter, {name: value for name, value in given.items() if name not in own}, tuple(own))
        write_atomically(filepath, render_bin(clips, **_checked(own, given)))

    write_bin.__doc__ = "The command line's way in for several videos as a bin: a clip per video, a subclip per shot."
    return write_bin


def _checked(own: dict[str, Argument], given: dict[str, Any]) -> dict[str, Any]:
    """The writer's own arguments as given, else their defaults, each checked."""
    return {name: check(name, given.get(name, default)) for name, (default, check) in own.items()}
