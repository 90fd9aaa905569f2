"""Every route, any input, signed in and not: arbitrary path values, query strings and
forms (Thai and other Unicode, control characters, huge fields, repeated fields, files
under any name), bad multipart and JSON bodies, CSRF tokens right, wrong or missing, and
methods the route does not take. Never a 5xx, never a traceback, and every refusal
explains itself in words.

The routes come from the app's own URL map, so a new route is fuzzed without a change
here. CSRF protection is on, as in production; a valid token is sent often enough that
the forms' own validation is reached.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import Rule
from werkzeug.test import encode_multipart

from intake.extensions import db
from intake.models import Attachment, Case, RevealRequest, Role
from tests.support.builders import complaint_form
from tests.support.properties import PROFILE as FORM_PROFILE
from tests.support.staff import LEGAL, make_staff, sign_in_with_tokens, token_of

# A failing example with a 20,000-character field is large to print; print it anyway.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# Field names the app's forms and filters use, and some it does not.
FIELD_NAMES = [
    "subject", "details", "category", "location", "incident_date", "accused", "anonymous",
    "reporter_name", "reporter_phone", "reporter_email", "reporter_address",
    "reporter_national_id", "attachments", "website", "code", "message", "rating",
    "username", "password", "otp", "reason", "passphrase", "note", "department", "status",
    "kind", "channel", "fy", "half", "page", "sort", "reference", "received_from",
    "received_to", "received_date", "received_time", "email", "role", "name_th", "name_en",
    "day", "next", "text", "wanted", "decision", "x",
]  # fmt: skip
WRONG_METHODS = ["PUT", "DELETE", "PATCH"]

text = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),
            st.sampled_from("0123456789๐๑๒๓๔๕๖๗๘๙ -/.:@+()\n\r\t\x00\x1b<>'\"%;&=#?\\"),
            st.characters(blacklist_categories=("Cs",)),
        ),
        max_size=200,
    ),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "null", "[]", "' OR 1=1 --"]),
    st.just("ก" * 20_000),
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), text), text), max_size=8)
files = st.lists(
    st.tuples(st.sampled_from(FIELD_NAMES), st.binary(max_size=3000), text), max_size=2
)

# As the form property tests, with more examples: every route shares them.
PROFILE = settings(
    FORM_PROFILE,
    max_examples=150,
    suppress_health_check=[*FORM_PROFILE.suppress_health_check, HealthCheck.filter_too_much],
)


def _routes(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


@st.composite
def requests(draw: st.DrawFn, app: Flask, known_ids: list[str]) -> dict[str, Any]:
    rule = draw(st.sampled_from(_routes(app)))
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    method = draw(st.sampled_from(methods + WRONG_METHODS))

    def value(match: re.Match[str]) -> str:
        converter = match.group(1) or "default"
        if converter == "int":
            drawn = draw(st.one_of(st.integers(0, 5), st.integers(0, 2**70)))
        else:
            drawn = draw(st.one_of(st.sampled_from(known_ids), text.filter(bool)))
        return quote(str(drawn), safe="")

    path = CONVERTER.sub(value, rule.rule)
    body = draw(
        st.one_of(
            st.builds(lambda p, f: {"form": p, "files": f}, pairs, files),
            st.builds(
                lambda raw, kind: {"raw": raw, "kind": kind},
                st.binary(max_size=2000),
                st.sampled_from(
                    [
                        "multipart/form-data; boundary=xyz",
                        "multipart/form-data",
                        "application/json",
                        "application/x-www-form-urlencoded",
                        "text/plain",
                    ]
                ),
            ),
        )
    )
    token = draw(st.sampled_from(["valid", "valid", "wrong", "missing", "repeated"]))
    return {"method": method, "path": path, "query": draw(pairs), "token": token, **body}


def _send(client: FlaskClient, valid_token: str, request: dict[str, Any]) -> Any:
    query = MultiDict(request["query"])
    if "raw" in request:
        return client.open(
            request["path"],
            method=request["method"],
            query_string=query,
            data=request["raw"],
            content_type=request["kind"],
        )
    form = MultiDict(request["form"])
    token = request["token"]
    if token in ("valid", "repeated"):
        form.add("csrf_token", valid_token)
    if token == "wrong":
        form.add("csrf_token", valid_token[:-4] + "AAAA")
    if token == "repeated":
        form.add("csrf_token", "IjEi.bad")
    if not request["files"]:
        return client.open(
            request["path"], method=request["method"], query_string=query, data=form
        )
    for name, content, filename in request["files"]:
        form.add(name, FileStorage(io.BytesIO(content), filename=filename or "f", name=name))
    # Encoded in memory: the test client would spool a body over 500 kB to a temporary
    # file it never closes, a leak of the test's own that would hide one of ours.
    boundary, body = encode_multipart(form)
    return client.open(
        request["path"],
        method=request["method"],
        query_string=query,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _check(response: Any, request: dict[str, Any]) -> None:
    where = f"{request['method']} {request['path']}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    page = response.get_data().decode("utf-8", "replace")  # PDFs and XLSX are bytes
    assert "Traceback" not in page and 'File "/' not in page, where
    if response.status_code >= 400:
        words = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S))
        assert len(words.split()) >= 3, f"{where} {response.status_code} says nothing: {page!r}"[
            :500
        ]


@pytest.fixture
def csrf_app(make_app: Any) -> Flask:
    return make_app(WTF_CSRF_ENABLED=True)


def _case_ids(app: Flask) -> list[str]:
    client = app.test_client()
    token = token_of(client, "/complaints/new")
    client.post("/complaints/new", data={**complaint_form(), "csrf_token": token})
    with app.app_context():
        ids = [*db.session.scalars(select(Case.id)), *db.session.scalars(select(Attachment.id))]
        ids += list(db.session.scalars(select(RevealRequest.id)))
    return ids or ["0" * 36]


def test_any_request_from_a_visitor_is_answered_without_a_server_error(csrf_app: Flask) -> None:
    known = _case_ids(csrf_app)
    client = csrf_app.test_client()
    valid = token_of(client, "/complaints/new")

    @PROFILE
    @given(request=requests(csrf_app, known))
    def visitor(request: dict[str, Any]) -> None:
        _check(_send(client, valid, request), request)

    visitor()


def test_any_request_from_a_signed_in_officer_is_answered_without_a_server_error(
    csrf_app: Flask,
) -> None:
    make_staff(csrf_app, LEGAL, Role.LEGAL)
    known = _case_ids(csrf_app)
    officer = sign_in_with_tokens(csrf_app, LEGAL)
    valid = token_of(officer, "/staff/cases")

    @PROFILE
    @given(request=requests(csrf_app, known))
    def signed_in(request: dict[str, Any]) -> None:
        if request["path"] == "/staff/logout":
            return  # signing out would end the fuzzing of the staff side
        _check(_send(officer, valid, request), request)

    signed_in()


def test_a_large_file_part_without_a_usable_name_is_closed_not_left_to_the_collector(
    app: Flask,
) -> None:
    import gc
    import warnings

    # A file part with no name, large enough to be spooled to a temporary file
    body = (
        b"--b\r\nContent-Disposition: form-data; filename=\"a.bin\"\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n" + b"0" * 600_000 + b"\r\n--b--\r\n"
    )
    gc.collect()  # what earlier tests left behind is not this request's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.test_client().post(
            "/complaints/new", data=body, content_type="multipart/form-data; boundary=b"
        )
        gc.collect()
    assert not [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_a_file_parsed_before_the_body_grew_too_large_is_closed_with_the_request(
    app: Flask,
) -> None:
    import gc
    import warnings

    # A file part spooled to a temporary file, then a field too large to keep (413)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="attachments"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"0" * 600_000 + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="details"\r\n\r\n'
        + b"1" * 600_000
        + b"\r\n--b--\r\n"
    )
    gc.collect()  # what earlier tests left behind is not this request's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = app.test_client().post(
            "/complaints/new", data=body, content_type="multipart/form-data; boundary=b"
        )
        gc.collect()
    assert response.status_code < 500
    assert not [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
