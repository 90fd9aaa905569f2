"""A demo host (`intake demo-data --orgs N --cases M`): N organisations from
``demo.host_orgs``, each set up as `intake init` sets up the first one, and M demo cases
spread over them unevenly, as in life.

Each organisation gets its audit chain's head and search key (``create_organisation``),
the demo departments and categories, a custodian account pending enrolment, and its own
identity key pair whose private half is sealed to that custodian's own key pair: no key
material is shared between organisations. The custodian's private key is wrapped under
the demo passphrase with scrypt at the lowest cost an unwrap accepts (2**14, recorded in
the wrap), not the production cost (2**17, a third of a second to a second each here,
so 8,000 of them would take most of an hour): the demo passphrase is either kept in the
instance folder beside the data (development) or random and never shown (a benchmark),
so the work factor would protect nothing. The wraps are computed in worker processes.

Cases: ``case_shares`` gives each organisation a weight by its kind (a city hears far
more than a ตำบล) times a random factor, and the M cases are shared out by those weights
(largest remainder). Each organisation's cases are then loaded by ``demo.data.load``
working for that organisation, so they are numbered in its own sequence and counted in its
own tallies. A second run continues where the first stopped: organisations that exist
are kept, and one that holds cases already gets none.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from intake import crypto
from intake.demo.data import load
from intake.demo.host_orgs import HostOrganisation, generate
from intake.demo.reference_data import DEMO_CATEGORIES, DEMO_DEPARTMENTS
from intake.models import (
    AuditHead,
    Case,
    Category,
    CustodianKey,
    Department,
    IdentityKey,
    Organisation,
    OrganisationType,
    Role,
    User,
)
from intake.organisation_scope import HOST_WIDE, forget_only_organisation, host_wide, work_for
from intake.places.names import search_key
from intake.row_security import host_wide_session
from intake.services import DbSession
from intake.services.identity import create_identity_key
from intake.services.keyring import keyring_for, make_organisation_keys
from intake.services.settings import DEFAULT_ORGANISATION
from intake.services.users import UNUSABLE_PASSWORD

CUSTODIAN = "custodian"
CUSTODIAN_NAME = "ผู้ดูแลข้อมูลตัวตน"
CHUNK = 100  # organisations per committed step
CASES_PER_ORGANISATION = 125  # by default: 1,000,000 for 8,000
# Cases an organisation hears relative to a อบต., by kind (a rough reading of published
# ITA complaint statistics: a city's centre hears tens of times what a ตำบล's does).
KIND_WEIGHT = {
    OrganisationType.SPECIAL: 60.0,  # กรุงเทพมหานคร, เมืองพัทยา
    OrganisationType.CITY: 30.0,
    OrganisationType.TOWN: 8.0,
    OrganisationType.PAO: 6.0,
    OrganisationType.SUBDISTRICT_MUNICIPALITY: 1.5,
    OrganisationType.SAO: 0.8,
    OrganisationType.OTHER: 1.0,
}
SPREAD = 0.5  # the sigma of the random factor (log-normal) within a kind
DEMO_SCRYPT_N = 2**14  # the lowest cost unwrap_with_passphrase accepts


@dataclass
class HostResult:
    organisations_added: int = 0
    organisations: int = 0
    keys_added: int = 0
    cases: int = 0
    loaded_organisations: int = 0
    skipped_organisations: int = 0  # held cases already
    seconds_organisations: float = 0.0
    seconds_keys: float = 0.0
    seconds_cases: float = 0.0
    biggest: tuple[str, int] = ("", 0)  # slug and cases of the organisation with the most
    shares: dict[str, int] = field(default_factory=dict)


def case_shares(organisations: list[HostOrganisation], cases: int, seed: int) -> dict[str, int]:
    """slug → how many of ``cases`` it gets: weight by kind × a log-normal factor, shared
    out by largest remainder (the total is exact)."""
    rng = random.Random(f"case-shares:{seed}")  # noqa: S311 (demo spread, not a secret)
    weights = {
        o.slug: KIND_WEIGHT.get(o.kind, 1.0) * rng.lognormvariate(0.0, SPREAD)
        for o in organisations
    }
    total = sum(weights.values()) or 1.0
    exact = {slug: cases * weight / total for slug, weight in weights.items()}
    shares = {slug: int(value) for slug, value in exact.items()}
    by_remainder = sorted(exact, key=lambda slug: exact[slug] - shares[slug], reverse=True)
    for slug in by_remainder[: cases - sum(shares.values())]:
        shares[slug] += 1
    return shares


def _existing(session: DbSession) -> dict[str, int]:
    rows = session.execute(host_wide(sa.select(Organisation.slug, Organisation.id)))
    return {slug: organisation_id for slug, organisation_id in rows}


def _table(model: type) -> sa.Table:
    return sa.inspect(model).local_table


def _organisation_row(organisation: HostOrganisation) -> dict[str, Any]:
    """The row ``create_organisation`` would write, with the search key it would set."""
    row: dict[str, Any] = {
        **DEFAULT_ORGANISATION,
        "slug": organisation.slug,
        "name_th": organisation.name_th,
        "name_en": organisation.name_en,
        "kind": organisation.kind,
        "province": organisation.province,
        "district": organisation.district,
        "line_id": "",  # the default's example LINE ID is nobody's to show
        "hotline": "",
    }
    row["search_key"] = search_key(
        row["name_th"], row["name_en"], row["kind"], row["province"], row["district"]
    )
    return row


def _found(session: DbSession, organisations: list[HostOrganisation]) -> list[int]:
    """Organisations with what ``create_organisation``, `intake init`'s demo reference
    data and a custodian account pending enrolment give one, a few statements for many
    (the rows name their organisation themselves, on the session's own connection)."""
    connection = session.connection()
    ids = list(
        connection.execute(
            sa.insert(_table(Organisation)).returning(
                _table(Organisation).c.id, sort_by_parameter_order=True
            ),
            [_organisation_row(o) for o in organisations],
        ).scalars()
    )
    connection.execute(
        sa.insert(_table(AuditHead)),
        [{"organisation_id": i, "last_id": 0, "last_mac": ""} for i in ids],
    )
    department_rows = [
        {"organisation_id": i, "name_th": th, "name_en": en, "active": True}
        for i in ids
        for th, en in DEMO_DEPARTMENTS
    ]
    department_ids = list(
        connection.execute(
            sa.insert(_table(Department)).returning(
                _table(Department).c.id, sort_by_parameter_order=True
            ),
            department_rows,
        ).scalars()
    )
    per = len(DEMO_DEPARTMENTS)
    connection.execute(
        sa.insert(_table(Category)),
        [
            {
                "organisation_id": organisation_id,
                "kind": kind,
                "name_th": name_th,
                "name_en": name_en,
                "department_id": None if index is None else department_ids[n * per + index],
                "position": position,
                "active": True,
            }
            for n, organisation_id in enumerate(ids)
            for position, (kind, name_th, name_en, index) in enumerate(DEMO_CATEGORIES)
        ],
    )
    session.execute(  # ORM bulk insert: the model's defaults, each row's own organisation
        sa.insert(User).execution_options(**{HOST_WIDE: True}),
        [
            {
                "organisation_id": i,
                "username": CUSTODIAN,
                "display_name": CUSTODIAN_NAME,
                "role": Role.CUSTODIAN,
                "password_hash": UNUSABLE_PASSWORD,
            }
            for i in ids
        ],
    )
    for organisation_id in ids:
        make_organisation_keys(organisation_id)  # as create_organisation does
    return ids


def add_organisations(
    session: DbSession, organisations: list[HostOrganisation], progress: Callable[[int], None]
) -> dict[str, int]:
    """Create the organisations that do not exist yet; slug → id of all of them."""
    existing = _existing(session)
    session.rollback()
    missing = [o for o in organisations if o.slug not in existing]
    # Each chunk writes rows of many organisations at once: past row-level security.
    with host_wide_session(session):
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            existing.update(zip([o.slug for o in chunk], _found(session, chunk), strict=True))
            session.commit()
            progress(len(chunk))
    forget_only_organisation(session)
    return existing


def _wrap_custodian_key(job: tuple[int, str]) -> tuple[int, bytes, bytes]:
    """In a worker: a custodian's key pair, its private half wrapped (scrypt)."""
    user_id, passphrase = job
    pair = crypto.generate_keypair()
    context = f"intake:custodian:{user_id}"  # as services.identity enrols a custodian
    return (
        user_id,
        pair.public,
        crypto.wrap_with_passphrase(pair.private, passphrase, context=context),
    )


def _use_demo_cost() -> None:
    """In a worker process: wrap at the demo cost (see the module's docstring)."""
    crypto.sealing.SCRYPT_N = min(crypto.sealing.SCRYPT_N, DEMO_SCRYPT_N)


@contextmanager
def _demo_cost() -> Iterator[None]:
    before = crypto.sealing.SCRYPT_N
    _use_demo_cost()
    try:
        yield
    finally:
        crypto.sealing.SCRYPT_N = before


def _wrapped(jobs: list[tuple[int, str]], workers: int) -> Iterator[tuple[int, bytes, bytes]]:
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            with _demo_cost():
                wrapped = _wrap_custodian_key(job)
            yield wrapped
        return
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_use_demo_cost) as pool:
        yield from pool.map(_wrap_custodian_key, jobs, chunksize=8)


