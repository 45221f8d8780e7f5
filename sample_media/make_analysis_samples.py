"""Make the synthetic responses of Rekognition Video's other analyses in
this folder: labels, content moderation, celebrities, faces, face search
and text, for the videos of demo_25.json and demo_2997df.json.

SYNTHETIC DATA: these responses were not produced by Amazon Rekognition.
They are written from the appearances declared below, in each Get API's
shape (VideoMetadata an object, Timestamp in milliseconds rounded down, a
sample every 200 or 500 ms while a thing stays in view, a few samples a
millisecond early as real jobs have them, moderation labels arriving with
their parents, one job split over two pages). The ground truth, every
appearance as inclusive [first, last] frames, goes to analysis_truth.json;
nothing here uses otio_rekognition.

Run ``make samples`` (or ``python sample_media/make_analysis_samples.py``)
to rewrite the files; the tests check that the committed files match.
"""

from __future__ import annotations

import json
import math
import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RATES = {"25": Fraction(25), "2997df": Fraction(30000, 1001)}
FRAME_COUNT_SECONDS = 660
# Milliseconds between samples while a thing stays in view.
INTERVALS = {"labels": 500, "moderation": 500, "celebrities": 200, "faces": 200, "face-search": 200, "text": 500}

# analysis: (name, start seconds, end seconds, confidence, details); each a
# separate appearance. Starts sit on the sampling grid, as Rekognition samples
# a whole job on one; appearances of one name lie more than two intervals apart.
# fmt: off
VEHICLE = {"Parents": [{"Name": "Vehicle"}, {"Name": "Transportation"}], "Aliases": [{"Name": "Automobile"}],
           "Categories": [{"Name": "Vehicles and Automotive"}]}
APPEARANCES: dict[str, list[tuple[str, float, float, float, dict[str, Any]]]] = {
    "labels": [
        ("Person", 0.0, 30.0, 99.1, {"Categories": [{"Name": "Person Description"}]}),
        ("Car", 12.0, 18.0, 97.5, VEHICLE),
        ("Vehicle", 12.0, 18.0, 97.5, {"Parents": [{"Name": "Transportation"}],
                                       "Categories": [{"Name": "Vehicles and Automotive"}]}),
        ("Car", 40.0, 43.5, 91.25, VEHICLE),
        ("Dog", 100.0, 100.0, 88.0, {"Parents": [{"Name": "Animal"}, {"Name": "Pet"}],
                                     "Categories": [{"Name": "Animals and Pets"}]}),
        ("Tree", 200.0, 210.0, 55.5, {"Parents": [{"Name": "Plant"}], "Categories": [{"Name": "Nature and Outdoors"}]}),
    ],
    "moderation": [
        ("Suggestive", 300.0, 305.0, 93.0, {"ParentName": "", "TaxonomyLevel": 1}),
        ("Female Swimwear Or Underwear", 300.0, 305.0, 90.5, {"ParentName": "Suggestive", "TaxonomyLevel": 2}),
        ("Violence", 420.0, 421.0, 86.0, {"ParentName": "", "TaxonomyLevel": 1}),
        ("Physical Violence", 420.0, 421.0, 84.0, {"ParentName": "Violence", "TaxonomyLevel": 2}),
    ],
    "celebrities": [
        ("Jane Example", 60.0, 70.0, 99.25, {"Id": "1a2b3c4d", "Urls": ["www.example.com/jane"],
                                             "KnownGender": {"Type": "Female"}}),
        ("John Sample", 65.0, 66.0, 97.0, {"Id": "5e6f7a8b", "Urls": [], "KnownGender": {"Type": "Male"}}),
    ],
    "faces": [
        ("Face", 5.0, 9.0, 99.9, {"AgeRange": {"Low": 25, "High": 35},
                                  "Emotions": [{"Type": "CALM", "Confidence": 90.0}]}),
        ("Face", 50.0, 52.0, 99.5, {"AgeRange": {"Low": 40, "High": 50}}),
    ],
    "face-search": [
        ("anna_presenter", 80.0, 85.0, 98.75, {"Index": 0}),
        ("Person 1", 90.0, 90.6, 99.0, {"Index": 1}),  # no face of the collection matched
    ],
    "text": [
        ("Channel 7", 0.0, 2.0, 99.5, {"Type": "LINE"}),
        ("BREAKING NEWS", 120.0, 125.0, 98.25, {"Type": "LINE"}),
        ("BREAKING", 120.0, 125.0, 98.0, {"Type": "WORD"}),
        ("NEWS", 120.0, 125.0, 98.5, {"Type": "WORD"}),
    ],
}
# fmt: on
API = {  # analysis: (list key, item key, model version field)
    "labels": ("Labels", "Label", ("LabelModelVersion", "3.0")),
    "moderation": ("ModerationLabels", "ModerationLabel", ("ModerationModelVersion", "7.0")),
    "celebrities": ("Celebrities", "Celebrity", None),
    "faces": ("Faces", "Face", None),
    "face-search": ("Persons", "Person", None),
    "text": ("TextDetections", "TextDetection", ("TextModelVersion", "3.0")),
}
BOX = {"Width": 0.25, "Height": 0.4, "Left": 0.3, "Top": 0.2}


