"""/guide.pdf and /guide/tips.pdf are built from the settings alone, whatever Host header
a request carries, and production refuses hosts the organisation did not name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config import ConfigError, trusted_hosts
from intake.public import guide
from tests.support.guide import pdf_text

BASE_URL = "https://rongrian.nongbua.go.th"
HOSTS = ["localhost", "attacker.example", "other.example:8080"]


@pytest.fixture(autouse=True)
def empty_pdf_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without PDFs rendered by another test (a fresh cache of its kind)."""
    monkeypatch.setattr(guide, "_pdf_cache", type(guide._pdf_cache)())


@pytest.mark.parametrize(
    ("path", "form"), [("/guide.pdf", "/complaints/new"), ("/guide/tips.pdf", "/tips/new")]
)
def test_the_pdf_is_rendered_once_for_every_host_with_links_from_the_base_url(
    make_app: Any, tmp_path: Path, path: str, form: str
) -> None:
    # Given the published address in the settings (any host is let in outside production)
    app = make_app(INTAKE_BASE_URL=BASE_URL)
    client = app.test_client()

    # When a guideline PDF is asked for under several Host headers
    documents = []
    for host in HOSTS:
        response = client.get(path, base_url=f"http://{host}")
        assert response.status_code == 200
        documents.append(response.data)

    # Then every request gets the same document, whose links are the published ones
    assert documents[1:] == documents[:-1]
    text = pdf_text(documents[0], tmp_path)
    assert f"{BASE_URL}/track" in text and f"{BASE_URL}{form}" in text
    for host in HOSTS:
        assert host.split(":")[0] not in text and host.encode() not in documents[0]
    # ...rendered once: the other requests were served from the cache
    assert guide._pdf_cache.renders == 1
    assert guide._pdf_cache.hits == len(HOSTS) - 1


def _production(make_app: Any) -> Flask:
    make_app()  # the schema, as every test's first app makes it
    return make_app(INTAKE_ENV="production", INTAKE_BASE_URL=BASE_URL)


def test_production_refuses_a_host_it_does_not_know_with_a_plain_page(make_app: Any) -> None:
    app = _production(make_app)
    client = app.test_client()

    # An unknown host gets 400 and a page that says why, and nothing is rendered for it
    for path in ("/guide.pdf", "/", "/healthz", "/staff/login"):
        refused = client.get(path, base_url="https://attacker.example")
        assert refused.status_code == 400, path
        assert "ที่อยู่เว็บไซต์นี้ไม่ใช่ที่อยู่ของระบบรับเรื่องร้องเรียน" in refused.get_data(as_text=True)
    posted = client.post("/complaints/new", base_url="https://attacker.example", data={})
    assert posted.status_code == 400
    assert guide._pdf_cache.renders == 0

    # The published host is served, on any port (the proxy may add one)
    assert client.get("/healthz", base_url=BASE_URL).status_code == 200
    assert client.get("/healthz", base_url=f"{BASE_URL}:8443").status_code == 200


def test_trusted_hosts_come_from_the_setting_or_the_base_url() -> None:
    listed = trusted_hosts(" Rongrian.example.go.th, .nongbua.go.th ", BASE_URL, "production")
    assert listed == ["rongrian.example.go.th", ".nongbua.go.th"]
    assert trusted_hosts("", BASE_URL, "production") == ["rongrian.nongbua.go.th"]
    assert trusted_hosts("", BASE_URL, "development") is None
    assert trusted_hosts("", BASE_URL, "testing") is None
    assert trusted_hosts("intake.local", BASE_URL, "development") == ["intake.local"]
    with pytest.raises(ConfigError, match="INTAKE_BASE_URL"):
        trusted_hosts("", "not a url", "production")
