"""`intake demo-data --orgs N --cases M`: a demo host whose organisations are each set up
as a real one is, with the cases spread over them, numbered and counted per organisation,
and each organisation's tips sealed to its own identity key."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from intake import crypto
from intake.demo.host_load import CUSTODIAN, case_shares
from intake.demo.host_orgs import generate
from intake.extensions import db
from intake.models import (
    AuditHead,
    Case,
    CaseKind,
    Category,
    CustodianKey,
    Department,
    IdentityKey,
    IdentityKeyGrant,
    Organisation,
    OrganisationType,
    ReferenceCounter,
)
from intake.organisation_scope import host_wide, work_for
from intake.places.names import search_key
from intake.services import case_numbers
from intake.services.identity import identity_private_key
from intake.services.keyring import keyring_for
from intake.services.setup import saved_development_passphrase
from intake.services.users import find_user

ORGS, CASES, SEED = 30, 600, 3
pytestmark = pytest.mark.commits  # worker processes and several commits per organisation


def _build(app: Flask) -> Result:
    args = ["intake", "demo-data", "--orgs", str(ORGS), "--cases", str(CASES)]
    result = app.test_cli_runner().invoke(args=[*args, "--seed", str(SEED), "--workers", "2"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def host(app: Flask) -> Flask:
    _build(app)
    return app


def _demo_organisations() -> list[Organisation]:
    slugs = [o.slug for o in generate(ORGS, SEED)]
    query = select(Organisation).where(Organisation.slug.in_(slugs)).order_by(Organisation.id)
    return list(db.session.scalars(host_wide(query)))


def test_every_organisation_is_set_up_like_a_real_one(host: Flask) -> None:
    # Given a demo host of 30 organisations
    with host.app_context():
        organisations = _demo_organisations()
        # Then each exists once, with its search key, audit head, reference data, a
        # custodian pending enrolment, and one identity key granted to that custodian
        assert len(organisations) == ORGS
        for organisation in organisations:
            assert organisation.search_key == search_key(
                organisation.name_th,
                organisation.name_en,
                organisation.kind,
                organisation.province,
                organisation.district,
            )
            work_for(db.session, organisation.id)
            assert db.session.get(AuditHead, organisation.id) is not None
            assert db.session.scalar(select(func.count()).select_from(Department)) == 5
            assert db.session.scalar(select(func.count()).select_from(Category)) == 13
            custodian = find_user(db.session, CUSTODIAN)
            assert custodian is not None and custodian.password_hash == "!"  # noqa: S105
            assert db.session.get(CustodianKey, custodian.id) is not None
            keys = list(db.session.scalars(select(IdentityKey)))
            assert len(keys) == 1
            grant = db.session.get(IdentityKeyGrant, (keys[0].id, custodian.id))
            assert grant is not None


def test_cases_are_spread_and_numbered_from_one_in_each_organisation(host: Flask) -> None:
    with host.app_context():
        # Then all the cases exist, over the organisations as shared out
        total = db.session.scalar(host_wide(select(func.count()).select_from(Case)))
        assert total == CASES
        shares = case_shares(generate(ORGS, SEED), CASES, SEED)
        for organisation in _demo_organisations():
            work_for(db.session, organisation.id)
            rows = db.session.execute(select(Case.kind, Case.fiscal_year, Case.sequence)).all()
            assert len(rows) == shares[organisation.slug]
            # and each organisation numbers each kind and fiscal year 1, 2, 3… by itself
            numbers: dict[tuple[CaseKind, int], list[int]] = defaultdict(list)
            for kind, fiscal_year, sequence in rows:
                numbers[(kind, fiscal_year)].append(sequence)
            for (kind, fiscal_year), sequences in numbers.items():
                assert sorted(sequences) == list(range(1, len(sequences) + 1))
                counter = db.session.scalars(
                    select(ReferenceCounter.last_number).where(
                        ReferenceCounter.kind == kind, ReferenceCounter.fiscal_year == fiscal_year
                    )
                ).one()
                assert counter == len(sequences)
            references = db.session.scalars(select(Case.reference)).all()
            assert len(set(references)) == len(references)
            assert all(r.split("-")[0] in case_numbers.PREFIX.values() for r in references)


def test_tallies_equal_a_recount(host: Flask) -> None:
    result = host.test_cli_runner().invoke(args=["intake", "stats-check"])
    assert result.exit_code == 0, result.output
    assert "equal a recount" in result.output


def test_each_organisations_tips_open_with_its_own_key_only(host: Flask) -> None:
    with host.app_context():
        passphrase = saved_development_passphrase(Path(host.instance_path))
        assert passphrase is not None
        now = datetime.now(UTC)
        opened = 0
        organisations = _demo_organisations()
        sealed_tips: list[tuple[int, Case]] = []
        private_keys: dict[int, bytes] = {}
        for organisation in organisations:
            work_for(db.session, organisation.id)
            tip = db.session.scalars(
                select(Case).where(Case.identity_sealed.is_not(None)).limit(1)
            ).first()
            if tip is None:
                continue
            custodian = find_user(db.session, CUSTODIAN)
            assert custodian is not None and tip.identity_key_id is not None
            private_keys[organisation.id] = identity_private_key(
                db.session,
                keyring_for(organisation.id),
                custodian,
                passphrase,
                tip.identity_key_id,
                now,
            )
            # Its own key opens its tipster's identity
            assert crypto.open_identity(
                private_keys[organisation.id], tip.identity_sealed, case_id=tip.id
            )
            sealed_tips.append((organisation.id, tip))
            opened += 1
        assert opened >= 2
        # and no other organisation's key does
        for owner, tip in sealed_tips:
            for other, private in private_keys.items():
                if other != owner:
                    with pytest.raises(crypto.DecryptionFailed):
                        crypto.open_identity(private, tip.identity_sealed, case_id=tip.id)


def test_a_second_run_adds_nothing(host: Flask) -> None:
    # When the same command runs again
    output = _build(host).output
    # Then no organisation, key or case is added
    assert "0 organisations added" in output
    assert "0 identity keys" in output
    with host.app_context():
        assert db.session.scalar(host_wide(select(func.count()).select_from(Case))) == CASES
        assert len(_demo_organisations()) == ORGS


def test_big_organisations_hear_more_than_small_ones_at_full_size(app: Flask) -> None:
    # Given the full-size host's organisations and a million cases
    with app.app_context():  # their English names come from the catalogue
        organisations = generate(8000, 1)
    shares = case_shares(organisations, 1_000_000, 1)
    # Then every case is given out, each organisation hears some
    assert sum(shares.values()) == 1_000_000
    assert min(shares.values()) >= 1
    # a city hears tens of times what a ตำบล does, and no one holds a tenth of all
    by_kind: dict[OrganisationType, list[int]] = defaultdict(list)
    for organisation in organisations:
        by_kind[organisation.kind].append(shares[organisation.slug])
    assert mean(by_kind[OrganisationType.CITY]) > 20 * mean(by_kind[OrganisationType.SAO])
    assert max(shares.values()) < 100_000
