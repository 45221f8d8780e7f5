"""``otio-rekognition convert``."""

from __future__ import annotations

import argparse
import sys

from otio_rekognition.cli.reading import _adapter_for, _export, _load, _read_options_given, _warn_unused_writer_options
from otio_rekognition.cli.terminal import _StatusLine, _wrote
from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.output import same_file


def convert(arguments: argparse.Namespace) -> int:
    adapter = _adapter_for(arguments.output, arguments.format)
    for name in arguments.inputs:
        if same_file(name, arguments.output) and not arguments.force:
            raise AdapterArgumentError(f"{arguments.output}: is also an input; write elsewhere, or pass --force")
    _warn_unused_writer_options(arguments, adapter)
    read_options = _read_options_given(arguments)
    source = " + ".join(arguments.inputs)
    # A 10,000-shot AAF takes seconds: a terminal sees what is going on.
    progress = _StatusLine(sys.stderr, quiet=True)
    try:
        progress.step(f"reading {source}")
        read = _load(arguments, read_options)
        progress.step(f"writing {arguments.output}")
        _export(read, arguments, adapter, source)
    finally:
        progress.close(keep=False)
    _wrote(arguments.output, adapter)
    return 0
