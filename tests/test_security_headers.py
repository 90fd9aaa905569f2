"""Pages keep nothing in caches, load nothing from other hosts, and refuse forged posts."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.extensions import db
from intake.services.settings import get_organisation
from tests.support.builders import complaint_form

PAGES = ["/", "/complaints/new", "/tips/new", "/track", "/guide", "/stats", "/healthz"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_privacy_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    headers = response.headers
    assert response.status_code == 200
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other host is ever allowed


LOADS = re.compile(
    r"""(?:src|srcset|data|action)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]*href\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""",
    re.I,
)
ANCHOR_OUT = re.compile(r"""<a\s[^>]*href\s*=\s*["']?\s*(?:https?:)?//[^>]*>""", re.I)


@pytest.mark.parametrize(
    "path", ["/", "/complaints/new", "/tips/new", "/track", "/guide", "/stats"]
)
def test_pages_load_nothing_from_another_host(app: Flask, client: FlaskClient, path: str) -> None:
    # Given an organisation that publishes its Facebook page (a link out, on /guide)
    with app.app_context():
        organisation = get_organisation(db.session)
        organisation.facebook_url = "https://www.facebook.com/example.sao"
        db.session.commit()
    html = client.get(path).get_data(as_text=True)
    # Then nothing on the page is fetched from another host
    assert not LOADS.findall(html)
    # and a link out tells the other host nothing of where the reader came from
    for anchor in ANCHOR_OUT.findall(html):
        assert "noreferrer" in anchor, anchor


def test_static_files_may_be_cached(client: FlaskClient) -> None:
    response = client.get("/static/intake.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


def test_a_post_without_the_csrf_token_is_refused_in_thai(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/complaints/new", data=complaint_form())
    assert response.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in response.get_data(as_text=True)


def test_language_switch_sets_a_cookie_and_only_redirects_locally(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/tips/new")
    assert response.status_code == 303
    assert response.headers["Location"] == "/tips/new"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert client.get("/").get_data(as_text=True).startswith('<!doctype html>\n<html lang="en">')
    for hostile in ["//evil.example/", "https://evil.example/", "/\\evil.example"]:
        assert client.get("/lang/th", query_string={"next": hostile}).headers["Location"] == "/"
    assert client.get("/lang/fr").status_code == 404


def test_errors_are_pages_in_thai_not_tracebacks(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.get_data(as_text=True)
    assert client.put("/track").status_code == 405


def test_healthz_checks_the_database(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
