"""The published guideline for general complaints: /guide filled in from the settings, and
/guide.pdf (the separate guideline for corruption tips: tests/test_guide_tips.py).

The page and the PDF share one template, so what the page tests show about the content
holds for the PDF; the PDF test reads the text back out with pdftotext to be sure.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake import deadlines, labels, pdf, thaidate
from intake.cache import RenderOnce
from intake.deadlines import CountingMode
from intake.models import Channel
from intake.public import guide
from intake.workflow import Status
from tests.support.browser import translated
from tests.support.guide import configure, page_of, pdf_text, plain, printed, section, th

# Wednesday 1 October 2025, 10:00 in Bangkok: day one of fiscal year 2569.
FIXED_NOW = datetime(2025, 10, 1, 3, 0, tzinfo=UTC)

# The headings a reader of the printed guideline looks for (ITA, measures 36 and 44).
THAI_HEADINGS = [
    "คู่มือการจัดการเรื่องร้องเรียน/ร้องทุกข์",
    "หน่วยงานที่รับผิดชอบ",
    "ช่องทางการร้องเรียน",
    "ข้อมูลที่ควรระบุ",
    "ขั้นตอนการดำเนินการ",
    "ระยะเวลาในการดำเนินการ",
    "การคุ้มครองข้อมูลของผู้ร้องเรียน",
    "การติดตามเรื่องและการประเมินความพึงพอใจ",
    "สถิติและการรายงานผล",
    "หลักเกณฑ์อ้างอิง",
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide, "now", lambda: FIXED_NOW)


@pytest.fixture(autouse=True)
def empty_pdf_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without PDFs rendered by another test."""
    monkeypatch.setattr(guide, "_pdf_cache", RenderOnce())


# ------------------------------------------------------------------------------ the page


def test_the_guide_shows_the_organisations_settings(app: Flask, client: FlaskClient) -> None:
    # Given settings an administrator changed
    configure(
        app,
        name_th="องค์การบริหารส่วนตำบลหนองบัว",
        unit_name_th="งานนิติการ สำนักปลัด อบต.หนองบัว",
        phone="043-123-456",
        email="complaints@nongbua.example",
        address="99 หมู่ 1 ตำบลหนองบัว\nอำเภอเมือง จังหวัดขอนแก่น 40000",
        office_hours="จันทร์–ศุกร์ 08.30–16.30 น. <ยกเว้นวันหยุดราชการ>",
        response_days=20,
        max_attachments=3,
        max_attachment_mb=7,
    )

    # When the public opens the guideline
    page = page_of(client)
    unit = plain(section(page, "unit"))

    # Then it names the organisation, the responsible unit and how to reach them
    assert "องค์การบริหารส่วนตำบลหนองบัว" in unit
    assert "งานนิติการ สำนักปลัด อบต.หนองบัว" in unit
    assert "043-123-456" in unit and "complaints@nongbua.example" in unit
    assert "99 หมู่ 1 ตำบลหนองบัว" in unit and "จังหวัดขอนแก่น 40000" in unit
    # (text typed by staff is escaped, never markup)
    assert "&lt;ยกเว้นวันหยุดราชการ&gt;" in page and "<ยกเว้นวันหยุดราชการ>" not in page
    # And the time frame is the configured one, not the default
    assert "ภายใน 20 วัน" in page and "ภายใน 15 วัน" not in page
    assert "ระยะเวลา 20 วันใหม่" in section(page, "time")
    # And the attachment limits are the configured ones
    assert "ไม่เกิน 3 ไฟล์ ไฟล์ละไม่เกิน 7 MB" in plain(section(page, "what-to-include"))
    # And it is published with today's date in the Buddhist era
    assert "ข้อมูล ณ วันที่ 1 ตุลาคม 2568" in page


