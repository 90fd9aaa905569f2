"""Checking uploaded attachments before they are encrypted and stored.

Files are allowed by what their bytes are, never by their name or the browser's content
type, and photos lose their metadata because a photo's GPS position or camera serial can
identify the whistleblower who took it. On the tip channel every type is cleaned
(intake.cleaning); a file that cannot be cleaned is refused, never kept as sent.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from intake.cleaning import AS_SENT, IMAGE_REPORT, CleaningFailed, Report
from intake.cleaning.by_type import clean as clean_by_type

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class FileType:
    """What a file really is, decided from its content."""

    mime: str
    extension: str
    is_image: bool


@dataclass(frozen=True)
class Limits:
    """Upload limits; one complaint may carry a few photos and documents, not an archive."""

    max_files: int = 5
    max_bytes: int = 10 * 1024 * 1024
    max_total_bytes: int = 25 * 1024 * 1024
    max_image_pixels: int = 40_000_000


def limits_for(max_files: int, max_file_mb: int, max_image_pixels: int) -> Limits:
    """An organisation's limits (its settings: files per case, size of each): in all, two
    and a half times one file's size."""
    per_file = max_file_mb * 1024 * 1024
    return Limits(
        max_files=max_files,
        max_bytes=per_file,
        max_total_bytes=per_file * 2 + per_file // 2,
        max_image_pixels=max_image_pixels,
    )


RejectionCode = Literal[
    "empty",
    "too_big",
    "too_many",
    "total_too_big",
    "type",
    "image",
    # Cleaning: unreadable to the cleaner, holds other files, or the cleaner is missing.
    "not_cleanable",
    "embedded",
    "cleaner_unavailable",
]


class AttachmentRejected(ValueError):
    """An upload the form must refuse; `code` lets the view pick a translated message."""

    def __init__(self, code: RejectionCode, filename: str = "") -> None:
        # Both go to args so the exception pickles and compares like any ValueError.
        super().__init__(code, filename)
        self.code: RejectionCode = code
        self.filename = filename

    def __str__(self) -> str:
        suffix = f": {self.filename}" if self.filename else ""
        return f"attachment rejected ({self.code}){suffix}"


@dataclass(frozen=True)
class PreparedAttachment:
    """An accepted file, ready for encryption; `data` is already cleaned where `report`
    says so."""

    name: str
    mime: str
    data: bytes
    metadata_removed: bool
    report: Report = AS_SENT


ALLOWED_DESCRIPTION = "JPG, PNG, GIF, WebP, PDF, DOCX, XLSX, PPTX, ODT, ODS, TXT, MP3, MP4/M4A/MOV"

JPEG = FileType("image/jpeg", "jpg", True)
PNG = FileType("image/png", "png", True)
GIF = FileType("image/gif", "gif", True)
WEBP = FileType("image/webp", "webp", True)
PDF = FileType("application/pdf", "pdf", False)
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", False
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", False
)
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", False)
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", False)
MP3 = FileType("audio/mpeg", "mp3", False)
M4A = FileType("audio/mp4", "m4a", False)
MOV = FileType("video/quicktime", "mov", False)
MP4 = FileType("video/mp4", "mp4", False)
TXT = FileType("text/plain", "txt", False)

_OOXML_PREFIXES = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_MIMETYPES = {ODT.mime.encode(): ODT, ODS.mime.encode(): ODS}
# HEIF/AVIF photos share the ISO box layout with MP4 but carry EXIF/GPS that this module
# cannot scrub, so they must not slip through as "video/mp4".
_ISO_IMAGE_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
)
_FORBIDDEN_TEXT_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_LEADING_BLANK = re.compile(r"^[\s\ufeff]*")
_PATH_SEPARATORS = re.compile(r"[/\\]")
_FORBIDDEN_NAME_CHARS = frozenset('<>:"|?*')
_DROPPED_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_MAX_NAME_LENGTH = 120
_EQUIVALENT_EXTENSIONS = {"jpg": frozenset({"jpg", "jpeg"})}
_PIL_FORMATS = {JPEG.mime: "JPEG", PNG.mime: "PNG", GIF.mime: "GIF", WEBP.mime: "WEBP"}
# Image.info keys that are part of the picture rather than metadata about it.
_KEPT_IMAGE_INFO = frozenset({"transparency"})


