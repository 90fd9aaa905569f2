"""Browser steps on a host of several organisations: each organisation's pages under its
``/o/<slug>`` prefix, its staff signing in there with the same user names as the
other's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from intake.extensions import db
from intake.models import OrganisationType
from intake.organisation_scope import work_for
from intake.services.auth import change_password, reset_two_factor
from intake.services.keyring import current_keyring
from intake.services.users import find_user
from tests.support.browser import LiveServer, NetworkLog, screenshot, submit
from tests.support.browser_axe import open_page as open_page_with_javascript
from tests.support.browser_staff import act, offered, open_page
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.organisations import working_for
from tests.support.staff import PASSWORD, totp_code


@dataclass(frozen=True)
class HostedOrganisation:
    """One organisation of the host, as a person finds it and as the test sets it up."""

    slug: str
    name_th: str
    kind: OrganisationType
    province: str
    district: str
    searched_as: str  # what a person types in the directory's search box
    id: int = 0

    @property
    def prefix(self) -> str:
        return f"/o/{self.slug}"

    def at(self, server: LiveServer, path: str) -> str:
        return server.at(self.prefix + path)


def ready_custodian(app: Flask, organisation_id: int) -> None:
    """The organisation's custodian (made with the identity key) gets the staff password
    and a fresh two-factor enrolment, as an administrator's reset would give them."""
    now = datetime.now(UTC)
    with app.app_context():
        work_for(db.session, organisation_id)
        user = find_user(db.session, CUSTODIAN)
        assert user is not None
        change_password(db.session, user, "pw", PASSWORD, now, keep_token=None)
        reset_two_factor(db.session, current_keyring(), user, now)


