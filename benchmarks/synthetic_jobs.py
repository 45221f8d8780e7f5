"""Large synthetic GetSegmentDetection jobs for the benchmarks (not for tests:
the tests use sample_media/ and the real job)."""

from __future__ import annotations

import json
from fractions import Fraction

from otio_rekognition import frames
from otio_rekognition.rekognition.segments import build_segment
from otio_rekognition.rekognition.vocabulary import CUE_TYPES


def job_text(
    shots: int, rate: Fraction = Fraction(30000, 1001), cues_per_100_shots: int = 10, longest_shot: int = 111
) -> str:
    """A job of ``shots`` shots (lengths 12 to ``longest_shot`` frames, a
    1-frame gap every 50th) plus cues, saved as 1000-segment pages one after
    the other. Keep it under Rekognition's six hours: 100,000 segments at
    59.94 fps need ``longest_shot`` of about 16."""
    segments = []
    position = 0
    for index in range(shots):
        length = 12 + (index * 37) % (longest_shot - 11)
        details = {"Index": index, "Confidence": 90.0 + index % 10}
        segments.append(build_segment("SHOT", position, position + length - 1, rate, details))
        position += length + (1 if index % 50 == 49 else 0)
    cue_count = shots * cues_per_100_shots // 100
    step = max(position // max(cue_count, 1), 2)
    for number in range(cue_count):
        first = number * step
        details = {"Type": CUE_TYPES[number % len(CUE_TYPES)], "Confidence": 80.0 + number % 20}
        segments.append(build_segment("TECHNICAL_CUE", first, first + step // 2, rate, details))
    pages = []
    for start in range(0, len(segments), 1000):
        page = {
            "JobStatus": "SUCCEEDED",
            "VideoMetadata": [{"FrameRate": float(rate), "DurationMillis": frames.frame_to_millis(position, rate)}],
            "Segments": segments[start : start + 1000],
            "SelectedSegmentTypes": [
                {"Type": "SHOT", "ModelVersion": "2.0"},
                {"Type": "TECHNICAL_CUE", "ModelVersion": "2.0"},
            ],
        }
        if start + 1000 < len(segments):
            page["NextToken"] = f"page-{start // 1000 + 1}"
        pages.append(json.dumps(page))
    return "\n".join(pages)
