"""A person enrolling through their one-time link, as a browser without JavaScript does."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from tests.support.staff import PASSWORD, csrf_token

LINK_ON_PAGE = re.compile(r'id="enrolment-link"[^>]*>([^<]+)<')
LINK_IN_OUTPUT = re.compile(r"^(\S+/staff/enrol\?token=\S+)$", re.MULTILINE)
SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


def link_on_page(page: str) -> str:
    found = LINK_ON_PAGE.search(page)
    assert found, f"no enrolment link on the page: {page[:1500]}"
    return found.group(1)


def link_in_output(output: str) -> str:
    found = LINK_IN_OUTPUT.search(output)
    assert found, f"no enrolment link printed: {output}"
    return found.group(1)


def token_of(url: str) -> str:
    return urlsplit(url).query.removeprefix("token=")


def open_link(client: FlaskClient, url: str, base_url: str = "http://localhost") -> str:
    """Follow the link; returns the enrolment page (its token gone from the address)."""
    parts = urlsplit(url)
    first = client.get(f"{parts.path}?{parts.query}", base_url=base_url)
    assert first.status_code == 303, first.get_data(as_text=True)[:800]
    location = first.headers["Location"]
    assert location.endswith("/staff/enrol") and "token" not in location, location
    return client.get("/staff/enrol", base_url=base_url).get_data(as_text=True)


def secret_on(page: str) -> str:
    found = SECRET.search(page)
    assert found, f"no two-factor secret on the page: {page[:1500]}"
    return found.group(1).replace(" ", "")


def enrol(
    app: Flask,
    url: str,
    password: str = PASSWORD,
    client: FlaskClient | None = None,
    base_url: str = "http://localhost",
) -> FlaskClient:
    """Open the link, choose ``password``, scan the secret, send the first code; asserts
    that it worked (the page sends the person on to sign in)."""
    client = client or app.test_client()
    page = open_link(client, url, base_url)
    data = {"password": password, "confirm": password, "otp": pyotp.TOTP(secret_on(page)).now()}
    if 'name="csrf_token"' in page:
        data["csrf_token"] = csrf_token(page)
    done = client.post(
        "/staff/enrol", data=data, base_url=base_url, headers={"Referer": f"{base_url}/staff/enrol"}
    )
    assert done.status_code == 303, done.get_data(as_text=True)[:1500]
    assert done.headers["Location"].endswith("/staff/login")
    return client
