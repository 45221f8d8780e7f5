"""Small JPEG thumbnails of chosen frames of a local video, for the review
page: decoded in one pass with PyAV, scaled, encoded in memory."""

from __future__ import annotations

import os
from collections.abc import Iterable
from fractions import Fraction

from otio_rekognition.detect.probe import video_stream

THUMBNAIL_WIDTH = 160


def thumbnails(path: str | os.PathLike[str], wanted: Iterable[int], width: int = THUMBNAIL_WIDTH) -> dict[int, bytes]:
    """JPEG bytes of each wanted frame (0-based, in decoding order) the video has."""
    frames = set(wanted)
    found: dict[int, bytes] = {}
    if not frames:
        return found
    import av

    with video_stream(path) as (container, stream):
        stream.thread_type = "AUTO"
        height = max(2, round(width * stream.codec_context.height / max(stream.codec_context.width, 1) / 2) * 2)
        encoder = av.CodecContext.create("mjpeg", "w")
        encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
        encoder.time_base = stream.time_base or Fraction(1, 25)  # any: the encoder makes single pictures
        last = max(frames)
        for index, frame in enumerate(container.decode(stream)):
            if index in frames:
                small = frame.reformat(width=width, height=height, format="yuvj420p")
                found[index] = b"".join(bytes(packet) for packet in encoder.encode(small))
            if index >= last:
                break
    return found
