"""Rekognition's JSON as documents, read as no reader could be misled by: one document, an array,
or several one after the other; a key twice in one object, NaN and Infinity refused; nesting bounded
before anything recurses into it; integers beyond int64 and text OTIO cannot hold kept as text."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner, not in typeshed
from typing import Any

from otio_rekognition.errors import ResponseFormatError

# Text OTIO metadata cannot hold, found on the JSON text: an escaped lone
# surrogate or NUL (looked for only where the text has an escape at all).
_UNSAFE_FOR_OTIO = re.compile(r"\\u[dD][89a-fA-F]|\\u0000")
_INT64 = range(-(2**63), 2**63)
_INT64_DIGITS = 19
_WHITESPACE = re.compile(r"\s*")
# Inside a document, only what JSON calls whitespace.
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
# A line break and the indent around it; after a comma, a space stays, as json.dumps writes it.
_LINE_BREAKS = re.compile(r"(,?)[ \t]*[\r\n][ \t\r\n]*")


# Rekognition's responses nest four or five levels; OTIO's metadata and the
# writers recurse, and Python's stack ends at about a thousand.
MAX_DEPTH = 64


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ResponseFormatError(
                f"{source}: not UTF-8 text (byte {error.start}): expected a GetSegmentDetection response in JSON"
            ) from None
    return data.removeprefix("\ufeff")


def _otio_safe(value: Any) -> Any:
    """Text OTIO metadata cannot hold, made so that it can (no real response
    has any): a lone UTF-16 surrogate becomes U+FFFD; a NUL, which would cut
    a key short, too."""
    if isinstance(value, dict):
        return {_otio_safe(key): _otio_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_otio_safe(item) for item in value]
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\x00", "\ufffd")
    return value


def _json_problem(error: json.JSONDecodeError, text: str) -> str:
    """The decoder's complaint as a sentence ("Unterminated string starting
    at" ends in the position it leaves out), and what a cut-off file looks like."""
    problem = error.msg.removesuffix(" starting at").removesuffix(" at")
    rest = text[error.pos :]
    if "Unterminated string" in problem or not rest.strip() or rest.strip() in ("}", "]"):
        problem += ": the input ends inside a JSON document (a file cut off while saving or copying?)"
    return problem


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (without recursion:
    Python's own limit is about a thousand)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if level + 1 > MAX_DEPTH:
                    return level + 1
                stack.append((child, level + 1))
        deepest = max(deepest, level)
    return deepest


def _integer(digits: str) -> int | str:
    """A JSON integer; one beyond int64, which OTIO metadata cannot hold (no
    real response has one), is kept as its digits."""
    if len(digits.lstrip("-")) > _INT64_DIGITS:  # int() refuses thousands of digits; no int64 has 20
        return digits
    value = int(digits)
    return value if value in _INT64 else digits


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys repeat means different things to different
    readers (Python keeps the last value, others the first): refuse it."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"the key {repeated!r} appears twice in one object")
    return result


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


@dataclass(frozen=True, slots=True)
class ItemTexts:
    """A page's list of items kept as the JSON text of each, exactly as it was
    written: a job of a million detections is never held parsed at once (each
    item is parsed when it is read, with :func:`parse_item`), and the text
    is what the item's metadata keeps."""

    texts: list[str]


# Checked as the text is scanned; what is left to read an item again is the value itself.
_CHECKED = json.JSONDecoder(
    parse_constant=_reject_constant, parse_int=_integer, object_pairs_hook=_object_without_duplicates
)
_VALUE = json.JSONDecoder(parse_int=_integer).decode


def parse_item(text: str) -> Any:
    """An item of :class:`ItemTexts`, already checked when it was scanned."""
    value = _VALUE(text)
    return _otio_safe(value) if "\\u" in text and _UNSAFE_FOR_OTIO.search(text) else value


def item_text(text: str, value: Any) -> str:
    """An item's text (``value`` parsed from it) as metadata keeps it: as
    written, on one line (a line break in JSON is only ever space between
    tokens); one escaping text OTIO cannot hold written again from its value."""
    if "\\u" in text and _UNSAFE_FOR_OTIO.search(text):
        with contextlib.suppress(ValueError):  # a number too large for a float: the text says it better
            return json.dumps(value, allow_nan=False)
    return _LINE_BREAKS.sub(_joined, text) if "\n" in text or "\r" in text else text


def _joined(line_break: re.Match[str]) -> str:
    return ", " if line_break.group(1) else ""


class _Scanner:
    """The documents of a text, in one pass: pages' lists of items (``lists``)
    kept as each item's text; every value checked for repeated keys, NaN,
    huge integers and nesting as it is read, so nothing walks them again."""

    def __init__(self, text: str, lists: frozenset[str]) -> None:
        self.text = text
        self.decode = _CHECKED.raw_decode
        self.lists = lists
        self.deepest = 0

    def space(self, position: int) -> int:
        return _JSON_SPACE.match(self.text, position).end()  # type: ignore[union-attr]

    def expect(self, position: int, what: str, message: str) -> int:
        position = self.space(position)
        if not self.text.startswith(what, position):
            raise json.JSONDecodeError(message, self.text, position)
        return self.space(position + 1)

    def document(self, position: int) -> tuple[Any, int]:
        if self.text.startswith("[", position):
            return self.array(position, 1, self.page_or_value)
        return self.page_or_value(position, 1)

    def page_or_value(self, position: int, level: int) -> tuple[Any, int]:
        if self.text.startswith("{", position):
            return self.page(position, level)
        return self.value(position, level)

    def value(self, position: int, level: int) -> tuple[Any, int]:
        value, end = self.decode(self.text, position)
        if isinstance(value, (dict, list)):
            self.reached(level - 1 + _depth(value))
        return value, end

    def item(self, position: int, level: int) -> tuple[str, int]:
        value, end = self.decode(self.text, position)
        # Counting brackets is cheap and bounds the depth: only a value with more than
        # the limit's worth of them (none in a real response) is walked.
        if self.text.count("{", position, end) + self.text.count("[", position, end) + level > MAX_DEPTH:
            self.reached(level - 1 + _depth(value))
        return self.text[position:end], end

    def reached(self, depth: int) -> None:
        self.deepest = max(self.deepest, depth)

    def array(self, position: int, level: int, element: Callable[[int, int], tuple[Any, int]]) -> tuple[list[Any], int]:
        self.reached(level)
        values: list[Any] = []
        position = self.space(position + 1)
        if self.text.startswith("]", position):
            return values, position + 1
        while True:
            value, position = element(position, level + 1)
            values.append(value)
            position = self.space(position)
            if self.text.startswith("]", position):
                return values, position + 1
            position = self.expect(position, ",", "Expecting ',' delimiter")

    def page(self, position: int, level: int) -> tuple[dict[str, Any], int]:
        self.reached(level)
        page: dict[str, Any] = {}
        position = self.space(position + 1)
        if self.text.startswith("}", position):
            return page, position + 1
        while True:
            if not self.text.startswith('"', position):
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", self.text, position)
            key, position = scanstring(self.text, position + 1)
            position = self.expect(position, ":", "Expecting ':' delimiter")
            if key in page:
                raise ValueError(f"the key {key!r} appears twice in one object")
            if key in self.lists and self.text.startswith("[", position):
                items, position = self.array(position, level + 1, self.item)
                page[key] = ItemTexts(items)
            else:
                page[key], position = self.value(position, level + 1)
            position = self.space(position)
            if self.text.startswith("}", position):
                return page, position + 1
            position = self.expect(position, ",", "Expecting ',' delimiter")


def json_documents(data: str | bytes, source: str, lists: frozenset[str] = frozenset()) -> list[Any]:
    """Every JSON document in ``data``, each page's list under a key of
    ``lists`` kept as :class:`ItemTexts`; ResponseFormatError naming
    ``source`` and where it broke."""
    text = _decode(data, source)
    scanner = _Scanner(text, lists)
    documents: list[Any] = []
    position = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    while position < len(text):
        scanner.deepest = 0
        try:
            document, position = scanner.document(position)
        except json.JSONDecodeError as error:
            raise ResponseFormatError(f"{source}: invalid JSON at line {error.lineno} column {error.colno}: "
                                      f"{_json_problem(error, text)}") from None  # fmt: skip
        except RecursionError:
            raise ResponseFormatError(
                f"{source}: JSON nested too deeply to be a GetSegmentDetection response"
            ) from None
        except ValueError as error:
            raise ResponseFormatError(f"{source}: invalid JSON: {error}") from None
        if scanner.deepest > MAX_DEPTH:
            raise ResponseFormatError(
                f"{source}: document {len(documents) + 1} is nested more than {MAX_DEPTH} levels deep: "
                "not a GetSegmentDetection response (a few levels at most)"
            )
        documents.append(document)
        position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
    if not documents:
        raise ResponseFormatError(f"{source}: empty input: expected a GetSegmentDetection response in JSON")
    if "\\u" in text and _UNSAFE_FOR_OTIO.search(text):
        documents = [_otio_safe(document) for document in documents]
    return documents
