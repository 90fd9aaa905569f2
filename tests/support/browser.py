"""Helpers for the browser tier: a live server, a network log, screenshots, test files.

Kept apart from tests/test_browser.py so the journeys there read as Given/When/Then.
Nothing here imports Playwright at module level: the other tiers collect the browser
tests only to deselect them, and must not need a browser.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

COMPLAINT_REFERENCE = re.compile(r"รร-25\d\d-\d{5}")
TIP_REFERENCE = re.compile(r"ทจ-25\d\d-\d{5}")
GROUPED_CODE = re.compile(r"\d{4}(?: \d{4}){6}")
THAI_DATE = re.compile(
    r"\d{1,2} (?:มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน"
    r"|ตุลาคม|พฤศจิกายน|ธันวาคม) 25\d\d"
)
ENGLISH_DATE = re.compile(
    r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December) 20\d\d"
)


def chromium_path() -> str:
    return os.environ.get("INTAKE_CHROMIUM") or DEFAULT_CHROMIUM


@dataclass
class LiveServer:
    url: str
    app: Flask

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def at(self, path: str) -> str:
        return self.url + path


@contextmanager
def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 on a free port in a daemon thread, for the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@dataclass
class NetworkLog:
    """Every request a browser context made and every response it got."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)  # playwright Response objects

    def attach(self, context: Any) -> NetworkLog:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", self._failed)
        context.on("response", lambda response: self.responses.append(response))
        return self

    def _failed(self, request: Any) -> None:
        # Leaving a page aborts what it was still fetching (often the favicon): harmless.
        # Anything else (refused, blocked by CSP, DNS) is recorded.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url} {request.failure}")

    def leaving(self, origin: str) -> list[str]:
        """Requests to anywhere but ``origin``."""
        return [url for url in self.requests if not url.startswith(origin + "/")]

    def documents(self) -> list[Any]:
        return [r for r in self.responses if r.request.resource_type == "document"]


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG for people reviewing the UI; never asserted on."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_widths(page: Any, name: str, widths: tuple[int, ...] = (375, 1280)) -> list[Path]:
    """The page as it is now, at a phone's and a desktop's width (``name-375.png``, ...);
    the viewport is put back afterwards. Resizing does not reload, so once-only pages work."""
    before = page.viewport_size or DESKTOP
    paths = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": before["height"]})
        paths.append(screenshot(page, f"{name}-{width}"))
    page.set_viewport_size(before)
    return paths


def tiny_png(path: Path) -> Path:
    """A real (decodable) 24x16 PNG, like a phone photo only much smaller."""
    from PIL import Image

    with Image.new("RGB", (24, 16), (200, 120, 40)) as image:
        image.save(path, format="PNG")
    return path


def break_check_digit(code: str) -> str:
    """The same 28 digits with one changed: right length, wrong check digit (Damm catches
    every single-digit error)."""
    digits = code.replace(" ", "")
    position = 5
    changed = str((int(digits[position]) + 1) % 10)
    return digits[:position] + changed + digits[position + 1 :]


def translated(app: Flask, msgid: str, language: str) -> str:
    """What the app's catalogue says for ``msgid`` in ``language`` right now (the msgid
    itself while a translation is missing)."""
    with app.test_request_context("/"), force_locale(language):
        return str(babel_gettext(msgid))


T = TypeVar("T")


class ChromiumThread:
    """One Chromium, and the one thread allowed to drive it."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Any = None
        self.browser: Any = None

    def run(self, step: Callable[..., T], *args: Any) -> T:
        return self._thread.submit(step, *args).result()

    def start(self) -> None:
        def launch() -> None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self.browser = self._playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )

        self.run(launch)

    def stop(self) -> None:
        def close() -> None:
            if self.browser is not None:
                self.browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        try:
            self.run(close)
        finally:
            self._thread.shutdown()


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """axe-core violations as one readable line each (impact, rule, where)."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{violation['impact']}: {violation['id']} — {violation['help']} "
            f"({len(targets)}: {', '.join(targets[:5])})"
        )
    return lines


def submit(page: Any, button: str, path: str) -> Any:
    """Click a submit button and wait until the page it leads to (after any redirect) has
    loaded; return the response to the POST itself."""
    with (
        page.expect_navigation(),
        page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith(path)
        ) as posted,
    ):
        page.click(button)
    return posted.value
