"""Office documents (OOXML: DOCX, XLSX, PPTX; ODF: ODT, ODS) are zips of XML parts.

The zip is rewritten part by part: the property parts (creator, last modified by,
company, manager, dates, revision count, editing time) are replaced by empty ones;
comments, their authors, custom properties, thumbnails, printer settings and revision
logs are left out together with the references to them; tracked-change authors and
dates and Word's editing-session ids are blanked in the body; pictures are cleaned by
the caller's picture cleaner. The body parts are otherwise copied byte for byte.
Files embedded in a document (other documents, OLE objects) cannot be cleaned here, so
such a document is refused rather than kept with their metadata.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from intake.cleaning import (
    AUTHOR,
    COMMENTS,
    CONTENT,
    DATES,
    DEVICE,
    LOCATION,
    ORGANISATION,
    OTHER_PICTURES,
    PICTURES,
    PRINTER,
    PROPERTIES,
    REVISIONS,
    THUMBNAIL,
    CleaningFailed,
    PictureCleaner,
    Report,
)

# A document's parts together may not unpack to more than this: a zip bomb stops here.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Zip timestamps say when each part was last saved: every part gets the zip epoch.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

_OOXML_REMOVED = (AUTHOR, ORGANISATION, DATES, DEVICE, PROPERTIES, COMMENTS, REVISIONS)
_ODF_REMOVED = (AUTHOR, DATES, DEVICE, PROPERTIES, COMMENTS, REVISIONS)
_ALWAYS_REMOVED_EXTRA = (THUMBNAIL, PRINTER, PICTURES, LOCATION)

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
    b'purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://'
    b'www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' office:version="1.2"><office:meta/></office:document-meta>'
)

# Parts left out of an OOXML package: comments and the people who wrote them, custom
# properties, thumbnails, printer settings (they name the printer), shared-workbook
# revision logs, and custom XML (SharePoint puts people and paths there).
_OOXML_DROPPED = re.compile(
    r"^(docProps/custom\.xml|docProps/thumbnail\.[^/]+"
    r"|word/(comments[^/]*|people)\.xml"
    r"|xl/comments[^/]*\.xml|xl/comments/.*|xl/threadedComments/.*|xl/persons/.*|xl/revisions/.*"
    r"|ppt/comments/.*|ppt/(commentAuthors|authors)\.xml"
    r"|(word|xl|ppt)/printerSettings/.*|customXml/.*)$"
)
_OOXML_MEDIA = re.compile(r"^(word|xl|ppt)/media/")
_OOXML_EMBEDDED = re.compile(r"^(word|xl|ppt)/(embeddings|activeX)/")
# A chart's data is an embedded workbook: an office package of its own, cleaned the same
# way (one level deep). Anything else embedded (OLE objects, ActiveX) is refused.
_OOXML_PACKAGE_EXTENSIONS = (".xlsx", ".docx", ".pptx")
_ODF_DROPPED = re.compile(r"^(Thumbnails/.*|Configurations2/.*)$")
# ODF keeps an OLE object as a bare "Object N" file (a chart is an "Object N/" folder of
# XML parts, cleaned like the document).
_ODF_EMBEDDED = re.compile(r"^(Object[^/]*|.*\.(ole|bin))$", re.IGNORECASE)

# In the body: who made each tracked change, and when; Word's editing-session ids, which
# link a document to others edited in the same session.
_WORD_PERSONAL_ATTRIBUTES = re.compile(rb'\s(w:(?:rsid[A-Za-z]*|date)|w15:userId)="[^"]*"')
_WORD_AUTHOR = re.compile(rb'(\sw:(?:author|initials))="[^"]*"')
_WORD_RSIDS = re.compile(rb"<w:rsids>.*?</w:rsids>", re.DOTALL)
_WORD_COMMENT_ANCHORS = re.compile(rb"<w:comment(?:RangeStart|RangeEnd|Reference)\b[^>]*/>")
_EXCEL_USER_NAME = re.compile(rb'(\s(?:userName|lastEdited|lowestEdited|rupBuild))="[^"]*"')
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*/>")
# The template a Word file was made from is linked by its full path, which holds the
# Windows user name (C:\Users\somchai\...\Normal.dotm).
_TEMPLATE_RELATIONSHIP = re.compile(rb'\bType="[^"]*/attachedTemplate"')
_WORD_TEMPLATE = re.compile(rb"<w:attachedTemplate\b[^>]*/>")
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_TARGET_MODE_EXTERNAL = re.compile(rb'\bTargetMode="External"')
_OVERRIDE = re.compile(rb'<Override\b[^>]*\bPartName="/([^"]*)"[^>]*/>')
# ODF: comments (annotations) go whole; tracked changes keep what changed, not who or when.
_ODF_ANNOTATION = re.compile(
    rb"<office:annotation\b[^>]*?(?:/>|>.*?</office:annotation>)", re.DOTALL
)
_ODF_ANNOTATION_END = re.compile(rb"<office:annotation-end\b[^>]*/>")
_ODF_CREATOR = re.compile(rb"<dc:creator>.*?</dc:creator>", re.DOTALL)
_ODF_DATE = re.compile(rb"<dc:date>.*?</dc:date>", re.DOTALL)
_ODF_PRINTER = re.compile(
    rb'<config:config-item config:name="Printer(?:Name|Setup|PaperFromSetup)"[^>]*'
    rb"(?:/>|>.*?</config:config-item>)",
    re.DOTALL,
)
_ODF_MANIFEST_ENTRY = re.compile(rb"<manifest:file-entry\b[^>]*/>")
_ODF_FULL_PATH = re.compile(rb'manifest:full-path="([^"]*)"')


def clean_ooxml(
    data: bytes, clean_picture: PictureCleaner, *, nested: bool = False
) -> tuple[bytes, Report]:
    """DOCX, XLSX, PPTX. Raises CleaningFailed for a broken zip or embedded files."""
    members = _read_members(data)
    names = [info.filename for info, _ in members]
    for name in names:
        if _OOXML_EMBEDDED.match(name):
            if nested or not name.lower().endswith(_OOXML_PACKAGE_EXTENSIONS):
                raise CleaningFailed("embedded")
    dropped = {name for name in names if _OOXML_DROPPED.match(name)}
    other_pictures = False
    cleaned: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, content in members:
        name = info.filename
        if name in dropped:
            continue
        if name == "docProps/core.xml":
            content = _EMPTY_CORE
        elif name == "docProps/app.xml":
            content = _EMPTY_APP
        elif name == "[Content_Types].xml":
            content = _without_overrides(content, dropped)
        elif name.endswith(".rels"):
            content = _without_relationships(name, content, dropped)
        elif _OOXML_MEDIA.match(name):
            content, known = _picture(content, clean_picture)
            other_pictures = other_pictures or not known
        elif _OOXML_EMBEDDED.match(name):
            content, inner = clean_ooxml(content, clean_picture, nested=True)
            other_pictures = other_pictures or OTHER_PICTURES in inner.kept
        elif name.endswith(".xml"):
            content = _clean_ooxml_part(content)
        cleaned.append((info, content))
    return _write(cleaned), _report(_OOXML_REMOVED, other_pictures)


def clean_odf(data: bytes, clean_picture: PictureCleaner) -> tuple[bytes, Report]:
    """ODT, ODS. Raises CleaningFailed for a broken zip or embedded OLE objects."""
    members = _read_members(data)
    names = [info.filename for info, _ in members]
    if any(_ODF_EMBEDDED.match(name) for name in names):
        raise CleaningFailed("embedded")
    dropped = {name for name in names if _ODF_DROPPED.match(name)}
    other_pictures = False
    cleaned: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, content in members:
        name = info.filename
        if name in dropped:
            continue
        if posixpath.basename(name) == "meta.xml":
            content = _EMPTY_ODF_META
        elif name == "META-INF/manifest.xml":
            content = _without_manifest_entries(content, dropped)
        elif posixpath.basename(name) == "settings.xml":
            content = _ODF_PRINTER.sub(b"", content)
        elif name.startswith("Pictures/"):
            content, known = _picture(content, clean_picture)
            other_pictures = other_pictures or not known
        elif name.endswith(".xml"):
            content = _clean_odf_part(content)
        cleaned.append((info, content))
    return _write(cleaned), _report(_ODF_REMOVED, other_pictures)


def _report(removed: tuple[str, ...], other_pictures: bool) -> Report:
    kept = (CONTENT, OTHER_PICTURES) if other_pictures else (CONTENT,)
    return Report(True, removed + _ALWAYS_REMOVED_EXTRA, kept)


def _read_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise CleaningFailed()
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                raise CleaningFailed()  # two parts of one name: which would a reader take?
            return [(info, archive.read(info)) for info in infos]
    except CleaningFailed:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise CleaningFailed() from exc


def _write(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """New entries: no zip comment, no extra fields (they may carry owner ids), no dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, content in members:
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            # ODF readers need "mimetype" first and stored; everything else is deflated.
            stored = info.filename == "mimetype"
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, content)
    return out.getvalue()


