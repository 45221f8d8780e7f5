"""What a request to Rekognition Video says: each analysis's operations (vocabulary's APIS), the
JobId's shape, and which Start* request fields each analysis takes, where they go and what they may
be (one table, START_OPTIONS), checked before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from otio_rekognition.aws.client import URL_SCHEME
from otio_rekognition.aws.errors import InvalidRequestError
from otio_rekognition.rekognition import vocabulary
from otio_rekognition.rekognition.vocabulary import (
    AGGREGATE_BY,
    ANALYSIS_NAMES,
    APIS,
    FACE_SEARCH,
    FACES,
    LABELS,
    MODERATION,
    SEGMENT_TYPES,
    SEGMENTS,
    TEXT,
    Analysis,
)

# Rekognition's own pattern (JobId, ClientRequestToken): checked here so a
# typo is one line before any request, not a round trip to the service.
_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")


def api(analysis: str) -> Analysis:
    """The operations of ``analysis``; InvalidRequestError naming the ones there are."""
    if analysis not in APIS:
        raise InvalidRequestError(
            f"unknown analysis {analysis!r}: expected {', '.join(ANALYSIS_NAMES)}", "InvalidAnalysis"
        )
    return APIS[analysis]


def aggregate_problem(analysis: str, aggregate_by: str | None) -> str | None:
    """Why the Get* call of ``analysis`` cannot take ``aggregate_by`` (None when it can)."""
    if aggregate_by is None:
        return None
    takers = [name for name, calls in APIS.items() if calls.aggregates]
    if analysis not in takers:
        return f"only for the {_either(takers)} analysis, not for {analysis}"
    if aggregate_by not in AGGREGATE_BY:
        return f"expected {' or '.join(AGGREGATE_BY)}, got {aggregate_by!r}"
    return None


def _either(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))


# Limits of the Start* request fields Rekognition's service model states
# (vocabulary holds the ones the reader shares).
FACE_ATTRIBUTES = ("DEFAULT", "ALL")
LABEL_FEATURES = ("GENERAL_LABELS",)
LABEL_FILTER_NAMES = 100  # names per GeneralLabels filter list
LABEL_FILTER_NAME_LENGTH = 50
BOUNDING_BOX_FRACTION = (0.0, 1.0)  # of the frame's height or width
_COLLECTION_ID = re.compile(r"[a-zA-Z0-9_.\-]{1,255}")


def comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def upper_comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.upper() for part in comma_list(text))


def _within(limits: tuple[float, float]) -> Callable[[Any], str | None]:
    return lambda value: vocabulary.out_of_range(value, limits)


def _one_of(choices: Sequence[str]) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"expected {' or '.join(choices)}, got {value!r}"


def _some_of(choices: Sequence[str]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        items = list(value) if isinstance(value, (list, tuple)) else None
        if not items or len(items) > len(choices) or any(item not in choices for item in items):
            return f"expected {', '.join(choices)} (comma list), got {value!r}"
        return None

    return check


def _label_names(value: Any) -> str | None:
    items = list(value) if isinstance(value, (list, tuple)) else None
    if not items or len(items) > LABEL_FILTER_NAMES or not all(isinstance(item, str) for item in items):
        return f"expected 1 to {LABEL_FILTER_NAMES} names (comma list), got {value!r}"
    long = next((item for item in items if len(item) > LABEL_FILTER_NAME_LENGTH), None)
    if long is not None:
        return f"{long!r}: expected a name of at most {LABEL_FILTER_NAME_LENGTH} characters"
    return None


def _collection_id(value: Any) -> str | None:
    if isinstance(value, str) and _COLLECTION_ID.fullmatch(value):
        return None
    return f"expected 1 to 255 letters, digits, ., - or _, got {value!r}"


def _segment_types(value: Any) -> str | None:
    try:
        vocabulary.segment_types(value)
    except (TypeError, ValueError) as error:
        return str(error)
    return None


@dataclass(frozen=True)
class StartOption:
    """A :class:`StartRequest` field: where each Start* operation that takes
    it puts it (the others refuse it), what it may be, and how the command
    line gives it."""

    field: str
    words: str  # as messages name it
    paths: Mapping[str, tuple[str, ...]]  # analysis -> keys down the request
    check: Callable[[Any], str | None]  # why a value is refused, or None
    flag: str  # the command line's option
    reads: Callable[[str], Any]  # the option's text as the field's value
    help: str  # which analyses take it, and as what
    default: Any = None  # sent when not given
    required: bool = False  # every analysis that takes it needs it

    def problem(self, analysis: str, value: Any) -> str | None:
        """Why ``value`` cannot be sent when starting ``analysis`` (None when it can)."""
        if value is None:
            return f"required for the {analysis} analysis" if self.required and analysis in self.paths else None
        if analysis not in self.paths:
            return f"only for the {_either(list(self.paths))} analysis, not for {analysis}"
        return self.check(value)


_CONFIDENCE = _within(vocabulary.ANALYSIS_MIN_CONFIDENCE)
_SETTINGS = ("Settings", "GeneralLabels")
_WORD_FILTER = ("Filters", "WordFilter")


START_OPTIONS: tuple[StartOption, ...] = (
    StartOption("segment_types", "segment types", {SEGMENTS.name: ("SegmentTypes",)}, _segment_types,
                "--segment-types", upper_comma_list, "segments: SHOT, TECHNICAL_CUE or both (default: both)",
                default=SEGMENT_TYPES),
    StartOption("shot_min_confidence", "shot minimum confidence",
                {SEGMENTS.name: ("Filters", "ShotFilter", "MinSegmentConfidence")},
                _within(vocabulary.MIN_SEGMENT_CONFIDENCE),
                "--min-shot-confidence", float, "segments: ShotFilter.MinSegmentConfidence (50-100)"),
    StartOption("cue_min_confidence", "technical cue minimum confidence",
                {SEGMENTS.name: ("Filters", "TechnicalCueFilter", "MinSegmentConfidence")},
                _within(vocabulary.MIN_SEGMENT_CONFIDENCE),
                "--min-cue-confidence", float, "segments: TechnicalCueFilter.MinSegmentConfidence (50-100)"),
    StartOption("black_frame_max_pixel_threshold", "black frame maximum pixel threshold",
                {SEGMENTS.name: ("Filters", "TechnicalCueFilter", "BlackFrame", "MaxPixelThreshold")},
                _within(vocabulary.BLACK_FRAME_MAX_PIXEL_THRESHOLD),
                "--black-max-pixel-threshold", float, "segments: BlackFrame.MaxPixelThreshold (0-1)"),
    StartOption("black_frame_min_coverage_percentage", "black frame minimum coverage percentage",
                {SEGMENTS.name: ("Filters", "TechnicalCueFilter", "BlackFrame", "MinCoveragePercentage")},
                _within(vocabulary.BLACK_FRAME_MIN_COVERAGE_PERCENTAGE),
                "--black-min-coverage", float, "segments: BlackFrame.MinCoveragePercentage (0-100)"),
    StartOption("min_confidence", "minimum confidence",
                {LABELS.name: ("MinConfidence",), MODERATION.name: ("MinConfidence",),
                 TEXT.name: (*_WORD_FILTER, "MinConfidence")}, _CONFIDENCE,
                "--analysis-min-confidence", float,
                "labels, moderation: MinConfidence; text: WordFilter.MinConfidence (0-100)"),
    StartOption("label_features", "label features", {LABELS.name: ("Features",)}, _some_of(LABEL_FEATURES),
                "--label-features", upper_comma_list, "labels: Features (GENERAL_LABELS)"),
    StartOption("label_inclusion", "label inclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelInclusionFilters")}, _label_names,
                "--label-inclusion", comma_list, "labels: GeneralLabels.LabelInclusionFilters (comma list)"),
    StartOption("label_exclusion", "label exclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelExclusionFilters")}, _label_names,
                "--label-exclusion", comma_list, "labels: GeneralLabels.LabelExclusionFilters (comma list)"),
    StartOption("label_category_inclusion", "label category inclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelCategoryInclusionFilters")}, _label_names,
                "--label-category-inclusion", comma_list,
                "labels: GeneralLabels.LabelCategoryInclusionFilters (comma list)"),
    StartOption("label_category_exclusion", "label category exclusion filters",
                {LABELS.name: (*_SETTINGS, "LabelCategoryExclusionFilters")}, _label_names,
                "--label-category-exclusion", comma_list,
                "labels: GeneralLabels.LabelCategoryExclusionFilters (comma list)"),
    StartOption("face_attributes", "face attributes", {FACES.name: ("FaceAttributes",)}, _one_of(FACE_ATTRIBUTES),
                "--face-attributes", str.upper, "faces: FaceAttributes, DEFAULT or ALL"),
    StartOption("collection_id", "collection id", {FACE_SEARCH.name: ("CollectionId",)}, _collection_id,
                "--collection-id", str, "face-search (required): CollectionId, the faces to search for",
                required=True),
    StartOption("face_match_threshold", "face match threshold", {FACE_SEARCH.name: ("FaceMatchThreshold",)},
                _within(vocabulary.FACE_MATCH_THRESHOLD),
                "--face-match-threshold", float, "face-search: FaceMatchThreshold (0-100)"),
    StartOption("text_min_box_height", "text minimum bounding box height",
                {TEXT.name: (*_WORD_FILTER, "MinBoundingBoxHeight")}, _within(BOUNDING_BOX_FRACTION),
                "--text-min-box-height", float, "text: WordFilter.MinBoundingBoxHeight (0-1)"),
    StartOption("text_min_box_width", "text minimum bounding box width",
                {TEXT.name: (*_WORD_FILTER, "MinBoundingBoxWidth")}, _within(BOUNDING_BOX_FRACTION),
                "--text-min-box-width", float, "text: WordFilter.MinBoundingBoxWidth (0-1)"),
)  # fmt: skip


@dataclass(frozen=True)
class StartRequest:
    """Every field of a Start* request: StartSegmentDetection by default, or
    the operation of ``analysis`` (labels, moderation, celebrities, faces,
    face-search, text).

    The analysis options (see :data:`START_OPTIONS`) left at None are not
    sent, so Rekognition applies its defaults (segment detection: both
    segment types, confidence 50, black frames: pixel threshold 0.2,
    coverage 99 %); one given to an analysis that does not take it is
    refused. ``client_request_token`` makes a repeated start return the same
    job instead of a second one; :func:`start` makes one up when none is
    given, so botocore's own retries of a lost answer stay idempotent.
    """

    bucket: str
    key: str
    version: str | None = None
    segment_types: Sequence[str] | None = None
    shot_min_confidence: float | None = None
    cue_min_confidence: float | None = None
    black_frame_max_pixel_threshold: float | None = None
    black_frame_min_coverage_percentage: float | None = None
    sns_topic_arn: str | None = None
    role_arn: str | None = None
    job_tag: str | None = None
    client_request_token: str | None = None
    analysis: str = SEGMENTS.name
    min_confidence: float | None = None  # labels, moderation; text's WordFilter
    label_features: Sequence[str] | None = None
    label_inclusion: Sequence[str] | None = None
    label_exclusion: Sequence[str] | None = None
    label_category_inclusion: Sequence[str] | None = None
    label_category_exclusion: Sequence[str] | None = None
    face_attributes: str | None = None
    collection_id: str | None = None
    face_match_threshold: float | None = None
    text_min_box_height: float | None = None
    text_min_box_width: float | None = None

    def __post_init__(self) -> None:
        where = self.subject
        if not self.bucket or not self.key:
            raise InvalidRequestError(f"{where}: expected an S3 bucket and object key", "InvalidParameter")
        try:
            api(self.analysis)
        except InvalidRequestError as error:
            raise InvalidRequestError(f"{where}: {error}", error.code) from None
        for option in START_OPTIONS:
            problem = option.problem(self.analysis, getattr(self, option.field))
            if problem:
                raise InvalidRequestError(f"{where}: {option.words}: {problem}", "InvalidParameter")
        if (self.sns_topic_arn is None) != (self.role_arn is None):
            raise InvalidRequestError(
                f"{where}: a notification channel needs both an SNS topic ARN and the role ARN "
                "Rekognition publishes to it with",
                "InvalidParameter",
            )
        if self.client_request_token is not None and not _JOB_ID.fullmatch(self.client_request_token):
            raise InvalidRequestError(
                f"{where}: client request token {self.client_request_token!r}: expected 1 to 64 letters, "
                "digits, - or _",
                "InvalidParameter",
            )

    @property
    def subject(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def operation(self) -> str:
        """The Start* operation this request is for."""
        return APIS[self.analysis].start_operation

    def parameters(self, client_request_token: str) -> dict[str, Any]:
        """The Start* request, with the given token when the request names none."""
        s3_object = {"Bucket": self.bucket, "Name": self.key}
        if self.version is not None:
            s3_object["Version"] = self.version
        request: dict[str, Any] = {
            "Video": {"S3Object": s3_object},
            "ClientRequestToken": self.client_request_token or client_request_token,
        }
        for option in START_OPTIONS:
            value = getattr(self, option.field)
            value = option.default if value is None else value
            path = option.paths.get(self.analysis)
            if value is None or path is None:
                continue
            *parents, name = path
            branch = request
            for parent in parents:
                branch = branch.setdefault(parent, {})
            branch[name] = list(value) if isinstance(value, (list, tuple)) else value
        if self.sns_topic_arn is not None:
            request["NotificationChannel"] = {"SNSTopicArn": self.sns_topic_arn, "RoleArn": self.role_arn}
        if self.job_tag is not None:
            request["JobTag"] = self.job_tag
        return request


def is_job_id(text: str) -> bool:
    """Whether ``text`` has the shape of a JobId (1 to 64 of [a-zA-Z0-9_-])."""
    return bool(_JOB_ID.fullmatch(text))


def check_job_id(job_id: str) -> None:
    if not is_job_id(job_id):
        raise InvalidRequestError(
            f"job id {job_id!r}: expected 1 to 64 letters, digits, - or _ (the JobId a Start* operation returned)",
            "InvalidJobId",
        )


def job_subject(job_id: str) -> str:
    return f"{URL_SCHEME}://{job_id}"