def add_identity_keys(
    session: DbSession,
    ids: list[int],
    passphrase: str,
    *,
    now: datetime,
    workers: int,
    progress: Callable[[int], None],
) -> int:
    """Each organisation without an identity key gets one, granted to its custodian."""
    keyless = (
        sa.select(User.id, User.organisation_id)
        .where(
            User.username == CUSTODIAN,
            User.organisation_id.in_(ids),
            ~sa.exists().where(IdentityKey.organisation_id == User.organisation_id),
        )
        .order_by(User.organisation_id)
    )
    owner = {
        user_id: organisation_id for user_id, organisation_id in session.execute(host_wide(keyless))
    }
    jobs = [(user_id, passphrase) for user_id in owner]
    session.rollback()
    for done, (user_id, public, wrapped) in enumerate(_wrapped(jobs, workers), start=1):
        work_for(session, owner[user_id])
        custodian_key = session.get(CustodianKey, user_id)
        if custodian_key is None:
            session.add(CustodianKey(user_id=user_id, public_key=public, private_wrapped=wrapped))
            session.flush()
        custodian = session.get(User, user_id)
        assert custodian is not None  # noqa: S101 (found above, in the same organisation)
        # Enrolled already (the key above), so this only makes and grants the identity key.
        create_identity_key(session, keyring_for(owner[user_id]), custodian, passphrase, now)
        if done % CHUNK == 0 or done == len(jobs):
            progress(CHUNK if done % CHUNK == 0 else done % CHUNK)
    return len(jobs)


