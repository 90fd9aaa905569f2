"""Error pages in Thai and English, and error logging that carries no request content."""

from __future__ import annotations

import contextlib
import traceback
from types import TracebackType

from flask import Flask, current_app, g, render_template
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, SecurityError

TITLES = {
    400: _l("คำขอไม่ถูกต้อง"),
    403: _l("ไม่มีสิทธิ์เข้าถึง"),
    404: _l("ไม่พบหน้าที่ต้องการ"),
    405: _l("วิธีการเรียกหน้านี้ไม่ถูกต้อง"),
    410: _l("หน้านี้แสดงได้เพียงครั้งเดียว"),
    413: _l("ไฟล์หรือข้อมูลมีขนาดใหญ่เกินไป"),
    429: _l("มีการเรียกใช้บ่อยเกินไป"),
    500: _l("ระบบขัดข้อง"),
    503: _l("ระบบยังไม่พร้อมให้บริการ"),
}

MESSAGES = {
    400: _l("ระบบไม่เข้าใจคำขอนี้ โปรดกลับไปหน้าก่อนแล้วลองอีกครั้ง"),
    403: _l("ท่านไม่มีสิทธิ์เข้าถึงหน้านี้"),
    404: _l("ไม่พบหน้าที่ท่านต้องการ โปรดตรวจสอบที่อยู่อีกครั้ง"),
    405: _l("โปรดใช้ลิงก์หรือแบบฟอร์มในหน้าเว็บ"),
    410: _l(
        "เพื่อความปลอดภัย เลขที่และรหัสติดตามแสดงได้เพียงครั้งเดียว "
        "เรื่องของท่านได้รับการบันทึกแล้ว หากท่านไม่ได้จดรหัสไว้ โปรดติดต่อศูนย์รับเรื่อง"
    ),
    413: _l("ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด โปรดลดขนาดหรือจำนวนไฟล์แล้วลองอีกครั้ง"),
    429: _l("ท่านเรียกใช้บ่อยเกินไป โปรดรอสักครู่แล้วลองใหม่"),
    500: _l("ขออภัย ระบบขัดข้องชั่วคราว โปรดลองใหม่อีกครั้งในภายหลัง"),
    503: _l("ขออภัย ระบบยังไม่พร้อมให้บริการ โปรดลองใหม่ภายหลัง"),
}

# Said when the database cannot be reached. A receipt is shown only after the commit,
# so "no receipt" is exactly "not recorded": people know whether to send again.
DATABASE_UNAVAILABLE_TITLE = _l("ระบบขัดข้องชั่วคราว")
DATABASE_UNAVAILABLE_MESSAGE = _l(
    "ขออภัย ขณะนี้ระบบฐานข้อมูลขัดข้องชั่วคราว โปรดลองใหม่ในอีกสักครู่ "
    "หากท่านเพิ่งส่งเรื่องแต่ยังไม่ได้รับเลขที่เรื่องและรหัสติดตาม แสดงว่าเรื่องยังไม่ได้รับการบันทึก "
    "โปรดส่งอีกครั้งเมื่อระบบกลับมาใช้งานได้"
)
# Connection refused or lost, pool exhausted, SQLite file locked or unreadable: a fault
# that passes, not a bug in the request.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
RETRY_AFTER_SECONDS = 30

UNTRUSTED_HOST_MESSAGE = _l(
    "ที่อยู่เว็บไซต์นี้ไม่ใช่ที่อยู่ของระบบรับเรื่องร้องเรียน โปรดเข้าใช้งานจากที่อยู่ที่หน่วยงานประกาศไว้"
)

CSRF_MESSAGE = _l("แบบฟอร์มหมดอายุหรือไม่สมบูรณ์ โปรดกลับไปหน้าแบบฟอร์ม โหลดใหม่ แล้วส่งอีกครั้ง")


def _render(
    code: int, message: object | None = None, title: object | None = None
) -> tuple[str, int]:
    title = title or TITLES.get(code, TITLES[500])
    body = message or MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=body), code


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    return _render(error.code or 500)


def handle_untrusted_host(error: SecurityError) -> tuple[str, int]:
    # The Host header is not one of TRUSTED_HOSTS: no URL can be built for this request,
    # so the page is one that builds none. The header itself is not logged (anyone sets it).
    current_app.logger.info("request refused: untrusted Host header")
    page = render_template("errors/plain.html", title=TITLES[400], message=UNTRUSTED_HOST_MESSAGE)
    return page, 400


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    return _render(400, CSRF_MESSAGE)


def handle_database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    from intake.extensions import db

    with contextlib.suppress(Exception):  # the session may be as broken as the server
        db.session.rollback()
    # The page is drawn as for a visitor: loading the signed-in user would need the database.
    g._login_user = AnonymousUserMixin()
    current_app.logger.warning("database unavailable: %s", type(error).__name__)
    body, code = _render(503, DATABASE_UNAVAILABLE_MESSAGE, DATABASE_UNAVAILABLE_TITLE)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def handle_unexpected_error(error: Exception) -> tuple[str, int]:
    # A handled exception skips Flask's own logging: say here, by type and place, that it
    # happened, so a 500 never goes unnoticed.
    current_app.logger.error(
        "unhandled error: %s", describe_exception(type(error), error.__traceback__)
    )
    return _render(500)


def describe_exception(exc_type: type[BaseException] | None, tb: TracebackType | None) -> str:
    """Type and place of an error, never its message: messages can carry what people typed."""
    name = exc_type.__name__ if exc_type else "unknown"
    frames = traceback.extract_tb(tb) if tb else []
    place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{name} at {place}"


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(HTTPException, handle_http_error)
    for fault in DATABASE_UNAVAILABLE:
        app.register_error_handler(fault, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected_error)
