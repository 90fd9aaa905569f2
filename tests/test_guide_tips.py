"""The guideline for corruption and misconduct tips, published apart from the general one.

The anti-corruption action plan (seed 004, measure 43 item 8) asks for a manual for
corruption complaints "separate from the general complaint-handling manual", published on
the website, with at least: how an outsider reports, the steps, the responsible unit or
officer, and the time frames. /guide/tips is that document, and /guide/tips.pdf its print.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake import pdf
from intake.cache import RenderOnce
from intake.public import guide
from intake.workflow import Status
from tests.support.guide import configure, page_of, pdf_text, plain, printed, section, th

# Wednesday 1 October 2025, 10:00 in Bangkok: day one of fiscal year 2569.
FIXED_NOW = datetime(2025, 10, 1, 3, 0, tzinfo=UTC)
COMPLAINT_CENTRE = "ศูนย์รับเรื่องร้องเรียน/ร้องทุกข์ อบต.หนองบัว"
TIP_UNIT = "งานนิติการ สำนักปลัด อบต.หนองบัว"
TIPS_TITLE = "คู่มือการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"
GENERAL_TITLE = "คู่มือการจัดการเรื่องร้องเรียน/ร้องทุกข์"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide, "now", lambda: FIXED_NOW)
    monkeypatch.setattr(guide, "_pdf_cache", RenderOnce())


@pytest.fixture
def two_units(app: Flask) -> None:
    """An organisation whose complaint centre and tip unit are different offices."""
    configure(
        app,
        unit_name_th=COMPLAINT_CENTRE,
        tip_unit_name_th=TIP_UNIT,
        officer_title_th="นิติกรชำนาญการ",
        tip_phone="043-999-222",
        hotline="043-999-111",
        response_days=20,
    )


def main_of(page: str) -> str:
    """The document itself, without the site's header and footer (which name the centre)."""
    match = re.search(r"<main\b.*?</main>", page, flags=re.DOTALL)
    assert match
    return match.group(0)


def title_of(page: str) -> str:
    match = re.search(r'<h1 id="guide-title">([^<]*)</h1>', page)
    assert match
    return match.group(1)


def test_the_tip_guideline_is_a_page_of_its_own(client: FlaskClient, two_units: None) -> None:
    # When the public opens the two guidelines
    tips = main_of(page_of(client, "/guide/tips"))
    general = main_of(page_of(client, "/guide"))

    # Then each is its own document, under its own title
    assert title_of(tips) == TIPS_TITLE
    assert title_of(general) == GENERAL_TITLE
    # And each names its own responsible unit, and not the other's
    assert TIP_UNIT in plain(section(tips, "unit"))
    assert COMPLAINT_CENTRE not in tips
    assert COMPLAINT_CENTRE in plain(section(general, "unit"))
    assert TIP_UNIT not in general
    # And each reaches its unit by its own line: the tip unit's, not the centre's hotline
    assert "043-999-222" in tips and "043-999-111" not in tips
    assert "043-999-111" in general and "043-999-222" not in general
    # And the tipster's protection is in the tip guideline only
    assert "ไม่ประสงค์ออกนาม" in tips and "ไม่ประสงค์ออกนาม" not in general


def test_the_tip_guideline_says_how_to_report_and_what_happens_then(
    app: Flask, client: FlaskClient, two_units: None
) -> None:
    tips = page_of(client, "/guide/tips")

    # How an outsider reports: the tip form, in person, by phone, by letter, by e-mail,
    # and which channels not to use
    channels = section(tips, "channels")
    assert 'href="/tips/new"' in channels and 'href="/complaints/new"' not in channels
    for heading in ("channel-web", "channel-walk-in", "channel-phone", "channel-letter"):
        assert f'id="{heading}"' in channels, heading
    assert "“ลับ”" in plain(channels)
    assert "เพื่อคุ้มครองข้อมูลของผู้แจ้งเบาะแส" in plain(channels)
    assert "โปรดอย่าแจ้งเบาะแสการทุจริตทางเพจ Facebook" in plain(channels)
    # The steps: each status with what happens to a tip at it (grounds weighed, an inquiry,
    # discipline or referral to the anti-corruption agencies)
    steps = section(tips, "steps")
    for status in Status:
        item = re.search(rf'data-status="{status.value}">(.*?)</li>', steps, flags=re.DOTALL)
        assert item, status
        assert th(app, guide.STEPS[status].tip) in plain(item.group(1))
    assert "มีมูล" in plain(steps) and "ทางวินัย" in plain(steps)
    assert "ป.ป.ช." in plain(steps)
    # The responsible unit and officer
    unit = plain(section(tips, "unit"))
    assert TIP_UNIT in unit and "ตำแหน่งเจ้าหน้าที่ผู้รับผิดชอบ นิติกรชำนาญการ" in unit
    # The time frames, from the settings
    time = plain(section(tips, "time"))
    assert "ภายใน 20 วัน นับจากวันถัดจากวันที่ได้รับเรื่อง" in time
    assert "ทุก 20 วัน" in time and "ภายใน 15 วัน" not in tips
    assert "เรื่องที่ได้รับวันที่ 1 ตุลาคม 2568" in time