def sign_in_at(
    page: Any, server: LiveServer, organisation: HostedOrganisation, username: str
) -> None:
    """Password, then the enrolment page's code, at the organisation's own sign-in page;
    ends on the page the sign-in leads to."""
    page.goto(organisation.at(server, "/staff/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    posted = submit(page, "form button[type=submit]", "/staff/login")
    assert posted.status == 303, page.content()[:1000]
    assert page.url == organisation.at(server, "/staff/login/enrol"), page.url
    # The code is read from the user's row: only this organisation's rows are searched.
    with working_for(server.app, organisation.id):
        code = totp_code(server.app, username)
    page.fill("#otp", code)
    posted = submit(page, "form button[type=submit]", "/staff/login/enrol")
    assert posted.status == 303, page.content()[:1000]


# ----------------------------------------------- public steps (in the Chromium thread)


@dataclass(frozen=True)
class Filed:
    reference: str
    code: str
    follow_at: str  # the receipt's "follow your case at ..." line


def find_in_directory(page: Any, server: LiveServer, organisation: HostedOrganisation) -> list[str]:
    """From the host's front page to the organisation's, by its short name; returns the
    names the search listed."""
    page.goto(server.at("/"))
    page.fill("#directory-q", organisation.searched_as)
    with page.expect_navigation():
        page.click("form.directory-search button[type=submit]")
    listed = page.locator(".directory-list a").all_inner_texts()
    with page.expect_navigation():
        page.get_by_role("link", name=organisation.name_th, exact=True).click()
    assert page.url == organisation.at(server, "/"), page.url
    return listed


def read_receipt(page: Any) -> Filed:
    return Filed(
        page.locator("#reference-number").inner_text().strip(),
        page.locator("#tracking-code").inner_text().strip(),
        page.locator("#how-to-follow").inner_text(),
    )


def track_at(page: Any, server: LiveServer, organisation: HostedOrganisation, code: str) -> Any:
    page.goto(organisation.at(server, "/track"))
    page.fill("#code", code)
    return submit(page, ".track-form button[type=submit]", "/track")


# ------------------------------------------------ staff steps (in the Chromium thread)


def sign_in(
    browser: Any, server: LiveServer, organisation: HostedOrganisation, username: str
) -> Any:
    page = open_page(browser)
    sign_in_at(page, server, organisation, username)
    return page


def queue(page: Any, server: LiveServer, organisation: HostedOrganisation) -> list[str]:
    page.goto(organisation.at(server, "/staff/cases"))
    return [ref.strip() for ref in page.locator("#case-list a.reference").all_inner_texts()]


def handle(
    page: Any, server: LiveServer, organisation: HostedOrganisation, reference: str, reply: str
) -> dict[str, Any]:
    """From the queue to the case: accept, assign when offered, a public reply."""
    queue(page, server, organisation)
    with page.expect_navigation():
        page.get_by_role("link", name=reference, exact=True).click()
    case_url = page.url
    statuses = [act(page, "accept", {}, ())]
    if "assign" in offered(page):
        statuses.append(act(page, "assign", {}, ("#assign-department",)))
    statuses.append(act(page, "update", {"#update-message": reply}, ()))
    return {"case_url": case_url, "statuses": statuses}


def ask_to_reveal(
    page: Any, server: LiveServer, organisation: HostedOrganisation, reference: str, reason: str
) -> str:
    """The legal officer asks, from the tip's page; returns where they land."""
    queue(page, server, organisation)
    with page.expect_navigation():
        page.get_by_role("link", name=reference, exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="ขอเปิดเผยตัวตนผู้แจ้ง").click()
    page.fill("#reason", reason)
    posted = submit(page, "form.narrow-form button[type=submit]", "/reveal")
    assert posted.status == 303, page.content()[:2000]
    return str(page.url)


def pending_reveals(
    page: Any, server: LiveServer, organisation: HostedOrganisation
) -> dict[str, Any]:
    page.goto(organisation.at(server, "/staff/reveals"))
    links = page.locator("#pending-requests a.button")
    return {
        "references": page.locator("#pending-requests td.reference").all_inner_texts(),
        "decide": [str(href) for href in links.evaluate_all("els => els.map(e => e.pathname)")],
    }


def approve(page: Any, server: LiveServer, decide_path: str) -> int:
    page.goto(server.at(decide_path))
    page.fill("#passphrase", CUSTODIAN_PASSPHRASE)
    posted = submit(page, "button[value=approve]", "/decide")
    return int(posted.status)


def read_identity(page: Any, server: LiveServer, organisation: HostedOrganisation) -> str:
    page.goto(organisation.at(server, "/staff/reveals/mine"))
    with page.expect_navigation():
        page.get_by_role("link", name="ดูข้อมูลตัวตน").click()
    page.fill("#password", PASSWORD)
    posted = submit(page, "#step-up button[type=submit]", "/identity")
    assert posted.status == 200, page.content()[:2000]
    return str(page.locator("#revealed-identity").inner_text())


def visit(page: Any, url: str) -> dict[str, Any]:
    """What a signed-in member of staff gets at a typed address."""
    response = page.goto(url)
    return {"status": response.status, "url": page.url, "text": page.locator("body").inner_text()}


def host_pages_axe(browser: Any, server: LiveServer, search: str) -> dict[str, Any]:
    """axe on the host's own pages: the directory (browsing, and a search's results) and
    the "not found" of an address no organisation has, with what that page loaded."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page_with_javascript(browser)
    results: dict[str, Any] = {}
    page.goto(server.at("/"))
    results["browse"] = dict(Axe().run(page).response)
    page.goto(server.at("/?q=" + search))
    results["found"] = dict(Axe().run(page).response)
    screenshot(page, "organisations-00-directory")
    # An address no organisation has: the host's own "not found", styled, leading home
    network = NetworkLog().attach(page.context)
    results["unknown_status"] = page.goto(server.at("/o/nobody/")).status
    results["unknown"] = dict(Axe().run(page).response)
    results["unknown_home"] = page.locator("a.brand").get_attribute("href")
    results["unknown_broken"] = [
        r.url
        for r in network.responses
        if r.request.resource_type != "document" and r.status >= 400
    ]
    page.context.close()
    return results
