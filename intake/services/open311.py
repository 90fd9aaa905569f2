"""Open311 GeoReport v2 (``intake.open311`` speaks the protocol): the client applications
an organisation's administrator lets file general complaints, and what they may file and
read.

- A client is a name and an API key. The key is 256 random bits, shown once when issued;
  only its SHA-256 is kept, and a revoked key is refused from that moment.
- A request becomes an ordinary general complaint with channel ``open311``, counted in
  statistics as ``open311:<client>``. A tip never enters here: the client application
  knows who the person is, so only general complaint categories are services, and
  filing refuses a tip on this channel whatever the caller sends.
- The client gets a request id for reading the status: high-entropy, distinct from the
  tracking code (which the API never gives out), kept as its SHA-256 only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from intake import crypto
from intake.models import Case, CaseKind, Category, Channel, Open311Client, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.filing import FiledCase, FilingInput, file_case, place, subject_from
from intake.services.settings import categories_for

NAME_MAX = 80


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ClientRow:
    client: Open311Client
    filed: int  # cases this client has filed


def clients(session: DbSession) -> list[ClientRow]:
    """Every client application, active first, with how many cases each has filed."""
    counted = session.execute(
        select(Case.open311_client_id, func.count())
        .where(Case.open311_client_id.is_not(None))
        .group_by(Case.open311_client_id)
    )
    counts = {client_id: count for client_id, count in counted}
    found = session.scalars(select(Open311Client).order_by(Open311Client.id))
    rows = [ClientRow(client, counts.get(client.id, 0)) for client in found]
    rows.sort(key=lambda row: row.client.revoked_at is not None)
    return rows


def issue_key(
    session: DbSession, keyring: crypto.Keyring, actor: User, name: str, now: datetime
) -> tuple[Open311Client, str]:
    """A new client application and its key; the key exists only in the returned value."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ServiceError(Problem.OPEN311_CLIENT_NAME)
    key = secrets.token_urlsafe(32)
    client = Open311Client(name=name, key_digest=digest(key), created_at=now)
    client.created_by_id = actor.id
    session.add(client)
    session.flush()
    record(
        session,
        keyring,
        "admin.open311_key_issued",
        actor=actor_label(actor),
        now=now,
        detail=f"client {client.id}",
    )
    session.commit()
    return client, key


def revoke(
    session: DbSession, keyring: crypto.Keyring, actor: User, client_id: int, now: datetime
) -> None:
    client = session.get(Open311Client, client_id)
    if client is None:
        raise ServiceError(Problem.NOT_FOUND)
    if client.revoked_at is not None:
        return
    client.revoked_at = now
    record(
        session,
        keyring,
        "admin.open311_key_revoked",
        actor=actor_label(actor),
        now=now,
        detail=f"client {client.id}",
    )
    session.commit()


def client_for_key(session: DbSession, key: str) -> Open311Client | None:
    """The active client holding ``key``, if any."""
    if not key:
        return None
    return session.scalars(
        select(Open311Client).where(
            Open311Client.key_digest == digest(key), Open311Client.revoked_at.is_(None)
        )
    ).one_or_none()


def services(session: DbSession) -> list[Category]:
    """What a client may file: the active categories of general complaints, never tips'."""
    return categories_for(session, CaseKind.COMPLAINT)


def service(session: DbSession, code: str) -> Category | None:
    if not code.isdigit():
        return None
    category = session.get(Category, int(code))
    if category is None or category.kind is not CaseKind.COMPLAINT or not category.active:
        return None
    return category


@dataclass
class RequestInput:
    service_code: str
    description: str
    address: str = ""
    lat: float | None = None
    long: float | None = None
    reporter: dict[str, str] = field(default_factory=dict)


def file_request(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    client: Open311Client,
    data: RequestInput,
    now: datetime,
) -> tuple[str, FiledCase]:
    """File a request as a general complaint; returns the request id (shown to the client
    once) and what was filed."""
    category = service(session, data.service_code)
    if category is None:
        raise ServiceError(Problem.CATEGORY_UNAVAILABLE)
    request_id = secrets.token_urlsafe(24)
    filed = file_case(
        session,
        keyring,
        uploads,
        FilingInput(
            kind=CaseKind.COMPLAINT,
            channel=Channel.OPEN311,
            subject=subject_from(data.description),
            details=data.description,
            category_id=category.id,
            location=place(data.address, data.lat, data.long),
            reporter=data.reporter,
            open311_client_id=client.id,
            open311_request_digest=digest(request_id),
        ),
        now,
    )
    return request_id, filed


def find_request(session: DbSession, request_id: str) -> Case | None:
    """The case a request id was given for; None for any other id."""
    if not request_id or len(request_id) > 64:
        return None
    return session.scalars(
        select(Case).where(Case.open311_request_digest == digest(request_id))
    ).one_or_none()
