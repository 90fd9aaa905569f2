# ruff: noqa: E501  (sample XML parts are clearer on one line each)
"""Real files of every type the tip channel accepts, made in the test, each carrying the
metadata that identifies people in real life (author, company, GPS, phone model, tags)
next to content that must survive cleaning."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from mutagen.id3 import COMM, ID3, TDRC, TPE1, TXXX
from mutagen.mp4 import MP4
from openpyxl import Workbook
from openpyxl.comments import Comment
from PIL import ExifTags, Image

PERSON = "Somchai Jaidee"
COMPANY = "Provincial Office Bangkok"
PHONE_MAKE = "SpyPhoneMaker"
PHONE_MODEL = "SP-900"
GPS_ISO6709 = "+13.7563+100.5018/"
BODY_TEXT = "Evidence of the transfer 4242"
THAI_BODY = "หลักฐานการโอนเงิน"
COMMENT_TEXT = "reviewer remark 777"


def require_program(name: str) -> str:
    """The path of a Debian program a test needs: skipped in development when missing,
    a failure in CI (INTAKE_REQUIRE_ALL_TIERS=1)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is needed (Debian package: {'ffmpeg' if 'ff' in name else name})"
    if os.environ.get("INTAKE_REQUIRE_ALL_TIERS", "") not in ("", "0"):
        pytest.fail(message)
    pytest.skip(message)


def _ffmpeg(folder: Path, *arguments: str) -> None:
    ffmpeg = require_program("ffmpeg")
    subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", *arguments], check=True, cwd=folder)


def video(folder: Path, container: str) -> bytes:
    """A one-second test picture with sound, GPS, phone make and model, title and artist."""
    target = f"sample.{container}"
    _ffmpeg(
        folder,
        *("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10"),
        *("-f", "lavfi", "-i", "sine=frequency=440:duration=1"),
        *("-c:v", "mpeg4", "-c:a", "aac", "-shortest"),
        *("-metadata", f"location={GPS_ISO6709}", "-metadata", f"make={PHONE_MAKE}"),
        *("-metadata", f"model={PHONE_MODEL}", "-metadata", f"artist={PERSON}"),
        *("-metadata", "creation_time=2026-01-05T10:00:00Z"),
        target,
    )
    return (folder / target).read_bytes()


def m4a(folder: Path) -> bytes:
    """A voice-memo-like M4A with GPS and device in its container and iTunes-style tags."""
    _ffmpeg(
        folder,
        *("-f", "lavfi", "-i", "sine=frequency=440:duration=1"),
        *("-c:a", "aac", "-metadata", f"location={GPS_ISO6709}"),
        *("-metadata", f"make={PHONE_MAKE}", "-f", "ipod", "sample.m4a"),
    )
    path = folder / "sample.m4a"
    tags = MP4(path)
    tags["\xa9ART"] = [PERSON]
    tags["\xa9cmt"] = [COMMENT_TEXT]
    tags.save()
    return path.read_bytes()


