"""Intake as the README deploys it: nginx (the shipped deploy/nginx/intake.conf) in front
of gunicorn with two workers, rate limits counted in a real redis-server.

- Each visitor is counted apart, by the address nginx saw (visitors connect from
  127.0.0.2 and 127.0.0.3), across both workers; an X-Forwarded-For the visitor sends
  itself changes nothing.
- Slow clients dripping request bodies wait on nginx, not on gunicorn's threads.
- nginx's access log holds no client address and no query string.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from config import BaseConfig
from tests.support.proxy import NGINX_SITE, Browser, Gunicorn, Nginx, RedisServer, tls_context

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits

TIER_REASON = "sqlite tier only: the proxy in front does not depend on the database engine"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TRACK_LIMIT = 3
WORKERS_TIMES_THREADS = 2 * 4
SLOW_CLIENTS = WORKERS_TIMES_THREADS + 4
CLIENT_BODY_TIMEOUT = 15  # seconds, as deploy/nginx/intake.conf sets it
BODY_DEADLINE = 3  # seconds: gunicorn's whole-body deadline, shortened for the test


@pytest.fixture
def deployment(make_app: Any, tmp_path: Path) -> Iterator[Nginx]:
    """nginx → gunicorn (2 workers × 4 threads, production) → SQLite, limits in redis."""
    app: Flask = make_app()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(TIER_REASON)
    redis = RedisServer()
    gunicorn: Gunicorn | None = None
    nginx: Nginx | None = None
    try:
        redis.start()
        gunicorn = Gunicorn(
            {
                "INTAKE_ENV": "production",
                "INTAKE_INSTANCE_PATH": app.config["INTAKE_INSTANCE_PATH"],
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "proxy-test-secret-key-of-forty-characters",
                "RATELIMIT_STORAGE_URI": redis.url,
                "INTAKE_TRUSTED_PROXIES": "1",
                "INTAKE_TRACK_LIMIT": f"{TRACK_LIMIT} per minute",
            },
            tmp_path,
        ).start()
        nginx = Nginx(tmp_path / "nginx", gunicorn.port).start()
        yield nginx
    finally:
        for server in (nginx, gunicorn):
            if server is not None:
                server.stop()
        redis.stop()


def _track_attempt(browser: Browser, headers: dict[str, str] | None = None) -> int:
    """A tracking lookup with a wrong code, through the real form; its status."""
    status, _headers, page = browser.request("GET", "/track")
    assert status == 200, page[:500]
    match = TOKEN.search(page)
    assert match, "no CSRF token on /track"
    body = urlencode({"csrf_token": match.group(1), "code": "1234 5678 9012 3456"}).encode()
    sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    return browser.request("POST", "/track", body, sent)[0]


def test_each_visitor_is_limited_by_the_address_nginx_saw_across_both_workers(
    deployment: Nginx,
) -> None:
    # Given two visitors on their own addresses, behind the one nginx
    first = Browser(deployment.https_port, "127.0.0.2")
    second = Browser(deployment.https_port, "127.0.0.3")
    # When the first uses up the tracking limit, their lookups landing on either worker
    statuses = [_track_attempt(first) for _ in range(TRACK_LIMIT)]
    assert 429 not in statuses, statuses
    # Then their next lookups are refused, also when claiming another address themselves
    assert _track_attempt(first) == 429
    assert _track_attempt(first, {"X-Forwarded-For": "127.0.0.9"}) == 429
    assert _track_attempt(first, {"X-Forwarded-For": "203.0.113.7, 127.0.0.3"}) == 429
    # And the other visitor still has every lookup of their own
    second_statuses = [_track_attempt(second) for _ in range(TRACK_LIMIT)]
    assert 429 not in second_statuses, second_statuses
    # And nginx logged neither address nor query string
    Browser(deployment.https_port, "127.0.0.2").request("GET", "/track?probe=query-secret")
    log = deployment.access_log.read_text()
    assert '"POST /track" 429' in log
    assert "127.0.0" not in log
    assert "query-secret" not in log


def test_plain_http_is_sent_to_https(deployment: Nginx) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", deployment.http_port, timeout=10)
    connection.request("GET", "/track")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location", "").startswith("https://")
    connection.close()


def _drip(port: int, stop: threading.Event, opened: list[ssl.SSLSocket]) -> None:
    """A client that sends a filing's headers, then its body a byte a second."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=60)
    connection = tls_context().wrap_socket(raw, server_hostname="localhost")
    opened.append(connection)
    connection.sendall(
        b"POST /complaints/new HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    while not stop.wait(1.0):
        try:
            connection.sendall(b"a")
        except OSError:
            return


def test_slow_request_bodies_do_not_hold_the_application(deployment: Nginx) -> None:
    # Given more clients dripping request bodies than gunicorn has threads in all
    stop, opened = threading.Event(), []
    drips = [
        threading.Thread(target=_drip, args=(deployment.https_port, stop, opened), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for drip in drips:
        drip.start()
    try:
        time.sleep(3)  # every slow client has sent its headers and a few bytes
        assert len(opened) == SLOW_CLIENTS
        # When someone else asks for a page and sends a filing's worth of form
        started = time.monotonic()
        visitor = Browser(deployment.https_port, "127.0.0.4")
        status, _headers, _page = visitor.request("GET", "/healthz")
        form_status = _track_attempt(visitor)
        elapsed = time.monotonic() - started
        # Then they are served, well within the time nginx gives a silent body
        assert status == 200
        assert form_status in {200, 422}
        assert elapsed < CLIENT_BODY_TIMEOUT
    finally:
        stop.set()
        for connection in opened:
            connection.close()
        for drip in drips:
            drip.join(5)


def test_without_a_proxy_a_slow_body_holds_a_gunicorn_thread_only_until_its_deadline(
    make_app: Any, tmp_path: Path
) -> None:
    # Given gunicorn alone (gunicorn.conf.py), with a short body deadline for the test
    app: Flask = make_app()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(TIER_REASON)
    gunicorn = Gunicorn(
        {
            "INTAKE_ENV": "development",
            "INTAKE_INSTANCE_PATH": app.config["INTAKE_INSTANCE_PATH"],
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "proxy-test-secret-key-of-forty-characters",
            "INTAKE_REQUEST_BODY_SECONDS": str(BODY_DEADLINE),
        },
        tmp_path,
    ).start()
    try:
        # When a client sends a filing's headers, then its body a byte a second
        client = socket.create_connection(("127.0.0.1", gunicorn.port), timeout=BODY_DEADLINE * 5)
        started = time.monotonic()
        client.sendall(
            b"POST /complaints/new HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        )
        client.setblocking(False)
        answer = b""
        while not answer and time.monotonic() - started < BODY_DEADLINE * 5:
            try:
                client.sendall(b"a")
            except BlockingIOError:
                pass
            except OSError:
                break  # closed by the server: its answer, if any, is waiting to be read
            time.sleep(1)
            try:
                answer = client.recv(200)
            except BlockingIOError:
                continue
        client.settimeout(BODY_DEADLINE * 2)
        try:
            answer = answer or client.recv(200)
        except TimeoutError:
            pass  # no answer: the thread is still waiting for the body
        elapsed = time.monotonic() - started
        client.close()
        # Then the server gives up on it at the deadline, with 408, freeing the thread
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert BODY_DEADLINE - 1 <= elapsed < BODY_DEADLINE * 4
    finally:
        gunicorn.stop()


def test_the_shipped_nginx_site_takes_bodies_as_large_as_the_application_does() -> None:
    # The upload limit in nginx is the application's, so an over-large upload reaches the
    # application, which answers with a message beside the field.
    site = NGINX_SITE.read_text()
    match = re.search(r"^\s*client_max_body_size (\d+)m;", site, re.MULTILINE)
    assert match, "client_max_body_size missing"
    assert int(match.group(1)) * 1024 * 1024 == BaseConfig.MAX_CONTENT_LENGTH
    for setting in (
        "proxy_request_buffering on;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ):
        assert setting in site
    log_format = re.search(r"^log_format intake (.*);$", site, re.MULTILINE)
    assert log_format
    for variable in ("$remote_addr", "$http_referer", "$request ", "$args", "$request_uri"):
        assert variable not in log_format.group(1) + " "
