"""The tip form's identity fields: closed while the tip is anonymous, open when the person
gives their name; and when the form comes back to be corrected, everything typed is there
and the person is told to choose their files again."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case
from tests.support.browser import tiny_png
from tests.support.builders import tip_form

DETAILS_TAG = re.compile(r'<details id="identity-details"[^>]*>')
CHOOSE_AGAIN = "ไฟล์ที่เลือกไว้ยังไม่ถูกส่ง โปรดเลือกไฟล์อีกครั้ง"
CONFLICT = "ท่านเลือกไม่เปิดเผยตัวตน แต่ได้กรอกข้อมูลส่วนตัวไว้"
NAME = "นายแจ้ง ข่าว"
PHONE = "081-234-5678"


def identity_details(page: str) -> str:
    """The opening tag of the identity fields' disclosure, and what it holds."""
    tag = DETAILS_TAG.search(page)
    assert tag, page[:3000]
    end = page.index("</details>", tag.end())
    return page[tag.start() : end]


def is_open(details: str) -> bool:
    return bool(re.match(r'<details id="identity-details"[^>]*\sopen[\s>]', details))


def with_photo(form: dict, tmp_path: Path) -> dict:
    photo = tiny_png(tmp_path / "หลักฐาน.png").read_bytes()
    return {**form, "attachments": (io.BytesIO(photo), "หลักฐาน.png")}


def test_new_tip_form_is_anonymous_with_the_identity_fields_closed(client: FlaskClient) -> None:
    # When a tipster opens the form
    page = client.get("/tips/new").get_data(as_text=True)

    # Then "anonymous" is ticked and every identity field sits in a closed disclosure
    assert re.search(r'<input[^>]*checked[^>]*id="anonymous"|id="anonymous"[^>]*checked', page)
    details = identity_details(page)
    assert not is_open(details)
    for name in (
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_address",
        "reporter_national_id",
    ):
        assert f'name="{name}"' in details, name
    # ...whose summary says what is inside, and the box is outside it
    assert "<summary>" in details and 'id="anonymous"' not in details


def test_identity_fields_are_open_when_the_person_chose_to_give_their_name(
    client: FlaskClient,
) -> None:
    # Given a named tip with a mistake in it (no details)
    form = tip_form(anonymous="", reporter_name=NAME, details="")

    # When it is sent
    response = client.post("/tips/new", data=form)

    # Then the form comes back with the identity fields open and the name kept
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    details = identity_details(page)
    assert is_open(details)
    assert f'value="{NAME}"' in details


def test_anonymous_with_a_name_typed_keeps_everything_and_says_choose_files_again(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    # Given an anonymous tip where a name and phone were typed anyway, with a photo chosen
    form = with_photo(tip_form(reporter_name=NAME, reporter_phone=PHONE), tmp_path)

    # When it is sent
    response = client.post("/tips/new", data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)

    # Then nothing is stored, and the person is asked to choose
    assert response.status_code == 422
    assert CONFLICT in page
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None
    # ...with the identity fields open, so they see what they typed, and all of it kept
    details = identity_details(page)
    assert is_open(details)
    assert f'value="{NAME}"' in details and f'value="{PHONE}"' in details
    assert "เรียกรับเงินในการออกใบอนุญาตก่อสร้าง" in page
    # ...and they are told, beside the files and in the summary at the top, that the
    # chosen files were not sent and must be chosen again
    assert re.search(r'id="attachments-reattach">\s*' + re.escape(CHOOSE_AGAIN), page)
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert 'href="#attachments"' in summary and CHOOSE_AGAIN in summary


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"subject": ""}, id="missing-subject"),
        pytest.param({"incident_date": "32/13/2569"}, id="bad-date"),
    ],
)
def test_any_error_with_files_keeps_what_was_typed_and_says_choose_again(
    client: FlaskClient, tmp_path: Path, changes: dict
) -> None:
    # Given a tip with a mistake and a photo chosen
    form = with_photo(tip_form(accused="ปลัดตัวอย่าง", location="หมู่ 4", **changes), tmp_path)

    # When it is sent
    response = client.post("/tips/new", data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)

    # Then what was typed is kept, the identity fields stay closed (still anonymous)
    assert response.status_code == 422
    assert "ปลัดตัวอย่าง" in page and 'value="หมู่ 4"' in page
    assert not is_open(identity_details(page))
    # ...and the files message is beside the files and in the summary
    assert 'id="attachments-reattach"' in page
    assert page.count(CHOOSE_AGAIN) == 2


def test_no_files_message_when_no_file_was_chosen(client: FlaskClient) -> None:
    response = client.post("/tips/new", data=tip_form(subject=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert CHOOSE_AGAIN not in page
