"""The registry of output formats (otio_rekognition.formats) is the one list:
the manifest OTIO reads, the adapters' own arguments and defaults, and the
command line's flags agree with it."""

from __future__ import annotations

import inspect
import json

import opentimelineio as otio
import pytest
from helpers import ROOT

from otio_rekognition.cli.parser import _parser
from otio_rekognition.formats import FORMATS_BY_SUFFIX, REGISTRY, WRITER_OPTIONS, OutputFormat

PACKAGE = ROOT / "src" / "otio_rekognition"


def test_the_manifest_lists_the_registrys_adapters() -> None:
    manifest = json.loads((PACKAGE / "plugin_manifest.json").read_text())
    listed = {adapter["name"]: adapter["filepath"] for adapter in manifest["adapters"]}
    assert listed == {output.adapter: output.module for output in REGISTRY if output.module is not None}
    for output in REGISTRY:
        assert output.module is None or (PACKAGE / output.module).is_file()


@pytest.mark.parametrize("output", [output for output in REGISTRY if output.options], ids=lambda output: output.name)
def test_each_writer_option_is_its_adapters_argument_with_its_default(output: OutputFormat) -> None:
    writer = otio.adapters.from_name(output.adapter).module()
    parameters = inspect.signature(writer.write_to_string).parameters
    for option in output.options:
        assert option.argument in parameters
        expected = False if option.switch else option.default
        assert parameters[option.argument].default == expected, option


def test_every_writer_option_is_a_flag_of_convert_with_its_default_in_the_help() -> None:
    convert = next(
        action for action in _parser()._actions if getattr(action, "choices", None) and "convert" in action.choices
    ).choices["convert"]
    flags = {flag: action for action in convert._actions for flag in action.option_strings}
    text = convert.format_help()
    for option in WRITER_OPTIONS:
        assert option.flag in flags
        if option.default is not None and not option.switch:
            assert f"(default: {option.default})" in " ".join(text.split())


def test_a_suffix_picks_one_format() -> None:
    assert len(FORMATS_BY_SUFFIX) == sum(output.own_suffix for output in REGISTRY)


def test_the_reading_options_table_is_the_reader_the_adapter_and_the_flags() -> None:
    """arguments.READING_OPTIONS: every field of ReadOptions, every argument of the adapter, every flag of convert."""
    import dataclasses

    from otio_rekognition.arguments import READING_OPTIONS, ReadOptions
    from otio_rekognition.otio_adapters import rekognition

    names = [option.name for option in READING_OPTIONS]
    assert names == [field.name for field in dataclasses.fields(ReadOptions)]
    for function, leading in (
        (rekognition.read_from_file, ["filepath"]),
        (rekognition.read_from_string, ["input_str"]),
    ):
        assert list(inspect.signature(function).parameters)[:-1] == [*leading, *names]
    convert = next(
        action for action in _parser()._actions if getattr(action, "choices", None) and "convert" in action.choices
    ).choices["convert"]
    flags = {flag for action in convert._actions for flag in action.option_strings}
    text = " ".join(convert.format_help().split())
    for option in READING_OPTIONS:
        assert option.flag in flags and option.help.split(";")[0] in text, option.name
        assert f"{option.name}: {option.help}" in (rekognition.read_from_file.__doc__ or "")
