"""Attachment checks: content decides the type, and photos leave without their metadata."""

from __future__ import annotations

import io
import pickle
import unicodedata
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, features
from PIL.PngImagePlugin import PngInfo

from intake.attachments import (
    ALLOWED_DESCRIPTION,
    AttachmentRejected,
    FileType,
    Limits,
    PreparedAttachment,
    prepare,
    safe_display_name,
    scrub_image,
    sniff,
)

JPEG_TYPE = FileType("image/jpeg", "jpg", True)
PNG_TYPE = FileType("image/png", "png", True)
GIF_TYPE = FileType("image/gif", "gif", True)
WEBP_TYPE = FileType("image/webp", "webp", True)
PDF_TYPE = FileType("application/pdf", "pdf", False)
TXT_TYPE = FileType("text/plain", "txt", False)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
CAMERA_MAKE = "SpyCamMakerX"
JPEG_COMMENT = b"COMMENT-MARKER-42"
XMP_MARKER = b"XMP-MARKER-42"


# --- fixtures built in code ---------------------------------------------------------------


def _exif_with_gps(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (100.0, 30.0, 15.0)
    return exif


def _two_colour_image(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Left half red, right half blue, so a rotation is visible in the pixels."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def _jpeg_with_metadata() -> bytes:
    out = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _two_colour_image().save(
        out,
        format="JPEG",
        exif=_exif_with_gps(),
        comment=JPEG_COMMENT,
        xmp=b"<x:xmpmeta>" + XMP_MARKER + b"</x:xmpmeta>",
        icc_profile=srgb,
    )
    return out.getvalue()


def _png(size: tuple[int, int] = (20, 20), text: str | None = None) -> bytes:
    info = PngInfo()
    if text is not None:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


# --- sniff ----------------------------------------------------------------------------------


def test_sniff_recognises_images_by_magic_bytes() -> None:
    # Given real encoded images
    gif = io.BytesIO()
    Image.new("P", (3, 3)).save(gif, format="GIF")
    # When / Then each is recognised from its content
    assert sniff(_jpeg_with_metadata()) == JPEG_TYPE
    assert sniff(_png()) == PNG_TYPE
    assert sniff(gif.getvalue()) == GIF_TYPE
    assert sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == WEBP_TYPE


def test_sniff_accepts_pdf_header_within_first_kilobyte_only() -> None:
    # Given PDFs with the header at the start and after some junk
    assert sniff(PDF_BYTES) == PDF_TYPE
    assert sniff(b"\x00" * 500 + PDF_BYTES) == PDF_TYPE
    # Then a header further in does not make binary junk a PDF
    assert sniff(b"\x00" * 1100 + PDF_BYTES) is None


def test_sniff_recognises_office_documents_in_zips() -> None:
    # Given OOXML and ODF documents built as zips
    content_types = {"[Content_Types].xml": b"<Types/>"}
    xlsx = _zip({**content_types, "xl/workbook.xml": b"<workbook/>"})
    pptx = _zip({**content_types, "ppt/presentation.xml": b"<p/>"})
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<c/>"})
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    # When / Then
    assert sniff(_docx()) == FileType(DOCX_MIME, "docx", False)
    assert sniff(xlsx) == FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False
    )
    assert sniff(pptx) == FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", False
    )
    assert sniff(odt) == FileType("application/vnd.oasis.opendocument.text", "odt", False)
    assert sniff(ods) == FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", False)


@pytest.mark.parametrize(
    "members",
    [
        {"readme.txt": b"hello", "payload.exe": b"MZ\x90\x00"},
        {"[Content_Types].xml": b"<Types/>", "other/x.xml": b"<x/>"},
        {"mimetype": b"application/zip"},
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
        },
        {"mimetype": b"application/vnd.oasis.opendocument.text", "Basic/Standard/m.xml": b"<m/>"},
    ],
    ids=["random-zip", "ooxml-without-part", "odf-other-mimetype", "docm-macros", "odt-macros"],
)
def test_sniff_rejects_zips_that_are_not_plain_documents(members: dict[str, bytes]) -> None:
    # Given a zip that is an archive, an unknown package or a macro document
    data = _zip(members)
    # Then it is not allowed
    assert sniff(data) is None


def test_sniff_rejects_corrupt_zip() -> None:
    # Given bytes that start like a zip but are not one
    data = b"PK\x03\x04" + b"\x00" * 200
    # Then no exception escapes and the file is not allowed
    assert sniff(data) is None