def _picture(content: bytes, clean_picture: PictureCleaner) -> tuple[bytes, bool]:
    cleaned = clean_picture(content)
    return (content, False) if cleaned is None else (cleaned, True)


def _clean_ooxml_part(content: bytes) -> bytes:
    content = _WORD_RSIDS.sub(b"", content)
    content = _WORD_PERSONAL_ATTRIBUTES.sub(b"", content)
    content = _WORD_AUTHOR.sub(rb'\1=""', content)
    content = _WORD_COMMENT_ANCHORS.sub(b"", content)
    content = _WORD_TEMPLATE.sub(b"", content)
    return _EXCEL_USER_NAME.sub(rb'\1=""', content)


def _clean_odf_part(content: bytes) -> bytes:
    content = _ODF_ANNOTATION.sub(b"", content)
    content = _ODF_ANNOTATION_END.sub(b"", content)
    content = _ODF_CREATOR.sub(b"<dc:creator/>", content)
    # A tracked change must keep a date: it gets the same one as every other.
    return _ODF_DATE.sub(b"<dc:date>1970-01-01T00:00:00</dc:date>", content)


def _without_overrides(content: bytes, dropped: set[str]) -> bytes:
    def keep(match: re.Match[bytes]) -> bytes:
        return b"" if match.group(1).decode("utf-8", "replace") in dropped else match.group(0)

    return _OVERRIDE.sub(keep, content)


