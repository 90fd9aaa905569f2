"""Real servers around the application, on loopback: redis-server, gunicorn, and nginx
running the shipped deploy/nginx/intake.conf.

The nginx site is the operator's file itself; only its addresses and paths are replaced
(each replacement must find its text, so a change to the file that the harness does not
know about fails loudly instead of testing something else). Every server runs in a
process of its own, in its own session, and is stopped by its process id.

Missing binaries fail the test under INTAKE_REQUIRE_ALL_TIERS=1 (CI) and skip it
otherwise.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

# The repository's own files (the test locates the checkout, not the application).
REPO = Path(__file__).resolve().parents[2]
NGINX_SITE = REPO / "deploy" / "nginx" / "intake.conf"
GUNICORN_CONF = REPO / "gunicorn.conf.py"
START_SECONDS = 60


def require_binary(name: str, package: str) -> str:
    """The path of ``name``; without it the test fails in CI and is skipped elsewhere."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    message = f"{name} is needed (Debian package {package})"
    if os.environ.get("INTAKE_REQUIRE_ALL_TIERS", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # its own session: the server and its workers
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)


def _start(command: list[str], log: Path, **options: Any) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **options
        )  # fmt: skip


def _wait(ready: Any, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    _stop(process)
    raise AssertionError(f"{what} did not start within {START_SECONDS} s")


class RedisServer:
    """redis-server on a unix socket only (no TCP port), nothing saved to disk."""

    def __init__(self) -> None:
        self.binary = require_binary("redis-server", "redis-server")
        # A short folder of its own: unix socket paths are limited to about 107 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="intake-redis-"))
        self.socket = self.folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis+unix://{self.socket}"

    def start(self) -> RedisServer:
        log = self.folder / "redis.log"
        command = [
            self.binary, "--port", "0", "--unixsocket", str(self.socket),
            "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", str(self.folder),
        ]  # fmt: skip
        self.process = _start(command, log)
        _wait(self._answers, self.process, log, "redis-server")
        return self

    def _answers(self) -> bool:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(self.socket))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        _stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` on a free loopback port."""

    def __init__(self, environ: Mapping[str, str], folder: Path) -> None:
        # HOME: gunicorn puts its control socket there; one per server, not one per machine.
        self.environ = {
            "PATH": os.environ.get("PATH", ""),
            "LANG": "C.UTF-8",
            "HOME": str(folder),
            **environ,
        }
        self.port = free_port()
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Gunicorn:
        command = [
            str(Path(sys.executable).parent / "gunicorn"), "-c", str(GUNICORN_CONF),
            "-b", f"127.0.0.1:{self.port}", "wsgi:app",
        ]  # fmt: skip
        self.process = _start(command, self.log, cwd=REPO, env=self.environ)
        _wait(self._healthy, self.process, self.log, "gunicorn")
        return self

    def _healthy(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        finally:
            connection.close()

    def stop(self) -> None:
        _stop(self.process, timeout=40)  # graceful_timeout in gunicorn.conf.py is 30 s


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    openssl = require_binary("openssl", "openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def render_site(
    folder: Path, *, app_port: int, http_port: int, https_port: int, cert: Path, key: Path
) -> str:
    """deploy/nginx/intake.conf with loopback addresses and this folder's paths."""
    site = NGINX_SITE.read_text()
    replacements = [
        ("listen [::]:80;\n", ""),
        ("listen [::]:443 ssl;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("/etc/letsencrypt/live/intake.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/intake.example.org/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{folder}/"),
    ]
    for old, new in replacements:
        assert old in site, f"{NGINX_SITE} no longer has {old!r}: update tests/support/proxy.py"
        site = site.replace(old, new)
    return site


class Nginx:
    """nginx in the foreground with a main configuration of its own around the site."""

    def __init__(self, folder: Path, app_port: int, *more_app_ports: int) -> None:
        self.binary = require_binary("nginx", "nginx-light")
        self.folder = folder
        self.app_port = app_port
        self.more_app_ports = more_app_ports  # further application servers upstream
        self.http_port = free_port()
        self.https_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def access_log(self) -> Path:
        return self.folder / "intake-access.log"

    def start(self) -> Nginx:
        self.folder.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed_certificate(self.folder)
        site = self.folder / "intake.conf"
        text = render_site(
            self.folder, app_port=self.app_port, http_port=self.http_port,
            https_port=self.https_port, cert=cert, key=key,
        )  # fmt: skip
        first = f"server 127.0.0.1:{self.app_port};"
        servers = [first, *(f"server 127.0.0.1:{port};" for port in self.more_app_ports)]
        site.write_text(text.replace(first, "\n    ".join(servers)))
        main = self.folder / "nginx.conf"
        temp = "\n".join(
            f"    {kind}_temp_path {self.folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, the workers would otherwise drop to "nobody", who cannot write here.
        user = "user root;\n" if os.geteuid() == 0 else ""
        main.write_text(
            f"daemon off;\n{user}worker_processes 1;\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.folder / 'nginx-error.log'} warn;\n"
            "events { worker_connections 512; }\n"
            f"http {{\n{temp}\n    include {site};\n}}\n"
        )
        log = self.folder / "nginx.out"
        command = [
            self.binary, "-e", str(self.folder / "nginx-error.log"),
            "-p", str(self.folder), "-c", str(main),
        ]  # fmt: skip
        self.process = _start(command, log)
        _wait(self._listening, self.process, log, "nginx")
        return self

    def _listening(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.https_port), timeout=2):
            return True

    def stop(self) -> None:
        _stop(self.process)


def tls_context() -> ssl.SSLContext:
    """The harness's own self-signed certificate: not checked, on loopback only."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # noqa: S503
    return context


class Browser:
    """One visitor from its own loopback address (127.0.0.x): a cookie jar over HTTPS."""

    def __init__(self, port: int, source: str) -> None:
        self.port = port
        self.source = source
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=30, context=tls_context(),
            source_address=(self.source, 0),
        )  # fmt: skip
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, content = cookie.partition("=")
                    self.cookies[key] = content
            answer = response.read().decode("utf-8", "replace")
            return response.status, dict(response.getheaders()), answer
        finally:
            connection.close()