def test_sniff_recognises_audio_and_video() -> None:
    # Given MP3 (ID3 and bare frame) and ISO media headers with various brands
    assert sniff(b"ID3\x04\x00\x00\x00\x00\x00\x00") == FileType("audio/mpeg", "mp3", False)
    assert sniff(b"\xff\xfb\x90\x64" + b"\x00" * 100) == FileType("audio/mpeg", "mp3", False)
    assert sniff(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00") == FileType("video/mp4", "mp4", False)
    assert sniff(b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00") == FileType("audio/mp4", "m4a", False)
    assert sniff(b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00") == FileType(
        "video/quicktime", "mov", False
    )


def test_sniff_rejects_heic_photos_that_look_like_mp4() -> None:
    # Given an iPhone HEIC header (an ISO box file whose EXIF this module cannot scrub)
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    # Then it is not let through as a video
    assert sniff(data) is None


def test_sniff_rejects_invalid_mpeg_frame_header() -> None:
    # Given a frame sync followed by reserved field values
    assert sniff(b"\xff\xff\xff\xff" + b"\x00" * 10) is None
    assert sniff(b"\xff\xe9\x00\x00") is None  # version bits 01 are reserved


def test_sniff_accepts_thai_plain_text() -> None:
    # Given a UTF-8 complaint in Thai with tabs, CRLF and a BOM
    data = "\ufeffเรื่อง: ถนนชำรุด\r\n\tรายละเอียด...\f".encode()
    # Then it is plain text
    assert sniff(data) == TXT_TYPE


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  \n<html><body>hi</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "\ufeff\n  <?xml version='1.0'?><svg/>".encode(),
        b"#!/bin/sh\nrm -rf /\n",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
        b"\x7fELF\x02\x01\x01\x00",
        b"hello\x00world",
        b"bell\x07here",
        b"caf\xe9 latin-1",
        b"",
    ],
    ids=[
        "html",
        "html-leading-space",
        "svg",
        "xml-bom",
        "shebang",
        "exe",
        "elf",
        "nul",
        "control",
        "not-utf8",
        "empty",
    ],
)
def test_sniff_rejects_markup_executables_and_binary(data: bytes) -> None:
    # When sniffing something outside the allow-list
    # Then it is refused
    assert sniff(data) is None


def test_allowed_description_lists_main_types() -> None:
    for label in ("JPG", "PNG", "PDF", "DOCX", "TXT", "MP3", "MP4"):
        assert label in ALLOWED_DESCRIPTION


# --- safe_display_name ------------------------------------------------------------------------


def test_display_name_keeps_thai_names() -> None:
    assert safe_display_name("ภาพถ่าย ถนน.jpg", JPEG_TYPE) == "ภาพถ่าย ถนน.jpg"


@pytest.mark.parametrize(
    ("filename", "ftype", "expected"),
    [
        ("../../etc/passwd.txt", TXT_TYPE, "passwd.txt"),
        ("C:\\x\\y.pdf", PDF_TYPE, "y.pdf"),
        ("..\\..//evil.pdf", PDF_TYPE, "evil.pdf"),
        ("report.docx", PDF_TYPE, "report.docx.pdf"),
        ("photo.JPEG", JPEG_TYPE, "photo.JPEG"),
        ("photo.jpeg", JPEG_TYPE, "photo.jpeg"),
        ("scan.PDF", PDF_TYPE, "scan.PDF"),
        ("photo.png", JPEG_TYPE, "photo.png.jpg"),
        ("notes", TXT_TYPE, "notes.txt"),
        ("", JPEG_TYPE, "file.jpg"),
        ("...", PDF_TYPE, "file.pdf"),
        (".jpg", JPEG_TYPE, "file.jpg"),
        ("../", PDF_TYPE, "file.pdf"),
        ('a<b>c:d"e|f?g*h.pdf', PDF_TYPE, "abcdefgh.pdf"),
        ("  many \t\n  spaces   here .pdf", PDF_TYPE, "many spaces here.pdf"),
        ("bad\x00\x1b\x7fname.pdf", PDF_TYPE, "badname.pdf"),
        ("invoice\u202efdp.exe", PDF_TYPE, "invoicefdp.exe.pdf"),
        (".bashrc", TXT_TYPE, "bashrc.txt"),
    ],
)
def test_display_name_is_cleaned(filename: str, ftype: FileType, expected: str) -> None:
    assert safe_display_name(filename, ftype) == expected


def test_display_name_is_nfc_normalised() -> None:
    # Given a name in decomposed form (as macOS sends it)
    decomposed = "cafe\u0301.txt"
    # Then the stored name is composed
    assert safe_display_name(decomposed, TXT_TYPE) == "caf\u00e9.txt"