def test_every_channel_of_receipt_is_explained(app: Flask, client: FlaskClient) -> None:
    page = page_of(client)
    channels = section(page, "channels")

    # Every channel of receipt has its own heading, under its label
    for channel in Channel:
        heading = re.search(
            rf'<h3 id="channel-[a-z0-9-]+">{re.escape(th(app, labels.CHANNEL[channel]))}</h3>',
            channels,
        )
        assert heading, channel
    # The complaint form is linked; tips are sent to their own channel and guideline
    assert 'href="/complaints/new"' in channels and 'href="/tips/new"' in channels
    assert 'href="/guide/tips"' in channels
    # Referrals name ศูนย์ดำรงธรรม
    assert "ศูนย์ดำรงธรรม" in plain(channels)


def test_the_steps_follow_the_workflow_with_what_happens_at_each(
    app: Flask, client: FlaskClient
) -> None:
    steps = section(page_of(client), "steps")

    # The main path, in the order of the state machine, then the two other ways to close
    main = re.findall(r'<ol class="guide-steps".*?</ol>', steps, flags=re.DOTALL)[0]
    closing = re.findall(r'<ul class="guide-steps".*?</ul>', steps, flags=re.DOTALL)[0]
    assert re.findall(r'data-status="(\w+)"', main) == [
        "received",
        "screening",
        "assigned",
        "in_progress",
        "resolved",
    ]
    assert re.findall(r'data-status="(\w+)"', closing) == ["rejected", "referred"]
    # Each step carries its label and what happens at it
    for status in Status:
        item = re.search(rf'data-status="{status.value}">(.*?)</li>', steps, flags=re.DOTALL)
        assert item, status
        assert th(app, labels.STATUS[status]) in item.group(1)
        assert th(app, guide.STEPS[status].complaint) in plain(item.group(1))
    # Referral destinations are named
    assert th(app, labels.REFERRAL["nacc"].name) in steps


def test_the_time_frame_follows_the_counting_setting(app: Flask, client: FlaskClient) -> None:
    # Given calendar days (the default): 1 Oct 2568 + 15 days = Thu 16 Oct 2568
    time = plain(section(page_of(client), "time"))
    assert "ภายใน 15 วัน นับจากวันถัดจากวันที่ได้รับเรื่อง" in time
    assert "นับตามวันปฏิทิน" in time
    assert "เรื่องที่ได้รับวันที่ 1 ตุลาคม 2568 ต้องได้รับคำตอบหรือคำชี้แจงภายในวันที่ 16 ตุลาคม 2568" in time
    assert 'href="/track"' in section(page_of(client), "time")

    # When the organisation counts working days only
    configure(app, deadline_mode=CountingMode.WORKING)
    time = plain(section(page_of(client), "time"))

    # Then the guide says so, and its example is the deadline rule's own answer
    assert "นับเฉพาะวันทำการ" in time and "นับตามวันปฏิทิน" not in time
    due = deadlines.due_date(FIXED_NOW, CountingMode.WORKING, (), 15)
    assert due > datetime(2025, 10, 16).date()
    assert f"ภายในวันที่ {thaidate.format_date(due)}" in time


def test_the_guide_says_how_a_complainants_data_is_protected(client: FlaskClient) -> None:
    protection = section(page_of(client), "protection")
    text = plain(protection)

    # Contents encrypted, the code never stored, no IP address logged
    assert "ถูกเข้ารหัสเมื่อจัดเก็บ" in text and "ผู้ดูแลระบบไม่เห็นเนื้อหาของเรื่อง" in text
    assert "รหัสติดตามเรื่องไม่ถูกเก็บไว้ในระบบ" in text
    assert "ระบบไม่บันทึกหมายเลข IP" in text
    # And the tipster's protection is the other guideline's subject, linked from here
    assert "ไม่ประสงค์ออกนาม" not in text
    assert 'href="/guide/tips"' in protection


