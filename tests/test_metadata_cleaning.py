"""Tip attachments of every accepted type lose the metadata that identifies people
(author, company, GPS, phone model, tags, comments, revisions) and keep what they show;
what could not be cleaned is refused; the tipster and staff see what was done."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from intake.attachments import AttachmentRejected, Limits, PreparedAttachment, prepare
from intake.cleaning import AS_SENT, IMAGE_REPORT, Report
from intake.crypto import decrypt_field
from intake.extensions import db
from intake.models import Attachment, Case, Role
from intake.services.keyring import current_keyring
from tests.support import sample_files as samples
from tests.support.builders import tip_form
from tests.support.filing import CODE_PATTERN
from tests.support.staff import staff_client

IDENTIFYING = (samples.PERSON, samples.COMPANY, samples.PHONE_MAKE, samples.PHONE_MODEL)


def _clean(name: str, data: bytes) -> PreparedAttachment:
    [prepared] = prepare([(name, data)], Limits(), clean_all_types=True)
    return prepared


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _assert_nothing_identifying(data: bytes) -> None:
    for value in IDENTIFYING:
        assert value.encode() not in data, value


def _assert_members_say_nothing_identifying(members: dict[str, bytes]) -> None:
    for name, content in members.items():
        for value in IDENTIFYING:
            assert value.encode() not in content, (name, value)


def _photo_has_no_exif(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as picture:
        assert not picture.getexif()
        assert "exif" not in picture.info


def _ffprobe(folder: Path, data: bytes, name: str) -> dict:
    path = folder / name
    path.write_bytes(data)
    ffprobe = samples.require_program("ffprobe")
    shown = subprocess.run(
        [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(shown.stdout)


def _stream_hash(folder: Path, data: bytes, name: str, stream: str) -> str:
    """A hash of the coded packets of one stream: equal hashes mean nothing re-encoded."""
    path = folder / name
    path.write_bytes(data)
    ffmpeg = samples.require_program("ffmpeg")
    shown = subprocess.run(
        [ffmpeg, "-v", "error", "-i", path, "-map", stream, "-c", "copy"]
        + ["-f", "streamhash", "-hash", "sha256", "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return shown.stdout.split("=", 2)[-1].strip()


def _all_tags(probe: dict) -> dict[str, str]:
    tags = dict(probe["format"].get("tags", {}))
    for stream in probe["streams"]:
        tags.update(stream.get("tags", {}))
    return tags


# --- each type ----------------------------------------------------------------------------


def test_pdf_loses_info_xmp_annotation_authors_scripts_and_photo_exif_keeps_text() -> None:
    # Given a PDF with Author/Creator, XMP, a comment by a named person, JavaScript, an
    # embedded file and a photo carrying GPS
    original = samples.pdf()
    assert samples.PERSON.encode() in original

    # When it is cleaned for the tip channel
    cleaned = _clean("หลักฐาน.pdf", original)

    # Then none of that is left, and the page's text and the comment's text are
    _assert_nothing_identifying(cleaned.data)
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        assert "/Info" not in pdf.trailer or "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert not pdf.attachments
        [annotation] = pdf.pages[0].Annots
        assert "/T" not in annotation and "/M" not in annotation
        assert str(annotation.Contents) == samples.COMMENT_TEXT
        image = pdf.pages[0].Resources.XObject.Im1
        _photo_has_no_exif(image.read_raw_bytes())
        assert Image.open(io.BytesIO(image.read_raw_bytes())).size == (32, 24)
    pdftotext = samples.require_program("pdftotext")
    text = subprocess.run(
        [pdftotext, "-", "-"], input=cleaned.data, capture_output=True, check=True
    ).stdout.decode()
    assert samples.BODY_TEXT in text
    assert cleaned.report.cleaned and "author" in cleaned.report.removed
    assert cleaned.report.kept == ("content",)


def test_docx_loses_properties_comments_revision_authors_and_template_path() -> None:
    original = samples.docx()

    cleaned = _clean("รายงาน.docx", original)

    members = _members(cleaned.data)
    _assert_members_say_nothing_identifying(members)
    assert "word/comments.xml" not in members and "docProps/custom.xml" not in members
    document = members["word/document.xml"].decode()
    assert f"{samples.BODY_TEXT} {samples.THAI_BODY}" in document
    assert "inserted words" in document  # a tracked change keeps its words, not its author
    assert "rsid" not in document and samples.COMMENT_TEXT not in document
    assert "commentReference" not in document
    assert b"comments.xml" not in members["word/_rels/document.xml.rels"]
    assert b"media/image1.jpeg" in members["word/_rels/document.xml.rels"]
    assert b"comments" not in members["[Content_Types].xml"]
    assert b"rsid" not in members["word/settings.xml"]
    assert b"Users" not in members["word/_rels/settings.xml.rels"]
    _photo_has_no_exif(members["word/media/image1.jpeg"])
    assert {"author", "organisation", "comments", "revisions"} <= set(cleaned.report.removed)
    with zipfile.ZipFile(io.BytesIO(cleaned.data)) as archive:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_xlsx_loses_creator_editor_company_and_comments_keeps_cells() -> None:
    original = samples.xlsx()
    assert samples.PERSON.encode() in _members(original)["docProps/core.xml"]

    cleaned = _clean("บัญชี.xlsx", original)

    _assert_members_say_nothing_identifying(_members(cleaned.data))
    workbook = load_workbook(io.BytesIO(cleaned.data))
    sheet = workbook.active
    assert sheet is not None
    assert sheet["A1"].value == samples.BODY_TEXT and sheet["B2"].value == 4242
    assert sheet["A1"].comment is None
    # (openpyxl reads a missing creator as "openpyxl")
    assert workbook.properties.creator != samples.PERSON
    assert not workbook.properties.lastModifiedBy


def test_pptx_loses_comments_and_their_authors_keeps_slide_text() -> None:
    cleaned = _clean("สไลด์.pptx", samples.pptx())

    members = _members(cleaned.data)
    _assert_members_say_nothing_identifying(members)
    assert "ppt/commentAuthors.xml" not in members
    assert not any(name.startswith("ppt/comments/") for name in members)
    assert b"comments" not in members["ppt/slides/_rels/slide1.xml.rels"]
    assert samples.BODY_TEXT.encode() in members["ppt/slides/slide1.xml"]


def test_odt_loses_meta_comments_printer_and_thumbnail_keeps_text() -> None:
    cleaned = _clean("บันทึก.odt", samples.odt())

    members = _members(cleaned.data)
    _assert_members_say_nothing_identifying(members)
    assert b"initial-creator" not in members["meta.xml"] and b"generator" not in members["meta.xml"]
    content = members["content.xml"].decode()
    assert f"{samples.BODY_TEXT} {samples.THAI_BODY}" in content
    assert samples.COMMENT_TEXT not in content
    assert not any(name.startswith("Thumbnails/") for name in members)
    assert b"Thumbnails" not in members["META-INF/manifest.xml"]
    _photo_has_no_exif(members["Pictures/photo.jpg"])
    with zipfile.ZipFile(io.BytesIO(cleaned.data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_mp3_loses_id3_tags_keeps_audio_frames(tmp_path: Path) -> None:
    original = samples.mp3(tmp_path)
    assert MP3(io.BytesIO(original)).tags is not None

    cleaned = _clean("เสียง.mp3", original)

    assert MP3(io.BytesIO(cleaned.data)).tags is None
    _assert_nothing_identifying(cleaned.data)
    assert samples.COMMENT_TEXT.encode() not in cleaned.data
    assert original.endswith(cleaned.data)  # only the tag in front went
    assert cleaned.report.removed[0] == "tags"


@pytest.mark.parametrize("container", ["mp4", "mov"])
def test_video_loses_gps_device_and_tags_keeps_picture_and_sound(
    tmp_path: Path, container: str
) -> None:
    original = samples.video(tmp_path, container)
    before = _all_tags(_ffprobe(tmp_path, original, f"before.{container}"))
    assert any("location" in key for key in before) and samples.PERSON in before.values()

    cleaned = _clean(f"คลิป.{container}", original)

    after = _ffprobe(tmp_path, cleaned.data, f"after.{container}")
    tags = _all_tags(after)
    assert not any(key.startswith(("location", "com.apple")) for key in tags)
    assert not any(key in tags for key in ("make", "model", "artist", "creation_time"))
    _assert_nothing_identifying(cleaned.data)
    assert b"\xa9xyz" not in cleaned.data
    assert float(after["format"]["duration"]) == pytest.approx(1.0, abs=0.1)
    for stream in ("0:v", "0:a"):
        assert _stream_hash(tmp_path, original, f"o.{container}", stream) == _stream_hash(
            tmp_path, cleaned.data, f"c.{container}", stream
        )
    assert cleaned.mime == ("video/mp4" if container == "mp4" else "video/quicktime")
    assert "location" in cleaned.report.removed


def test_m4a_loses_tags_gps_and_device_keeps_sound(tmp_path: Path) -> None:
    original = samples.m4a(tmp_path)
    assert MP4(io.BytesIO(original)).tags is not None

    cleaned = _clean("บันทึกเสียง.m4a", original)

    assert cleaned.mime == "audio/mp4"
    tags = MP4(io.BytesIO(cleaned.data)).tags
    assert not tags or not any(key in tags for key in ("\xa9ART", "\xa9cmt", "\xa9xyz"))
    _assert_nothing_identifying(cleaned.data)
    assert samples.COMMENT_TEXT.encode() not in cleaned.data
    assert _stream_hash(tmp_path, original, "o.m4a", "0:a") == _stream_hash(
        tmp_path, cleaned.data, "c.m4a", "0:a"
    )


def test_photo_and_text_report_what_was_done() -> None:
    photo = _clean("ภาพ.jpg", samples.photo_with_gps())
    text = _clean("บันทึก.txt", "ข้อความ".encode())

    _photo_has_no_exif(photo.data)
    assert photo.report == IMAGE_REPORT
    assert text.data == "ข้อความ".encode()
    assert text.report == Report(True, (), ("content",))


# --- refused, never kept with its metadata ------------------------------------------------


def test_a_pdf_that_cannot_be_read_is_refused() -> None:
    broken = samples.pdf()[:400]

    with pytest.raises(AttachmentRejected) as refused:
        _clean("เสีย.pdf", broken)

    assert refused.value.code == "not_cleanable" and refused.value.filename == "เสีย.pdf"


def test_a_password_protected_pdf_is_refused() -> None:
    with pikepdf.open(io.BytesIO(samples.pdf())) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))

    with pytest.raises(AttachmentRejected) as refused:
        _clean("ล็อก.pdf", out.getvalue())

    assert refused.value.code == "not_cleanable"


def test_a_document_holding_other_files_is_refused() -> None:
    members = _members(samples.docx())
    members["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0 other file"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    with pytest.raises(AttachmentRejected) as refused:
        _clean("ฝังไฟล์.docx", out.getvalue())

    assert refused.value.code == "embedded"


def test_video_is_refused_not_kept_when_ffmpeg_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = samples.video(tmp_path, "mp4")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(AttachmentRejected) as refused:
        _clean("คลิป.mp4", original)

    assert refused.value.code == "cleaner_unavailable"


def test_the_general_channel_keeps_documents_as_sent() -> None:
    original = samples.docx()

    [kept] = prepare([("a.docx", original)], Limits())

    assert kept.data == original and kept.report == AS_SENT


def test_a_report_round_trips_and_drops_unknown_codes() -> None:
    report = Report(True, ("author", "location"), ("content",))

    assert Report.decode(report.encode()) == report
    assert Report.decode("cleaned:author,evil;kept:content,other") == Report(
        True, ("author",), ("content",)
    )
    assert Report.decode("") == AS_SENT and AS_SENT.encode() == ""


# --- through the real tip form --------------------------------------------------------------


def _file_tip(client, files: list[tuple[bytes, str]], **changes: str):
    form = tip_form(**changes)
    form["attachments"] = [(io.BytesIO(data), name) for data, name in files]
    return client.post("/tips/new", data=form, content_type="multipart/form-data")


def test_tip_form_says_before_upload_what_is_removed_and_what_cannot_be(app: Flask) -> None:
    page = app.test_client().get("/tips/new").get_data(as_text=True)

    note = re.search(r'<p class="note" id="attachments-note">(.*?)</p>', page, re.DOTALL)
    assert note is not None
    assert "ก่อนจัดเก็บ ระบบจะลบข้อมูลแฝง" in note.group(1)
    assert "ระบบลบสิ่งที่เห็นหรือได้ยินในไฟล์ไม่ได้" in note.group(1)
    assert "โปรดลบออกก่อนแนบ" not in page  # the old advice to clean files oneself


def test_tip_form_warns_before_upload_when_video_cannot_be_cleaned(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    page = app.test_client().get("/tips/new").get_data(as_text=True)

    assert "ขณะนี้ไม่รับไฟล์วิดีโอและเสียงชนิด MP4, M4A และ MOV" in page


def test_a_tip_filed_with_files_stores_them_clean_and_says_so(app: Flask, tmp_path: Path) -> None:
    # Given a tipster with a Word file, a PDF, a phone video and a recording
    client = app.test_client()
    files = [
        (samples.docx(), "รายงาน.docx"),
        (samples.pdf(), "หลักฐาน.pdf"),
        (samples.video(tmp_path, "mov"), "คลิป.mov"),
        (samples.mp3(tmp_path), "เสียง.mp3"),
    ]

    # When they file a tip through the form
    response = _file_tip(client, files)

    # Then the receipt tells them what was removed from each file and what could not be
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    receipt = client.get("/receipt").get_data(as_text=True)
    section = receipt[receipt.index('id="sent-files"') :]
    for _data, name in files:
        assert name in section
    assert section.count('data-cleaned="yes"') == 4
    assert "ชื่อผู้สร้างและผู้แก้ไข" in section and "ตำแหน่ง (GPS)" in section
    assert "ลบไม่ได้:" in section
    code = CODE_PATTERN.search(receipt)
    assert code is not None

    # And what is stored, decrypted, carries none of it but keeps the content
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        stored = {}
        for attachment in case.attachments:
            blob = (Path(app.config["INTAKE_UPLOADS_PATH"]) / attachment.stored_name).read_bytes()
            data = decrypt_field(
                current_keyring(), blob, table="attachments", column="data", row_id=attachment.id
            )
            stored[attachment.mime] = (data, attachment)
        assert len(stored) == 4
        for data, attachment in stored.values():
            _assert_nothing_identifying(data)
            assert attachment.metadata_removed
            assert Report.decode(attachment.metadata_report).cleaned
        docx, _ = stored["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
        assert samples.THAI_BODY.encode() in _members(docx)["word/document.xml"]
        case_id = case.id

    # And the status page says the same to the tipster later
    status = client.post("/track", data={"code": code.group(1)}).get_data(as_text=True)
    assert status.count('data-cleaned="yes"') == 4 and "คลิป.mov" in status

    # And the legal officer sees on the case page what was done to each file
    legal = staff_client(app, "legal1", Role.LEGAL)
    page = legal.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert page.count('data-cleaned="yes"') == 4
    assert "ชื่อบริษัทหรือหน่วยงาน" in page


def test_a_tip_with_a_file_that_cannot_be_cleaned_is_refused_beside_the_field(
    app: Flask,
) -> None:
    client = app.test_client()

    response = _file_tip(client, [(samples.pdf()[:400], "เสีย.pdf")], subject="ข้อความที่พิมพ์ไว้ต้องอยู่")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="attachments-error">(.*?)</p>', page, re.DOTALL)
    assert error is not None and "ไม่สามารถลบข้อมูลแฝงในไฟล์ “เสีย.pdf”" in error.group(1)
    assert "ข้อความที่พิมพ์ไว้ต้องอยู่" in page
    with app.app_context():
        assert db.session.scalars(select(Attachment)).first() is None


def test_a_tipster_reply_with_a_document_is_cleaned_and_says_so(app: Flask) -> None:
    # Given a tipster following their tip
    client = app.test_client()
    assert _file_tip(client, []).status_code == 303
    code = CODE_PATTERN.search(client.get("/receipt").get_data(as_text=True))
    assert code is not None
    assert client.post("/track", data={"code": code.group(1)}).status_code == 200

    # When they answer with a spreadsheet whose properties name its author
    sent = client.post(
        "/track/reply",
        data={"message": "ส่งบัญชีเพิ่มเติม", "attachments": [(io.BytesIO(samples.xlsx()), "บัญชี.xlsx")]},
        content_type="multipart/form-data",
    )

    # Then the stored copy has lost it, and their page says what was removed
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    page = client.get("/track").get_data(as_text=True)
    assert "บัญชี.xlsx" in page and 'data-cleaned="yes"' in page
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).one()
        blob = (Path(app.config["INTAKE_UPLOADS_PATH"]) / attachment.stored_name).read_bytes()
        data = decrypt_field(
            current_keyring(), blob, table="attachments", column="data", row_id=attachment.id
        )
        _assert_members_say_nothing_identifying(_members(data))
        assert attachment.event_id is not None and attachment.metadata_removed


def test_a_chart_workbook_inside_a_document_is_cleaned_too() -> None:
    # Given a Word file with a chart, whose data is a workbook by a named person
    members = _members(samples.docx())
    members["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = samples.xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    # When it is cleaned
    cleaned = _clean("กราฟ.docx", out.getvalue())

    # Then the inner workbook lost its creator and comments but keeps its cells
    inner = _members(cleaned.data)["word/embeddings/Microsoft_Excel_Worksheet.xlsx"]
    _assert_members_say_nothing_identifying(_members(inner))
    sheet = load_workbook(io.BytesIO(inner)).active
    assert sheet is not None and sheet["A1"].value == samples.BODY_TEXT


def test_an_ods_chart_is_cleaned_but_an_ole_object_is_refused() -> None:
    members = _members(samples.odt())
    members["Object 1/content.xml"] = b"<chart/>"
    members["Object 1/meta.xml"] = f"<meta>{samples.PERSON}</meta>".encode()
    members["ObjectReplacements/Object 1"] = b"preview"

    def packed(extra: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("mimetype", members["mimetype"])
            for name, content in {**members, **extra}.items():
                if name != "mimetype":
                    archive.writestr(name, content)
        return out.getvalue()

    cleaned = _clean("ตาราง.odt", packed({}))
    _assert_members_say_nothing_identifying(_members(cleaned.data))
    with pytest.raises(AttachmentRejected) as refused:
        _clean("ole.odt", packed({"Object 2": b"\xd0\xcf\x11\xe0 OLE"}))
    assert refused.value.code == "embedded"


def test_the_receipt_of_many_long_named_files_still_fits_the_session_cookie(app: Flask) -> None:
    # Given an organisation that takes ten files, and ten documents with long Thai names
    from intake.services.settings import get_organisation

    with app.app_context():
        get_organisation(db.session).max_attachments = 10
        db.session.commit()
    document = samples.docx()
    names = [f"{'หลักฐานการโอนเงินให้เจ้าหน้าที่' * 3}-{n}.docx" for n in range(10)]

    # When a tipster files them all
    client = app.test_client()
    response = _file_tip(client, [(document, name) for name in names])

    # Then the receipt comes (the session cookie stayed small) and names every file
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert len(response.headers.get("Set-Cookie", "")) < 4000
    receipt = client.get("/receipt").get_data(as_text=True)
    assert receipt.count('data-cleaned="yes"') == 10
    assert all(name in receipt for name in names)
