"""LINE's side, through the official line-bot-sdk: the webhook signature, and the
Messaging API calls (reply, push, a photo's content). The only module that imports the
SDK, and only when LINE is used: a worker that never hears from LINE leaves it unloaded.

Errors say their type only: the SDK's exceptions carry request bodies and headers, which
hold what people wrote and the access token.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

TEXT_MAX = 5000  # LINE's limit for one text message
LABEL_MAX = 20  # a quick reply button's label
QUICK_REPLIES_MAX = 13
MESSAGES_MAX = 5  # per reply or push


class SignatureRefused(Exception):
    """The body was not signed with this channel's secret."""


class PlatformError(Exception):
    """LINE could not be reached or refused the call; the message names the type only."""


def events(secret: str, body: bytes, signature: str) -> list[dict[str, Any]]:
    """The events of a webhook body, once its signature is checked (HMAC-SHA256 of the
    body under the channel secret, base64, in ``X-Line-Signature``)."""
    from linebot.v3.webhook import SignatureValidator

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureRefused from None
    if not signature or not SignatureValidator(secret).validate(text, signature):
        raise SignatureRefused
    try:
        found = json.loads(text).get("events", [])
    except (ValueError, AttributeError):
        raise SignatureRefused from None  # signed, but not LINE's shape: nothing to do
    return [event for event in found if isinstance(event, dict)]


@dataclass(frozen=True)
class Button:
    """A quick reply: ``postback`` sends ``data`` back; ``location`` opens LINE's map;
    ``camera`` and ``camera_roll`` send a photo."""

    label: str
    kind: str = "postback"
    data: str = ""


@dataclass(frozen=True)
class Text:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


def _label(text: str) -> str:
    """A button's label within LINE's 20 characters: cut at a space where one is near the
    end (Thai is written without spaces between words, but names have them), so a word
    is not broken mid-way; the full text is what the chat shows as sent."""
    if len(text) <= LABEL_MAX:
        return text
    cut = text[: LABEL_MAX - 1]
    space = cut.rfind(" ")
    if space >= LABEL_MAX // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _message(text: Text) -> Any:
    from linebot.v3.messaging import (
        CameraAction,
        CameraRollAction,
        LocationAction,
        PostbackAction,
        QuickReply,
        QuickReplyItem,
        TextMessage,
    )

    def action(button: Button) -> Any:
        label = _label(button.label)
        if button.kind == "location":
            return LocationAction(label=label)
        if button.kind == "camera":
            return CameraAction(label=label)
        if button.kind == "camera_roll":
            return CameraRollAction(label=label)
        return PostbackAction(label=label, data=button.data, displayText=button.label)

    items = [QuickReplyItem(action=action(b)) for b in text.buttons[:QUICK_REPLIES_MAX]]
    return TextMessage(
        text=text.text[:TEXT_MAX], quickReply=QuickReply(items=items) if items else None
    )


class Messenger:
    """The Messaging API of one Official Account."""

    def __init__(self, token: str, api_url: str, data_url: str) -> None:
        self.token = token
        self.api_url = api_url.rstrip("/")
        self.data_url = data_url.rstrip("/")

    def _client(self, host: str) -> Any:
        from linebot.v3.messaging import ApiClient, Configuration

        return ApiClient(Configuration(host=host, access_token=self.token))

    def reply(self, reply_token: str, texts: list[Text]) -> None:
        from linebot.v3.messaging import MessagingApi, ReplyMessageRequest

        request = ReplyMessageRequest(
            replyToken=reply_token, messages=[_message(t) for t in texts[:MESSAGES_MAX]]
        )
        self._call(lambda api: MessagingApi(api).reply_message(request), self.api_url)

    def push(self, user_id: str, texts: list[Text], retry_key: str) -> None:
        from linebot.v3.messaging import MessagingApi, PushMessageRequest

        request = PushMessageRequest(
            to=user_id, messages=[_message(t) for t in texts[:MESSAGES_MAX]]
        )
        self._call(
            lambda api: MessagingApi(api).push_message(request, x_line_retry_key=retry_key),
            self.api_url,
        )

    def content(self, message_id: str) -> bytes:
        from linebot.v3.messaging import MessagingApiBlob

        data = self._call(
            lambda api: MessagingApiBlob(api).get_message_content(message_id), self.data_url
        )
        return bytes(data)

    def _call(self, call: Any, host: str) -> Any:
        try:
            with self._client(host) as api:
                return call(api)
        except Exception as error:  # noqa: BLE001 (the SDK's and urllib3's, all alike here)
            log.warning("LINE call failed: %s", type(error).__name__)
            raise PlatformError(type(error).__name__) from None