def float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def frame_of(seconds: float, rate: Fraction) -> int:
    return math.floor(Fraction(seconds).limit_denominator(1000) * rate)


def millis(frame: int, rate: Fraction) -> int:
    return math.floor(Fraction(frame * 1000) / rate)


def sample_frames(first: int, last: int, interval: int, rate: Fraction) -> list[int]:
    """The frames sampled every ``interval`` ms from ``first`` to ``last``, both included."""
    found, step = [], 0
    while True:
        frame = first + round(Fraction(step * interval, 1000) * rate)
        if frame >= last:
            break
        found.append(frame)
        step += 1
    return [*found, last]


def item(analysis: str, name: str, confidence: float, details: dict[str, Any]) -> dict[str, Any]:
    """The detection object of one item, as each API words it."""
    if analysis in ("labels", "moderation"):
        fields = {"Name": name, "Confidence": float32(confidence), **details}
        return {"Instances": [], **fields} if analysis == "labels" else fields
    if analysis == "celebrities":
        return {"Name": name, "Confidence": float32(confidence), "BoundingBox": BOX, **details,
                "Face": {"BoundingBox": BOX, "Confidence": float32(99.9)}}  # fmt: skip
    if analysis == "faces":
        return {"BoundingBox": BOX, "Confidence": float32(confidence), **details}
    if analysis == "text":
        return {"DetectedText": name, "Confidence": float32(confidence), "Geometry": {"BoundingBox": BOX}, **details}
    # A face search's Person: its match's Similarity names it; an unmatched one is as sure as its face.
    return {
        "Index": details["Index"],
        "BoundingBox": BOX,
        "Face": {"BoundingBox": BOX, "Confidence": float32(confidence)},
    }


def point_items(analysis: str, rate: Fraction) -> list[dict[str, Any]]:
    _, item_key, _ = API[analysis]
    found: list[tuple[int, int, dict[str, Any]]] = []
    for order, (name, start, end, confidence, details) in enumerate(APPEARANCES[analysis]):
        first, last = frame_of(start, rate), frame_of(end, rate)
        for number, frame in enumerate(sample_frames(first, last, INTERVALS[analysis], rate)):
            timestamp = millis(frame, rate)
            if number % 5 == 3 and timestamp:  # now and then a millisecond early, as in real jobs
                timestamp -= 1
            data: dict[str, Any] = {"Timestamp": timestamp, item_key: item(analysis, name, confidence, details)}
            if analysis == "moderation":
                data["ContentTypes"] = []
            if analysis == "face-search" and not name.startswith("Person "):
                data["FaceMatches"] = [
                    {"Similarity": float32(confidence), "Face": {"FaceId": "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
                     "ExternalImageId": name, "ImageId": "f1e2d3c4-b5a6-9788-6950-413223140506",
                     "BoundingBox": BOX, "Confidence": float32(99.99)}},
                    {"Similarity": float32(confidence - 20), "Face": {"FaceId": "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0",
                     "ExternalImageId": "someone_else", "BoundingBox": BOX, "Confidence": float32(99.0)}},
                ]  # fmt: skip
            elif analysis == "face-search":
                data["FaceMatches"] = []
            if analysis == "text":
                data[item_key]["Id"] = number * 10 + order
                if details["Type"] == "WORD":  # the words of the line BREAKING NEWS
                    data[item_key]["ParentId"] = number * 10 + 1
            found.append((timestamp, order, data))
    return [data for _, _, data in sorted(found, key=lambda entry: (entry[0], entry[1]))]


