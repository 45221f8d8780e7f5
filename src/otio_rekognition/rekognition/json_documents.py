"""Rekognition's JSON as documents, read as no reader could be misled by: one document, an array,
or several one after the other; a key twice in one object, NaN and Infinity refused; nesting bounded
before anything recurses into it; integers beyond int64 and text OTIO cannot hold kept as text."""

from __future__ import annotations

import json
import re
from typing import Any

from otio_rekognition.errors import ResponseFormatError

# Text OTIO metadata cannot hold, found on the JSON text: an escaped lone
# surrogate or NUL (looked for only where the text has an escape at all).
_UNSAFE_FOR_OTIO = re.compile(r"\\u[dD][89a-fA-F]|\\u0000")
_INT64 = range(-(2**63), 2**63)
_INT64_DIGITS = 19
_WHITESPACE = re.compile(r"\s*")


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


def json_documents(data: str | bytes, source: str) -> list[Any]:
    """Every JSON document in ``data``; ResponseFormatError naming ``source`` and where it broke."""
    text = _decode(data, source)
    decoder = json.JSONDecoder(
        parse_constant=_reject_constant, parse_int=_integer, object_pairs_hook=_object_without_duplicates
    )
    documents: list[Any] = []
    position = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    while position < len(text):
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ResponseFormatError(f"{source}: invalid JSON at line {error.lineno} column {error.colno}: "
                                      f"{_json_problem(error, text)}") from None  # fmt: skip
        except RecursionError:
            raise ResponseFormatError(
                f"{source}: JSON nested too deeply to be a GetSegmentDetection response"
            ) from None
        except ValueError as error:
            raise ResponseFormatError(f"{source}: invalid JSON: {error}") from None
        documents.append(document)
        position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
    if not documents:
        raise ResponseFormatError(f"{source}: empty input: expected a GetSegmentDetection response in JSON")
    for number, document in enumerate(documents, 1):
        if _depth(document) > MAX_DEPTH:
            raise ResponseFormatError(
                f"{source}: document {number} is nested more than {MAX_DEPTH} levels deep: "
                "not a GetSegmentDetection response (a few levels at most)"
            )
    if "\\u" in text and _UNSAFE_FOR_OTIO.search(text):
        documents = [_otio_safe(document) for document in documents]
    return documents
