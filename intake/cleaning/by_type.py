"""Which cleaner each accepted type goes through, and which types can be cleaned now.

Per type, the lightest tool that removes everything we know of without re-encoding:
pikepdf for PDF, zip rewriting for office documents, mutagen for MP3, ffmpeg stream
copy for the MP4 family (the only type that needs a program on the server).
"""

from __future__ import annotations

from intake.cleaning import TEXT_REPORT, CleaningFailed, PictureCleaner, Report
from intake.cleaning.media import ISO_MUXERS, clean_iso_media, clean_mp3, ffmpeg_path
from intake.cleaning.office import clean_odf, clean_ooxml

_OOXML = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
_ODF = frozenset(
    {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"}
)


def clean(data: bytes, mime: str, clean_picture: PictureCleaner) -> tuple[bytes, Report]:
    """The cleaned bytes and what was done. Pictures are the caller's (clean_picture).

    Raises CleaningFailed (or CleanerUnavailable) when the file cannot be cleaned."""
    if mime == "application/pdf":
        # pikepdf costs a web worker 7 MB; it loads with the first PDF, not at start.
        from intake.cleaning.pdf import clean_pdf

        return clean_pdf(data)
    if mime in _OOXML:
        return clean_ooxml(data, clean_picture)
    if mime in _ODF:
        return clean_odf(data, clean_picture)
    if mime == "audio/mpeg":
        return clean_mp3(data)
    if mime in ISO_MUXERS:
        return clean_iso_media(data, mime)
    if mime == "text/plain":
        return data, TEXT_REPORT  # plain text has nowhere to hide metadata
    raise CleaningFailed("unknown type")


def unavailable_types() -> frozenset[str]:
    """Types that cannot be cleaned on this server now (ffmpeg missing)."""
    return frozenset() if ffmpeg_path() else frozenset(ISO_MUXERS)
