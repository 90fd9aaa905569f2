"""One event of a LINE chat, as ``intake.services.line_chat`` hands it over: the
conversation that files a general complaint, follows it, answers the survey, and turns
a tip away (see ``line_chat`` for the whole)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from intake import attachments, crypto, thaidate, workflow
from intake.attachments import AttachmentRejected
from intake.labels import SURVEY_QUESTIONS, SURVEY_SCALE
from intake.line_platform import Button, Text
from intake.models import Case, CaseKind, Category, LineChat
from intake.services import (
    DbSession,
    ServiceError,
    followup,
    line_draft,
    line_notices,
    satisfaction,
)
from intake.services.line_draft import Surroundings
from intake.services.settings import categories_for

log = logging.getLogger(__name__)

DETAILS, EXTRAS, SURVEY = "details", "extras", "survey"
DETAILS_MAX = 5000
# Words that ask for the tip channel, looked for before a complaint is under way.
TIP_WORDS = ("ทุจริต", "เบาะแส", "คอร์รัปชัน", "คอรัปชั่น", "สินบน", "ฮั้ว", "เรียกรับเงิน")
TIP, CONFIRM, CANCEL, NEW, NOT_A_TIP = "tip", "confirm", "cancel", "new", "not_a_tip"
CATEGORY, RATE = "category:", "rate:"
REPLY_WITHIN_MS = 50_000


class Conversation:
    """One event of one chat: the chat moves on a step, and the answers go back."""

    def __init__(
        self,
        session: DbSession,
        keyring: crypto.Keyring,
        around: Surroundings,
        event: dict[str, Any],
        now: datetime,
    ) -> None:
        self.session, self.keyring, self.around, self.event, self.now = (
            session, keyring, around, event, now,
        )  # fmt: skip
        source = event.get("source") or {}
        self.user_id = str(source.get("userId", "")) if source.get("type") == "user" else ""
        self.reply_token = str(event.get("replyToken", ""))
        sent_ms = event.get("timestamp")
        # A reply token lasts about a minute: an event handled later (by `remind`, after a
        # worker stopped) is answered with a push instead.
        self.stale = isinstance(sent_ms, int) and now.timestamp() * 1000 - sent_ms > REPLY_WITHIN_MS
        self.event_id = str(event.get("webhookEventId", ""))
        self.answers: list[Text] = []

    # --- the chat's state -------------------------------------------------------------

    def _chat(self) -> LineChat:
        digest = crypto.line_user_digest(self.keyring, self.user_id)
        chat = self.session.scalars(select(LineChat).where(LineChat.user_digest == digest)).first()
        if chat is None:
            chat = LineChat(user_digest=digest, step="", updated_at=self.now)
            self.session.add(chat)
            self.session.flush()
        return chat

    def _draft(self, chat: LineChat) -> dict[str, Any]:
        if chat.draft_enc is None:
            return {}
        return dict(
            json.loads(
                crypto.decrypt_text(
                    self.keyring, chat.draft_enc, table="line_chats", column="draft", row_id=chat.id
                )
            )
        )

    def _save(self, chat: LineChat, step: str, draft: dict[str, Any] | None) -> None:
        chat.step = step
        chat.draft_enc = (
            crypto.encrypt_field(
                self.keyring,
                json.dumps(draft, ensure_ascii=False),
                table="line_chats",
                column="draft",
                row_id=chat.id,
            )  # fmt: skip
            if draft
            else None
        )
        chat.updated_at = self.now

    # --- what came in -----------------------------------------------------------------

    def run(self) -> None:
        if not self.user_id:
            return  # a group or a room: complaints are filed one to one
        kind = self.event.get("type")
        message = self.event.get("message") or {}
        chat = self._chat()
        if kind == "follow":
            self._menu(greeting=True)
        elif kind == "postback":
            self._postback(chat, str((self.event.get("postback") or {}).get("data", "")))
        elif kind == "message" and message.get("type") == "text":
            self._text(chat, str(message.get("text", "")))
        elif kind == "message" and message.get("type") == "location":
            self._location(chat, message)
        elif kind == "message" and message.get("type") == "image":
            self._image(chat, str(message.get("id", "")))
        elif kind == "message":
            self.answers.append(Text(_("ขออภัย ระบบรับได้เฉพาะข้อความ รูปภาพ และตำแหน่ง")))
        # The chat's new state is kept before LINE is called: a reply that fails must not
        # undo it (a case filed is followed whether the answer got through or not).
        self.session.commit()
        self._send()

    def _postback(self, chat: LineChat, data: str) -> None:
        draft = self._draft(chat)
        if data == TIP:
            self._tip()
        elif data.startswith(CATEGORY):
            category = self._category(data.removeprefix(CATEGORY))
            if category is None:
                self._menu()
                return
            self._save(chat, DETAILS, {"category": category.id})
            self.answers.append(Text(_("โปรดพิมพ์รายละเอียดของปัญหา: เกิดอะไรขึ้น ที่ไหน ตั้งแต่เมื่อไร")))
        elif data == NOT_A_TIP and chat.step == DETAILS:
            self._save(chat, DETAILS, {**draft, "not_a_tip": True})
            self.answers.append(Text(_("โปรดพิมพ์รายละเอียดของปัญหาอีกครั้ง")))
        elif data == CONFIRM and chat.step == EXTRAS:
            self._file(chat, draft)
        elif data == line_notices.SURVEY:
            self._start_survey(chat)
        elif data.startswith(RATE) and chat.step == SURVEY:
            self._rate(chat, draft, data.removeprefix(RATE))
        elif data == CANCEL:
            self._save(chat, "", None)
            self.answers.append(Text(_("ยกเลิกแล้ว ไม่มีข้อมูลใดถูกบันทึก")))
            self._menu()
        else:
            self._menu()

    def _text(self, chat: LineChat, text: str) -> None:
        text = text.strip()
        draft = self._draft(chat)
        asks_for_tip = any(word in text for word in TIP_WORDS)
        if chat.step == DETAILS:
            if asks_for_tip and not draft.get("not_a_tip"):
                # Not kept: if it is a tip, it must not stay here.
                self._tip(buttons=(Button(_("ไม่ใช่เรื่องทุจริต"), data=NOT_A_TIP), _cancel()))
                return
            draft["details"] = text[:DETAILS_MAX]
            self._save(chat, EXTRAS, draft)
            self._ask_extras()
        elif chat.step == EXTRAS:
            self._ask_extras()
        elif asks_for_tip:
            self._tip()
        elif chat.case_id is not None and self._follow_up(chat, text):
            return
        else:
            self._menu()

    def _location(self, chat: LineChat, message: dict[str, Any]) -> None:
        if chat.step != EXTRAS:
            self._menu()
            return
        draft = self._draft(chat)
        draft["address"] = str(message.get("address") or message.get("title") or "")[:250]
        for name in ("latitude", "longitude"):
            value = message.get(name)
            if isinstance(value, int | float):
                draft[name] = float(value)
        self._save(chat, EXTRAS, draft)
        self.answers.append(Text(_("ได้รับตำแหน่งแล้ว")))
        self._ask_extras()

    def _image(self, chat: LineChat, message_id: str) -> None:
        if chat.step == EXTRAS:
            draft = self._draft(chat)
            photos = list(draft.get("photos", []))
            if len(photos) >= self.around.limits.max_files:
                self.answers.append(
                    Text(_("แนบรูปได้ไม่เกิน %(count)d รูป", count=self.around.limits.max_files))
                )
            else:
                photos.append(message_id)
                draft["photos"] = photos
                self._save(chat, EXTRAS, draft)
                self.answers.append(Text(_("ได้รับรูปแล้ว (%(count)d รูป)", count=len(photos))))
            self._ask_extras()
        elif chat.step == "" and chat.case_id is not None:
            self._follow_up(chat, _("(รูปภาพ)"), photo=message_id)
        else:
            self._menu()

    # --- what goes back ---------------------------------------------------------------

    def _menu(self, greeting: bool = False) -> None:
        categories = categories_for(self.session, CaseKind.COMPLAINT)[:12]
        buttons = [Button(c.name_th, data=f"{CATEGORY}{c.id}") for c in categories]
        buttons.append(Button(_("แจ้งเบาะแสทุจริต"), data=TIP))
        intro = _("สวัสดีครับ/ค่ะ ที่นี่รับเรื่องร้องเรียนทั่วไป") + " " if greeting else ""
        self.answers.append(Text(intro + _("โปรดเลือกประเภทของเรื่องที่จะแจ้ง"), tuple(buttons)))

    def _tip(self, buttons: tuple[Button, ...] = ()) -> None:
        self.answers.append(
            Text(
                _(
                    "เรื่องทุจริตหรือประพฤติมิชอบ โปรดแจ้งทางแบบฟอร์มแจ้งเบาะแสบนเว็บไซต์ %(url)s "
                    "ซึ่งปกปิดตัวผู้แจ้งได้ แชต LINE ไม่รับและไม่เก็บเรื่องทุจริต "
                    "เพราะ LINE รู้ว่าท่านเป็นใคร",
                    url=self.around.tip_form_url,
                ),
                buttons,
            )
        )

    def _ask_extras(self) -> None:
        self.answers.append(
            Text(
                _('ส่งรูปภาพหรือตำแหน่งได้ (ไม่บังคับ) เมื่อครบแล้วกด "ส่งเรื่อง"'),
                (
                    Button(_("ส่งตำแหน่ง"), kind="location"),
                    Button(_("ถ่ายรูป"), kind="camera"),
                    Button(_("เลือกรูป"), kind="camera_roll"),
                    Button(_("ส่งเรื่อง"), data=CONFIRM),
                    _cancel(),
                ),
            )
        )

    def _send(self) -> None:
        if not self.answers:
            return
        if self.stale:
            retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"line-event:{self.event_id}"))
            self.around.messenger.push(self.user_id, self.answers, retry_key=retry_key)
        elif self.reply_token:
            self.around.messenger.reply(self.reply_token, self.answers)

    # --- filing and following ---------------------------------------------------------

    def _category(self, raw: str) -> Category | None:
        return line_draft.category(self.session, raw)

    def _photos(self, message_ids: list[str]) -> list[attachments.PreparedAttachment]:
        return line_draft.photos(self.session, self.around, message_ids)

    def _file(self, chat: LineChat, draft: dict[str, Any]) -> None:
        try:
            filed, notes = line_draft.file_draft(
                self.session, self.keyring, self.around, self.user_id, draft, self.now
            )
        except ServiceError:
            self.answers.append(Text(_("ขออภัย ขณะนี้ระบบรับเรื่องไม่ได้ โปรดลองอีกครั้งภายหลัง")))
            return
        self.answers.extend(Text(note) for note in notes)
        if filed is None:  # nothing to file: the draft was incomplete
            self._save(chat, "", None)
            self._menu()
            return
        chat = self._chat()  # the filing committed: read the chat again
        chat.case_id = filed.case_id
        self._save(chat, "", None)
        due = thaidate.format_date(thaidate.local_date(filed.due_at), "th")
        self.answers.append(
            Text(
                _(
                    "รับเรื่องแล้ว เลขที่ %(reference)s หน่วยงานจะตอบภายในวันที่ %(due)s "
                    "ความคืบหน้าจะแจ้งในแชตนี้ และพิมพ์ข้อความหรือส่งรูปเพิ่มเติมถึงเจ้าหน้าที่ได้ที่นี่",
                    reference=filed.reference,
                    due=due,
                ),
                (Button(_("แจ้งเรื่องใหม่"), data=NEW),),
            )
        )

    def _follow_up(self, chat: LineChat, text: str, photo: str = "") -> bool:
        """What the person writes to the case the chat follows, into its timeline, as a
        reply from its status page would go. False when the case takes no more replies."""
        case = self.session.get(Case, chat.case_id)
        if case is None or workflow.is_closed(case.status) or case.kind is not CaseKind.COMPLAINT:
            return False
        reference = case.reference
        try:
            files = self._photos([photo]) if photo else []
            followup.post_reply(
                self.session, self.keyring, self.around.uploads, case.id,
                message=text[: followup.REPLY_MAX], files=files, now=self.now,
            )  # fmt: skip
        except AttachmentRejected:
            self.answers.append(Text(_("รูปนี้ใช้ไม่ได้ โปรดส่งรูปอื่น")))
            return True
        except ServiceError:
            return False
        self.answers.append(
            Text(
                _("ส่งถึงเจ้าหน้าที่ผู้ดูแลเรื่อง %(reference)s แล้ว", reference=reference),
                (Button(_("แจ้งเรื่องใหม่"), data=NEW),),
            )
        )
        return True

    # --- the satisfaction survey, one question at a time ------------------------------

    def _surveyed_case(self, chat: LineChat) -> Case | None:
        case = self.session.get(Case, chat.case_id) if chat.case_id else None
        if case is None or not line_notices.survey_offered(self.session, case):
            return None
        return case

    def _start_survey(self, chat: LineChat) -> None:
        if self._surveyed_case(chat) is None:
            self.answers.append(Text(_("ขณะนี้ไม่มีเรื่องที่รอการประเมิน ขอบคุณครับ/ค่ะ")))
            return
        self._save(chat, SURVEY, {"scores": []})
        self._ask_score(0)

    def _ask_score(self, number: int) -> None:
        name = satisfaction.SCORES[number]
        buttons = tuple(Button(str(label), data=f"{RATE}{value}") for value, label in SURVEY_SCALE)
        self.answers.append(
            Text(
                _(
                    "ข้อ %(number)d จาก %(count)d: %(question)s",
                    number=number + 1,
                    count=len(satisfaction.SCORES),
                    question=SURVEY_QUESTIONS[name],
                ),
                buttons,
            )  # fmt: skip
        )

    def _rate(self, chat: LineChat, draft: dict[str, Any], raw: str) -> None:
        case = self._surveyed_case(chat)
        if case is None or not raw.isdigit():
            self._save(chat, "", None)
            self._start_survey(chat)
            return
        scores = [*draft.get("scores", []), int(raw)]
        if len(scores) < len(satisfaction.SCORES):
            self._save(chat, SURVEY, {"scores": scores})
            self._ask_score(len(scores))
            return
        self._save(chat, "", None)
        try:
            satisfaction.record_answers(
                self.session, self.keyring, case.id,
                satisfaction.SurveyAnswers(*scores), self.now,
            )  # fmt: skip
        except ServiceError:
            self.session.rollback()
            self.answers.append(Text(_("ขณะนี้ไม่มีเรื่องที่รอการประเมิน ขอบคุณครับ/ค่ะ")))
            return
        self.answers.append(Text(_("ขอบคุณที่ประเมินความพึงพอใจ คำตอบของท่านช่วยให้หน่วยงานปรับปรุงการทำงาน")))


def _cancel() -> Button:
    return Button(_("ยกเลิก"), data=CANCEL)
