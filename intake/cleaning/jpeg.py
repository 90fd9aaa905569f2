"""Dropping a JPEG's metadata segments without decoding it: the picture stays bit-exact.

Used where a photo sits inside another file (a PDF) and re-encoding would mean rewriting
that file's picture description too.
"""

from __future__ import annotations

import struct

from intake.cleaning import CleaningFailed

_SOI = b"\xff\xd8"
_START_OF_SCAN = 0xDA
# APP0 (JFIF) and APP14 (Adobe) tell a decoder how to read the colours; APP2 may hold the
# ICC colour profile. Every other APPn (EXIF and GPS in APP1, XMP, maker notes, the
# multi-picture index with its own EXIF) and comments go.
_KEPT_APP_MARKERS = frozenset({0xE0, 0xEE})
_ICC_SIGNATURE = b"ICC_PROFILE\x00"
_COMMENT = 0xFE


def strip_jpeg_metadata(data: bytes) -> bytes:
    """Raises CleaningFailed for a stream that is not a well-formed JPEG header."""
    if not data.startswith(_SOI):
        raise CleaningFailed()
    out = bytearray(_SOI)
    position = 2
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise CleaningFailed()
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == _START_OF_SCAN:
            out += data[position:]
            return bytes(out)
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise CleaningFailed()
        segment = data[position:end]
        if not _is_metadata(marker, segment[4:]):
            out += segment
        position = end


def _is_metadata(marker: int, payload: bytes) -> bool:
    if marker == _COMMENT:
        return True
    if 0xE0 <= marker <= 0xEF:
        if marker == 0xE2:
            return not payload.startswith(_ICC_SIGNATURE)
        return marker not in _KEPT_APP_MARKERS
    return False