def test_the_guide_links_tracking_survey_statistics_and_the_pdf(client: FlaskClient) -> None:
    page = page_of(client)

    assert re.search(r'<a [^>]*href="/guide.pdf"[^>]*>ดาวน์โหลดคู่มือ \(PDF\)</a>', page)
    follow_up = plain(section(page, "follow-up"))
    assert "แบบประเมินความพึงพอใจ" in follow_up and "ร้อยละ 80" in follow_up
    assert 'href="/stats"' in section(page, "statistics")
    assert "ITA" in section(page, "basis")
    # The categories each channel takes
    assert re.search(r'id="guide-complaint-categories"><li>', page)
    assert 'id="guide-tip-categories"' not in page


def test_the_guide_in_english(app: Flask, client: FlaskClient) -> None:
    # Given English settings
    configure(
        app,
        name_en="Nong Bua Subdistrict Administrative Organization",
        unit_name_en="Legal Affairs, Office of the Permanent Secretary",
        office_hours_en="Mon–Fri 8.30–16.30",
    )

    # When a reader switches the language
    switched = client.get("/lang/en?next=/guide")
    assert switched.status_code == 303 and switched.headers["Location"] == "/guide"
    page = page_of(client)

    # Then the page is in English, with the English names from the settings
    assert '<html lang="en">' in page
    assert "Nong Bua Subdistrict Administrative Organization" in page
    assert "Legal Affairs, Office of the Permanent Secretary" in page
    assert "Mon–Fri 8.30–16.30" in page
    assert "1 October 2025" in page  # dates in the reader's calendar
    for msgid in ("หน่วยงานที่รับผิดชอบ", "การคุ้มครองข้อมูลของผู้ร้องเรียน", "ติดต่อด้วยตนเอง", "รับเรื่อง"):
        english = translated(app, msgid, "en")
        assert english != msgid and english in page


# ------------------------------------------------------------------------------ the PDF


def test_the_guide_downloads_as_a_pdf_with_the_same_content(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    # Given an organisation with its own name and response time
    configure(app, name_th="องค์การบริหารส่วนตำบลหนองบัว", response_days=20)

    # When the PDF is downloaded
    response = client.get("/guide.pdf")

    # Then it is a PDF attachment with a plain ASCII file name
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="intake-guide.pdf"'
    assert response.data.startswith(b"%PDF-")
    # And its text carries the organisation, the Thai headings and the time frame exactly
    text = pdf_text(response.data, tmp_path)
    lines = {line.strip() for line in text.splitlines()}
    assert "องค์การบริหารส่วนตำบลหนองบัว" in lines
    for heading in THAI_HEADINGS:
        assert printed(heading).search(text), heading
    assert printed("ภายใน 20 วัน นับจากวันถัดจากวันที่ได้รับเรื่อง").search(text)
    assert "ข้อมูล ณ วันที่ 1 ตุลาคม 2568" in lines
    # And every page is numbered
    assert re.search(r"หน้า 1 / \d+", text) and re.search(r"หน้า 2 / \d+", text)


def test_the_pdf_is_rendered_once_per_content(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []

    def fake_render(html: str, title: str = "") -> bytes:
        rendered.append(html)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf, "render", fake_render)

    # The same guideline twice is rendered once
    assert client.get("/guide.pdf").data == b"%PDF-1.7 fake"
    client.get("/guide.pdf")
    assert len(rendered) == 1
    # A change in the settings shows in the next download
    configure(app, response_days=12)
    client.get("/guide.pdf")
    assert len(rendered) == 2 and "ภายใน 12 วัน" in rendered[1]
    # The document is its own print layout, in Sarabun 16pt on A4, from local fonts only
    document = rendered[0]
    assert "size: A4" in document and "font-size: 13pt" in document
    assert '@font-face { font-family: "Sarabun"; src: url("file://' in document
    assert "intake.css" not in document and 'href="/guide.pdf"' not in document


def test_without_pdf_support_the_download_says_so_in_thai(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(html: str, title: str = "") -> bytes:
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "render", unavailable)

    response = client.get("/guide.pdf")

    assert response.status_code == 503
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "ยังดาวน์โหลดคู่มือเป็น PDF ไม่ได้" in page
    assert "ขณะนี้ระบบยังสร้างไฟล์ PDF ของคู่มือไม่ได้" in page
    assert "libpango" not in page
