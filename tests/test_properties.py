"""Property tests: no input to a public form or endpoint makes a server error."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.support.properties import PROFILE

FORM_FIELDS = [
    "subject",
    "details",
    "category",
    "location",
    "incident_date",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
    "reporter_national_id",
    "website",
]
TIP_FIELDS = [*FORM_FIELDS, "accused", "anonymous"]

# Text that people (and attackers) really type: Thai, digits of both kinds, separators,
# control characters, surrogate-free unicode, long strings.
thai_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),
        st.sampled_from("0123456789๐๑๒๓๔๕๖๗๘๙ -/.:@+()\n\t\x00<>'\"%"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=300,
)
field_values = st.one_of(
    thai_text, st.text(max_size=20), st.just(""), st.text(min_size=6000, max_size=6001)
)


def _form(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={name: field_values for name in fields})


files = st.lists(
    st.tuples(st.binary(max_size=2000), st.text(max_size=40)),
    max_size=3,
)


@PROFILE
@given(data=_form(FORM_FIELDS), uploads=files)
def test_complaint_form_never_errors(app: Flask, data: dict[str, Any], uploads: list) -> None:
    body = dict(data)
    body["attachments"] = [(io.BytesIO(content), name) for content, name in uploads]
    response = app.test_client().post("/complaints/new", data=body)
    assert response.status_code in (303, 422), response.status_code


@PROFILE
@given(data=_form(TIP_FIELDS), uploads=files)
def test_tip_form_never_errors(app: Flask, data: dict[str, Any], uploads: list) -> None:
    body = dict(data)
    body["attachments"] = [(io.BytesIO(content), name) for content, name in uploads]
    response = app.test_client().post("/tips/new", data=body)
    assert response.status_code in (303, 422), response.status_code


@PROFILE
@given(code=st.one_of(thai_text, st.text(alphabet="0123456789 -๐๑๒๓", max_size=60)))
def test_tracking_never_errors(app: Flask, code: str) -> None:
    response = app.test_client().post("/track", data={"code": code})
    assert response.status_code in (404, 422), response.status_code


@PROFILE
@given(fy=thai_text, kind=thai_text, path=st.sampled_from(["/stats", "/stats.json", "/stats.csv"]))
def test_statistics_queries_never_error(app: Flask, fy: str, kind: str, path: str) -> None:
    response = app.test_client().get(path, query_string={"fy": fy, "kind": kind})
    assert response.status_code in (200, 400), response.status_code


def test_a_file_part_under_a_text_field_name_is_not_an_error(app: Flask) -> None:
    body = {"subject": (io.BytesIO(b"x"), "x.txt"), "details": "ก"}
    assert app.test_client().post("/complaints/new", data=body).status_code == 422


def test_a_multipart_part_without_a_readable_name_is_ignored(make_app: Any) -> None:
    # A carriage return in a part's name breaks its header: the parser then names it None,
    # which once crashed the CSRF check (found by tests/test_fuzz_routes.py).
    app = make_app(WTF_CSRF_ENABLED=True)
    body = MultiDict([("\r", "ก"), ("category", (io.BytesIO(b""), "x.txt"))])
    response = app.test_client().post("/complaints/new", data=body)
    assert response.status_code == 400
    assert "แบบฟอร์มหมดอายุหรือไม่สมบูรณ์" in response.get_data(as_text=True)
