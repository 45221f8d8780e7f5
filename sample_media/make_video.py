"""Make the synthetic sample videos in this folder and their ground truth.

SYNTHETIC MEDIA: every picture comes from ffmpeg's lavfi test sources, drawn
frame-exactly from the programme declared below, so the cut list written
beside the videos (``video_cutlists.json``) is true by construction:

    colour bars with 1 kHz tone, slate card, black, studio logo card,
    five shots (hard cuts, one short black between shots 2 and 3, one
    dissolve between shots 3 and 4), end-credit text on black.

Two variants: 29.97 fps drop frame with SMPTE bars (``demo_2997df.mp4``) and
25 fps with EBU bars (``demo_25.mp4``). H.264 in MP4, 640x360, AAC stereo.
The ffmpeg binary is the one the ``imageio-ffmpeg`` package ships: no
system ffmpeg is needed. Text is drawn with the first TrueType font found on
the machine; with none, the cards carry boxes where the text would be (the
cut list is the same either way).

Run ``python sample_media/make_video.py [FOLDER]`` to rewrite the files
(FOLDER defaults to this one); the same ffmpeg build writes the same bytes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRUTH_FILE = "video_cutlists.json"
WIDTH, HEIGHT = 640, 360
# name: (exact rate, colour bars source, rate label on the slate)
VARIANTS = {
    "2997df": (Fraction(30000, 1001), "smptebars", "29.97 DF"),
    "25": (Fraction(25), "pal75bars", "25 FPS"),
}
# Frames blended in the dissolve: neither shot's, as Rekognition leaves them out.
DISSOLVE_FRAMES = 11
CONTENT_PARTS = ("shot1", "shot2", "shot3", "dissolve", "shot4", "shot5")
TONE_HZ = 1000
# Places a TrueType font is commonly found; the first match is used.
FONT_GLOBS = (
    "/usr/share/fonts/**/DejaVuSans.ttf",
    "/usr/share/fonts/**/*.ttf",
    "/usr/local/share/fonts/**/*.ttf",
    "/Library/Fonts/*.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def programme(name: str) -> list[tuple[str, int]]:
    """The parts of the video in order, as (part, frames). Lengths count
    nominal seconds (30 frames at 29.97), as the JSON samples do."""
    n = round(VARIANTS[name][0])
    return [
        ("bars", 3 * n),
        ("slate", 2 * n),
        ("black", n),
        ("logo", 2 * n),
        ("shot1", 3 * n),
        ("shot2", 3 * n),
        # At least 15 frames: PySceneDetect's default shortest shot.
        ("black", 20),
        ("shot3", 3 * n),
        ("dissolve", DISSOLVE_FRAMES),
        ("shot4", 3 * n),
        ("shot5", 2 * n),
        ("credits", 4 * n),
    ]


def cut_list(name: str) -> dict[str, object]:
    """The ground truth for one variant: shots and cues as inclusive
    [first, last] frames. Every part is a shot except the dissolve, which is
    left out of both shots around it, as Rekognition does."""
    rate, _bars, _label = VARIANTS[name]
    spans: dict[str, list[list[int]]] = {}
    shots: list[list[int]] = []
    content: list[list[int]] = []
    position = 0
    for part, length in programme(name):
        first, last = position, position + length - 1
        spans.setdefault(part, []).append([first, last])
        if part != "dissolve":
            shots.append([first, last])
        if part in CONTENT_PARTS:
            # Programme material, split where black frames interrupt it.
            if content and content[-1][1] == first - 1:
                content[-1][1] = last
            else:
                content.append([first, last])
        position += length
    cues = [
        ["ColorBars", *spans["bars"][0]],
        ["Slate", *spans["slate"][0]],
        *(["BlackFrames", *span] for span in spans["black"]),
        ["StudioLogo", *spans["logo"][0]],
        *(["Content", *span] for span in content),
        ["EndCredits", *spans["credits"][0]],
    ]
    return {
        "file": f"demo_{name}.mp4",
        "rate": f"{rate.numerator}/{rate.denominator}",
        "frame_count": position,
        "width": WIDTH,
        "height": HEIGHT,
        "shots": shots,
        "transitions": [["dissolve", *span] for span in spans["dissolve"]],
        "cues": sorted(cues, key=lambda cue: (cue[1], cue[2])),
    }


def find_font() -> str | None:
    for pattern in FONT_GLOBS:
        root, _, rest = pattern.partition("/")
        matches = sorted(Path(root + "/").glob(rest)) if rest else []
        if matches:
            return matches[0].as_posix()
    return None


def escape(text: str) -> str:
    """A value inside a quoted filter option: the quotes protect it from the
    graph parser, the backslash protects ':' from the option parser."""
    return text.replace("\\", "/").replace(":", "\\:").replace("'", "")


def text_lines(lines: list[tuple[str, int, int]], font: str | None, colour: str) -> str:
    """drawtext filters for (text, size, y) lines, centred; boxes of about the
    text's size when there is no font."""
    filters = []
    for text, size, y in lines:
        if font is None:
            width = len(text) * size * 3 // 5
            filters.append(f"drawbox=x={(WIDTH - width) // 2}:y={y}:w={width}:h={size}:color={colour}:t=fill")
        else:
            filters.append(
                f"drawtext=fontfile='{escape(font)}':text='{escape(text)}':fontsize={size}"
                f":fontcolor={colour}:x=(w-text_w)/2:y={y}"
            )
    return ",".join(filters)