def _without_relationships(rels_name: str, content: bytes, dropped: set[str]) -> bytes:
    """Drop relationships that point at a dropped part ("word/_rels/document.xml.rels"
    speaks for "word/document.xml", so its targets are relative to "word/")."""
    source_folder = posixpath.dirname(posixpath.dirname(rels_name))

    def keep(match: re.Match[bytes]) -> bytes:
        element = match.group(0)
        target = _TARGET.search(element)
        if _TEMPLATE_RELATIONSHIP.search(element):
            return b""
        if target is None or _TARGET_MODE_EXTERNAL.search(element):
            return element
        path = target.group(1).decode("utf-8", "replace")
        resolved = path.lstrip("/") if path.startswith("/") else posixpath.join(source_folder, path)
        return b"" if posixpath.normpath(resolved) in dropped else element

    return _RELATIONSHIP.sub(keep, content)


def _without_manifest_entries(content: bytes, dropped: set[str]) -> bytes:
    def keep(match: re.Match[bytes]) -> bytes:
        path = _ODF_FULL_PATH.search(match.group(0))
        name = path.group(1).decode("utf-8", "replace") if path else ""
        gone = name in dropped or (
            name.endswith("/") and any(part.startswith(name) for part in dropped)
        )
        return b"" if gone else match.group(0)

    return _ODF_MANIFEST_ENTRY.sub(keep, content)
