"""Many filings at once get unique, gap-free references; a failed one gives its number back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, select

from intake.extensions import db
from intake.models import Case, CaseKind
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring

THREADS = 8
FILINGS_PER_THREAD = 12
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # fiscal year 2569


def _file_many(app: Flask, kind: CaseKind, errors: list[BaseException]) -> None:
    try:
        with app.app_context():
            uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
            for n in range(FILINGS_PER_THREAD):
                data = FilingInput(kind=kind, subject=f"เรื่อง {n}", details="รายละเอียด")
                file_case(db.session, current_keyring(), uploads, data, NOW)
            db.session.remove()
    except BaseException as exc:  # reported to the main thread
        errors.append(exc)


@pytest.mark.commits
def test_parallel_filings_get_unique_gap_free_references(app: Flask) -> None:
    errors: list[BaseException] = []
    kinds = [CaseKind.COMPLAINT, CaseKind.TIP] * (THREADS // 2)
    threads = [threading.Thread(target=_file_many, args=(app, k, errors)) for k in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    with app.app_context():
        for kind, prefix in ((CaseKind.COMPLAINT, "รร"), (CaseKind.TIP, "ทจ")):
            rows = db.session.execute(
                select(Case.sequence, Case.reference).where(Case.kind == kind)
            ).all()
            expected = THREADS // 2 * FILINGS_PER_THREAD
            assert sorted(r.sequence for r in rows) == list(range(1, expected + 1))
            assert len({r.reference for r in rows}) == expected
            assert all(r.reference.startswith(f"{prefix}-2569-") for r in rows)


def test_a_filing_that_fails_to_commit_gives_its_number_back_and_its_files(app: Flask) -> None:
    from intake.attachments import PreparedAttachment

    with app.app_context():
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        keyring = current_keyring()
        data = FilingInput(kind=CaseKind.COMPLAINT, subject="ก", details="ข")
        file_case(db.session, keyring, uploads, data, NOW)

        session = db.session()

        def fail_commit(_session: object) -> None:
            raise RuntimeError("disk full")

        event.listen(session, "before_commit", fail_commit, once=True)
        failing = FilingInput(
            kind=CaseKind.COMPLAINT,
            subject="ค",
            details="ง",
            attachments=[PreparedAttachment("a.txt", "text/plain", b"hello", False)],
        )
        files_before = set(uploads.glob("*"))  # the folder is made by the first file
        with pytest.raises(RuntimeError):
            file_case(db.session, keyring, uploads, failing, NOW)
        assert set(uploads.glob("*")) == files_before

        third = file_case(db.session, keyring, uploads, data, NOW)
        assert third.reference.endswith("-00002")