def test_display_name_is_shortened_keeping_the_extension() -> None:
    # Given a very long Thai name
    name = "ก" * 300 + ".pdf"
    # When cleaned
    result = safe_display_name(name, PDF_TYPE)
    # Then it fits and still ends with the real extension
    assert len(result) == 120
    assert result.endswith(".pdf")
    assert result.startswith("ก")


def test_display_name_shortened_after_appending_the_real_extension() -> None:
    result = safe_display_name("x" * 200 + ".docx", PDF_TYPE)
    assert len(result) <= 120
    assert result.endswith(".pdf")


@given(st.text(max_size=300))
def test_display_name_is_always_safe(filename: str) -> None:
    # For any name a browser might send
    result = safe_display_name(filename, PDF_TYPE)
    # Then it is short, has no separators, reserved or control chars, and says what it is
    assert 0 < len(result) <= 120
    assert result.lower().endswith(".pdf")
    assert not set(result) & set('/\\<>:"|?*')
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs") for c in result)
    assert not result.startswith((".", " "))
    assert result == unicodedata.normalize("NFC", result)


# --- scrub_image ------------------------------------------------------------------------------


def test_scrub_removes_exif_gps_comment_xmp_and_icc_from_jpeg() -> None:
    # Given a JPEG whose EXIF carries a camera make, GPS and an orientation
    original = _jpeg_with_metadata()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert before.getexif()[ExifTags.Base.Make] == CAMERA_MAKE
        assert "icc_profile" in before.info
    for marker in (b"Exif", CAMERA_MAKE.encode(), JPEG_COMMENT, XMP_MARKER):
        assert marker in original
    # When scrubbed
    scrubbed = scrub_image(original, JPEG_TYPE, max_pixels=1_000_000)
    # Then no metadata is left, in the parsed image or in the raw bytes
    assert b"Exif" not in scrubbed
    assert CAMERA_MAKE.encode() not in scrubbed
    assert JPEG_COMMENT not in scrubbed
    assert XMP_MARKER not in scrubbed
    with Image.open(io.BytesIO(scrubbed)) as after:
        assert after.format == "JPEG"
        assert len(after.getexif()) == 0
        assert not after.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        for key in ("exif", "icc_profile", "xmp", "comment"):
            assert key not in after.info


def test_scrub_keeps_the_photo_upright() -> None:
    # Given a 40x20 JPEG (red left, blue right) tagged "rotate 90 degrees clockwise"
    original = _jpeg_with_metadata()
    # When scrubbed
    scrubbed = scrub_image(original, JPEG_TYPE, max_pixels=1_000_000)
    # Then the stored pixels are rotated: 20 wide, 40 tall, red now on top
    with Image.open(io.BytesIO(scrubbed)) as after:
        assert after.size == (20, 40)
        after.load()
        top = after.convert("RGB").getpixel((10, 5))
        bottom = after.convert("RGB").getpixel((10, 35))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_scrub_removes_png_text_chunks() -> None:
    # Given a PNG with a tEXt chunk carrying a marker
    marker = "PNG-TEXT-MARKER-77"
    original = _png(text=marker)
    assert marker.encode() in original
    # When scrubbed
    scrubbed = scrub_image(original, PNG_TYPE, max_pixels=1_000_000)
    # Then the marker is gone and the picture is intact
    assert marker.encode() not in scrubbed
    with Image.open(io.BytesIO(scrubbed)) as after:
        assert after.format == "PNG"
        assert after.size == (20, 20)
        assert after.convert("RGB").getpixel((5, 5)) == (0, 128, 0)


def test_scrub_keeps_png_transparency() -> None:
    # Given a palette PNG with a transparent colour (part of the picture, not metadata)
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=1)
    # When scrubbed
    scrubbed = scrub_image(out.getvalue(), PNG_TYPE, max_pixels=1_000)
    # Then the transparency survives
    with Image.open(io.BytesIO(scrubbed)) as after:
        assert after.info.get("transparency") == 1


