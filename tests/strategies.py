"""Hypothesis strategies the fuzz and property tests share: responses with a
few fields dropped, replaced, retyped, nudged or duplicated."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import partial
from typing import Any

from hostile_cases import ANALYSIS_ITEMS, base_response, model1, real_page, with_analysis
from hypothesis import settings
from hypothesis import strategies as st


def scaled(examples: int) -> int:
    """``examples`` under the default profile; proportionally more under a
    profile with more examples (the long run)."""
    profile = settings.default
    return examples if profile is None else max(1, examples * profile.max_examples // 100)


KEYS = sorted(
    {
        *base_response(),
        *base_response()["VideoMetadata"][0],
        *(key for segment in base_response()["Segments"] for key in segment),
        "Index",
        "Confidence",
        "Type",
        "NextToken",
        "StatusMessage",
        "S3Object",
        "Bucket",
        "Name",
        "ModelVersion",
    }
)
WORDS = [
    "SHOT",
    "TECHNICAL_CUE",
    "SUCCEEDED",
    "FAILED",
    "IN_PROGRESS",
    "BlackFrames",
    "Content",
    "ColorBars",
    "00:00:00;00",
    "00:00:10;00",
    "00:01:00;00",
    "00:00:09:29",
    "x",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-2, max_value=500)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(WORDS)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=25,
)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (the root excluded)."""
    found = []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found.append((*prefix, key))
        found.extend(paths_of(child, (*prefix, key)))
    return found


def retyped(value: Any) -> Any:
    """The same information in the wrong JSON type, as hand edits and other
    tools produce it: "299" for 299, 299.0, [299], {"0": 299}..."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return [value]
    if isinstance(value, list):
        return {str(number): item for number, item in enumerate(value)}
    if isinstance(value, dict):
        return list(value.values())
    return 0


BASES: dict[str, Callable[[], Any]] = {
    "guide": base_response,
    "model1": model1,
    "pages": lambda: [
        {**base_response(), "Segments": base_response()["Segments"][:2], "NextToken": "t"},
        {**base_response(), "Segments": base_response()["Segments"][2:]},
    ],
    "real-page-2": lambda: json.loads(real_page(2)),
    # A segment job and another analysis of the same video, one response each.
    **{f"with-{analysis}": partial(with_analysis, analysis) for analysis in ANALYSIS_ITEMS},
}


@st.composite
def mutated_responses(draw: st.DrawFn) -> bytes:
    """A valid response with one to four fields dropped, replaced, retyped,
    nudged by a frame or two, or duplicated."""
    document = BASES[draw(st.sampled_from(sorted(BASES)))]()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = paths_of(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        operation = draw(st.sampled_from(["drop", "replace", "retype", "nudge", "duplicate"]))
        if operation == "drop":
            del parent[key]
        elif operation == "replace":
            parent[key] = draw(json_values)
        elif operation == "retype":
            parent[key] = retyped(parent[key])
        elif operation == "nudge" and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
            parent[key] = parent[key] + draw(st.sampled_from([-300, -2, -1, 1, 2, 300]))
        elif operation == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    layout = draw(st.sampled_from(["indent", "compact", "pages"]))
    if layout == "pages" and isinstance(document, list):
        return b"\n".join(json.dumps(page).encode() for page in document)
    return json.dumps(document, indent=2 if layout == "indent" else None).encode()
