"""Templates read intake.labels through i18n.ResolvedLabels, which keeps each table
translated per language: switching language must still switch every label."""

from __future__ import annotations

import re

from flask import Flask

from intake.i18n import ResolvedLabels
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt


def _status_label(page: str) -> str:
    match = re.search(r'<p class="status-label">([^<]*)</p>', page)
    assert match is not None, page[:1500]
    return match.group(1)


def test_status_labels_follow_the_language_back_and_forth(app: Flask) -> None:
    # Given a filed complaint followed in a browser
    client = app.test_client()
    _reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    assert client.post("/track", data={"code": code}).status_code == 200

    def label() -> str:
        return _status_label(client.get("/track").get_data(as_text=True))

    # When the visitor switches language, and back, and again
    seen = [label()]
    client.get("/lang/en?next=/track")
    seen.append(label())
    client.get("/lang/th?next=/track")
    seen.append(label())
    client.get("/lang/en?next=/track")
    seen.append(label())

    # Then each page shows the status in the language chosen at that moment
    assert seen == ["รับเรื่อง", "Received", "รับเรื่อง", "Received"]


def test_tables_are_plain_strings_and_other_names_pass_through(app: Flask) -> None:
    from intake import labels

    with app.test_request_context("/"):
        resolved = ResolvedLabels()
        status = resolved.STATUS
        assert all(type(value) is str for value in status.values())
        assert set(status) == set(labels.STATUS)
        assert resolved.STATUS is status  # kept, not rebuilt
        assert resolved.Status is labels.Status  # not a table: as in the module
