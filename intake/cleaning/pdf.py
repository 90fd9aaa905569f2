"""PDF: the document information dictionary, XMP and object metadata go; text stays.

pikepdf (qpdf) rewrites the whole file, so earlier incremental revisions (which keep
older text and older author fields) are dropped too, and no page is re-rendered: the
text stays text. Annotation authors and dates, document JavaScript and embedded files
go; photos inside the PDF lose their EXIF segments without being re-encoded.
"""

from __future__ import annotations

import io

import pikepdf

from intake.cleaning import (
    AUTHOR,
    CONTENT,
    DATES,
    DEVICE,
    LOCATION,
    PICTURES,
    PROPERTIES,
    REVISIONS,
    SCRIPTS,
    CleaningFailed,
    Report,
)
from intake.cleaning.jpeg import strip_jpeg_metadata

PDF_REPORT = Report(
    True,
    (AUTHOR, DATES, DEVICE, PROPERTIES, REVISIONS, SCRIPTS, PICTURES, LOCATION),
    (CONTENT,),
)

# Keys that describe who made an object, with what and when, rather than what it shows.
_OBJECT_METADATA_KEYS = ("/Metadata", "/PieceInfo", "/LastModified")
_ANNOTATION_PERSONAL_KEYS = ("/T", "/M", "/CreationDate")
_DOCUMENT_ACTION_KEYS = ("/OpenAction", "/AA")


def clean_pdf(data: bytes) -> tuple[bytes, Report]:
    """Raises CleaningFailed for a PDF that cannot be read (corrupt, password-protected)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _clean_document(pdf)
            out = io.BytesIO()
            # A deterministic /ID: the original's ID could be matched with the copy left
            # on the tipster's computer.
            pdf.save(out, deterministic_id=True)
    except CleaningFailed:
        raise
    except Exception as exc:
        # pikepdf raises PdfError, PasswordError, and plain Python errors for bad input.
        raise CleaningFailed() from exc
    return out.getvalue(), PDF_REPORT


def _clean_document(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key in (*_OBJECT_METADATA_KEYS, *_DOCUMENT_ACTION_KEYS):
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for page in pdf.pages:
        _clean_annotations(page.obj)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in _OBJECT_METADATA_KEYS:
                if key in obj:
                    del obj[key]
        if isinstance(obj, pikepdf.Stream):
            _clean_jpeg_stream(obj)


def _clean_annotations(page: pikepdf.Dictionary) -> None:
    """Comments keep their text but lose who wrote them and when; attached files go."""
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return
    kept = pikepdf.Array()
    for annotation in annotations:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if annotation.get("/Subtype") == pikepdf.Name.FileAttachment:
            continue
        for key in _ANNOTATION_PERSONAL_KEYS:
            if key in annotation:
                del annotation[key]
        kept.append(annotation)
    page["/Annots"] = kept


def _clean_jpeg_stream(stream: pikepdf.Stream) -> None:
    if stream.get("/Subtype") != pikepdf.Name.Image:
        return
    if stream.get("/Filter") != pikepdf.Name.DCTDecode:
        return  # other picture encodings in PDF carry no EXIF
    raw = stream.read_raw_bytes()
    stripped = strip_jpeg_metadata(raw)
    if stripped != raw:
        stream.write(stripped, filter=pikepdf.Name.DCTDecode)
