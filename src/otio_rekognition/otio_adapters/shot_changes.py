"""OTIO adapter ``rekognition_shot_changes``: Shot changes for subtitle tools: one time a line."""

from otio_rekognition.errors import AdapterArgumentError
from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.timed_text import SHOT_CHANGE_UNITS, shot_changes


def _unit(name: str, value: object) -> str:
    if value not in SHOT_CHANGE_UNITS:
        raise AdapterArgumentError(f"argument {name}: expected one of {', '.join(SHOT_CHANGE_UNITS)}, got {value!r}")
    return str(value)


write_to_string, write_to_file, write_cut_list = text_format(
    "rekognition_shot_changes", shot_changes, arguments={"unit": ("seconds", _unit)}
)