def sniff(data: bytes) -> FileType | None:
    """The allowed type these bytes really are, or None; names and browsers can lie."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(b"ID3") or _is_mpeg_frame_header(data[:4]):
        return MP3
    if data[4:8] == b"ftyp":
        return _sniff_iso_media(data[8:12])
    return _sniff_text(data)


def _sniff_zip(data: bytes) -> FileType | None:
    """Office documents are zips; any other zip is an archive we cannot look inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                # Macro projects are the classic way to turn a document into a program.
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return None
                for prefix, ftype in _OOXML_PREFIXES:
                    if any(name.startswith(prefix) for name in names):
                        return ftype
                return None
            if "mimetype" in names:
                if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                    return None
                with archive.open("mimetype") as member:
                    # A bounded read: a "mimetype" member could be a zip bomb.
                    declared = member.read(128).strip()
                return _ODF_MIMETYPES.get(declared)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        ValueError,
        NotImplementedError,
        KeyError,
    ):
        return None
    return None


def _is_mpeg_frame_header(head: bytes) -> bool:
    """An MPEG audio frame sync with valid fields; the bare 11-bit sync matches too much."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0x03
    layer = (head[1] >> 1) & 0x03
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0x03
    return version != 0x01 and layer != 0x00 and bitrate != 0x0F and sample_rate != 0x03


def _sniff_iso_media(brand: bytes) -> FileType | None:
    """MP4-family containers, told apart by their major brand."""
    if brand in _ISO_IMAGE_BRANDS:
        return None
    if brand.startswith(b"M4A"):
        return M4A
    if brand == b"qt  ":
        return MOV
    return MP4


def _sniff_text(data: bytes) -> FileType | None:
    """Plain UTF-8 text, but not markup or scripts that a browser or shell would run."""
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _FORBIDDEN_TEXT_CHARS.search(text):
        return None
    blank = _LEADING_BLANK.match(text)
    start = blank.end() if blank else 0
    # HTML, SVG and XML are text too, but can carry script; a shebang marks a script.
    if text.startswith(("<", "#!"), start):
        return None
    return TXT


def _clean_name(filename: str) -> str:
    """The last path component without control or reserved characters; may be empty."""
    last = _PATH_SEPARATORS.split(filename)[-1]
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", last):
        if char.isspace():
            kept.append(" ")
        elif char in _FORBIDDEN_NAME_CHARS:
            continue
        elif unicodedata.category(char) in _DROPPED_NAME_CATEGORIES:
            # Format characters include bidi overrides that disguise "gpj.exe" as "exe.jpg".
            continue
        else:
            kept.append(char)
    # Normalised again: dropping a format character can leave a composable pair behind.
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


def safe_display_name(filename: str, ftype: FileType) -> str:
    """A name safe to show and to offer as a download, ending in what the file really is."""
    cleaned = _clean_name(filename)
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        stem, extension = cleaned, ""
    allowed = _EQUIVALENT_EXTENSIONS.get(ftype.extension, frozenset({ftype.extension}))
    if extension.lower() not in allowed:
        # Keep the claimed extension visible ("report.docx.pdf") so staff see the mismatch.
        stem, extension = cleaned, ftype.extension
    # Leading dots would hide the file on download; trailing ones confuse Windows.
    stem = stem.strip(" .")
    stem = stem[: _MAX_NAME_LENGTH - 1 - len(extension)].rstrip(" .")
    if not stem:
        return f"file.{ftype.extension}"
    return f"{stem}.{extension}"


def scrub_image(data: bytes, ftype: FileType, max_pixels: int) -> bytes:
    """Re-encode an image from its pixels alone so EXIF, GPS, XMP, ICC and comments are gone.

    Raises AttachmentRejected("image") for corrupt, truncated or oversized pictures. The
    size is checked from the header, before any pixels are decoded.
    """
    # Pillow loads with the first picture: most requests a worker serves never need it.
    from PIL import Image, ImageOps

    pil_format = _PIL_FORMATS.get(ftype.mime)
    if pil_format is None:
        raise ValueError(f"not an image type: {ftype.mime}")
    # Pillow reports oversized images with a DecompressionBombWarning; turn that into an
    # exception so it becomes a rejection, and keep other Pillow warnings (e.g. corrupt
    # EXIF) from escaping. catch_warnings swaps process-wide filters, which is acceptable
    # here because the only effect on other threads is a briefly changed warning filter.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[pil_format]) as source:
                width, height = source.size
                if width * height > max_pixels:
                    raise AttachmentRejected("image")
                # For GIF and WebP this decodes only the first frame: animations are
                # reduced to a still picture, which is all a complaint needs.
                source.load()
                try:
                    picture = ImageOps.exif_transpose(source)
                except Exception:
                    # Broken EXIF should not cost the photo; only its orientation is lost.
                    picture = source.copy()
            return _encode_without_metadata(picture, pil_format)
        except AttachmentRejected:
            raise
        except Exception as exc:
            # Pillow raises many types (OSError, SyntaxError, struct.error, ...) for bad input.
            raise AttachmentRejected("image") from exc


def _encode_without_metadata(picture: Image.Image, pil_format: str) -> bytes:
    """Save only the pixels; Pillow would otherwise copy some info keys (comments, ICC)."""
    clean = picture.copy()
    clean.info = {key: value for key, value in picture.info.items() if key in _KEPT_IMAGE_INFO}
    options: dict[str, Any] = {}
    if pil_format == "JPEG":
        options = {"quality": 90, "exif": b""}
    elif pil_format == "WEBP":
        options = {"quality": 90, "exif": b"", "xmp": b""}
    elif pil_format == "PNG":
        options = {"exif": b""}
    out = io.BytesIO()
    clean.save(out, format=pil_format, **options)
    return out.getvalue()


def prepare(
    files: Sequence[tuple[str, bytes]],
    limits: Limits,
    scrub_images: bool = True,
    clean_all_types: bool = False,
) -> list[PreparedAttachment]:
    """Check a whole upload and return what may be stored, in the order given.

    `clean_all_types` (the tip channel) removes metadata from every type and refuses a
    file it cannot clean; otherwise only images are scrubbed, when `scrub_images`.
    Cheap checks (count, sizes, type) run for every file before any is cleaned, so a
    rejected upload costs little.
    """
    entries = [(name, data) for name, data in files if name or data]
    if len(entries) > limits.max_files:
        raise AttachmentRejected("too_many")
    checked: list[tuple[str, bytes, FileType]] = []
    for filename, data in entries:
        shown = _clean_name(filename)
        if not data:
            raise AttachmentRejected("empty", shown)
        if len(data) > limits.max_bytes:
            raise AttachmentRejected("too_big", shown)
        ftype = sniff(data)
        if ftype is None:
            raise AttachmentRejected("type", shown)
        checked.append((safe_display_name(filename, ftype), data, ftype))
    if sum(len(data) for _, data in entries) > limits.max_total_bytes:
        raise AttachmentRejected("total_too_big")
    prepared: list[PreparedAttachment] = []
    for name, data, ftype in checked:
        try:
            if ftype.is_image and (scrub_images or clean_all_types):
                stored, report = scrub_image(data, ftype, limits.max_image_pixels), IMAGE_REPORT
            elif clean_all_types:
                stored, report = _clean_document(data, ftype, limits)
            else:
                stored, report = data, AS_SENT
        except AttachmentRejected as exc:
            raise AttachmentRejected(exc.code, name) from exc
        prepared.append(PreparedAttachment(name, ftype.mime, stored, report.cleaned, report))
    return prepared


_CLEANING_REJECTIONS: dict[str, RejectionCode] = {
    "unavailable": "cleaner_unavailable",
    "embedded": "embedded",
}


def _clean_document(data: bytes, ftype: FileType, limits: Limits) -> tuple[bytes, Report]:
    """Any type but a top-level image; pictures inside documents are scrubbed like photos."""

    def clean_picture(picture: bytes) -> bytes | None:
        inner = sniff(picture)
        if inner is None or not inner.is_image:
            return None
        return scrub_image(picture, inner, limits.max_image_pixels)

    try:
        return clean_by_type(data, ftype.mime, clean_picture)
    except CleaningFailed as exc:
        raise AttachmentRejected(_CLEANING_REJECTIONS.get(exc.reason, "not_cleanable")) from exc
