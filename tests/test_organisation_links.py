"""Links on a host of several organisations lead where the page they are on belongs: an
organisation's pages to that organisation, an unknown organisation's address to the
host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from intake.models import Role
from tests.support.builders import complaint_form
from tests.support.enrol import link_on_page
from tests.support.organisations import add_organisation, working_for
from tests.support.staff import make_staff, sign_in

SECOND = "second"
LINKS = re.compile(r'(?:href|src)="(/[^"]*)"')


def test_switching_language_on_an_organisations_page_stays_on_it(
    app: Flask, client: FlaskClient
) -> None:
    add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    page = client.get(f"/o/{SECOND}/track").get_data(as_text=True)
    switch = next(link for link in LINKS.findall(page) if "/lang/en" in link)

    switched = client.get(switch.replace("&amp;", "&"))

    assert switched.status_code == 303
    assert switched.headers["Location"] == f"/o/{SECOND}/track"
    assert switched.headers["Set-Cookie"].startswith("lang=en")


def test_a_one_organisation_installation_switches_language_at_the_root(
    client: FlaskClient,
) -> None:
    switched = client.get("/lang/en", query_string={"next": "/track"})
    assert switched.headers["Location"] == "/track"
    # a target off the site still leads home
    assert (
        client.get("/lang/en", query_string={"next": "//evil.example"}).headers["Location"] == "/"
    )


def test_an_unknown_organisations_address_is_answered_from_the_host_root(
    app: Flask, client: FlaskClient
) -> None:
    add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")

    missing = client.get("/o/nobody/track")

    assert missing.status_code == 404
    links = LINKS.findall(missing.get_data(as_text=True))
    assert "/static/intake.css" in links and "/" in links
    assert not [link for link in links if link.startswith("/o/nobody")]
    # the organisation that exists keeps its own prefix
    assert "/o/second/static/intake.css" in LINKS.findall(
        client.get(f"/o/{SECOND}/track").get_data(as_text=True)
    )


def test_a_receipt_is_shown_only_by_the_organisation_it_was_filed_at(
    app: Flask, client: FlaskClient
) -> None:
    # Given a complaint just filed at the second organisation, its receipt not yet read
    add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    filed = client.post(f"/o/{SECOND}/complaints/new", data=complaint_form())
    assert filed.status_code == 303

    # When the same browser opens the first organisation's receipt page
    elsewhere = client.get("/o/main/receipt")

    # Then it shows nothing (the session cookie is the host's, the receipt is not)
    assert elsewhere.status_code == 410
    assert 'id="tracking-code"' not in elsewhere.get_data(as_text=True)
    # ...and the receipt is still there at its own organisation's page
    own = client.get(f"/o/{SECOND}/receipt")
    assert own.status_code == 200 and 'id="tracking-code"' in own.get_data(as_text=True)


def test_the_receipt_says_to_follow_the_case_at_its_own_organisations_address(
    app: Flask, client: FlaskClient
) -> None:
    add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    filed = client.post(f"/o/{SECOND}/complaints/new", data=complaint_form())
    receipt = client.get(filed.headers["Location"]).get_data(as_text=True)

    base = app.config["INTAKE_BASE_URL"]
    assert f"{base}/o/{SECOND}/track" in receipt


def test_an_enrolment_link_opens_the_organisations_own_enrolment_page(app: Flask) -> None:
    # Given the administrator of the second organisation, signed in at its address
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    with working_for(app, second):
        make_staff(app, "admin1", Role.ADMIN)
        admin = sign_in(app, "admin1", prefix=f"/o/{SECOND}")

    # When they create an account and read its one-time link
    created = admin.post(
        f"/o/{SECOND}/staff/admin/users/new",
        data={"username": "somchai.j", "display_name": "สมชาย ใจดี", "role": "legal"},
    )
    assert created.status_code == 303, created.get_data(as_text=True)[:800]
    url = link_on_page(admin.get(created.headers["Location"]).get_data(as_text=True))

    # Then the link is the organisation's, and it opens its enrolment page
    assert url.startswith(f"{app.config['INTAKE_BASE_URL']}/o/{SECOND}/staff/enrol?token=")
    parts = urlsplit(url)
    opened = app.test_client().get(f"{parts.path}?{parts.query}")
    assert opened.headers["Location"].endswith(f"/o/{SECOND}/staff/enrol"), opened.headers
