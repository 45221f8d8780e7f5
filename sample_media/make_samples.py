"""Make the synthetic GetSegmentDetection samples in this folder.

SYNTHETIC DATA: these responses were not produced by Amazon Rekognition.
They are written from the cut list declared below, in Rekognition's format
and with its conventions (inclusive end frames, durations of End - Start,
milliseconds rounded down, drop-frame SMPTE at 29.97 and 59.94, float32
frame rates). SMPTE strings come from the independent ``timecode`` package,
not from otio_rekognition, so reading them back tests our maths.

Run ``make samples`` (or ``python sample_media/make_samples.py``) to rewrite
the files; the tests check that the committed files match this script.
"""

from __future__ import annotations

import json
import math
import struct
from fractions import Fraction
from pathlib import Path

from timecode import Timecode

HERE = Path(__file__).resolve().parent

# name: (exact rate, the rate string the timecode package knows, frame-number fields?)
RATES = {
    "23976": (Fraction(24000, 1001), "23.976"),
    "24": (Fraction(24), "24"),
    "25": (Fraction(25), "25"),
    "2997df": (Fraction(30000, 1001), "29.97"),
    "30": (Fraction(30), "30"),
    "5994df": (Fraction(60000, 1001), "59.94"),
}


def timecode_frame(label: str, tc_rate: str) -> int:
    return Timecode(tc_rate, label).frames - 1


def cut_list(name: str) -> dict[str, object]:
    """The declared ground truth for one rate: shots and cues as inclusive
    [first, last] frames. Eleven minutes, so that cuts land on the drop-frame
    one-minute and ten-minute boundaries."""
    rate, tc_rate = RATES[name]
    n = round(rate)
    drop = rate.denominator == 1001 and n in (30, 60)
    # The first frame of minute one is labelled ;02 (;04 at 59.94): drop frame skips ;00 and ;01.
    minute = timecode_frame(f"00:01:00;{n // 15:02d}" if drop else "00:01:00:00", tc_rate)
    ten_minutes = timecode_frame("00:10:00;00" if drop else "00:10:00:00", tc_rate)
    end = 660 * n
    shots = [
        (0, 5 * n - 1),  # colour bars
        (5 * n, 8 * n - 1),  # slate
        (8 * n, 9 * n - 1),  # black
        (9 * n, 12 * n - 1),  # studio logo
        (12 * n, 20 * n - 3),  # then a two-frame dissolve Rekognition leaves out
        (20 * n, 31 * n - 1),
        (31 * n, 45 * n - 2),  # then a one-frame gap
        (45 * n, minute - 1),  # cut exactly at one minute
        (minute, 90 * n - 1),
        (90 * n, ten_minutes - 1),  # cut exactly at ten minutes
        (ten_minutes, 630 * n - 1),
        (630 * n + 2, 650 * n - 1),  # end credits after a two-frame fade
        (650 * n, end - 1),
    ]
    cues = [
        ("ColorBars", 0, 5 * n - 1),
        ("Slate", 5 * n, 8 * n - 1),
        ("BlackFrames", 8 * n, 9 * n),  # overlaps the logo by one frame, as in the developer guide
        ("StudioLogo", 9 * n, 12 * n - 1),
        ("OpeningCredits", 12 * n, 31 * n - 1),
        ("Content", 12 * n, 630 * n - 1),
        ("EndCredits", 630 * n, 650 * n - 1),
        ("BlackFrames", 650 * n, end - 1),
    ]
    return {"rate": f"{rate.numerator}/{rate.denominator}", "frame_count": end, "shots": shots, "cues": cues}


def float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def confidence(number: int) -> float:
    return float32(80 + (number * 7.31) % 19.9)


def smpte(frame: int, tc_rate: str) -> str:
    return str(Timecode(tc_rate, frames=frame + 1))


