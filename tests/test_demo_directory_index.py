"""The directory's search on a host of thousands: on PostgreSQL ``search_key LIKE
'%term%'`` is answered from the trigram index, Thai terms included (the letters count as
word characters under the test cluster's UTF-8 LC_CTYPE), not by reading every
organisation."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, text

from intake.extensions import db
from intake.models import Organisation
from intake.organisation_scope import host_wide
from intake.places.names import query_terms
from tests.support.organisations import add_organisation

INDEX = "ix_organisation_search_key_trgm"


def test_a_thai_search_is_answered_from_the_trigram_index(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("postgresql tier only: SQLite has no trigram index")
    # Given a host with an organisation in เชียงใหม่
    add_organisation(
        app,
        "tm-san-sai",
        "เทศบาลตำบลสันทราย",
        province="เชียงใหม่",
        district="สันทราย",
    )
    with app.app_context():
        terms = query_terms("เชียงใหม่ สันทราย")
        assert terms and not all(term.isascii() for term in terms)
        query = select(Organisation.id)
        for term in terms:
            query = query.where(Organisation.search_key.like(f"%{term}%"))
        # When the planner may not read the whole table (a small table would be, cheaper)
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
        # Then the trigram index answers it, and finds the organisation
        assert INDEX in plan, plan
        found = db.session.scalars(host_wide(query)).all()
        assert len(found) == 1
