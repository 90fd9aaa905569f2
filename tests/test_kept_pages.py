"""The front page and the filing forms are rendered once per worker and kept: each visitor
still gets their own form token, and a change to what the page shows shows at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, template_rendered
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, CaseKind, Category, Organisation
from intake.public.kept_pages import _TOKEN_MARK
from tests.support.builders import complaint_form
from tests.support.staff import csrf_token

PAGES = ("/", "/complaints/new", "/tips/new")


@contextmanager
def rendered_templates(app: Flask) -> Iterator[list[str]]:
    names: list[str] = []

    def seen(_sender: Any, template: Any, **_extra: Any) -> None:
        names.append(template.name)

    template_rendered.connect(seen, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(seen, app)


def test_a_page_is_rendered_once_then_served_as_kept(app: Flask) -> None:
    client = app.test_client()
    for path in PAGES:
        with rendered_templates(app) as first:
            assert client.get(path).status_code == 200
        with rendered_templates(app) as again:
            assert client.get(path).status_code == 200
        assert first, path
        assert again == [], path


def test_each_visitor_gets_their_own_token_and_it_files(make_app: Any) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    first, second = app.test_client(), app.test_client()
    first_page = first.get("/complaints/new").get_data(as_text=True)
    second_page = second.get("/complaints/new").get_data(as_text=True)
    first_token, second_token = csrf_token(first_page), csrf_token(second_page)
    assert first_token != second_token
    assert _TOKEN_MARK not in first_page + second_page
    # The other visitor's token is refused: each is bound to its own session.
    refused = first.post("/complaints/new", data={**complaint_form(), "csrf_token": second_token})
    assert refused.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in refused.get_data(as_text=True)
    filed = first.post("/complaints/new", data={**complaint_form(), "csrf_token": first_token})
    assert filed.status_code == 303
    front = second.get("/").get_data(as_text=True)
    # The same session, the same token. The signed form carries the second it was
    # signed in, so compare the token itself, the part before the timestamp.
    assert csrf_token(front).split(".")[0] == second_token.split(".")[0]
    with app.app_context():
        assert db.session.scalar(select(Case.kind)) is CaseKind.COMPLAINT


def test_a_changed_category_or_setting_shows_at_once(app: Flask) -> None:
    client = app.test_client()
    before = client.get("/complaints/new").get_data(as_text=True)
    with app.app_context():
        category = db.session.scalars(
            select(Category).where(Category.kind == CaseKind.COMPLAINT)
        ).first()
        assert category is not None and category.name_th in before
        category.name_th = "ประเภทที่เพิ่งเปลี่ยนชื่อ"
        organisation = db.session.scalars(select(Organisation)).one()
        organisation.hotline = "1111"
        db.session.commit()
    after = client.get("/complaints/new").get_data(as_text=True)
    assert "ประเภทที่เพิ่งเปลี่ยนชื่อ" in after
    assert 'href="tel:1111"' in after
    assert 'href="tel:1111"' in client.get("/").get_data(as_text=True)


def test_each_language_has_its_own_page(app: Flask) -> None:
    client = app.test_client()
    thai = client.get("/tips/new").get_data(as_text=True)
    client.get("/lang/en")
    english = client.get("/tips/new").get_data(as_text=True)
    client.get("/lang/th")
    again = client.get("/tips/new").get_data(as_text=True)
    assert '<html lang="th">' in thai and '<html lang="en">' in english
    assert '<html lang="th">' in again