def segment_items(analysis: str, rate: Fraction) -> list[dict[str, Any]]:
    """AggregateBy=SEGMENTS: one item per appearance, its ends the start of its first and last frames."""
    _, item_key, _ = API[analysis]
    found = []
    for name, start, end, confidence, details in APPEARANCES[analysis]:
        first, last = frame_of(start, rate), frame_of(end, rate)
        start_ms, end_ms = millis(first, rate), millis(last, rate)
        found.append({
            "Timestamp": start_ms, "StartTimestampMillis": start_ms, "EndTimestampMillis": end_ms,
            "DurationMillis": end_ms - start_ms, item_key: item(analysis, name, confidence, details),
        })  # fmt: skip
    return found


def response(analysis: str, name: str, aggregate: str, old: bool = False) -> Any:
    rate = RATES[name]
    list_key, _, model = API[analysis]
    items = segment_items(analysis, rate) if aggregate == "SEGMENTS" else point_items(analysis, rate)
    frame_count = FRAME_COUNT_SECONDS * round(rate)
    job: dict[str, Any] = {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": {
            "Codec": "h264",
            "DurationMillis": millis(frame_count, rate),
            "Format": "QuickTime / MOV",
            "FrameRate": float32(float(rate)),
            "FrameHeight": 1080,
            "FrameWidth": 1920,
            "ColorRange": "LIMITED",
        },
    }
    if not old:  # an older moderation job names no job or video, as the one in REKOGNITION_OTHER_APIS.md
        suffix = "-segments" if aggregate == "SEGMENTS" else ""
        job["JobId"] = f"synthetic-{analysis}{suffix}-{name}-" + "0123456789abcdef" * 3
        job["JobTag"] = f"synthetic-{analysis}{suffix}-{name}"
        job["Video"] = {"S3Object": {"Bucket": "example-bucket", "Name": f"synthetic/demo_{name}.mov"}}
        if analysis in ("labels", "moderation"):
            job["GetRequestMetadata"] = {"SortBy": "TIMESTAMP", "AggregateBy": aggregate}
    if model is not None:
        job[model[0]] = "3.0" if old else model[1]
    if old:
        for entry in items:
            entry["ModerationLabel"].pop("TaxonomyLevel", None)
            entry.pop("ContentTypes", None)
    if analysis == "labels" and aggregate == "TIMESTAMPS":  # two pages, as a job of more than MaxResults comes
        half = len(items) // 2
        return [{**job, list_key: items[:half], "NextToken": "synthetic-page-2"}, {**job, list_key: items[half:]}]
    return {**job, list_key: items}


def truth(name: str) -> dict[str, list[list[Any]]]:
    """Every appearance as [name, first frame, last frame, confidence], per analysis."""
    rate = RATES[name]
    found: dict[str, list[list[Any]]] = {}
    for analysis, appearances in APPEARANCES.items():
        found[analysis] = [
            [label, frame_of(start, rate), frame_of(end, rate), float32(confidence), details.get("Type")]
            for label, start, end, confidence, details in appearances
        ]
    return found


SAMPLES = {  # file stem: (analysis, AggregateBy, older response)
    "labels": ("labels", "TIMESTAMPS", False),
    "labels_segments": ("labels", "SEGMENTS", False),
    "moderation": ("moderation", "TIMESTAMPS", True),
    "moderation_segments": ("moderation", "SEGMENTS", False),
    "celebrities": ("celebrities", "TIMESTAMPS", False),
    "faces": ("faces", "TIMESTAMPS", False),
    "face_search": ("face-search", "TIMESTAMPS", False),
    "text": ("text", "TIMESTAMPS", False),
}


def main() -> None:
    for name in RATES:
        for stem, (analysis, aggregate, old) in SAMPLES.items():
            text = json.dumps(response(analysis, name, aggregate, old), indent=1) + "\n"
            (HERE / f"synthetic_{stem}_{name}.json").write_text(text)
    truths = {name: truth(name) for name in RATES}
    (HERE / "analysis_truth.json").write_text(json.dumps(truths, indent=1) + "\n")


if __name__ == "__main__":
    main()
