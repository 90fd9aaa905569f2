"""What each problem says to the person who met it: one message per Problem, through Babel.

A screen that words a problem for its own context passes its wording to ``say``; every
other problem falls back to the message here, so no refusal ever shows as "unknown error".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from intake.problems import Problem

# The same wording serves every field that still holds template text.
PLACEHOLDER = _l("ข้อความนี้ยังเป็นข้อความแม่แบบ (เช่น [เหตุผล]) โปรดเขียนข้อความจริงที่ผู้ร้อง/ผู้แจ้งจะอ่าน")
TEXT_TOO_LONG = _l("ข้อความยาวเกินไป โปรดตัดให้สั้นลงแล้วบันทึกอีกครั้ง")

MESSAGE: dict[Problem, Any] = {
    Problem.NOT_FOUND: _l("ไม่พบรายการนี้ หรือท่านไม่มีสิทธิ์เข้าถึง"),
    Problem.FORBIDDEN: _l("ท่านไม่มีสิทธิ์ทำรายการนี้"),
    Problem.NOT_ALLOWED: _l("ท่านไม่มีสิทธิ์ทำรายการนี้"),
    # Filing a case.
    Problem.CATEGORY_UNAVAILABLE: _l("โปรดเลือกประเภทเรื่องใหม่"),
    Problem.CHANNEL_COMPLAINTS_ONLY: _l(
        "ช่องทางนี้รับเฉพาะเรื่องร้องเรียนทั่วไป เรื่องทุจริตแจ้งได้ทางแบบฟอร์มแจ้งเบาะแสบนเว็บไซต์เท่านั้น"
    ),
    Problem.OPEN311_CLIENT_NAME: _l("โปรดตั้งชื่อระบบที่จะส่งเรื่องเข้ามา ไม่เกิน 80 ตัวอักษร"),
    Problem.LINE_KEYS_INVALID: _l(
        "โปรดคัดลอก Channel secret และ Channel access token จาก LINE Developers Console "
        "มาวางให้ครบ โดยไม่มีช่องว่าง"
    ),
    Problem.RECEIVED_IN_FUTURE: _l("วันและเวลาที่รับเรื่องต้องไม่เป็นเวลาในอนาคต"),
    Problem.STORAGE_UNAVAILABLE: _l(
        "ขณะนี้ระบบจัดเก็บไฟล์แนบไม่ได้ สิ่งที่ท่านส่งจึงยังไม่ได้รับการบันทึก โปรดส่งอีกครั้งในภายหลัง หรือส่งโดยไม่แนบไฟล์"
    ),
    Problem.IDENTITY_UNAVAILABLE: _l(
        "ขณะนี้ระบบยังปิดผนึกข้อมูลตัวตนไม่ได้ ข้อมูลของท่านยังไม่ได้บันทึก โปรดลองใหม่ภายหลัง"
    ),
    # Staff working a case, and the interim notice.
    Problem.NOT_ALLOWED_MOVE: _l(
        "ทำรายการนี้ไม่ได้ในสถานะปัจจุบันของเรื่อง (สถานะอาจเพิ่งถูกเปลี่ยนโดยผู้อื่น) โปรดตรวจสอบอีกครั้ง"
    ),
    Problem.TEXT_TOO_LONG: TEXT_TOO_LONG,
    Problem.MESSAGE_REQUIRED: _l("โปรดเขียนข้อความ"),
    Problem.MESSAGE_PLACEHOLDER: PLACEHOLDER,
    Problem.NOTE_REQUIRED: _l("โปรดเขียนบันทึก"),
    Problem.REASON_REQUIRED: _l("โปรดระบุเหตุผล"),
    Problem.REASON_PLACEHOLDER: PLACEHOLDER,
    Problem.PROGRESS_REQUIRED: _l("โปรดเขียนความคืบหน้าที่ทำไปแล้ว"),
    Problem.PROGRESS_PLACEHOLDER: PLACEHOLDER,
    Problem.DATE_REASON_REQUIRED: _l(
        "วันที่คาดว่าจะแล้วเสร็จเลยรอบการแจ้งถัดไป "
        "โปรดระบุเหตุผลที่ต้องใช้เวลานานกว่านั้น (ผู้ร้อง/ผู้แจ้งจะเห็นเหตุผลนี้)"
    ),
    Problem.DATE_REASON_PLACEHOLDER: PLACEHOLDER,
    Problem.EXPECTED_DATE_REQUIRED: _l("โปรดระบุวันที่คาดว่าจะแล้วเสร็จ"),
    Problem.EXPECTED_DATE_PAST: _l("วันที่คาดว่าจะแล้วเสร็จต้องไม่ก่อนวันนี้"),
    Problem.EXPECTED_DATE_TOO_FAR: _l(
        "วันที่คาดว่าจะแล้วเสร็จต้องไม่เกิน 1 ปีนับจากวันนี้ โปรดตรวจสอบปี พ.ศ."
    ),
    Problem.DEPARTMENT_REQUIRED: _l("โปรดเลือกหน่วยงาน"),
    Problem.REFERRAL_REQUIRED: _l("โปรดเลือกหน่วยงานที่ส่งต่อ"),
    Problem.REFERRAL_NAME_REQUIRED: _l("โปรดระบุชื่อหน่วยงานที่ส่งต่อ"),
    Problem.RECEIVER_REQUIRED: _l("โปรดค้นหาและเลือกหน่วยงานที่จะรับเรื่องต่อ"),
    Problem.RECEIVER_SAME: _l("ส่งต่อเรื่องให้หน่วยงานของท่านเองไม่ได้ โปรดเลือกหน่วยงานอื่น"),
    Problem.RECEIVER_SUSPENDED: _l(
        "หน่วยงานนี้ระงับการรับเรื่องในระบบอยู่ จึงส่งต่อเรื่องให้ไม่ได้ โปรดเลือกหน่วยงานอื่น"
    ),
    Problem.RECEIVER_CANNOT_SEAL: _l(
        "หน่วยงานนี้ยังไม่มีกุญแจปิดผนึกข้อมูลตัวตน จึงยังรับเรื่องแจ้งเบาะแสที่มีข้อมูลตัวตนไม่ได้"
    ),
    Problem.LINKED_CASES: _l(
        "ย้ายไปช่องทางแจ้งเบาะแสไม่ได้ เพราะมีเรื่องร้องเรียนอื่นเชื่อมอยู่ โปรดยกเลิกการเชื่อมก่อน"
    ),
    # Linking cases.
    Problem.LINK_UNKNOWN: _l("ไม่พบเรื่องที่มีเลขที่นี้ โปรดตรวจสอบเลขที่เรื่อง"),
    Problem.LINK_SELF: _l("เชื่อมเรื่องเข้ากับตัวเองไม่ได้"),
    Problem.LINK_FOLLOWER: _l("เรื่องที่ระบุเชื่อมกับเรื่องนี้อยู่แล้ว (เรื่องนี้เป็นเรื่องหลัก)"),
    Problem.LINK_KIND: _l("เชื่อมได้เฉพาะเรื่องร้องเรียนกับเรื่องร้องเรียน และเบาะแสกับเบาะแสเท่านั้น"),
    Problem.LINK_CLOSED: _l("เชื่อมได้เฉพาะเรื่องที่ยังไม่ปิด (เปิดเรื่องใหม่ก่อนหากจำเป็น)"),
    Problem.LINK_ALREADY: _l("เรื่องนี้เชื่อมกับเรื่องหลักอยู่แล้ว โปรดยกเลิกการเชื่อมก่อน"),
    Problem.LINK_NONE: _l("เรื่องนี้ไม่ได้เชื่อมกับเรื่องใด"),
    # Conflict-of-interest exclusions.
    Problem.EXCLUDED_USER_REQUIRED: _l("โปรดเลือกเจ้าหน้าที่ที่จะกันออกจากเรื่องนี้"),
    Problem.ALREADY_EXCLUDED: _l("เจ้าหน้าที่ผู้นี้ถูกกันออกจากเรื่องนี้อยู่แล้ว"),
    Problem.LAST_HANDLER: _l(
        "กันออกไม่ได้ เพราะจะไม่เหลือนิติกรที่ดำเนินการเรื่องนี้ได้ "
        "โปรดเพิ่มนิติกรอีกคน หรือส่งเรื่องต่อหน่วยงานภายนอก (เช่น ป.ป.ช.)"
    ),
    # The person following their case.
    Problem.CASE_CLOSED: _l("เรื่องนี้ปิดแล้ว จึงทำรายการนี้ไม่ได้ หากมีข้อมูลใหม่ โปรดยื่นเรื่องใหม่"),
    Problem.CASE_NOT_CLOSED: _l("เรื่องนี้ยังดำเนินการอยู่ ท่านส่งข้อความถึงเจ้าหน้าที่ได้ที่หน้านี้"),
    Problem.CASE_PURGED: _l("เรื่องนี้พ้นระยะเวลาเก็บรักษาข้อมูลแล้ว จึงไม่รับข้อมูลใหม่"),
    Problem.REOPEN_PENDING: _l("เรื่องนี้มีคำขอให้เปิดใหม่ที่รอพิจารณาอยู่แล้ว โปรดรอผลการพิจารณา"),
    Problem.REOPEN_WINDOW_CLOSED: _l("พ้นระยะเวลาที่ขอให้เปิดเรื่องใหม่ได้แล้ว โปรดยื่นเรื่องใหม่"),
    Problem.NO_REOPEN_REQUEST: _l(
        "ไม่มีคำขอให้เปิดเรื่องใหม่ที่รอพิจารณา (อาจมีผู้อื่นพิจารณาไปแล้ว)"
    ),
    Problem.NOT_ANONYMOUS: _l(
        "เรื่องนี้ไม่ได้แจ้งแบบไม่ประสงค์ออกนาม จึงไม่ต้องให้ข้อมูลตัวตนเพิ่ม"
    ),
    Problem.IDENTITY_ALREADY_GIVEN: _l(
        "เรื่องนี้มีข้อมูลตัวตนของท่านอยู่แล้ว จึงให้ซ้ำหรือแก้ไขไม่ได้"
    ),
    Problem.IDENTITY_REQUIRED: _l("โปรดกรอกข้อมูลตัวตนอย่างน้อยหนึ่งช่อง"),
    Problem.SCORE_OUT_OF_SCALE: _l("โปรดเลือกระดับความพึงพอใจ"),
    Problem.COMMENT_TOO_LONG: TEXT_TOO_LONG,
    Problem.ALREADY_ANSWERED: _l(
        "เรื่องนี้มีการตอบแบบประเมินความพึงพอใจไปแล้ว ตอบได้เรื่องละหนึ่งครั้ง"
    ),
    Problem.NOTICE_ACTION_UNKNOWN: _l("คำสั่งไม่ถูกต้อง"),
    Problem.NOTICE_ADDRESS_UNAVAILABLE: _l(
        "เรื่องนี้ไม่มีอีเมลที่ให้ไว้ จึงไม่มีการส่งอีเมลแจ้งเตือน"
    ),
    Problem.NOTICE_ADDRESS_REQUIRED: _l("โปรดกรอกอีเมลที่ต้องการให้ส่งการแจ้งเตือนไป"),
    # Signing in and enrolment.
    Problem.SIGN_IN_REFUSED: _l(
        "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง หรือลองผิดหลายครั้งเกินไป "
        "โปรดตรวจสอบแล้วลองอีกครั้งในภายหลัง หากยังเข้าไม่ได้ โปรดติดต่อผู้ดูแลระบบ"
    ),
    Problem.WRONG_TWO_FACTOR_CODE: _l(
        "รหัสยืนยันไม่ถูกต้อง หมดอายุ หรือถูกใช้ไปแล้ว โปรดรอรหัสใหม่แล้วลองอีกครั้ง"
    ),
    Problem.NO_TWO_FACTOR: _l(
        "บัญชีนี้ยังไม่ได้ตั้งค่าการยืนยันตัวตนสองขั้นตอน โปรดขอลิงก์ลงทะเบียนใหม่จากผู้ดูแลระบบ"
    ),
    Problem.SIGN_IN_LOCKED: _l(
        "ลองผิดหลายครั้งเกินไป โปรดเข้าสู่ระบบใหม่ในภายหลัง หรือติดต่อผู้ดูแลระบบ"
    ),
    Problem.WEAK_PASSWORD: _l("รหัสผ่านสั้นเกินไป"),
    Problem.ENROLMENT_INVALID: _l(
        "ลิงก์ลงทะเบียนนี้ใช้ไม่ได้ อาจถูกใช้ไปแล้ว หรือมีการออกลิงก์ใหม่แทน โปรดขอลิงก์ใหม่จากผู้ดูแลระบบ"
    ),
    Problem.ENROLMENT_EXPIRED: _l(
        "ลิงก์ลงทะเบียนนี้หมดอายุแล้ว โปรดขอลิงก์ใหม่จากผู้ดูแลระบบ"
    ),
    # Identity reveals, personal keys and the custodians.
    Problem.REASON_TOO_SHORT: _l("โปรดเขียนเหตุผลให้ละเอียดกว่านี้"),
    Problem.REASON_TOO_LONG: _l("เหตุผลยาวเกินไป"),
    Problem.ALREADY_PENDING: _l("ท่านมีคำขอสำหรับเรื่องนี้ที่รอการพิจารณาอยู่แล้ว"),
    Problem.NO_IDENTITY: _l("เรื่องนี้ไม่มีข้อมูลตัวตนที่ปิดผนึกไว้"),
    Problem.NO_PERSONAL_KEY: _l(
        "บัญชีของท่านยังไม่มีกุญแจส่วนตัวสำหรับรับข้อมูลตัวตน โปรดออกจากระบบแล้วเข้าสู่ระบบใหม่"
        " ระบบจะสร้างกุญแจให้ แล้วจึงส่งคำขอ"
    ),
    Problem.WRONG_PASSWORD: _l(
        "รหัสผ่านไม่ถูกต้อง ข้อมูลตัวตนยังไม่ถูกเปิด และความพยายามนี้ถูกบันทึกไว้"
    ),
    Problem.REQUESTER_EXCLUDED: _l(
        "ผู้ขอถูกกันออกจากเรื่องนี้แล้ว (มีส่วนได้เสีย) จึงอนุมัติไม่ได้ โปรดไม่อนุมัติคำขอนี้"
    ),
    Problem.REQUESTER_HAS_NO_KEY: _l(
        "ผู้ขอยังไม่มีกุญแจส่วนตัว (เช่น เพิ่งถูกรีเซ็ตการเข้าสู่ระบบ) จึงส่งข้อมูลตัวตนให้ไม่ได้"
        " ผู้ขอต้องเข้าสู่ระบบใหม่ก่อน แล้วจึงอนุมัติได้ ไม่มีการเปลี่ยนแปลงใด ๆ"
    ),
    Problem.SAME_PERSON: _l(
        "ผู้ขอไม่สามารถพิจารณาคำขอของตนเองได้ ต้องเป็นผู้ดูแลข้อมูลตัวตนอีกคนหนึ่ง"
    ),
    Problem.NOT_PENDING: _l("คำขอนี้ได้รับการพิจารณาไปแล้ว"),
    Problem.NOT_RUNNING: _l("การอนุมัตินี้สิ้นสุดไปแล้ว"),
    Problem.NOT_CUSTODIAN: _l(
        "บัญชีของท่านยังไม่ได้รับมอบกุญแจข้อมูลตัวตน จึงอนุมัติไม่ได้"
    ),
    Problem.ALREADY_CUSTODIAN: _l("ผู้ใช้นี้เป็นผู้ดูแลข้อมูลตัวตนอยู่แล้ว"),
    Problem.LAST_CUSTODIAN: _l(
        "ไม่สามารถระงับผู้ดูแลข้อมูลตัวตนคนสุดท้ายที่เปิดข้อมูลตัวตนได้ โปรดเพิ่มผู้ดูแลอีกคนก่อน"
    ),
    Problem.WEAK_PASSPHRASE: _l("รหัสผ่านกุญแจต้องมีอย่างน้อย 12 ตัวอักษร"),
    Problem.WRONG_PASSPHRASE: _l(
        "รหัสผ่านกุญแจไม่ถูกต้อง ไม่มีการเปลี่ยนแปลงใด ๆ โปรดลองอีกครั้ง"
    ),
    Problem.PASSPHRASE_LOCKED: _l(
        "ใส่รหัสผ่านกุญแจผิดหลายครั้งเกินไป ระบบระงับการลองใหม่ชั่วคราว "
        "และแจ้งผู้ดูแลข้อมูลตัวตนคนอื่นและผู้ตรวจสอบแล้ว โปรดลองใหม่ภายหลัง"
    ),
    Problem.IDENTITY_KEY_EXISTS: _l("มีกุญแจข้อมูลตัวตนอยู่แล้ว"),
    # Administration.
    Problem.BAD_USERNAME: _l("ชื่อผู้ใช้ไม่ถูกต้อง"),
    Problem.USERNAME_TAKEN: _l("ชื่อผู้ใช้นี้มีอยู่แล้ว"),
    Problem.SLUG_INVALID: _l("ชื่อในที่อยู่เว็บใช้ได้เฉพาะอักษรอังกฤษตัวเล็ก ตัวเลข และขีด (-) ยาว 3–63 ตัว"),
    Problem.SLUG_RESERVED: _l("ชื่อในที่อยู่เว็บนี้สงวนไว้สำหรับระบบ โปรดเลือกชื่ออื่น"),
    Problem.SLUG_TAKEN: _l("ชื่อในที่อยู่เว็บนี้มีหน่วยงานอื่นใช้แล้ว"),
    Problem.HOSTNAME_INVALID: _l("ชื่อโฮสต์ไม่ถูกต้อง (เช่น complaints.example.go.th)"),
    Problem.HOSTNAME_TAKEN: _l("ชื่อโฮสต์นี้มีหน่วยงานอื่นใช้แล้ว"),
    Problem.PROVINCE_UNKNOWN: _l("ไม่พบจังหวัดนี้ โปรดตรวจสอบการสะกด"),
    Problem.DISTRICT_UNKNOWN: _l("ไม่พบอำเภอนี้ในจังหวัดที่เลือก โปรดตรวจสอบการสะกด"),
    Problem.OWN_ACCOUNT: _l("ผู้ดูแลระบบไม่สามารถระงับหรือเปลี่ยนบทบาทของตนเองได้"),
    Problem.OWN_ENROLMENT_LINK: _l(
        "ผู้ดูแลระบบออกลิงก์ลงทะเบียนให้ตนเองไม่ได้ "
        "โปรดให้ผู้ดูแลระบบคนอื่นออกให้ หรือใช้คำสั่ง flask intake enrol-link"
    ),
    Problem.HOLDS_IDENTITY_KEY: _l(
        "ผู้ใช้นี้ถือกุญแจเปิดข้อมูลตัวตน ต้องถอนสิทธิ์ด้วยคำสั่ง flask intake custodian-remove ก่อนเปลี่ยนบทบาท"
    ),
    Problem.NO_EXECUTIVE_TIP_HANDLER: _l(
        "ต้องมีนิติกรอย่างน้อยหนึ่งคนที่เห็นเบาะแสที่กล่าวหาผู้บริหาร มิฉะนั้นจะไม่มีผู้ใดดำเนินการเรื่องเหล่านั้น"
    ),
    Problem.NAME_TAKEN: _l("มีชื่อนี้อยู่แล้ว"),
    Problem.NO_DEPARTMENT: _l("โปรดเลือกกองที่ยังเปิดใช้งาน"),
    Problem.BAD_POSITION: _l("ลำดับไม่ถูกต้อง"),
    Problem.HOLIDAY_EXISTS: _l("วันนี้อยู่ในรายการวันหยุดแล้ว"),
    Problem.DEPARTMENT_IN_USE: _l(
        "ยังมีประเภทเรื่องที่ส่งไปกองนี้โดยปริยาย โปรดเปลี่ยนกองของประเภทเรื่องเหล่านั้นก่อน"
    ),
    Problem.ORGANISATION_NAME_REQUIRED: _l("โปรดระบุชื่อหน่วยงาน"),
    Problem.SETTING_OUT_OF_RANGE: _l("ค่าที่กรอกไม่อยู่ในช่วงที่กำหนด"),
    Problem.BAD_URL: _l(
        "ต้องเป็นที่อยู่เว็บที่ขึ้นต้นด้วย https:// เช่น https://www.facebook.com/ชื่อเพจ"
    ),
    Problem.MAIL_NOT_FAILED: _l("ข้อความนี้ไม่ได้อยู่ในสถานะส่งไม่สำเร็จ"),
    Problem.FILE_MISSING: _l("ไม่พบไฟล์นี้ในที่จัดเก็บ โปรดแจ้งผู้ดูแลระบบ"),
    # Reports and demo data.
    Problem.BAD_PERIOD: _l("ปีงบประมาณหรือช่วงเวลาไม่ถูกต้อง"),
    Problem.REPORT_TEXT_TOO_LONG: TEXT_TOO_LONG,
    Problem.NO_REFERENCE_DATA: _l("ยังไม่มีกองหรือประเภทเรื่องที่เปิดใช้งาน"),
    Problem.NO_PERIOD: _l("ปีงบประมาณที่เลือกยังไม่เริ่ม"),
}

# A problem without a message would reach the person as nothing at all: refuse to start.
_missing = sorted(set(Problem) - set(MESSAGE))
if _missing:
    raise RuntimeError(f"problems without a message: {', '.join(_missing)}")


def say(problem: Problem, wording: Mapping[Problem, Any] | None = None) -> str:
    """The message for ``problem``: the screen's own ``wording`` when it has one."""
    if wording is not None and problem in wording:
        return str(wording[problem])
    return str(MESSAGE[problem])


def in_english(problem: Problem) -> str:
    """The common message in English, for the commands (administrators read their output
    in English)."""
    with force_locale("en"):
        return str(MESSAGE[problem])
