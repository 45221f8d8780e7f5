"""Frame and SMPTE timecode arithmetic: pure functions, no I/O, no OTIO.

Rates are exact ``Fraction`` values. Rekognition reports rates as float32
(29.97 arrives as 29.970029830932617), so every rate goes through
:func:`snap_rate` before it is used for arithmetic.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

SMPTE_RATES: tuple[Fraction, ...] = (
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(48000, 1001),
    Fraction(48),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
)
DROP_FRAME_RATES: frozenset[Fraction] = frozenset({Fraction(30000, 1001), Fraction(60000, 1001)})
# Per-rate facts looked up by (numerator, denominator): hashing a Fraction
# costs more than the arithmetic it would save, once per segment field.
_TIMECODE_BASES = {
    (rate.numerator, rate.denominator): (round(rate), round(rate) // 15 if rate in DROP_FRAME_RATES else 0)
    for rate in SMPTE_RATES
}
_FRAMES_IN_A_DAY: dict[tuple[int, int], int] = {}

# A float32 of an NTSC rate is within 1e-4 of it; distinct SMPTE rates are at
# least 0.02 apart, so this tolerance cannot pick the wrong neighbour.
_SNAP_TOLERANCE = 0.001
MAX_RATE = Fraction(240)
# Below this no video is playable; a rate near 0 would make every frame maths overflow.
MIN_RATE = Fraction(1)

# HH:MM:SS:FF as Rekognition and editors write it (`;` or `,` before the
# frames marks drop frame), with a one-digit hour, or as eight digits.
TIMECODE_SHAPE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$|^(\d{2})(\d{2})(\d{2})(\d{2})$")
DROP_SEPARATORS = frozenset(";,")


def parse_rate(value: object) -> Fraction:
    """Read a rate given as a number or as text (``"25"``, ``"29.97"``,
    ``"30000/1001"``) and snap it to the exact SMPTE rate when it is one."""
    if isinstance(value, bool):
        raise ValueError(f"expected a frame rate, got {value!r}")
    if isinstance(value, Fraction):
        rate = value
    elif isinstance(value, (int, float)):
        rate = snap_rate(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            rate = Fraction(text) if "/" in text else snap_rate(float(text))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"expected a frame rate such as 25, 29.97 or 30000/1001, got {value!r}") from None
    else:
        raise ValueError(f"expected a frame rate, got {value!r}")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"expected a frame rate from {MIN_RATE} to {MAX_RATE}, got {value!r}")
    return rate


def snap_rate(rate: float) -> Fraction:
    """The exact SMPTE rate nearest to ``rate``, or ``rate`` itself as a
    fraction when no SMPTE rate is that close (12.5, 15, ...)."""
    if not math.isfinite(rate) or not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"expected a frame rate from {MIN_RATE} to {MAX_RATE}, got {rate!r}")
    for candidate in SMPTE_RATES:
        if abs(float(candidate) - rate) < _SNAP_TOLERANCE:
            return candidate
    return Fraction(rate).limit_denominator(1001)


# A variable-rate recording (a phone, a screen grab) reports its average rate:
# 29.98, 30.01, 59.88, 24.02. Editors' software conforms such a file to the
# nominal rate nearest it, and so do timecodes here, within this much of it.
VARIABLE_RATE_TOLERANCE = 0.01


def conformed_rate(rate: Fraction) -> Fraction | None:
    """The rate timecodes count ``rate`` at: itself when it is a SMPTE rate,
    else the SMPTE rate within 1 % of it (the nearest), else None (12.5, 15:
    no timecode counts those)."""
    if is_smpte_rate(rate):
        return rate
    nearest = min(SMPTE_RATES, key=lambda candidate: abs(candidate - rate))
    return nearest if abs(nearest - rate) <= VARIABLE_RATE_TOLERANCE * nearest else None


def is_smpte_rate(rate: Fraction) -> bool:
    return (rate.numerator, rate.denominator) in _TIMECODE_BASES


def is_drop_frame(rate: Fraction) -> bool:
    return rate in DROP_FRAME_RATES


def frames_in_a_day(rate: Fraction) -> int:
    key = (rate.numerator, rate.denominator)
    if key not in _FRAMES_IN_A_DAY:
        _FRAMES_IN_A_DAY[key] = 24 * 3600 * rate.numerator // rate.denominator
    return _FRAMES_IN_A_DAY[key]


def rate_text(rate: Fraction) -> str:
    """``25`` or ``30000/1001``: the exact rate as people write it."""
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def _timecode_base(rate: Fraction, drop_frame: bool | None = None) -> tuple[int, int]:
    """Nominal frames per second and frames dropped per minute: drop frame
    at 29.97 and 59.94 unless ``drop_frame`` is False."""
    base = _TIMECODE_BASES.get((rate.numerator, rate.denominator))
    if base is None:
        raise ValueError(f"{float(rate):g} fps is not a SMPTE rate, so it has no timecode")
    nominal, dropped = base
    if drop_frame and not dropped:
        raise ValueError(f"{float(rate):g} fps has no drop-frame timecode (only 29.97 and 59.94 have)")
    return (nominal, 0) if drop_frame is False else base


def frame_to_timecode(frame: int, rate: Fraction, drop_frame: bool | None = None) -> str:
    """SMPTE timecode of a 0-based frame index counted from 00:00:00:00.

    Drop frame (``;``) at 29.97 and 59.94 unless ``drop_frame`` is False;
    23.976 counts non-drop at 24. The clock wraps after 24 hours, as SMPTE
    timecode does.
    """
    if frame < 0:
        raise ValueError(f"expected a frame index of 0 or more, got {frame}")
    nominal, dropped = _timecode_base(rate, drop_frame)
    if dropped:
        per_ten_minutes = nominal * 600 - dropped * 9
        per_minute = nominal * 60 - dropped
        tens, rest = divmod(frame, per_ten_minutes)
        frame += dropped * 9 * tens
        if rest > dropped:
            frame += dropped * ((rest - dropped) // per_minute)
    seconds, ff = divmod(frame, nominal)
    minutes, ss = divmod(seconds, 60)
    hours, mm = divmod(minutes, 60)
    separator = ";" if dropped else ":"
    return f"{hours % 24:02d}:{mm:02d}:{ss:02d}{separator}{ff:02d}"


def timecode_to_frame(timecode: str, rate: Fraction, drop_frame: bool | None = None) -> int:
    """0-based frame index of a SMPTE timecode at ``rate``.

    ``drop_frame`` None reads it as Rekognition writes it: drop frame at 29.97
    and 59.94 whichever separator is used. True or False counts in that mode
    (what the user said their media uses), whatever the separator. A ``;`` at
    a rate without drop frame is an error, and so is, in drop frame, a label
    the count skips (``00:01:00;00``).
    """
    match = TIMECODE_SHAPE.match(timecode.strip()) if isinstance(timecode, str) else None
    if match is None:
        raise ValueError(f"expected a timecode HH:MM:SS:FF, got {timecode!r:.40}")
    nominal, dropped = _timecode_base(rate, drop_frame)
    if match.group(1) is None:
        hh, mm, ss, ff, separator = *match.groups()[5:], ""
    else:
        hh, mm, ss, separator, ff = match.groups()[:5]
    hours, minutes, seconds, frames = int(hh), int(mm), int(ss), int(ff)
    if separator in DROP_SEPARATORS and not (dropped or _timecode_base(rate)[1]):
        raise ValueError(f"timecode {timecode!r:.40} is drop frame (';'), but {float(rate):g} fps has no drop frame")
    if hours > 23 or minutes > 59 or seconds > 59 or frames >= nominal:
        raise ValueError(f"timecode {timecode!r:.40} is out of range at {float(rate):g} fps")
    if dropped and seconds == 0 and minutes % 10 and frames < dropped:
        raise ValueError(f"timecode {timecode!r:.40} does not exist in drop frame: that label is skipped")
    total_minutes = hours * 60 + minutes
    drop = dropped * (total_minutes - total_minutes // 10)
    return (total_minutes * 60 + seconds) * nominal + frames - drop


def written_drop_frame(timecode: str) -> bool | None:
    """Whether a timecode is written as drop frame (``;`` or ``,`` before the
    frames), non-drop (``:`` or ``.``), or None when it does not say (eight digits)."""
    match = TIMECODE_SHAPE.match(timecode.strip())
    if match is None or match.group(4) is None:
        return None
    return match.group(4) in DROP_SEPARATORS


def millis_to_frame(millis: float, rate: Fraction) -> int:
    """The frame whose start is nearest to ``millis``: Rekognition rounds its
    millisecond values down, so truncating here would lose a frame."""
    if isinstance(millis, int):  # integer arithmetic: Fraction is slow over a whole job
        return (2 * millis * rate.numerator + 1000 * rate.denominator) // (2000 * rate.denominator)
    return math.floor(Fraction(millis) * rate / 1000 + Fraction(1, 2))


def frame_to_millis(frame: int, rate: Fraction) -> int:
    """Start time of a frame in whole milliseconds, rounded down as
    Rekognition does."""
    return frame * 1000 * rate.denominator // rate.numerator


# How editors' files name the two ways of counting (xmeml's displayformat, FCPXML's tcFormat), and so
# does a timeline's metadata.
DF_LABEL, NDF_LABEL = "DF", "NDF"


def counting_label(drop_frame: bool) -> str:
    return DF_LABEL if drop_frame else NDF_LABEL
