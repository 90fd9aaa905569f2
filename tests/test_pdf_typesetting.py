"""How the printed documents set Thai: titles that break only between the units a reader
takes as one ("รอบ 6 เดือน" never split), no heading that leaves a lone fragment on its
last line, and Thai numerals when the organisation prints them — never in addresses,
telephone numbers or case references.

Every check renders the real PDF with WeasyPrint and reads it back with
``pdftotext -layout``, line by line, as a reader sees the page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from intake import reports, thaidigits
from intake.cache import RenderOnce
from intake.extensions import db
from intake.models import CaseKind, Organisation, Role
from intake.public import guide
from intake.services.report_periods import ReportKey
from intake.services.settings import get_organisation
from intake.staff import reports as staff_reports
from tests.support.reports import NOW, seed
from tests.support.staff import staff_client

# Shorter than this, the last line of a heading reads as a word left behind.
SHORTEST_LINE = 10

# Units of a title that a line must never split (the seeds' own reports set them so).
THAI_UNITS = (
    "รอบ 6 เดือน",
    "รอบ 6 เดือนหลัง",
    "รอบ 12 เดือน",
    "ปีงบประมาณ พ.ศ. 2569",
    "(ตุลาคม 2568 – มีนาคม 2569)",
    "(เมษายน 2569 – กันยายน 2569)",
    "(ตุลาคม 2568 – กันยายน 2569)",
)
GUIDE_TITLES = {
    "/guide.pdf": "คู่มือการจัดการเรื่องร้องเรียน/ร้องทุกข์",
    "/guide/tips.pdf": "คู่มือการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
}
GUIDE_HEADINGS = {
    "/guide.pdf": [
        "หน่วยงานที่รับผิดชอบ",
        "ช่องทางการร้องเรียน",
        "ขั้นตอนการดำเนินการ",
        "ระยะเวลาในการดำเนินการ",
        "การคุ้มครองข้อมูลของผู้ร้องเรียน",
        "การติดตามเรื่องและการประเมินความพึงพอใจ",
    ],
    "/guide/tips.pdf": [
        "ส่วนงานและเจ้าหน้าที่ผู้รับผิดชอบ",
        "วิธีแจ้งเบาะแสการทุจริต",
        "ขั้นตอนการจัดการเรื่อง",
        "ระยะเวลาในการดำเนินการ",
        "การคุ้มครองผู้แจ้งเบาะแส",
        "ช่องทางที่ไม่ควรใช้แจ้งเบาะแส",
    ],
}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide, "now", lambda: NOW)
    monkeypatch.setattr(guide, "_pdf_cache", RenderOnce())
    monkeypatch.setattr(staff_reports, "_now", lambda: NOW)


def configure(app: Flask, **values: object) -> None:
    with app.app_context():
        organisation = db.session.get(Organisation, get_organisation(db.session).id)
        assert organisation is not None
        for name, value in values.items():
            setattr(organisation, name, value)
        db.session.commit()


def layout_text(document: bytes, tmp_path: Path, name: str = "document.pdf") -> str:
    binary = shutil.which("pdftotext")
    assert binary, "poppler-utils (pdftotext) is needed"
    path = tmp_path / name
    path.write_bytes(document)
    done = subprocess.run(  # noqa: S603 (fixed arguments, our own file)
        [binary, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode()


def lines_of(heading: str, text: str) -> list[str]:
    """The printed lines ``heading`` occupies: a line may end at any space or between any
    two characters (Thai words have no space between them)."""
    pattern = "".join(
        r"\s+" if char == " " else re.escape(char) + r"(?:[ \t]*\n[ \t]*)?" for char in heading
    )
    found = re.search(pattern, text)
    assert found, f"{heading!r} is not in the document"
    return [line.strip() for line in found.group(0).strip().split("\n")]


def assert_set_well(heading: str, text: str, units: tuple[str, ...] = ()) -> None:
    lines = lines_of(heading, text)
    flat = [re.sub(r"\s+", " ", line) for line in lines]
    for unit in units:
        if unit in heading:
            assert any(unit in line for line in flat), f"{unit!r} is split: {flat}"
    if len(lines) > 1:
        assert all(len(line) >= SHORTEST_LINE for line in flat), f"a lone fragment: {flat}"


def report_pdf(app: Flask, key: ReportKey, language: str = "th") -> bytes:
    with app.test_request_context("/"):
        return reports.build(db.session, key, "pdf", NOW, language).data


# ---------------------------------------------------------------------------- line breaks


@pytest.mark.parametrize("kind", list(CaseKind))
@pytest.mark.parametrize("half", [1, 2, 0])
def test_report_titles_break_only_between_whole_units(
    app: Flask, tmp_path: Path, kind: CaseKind, half: int
) -> None:
    # Given a report of each period and kind, in Thai and in English
    key = ReportKey(kind, 2569, half)
    with app.test_request_context("/"):
        from flask_babel import force_locale

        from intake.reports import text

        titles = {}
        for language in ("th", "en"):
            with force_locale(language):
                titles[language] = text.title(key, language)

    for language, title in titles.items():
        # When it is printed
        printed = layout_text(report_pdf(app, key, language), tmp_path)

        # Then no line of its title splits a unit or leaves a fragment behind
        assert_set_well(title, printed, THAI_UNITS if language == "th" else ())


def test_a_number_in_a_column_header_keeps_its_unit(app: Flask, tmp_path: Path) -> None:
    # When a report is printed, its narrow column "ตอบภายใน 15 วัน" wrapping
    printed = layout_text(report_pdf(app, ReportKey(CaseKind.TIP, 2569, 1)), tmp_path)

    # Then "15 วัน" moves to the next line whole, never "15" above and "วัน" below
    assert "ตอบภายใน" in printed
    assert not re.search(r"ภายใน 15(?![ \t]*วัน)", printed), printed


@pytest.mark.parametrize("path", list(GUIDE_TITLES))
def test_guideline_titles_and_headings_stay_on_one_line(
    client: FlaskClient, tmp_path: Path, path: str
) -> None:
    # When a guideline is printed
    response = client.get(path)
    assert response.status_code == 200
    printed = layout_text(response.data, tmp_path)

    # Then its title and its section headings each stand on one line
    for heading in [GUIDE_TITLES[path], *GUIDE_HEADINGS[path]]:
        assert len(lines_of(heading, printed)) == 1, (heading, lines_of(heading, printed))


# ---------------------------------------------------------------------------- Thai numerals


def test_thai_numerals_change_the_text_and_nothing_else() -> None:
    html = (
        "<style>h1 { font-size: 13pt; }</style>"
        '<h1 id="s2">ภายใน 15 วัน</h1>'
        '<p><a href="https://example.go.th/a1">ดู 2 ที่</a> '
        '<span data-digits="latin">043-123 <b>456</b> <span>7</span></span> หน้า 3</p>'
        "<!-- 9 -->"
    )

    converted = thaidigits.in_html(html)

    assert converted == (
        "<style>h1 { font-size: 13pt; }</style>"
        '<h1 id="s2">ภายใน ๑๕ วัน</h1>'
        '<p><a href="https://example.go.th/a1">ดู ๒ ที่</a> '
        '<span data-digits="latin">043-123 <b>456</b> <span>7</span></span> หน้า ๓</p>'
        "<!-- 9 -->"
    )


def test_the_guideline_pdf_prints_thai_numerals_when_the_setting_says_so(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    # Given the default: Arabic digits
    plain_text = layout_text(client.get("/guide/tips.pdf").data, tmp_path, "arabic.pdf")
    assert "15 วัน" in plain_text and "๑๕" not in plain_text

    # When the organisation chooses Thai numerals
    configure(app, pdf_thai_digits=True, tip_phone="043-999-222")
    thai = layout_text(client.get("/guide/tips.pdf").data, tmp_path, "thai.pdf")

    # Then the text and the page numbers are in Thai numerals
    assert re.search(r"ภายใน\s+๑๕\s+วัน", thai), thai
    assert re.search(r"๒๐\s+เมษายน\s+๒๕๖๙", thai)
    assert re.search(r"หน้า ๑ / [๐-๙]+", thai)
    # But what a reader types or dials keeps its digits
    assert "043-999-222" in thai
    assert "http://127.0.0.1:5000/tips/new" in thai or "http://localhost/tips/new" in thai
    # And the web page itself is unchanged
    assert "๑๕" not in client.get("/guide/tips").get_data(as_text=True)


def test_the_report_download_offers_thai_numerals(app: Flask, tmp_path: Path) -> None:
    # Given a half-year with late cases, and an executive on its report's page
    late_reference = seed(app).references[5]
    client = staff_client(app, "boss1", Role.EXECUTIVE)
    query = {"fy": "2569", "half": "1", "kind": "complaint"}
    page = client.get("/staff/reports/report", query_string=query).get_data(as_text=True)

    # Then the download offers the PDF in Thai numerals beside the usual one
    assert re.search(r'href="[^"]*format=pdf[^"]*digits=thai[^"]*"', page.replace("&amp;", "&"))

    # When they take it
    thai = client.get(
        "/staff/reports/download", query_string={**query, "format": "pdf", "digits": "thai"}
    )
    arabic = client.get("/staff/reports/download", query_string={**query, "format": "pdf"})

    # Then its title and figures are in Thai numerals, and the usual one is not
    thai_text = re.sub(r"[ \t]+", " ", layout_text(thai.data, tmp_path, "thai.pdf"))
    arabic_text = re.sub(r"[ \t]+", " ", layout_text(arabic.data, tmp_path, "arabic.pdf"))
    assert "รอบ ๖ เดือน" in thai_text and "ปีงบประมาณ พ.ศ. ๒๕๖๙" in thai_text
    assert re.search(r"หน้า ๑/[๐-๙]", thai_text)
    assert "รอบ 6 เดือน" in arabic_text and "๖" not in arabic_text
    # But a case reference, which staff type to find the case, keeps its digits
    assert late_reference in thai_text and re.search(r"\d", late_reference)


def test_the_report_command_takes_the_same_choice(
    runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("intake.cli.reports.utc_now", lambda: NOW)
    base = ["intake", "report", "--fy", "2569", "--half", "1", "--kind", "tip"]

    # When the command writes the report in Thai numerals, and by default
    thai_path, default_path = tmp_path / "thai.pdf", tmp_path / "default.pdf"
    thai = runner.invoke(args=[*base, "--digits", "thai", "--output", str(thai_path)])
    default = runner.invoke(args=[*base, "--output", str(default_path)])

    # Then the first is in Thai numerals, the second in the organisation's default (Arabic)
    assert thai.exit_code == 0 and default.exit_code == 0, (thai.output, default.output)
    assert "รอบ ๖ เดือน" in layout_text(thai_path.read_bytes(), tmp_path, "t.pdf")
    assert "รอบ 6 เดือน" in layout_text(default_path.read_bytes(), tmp_path, "d.pdf")
