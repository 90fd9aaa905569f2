"""LINE's side of the conversation, played with its real protocol: webhook bodies signed
with the channel secret exactly as LINE signs them (HMAC-SHA256, base64, in
``X-Line-Signature``), and a recorder on loopback standing in for the Messaging API that
checks every call against the API's documented shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "test-long-lived-access-token/0123456789+abcdef="
USER = "U" + "4af4980629" * 3 + "12"  # the shape of a LINE user id: U and 32 hex digits
CONTENT = re.compile(r"^/v2/bot/message/([0-9]+)/content$")
ACTIONS = {"postback", "message", "uri", "location", "camera", "cameraRoll", "datetimepicker"}


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def body_of(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "U" + "0" * 32, "events": list(events)}).encode()


def event(kind: str, user: str = USER, event_id: str = "", **fields: Any) -> dict[str, Any]:
    """One webhook event as LINE sends it (a user's one-to-one chat)."""
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id or "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": uuid.uuid4().hex,
        **fields,
    }


def text(words: str, **fields: Any) -> dict[str, Any]:
    message = {"type": "text", "id": str(uuid.uuid4().int)[:18], "quoteToken": "q", "text": words}
    return event("message", message=message, **fields)


def postback(data: str, **fields: Any) -> dict[str, Any]:
    return event("postback", postback={"data": data}, **fields)


def location(address: str, latitude: float, longitude: float) -> dict[str, Any]:
    message = {
        "type": "location", "id": str(uuid.uuid4().int)[:18], "title": "ตำแหน่ง",
        "address": address, "latitude": latitude, "longitude": longitude,
    }  # fmt: skip
    return event("message", message=message)


def image(message_id: str) -> dict[str, Any]:
    message = {"type": "image", "id": message_id, "contentProvider": {"type": "line"}}
    return event("message", message=message)


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Recorder:
    """What the Messaging API was asked, and every way a call strayed from its shape."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    photos: dict[str, bytes] = field(default_factory=dict)
    down: bool = False  # while True, every call is answered 503, as an outage would be
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replies(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == "/v2/bot/message/reply"]

    def pushes(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == "/v2/bot/message/push"]

    def wait_for_replies(self, count: int, seconds: float = 15.0) -> list[Call]:
        return self._wait(self.replies, count, seconds)

    def wait_for_pushes(self, count: int, seconds: float = 15.0) -> list[Call]:
        return self._wait(self.pushes, count, seconds)

    def _wait(self, calls: Any, count: int, seconds: float) -> list[Call]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found: list[Call] = calls()
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{len(calls())} calls, waited for {count}")

    def texts(self, call: Call) -> list[str]:
        return [m["text"] for m in call.body["messages"]]

    def buttons(self, call: Call) -> list[dict[str, Any]]:
        return [
            item["action"]
            for m in call.body["messages"]
            for item in (m.get("quickReply") or {}).get("items", [])
        ]

    def check(self, call: Call) -> None:
        problems = []
        if call.headers.get("authorization") != f"Bearer {TOKEN}":
            problems.append("no bearer token")
        if call.method == "POST":
            if not call.headers.get("content-type", "").startswith("application/json"):
                problems.append("not JSON")
            problems += _message_problems(call)
        for problem in problems:
            self.wrong.append(f"{call.method} {call.path}: {problem}")


def _message_problems(call: Call) -> list[str]:
    body = call.body if isinstance(call.body, dict) else {}
    problems = []
    if call.path == "/v2/bot/message/reply" and not isinstance(body.get("replyToken"), str):
        problems.append("replyToken missing")
    if call.path == "/v2/bot/message/push" and not str(body.get("to", "")).startswith("U"):
        problems.append("push without a user id")
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return [*problems, "messages must be 1 to 5"]
    for message in messages:
        if message.get("type") != "text" or not 1 <= len(message.get("text", "")) <= 5000:
            problems.append("a text message of 1 to 5000 characters")
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            problems.append("at most 13 quick replies")
        for item in items:
            action = item.get("action", {})
            if item.get("type") != "action" or action.get("type") not in ACTIONS:
                problems.append(f"quick reply {item!r}")
            if not 1 <= len(action.get("label", "")) <= 20:
                problems.append(f"label of 1 to 20 characters: {action.get('label')!r}")
            if action.get("type") == "postback" and not 1 <= len(action.get("data", "")) <= 300:
                problems.append("postback data of 1 to 300 characters")
    return problems


@contextmanager
def messaging_api() -> Iterator[Recorder]:
    """The recorder, serving on 127.0.0.1 for the block."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _record(self) -> Call:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body: Any = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            call = Call(self.command, self.path, headers, body)
            with recorder.lock:
                recorder.calls.append(call)
                recorder.check(call)
            return call

        def _answer(self, status: int, payload: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            call = self._record()
            if recorder.down:
                self._answer(503, b'{"message":"Service unavailable"}')
                return
            if call.path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
                sent = [
                    {"id": str(n), "quoteToken": "q"} for n, _ in enumerate(call.body["messages"])
                ]
                self._answer(200, json.dumps({"sentMessages": sent}).encode())
            else:
                self._answer(404, b'{"message":"Not found"}')

        def do_GET(self) -> None:  # noqa: N802
            call = self._record()
            match = CONTENT.match(call.path)
            photo = recorder.photos.get(match.group(1)) if match else None
            if photo is None:
                self._answer(404, b'{"message":"Not found"}')
            else:
                self._answer(200, photo, "image/jpeg")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="line-recorder", daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield recorder
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
