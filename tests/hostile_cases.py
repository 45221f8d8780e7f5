"""The hostile-input table: every way a saved GetSegmentDetection job can be
broken, and what the tool must do with it.

Each row builds its input bytes (from the developer guide's example, the
synthetic samples or the real job) and names the outcomes that are right:

- ``Converts``: a timeline whose shot-track clips cover exactly these frames
  (first and last, inclusive, as Rekognition counts), with or without a
  RekognitionWarning;
- ``Fails``: one error line of this documented class, containing this text,
  and this command-line exit status.

A row may list more than one outcome when the issue leaves the choice open
("a correct timeline with a warning, or one clear error line"): any of them
passes; anything else (another exception, a different timeline) fails.

The expectations are what the README and REKOGNITION_FACTS.md promise, not
what the code happens to do today: rows that fail are bugs.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from helpers import REAL_JOB, SAMPLES, developer_guide_response, sample

from otio_rekognition.errors import (
    AdapterArgumentError,
    IncompleteJobError,
    JobStatusError,
    RekognitionError,
    ResponseFormatError,
)

Frames = tuple[tuple[int, int], ...]
Cues = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Converts:
    """A timeline. ``shots`` are the [first, last] frames of every clip on the
    shot track (gaps left out); ``warning``: True if a RekognitionWarning must
    be given, False if none may be, None when either is fine (a field the tool
    does not use)."""

    shots: Frames | Callable[[], Frames]  # a callable for shots read from the shared folder when the row runs
    warning: bool | None
    cues: Cues | None = None  # [name, first, last] of every cue marker, sorted, when the row checks them
    detections: Cues | None = None  # [name, first, last] of every other analysis's marker, sorted, likewise


def expected_shots(outcome: Converts) -> Frames:
    return outcome.shots() if callable(outcome.shots) else outcome.shots


@dataclass(frozen=True)
class Fails:
    error: type[RekognitionError]
    text: str  # a substring of the one-line message: the field or what is wrong
    status: int = 1  # the command line's exit status (1: input the tool cannot use)


Outcome = Converts | Fails


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[], bytes] = field(repr=False)
    expect: tuple[Outcome, ...]
    # Adapter arguments as otioconvert -a passes them (text); the CLI gets --name value.
    options: Mapping[str, str] = field(default_factory=dict)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()
FieldPath = tuple[str | int, ...]

# The substitutes for the wrong-type matrix: every JSON type, a negative and
# a huge number, and the field left out.
SUBSTITUTES: dict[str, Any] = {
    "missing": MISSING,
    "null": None,
    "string": "x",
    "array": [],
    "object": {},
    "true": True,
    "minus1": -1,
    "1e308": 1e308,
}

# ---------------------------------------------------------------------------
# Inputs


def base_response() -> dict[str, Any]:
    """The developer guide's example in the 2023 shape (JobId, JobTag, Video):
    shots 0..299 and 300..449, BlackFrames 0..299 and Content 299..449."""
    response = developer_guide_response()
    response["JobId"] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    response["JobTag"] = "hostile"
    response["Video"] = {"S3Object": {"Bucket": "example-bucket", "Name": "show.mov"}}
    return response


BASE_SHOTS: Frames = ((0, 299), (300, 449))
BASE_CUES: Cues = (("BlackFrames", 0, 299), ("Content", 299, 449))
WHOLE_VIDEO: Frames = ((0, 449),)  # a job without shots: one clip spanning the video
# Positions in base_response()["Segments"].
BLACK, CONTENT, SHOT0, SHOT1 = 0, 1, 2, 3
FRAME_FIELDS = ("StartFrameNumber", "EndFrameNumber", "DurationFrames")
OTHER_SOURCES = ("StartTimecodeSMPTE", "EndTimecodeSMPTE", "DurationSMPTE")
MILLIS_FIELDS = ("StartTimestampMillis", "EndTimestampMillis", "DurationMillis")


def encoded(document: Any) -> bytes:
    return json.dumps(document, indent=2).encode()


def pages_text(*documents: Any) -> bytes:
    """Documents one after the other, as ``cat page1.json page2.json`` saves them."""
    return b"".join(encoded(document) + b"\n" for document in documents)


def replaced(document: Any, path: FieldPath, value: Any) -> Any:
    """A deep copy of ``document`` with the field at ``path`` set to ``value``
    (or removed, for MISSING)."""
    result = copy.deepcopy(document)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    if value is MISSING:
        if isinstance(parent, list):
            del parent[int(path[-1])]
        else:
            parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    return result


def frames_only(document: dict[str, Any]) -> dict[str, Any]:
    """The response with frame numbers as the only frame source, so a row that
    changes frames is not also a disagreement between sources."""
    result = copy.deepcopy(document)
    for segment in result["Segments"]:
        for key in OTHER_SOURCES + MILLIS_FIELDS:
            segment.pop(key, None)
    return result


def two_pages() -> tuple[dict[str, Any], dict[str, Any]]:
    """The base response as GetSegmentDetection pages it with MaxResults=2."""
    response = base_response()
    first = {**response, "Segments": response["Segments"][:2], "NextToken": "token-1"}
    second = {**response, "Segments": response["Segments"][2:]}
    return first, second


def with_segment(document: dict[str, Any], position: int, **fields: Any) -> dict[str, Any]:
    result = copy.deepcopy(document)
    result["Segments"][position].update(fields)
    return result


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def text_of(build: Callable[[], bytes], old: str, new: str, count: int = 1) -> bytes:
    """The input with ``old`` (which must be there) replaced by ``new``:
    for what json.dumps cannot write (NaN tokens, duplicate keys)."""
    text = build().decode()
    assert old in text, old
    return text.replace(old, new, count).encode()


@cache
def real_page(number: int) -> bytes:
    return (REAL_JOB / f"page{number}.json").read_bytes()


def real_job_text() -> bytes:
    return real_page(1) + real_page(2)


def _smpte_25(label: str) -> int:
    # The real job is 25 fps non-drop: the oracle is plain arithmetic, not our code.
    hours, minutes, seconds, frame = (int(part) for part in re.split("[:;]", label))
    return ((hours * 60 + minutes) * 60 + seconds) * 25 + frame


@cache
def real_shots(*pages: int) -> Frames:
    shots = []
    for number in pages:
        for segment in json.loads(real_page(number))["Segments"]:
            shots.append((_smpte_25(segment["StartTimecodeSMPTE"]), _smpte_25(segment["EndTimecodeSMPTE"])))
    return tuple(sorted(shots))


@cache
def cut_list(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / "cutlists.json").read_text())[name]


def sample_shots(name: str) -> Frames:
    return tuple((first, last) for first, last in cut_list(name)["shots"])


def sample_bytes(name: str) -> bytes:
    return sample(name).read_bytes()


def model1() -> dict[str, Any]:
    """The synthetic 29.97 DF model 1.0 response: SMPTE and milliseconds only."""
    document: dict[str, Any] = json.loads(sample_bytes("2997df_model1"))
    return document


MODEL1_SHOTS: Callable[[], Frames] = partial(sample_shots, "2997df")
MODEL1_LAST_SHOT = 12  # position of the last shot in model1()["Segments"]


# ---------------------------------------------------------------------------
# Outcomes


def ok(
    warning: bool | None = None,
    shots: Frames | Callable[[], Frames] = BASE_SHOTS,
    cues: Cues | None = None,
    detections: Cues | None = None,
) -> Converts:
    return Converts(shots, warning, cues, detections)


def bad(text: str, error: type[RekognitionError] = ResponseFormatError) -> Fails:
    return Fails(error, text)


def case(case_id: str, build: Callable[[], bytes], *expect: Outcome, **options: str) -> Case:
    return Case(case_id, build, expect, options)


# ---------------------------------------------------------------------------
# Wrong types in every field, generated: for each field path, each substitute.


def _top_level_rules() -> Iterator[tuple[FieldPath, Callable[[str], tuple[Outcome, ...]]]]:
    def ignored(name: str) -> tuple[Outcome, ...]:
        # Kept in the metadata only: the timeline cannot be wrong because of it.
        return (ok(),)

    def always(outcome: Outcome) -> Callable[[str], tuple[Outcome, ...]]:
        return lambda name: (outcome,)

    def job_status(name: str) -> tuple[Outcome, ...]:
        # A missing JobStatus: a saved response trimmed by hand; SUCCEEDED is implied.
        return (ok(),) if name == "missing" else (bad("JobStatus"),)

    def video_duration(name: str) -> tuple[Outcome, ...]:
        # The video length only sets the media's available range; without it the
        # last segment's end is used.
        return (ok(),) if name in ("missing", "null") else (bad("DurationMillis"),)

    def segments(name: str) -> tuple[Outcome, ...]:
        return (ok(shots=WHOLE_VIDEO),) if name in ("missing", "array") else (bad("Segments"),)

    def next_token(name: str) -> tuple[Outcome, ...]:
        # Any NextToken on the last page means pages are missing: warn.
        return (ok(),) if name in ("missing", "null", "array", "object") else (ok(warning=True),)

    yield ("JobStatus",), job_status
    yield ("VideoMetadata",), always(bad("VideoMetadata"))
    yield ("VideoMetadata", 0), always(bad("VideoMetadata"))
    yield ("VideoMetadata", 0, "FrameRate"), always(bad("FrameRate"))
    yield ("VideoMetadata", 0, "DurationMillis"), video_duration
    for key in ("Codec", "Format", "FrameHeight", "FrameWidth"):
        yield ("VideoMetadata", 0, key), ignored

    def sound(fine: tuple[str, ...]) -> Callable[[str], tuple[Outcome, ...]]:
        # The picture is right whatever the sound says: one that does not read is said, and left out.
        return lambda name: (ok(),) if name in fine else (ok(warning=True),)

    yield ("AudioMetadata",), sound(("missing", "null", "array"))
    yield ("AudioMetadata", 0), sound(("missing",))
    for key in ("Codec", "DurationMillis"):
        yield ("AudioMetadata", 0, key), ignored
    yield ("AudioMetadata", 0, "SampleRate"), sound(("missing", "null"))
    yield ("AudioMetadata", 0, "NumberOfChannels"), sound(())
    yield ("Segments",), segments
    yield ("SelectedSegmentTypes",), ignored
    yield ("SelectedSegmentTypes", 0), ignored
    yield ("SelectedSegmentTypes", 0, "Type"), ignored
    yield ("SelectedSegmentTypes", 0, "ModelVersion"), ignored
    for path in (
        ("JobId",),
        ("JobTag",),
        ("Video",),
        ("Video", "S3Object"),
        ("Video", "S3Object", "Bucket"),
        ("Video", "S3Object", "Name"),
        ("StatusMessage",),
    ):
        yield path, ignored
    yield ("NextToken",), next_token


def _segment_rules(position: int) -> Iterator[tuple[FieldPath, Callable[[str], tuple[Outcome, ...]]]]:
    is_shot = position in (SHOT0, SHOT1)
    others: Frames = tuple(shot for number, shot in zip((SHOT0, SHOT1), BASE_SHOTS, strict=True) if number != position)
    prefix: FieldPath = ("Segments", position)

    def segment_type(name: str) -> tuple[Outcome, ...]:
        if name == "string":
            # An unknown segment type is kept (as a marker), not turned into a shot.
            return (ok(shots=others if is_shot else BASE_SHOTS),)
        return (bad("Type"),)

    def start_frame(name: str) -> tuple[Outcome, ...]:
        # 1e308 is out of range, and also after the end.
        return (
            (bad("StartFrameNumber"), bad("ends before it starts")) if name == "1e308" else (bad("StartFrameNumber"),)
        )

    def end_frame(name: str) -> tuple[Outcome, ...]:
        # 1e308 frames is no video: an error naming the field, never a timeline
        # (or an OverflowError) billions of years long.
        return (bad("EndFrameNumber"),)

    def cross_checked(name: str) -> tuple[Outcome, ...]:
        # Beside frame numbers, a broken timecode is a disagreement: a warning.
        return (ok(warning=True),)

    def millis(field_name: str) -> Callable[[str], tuple[Outcome, ...]]:
        def rule(name: str) -> tuple[Outcome, ...]:
            if name in ("missing", "null"):
                return (ok(warning=True),)
            # A value of the wrong type or range may be refused outright.
            return ok(warning=True), bad(field_name)

        return rule

    def ignored(name: str) -> tuple[Outcome, ...]:
        return (ok(),)

    def details(key: str) -> Callable[[str], tuple[Outcome, ...]]:
        def rule(name: str) -> tuple[Outcome, ...]:
            if is_shot and name in ("missing", "object"):
                return (ok(),)  # a shot without ShotSegment: named by its position
            return (bad(key),)

        return rule

    def index(name: str) -> tuple[Outcome, ...]:
        return (ok(),) if name == "missing" else (bad("Index"),)

    def confidence(name: str) -> tuple[Outcome, ...]:
        return (ok(),) if name in ("missing", "null") else (bad("Confidence"),)

    def cue_type(name: str) -> tuple[Outcome, ...]:
        # README: an unknown (future) cue type is kept as a white marker.
        return (ok(),) if name == "string" else (bad("TechnicalCueSegment.Type"),)

    yield (*prefix, "Type"), segment_type
    yield (*prefix, "StartFrameNumber"), start_frame
    yield (*prefix, "EndFrameNumber"), end_frame
    yield (*prefix, "StartTimecodeSMPTE"), cross_checked
    yield (*prefix, "EndTimecodeSMPTE"), cross_checked
    yield (*prefix, "StartTimestampMillis"), millis("StartTimestampMillis")
    yield (*prefix, "EndTimestampMillis"), millis("EndTimestampMillis")
    for key in ("DurationFrames", "DurationSMPTE", "DurationMillis"):
        yield (*prefix, key), ignored
    details_key = "ShotSegment" if is_shot else "TechnicalCueSegment"
    yield (*prefix, details_key), details(details_key)
    if is_shot:
        yield (*prefix, details_key, "Index"), index
    else:
        yield (*prefix, details_key, "Type"), cue_type
    yield (*prefix, details_key, "Confidence"), confidence


def _model1_rules() -> Iterator[tuple[FieldPath, Callable[[str], tuple[Outcome, ...]]]]:
    """Model 1.0 has no frame numbers: the SMPTE strings are the best source."""
    shots = MODEL1_SHOTS()
    prefix: FieldPath = ("Segments", MODEL1_LAST_SHOT)

    def smpte(field_name: str) -> Callable[[str], tuple[Outcome, ...]]:
        # An error naming the field, or the milliseconds used with a warning.
        return lambda name: (bad(field_name), ok(warning=True, shots=shots))

    def millis(field_name: str) -> Callable[[str], tuple[Outcome, ...]]:
        def rule(name: str) -> tuple[Outcome, ...]:
            if name in ("missing", "null"):
                return (ok(warning=True, shots=shots),)
            return ok(warning=True, shots=shots), bad(field_name)

        return rule

    for key in ("StartTimecodeSMPTE", "EndTimecodeSMPTE"):
        yield (*prefix, key), smpte(key)
    for key in ("StartTimestampMillis", "EndTimestampMillis"):
        yield (*prefix, key), millis(key)


def _path_name(path: FieldPath) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")


def _matrix(
    name: str,
    document: Callable[[], Any],
    rules: Iterator[tuple[FieldPath, Callable[[str], tuple[Outcome, ...]]]],
) -> Iterator[Case]:
    for path, rule in rules:
        for substitute, value in SUBSTITUTES.items():
            build = partial(lambda p, v: encoded(replaced(document(), p, v)), path, value)
            yield Case(f"{name}-{_path_name(path)}-{substitute}", build, rule(substitute))


def wrong_type_cases() -> list[Case]:
    cases = [*_matrix("field", base_response, _top_level_rules())]
    for position in (SHOT1, CONTENT):
        cases.extend(_matrix("field", base_response, _segment_rules(position)))
    cases.extend(_matrix("model1", model1, _model1_rules()))
    for analysis in ANALYSIS_ITEMS:
        cases.extend(_matrix(f"analysis-{analysis}", partial(with_analysis, analysis), _analysis_rules(analysis)))
    return cases


# ---------------------------------------------------------------------------
# The other analyses: a segment job and one analysis job of the same video
# (the developer guide's, 29.97 fps, 450 frames) as a JSON array of two
# responses. Each detection sampled at 0, 500 and 1000 ms and once at
# 10010 ms: joined (twice the 500 ms interval) into frames 0-30 and 300.

# analysis: (list key, item key, the item's detection object, its name)
ANALYSIS_ITEMS: dict[str, tuple[str, str, dict[str, Any], str]] = {
    "labels": ("Labels", "Label", {"Name": "Car", "Confidence": 97.5, "Parents": [{"Name": "Vehicle"}],
                                   "Categories": [{"Name": "Vehicles and Automotive"}], "Instances": []}, "Car"),
    "moderation": ("ModerationLabels", "ModerationLabel", {"Name": "Violence", "ParentName": "", "TaxonomyLevel": 1,
                                                           "Confidence": 88.0}, "Violence"),
    "celebrities": ("Celebrities", "Celebrity", {"Name": "Jane Example", "Id": "1a2b", "Confidence": 99.0,
                                                 "Urls": []}, "Jane Example"),
    "faces": ("Faces", "Face", {"Confidence": 99.9, "BoundingBox": {"Width": 0.2}}, "Face"),
    "face-search": ("Persons", "Person", {"Index": 0, "Face": {"Confidence": 99.0}}, "anna"),
    "text": ("TextDetections", "TextDetection", {"DetectedText": "NEWS", "Type": "LINE", "Id": 0,
                                                 "Confidence": 98.0}, "NEWS"),
}  # fmt: skip
ANALYSIS_MARKERS = ((0, 30), (300, 300))


def analysis_response(analysis: str) -> dict[str, Any]:
    list_key, item_key, details, _ = ANALYSIS_ITEMS[analysis]
    base = base_response()
    items = []
    for timestamp in (0, 500, 1000, 10010):
        item: dict[str, Any] = {"Timestamp": timestamp, item_key: copy.deepcopy(details)}
        if analysis == "face-search":
            item["FaceMatches"] = [{"Similarity": 98.0, "Face": {"FaceId": "0d1e", "ExternalImageId": "anna"}}]
        items.append(item)
    return {
        "JobStatus": "SUCCEEDED",
        "JobId": f"hostile-{analysis}",
        "Video": base["Video"],
        "VideoMetadata": dict(base["VideoMetadata"][0]),
        list_key: items,
    }


def with_analysis(analysis: str) -> list[dict[str, Any]]:
    return [base_response(), analysis_response(analysis)]


def analysis_markers(analysis: str, name: str | None = None) -> Cues:
    called = name or ANALYSIS_ITEMS[analysis][3]
    return tuple((called, first, last) for first, last in ANALYSIS_MARKERS)


def _analysis_rules(analysis: str) -> Iterator[tuple[FieldPath, Callable[[str], tuple[Outcome, ...]]]]:
    list_key, item_key, details, _ = ANALYSIS_ITEMS[analysis]
    markers = ok(cues=BASE_CUES, detections=analysis_markers(analysis))

    def items(substitute: str) -> tuple[Outcome, ...]:
        # Without its list the page is of no analysis it can be told by (none has a model version here).
        if substitute == "array":
            return (ok(detections=()),)
        return (bad(list_key), bad("cannot tell which")) if substitute == "missing" else (bad(list_key),)

    def confidence(substitute: str) -> tuple[Outcome, ...]:
        return (markers,) if substitute in ("missing", "null") else (bad("Confidence"),)

    def renamed_first(name: str) -> Outcome:
        # Only the first sample is renamed: it stands alone, the others still join.
        return ok(
            detections=((name, 0, 0), *((ANALYSIS_ITEMS[analysis][3], 15, 30), (ANALYSIS_ITEMS[analysis][3], 300, 300)))
        )

    def name_field(key: str) -> Callable[[str], tuple[Outcome, ...]]:
        def rule(substitute: str) -> tuple[Outcome, ...]:
            if substitute == "string":
                return (renamed_first("x"),)
            if analysis == "celebrities" and substitute in ("missing", "null"):  # named by its Id
                return (renamed_first("Celebrity 1a2b"),)
            return (bad(key),)

        return rule

    def video(substitute: str) -> tuple[Outcome, ...]:
        return (bad("VideoMetadata"), bad("FrameRate"))

    def duration(substitute: str) -> tuple[Outcome, ...]:
        # Without its length the analysis is compared by rate and size only.
        return (markers,) if substitute in ("missing", "null") else (bad("DurationMillis"),)

    def always(*outcomes: Outcome) -> Callable[[str], tuple[Outcome, ...]]:
        return lambda substitute: outcomes

    yield (1, list_key), items
    yield (1, list_key, 0, "Timestamp"), always(bad("Timestamp"))
    if analysis == "face-search":  # a Person object says nothing the marker needs: its match names it
        yield (1, list_key, 0, item_key), lambda s: (markers,) if s in ("missing", "object") else (bad(item_key),)
    elif analysis != "faces":
        yield (1, list_key, 0, item_key), always(bad(item_key))
    yield (1, "VideoMetadata"), video
    yield (1, "VideoMetadata", "FrameRate"), always(bad("FrameRate"))
    yield (1, "VideoMetadata", "DurationMillis"), duration
    yield (1, "JobTag"), always(markers)
    if analysis == "face-search":
        unmatched_first = ok(detections=(("Person 0", 0, 0), ("anna", 15, 30), ("anna", 300, 300)))
        yield (
            (1, list_key, 0, "FaceMatches"),
            lambda s: (unmatched_first,) if s in ("missing", "array") else (bad("FaceMatches"),),
        )
        yield (
            (1, list_key, 0, "FaceMatches", 0, "Similarity"),
            lambda s: (markers,) if s in ("missing", "null") else (bad("Similarity"),),
        )
    elif analysis != "faces":
        yield (
            (1, list_key, 0, item_key, "DetectedText" if analysis == "text" else "Name"),
            name_field("DetectedText" if analysis == "text" else "Name"),
        )
    if "Confidence" in details:
        yield (1, list_key, 0, item_key, "Confidence"), confidence
    if analysis == "labels":
        for key in ("Parents", "Categories"):
            yield (
                (1, list_key, 0, item_key, key),
                lambda s, key=key: (markers,) if s in ("missing", "array") else (bad(key),),
            )
    if analysis == "moderation":
        yield (
            (1, list_key, 0, item_key, "ParentName"),
            lambda s: (markers,) if s in ("missing", "string") else (bad("ParentName"),),
        )
    if analysis == "text":
        # Only LINE is kept by default: another type drops the first sample; without a type it is kept, apart.
        untyped = renamed_first("NEWS")
        outcomes = {
            "string": ok(detections=(("NEWS", 15, 30), ("NEWS", 300, 300))),
            "missing": untyped,
            "null": untyped,
        }
        yield (1, list_key, 0, item_key, "Type"), lambda s: (outcomes.get(s, bad("Type")),)


def analysis_cases() -> list[Case]:
    def changed(analysis: str, path: FieldPath, value: Any) -> Callable[[], bytes]:
        return lambda: encoded([base_response(), replaced(analysis_response(analysis), path, value)])

    def alone(analysis: str) -> Callable[[], bytes]:
        return lambda: encoded(analysis_response(analysis))

    cases = []
    for analysis in ANALYSIS_ITEMS:
        both = ok(cues=BASE_CUES, detections=analysis_markers(analysis))
        cases += [
            case(f"analysis-{analysis}-with-segments", lambda a=analysis: encoded(with_analysis(a)), both),
            case(f"analysis-{analysis}-alone", alone(analysis), ok(shots=WHOLE_VIDEO, cues=(),
                                                                    detections=analysis_markers(analysis))),
            case(f"analysis-{analysis}-of-another-s3-object",
                 changed(analysis, ("Video", "S3Object", "Name"), "other.mov"), bad("not the video")),
            case(f"analysis-{analysis}-of-another-rate", changed(analysis, ("VideoMetadata", "FrameRate"), 25.0),
                 bad("not the video")),
            case(f"analysis-{analysis}-of-a-longer-video",
                 changed(analysis, ("VideoMetadata", "DurationMillis"), 60000), bad("not the video")),
            case(f"analysis-{analysis}-of-another-size", changed(analysis, ("VideoMetadata", "FrameWidth"), 640),
                 bad("not the video")),
            case(f"analysis-{analysis}-failed",
                 changed(analysis, ("JobStatus",), "FAILED"), bad("FAILED", JobStatusError)),
            case(f"analysis-{analysis}-incomplete", changed(analysis, ("NextToken",), "more"),
                 ok(warning=True, detections=analysis_markers(analysis))),
            case(f"analysis-{analysis}-video-metadata-a-list",
                 changed(analysis, ("VideoMetadata",), [base_response()["VideoMetadata"][0]]),
                 ok(cues=BASE_CUES, detections=analysis_markers(analysis))),
        ]  # fmt: skip
    cases += [
        case("analysis-no-list-and-no-model-version",
             lambda: encoded({"JobStatus": "SUCCEEDED", "VideoMetadata": {"FrameRate": 25.0}}),
             bad("cannot tell which")),
        case("analysis-model-version-only",
             lambda: encoded([base_response(), {"VideoMetadata": base_response()["VideoMetadata"][0],
                                                "LabelModelVersion": "3.0"}]),
             ok(cues=BASE_CUES, detections=())),
        case("analysis-timestamp-past-the-video",
             changed("labels", ("Labels", 3, "Timestamp"), 20000),
             ok(warning=True, detections=(("Car", 0, 30), ("Car", 599, 599)))),
        case("analysis-timestamp-a-day", changed("labels", ("Labels", 3, "Timestamp"), 86_400_001), bad("Timestamp")),
        case("analysis-timestamp-nan", lambda: encoded(with_analysis("labels")).replace(b'"Timestamp": 10010',
             b'"Timestamp": NaN'), bad("NaN")),
        case("analysis-min-confidence-drops-a-sample", changed("labels", ("Labels", 1, "Label", "Confidence"), 10.0),
             ok(detections=(("Car", 0, 30), ("Car", 300, 300))), min_confidence="50"),
        case("analysis-merge-window-0", lambda: encoded(with_analysis("labels")),
             ok(detections=(("Car", 0, 0), ("Car", 15, 15), ("Car", 30, 30), ("Car", 300, 300))),
             merge_window="0"),
        case("analysis-merge-window-huge", lambda: encoded(with_analysis("labels")),
             ok(detections=(("Car", 0, 300),)), merge_window="3600"),
        case("analysis-merge-window-negative", lambda: encoded(with_analysis("labels")),
             bad("merge_window", AdapterArgumentError), merge_window="-1"),
        case("analysis-labels-excluded-by-parent", lambda: encoded(with_analysis("labels")),
             ok(detections=()), exclude_labels="vehicle"),
        case("analysis-labels-kept-by-parent", lambda: encoded(with_analysis("labels")),
             ok(detections=analysis_markers("labels")), labels="Vehicle"),
        case("analysis-two-label-jobs", lambda: encoded([*with_analysis("labels"),
             {**analysis_response("labels"), "JobId": "hostile-labels-2"}]),
             ok(detections=tuple(sorted(analysis_markers("labels") * 2)))),
        case("analysis-a-page-saved-twice", lambda: encoded([*with_analysis("labels"), analysis_response("labels")]),
             ok(detections=analysis_markers("labels"))),
    ]  # fmt: skip
    return cases


# ---------------------------------------------------------------------------
# The list, one row each.


def _truncated(build: Callable[[], bytes], end: Callable[[bytes], int]) -> Callable[[], bytes]:
    def make() -> bytes:
        data = build()
        return data[: end(data)]

    return make


def _base() -> bytes:
    return encoded(base_response())


def _frames_only_base() -> dict[str, Any]:
    return frames_only(base_response())


def _last_brace(data: bytes) -> int:
    return data.rindex(b"}")


def truncated_cases() -> list[Case]:
    page1 = partial(real_page, 1)
    cases = [case("truncated-real-at-0-bytes", _truncated(page1, lambda d: 0), bad("empty input"))]
    for label, end in (
        ("1", lambda d: 1),
        ("2", lambda d: 2),
        ("100", lambda d: 100),
        ("half", lambda d: len(d) // 2),
        ("last-brace", _last_brace),
    ):
        cases.append(case(f"truncated-real-at-{label}", _truncated(page1, end), bad("invalid JSON")))
    cases += [
        # `cat page1.json page2.json` cut off after page 1: page 1 alone, whose
        # NextToken says pages are missing.
        case(
            "truncated-real-job-at-page-boundary",
            _truncated(real_job_text, lambda d: len(real_page(1))),
            ok(warning=True, shots=partial(real_shots, 1)),
        ),
        case(
            "truncated-real-job-inside-page-2",
            _truncated(real_job_text, lambda d: len(real_page(1)) + len(real_page(2)) // 2),
            bad("invalid JSON"),
        ),
        case("truncated-real-job-before-last-brace", _truncated(real_job_text, _last_brace), bad("invalid JSON")),
        case(
            "truncated-sample-5994df-after-first-page",
            _truncated(partial(sample_bytes, "5994df"), lambda d: d.index(b"\n}\n") + 3),
            ok(warning=True, shots=sample_shots("5994df")[:8]),
        ),
        case(
            "truncated-inside-a-utf8-character",
            _truncated(
                lambda: encoded(replaced(base_response(), ("JobTag",), "é" * 10)).replace(b"\\u00e9", "é".encode()),
                lambda d: d.index("é".encode()) + 1,
            ),
            bad("UTF-8"),
            bad("invalid JSON"),
        ),
    ]
    return cases


def number_cases() -> list[Case]:
    end = ("Segments", SHOT1, "EndFrameNumber")
    start = ("Segments", SHOT1, "StartFrameNumber")
    frame_rate = ("VideoMetadata", 0, "FrameRate")

    def base_with(path: FieldPath, value: Any) -> Callable[[], bytes]:
        return lambda: encoded(replaced(base_response(), path, value))

    def frames_with(path: FieldPath, value: Any) -> Callable[[], bytes]:
        return lambda: encoded(replaced(_frames_only_base(), path, value))

    return [
        case("end-frame-10e20", frames_with(end, 10**20), bad("EndFrameNumber")),
        # Beyond 2**53 a frame number has no exact float: OTIO's times would be wrong.
        case("end-frame-2e53-plus-1", frames_with(end, 2**53 + 1), bad("EndFrameNumber")),
        case("end-frame-2e63", frames_with(end, 2**63), bad("EndFrameNumber")),
        case("start-frame-minus-2e63", frames_with(start, -(2**63)), bad("StartFrameNumber")),
        case("end-frame-minus-1e308", frames_with(end, -1e308), bad("EndFrameNumber")),
        case(
            "end-frame-1e400-is-infinity",
            lambda: text_of(frames_with(end, 449), ": 449", ": 1e400"),
            bad("EndFrameNumber"),
        ),
        # A segment past the video's end (450 frames): doubtful data, so a warning at least.
        case(
            "end-frame-past-the-video",
            frames_with(end, 100_000),
            ok(True, ((0, 299), (300, 100_000))),
            bad("EndFrameNumber"),
        ),
        case("start-frame-integral-float", frames_with(start, 300.0), ok(False)),
        case("start-frame-negative-zero", frames_with(("Segments", SHOT0, "StartFrameNumber"), -0.0), ok(False)),
        case("start-frame-fraction", frames_with(start, 300.5), bad("StartFrameNumber")),
        case("start-frame-numeric-string", frames_with(start, "300"), bad("StartFrameNumber")),
        case(
            "confidence-above-100",
            base_with(("Segments", SHOT1, "ShotSegment", "Confidence"), 100.0001),
            bad("Confidence"),
        ),
        case(
            "confidence-below-0",
            base_with(("Segments", CONTENT, "TechnicalCueSegment", "Confidence"), -0.0001),
            bad("Confidence"),
        ),
        # No job has 10**30 shots: keeping the number or refusing it are both right.
        case("shot-index-10e30", base_with(("Segments", SHOT1, "ShotSegment", "Index"), 10**30), ok(), bad("Index")),
        # A field the tool does not use at all, beyond int64.
        case("audio-sample-rate-10e20", base_with(("AudioMetadata", 0, "SampleRate"), 10**20), ok()),
        case("frame-rate-1e-9", base_with(frame_rate, 1e-9), bad("FrameRate")),
        case("frame-rate-1e-300", base_with(frame_rate, 1e-300), bad("FrameRate")),
        case("frame-rate-minus-25", base_with(frame_rate, -25), bad("FrameRate")),
        case("frame-rate-1e400-is-infinity", lambda: text_of(_base, "29.970029830932617", "1e400"), bad("FrameRate")),
        case("frame-rate-huge-string", base_with(frame_rate, "9" * 1_000_000), bad("FrameRate")),
        case(
            "video-duration-10e30-ms",
            base_with(("VideoMetadata", 0, "DurationMillis"), 10**30),
            bad("DurationMillis"),
            ok(True),
        ),
        case(
            "video-duration-1e400",
            lambda: text_of(_base, '"DurationMillis": 15015', '"DurationMillis": 1e400'),
            bad("DurationMillis"),
        ),
    ]


def nan_cases() -> list[Case]:
    rows = []
    for token in ("NaN", "Infinity", "-Infinity"):
        for label, old, new in (
            ("frame-rate", "29.970029830932617", token),
            ("shot-confidence", '"Confidence": 99.8', f'"Confidence": {token}'),
            ("end-frame", '"EndFrameNumber": 449', f'"EndFrameNumber": {token}'),
            ("millis", '"StartTimestampMillis": 10010', f'"StartTimestampMillis": {token}'),
            (
                "audio-duration",
                '"DurationMillis": 15015,\n      "SampleRate"',
                f'"DurationMillis": {token},\n      "SampleRate"',
            ),
        ):
            rows.append(case(f"{token.lower()}-in-{label}", partial(text_of, _base, old, new), bad(token)))
    return rows


def end_before_start_cases() -> list[Case]:
    def model1_end(label: str) -> bytes:
        return encoded(replaced(model1(), ("Segments", MODEL1_LAST_SHOT, "EndTimecodeSMPTE"), label))

    def millis_only() -> dict[str, Any]:
        document = model1()
        for segment in document["Segments"]:
            segment.pop("StartTimecodeSMPTE")
            segment.pop("EndTimecodeSMPTE")
        return document

    return [
        case(
            "end-before-start-shot-frames",
            lambda: encoded(replaced(_frames_only_base(), ("Segments", SHOT1, "EndFrameNumber"), 250)),
            bad("ends before it starts"),
        ),
        case(
            "end-before-start-cue-frames",
            lambda: encoded(replaced(_frames_only_base(), ("Segments", CONTENT, "EndFrameNumber"), 100)),
            bad("ends before it starts"),
        ),
        case("end-before-start-model1-smpte", partial(model1_end, "00:00:00;05"), bad("ends before it starts")),
        case(
            "end-before-start-millis-only",
            lambda: encoded(replaced(millis_only(), ("Segments", MODEL1_LAST_SHOT, "EndTimestampMillis"), 0)),
            bad("ends before it starts"),
        ),
        case(
            "one-frame-shot",
            lambda: encoded(replaced(_frames_only_base(), ("Segments", SHOT1, "EndFrameNumber"), 300)),
            ok(False, ((0, 299), (300, 300))),
        ),
        case("millis-only-model1", lambda: encoded(millis_only()), ok(False, MODEL1_SHOTS())),
    ]


def overlap_cases() -> list[Case]:
    def shots_changed(**fields: Any) -> Callable[[], bytes]:
        return lambda: encoded(with_segment(_frames_only_base(), SHOT1, **fields))

    def duplicated(position: int) -> bytes:
        document = base_response()
        document["Segments"].insert(position + 1, copy.deepcopy(document["Segments"][position]))
        return encoded(document)

    def same_frames_other_confidence() -> bytes:
        document = base_response()
        twin = copy.deepcopy(document["Segments"][SHOT1])
        twin["ShotSegment"]["Confidence"] = 51.0
        document["Segments"].append(twin)
        return encoded(document)

    def across_pages(second_start: int) -> bytes:
        first, second = two_pages()
        second = replaced(frames_only(second), ("Segments", 0, "EndFrameNumber"), 310)
        second["Segments"][1]["StartFrameNumber"] = second_start
        return pages_text(frames_only(first), second)

    def overlapping_cues() -> bytes:
        document = base_response()
        document["Segments"].append(
            {
                "Type": "TECHNICAL_CUE",
                "StartFrameNumber": 100,
                "EndFrameNumber": 400,
                "TechnicalCueSegment": {"Type": "Content", "Confidence": 90.0},
            }
        )
        return encoded(document)

    def reversed_segments() -> bytes:
        document = base_response()
        document["Segments"].reverse()
        return encoded(document)

    def same_index() -> bytes:
        return encoded(replaced(base_response(), ("Segments", SHOT1, "ShotSegment", "Index"), 0))

    def page_twice() -> bytes:
        first, second = two_pages()
        return pages_text(first, first, second)

    return [
        case("shots-overlap-by-one-frame", shots_changed(StartFrameNumber=299), bad("overlap")),
        case("shot-inside-shot", shots_changed(StartFrameNumber=100, EndFrameNumber=200), bad("overlap")),
        case("shots-same-frames-other-confidence", same_frames_other_confidence, bad("overlap")),
        case("shot-duplicated-in-a-page", partial(duplicated, SHOT1), ok(cues=BASE_CUES)),
        case("cue-duplicated-in-a-page", partial(duplicated, BLACK), ok(cues=BASE_CUES)),
        case("page-repeated", page_twice, ok(cues=BASE_CUES)),
        case("shots-overlap-across-pages", partial(across_pages, 305), bad("overlap")),
        case("shots-across-pages-adjacent", partial(across_pages, 311), ok(False, ((0, 310), (311, 449)))),
        case("cues-overlap", overlapping_cues, ok(False, cues=(*BASE_CUES, ("Content", 100, 400)))),
        case("segments-in-reverse-order", reversed_segments, ok(False, cues=BASE_CUES)),
        case("shots-with-the-same-index", same_index, ok()),
    ]


def page_cases() -> list[Case]:
    def second_changed(path: FieldPath, value: Any) -> Callable[[], bytes]:
        def make() -> bytes:
            first, second = two_pages()
            return pages_text(first, replaced(second, path, value))

        return make

    def status_pages(status: str, message: Any = MISSING, pages: int = 3) -> Callable[[], bytes]:
        def make() -> bytes:
            first, second = two_pages()
            bad_page = {key: value for key, value in second.items() if key != "Segments"}
            bad_page["JobStatus"] = status
            bad_page["NextToken"] = "token-2"
            if message is not MISSING:
                bad_page["StatusMessage"] = message
            return pages_text(first, bad_page, second) if pages == 3 else pages_text(bad_page)

        return make

    def last_page_token() -> bytes:
        first, second = two_pages()
        return pages_text(first, {**second, "NextToken": "token-2"})

    def reversed_pages() -> bytes:
        first, second = two_pages()
        return pages_text(second, first)

    def without_job_id() -> bytes:
        first, second = two_pages()
        second.pop("JobId")
        return pages_text(first, second)

    def other_response() -> bytes:
        return real_page(1) + b"\n" + _base()

    return [
        case("pages-of-two-jobs-job-id", second_changed(("JobId",), "another-job"), bad("different jobs")),
        case(
            "pages-of-two-jobs-video-metadata",
            second_changed(("VideoMetadata", 0, "FrameRate"), 25.0),
            bad("different jobs"),
        ),
        case("pages-of-two-jobs-real-and-guide", other_response, bad("different jobs")),
        # REKOGNITION_FACTS: VideoMetadata, AudioMetadata and SelectedSegmentTypes are
        # repeated on every page; JobTag and Video since 2023. A page that differs
        # in any of them comes from another job.
        case(
            "pages-of-two-jobs-video-object",
            second_changed(("Video", "S3Object", "Name"), "other.mov"),
            bad("different jobs"),
        ),
        case("pages-of-two-jobs-job-tag", second_changed(("JobTag",), "other"), bad("different jobs")),
        case(
            "pages-of-two-jobs-model-version",
            second_changed(("SelectedSegmentTypes", 0, "ModelVersion"), "2.0"),
            bad("different jobs"),
        ),
        case(
            "pages-of-two-jobs-audio", second_changed(("AudioMetadata", 0, "SampleRate"), 48000), bad("different jobs")
        ),
        case("page-without-job-id", without_job_id, ok(cues=BASE_CUES)),
        case("pages-in-reverse-order", reversed_pages, ok(cues=BASE_CUES)),
        case(
            "failed-page-among-succeeded",
            status_pages("FAILED", "Unsupported codec"),
            Fails(JobStatusError, "FAILED: Unsupported codec"),
        ),
        case("failed-page-without-message", status_pages("FAILED"), Fails(JobStatusError, "FAILED")),
        case(
            "failed-page-multi-line-message",
            status_pages("FAILED", "first line\nsecond line\r\nthird"),
            Fails(JobStatusError, "FAILED"),
        ),
        case("failed-page-message-object", status_pages("FAILED", {"Code": 1}), Fails(JobStatusError, "FAILED")),
        case(
            "failed-single-page",
            status_pages("FAILED", "Video too long", pages=1),
            Fails(JobStatusError, "Video too long"),
        ),
        case("in-progress-page-among-succeeded", status_pages("IN_PROGRESS"), Fails(JobStatusError, "IN_PROGRESS")),
        case(
            "job-status-lower-case",
            lambda: encoded(replaced(base_response(), ("JobStatus",), "succeeded")),
            bad("JobStatus"),
        ),
        case("last-page-has-next-token", last_page_token, ok(True, cues=BASE_CUES)),
        case(
            "last-page-has-next-token-strict",
            last_page_token,
            Fails(IncompleteJobError, "incomplete job"),
            strict="true",
        ),
        case(
            "disagreeing-sources-strict",
            lambda: encoded(replaced(base_response(), ("Segments", SHOT1, "StartTimestampMillis"), 1)),
            bad("disagree"),
            strict="true",
        ),
    ]


def timecode_cases() -> list[Case]:
    def model1_field(key: str, label: str, position: int = 8) -> Callable[[], bytes]:
        # Shot 8 of the sample starts at exactly one minute (00:01:00;02).
        return lambda: encoded(replaced(model1(), ("Segments", position, key), label))

    def real_with(label: str) -> bytes:
        page = json.loads(real_page(2))
        page["Segments"][10]["StartTimecodeSMPTE"] = label
        return encoded(page)

    return [
        case(
            "drop-frame-skipped-label-00:01:00;00", model1_field("StartTimecodeSMPTE", "00:01:00;00"), bad("drop frame")
        ),
        case(
            "drop-frame-skipped-label-00:01:00;01", model1_field("StartTimecodeSMPTE", "00:01:00;01"), bad("drop frame")
        ),
        case(
            "drop-frame-skipped-label-beside-frame-numbers",
            lambda: encoded(replaced(base_response(), ("Segments", SHOT1, "StartTimecodeSMPTE"), "00:01:00;00")),
            ok(True),
        ),
        case("drop-frame-separator-at-25-fps", partial(real_with, "00:30:00;00"), bad("drop frame")),
        case("timecode-frame-30-at-29.97", model1_field("EndTimecodeSMPTE", "00:01:29;30"), bad("out of range")),
        case("timecode-minute-60", model1_field("EndTimecodeSMPTE", "00:60:00;00"), bad("out of range")),
        case("timecode-garbage", model1_field("EndTimecodeSMPTE", "1:2:3"), bad("EndTimecodeSMPTE")),
        case("timecode-huge-string", model1_field("EndTimecodeSMPTE", "0" * 1_000_000), bad("EndTimecodeSMPTE")),
        case(
            "start-timecode-option-skipped-label",
            _base,
            Fails(AdapterArgumentError, "start_timecode"),
            start_timecode="00:01:00;00",
        ),
        case(
            "source-timecode-option-skipped-label",
            _base,
            Fails(AdapterArgumentError, "source_timecode"),
            source_timecode="00:01:00;00",
        ),
        case(
            "start-timecode-option-drop-frame-at-25-fps",
            lambda: real_page(2),
            Fails(AdapterArgumentError, "start_timecode"),
            start_timecode="01:00:00;00",
        ),
        case(
            "start-timecode-option-out-of-range",
            _base,
            Fails(AdapterArgumentError, "start_timecode"),
            start_timecode="99:99:99:99",
        ),
    ]


def rate_cases() -> list[Case]:
    frame_rate = ("VideoMetadata", 0, "FrameRate")

    def rate_of(value: Any, document: Callable[[], dict[str, Any]] = base_response) -> Callable[[], bytes]:
        return lambda: encoded(replaced(document(), frame_rate, value))

    def consistent_12_5() -> bytes:
        # Frame numbers and milliseconds that agree at 12.5 fps, no SMPTE (12.5 has none).
        document = replaced(_frames_only_base(), frame_rate, 12.5)
        document["VideoMetadata"][0]["DurationMillis"] = 450 * 80
        for segment in document["Segments"]:
            segment["StartTimestampMillis"] = segment["StartFrameNumber"] * 80
            segment["EndTimestampMillis"] = segment["EndFrameNumber"] * 80
        return encoded(document)

    return [
        case("frame-rate-0", rate_of(0), bad("FrameRate")),
        case("frame-rate-1000", rate_of(1000), bad("FrameRate")),
        # The frame numbers win; the milliseconds (written at 29.97) disagree.
        case("frame-rate-12.5", rate_of(12.5), ok(True)),
        case("frame-rate-12.5-consistent", consistent_12_5, ok(False)),
        case("frame-rate-12.5-model1-smpte-only", rate_of(12.5, model1), bad("not a SMPTE rate")),
        case("frame-rate-1", rate_of(1), ok(True)),
        case("frame-rate-29.97-not-float32", rate_of(29.97), ok(False)),
        case("frame-rate-30-for-drop-frame-data", rate_of(30.0), ok(True)),
        case("rate-option-0", _base, Fails(AdapterArgumentError, "rate"), rate="0"),
        case("rate-option-1000", _base, Fails(AdapterArgumentError, "rate"), rate="1000"),
        case("rate-option-negative", _base, Fails(AdapterArgumentError, "rate"), rate="-25"),
        case("rate-option-text", _base, Fails(AdapterArgumentError, "rate"), rate="fast"),
        case("rate-option-divide-by-zero", _base, Fails(AdapterArgumentError, "rate"), rate="30000/0"),
        case("rate-option-nan", _base, Fails(AdapterArgumentError, "rate"), rate="nan"),
        case("rate-option-inf", _base, Fails(AdapterArgumentError, "rate"), rate="inf"),
        case("rate-option-tiny-fraction", _base, Fails(AdapterArgumentError, "rate"), rate="1/1000000000"),
        case("rate-option-12.5", _base, ok(True), rate="12.5"),
        case("rate-option-25-on-drop-frame-data", _base, ok(True), rate="25"),
        case(
            "rate-option-12.5-without-video-metadata",
            lambda: encoded(replaced(_frames_only_base(), ("VideoMetadata",), MISSING)),
            ok(False),
            rate="12.5",
        ),
        case("min-confidence-option-text", _base, Fails(AdapterArgumentError, "min_confidence"), min_confidence="x"),
        case("min-confidence-option-101", _base, Fails(AdapterArgumentError, "min_confidence"), min_confidence="101"),
        case("min-confidence-option-nan", _base, Fails(AdapterArgumentError, "min_confidence"), min_confidence="nan"),
        case(
            "segment-types-option-unknown", _base, Fails(AdapterArgumentError, "segment_types"), segment_types="SHOTS"
        ),
        case("segment-types-option-empty-list", _base, Fails(AdapterArgumentError, "segment_types"), segment_types=","),
        case("cue-types-option-unknown", _base, Fails(AdapterArgumentError, "cue_types"), cue_types="Credits"),
        case("media-url-option-blank", _base, Fails(AdapterArgumentError, "media_url"), media_url=" "),
    ]


def encoding_cases() -> list[Case]:
    def tagged(tag: str) -> bytes:
        return encoded(replaced(base_response(), ("JobTag",), tag))

    def raw_tag(raw: bytes) -> bytes:
        return _base().replace(b'"hostile"', b'"' + raw + b'"')

    def bom_pages() -> bytes:
        first, second = two_pages()
        return b"\xef\xbb\xbf" + encoded(first) + b"\n\xef\xbb\xbf" + encoded(second)

    maybe = (ok(), bad("UTF"))  # UTF-16/32: read it, or say it is not UTF-8
    return [
        case("non-utf8-latin1-byte", partial(raw_tag, "café".encode("latin-1")), bad("UTF-8")),
        case("non-utf8-leading-byte", lambda: b"\x80" + _base(), bad("UTF-8")),
        case("non-utf8-overlong-nul", partial(raw_tag, b"\xc0\x80"), bad("UTF-8")),
        case("non-utf8-encoded-surrogate", partial(raw_tag, b"\xed\xa0\x80"), bad("UTF-8")),
        case("non-utf8-truncated-sequence-at-end", lambda: _base() + b"\xe2\x82", bad("UTF-8")),
        # Valid JSON that is no valid Unicode: a lone surrogate escape.
        case("escaped-lone-surrogate-in-job-tag", lambda: raw_tag(b"\\ud800"), ok(), bad("")),
        case(
            "escaped-lone-surrogate-in-cue-type",
            lambda: text_of(_base, '"Type": "Content"', '"Type": "Con\\udc00tent"'),
            ok(),
            bad(""),
        ),
        case(
            "nul-and-control-characters-in-names",
            lambda: text_of(partial(tagged, "a\u0000b\nc\x1b[31m"), '"Type": "Content"', '"Type": "Con\\u0000tent\\n"'),
            ok(),
        ),
        # OTIO cuts metadata keys at a NUL: "Ex\u0000tra" is stored as "Ex".
        case(
            "nul-in-a-field-name",
            lambda: encoded(replaced(base_response(), ("Segments", SHOT1, "Ex\u0000tra"), 1)),
            ok(),
            bad(""),
        ),
        case("utf8-bom", lambda: b"\xef\xbb\xbf" + _base(), ok(False)),
        case("utf8-bom-twice", lambda: b"\xef\xbb\xbf\xef\xbb\xbf" + _base(), ok(), bad("")),
        # Windows tools save each page with a BOM; `cat` puts the second one mid-file.
        case("utf8-bom-before-each-page", bom_pages, ok(cues=BASE_CUES), bad("invalid JSON")),
        case("utf16-le-bom", lambda: _base().decode().encode("utf-16"), *maybe),
        case("utf16-be-bom", lambda: b"\xfe\xff" + _base().decode().encode("utf-16-be"), *maybe),
        # Without a BOM the NUL bytes are valid UTF-8: an "invalid JSON" error is fair.
        case("utf16-le-no-bom", lambda: _base().decode().encode("utf-16-le"), *maybe, bad("invalid JSON")),
        case("utf32-bom", lambda: _base().decode().encode("utf-32"), *maybe),
    ]


def shape_cases() -> list[Case]:
    def deep(opening: bytes, closing: bytes = b"", depth: int = 100_000) -> Callable[[], bytes]:
        return lambda: opening * depth + closing * depth

    def nested_in(path: FieldPath, depth: int) -> Callable[[], bytes]:
        return lambda: encoded(replaced(base_response(), path, nested(depth)))

    def compact_nested_in(path: FieldPath, depth: int) -> Callable[[], bytes]:
        # indent=2 would make the input depth * depth bytes
        return lambda: json.dumps(replaced(base_response(), path, nested(depth))).encode()

    def json_lines() -> bytes:
        return b"".join(json.dumps(page).encode() + b"\n" for page in two_pages())

    deep_ok = (ok(), bad("nested"))  # deep but within reason: read it, or refuse it in one line
    return [
        case("nested-100k-open-brackets", deep(b"["), bad("nested")),
        case("nested-100k-balanced-brackets", deep(b"[", b"]"), bad("nested")),
        case("nested-100k-objects", deep(b'{"Segments":', b"}"), bad("nested")),
        case(
            "nested-100k-inside-a-response",
            lambda: _base()[:-1] + b', "Extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            bad("nested"),
        ),
        case("nested-50-in-an-unknown-field", nested_in(("Extra",), 50), ok()),
        case("nested-400-in-an-unknown-field", compact_nested_in(("Extra",), 400), *deep_ok),
        case("nested-900-in-an-unknown-field", compact_nested_in(("Extra",), 900), *deep_ok),
        case("nested-400-in-a-segment", compact_nested_in(("Segments", SHOT1, "Extra"), 400), *deep_ok),
        case("nested-900-in-a-segment", compact_nested_in(("Segments", SHOT0, "Extra"), 900), *deep_ok),
        case("nested-400-in-video-metadata", compact_nested_in(("VideoMetadata", 0, "Extra"), 400), *deep_ok),
        case("top-level-null", lambda: b"null", bad("expected a JSON object")),
        case("top-level-number", lambda: b"42", bad("expected a JSON object")),
        case("top-level-string", lambda: b'"Segments"', bad("expected a JSON object")),
        case("top-level-true", lambda: b"true", bad("expected a JSON object")),
        case("empty-array", lambda: b"[]", bad("empty array")),
        case("array-with-a-number", lambda: b"[" + _base() + b", 1]", bad("page 2")),
        case("empty-object", lambda: b"{}", bad("not a Rekognition Video response")),
        case("whitespace-only", lambda: b" \n\t\r\n ", bad("empty input")),
        case("trailing-garbage", lambda: _base() + b"\nxyz", bad("invalid JSON")),
        case(
            "garbage-between-pages", lambda: b"\n,\n".join(encoded(page) for page in two_pages()), bad("invalid JSON")
        ),
        case("json-lines", json_lines, ok(False, cues=BASE_CUES)),
        case("array-of-pages", lambda: encoded(list(two_pages())), ok(False, cues=BASE_CUES)),
        case(
            "unknown-fields-everywhere",
            lambda: encoded(
                replaced(replaced(base_response(), ("Extra",), 1), ("Segments", SHOT1, "Extra"), {"a": [1]})
            ),
            ok(False),
        ),
        case(
            "segment-without-any-frames",
            lambda: encoded(
                replaced(
                    frames_only(base_response()), ("Segments", SHOT1), {"Type": "SHOT", "ShotSegment": {"Index": 1}}
                )
            ),
            bad("no start and end"),
        ),
        case(
            "segment-type-lower-case",
            lambda: encoded(replaced(base_response(), ("Segments", SHOT1, "Type"), "shot")),
            ok(shots=((0, 299),)),
        ),
        # Python keeps the last of duplicate keys, other readers the first: the
        # two readings give different timelines, so say so.
        case(
            "duplicate-key-end-frame",
            lambda: text_of(
                _frames_only_base_bytes, '"EndFrameNumber": 449', '"EndFrameNumber": 400, "EndFrameNumber": 449'
            ),
            ok(True),
            bad("EndFrameNumber"),
        ),
    ]


def _frames_only_base_bytes() -> bytes:
    return encoded(_frames_only_base())


def hand_written_cases() -> list[Case]:
    return [
        *truncated_cases(),
        *number_cases(),
        *nan_cases(),
        *end_before_start_cases(),
        *overlap_cases(),
        *page_cases(),
        *timecode_cases(),
        *rate_cases(),
        *encoding_cases(),
        *shape_cases(),
        *analysis_cases(),
    ]


CASES: list[Case] = [*hand_written_cases(), *wrong_type_cases()]
CASES_BY_ID: dict[str, Case] = {row.id: row for row in CASES}
assert len(CASES_BY_ID) == len(CASES), "case ids must be unique"

# Rows also run through the installed command as a subprocess: one of each kind
# of failure that could end in a traceback if it escaped.
SUBPROCESS_CASE_IDS = (
    "nested-100k-balanced-brackets",
    "non-utf8-latin1-byte",
    "failed-page-among-succeeded",
    "end-frame-10e20",
    "escaped-lone-surrogate-in-job-tag",
    "field-VideoMetadata[0].DurationMillis-1e308",
    "field-SelectedSegmentTypes-minus1",
    "rate-option-0",
    "json-lines",
)