def test_the_tip_guideline_says_how_the_informant_is_protected(
    app: Flask, client: FlaskClient
) -> None:
    protection = plain(section(page_of(client, "/guide/tips"), "protection"))

    # Anonymous tips; identity sealed; no one alone; a second person's approval, a written
    # reason and an audit record; the code never stored; no IP address logged
    assert "ไม่ประสงค์ออกนาม" in protection
    assert "ปิดผนึกด้วยการเข้ารหัส" in protection
    assert "ระบบไม่ให้เจ้าหน้าที่คนใดเปิดดูข้อมูลตัวตนได้ตามลำพัง" in protection
    assert "เหตุผลเป็นลายลักษณ์อักษร" in protection and "ต้องเป็นบุคคลอื่น" in protection
    assert "บันทึกการตรวจสอบ (audit log)" in protection
    assert "รหัสติดตามเรื่องไม่ถูกเก็บไว้ในระบบ" in protection
    assert "ระบบไม่บันทึกหมายเลข IP" in protection
    # The reveal window and the tipster's notice follow the settings
    assert "ไม่เกิน 7 วัน" in protection
    assert "หน้าติดตามเรื่องของผู้แจ้งจะแจ้งให้ทราบ" in protection

    configure(app, reveal_days=3, tell_tipster_of_reveal=False)
    protection = plain(section(page_of(client, "/guide/tips"), "protection"))
    assert "ไม่เกิน 3 วัน" in protection and "ไม่เกิน 7 วัน" not in protection
    assert "หน้าติดตามเรื่องของผู้แจ้งจะแจ้งให้ทราบ" not in protection


def test_each_channel_links_its_own_guideline(client: FlaskClient) -> None:
    # The complaint form links the general guideline, the tip form the tip guideline
    complaint_form = page_of(client, "/complaints/new")
    tip_form = page_of(client, "/tips/new")
    assert re.search(r'id="complaint-guide">.*?href="/guide"', complaint_form, flags=re.DOTALL)
    assert re.search(r'id="tip-guide">.*?href="/guide/tips"', tip_form, flags=re.DOTALL)
    # Each channel's card on the landing page carries its own guideline
    landing = page_of(client, "/")
    complaint_card = re.search(r'class="channel channel-complaint".*?</section>', landing, re.S)
    tip_card = re.search(r'class="channel channel-tip".*?</section>', landing, re.S)
    assert complaint_card and 'href="/guide"' in complaint_card.group(0)
    assert tip_card and 'href="/guide/tips"' in tip_card.group(0)
    assert 'href="/guide/tips"' not in complaint_card.group(0)
    # The footer of every page lists both
    footer = re.search(r'<footer class="site-footer">.*?</footer>', page_of(client, "/track"), re.S)
    assert footer and 'href="/guide"' in footer.group(0) and 'href="/guide/tips"' in footer.group(0)
    # And the two guidelines point at each other
    assert 'href="/guide"' in section_of_head(page_of(client, "/guide/tips"))
    assert 'href="/guide/tips"' in section_of_head(page_of(client, "/guide"))


def section_of_head(page: str) -> str:
    match = re.search(r'<p class="note" id="guide-other">.*?</p>', page, flags=re.DOTALL)
    assert match
    return match.group(0)


def test_the_tip_guideline_downloads_as_its_own_pdf(
    client: FlaskClient, two_units: None, tmp_path: Path
) -> None:
    # The page offers its own PDF
    assert re.search(r'<a [^>]*href="/guide/tips.pdf"', page_of(client, "/guide/tips"))

    # When it is downloaded
    response = client.get("/guide/tips.pdf")

    # Then it is a PDF attachment of its own name
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="intake-guide-tips.pdf"'
    # And its text is the tip guideline: its title, its unit and not the complaint centre
    text = pdf_text(response.data, tmp_path)
    assert printed(TIPS_TITLE).search(text)
    assert printed(TIP_UNIT).search(text) and not printed(COMPLAINT_CENTRE).search(text)
    for heading in (
        "ส่วนงานและเจ้าหน้าที่ผู้รับผิดชอบ",
        "วิธีแจ้งเบาะแสการทุจริต",
        "ขั้นตอนการจัดการเรื่อง",
        "ระยะเวลาในการดำเนินการ",
        "การคุ้มครองผู้แจ้งเบาะแส",
    ):
        assert printed(heading).search(text), heading
    assert printed("ภายใน 20 วัน นับจากวันถัดจากวันที่ได้รับเรื่อง").search(text)
    assert re.search(r"หน้า 1 / \d+", text)
    # And the general PDF is the other document
    general = pdf_text(client.get("/guide.pdf").data, tmp_path)
    assert printed(COMPLAINT_CENTRE).search(general) and not printed(TIP_UNIT).search(general)


def test_each_guideline_pdf_is_rendered_once_per_content(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []

    def fake_render(html: str) -> bytes:
        rendered.append(html)
        return f"%PDF-fake {len(rendered)}".encode()

    monkeypatch.setattr(pdf, "render", fake_render)

    # Each guideline is rendered once, however often it is asked for, and they differ
    general = client.get("/guide.pdf").data
    tips = client.get("/guide/tips.pdf").data
    assert client.get("/guide.pdf").data == general and client.get("/guide/tips.pdf").data == tips
    assert len(rendered) == 2 and general != tips
    assert TIPS_TITLE in rendered[1] and TIPS_TITLE not in rendered[0].split("<main>")[1][:400]
    # A change in the settings shows in the next download of each
    configure(app, tip_phone="043-000-777")
    client.get("/guide.pdf")
    client.get("/guide/tips.pdf")
    assert len(rendered) == 4 and "043-000-777" in rendered[3]


def test_without_pdf_support_the_tip_download_says_so_in_thai(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(html: str) -> bytes:
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "render", unavailable)

    response = client.get("/guide/tips.pdf")

    assert response.status_code == 503
    assert "ยังดาวน์โหลดคู่มือเป็น PDF ไม่ได้" in response.get_data(as_text=True)
