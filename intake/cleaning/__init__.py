"""Removing identifying metadata from attachments without changing what they show.

A tipster's document or recording can name them even when they file anonymously: the
author and company of an office file, the GPS position and phone model in a video, the
artist and comment tags of a recording. Each accepted type has a cleaner here; each
returns the cleaned bytes and a `Report` of what it removed and what it cannot remove,
which is stored with the attachment and shown to the tipster and to staff.

Cleaners take and return bytes. Only video and M4A need a program (ffmpeg); when it is
missing those types are refused on the channels that clean, never kept as sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# What a report may name. The codes are stored; labels.METADATA gives their wording.
LOCATION = "location"
DEVICE = "device"
DATES = "dates"
AUTHOR = "author"
ORGANISATION = "organisation"
PROPERTIES = "properties"
COMMENTS = "comments"
REVISIONS = "revisions"
TAGS = "tags"
THUMBNAIL = "thumbnail"
PRINTER = "printer"
SCRIPTS = "scripts"
PICTURES = "pictures"
# What stays: what the file shows or plays, and pictures of kinds we cannot clean.
CONTENT = "content"
OTHER_PICTURES = "other_pictures"

REMOVABLE = (
    LOCATION,
    DEVICE,
    DATES,
    AUTHOR,
    ORGANISATION,
    PROPERTIES,
    COMMENTS,
    REVISIONS,
    TAGS,
    THUMBNAIL,
    PRINTER,
    SCRIPTS,
    PICTURES,
)
NOT_REMOVABLE = (CONTENT, OTHER_PICTURES)

# A picture cleaner handed in by the caller: bytes in, cleaned bytes out, or None when the
# bytes are not a picture it knows (they are then kept and reported as such).
PictureCleaner = Callable[[bytes], "bytes | None"]


class CleaningFailed(ValueError):
    """The file could not be cleaned (corrupt, encrypted, holds other files); refuse it."""

    def __init__(self, reason: str = "corrupt") -> None:
        super().__init__(reason)
        self.reason = reason


class CleanerUnavailable(CleaningFailed):
    """The program a type needs is not installed: refuse the type, never keep it."""

    def __init__(self) -> None:
        super().__init__("unavailable")


@dataclass(frozen=True)
class Report:
    """What cleaning did to one file. `cleaned` False means the file was kept as sent
    (the general channel does not clean every type)."""

    cleaned: bool
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    def encode(self) -> str:
        """A short value for the database: "" (as sent) or "cleaned:a,b;kept:c"."""
        if not self.cleaned:
            return ""
        return f"cleaned:{','.join(self.removed)};kept:{','.join(self.kept)}"

    @classmethod
    def decode(cls, value: str | None) -> Report:
        """Unknown codes are dropped, so an old row never shows an unlabelled word."""
        if not value or not value.startswith("cleaned:"):
            return AS_SENT
        removed_part, _, kept_part = value.removeprefix("cleaned:").partition(";kept:")
        removed = tuple(code for code in removed_part.split(",") if code in REMOVABLE)
        kept = tuple(code for code in kept_part.split(",") if code in NOT_REMOVABLE)
        return cls(True, removed, kept)


AS_SENT = Report(cleaned=False)
# Rows written before every type was cleaned carried only a "metadata removed" flag,
# which only images ever had.
IMAGE_REPORT = Report(True, (LOCATION, DEVICE, DATES, PROPERTIES), (CONTENT,))
TEXT_REPORT = Report(True, (), (CONTENT,))
