"""Frame and timecode maths, cross-checked against the ``timecode`` package
and OTIO's own timecode functions."""

from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from timecode import Timecode

from otio_rekognition import frames

# (exact rate, the timecode package's name for it)
RATES = [
    (Fraction(24000, 1001), "23.976"),
    (Fraction(24), "24"),
    (Fraction(25), "25"),
    (Fraction(30000, 1001), "29.97"),
    (Fraction(30), "30"),
    (Fraction(48000, 1001), "47.952"),
    (Fraction(48), "48"),
    (Fraction(50), "50"),
    (Fraction(60000, 1001), "59.94"),
    (Fraction(60), "60"),
]
NTSC_2997 = Fraction(30000, 1001)
NTSC_5994 = Fraction(60000, 1001)


def independent_timecode(frame: int, tc_rate: str) -> str:
    return str(Timecode(tc_rate, frames=frame + 1))  # the package counts frames from 1


@pytest.mark.parametrize(
    ("rate", "frame", "expected"),
    [
        (NTSC_2997, 1799, "00:00:59;29"),
        (NTSC_2997, 1800, "00:01:00;02"),
        (NTSC_2997, 17981, "00:09:59;29"),
        (NTSC_2997, 17982, "00:10:00;00"),  # the tenth minute keeps ;00 and ;01
        (NTSC_2997, 17982 + 1800, "00:11:00;02"),
        (NTSC_2997, 2589407, "23:59:59;29"),  # the last frame of a drop-frame day
        (NTSC_5994, 3595, "00:00:59;55"),
        (NTSC_5994, 3596, "00:00:59;56"),
        (NTSC_5994, 3599, "00:00:59;59"),
        (NTSC_5994, 3600, "00:01:00;04"),
        (NTSC_5994, 35964, "00:10:00;00"),
        (Fraction(24000, 1001), 86399, "00:59:59:23"),  # 23.976 counts non-drop at 24
        (Fraction(25), 61957, "00:41:18:07"),  # the real job's last frame
    ],
)
def test_known_timecodes(rate: Fraction, frame: int, expected: str) -> None:
    assert frames.frame_to_timecode(frame, rate) == expected
    assert frames.timecode_to_frame(expected, rate) == frame


@pytest.mark.parametrize(("rate", "tc_rate"), RATES)
@given(frame=st.integers(min_value=0, max_value=24 * 3600 * 60 - 1))
def test_timecode_matches_independent_implementations(rate: Fraction, tc_rate: str, frame: int) -> None:
    frame %= int(24 * 3600 * rate)  # one day of frames at this rate
    ours = frames.frame_to_timecode(frame, rate)
    assert ours == independent_timecode(frame, tc_rate)
    assert ours == otio.opentime.to_timecode(otio.opentime.RationalTime(frame, float(rate)), float(rate))
    assert frames.timecode_to_frame(ours, rate) == frame
    assert frames.timecode_to_frame(ours, rate) == Timecode(tc_rate, ours).frames - 1


def test_drop_frame_only_at_2997_and_5994() -> None:
    assert [rate for rate, _ in RATES if frames.is_drop_frame(rate)] == [NTSC_2997, NTSC_5994]
    assert ";" not in frames.frame_to_timecode(100000, Fraction(24000, 1001))


@pytest.mark.parametrize("label", ["00:01:00;00", "00:01:00;01", "00:59:00;01"])
def test_skipped_drop_frame_labels_are_rejected(label: str) -> None:
    with pytest.raises(ValueError, match="does not exist in drop frame"):
        frames.timecode_to_frame(label, NTSC_2997)


def test_skipped_labels_at_5994() -> None:
    for ff in range(4):
        with pytest.raises(ValueError, match="does not exist"):
            frames.timecode_to_frame(f"00:01:00;{ff:02d}", NTSC_5994)
    assert frames.timecode_to_frame("00:10:00;00", NTSC_5994) == 35964


@pytest.mark.parametrize(
    ("label", "rate", "message"),
    [
        ("00:00:01;00", Fraction(25), "has no drop frame"),
        ("00:00:00:25", Fraction(25), "out of range"),
        ("00:60:00:00", Fraction(25), "out of range"),
        ("1:00:00", Fraction(25), "expected a timecode"),
        ("25:00:00:00", Fraction(25), "out of range"),
        ("00:00:00:00", Fraction(25, 2), "not a SMPTE rate"),
    ],
)
def test_bad_timecodes(label: str, rate: Fraction, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        frames.timecode_to_frame(label, rate)


@pytest.mark.parametrize(
    ("reported", "exact"),
    [
        (29.970029830932617, NTSC_2997),
        (23.976024627685547, Fraction(24000, 1001)),
        (59.94005966186523, NTSC_5994),
        (24.0, Fraction(24)),
        (25.0, Fraction(25)),
        (29.97, NTSC_2997),
        (12.5, Fraction(25, 2)),
        (15.0, Fraction(15)),
    ],
)
def test_float32_rates_snap_to_exact_rates(reported: float, exact: Fraction) -> None:
    assert frames.snap_rate(reported) == exact


@pytest.mark.parametrize(
    ("text", "exact"), [("30000/1001", NTSC_2997), ("29.97", NTSC_2997), ("25", Fraction(25)), (29.97, NTSC_2997)]
)
def test_parse_rate(text: object, exact: Fraction) -> None:
    assert frames.parse_rate(text) == exact


@pytest.mark.parametrize("bad", ["fast", "0", "-25", "1000", "1/0", True, None, float("nan")])
def test_parse_rate_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="frame rate"):
        frames.parse_rate(bad)


@pytest.mark.parametrize(("rate", "_"), RATES)
@given(frame=st.integers(min_value=0, max_value=6 * 3600 * 60))
def test_millis_round_trip(rate: Fraction, _: str, frame: int) -> None:
    millis = frames.frame_to_millis(frame, rate)
    assert millis == int(frame * 1000 * rate.denominator // rate.numerator)  # rounded down, as Rekognition does
    assert frames.millis_to_frame(millis, rate) == frame  # nearest frame, never truncated


def test_millis_from_the_developer_guide() -> None:
    # 29.97 fps, frame 300 starts at 10010 ms; truncating 10010 * 29.97 / 1000 gives 299.
    assert frames.millis_to_frame(10010, NTSC_2997) == 300
    assert frames.millis_to_frame(14981, NTSC_2997) == 449