def _holds_cases(session: DbSession) -> bool:
    return session.scalars(sa.select(Case.id).limit(1)).first() is not None


def add_cases(
    session: DbSession,
    ids: dict[str, int],
    shares: dict[str, int],
    *,
    fiscal_years: tuple[int, ...],
    seed: int,
    now: datetime,
    progress: Callable[[int], None],
    result: HostResult,
) -> None:
    """Each organisation's share, loaded while working for it; one that holds cases
    already (an earlier, interrupted run) is left as it is."""
    for slug, count in sorted(shares.items(), key=lambda item: ids[item[0]]):
        organisation_id = ids[slug]
        work_for(session, organisation_id)
        if count == 0:
            continue
        if _holds_cases(session):
            session.rollback()
            result.skipped_organisations += 1
            progress(count)
            continue
        loaded = load(
            session,
            keyring_for(organisation_id),  # each organisation's cases under its own keys
            cases=count,
            fiscal_years=fiscal_years,
            seed=seed + organisation_id,
            now=now,
            analyze=False,
        )
        result.cases += loaded.cases
        result.loaded_organisations += 1
        progress(count)
    # One ANALYZE after the whole load (not one per organisation).
    session.execute(sa.text("ANALYZE"))
    session.commit()


def load_host(
    session: DbSession,
    *,
    organisations: int,
    cases: int,
    fiscal_years: tuple[int, ...],
    seed: int,
    now: datetime,
    passphrase: str,
    workers: int,
    say: Callable[[str], None],
    bar: Callable[[str, int], Any],
) -> HostResult:
    """Build (or finish building) a demo host; see the module's docstring."""
    result = HostResult()
    wanted = generate(organisations, seed)
    started = time.perf_counter()
    before = len(_existing(session))
    with bar("organisations", len(wanted)) as step:
        ids = add_organisations(session, wanted, step.update)
    result.organisations = len(ids)
    result.organisations_added = len(ids) - before
    result.seconds_organisations = time.perf_counter() - started
    say(f"{result.organisations_added} organisations added in {result.seconds_organisations:.1f} s")

    started = time.perf_counter()
    ordered = [ids[o.slug] for o in wanted]
    with bar("identity keys", len(ordered)) as step:
        result.keys_added = add_identity_keys(
            session, ordered, passphrase, now=now, workers=workers, progress=step.update
        )
    result.seconds_keys = time.perf_counter() - started
    say(f"{result.keys_added} identity keys and custodian keys in {result.seconds_keys:.1f} s")

    shares = case_shares(wanted, cases, seed)
    result.shares = shares
    biggest = max(shares, key=lambda slug: shares[slug])
    result.biggest = (biggest, shares[biggest])
    started = time.perf_counter()
    with bar("demo cases", cases) as step:
        add_cases(
            session,
            ids,
            shares,
            fiscal_years=fiscal_years,
            seed=seed,
            now=now,
            progress=step.update,
            result=result,
        )
    result.seconds_cases = time.perf_counter() - started
    return result
