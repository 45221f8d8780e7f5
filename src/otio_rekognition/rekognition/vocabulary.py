"""The words and limits of Rekognition Video's APIs (segment detection and
the other stored-video analyses), written once for everything that reads,
writes, requests or imitates them."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SHOT = "SHOT"
TECHNICAL_CUE = "TECHNICAL_CUE"
SEGMENT_TYPES = (SHOT, TECHNICAL_CUE)
# The object that carries a segment's type-specific fields.
DETAILS_KEYS = {SHOT: "ShotSegment", TECHNICAL_CUE: "TechnicalCueSegment"}
CUE_TYPES = ("ColorBars", "EndCredits", "BlackFrames", "OpeningCredits", "StudioLogo", "Slate", "Content")

SUCCEEDED = "SUCCEEDED"
IN_PROGRESS = "IN_PROGRESS"
FAILED = "FAILED"
JOB_STATUSES = (SUCCEEDED, IN_PROGRESS, FAILED)

# Rekognition repeats these on every page of one job.
REPEATED_PAGE_FIELDS = ("JobId", "JobTag", "Video", "VideoMetadata", "AudioMetadata", "SelectedSegmentTypes")
MAX_PAGE_SIZE = 1000

# StartSegmentDetection's filters and the values it accepts (anything else is
# an InvalidParameterException, a round trip that can be saved).
MIN_SEGMENT_CONFIDENCE = (50.0, 100.0)
BLACK_FRAME_MAX_PIXEL_THRESHOLD = (0.0, 1.0)
BLACK_FRAME_MIN_COVERAGE_PERCENTAGE = (0.0, 100.0)
# What Rekognition uses when a filter is not sent.
DEFAULT_BLACK_FRAME_MAX_PIXEL_THRESHOLD = 0.2
DEFAULT_BLACK_FRAME_MIN_COVERAGE_PERCENTAGE = 99.0


def segment_types(value: str | Iterable[str]) -> tuple[str, ...]:
    """``SHOT``, ``TECHNICAL_CUE`` or both, from a comma list or a sequence,
    in any case; ValueError naming what is accepted."""
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = tuple(dict.fromkeys(str(item).strip().upper() for item in items))
    if not chosen or any(kind not in SEGMENT_TYPES for kind in chosen):
        shown = value if isinstance(value, str) else ",".join(map(str, items))
        raise ValueError(f"expected {SHOT}, {TECHNICAL_CUE} or both (comma list), got {shown!r}")
    return chosen


def out_of_range(value: float | None, limits: tuple[float, float]) -> str | None:
    """Why ``value`` is not accepted for a filter with ``limits``, or None."""
    low, high = limits
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high):
        return None
    return f"expected {low:g} to {high:g}, got {value!r}"


def float32(value: float) -> float:
    """``value`` as Rekognition sends its numbers: a float32 printed as a
    double (29.97 is 29.970029830932617)."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


# Every page of one job of the other analyses repeats these (VideoMetadata is an object there).
REPEATED_ANALYSIS_FIELDS = ("JobId", "JobTag", "Video", "VideoMetadata", "LabelModelVersion",
                            "ModerationModelVersion", "TextModelVersion", "GetRequestMetadata")  # fmt: skip


@dataclass(frozen=True)
class Analysis:
    """One of Rekognition Video's stored-video analyses, segment detection
    among them, as its API names things: the operations that start a job and
    page its results, what each page lists, which object in each item carries
    the detection, and how often it samples a thing that stays in view."""

    name: str  # as the command line, ?analysis= and metadata say it: "labels"
    title: str  # one detection, as a marker comment says it: "Label"
    start_operation: str
    get_operation: str
    list_key: str  # the page's list of detections
    item_key: str | None  # the object in each item (a segment's depends on its type: DETAILS_KEYS)
    model_version_key: str | None  # the top-level field only this analysis writes
    sampling_millis: int  # the interval between point detections, when the job itself does not show it
    aggregates: bool = False  # takes AggregateBy=TIMESTAMPS|SEGMENTS
    noun: str = "detections"  # what the list holds, as progress and summary lines say it
    repeated_fields: tuple[str, ...] = REPEATED_ANALYSIS_FIELDS  # what every page of one job repeats
    measure: str = "confidence"  # what an item's score is called


SEGMENTS = Analysis("segments", "Segment", "StartSegmentDetection", "GetSegmentDetection", "Segments", None, None, 0,
                    noun="segments", repeated_fields=REPEATED_PAGE_FIELDS)  # fmt: skip
LABELS = Analysis("labels", "Label", "StartLabelDetection", "GetLabelDetection", "Labels", "Label",
                  "LabelModelVersion", 500, aggregates=True)  # fmt: skip
MODERATION = Analysis("moderation", "Moderation", "StartContentModeration", "GetContentModeration",
                      "ModerationLabels", "ModerationLabel", "ModerationModelVersion", 500,
                      aggregates=True)  # fmt: skip
CELEBRITIES = Analysis("celebrities", "Celebrity", "StartCelebrityRecognition", "GetCelebrityRecognition",
                       "Celebrities", "Celebrity", None, 200)  # fmt: skip
FACES = Analysis("faces", "Face", "StartFaceDetection", "GetFaceDetection", "Faces", "Face", None, 200)
FACE_SEARCH = Analysis("face-search", "Face match", "StartFaceSearch", "GetFaceSearch", "Persons", "Person", None, 200,
                       measure="similarity")  # fmt: skip
TEXT = Analysis("text", "Text", "StartTextDetection", "GetTextDetection", "TextDetections", "TextDetection",
                "TextModelVersion", 500)  # fmt: skip
# Every Get* API by name: segment detection, then the other analyses.
APIS: Mapping[str, Analysis] = {api.name: api for api in (
    SEGMENTS, LABELS, MODERATION, CELEBRITIES, FACES, FACE_SEARCH, TEXT)}  # fmt: skip
# The analyses that find things in view (everything but segment detection).
ANALYSES: Mapping[str, Analysis] = {name: api for name, api in APIS.items() if api is not SEGMENTS}
ANALYSIS_NAMES = tuple(APIS)
TEXT_TYPES = ("LINE", "WORD")
AGGREGATE_BY = ("TIMESTAMPS", "SEGMENTS")
FACE_MATCH_THRESHOLD = (0.0, 100.0)
ANALYSIS_MIN_CONFIDENCE = (0.0, 100.0)