def sources(name: str, font: str | None) -> dict[str, str]:
    """A lavfi source (with its drawing) per part; sizes and rates are added by :func:`filter_graph`."""
    _rate, bars, label = VARIANTS[name]
    return {
        "bars": bars,
        "slate": "color=c=0x505050,drawbox=x=40:y=30:w=560:h=300:color=0x202020:t=fill,"
        + text_lines(
            [
                ("SLATE", 44, 50),
                ("OTIO-REKOGNITION DEMO", 28, 130),
                ("SCENE 1   TAKE 1", 28, 190),
                (label, 28, 250),
            ],
            font,
            "white",
        ),
        "black": "color=c=black",
        "logo": "color=c=0x2060C0,drawbox=x=220:y=60:w=200:h=160:color=0xF0C020:t=fill,"
        + text_lines([("ACME STUDIOS", 40, 250)], font, "white"),
        "shot1": "mandelbrot",
        "shot2": "testsrc2",
        "shot3": "gradients=seed=7:speed=0.005:c0=0x30A0F0:c1=0xF06020",
        "shot4": "colorchart",
        "shot5": "rgbtestsrc",
        "credits": "color=c=black,"
        + text_lines(
            [
                ("THE END", 48, 60),
                ("Directed by a filter graph", 26, 150),
                ("Pictures  lavfi test sources", 26, 200),
                ("otio-rekognition", 26, 250),
            ],
            font,
            "white",
        ),
    }


def filter_graph(name: str, font: str | None) -> str:
    """One chain per part, exactly its frames long, concatenated. The
    dissolve blends the end of shot 3 into the start of shot 4 with a mix
    that is 0 up to shot 3's last frame and 1 from shot 4's first, so exactly
    the dissolve's frames are mixtures."""
    rate, _bars, _label = VARIANTS[name]
    parts = programme(name)
    drawn = sources(name, font)
    lengths = dict(parts)
    normalise = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,setsar=1"

    def chain(part: str, frames: int, label: str) -> str:
        source, _, drawing = drawn[part].partition(",")
        # colorchart has no size option: its fixed size is scaled to ours.
        size = "" if source == "colorchart" else f":s={WIDTH}x{HEIGHT}"
        head = f"{source}{':' if '=' in source else '='}r={rate.numerator}/{rate.denominator}{size}"
        steps = [head, drawing, f"scale={WIDTH}:{HEIGHT}", f"trim=end_frame={frames}", "setpts=PTS-STARTPTS", normalise]
        return ",".join(step for step in steps if step) + f"[{label}]"

    chains = []
    labels = []
    for number, (part, frames) in enumerate(parts):
        if part in ("shot4", "dissolve"):
            continue  # made with shot 3
        if part == "shot3":
            held = frames + lengths["dissolve"] + lengths["shot4"]
            chains.append(chain("shot3", held, "a"))
            chains.append(chain("shot4", held, "b"))
            # By frame time, not N: blend's N counts from 1 in some ffmpeg versions, from 0 in others.
            index = f"(T*{rate.numerator}/{rate.denominator})"
            mix = f"clip(({index}-{frames - 1})/{lengths['dissolve'] + 1},0,1)"
            chains.append(f"[a][b]blend=all_expr='A+(B-A)*{mix}'[v{number}]")
        else:
            chains.append(chain(part, frames, f"v{number}"))
        labels.append(f"[v{number}]")
    chains.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0[v]")
    return ";".join(chains)


def audio_source(name: str) -> str:
    """Stereo 48 kHz: a 1 kHz tone at -20 dBFS under the bars, then silence."""
    rate = VARIANTS[name][0]
    parts = programme(name)
    bars_end = Fraction(parts[0][1]) / rate
    duration = sum(frames for _part, frames in parts) / rate
    tone = f"0.1*sin(2*PI*{TONE_HZ}*t)*lt(t,{float(bars_end)})"
    return f"aevalsrc=exprs='{tone}|{tone}':s=48000:d={float(duration)}"


def make_video(name: str, folder: Path, font: str | None) -> Path:
    import imageio_ffmpeg

    path = folder / f"demo_{name}.mp4"
    rate = VARIANTS[name][0]
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-hide_banner", "-loglevel", "error", "-y"),
        *("-filter_complex", filter_graph(name, font)),
        *("-f", "lavfi", "-i", audio_source(name)),
        *("-map", "[v]", "-map", "0:a"),
        *("-c:v", "libx264", "-preset", "slow", "-crf", "30", "-threads", "1", "-g", str(2 * round(rate))),
        *("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"),
        *("-c:a", "aac", "-b:a", "48k"),
        *("-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"),
        *("-movflags", "+faststart", str(path)),
    ]
    subprocess.run(command, check=True)
    return path


def main(folder: Path = HERE) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    font = find_font()
    for name in VARIANTS:
        make_video(name, folder, font)
    truth = {name: cut_list(name) for name in VARIANTS}
    (folder / TRUTH_FILE).write_text(json.dumps(truth, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
