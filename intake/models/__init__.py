"""Typed SQLAlchemy 2.0 models, one module per area; this package names them all.

Ciphertext columns end in ``_enc`` and hold the output of ``intake.crypto`` under the
content key, bound to (table, column without ``_enc``, row id): key rotation finds them by
that suffix. ``_sealed`` columns are sealed to a public key the server cannot open.
Nothing else in a row says more than a reference, a date, a status or a category. Case and
attachment ids are UUIDs made by the application, so that the associated data that
binds a ciphertext to its row is known before the row is inserted.

Importing the package maps every table, so that ``from intake.models import Case`` and
Alembic's comparison both see the whole schema.
"""

from intake.models.audit import AUDIT_TRIGGERS, AuditEntry, AuditHead
from intake.models.cases import (
    OPEN_STATUSES_SQL,
    Attachment,
    Case,
    CaseEvent,
    CaseExclusion,
    ReopenOutcome,
    ReopenRequest,
    SatisfactionResponse,
)
from intake.models.columns import AwareDateTime, new_id, stored_enum, utcnow
from intake.models.enums import (
    COMPLAINTS_ONLY,
    AccusedRole,
    CaseKind,
    Channel,
    EventType,
    OrganisationType,
    RevealStatus,
    Role,
)
from intake.models.host import HostAdmin, HostAuditEntry, HostAuditHead
from intake.models.host_records import OrganisationDeletion
from intake.models.identity_keys import (
    CustodianKey,
    IdentityKey,
    IdentityKeyGrant,
    PersonalKey,
    RevealRequest,
)
from intake.models.line import LineAccount, LineChat, LineEvent, LineMessage
from intake.models.notifications import Notification, OutboxMessage, ReminderSent
from intake.models.open311 import Open311Client
from intake.models.organisation import (
    Category,
    Department,
    ExtraHoliday,
    Organisation,
    ReferenceCounter,
)
from intake.models.people import EndedPublicToken, SignInFailures, StaffSession, User
from intake.models.referrals import HostReferral, HostReferralStatus
from intake.models.reports import CaseTally, ReportNarrative

__all__ = [
    "AUDIT_TRIGGERS",
    "COMPLAINTS_ONLY",
    "OrganisationDeletion",
    "OPEN_STATUSES_SQL",
    "AccusedRole",
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "AwareDateTime",
    "Case",
    "CaseEvent",
    "CaseExclusion",
    "CaseKind",
    "CaseTally",
    "Category",
    "Channel",
    "CustodianKey",
    "Department",
    "HostReferral",
    "LineAccount",
    "LineChat",
    "LineEvent",
    "LineMessage",
    "Open311Client",
    "HostReferralStatus",
    "EndedPublicToken",
    "EventType",
    "ExtraHoliday",
    "HostAdmin",
    "HostAuditEntry",
    "HostAuditHead",
    "IdentityKey",
    "IdentityKeyGrant",
    "Notification",
    "Organisation",
    "OrganisationType",
    "OutboxMessage",
    "PersonalKey",
    "ReferenceCounter",
    "ReminderSent",
    "ReopenOutcome",
    "ReopenRequest",
    "ReportNarrative",
    "RevealRequest",
    "RevealStatus",
    "Role",
    "SatisfactionResponse",
    "SignInFailures",
    "StaffSession",
    "User",
    "new_id",
    "stored_enum",
    "utcnow",
]