def segment(kind: str, first: int, last: int, rate: Fraction, tc_rate: str, details: dict, frame_fields: bool) -> dict:
    start_ms, end_ms = math.floor(first * 1000 / rate), math.floor(last * 1000 / rate)
    data: dict[str, object] = {
        "Type": kind,
        "StartTimestampMillis": start_ms,
        "EndTimestampMillis": end_ms,
        "DurationMillis": end_ms - start_ms,
        "StartTimecodeSMPTE": smpte(first, tc_rate),
        "EndTimecodeSMPTE": smpte(last, tc_rate),
        "DurationSMPTE": smpte(last - first, tc_rate),
        ("ShotSegment" if kind == "SHOT" else "TechnicalCueSegment"): details,
    }
    if frame_fields:
        data.update(StartFrameNumber=first, EndFrameNumber=last, DurationFrames=last - first)
    return data


def response(name: str, model: str = "2.0", frame_fields: bool = True) -> dict:
    rate, tc_rate = RATES[name]
    cuts = cut_list(name)
    shots = [
        segment("SHOT", first, last, rate, tc_rate, {"Index": index, "Confidence": confidence(index)}, frame_fields)
        for index, (first, last) in enumerate(cuts["shots"])  # type: ignore[arg-type]
    ]
    cues = [
        segment(
            "TECHNICAL_CUE",
            first,
            last,
            rate,
            tc_rate,
            {"Type": kind, "Confidence": confidence(50 + number)},
            frame_fields,
        )
        for number, (kind, first, last) in enumerate(cuts["cues"])  # type: ignore[arg-type]
    ]
    return {
        "JobStatus": "SUCCEEDED",
        "VideoMetadata": [
            {
                "Codec": "h264",
                "DurationMillis": math.floor(cuts["frame_count"] * 1000 / rate),  # type: ignore[operator]
                "Format": "QuickTime / MOV",
                "FrameRate": float32(float(rate)),
                "FrameHeight": 1080,
                "FrameWidth": 1920,
                "ColorRange": "LIMITED",
            }
        ],
        "AudioMetadata": [
            {
                "Codec": "aac",
                "DurationMillis": math.floor(cuts["frame_count"] * 1000 / rate),
                "SampleRate": 48000,
                "NumberOfChannels": 2,
            }
        ],  # type: ignore[operator]
        "Segments": shots + cues,
        "SelectedSegmentTypes": [
            {"Type": "SHOT", "ModelVersion": model},
            {"Type": "TECHNICAL_CUE", "ModelVersion": model},
        ],
        "JobId": f"synthetic-{name}-0123456789abcdef0123456789abcdef0123456789abcdef0123",
        "Video": {"S3Object": {"Bucket": "example-bucket", "Name": f"synthetic/demo_{name}.mov"}},
        "JobTag": f"synthetic-{name}",
    }


def pages(document: dict, per_page: int) -> list[dict]:
    """The response as GetSegmentDetection returns it with MaxResults=per_page."""
    segments = document["Segments"]
    chunks = [segments[i : i + per_page] for i in range(0, len(segments), per_page)]
    result = []
    for number, chunk in enumerate(chunks):
        page = {key: value for key, value in document.items() if key != "Segments"}
        page["Segments"] = chunk
        if number < len(chunks) - 1:
            page["NextToken"] = f"synthetic-token-{number + 1}"
        result.append(page)
    return result


def main() -> None:
    truth = {}
    for name in RATES:
        truth[name] = cut_list(name)
        document = response(name)
        if name == "5994df":
            # Saved page by page and concatenated, as `cat page*.json > job.json` makes.
            text = "".join(json.dumps(page, indent=2) + "\n" for page in pages(document, per_page=8))
        else:
            text = json.dumps(document, indent=2) + "\n"
        (HERE / f"demo_{name}.json").write_text(text)
    old = response("2997df", model="1.0", frame_fields=False)
    for key in ("JobId", "Video", "JobTag"):  # model-1.0 era responses had none of these
        old.pop(key)
    (HERE / "demo_2997df_model1.json").write_text(json.dumps(old, indent=2) + "\n")
    (HERE / "cutlists.json").write_text(json.dumps(truth, indent=1) + "\n")


if __name__ == "__main__":
    main()
