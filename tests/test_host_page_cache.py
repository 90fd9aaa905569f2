"""The host's public pages are kept, as answered, for INTAKE_STATS_CACHE_SECONDS in each
worker: the same question gets the same answer within that time, and nothing of one
visitor's answer reaches another's that should differ (language, address, query)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from intake.extensions import db
from intake.i18n import LANG_COOKIE
from tests.support.organisations import add_organisation

KHON_KAEN = "ขอนแก่น"


def _host(make_app: Any, seconds: int) -> Flask:
    app: Flask = make_app(INTAKE_STATS_CACHE_SECONDS=seconds)
    add_organisation(app, "second", "เทศบาลตำบลหนองเรือ", province=KHON_KAEN, district="หนองเรือ")
    return app


def test_a_search_asked_again_within_the_time_is_answered_as_before(make_app: Any) -> None:
    # Given a host keeping its pages for a minute, asked for "หนอง"
    app = _host(make_app, 60)
    client = app.test_client()
    first = client.get("/", query_string={"q": "หนอง"})
    assert "เทศบาลตำบลหนองเรือ" in first.get_data(as_text=True)
    # When an organisation that matches joins within the minute
    add_organisation(app, "third", "องค์การบริหารส่วนตำบลหนองแก", province=KHON_KAEN)
    # Then the same search is answered as before, a different one sees it
    again = client.get("/", query_string={"q": "หนอง"})
    assert again.get_data() == first.get_data()
    assert "หนองแก" in client.get("/", query_string={"q": "หนองแก"}).get_data(as_text=True)


def test_with_the_time_zero_every_answer_is_fresh(make_app: Any) -> None:
    app = _host(make_app, 0)
    client = app.test_client()
    client.get("/", query_string={"q": "หนอง"})
    add_organisation(app, "third", "องค์การบริหารส่วนตำบลหนองแก", province=KHON_KAEN)
    assert "หนองแก" in client.get("/", query_string={"q": "หนอง"}).get_data(as_text=True)


def test_each_language_has_its_own_answer(make_app: Any) -> None:
    app = _host(make_app, 60)
    thai = app.test_client().get("/stats").get_data(as_text=True)
    english_client = app.test_client()
    english_client.set_cookie(LANG_COOKIE, "en")
    english = english_client.get("/stats").get_data(as_text=True)
    assert '<html lang="th"' in thai and '<html lang="en"' in english
    assert app.test_client().get("/stats").get_data(as_text=True) == thai


def test_each_query_has_its_own_answer_and_a_refusal_stays_a_refusal(make_app: Any) -> None:
    app = _host(make_app, 60)
    client = app.test_client()
    whole = client.get("/stats.json").get_json()
    khon_kaen = client.get("/stats.json", query_string={"province": KHON_KAEN}).get_json()
    assert len(whole["organisations"]) == 2 and len(khon_kaen["organisations"]) == 1
    for _ in range(2):
        refused = client.get("/stats.json", query_string={"province": "ไม่มีจังหวัดนี้"})
        assert refused.status_code == 400 and "province" in refused.get_json()["errors"]


def test_a_kept_answer_still_carries_its_own_headers_and_every_response_s(
    make_app: Any,
) -> None:
    app = _host(make_app, 60)
    client = app.test_client()
    fresh, kept = (client.get("/stats.csv") for _ in range(2))
    assert kept.get_data() == fresh.get_data()
    for name in ("Content-Type", "Content-Disposition", "Content-Security-Policy"):
        assert kept.headers.get(name) == fresh.headers.get(name) is not None, name
    assert "Set-Cookie" not in kept.headers


def test_a_kept_answer_is_served_without_a_read(make_app: Any) -> None:
    # Given a host whose directory answered "หนอง" once
    app = _host(make_app, 60)
    client = app.test_client()
    client.get("/", query_string={"q": "หนอง"})
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        # When it is asked again, and an organisation's page after it
        assert client.get("/", query_string={"q": "หนอง"}).status_code == 200
        kept = list(statements)
        assert client.get("/o/second/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # Then the kept answer read nothing; the organisation's page is still looked up
    assert kept == []
    assert any("organisation" in statement for statement in statements)