def test_scrub_reduces_gif_to_first_frame_without_comment() -> None:
    # Given an animated GIF with a comment
    frames = [Image.new("P", (8, 8), colour) for colour in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(
        out, format="GIF", save_all=True, append_images=frames[1:], comment=b"GIF-MARKER-9"
    )
    assert b"GIF-MARKER-9" in out.getvalue()
    # When scrubbed
    scrubbed = scrub_image(out.getvalue(), GIF_TYPE, max_pixels=1_000)
    # Then one still frame is left and the comment is gone
    assert b"GIF-MARKER-9" not in scrubbed
    with Image.open(io.BytesIO(scrubbed)) as after:
        assert after.format == "GIF"
        assert getattr(after, "n_frames", 1) == 1


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_scrub_removes_webp_exif() -> None:
    # Given a WebP carrying EXIF with GPS
    out = io.BytesIO()
    _two_colour_image().save(out, format="WEBP", exif=_exif_with_gps(orientation=1))
    assert CAMERA_MAKE.encode() in out.getvalue()
    # When scrubbed
    scrubbed = scrub_image(out.getvalue(), WEBP_TYPE, max_pixels=1_000_000)
    # Then it is still a WebP of the same size, without EXIF
    assert CAMERA_MAKE.encode() not in scrubbed
    assert b"EXIF" not in scrubbed
    with Image.open(io.BytesIO(scrubbed)) as after:
        assert after.format == "WEBP"
        assert after.size == (40, 20)
        assert len(after.getexif()) == 0


def test_scrub_rejects_truncated_jpeg() -> None:
    # Given a JPEG cut in the middle of its pixel data
    data = _jpeg_with_metadata()
    truncated = data[: len(data) - 200]
    # Then it is rejected as a bad image
    with pytest.raises(AttachmentRejected) as caught:
        scrub_image(truncated, JPEG_TYPE, max_pixels=1_000_000)
    assert caught.value.code == "image"


def test_scrub_rejects_garbage_after_magic_bytes() -> None:
    with pytest.raises(AttachmentRejected) as caught:
        scrub_image(b"\xff\xd8\xff" + b"\x00" * 50, JPEG_TYPE, max_pixels=1_000_000)
    assert caught.value.code == "image"


def test_scrub_rejects_image_of_another_format_than_sniffed() -> None:
    # Given PNG bytes claimed to be a JPEG
    with pytest.raises(AttachmentRejected) as caught:
        scrub_image(_png(), JPEG_TYPE, max_pixels=1_000_000)
    assert caught.value.code == "image"


def test_scrub_rejects_too_many_pixels() -> None:
    # Given a 20x20 PNG and a limit of 100 pixels
    with pytest.raises(AttachmentRejected) as caught:
        scrub_image(_png((20, 20)), PNG_TYPE, max_pixels=100)
    assert caught.value.code == "image"
    # And exactly at the limit it passes
    assert scrub_image(_png((10, 10)), PNG_TYPE, max_pixels=100)


@pytest.mark.parametrize("size", [(15, 10), (20, 20)], ids=["bomb-warning", "bomb-error"])
def test_scrub_turns_pillow_decompression_bomb_into_rejection(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    # Given Pillow's own bomb limit is below the image (warning above it, error above twice)
    data = _png(size)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    # When scrubbed with a generous module limit
    # Then the bomb check becomes a rejection rather than a warning or a crash
    with pytest.raises(AttachmentRejected) as caught:
        scrub_image(data, PNG_TYPE, max_pixels=1_000_000)
    assert caught.value.code == "image"


def test_scrub_refuses_non_image_types() -> None:
    with pytest.raises(ValueError, match="not an image") as caught:
        scrub_image(PDF_BYTES, PDF_TYPE, max_pixels=1_000_000)
    assert not isinstance(caught.value, AttachmentRejected)


# --- prepare ----------------------------------------------------------------------------------


def test_prepare_accepts_and_scrubs_in_order() -> None:
    # Given a photo, a PDF and a Thai text file
    files = [
        ("ภาพถ่าย ถนน.jpg", _jpeg_with_metadata()),
        ("C:\\Users\\me\\หลักฐาน.pdf", PDF_BYTES),
        ("บันทึก.txt", "ข้อความ".encode()),
    ]
    # When prepared
    result = prepare(files, Limits())
    # Then order, names and types are kept, and only the photo was rewritten
    assert [item.name for item in result] == ["ภาพถ่าย ถนน.jpg", "หลักฐาน.pdf", "บันทึก.txt"]
    assert [item.mime for item in result] == ["image/jpeg", "application/pdf", "text/plain"]
    assert [item.metadata_removed for item in result] == [True, False, False]
    assert b"Exif" not in result[0].data
    assert result[1].data == PDF_BYTES
    assert result[2] == PreparedAttachment("บันทึก.txt", "text/plain", "ข้อความ".encode(), False)


def test_prepare_can_leave_images_untouched() -> None:
    original = _jpeg_with_metadata()
    result = prepare([("a.jpg", original)], Limits(), scrub_images=False)
    assert result == [PreparedAttachment("a.jpg", "image/jpeg", original, False)]


def test_prepare_skips_unused_file_inputs() -> None:
    # Given two empty inputs around one real file, and a limit of one file
    files = [("", b""), ("a.pdf", PDF_BYTES), ("", b"")]
    # Then the empty inputs neither count nor appear
    result = prepare(files, Limits(max_files=1))
    assert [item.name for item in result] == ["a.pdf"]


def test_prepare_names_unnamed_data_by_type() -> None:
    result = prepare([("", PDF_BYTES)], Limits())
    assert result[0].name == "file.pdf"


def test_prepare_rejects_too_many_files() -> None:
    files = [(f"{i}.pdf", PDF_BYTES) for i in range(3)]
    with pytest.raises(AttachmentRejected) as caught:
        prepare(files, Limits(max_files=2))
    assert (caught.value.code, caught.value.filename) == ("too_many", "")
    assert len(prepare(files, Limits(max_files=3))) == 3


def test_prepare_rejects_named_empty_file() -> None:
    with pytest.raises(AttachmentRejected) as caught:
        prepare([("a.pdf", PDF_BYTES), ("../blank.pdf", b"")], Limits())
    assert (caught.value.code, caught.value.filename) == ("empty", "blank.pdf")


def test_prepare_rejects_file_over_per_file_limit() -> None:
    big = PDF_BYTES + b"0" * 100
    limits = Limits(max_bytes=len(big) - 1)
    with pytest.raises(AttachmentRejected) as caught:
        prepare([("big.pdf", big)], limits)
    assert (caught.value.code, caught.value.filename) == ("too_big", "big.pdf")
    assert prepare([("big.pdf", big)], Limits(max_bytes=len(big)))


def test_prepare_rejects_total_over_limit_by_original_size() -> None:
    # Given two files that each fit but together exceed the total
    limits = Limits(max_total_bytes=2 * len(PDF_BYTES) - 1)
    files = [("a.pdf", PDF_BYTES), ("b.pdf", PDF_BYTES)]
    with pytest.raises(AttachmentRejected) as caught:
        prepare(files, limits)
    assert (caught.value.code, caught.value.filename) == ("total_too_big", "")
    assert prepare(files, Limits(max_total_bytes=2 * len(PDF_BYTES)))


def test_prepare_total_counts_original_not_scrubbed_size() -> None:
    # Given a JPEG whose scrubbed form is smaller than the original
    original = _jpeg_with_metadata()
    scrubbed = scrub_image(original, JPEG_TYPE, max_pixels=1_000_000)
    assert len(scrubbed) < len(original)
    # When the total limit lies between the two sizes
    limits = Limits(max_total_bytes=len(original) - 1)
    # Then the original size decides
    with pytest.raises(AttachmentRejected) as caught:
        prepare([("a.jpg", original)], limits)
    assert caught.value.code == "total_too_big"


def test_prepare_rejects_html_renamed_to_jpg() -> None:
    html = b"<html><body><script>steal()</script></body></html>"
    with pytest.raises(AttachmentRejected) as caught:
        prepare([("photo.jpg", html)], Limits())
    assert (caught.value.code, caught.value.filename) == ("type", "photo.jpg")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60),
        ("archive.docx", _zip({"a.txt": b"a"})),
    ],
)
def test_prepare_rejects_disallowed_content_whatever_the_name(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentRejected) as caught:
        prepare([(name, data)], Limits())
    assert caught.value.code == "type"