def mp3(folder: Path) -> bytes:
    _ffmpeg(
        folder,
        *("-f", "lavfi", "-i", "sine=frequency=440:duration=1"),
        *("-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0", "sample.mp3"),
    )
    path = folder / "sample.mp3"
    tags = ID3()
    tags.add(TPE1(encoding=3, text=[PERSON]))
    tags.add(COMM(encoding=3, lang="tha", desc="", text=[COMMENT_TEXT]))
    tags.add(TDRC(encoding=3, text=["2026-01-05"]))
    tags.add(TXXX(encoding=3, desc="device", text=[PHONE_MODEL]))
    tags.save(path)
    return path.read_bytes()


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = PHONE_MAKE
    exif[ExifTags.Base.Model] = PHONE_MODEL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 22.0)
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def pdf() -> bytes:
    """A one-page PDF with text, an Info dictionary, XMP, a commented annotation by a
    named person, a photo with EXIF GPS, document JavaScript and an embedded file."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(300, 200))
    page = document.pages[0]
    font = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    photo = photo_with_gps()
    image = pikepdf.Stream(document, photo)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 32, 24, 8
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Im1=image)
    )
    content = f"BT /F1 12 Tf 20 150 Td ({BODY_TEXT}) Tj ET q 32 0 0 24 20 20 cm /Im1 Do Q"
    page.Contents = document.make_stream(content.encode())
    page.Annots = document.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Text,
                    Rect=[10, 10, 30, 30],
                    Contents=pikepdf.String(COMMENT_TEXT),
                    T=pikepdf.String(PERSON),
                    M=pikepdf.String("D:20260105100000+07'00'"),
                )
            ]
        )
    )
    document.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(
            Names=[
                pikepdf.String("hello"),
                pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")),
            ]
        )
    )
    document.attachments["notes.txt"] = pikepdf.AttachedFileSpec(document, f"by {PERSON}".encode())
    with document.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = [PERSON]
        xmp["xmp:CreatorTool"] = PHONE_MODEL
    document.docinfo["/Author"] = PERSON
    document.docinfo["/Creator"] = PHONE_MODEL
    document.docinfo["/Company"] = COMPANY
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


CORE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:creator>{PERSON}</dc:creator><cp:lastModifiedBy>{PERSON}</cp:lastModifiedBy>
<cp:revision>17</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T10:00:00Z</dcterms:created>
</cp:coreProperties>""".encode()
APP_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Company>{COMPANY}</Company><Manager>{PERSON}</Manager><Application>{PHONE_MODEL}</Application>
</Properties>""".encode()
CUSTOM_XML = f'<Properties><property name="Owner"><vt:lpwstr>{PERSON}</vt:lpwstr></property></Properties>'.encode()
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx() -> bytes:
    """A Word document by hand: a paragraph, a tracked insertion and a comment by a named
    person, editing-session ids, a template path with a user name, a photo with GPS."""
    document = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>
<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:commentRangeStart w:id="0"/><w:r><w:t>{BODY_TEXT} {THAI_BODY}</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>
<w:ins w:id="1" w:author="{PERSON}" w:date="2026-01-05T10:00:00Z"><w:r><w:t>inserted words</w:t></w:r></w:ins></w:p>
</w:body></w:document>""".encode()
    comments = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments {W}><w:comment w:id="0" w:author="{PERSON}" w:initials="SJ"><w:p><w:r><w:t>{COMMENT_TEXT}</w:t></w:r></w:p></w:comment></w:comments>""".encode()
    settings = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:attachedTemplate r:id="rId1"/><w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/></w:rsids></w:settings>""".encode()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip(
        {
            "[Content_Types].xml": b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>""",
            "_rels/.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="{rel}/custom-properties" Target="docProps/custom.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>""".encode(),
            "word/document.xml": document,
            "word/comments.xml": comments,
            "word/settings.xml": settings,
            "word/_rels/document.xml.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="{rel}/comments" Target="comments.xml"/><Relationship Id="rId6" Type="{rel}/image" Target="media/image1.jpeg"/></Relationships>""".encode(),
            "word/_rels/settings.xml.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/attachedTemplate" Target="file:///C:\\Users\\{PERSON}\\Templates\\Normal.dotm" TargetMode="External"/></Relationships>""".encode(),
            "word/media/image1.jpeg": photo_with_gps(),
            "docProps/core.xml": CORE_XML,
            "docProps/app.xml": APP_XML,
            "docProps/custom.xml": CUSTOM_XML,
        }
    )


def xlsx() -> bytes:
    """A workbook made by openpyxl with creator, last editor and a cell comment, plus the
    company that Excel writes into app.xml."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = BODY_TEXT
    sheet["B2"] = 4242
    sheet["A1"].comment = Comment(COMMENT_TEXT, PERSON)
    workbook.properties.creator = PERSON
    workbook.properties.lastModifiedBy = PERSON
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["docProps/app.xml"] = APP_XML
    return _zip(members)


def pptx() -> bytes:
    """A presentation by hand: one slide's text, a comment and its author list."""
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/commentAuthors.xml" ContentType="application/xml"/></Types>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
            "ppt/presentation.xml": b'<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
            "ppt/slides/slide1.xml": f'<?xml version="1.0"?><p:sld xmlns:p="p" xmlns:a="a"><a:t>{BODY_TEXT}</a:t></p:sld>'.encode(),
            "ppt/slides/_rels/slide1.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments/comment1.xml"/></Relationships>',
            "ppt/comments/comment1.xml": f'<p:cmLst xmlns:p="p"><p:cm authorId="0"><p:text>{COMMENT_TEXT}</p:text></p:cm></p:cmLst>'.encode(),
            "ppt/commentAuthors.xml": f'<p:cmAuthorLst xmlns:p="p"><p:cmAuthor id="0" name="{PERSON}" initials="SJ"/></p:cmAuthorLst>'.encode(),
            "docProps/core.xml": CORE_XML,
            "docProps/app.xml": APP_XML,
        }
    )


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"'
)


def odt() -> bytes:
    """A text document by hand: a paragraph, a comment by a named person, meta.xml with
    creator and dates, a printer name in the settings and a thumbnail."""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ODF_NS}><office:body><office:text>
<text:p>{BODY_TEXT} {THAI_BODY}<office:annotation><dc:creator>{PERSON}</dc:creator><dc:date>2026-01-05T10:00:00</dc:date><text:p>{COMMENT_TEXT}</text:p></office:annotation></text:p>
</office:text></office:body></office:document-content>""".encode()
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {ODF_NS}><office:meta><meta:initial-creator>{PERSON}</meta:initial-creator><dc:creator>{PERSON}</dc:creator><meta:generator>{PHONE_MODEL}</meta:generator><meta:creation-date>2026-01-05T10:00:00</meta:creation-date><meta:editing-cycles>9</meta:editing-cycles></office:meta></office:document-meta>""".encode()
    settings = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings {ODF_NS}><office:settings><config:config-item-set config:name="ooo:configuration-settings"><config:config-item config:name="PrinterName" config:type="string">{COMPANY} Floor 3</config:config-item></config:config-item-set></office:settings></office:document-settings>""".encode()
    thumbnail = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(thumbnail, format="PNG")
    manifest = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" manifest:media-type="image/png"/></manifest:manifest>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
        for name, data in {
            "content.xml": content,
            "meta.xml": meta,
            "settings.xml": settings,
            "Thumbnails/thumbnail.png": thumbnail.getvalue(),
            "Pictures/photo.jpg": photo_with_gps(),
            "META-INF/manifest.xml": manifest,
        }.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
