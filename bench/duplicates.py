"""How long the case page's possible-duplicate suggestions take on a large instance.

    INTAKE_INSTANCE_PATH=/tmp/dupes-bench .venv/bin/flask --app wsgi intake init --no-demo
    INTAKE_INSTANCE_PATH=/tmp/dupes-bench .venv/bin/flask --app wsgi intake demo-data --cases 10000
    INTAKE_INSTANCE_PATH=/tmp/dupes-bench .venv/bin/python bench/duplicates.py [SAMPLE]

Times ``duplicates.possible_duplicates`` (the case page) and ``duplicates.flag_page`` (a
queue page of 25) for a sample of cases (as an intake officer, who
sees every complaint) and prints the candidates decrypted per case and the time taken.
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import func, select

from intake import create_app
from intake.extensions import db
from intake.models import Case, Role, User
from intake.services import duplicates
from intake.services.keyring import current_keyring


def main(sample: int) -> None:
    app = create_app({"INTAKE_ENV": "development"})
    with app.app_context():
        officer = User(
            username="bench",
            display_name="bench",
            role=Role.INTAKE,
            password_hash="!",  # noqa: S106 - never signs in
            active=True,
        )
        total = db.session.scalar(select(func.count()).select_from(Case))
        cases = list(
            db.session.scalars(
                select(Case).where(Case.category_id.is_not(None)).order_by(Case.id).limit(sample)
            )
        )
        keyring = current_keyring()
        times, candidates, found = [], [], []
        for case in cases:
            start = time.perf_counter()
            suggestions = duplicates.possible_duplicates(db.session, keyring, officer, case)
            times.append(time.perf_counter() - start)
            candidates.append(len(duplicates.candidates(db.session, case)))
            found.append(len(suggestions))
        print(f"cases in the table: {total}; sample: {len(cases)}")
        print(
            f"candidates decrypted per case: median {statistics.median(candidates)}, "
            f"max {max(candidates)} (bound {duplicates.MAX_CANDIDATES})"
        )
        print(f"suggestions per case: median {statistics.median(found)}, max {max(found)}")
        print(
            f"time per case: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms"
        )
        pages = []
        for start in range(0, len(cases), 25):
            ids = [case.id for case in cases[start : start + 25]]
            began = time.perf_counter()
            duplicates.flag_page(db.session, keyring, officer, ids)
            pages.append(time.perf_counter() - began)
        print(
            f"queue page of 25 flagged: median {statistics.median(pages) * 1000:.1f} ms, "
            f"max {max(pages) * 1000:.1f} ms"
        )
        print(
            "plan:",
            db.session.connection()
            .exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM cases WHERE category_id = 1 AND kind = "
                "'complaint' AND received_at BETWEEN '2025-01-01' AND '2025-02-01' "
                "ORDER BY received_at DESC LIMIT 200"
            )
            .fetchall()
            if db.engine.dialect.name == "sqlite"
            else "(sqlite only)",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