def test_prepare_appends_real_extension_to_pdf_named_docx() -> None:
    result = prepare([("สัญญา.docx", PDF_BYTES)], Limits())
    assert result[0].name == "สัญญา.docx.pdf"
    assert result[0].mime == "application/pdf"


def test_prepare_accepts_docx_by_content() -> None:
    result = prepare([("รายงาน.docx", _docx())], Limits())
    assert result[0].mime == DOCX_MIME
    assert result[0].name == "รายงาน.docx"


def test_prepare_reports_bad_image_with_its_name() -> None:
    data = _jpeg_with_metadata()
    with pytest.raises(AttachmentRejected) as caught:
        prepare([("ok.pdf", PDF_BYTES), ("ภาพ.jpg", data[:-200])], Limits())
    assert (caught.value.code, caught.value.filename) == ("image", "ภาพ.jpg")


def test_prepare_applies_pixel_limit() -> None:
    with pytest.raises(AttachmentRejected) as caught:
        prepare([("big.png", _png((20, 20)))], Limits(max_image_pixels=100))
    assert (caught.value.code, caught.value.filename) == ("image", "big.png")


def test_rejection_is_a_value_error_that_pickles() -> None:
    error = AttachmentRejected("type", "x.jpg")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert isinstance(copy, AttachmentRejected)
    assert (copy.code, copy.filename) == ("type", "x.jpg")
    assert "type" in str(error) and "x.jpg" in str(error)
