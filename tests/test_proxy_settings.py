"""Settings for running behind a reverse proxy: whose address counts, where limits are
counted, and forms over HTTPS. (tests/test_behind_proxy.py runs the real nginx.)"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from config import ConfigError, load_config
from intake import create_app, crypto

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PRODUCTION_SECRET = "production-secret-for-the-proxy-settings-0123456789"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("INTAKE_", "RATELIMIT_")) or name == "SECRET_KEY":
            monkeypatch.delenv(name)


def _production(tmp_path: Path, **environ: str) -> dict[str, Any]:
    return load_config(
        {"INTAKE_ENV": "production", "SECRET_KEY": PRODUCTION_SECRET, **environ},
        {"INTAKE_INSTANCE_PATH": str(tmp_path / "instance")},
    )


def _track(client: FlaskClient, address: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    environ = {"REMOTE_ADDR": address}
    return client.post(
        "/track", data={"code": "1234"}, headers=headers, environ_base=environ
    ).status_code


def test_without_trusted_proxies_the_connecting_address_counts(make_app: Any) -> None:
    # Given no trusted proxy (the default) and a limit of two lookups
    client = make_app(RATELIMIT_ENABLED=True, INTAKE_TRACK_LIMIT="2 per minute").test_client()
    # When one address claims two others in X-Forwarded-For
    statuses = [_track(client, "192.0.2.1", forwarded) for forwarded in ("10.0.0.1", "10.0.0.2")]
    # Then the claims are ignored: it is one client, limited after two
    assert 429 not in statuses
    assert _track(client, "192.0.2.1", "10.0.0.3") == 429


def test_behind_one_trusted_proxy_each_client_is_counted_by_the_proxys_word(
    make_app: Any,
) -> None:
    # Given one trusted proxy at 127.0.0.1 and a limit of two lookups
    app = make_app(
        RATELIMIT_ENABLED=True, INTAKE_TRACK_LIMIT="2 per minute", INTAKE_TRUSTED_PROXIES=1
    )
    client = app.test_client()
    # When one client uses up its lookups through the proxy
    assert 429 not in [_track(client, "127.0.0.1", "198.51.100.7") for _ in range(2)]
    # Then it is limited, whatever it prepends to the header itself
    assert _track(client, "127.0.0.1", "198.51.100.7") == 429
    assert _track(client, "127.0.0.1", "203.0.113.9, 198.51.100.7") == 429
    # And another client behind the same proxy is not
    assert _track(client, "127.0.0.1", "198.51.100.8") == 422  # a wrong code, answered


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_is_refused(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(ConfigError, match="INTAKE_TRUSTED_PROXIES"):
        load_config({"INTAKE_TRUSTED_PROXIES": value}, {"INTAKE_INSTANCE_PATH": str(tmp_path)})


@pytest.mark.commits
def test_production_refuses_per_process_limits_when_several_workers_serve(
    tmp_path: Path,
) -> None:
    # Given production under gunicorn with two workers and limits counted in memory
    with pytest.raises(ConfigError) as raised:
        _production(tmp_path, INTAKE_WORKER_COUNT="2", RATELIMIT_STORAGE_URI="memory://")
    # Then it refuses, and says where to count instead
    assert "RATELIMIT_STORAGE_URI" in str(raised.value)
    assert "Redis" in str(raised.value)


@pytest.mark.parametrize(
    "environ",
    [
        {"INTAKE_WORKER_COUNT": "2", "RATELIMIT_STORAGE_URI": "redis+unix:///run/r.sock"},
        {"INTAKE_WORKER_COUNT": "1"},
        {"INTAKE_WORKER_COUNT": "2", "RATELIMIT_ENABLED": "false"},
    ],
    ids=["shared-storage", "one-worker", "limits-off"],
)
def test_production_accepts_limits_that_count_in_one_place(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    assert _production(tmp_path, **environ)["ENV_NAME"] == "production"


def test_production_says_at_start_when_no_proxy_is_trusted_and_limits_count_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Given production with keys, no INTAKE_TRUSTED_PROXIES and the default memory://
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_SECRET)
    instance = tmp_path / "instance"
    crypto.ensure_keyring(instance / "keys")
    # When it starts
    with caplog.at_level(logging.WARNING):
        create_app(
            {
                "INTAKE_ENV": "production",
                "INTAKE_INSTANCE_PATH": str(instance),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'intake.sqlite'}",
            }
        )
    # Then both are said, loudly, at start
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "INTAKE_TRUSTED_PROXIES is not set" in messages
    assert "RATELIMIT_STORAGE_URI is memory://" in messages
    # and so is a base URL left at this machine's address, which turns every visitor away
    assert "INTAKE_BASE_URL is http://127.0.0.1:5000" in messages


def test_forms_work_over_https_without_a_referer(make_app: Any) -> None:
    # Given CSRF protection on, over HTTPS, and browsers that send no Referer (the
    # application itself asks for Referrer-Policy: no-referrer)
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/track", base_url="https://intake.example").get_data(as_text=True)
    token = TOKEN.search(page)
    assert token
    # When the tracking form is sent with its token
    response = client.post(
        "/track", data={"csrf_token": token.group(1), "code": "1234"},
        base_url="https://intake.example",
    )  # fmt: skip
    # Then it is answered (the code is wrong), not refused for a missing Referer
    assert response.status_code == 422
