"""The small closed vocabularies stored in rows: kinds, channels, roles, event types."""

from __future__ import annotations

import enum


class CaseKind(enum.StrEnum):
    COMPLAINT = "complaint"
    TIP = "tip"


class Channel(enum.StrEnum):
    """How a case reached the organisation; statistics break down by it."""

    WEB = "web"
    WALK_IN = "walk_in"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    SOCIAL = "social"  # Facebook, LINE: typed in by staff
    DAMRONGDHAM = "damrongdham"  # referred by ศูนย์ดำรงธรรม
    AGENCY = "agency"  # referred by another agency
    OPEN311 = "open311"  # filed by another system through the Open311 API
    LINE = "line"  # filed in a chat with the organisation's LINE Official Account


# Channels whose operator knows who the person is (a third-party app, a chat account): a
# tip never enters through them (DESIGN.md "Channels"), and staff never pick them.
COMPLAINTS_ONLY = frozenset({Channel.OPEN311, Channel.LINE})


class Role(enum.StrEnum):
    INTAKE = "intake"
    LEGAL = "legal"
    DEPARTMENT = "department"
    CUSTODIAN = "custodian"
    EXECUTIVE = "executive"
    ADMIN = "admin"
    AUDITOR = "auditor"


class AccusedRole(enum.StrEnum):
    """Who the tipster says the accused is, in the organisation: it decides who must
    not see the tip (``intake.services.exclusions``)."""

    EXECUTIVE = "executive"  # ผู้บริหาร: the mayor, the chief, their deputies
    STAFF = "staff"  # เจ้าหน้าที่ของหน่วยงาน
    OTHER = "other"  # someone else, or not known


class RevealStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    REVOKED = "revoked"
    EXPIRED = "expired"


class EventType(enum.StrEnum):
    FILED = "filed"
    STATUS = "status"  # a move in the workflow; its body, if any, is told to the complainant
    INTERIM_NOTICE = "interim_notice"  # progress told to the complainant; restarts the clock
    UPDATE = "update"  # a public message to the complainant
    NOTE = "note"  # internal only
    MOVED = "moved"  # a complaint moved onto the tip channel
    QUESTION = "question"  # staff ask the complainant something; shown on their page
    REPLY = "reply"  # the complainant's own message (and files) from their status page


class OrganisationType(enum.StrEnum):
    """The kinds of local government a host serves (the directory and host statistics
    filter by it)."""

    PAO = "pao"  # องค์การบริหารส่วนจังหวัด (อบจ.)
    CITY = "city"  # เทศบาลนคร (ทน.)
    TOWN = "town"  # เทศบาลเมือง (ทม.)
    SUBDISTRICT_MUNICIPALITY = "subdistrict_muni"  # เทศบาลตำบล (ทต.)
    SAO = "sao"  # องค์การบริหารส่วนตำบล (อบต.)
    SPECIAL = "special"  # กรุงเทพมหานคร, เมืองพัทยา
    OTHER = "other"
