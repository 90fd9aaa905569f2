"""Two organisations on one host, in a real browser: each files, tracks, handles and
reveals on its own, and the staff of one see nothing of the other.

A person finds each organisation in the host's directory by the short name people use
("อบต. …", "ทต. …"), files a complaint at one and a tip at the other, and follows each at
its own organisation's tracking page. The same user names sign in at both organisations
(per-organisation accounts); each legal officer works only their own organisation's
case, each custodian sees and approves only their own organisation's reveal. JavaScript
is off except where axe needs it (the directory). Runs only in the browser tier, with
CSRF on, from the `chromium` fixture's own thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from intake.extensions import db
from intake.models import Organisation, OrganisationType, Role
from intake.services.organisations import FIRST_SLUG, refresh_search_key
from tests.support.browser import (
    COMPLAINT_REFERENCE,
    TIP_REFERENCE,
    ChromiumThread,
    LiveServer,
    NetworkLog,
    describe,
    screenshot,
    serve,
    submit,
)
from tests.support.browser_axe import BLOCKING
from tests.support.browser_organisations import (
    Filed,
    HostedOrganisation,
    approve,
    ask_to_reveal,
    find_in_directory,
    handle,
    host_pages_axe,
    pending_reveals,
    queue,
    read_identity,
    read_receipt,
    ready_custodian,
    sign_in,
    track_at,
    visit,
)
from tests.support.browser_staff import close_all, open_page
from tests.support.custodian import CUSTODIAN
from tests.support.organisations import FIRST, add_organisation, working_for
from tests.support.staff import LEGAL, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

PROVINCE, DISTRICT = "ขอนแก่น", "เมืองขอนแก่น"
THA_PHRA = HostedOrganisation(
    slug=FIRST_SLUG,
    name_th="เทศบาลตำบลท่าพระ",
    kind=OrganisationType.SUBDISTRICT_MUNICIPALITY,
    province=PROVINCE,
    district=DISTRICT,
    searched_as="ทต. ท่าพระ",
    id=FIRST,
)
BAN_PET = HostedOrganisation(
    slug="banpet",
    name_th="องค์การบริหารส่วนตำบลบ้านเป็ด",
    kind=OrganisationType.SAO,
    province=PROVINCE,
    district=DISTRICT,
    searched_as="อบต. บ้านเป็ด",
)

COMPLAINT_SUBJECT = "ไฟกิ่งหน้าโรงเรียนบ้านเป็ดดับทั้งซอย"
TIP_SUBJECT = {
    FIRST_SLUG: "ผู้ควบคุมงานเรียกรับเงินก่อนตรวจรับถนนหมู่ 3",
    "banpet": "เจ้าหน้าที่พัสดุแบ่งซื้อแบ่งจ้างวัสดุก่อสร้าง",
}
TIPSTER = {FIRST_SLUG: "นายกล้าหาญ ใจซื่อ", "banpet": "นางสาวสุจริต มั่นคง"}
REPLY = {
    FIRST_SLUG: "นิติกรได้รับเบาะแสแล้ว อยู่ระหว่างตรวจสอบเอกสารการตรวจรับงาน",
    "banpet": "กองช่างรับเรื่องแล้ว จะเปลี่ยนหลอดไฟภายในสัปดาห์นี้",
}
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงก่อนส่งเรื่องให้ ป.ป.ช. พิจารณา"


@dataclass
class Host:
    server: LiveServer
    first: HostedOrganisation
    second: HostedOrganisation

    @property
    def both(self) -> tuple[HostedOrganisation, HostedOrganisation]:
        return self.first, self.second


@pytest.fixture
def host(make_app: Any) -> Iterator[Host]:
    """Two organisations in one district, each with a legal officer named ``legal1`` and a
    custodian named ``custodian`` ready to sign in; CSRF on."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        first = db.session.get(Organisation, FIRST)
        assert first is not None
        first.name_th, first.kind = THA_PHRA.name_th, THA_PHRA.kind
        first.province, first.district = THA_PHRA.province, THA_PHRA.district
        refresh_search_key(first)
        db.session.commit()
    second = replace(
        BAN_PET,
        id=add_organisation(
            app,
            BAN_PET.slug,
            BAN_PET.name_th,
            kind=BAN_PET.kind,
            province=BAN_PET.province,
            district=BAN_PET.district,
        ),
    )
    for organisation in (THA_PHRA, second):
        with working_for(app, organisation.id):
            make_staff(app, LEGAL, Role.LEGAL)
        ready_custodian(app, organisation.id)
    with serve(app) as server:
        yield Host(server, THA_PHRA, second)


# ------------------------------------------------------------ the person (in the thread)


def file_complaint(page: Any, host: Host, organisation: HostedOrganisation) -> Filed:
    with page.expect_navigation():
        page.get_by_role("link", name="ยื่นเรื่องร้องเรียน").click()
    assert page.url == organisation.at(host.server, "/complaints/new"), page.url
    page.fill("#subject", COMPLAINT_SUBJECT)
    page.fill("#details", "ไฟกิ่งสามต้นหน้าโรงเรียนดับมาหนึ่งสัปดาห์ เด็กเดินกลับบ้านตอนค่ำลำบาก")
    page.fill("#reporter_name", "นายชาวบ้าน บ้านเป็ด")
    page.fill("#reporter_phone", "0812345678")
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")
    assert posted.status == 303, page.content()[:3000]
    assert page.url == organisation.at(host.server, "/receipt"), page.url
    return read_receipt(page)


def file_named_tip(page: Any, host: Host, organisation: HostedOrganisation) -> Filed:
    """A tip whose informant gives their name (so a reveal has something to open)."""
    assert page.url.startswith(organisation.at(host.server, "/")), page.url
    with page.expect_navigation():
        page.locator(".channel-tip a.button").click()
    assert page.url == organisation.at(host.server, "/tips/new"), page.url
    page.fill("#subject", TIP_SUBJECT[organisation.slug])
    page.fill("#details", "มีผู้เห็นการส่งเงินสดให้เจ้าหน้าที่ที่หน้าสำนักงาน พร้อมภาพถ่ายใบเสร็จ")
    page.uncheck("#anonymous")
    page.click("#identity-details > summary")
    page.fill("#reporter_name", TIPSTER[organisation.slug])
    posted = submit(page, "form.filing-form button[type=submit]", "/tips/new")
    assert posted.status == 303, page.content()[:3000]
    assert page.url == organisation.at(host.server, "/receipt"), page.url
    return read_receipt(page)


def file_at_both(browser: Any, host: Host) -> dict[str, Any]:
    page = open_page(browser)
    network = NetworkLog().attach(page.context)
    first, second = host.both
    seen: dict[str, Any] = {"listed": {}}
    seen["listed"][second.slug] = find_in_directory(page, host.server, second)
    screenshot(page, "organisations-01-second-front-page")
    with page.expect_navigation():
        page.locator("nav.lang a[hreflang=en]").click()
    seen["in_english"] = (page.url, page.locator("html").get_attribute("lang"))
    page.goto(host.server.at("/lang/th"))
    page.goto(second.at(host.server, "/"))
    complaint = file_complaint(page, host, second)
    seen["listed"][first.slug] = find_in_directory(page, host.server, first)
    first_tip = file_named_tip(page, host, first)
    page.goto(second.at(host.server, "/"))
    second_tip = file_named_tip(page, host, second)
    seen["filed"] = {"complaint": complaint, first.slug: first_tip, second.slug: second_tip}
    seen["left"] = network.leaving(host.server.origin)
    page.context.close()
    return seen


def track_each(browser: Any, host: Host, codes: dict[str, str]) -> dict[str, Any]:
    """Each code at its own organisation; then, while the browser follows that case, the
    other organisation's tracking page; and in a fresh browser, the code at the other."""
    seen: dict[str, Any] = {}
    first, second = host.both
    for here, there in ((first, second), (second, first)):
        page = open_page(browser)
        own = track_at(page, host.server, here, codes[here.slug])
        status = page.locator("#case-status").get_attribute("data-status")
        elsewhere = page.goto(there.at(host.server, "/track"))
        seen[here.slug] = {
            "own": (own.status, status),
            "elsewhere": (elsewhere.status, page.locator("#case-status").count()),
        }
        page.context.close()
        page = open_page(browser)
        other = track_at(page, host.server, here, codes[there.slug])
        seen[here.slug]["other"] = (other.status, page.locator("#case-status").count())
        page.context.close()
    return seen


def read_reply(browser: Any, host: Host, organisation: HostedOrganisation, code: str) -> str:
    page = open_page(browser)
    posted = track_at(page, host.server, organisation, code)
    assert posted.status == 200, page.content()[:2000]
    text = str(page.locator("main").inner_text())
    page.context.close()
    return text


# ------------------------------------------------------------ the staff (in the thread)


def cross_over(page: Any, host: Host, case_path: str) -> dict[str, Any]:
    """Staff of the first organisation type the second's addresses: under their own
    prefix, and under the second's."""
    first, second = host.both
    seen = {
        "own_prefix": visit(page, first.at(host.server, case_path)),
        "other_prefix": visit(page, second.at(host.server, case_path)),
    }
    seen["still_signed_in"] = visit(page, first.at(host.server, "/staff/cases"))
    return seen


# ------------------------------------------------------------------------------- test


def _serious(result: dict[str, Any]) -> list[str]:
    return describe([v for v in result["violations"] if v["impact"] in BLOCKING])


def test_two_organisations_file_track_handle_and_reveal_each_on_their_own(
    chromium: ChromiumThread, host: Host
) -> None:
    run, browser = chromium.run, chromium.browser
    first, second = host.both
    try:
        # Given a host's directory, a person finds each organisation by its short name
        # and files a complaint at the second and a named tip at each
        seen = run(file_at_both, browser, host)
        assert seen["listed"] == {second.slug: [second.name_th], first.slug: [first.name_th]}
        filed = seen["filed"]
        complaint, tips = filed["complaint"], {org.slug: filed[org.slug] for org in host.both}
        assert COMPLAINT_REFERENCE.fullmatch(complaint.reference), complaint
        assert all(TIP_REFERENCE.fullmatch(tip.reference) for tip in tips.values()), tips
        # ...each receipt says to follow the case at its own organisation's address
        base = host.server.app.config["INTAKE_BASE_URL"]
        for organisation, receipt in ((second, complaint), (first, tips[first.slug])):
            assert f"{base}{organisation.prefix}/track" in receipt.follow_at, receipt
        # ...each organisation numbers its own: both tips are their year's first
        assert tips[first.slug].reference == tips[second.slug].reference
        assert seen["left"] == []
        # ...switching language on an organisation's page stays on that page
        assert seen["in_english"] == (second.at(host.server, "/"), "en")

        # Then each code is found at its own organisation and "not found" at the other
        tracked = run(
            track_each,
            browser,
            host,
            {first.slug: tips[first.slug].code, second.slug: complaint.code},
        )
        for organisation in host.both:
            assert tracked[organisation.slug]["own"] == (200, "received"), tracked
            assert tracked[organisation.slug]["other"] == (404, 0), tracked
            # ...and a browser following a case at one is asked for a code at the other
            assert tracked[organisation.slug]["elsewhere"] == (200, 0), tracked

        # When each organisation's legal officer (same user name at both) signs in there
        officers = {org.slug: run(sign_in, browser, host.server, org, LEGAL) for org in host.both}
        # Then each queue holds only that organisation's cases
        queues = {org.slug: run(queue, officers[org.slug], host.server, org) for org in host.both}
        assert queues[first.slug] == [tips[first.slug].reference]
        assert sorted(queues[second.slug]) == sorted(
            [complaint.reference, tips[second.slug].reference]
        )

        # When each handles its case (the first its tip, the second the complaint)
        handled = {
            first.slug: run(
                handle,
                officers[first.slug],
                host.server,
                first,
                tips[first.slug].reference,
                REPLY[first.slug],
            ),
            second.slug: run(
                handle,
                officers[second.slug],
                host.server,
                second,
                complaint.reference,
                REPLY[second.slug],
            ),
        }
        assert all(h["statuses"][0] == "screening" for h in handled.values()), handled
        # Then each person reads the reply at their organisation's tracking page
        first_text = run(read_reply, browser, host, first, tips[first.slug].code)
        second_text = run(read_reply, browser, host, second, complaint.code)
        assert REPLY[first.slug] in first_text and REPLY[second.slug] not in first_text
        assert REPLY[second.slug] in second_text and REPLY[first.slug] not in second_text

        # When each legal officer asks to reveal their own organisation's tipster
        for organisation in host.both:
            landed = run(
                ask_to_reveal,
                officers[organisation.slug],
                host.server,
                organisation,
                tips[organisation.slug].reference,
                REASON,
            )
            assert landed == organisation.at(host.server, "/staff/reveals/mine")
        # Then each custodian, signed in at their own organisation, sees only its request
        custodians = {
            org.slug: run(sign_in, browser, host.server, org, CUSTODIAN) for org in host.both
        }
        pending = {
            org.slug: run(pending_reveals, custodians[org.slug], host.server, org)
            for org in host.both
        }
        for organisation in host.both:
            assert pending[organisation.slug]["references"] == [tips[organisation.slug].reference]
            assert all(
                path.startswith(organisation.prefix + "/staff/reveals/")
                for path in pending[organisation.slug]["decide"]
            ), pending
        # ...and the first's custodian cannot open the second's request at their own address
        second_decide = pending[second.slug]["decide"][0].removeprefix(second.prefix)
        refused = run(visit, custodians[first.slug], first.at(host.server, second_decide))
        assert refused["status"] == 404 and REASON not in refused["text"]

        # When each custodian approves with their passphrase
        for organisation in host.both:
            decide = pending[organisation.slug]["decide"][0]
            approved = run(approve, custodians[organisation.slug], host.server, decide)
            assert approved == 303
        # Then each requester reads their own organisation's tipster, and only that one
        for organisation, other in ((first, second), (second, first)):
            identity = run(read_identity, officers[organisation.slug], host.server, organisation)
            assert TIPSTER[organisation.slug] in identity
            assert TIPSTER[other.slug] not in identity

        # When the first's legal officer types the address of the second's case
        case_path = handled[second.slug]["case_url"].removeprefix(second.at(host.server, ""))
        crossed = run(cross_over, officers[first.slug], host, case_path)
        # Then under their own prefix it does not exist, under the other's they are not
        # signed in, and nothing of the case shows either way
        assert crossed["own_prefix"]["status"] == 404
        assert crossed["other_prefix"]["url"] == second.at(host.server, "/staff/login")
        for visited in ("own_prefix", "other_prefix"):
            text = crossed[visited]["text"]
            assert complaint.reference not in text and COMPLAINT_SUBJECT not in text
        # ...and their own sign-in still holds
        assert tips[first.slug].reference in crossed["still_signed_in"]["text"]

        # And the directory, browsing and found, passes the accessibility check
        host_pages = run(host_pages_axe, browser, host.server, host.second.searched_as)
        for name in ("browse", "found", "unknown"):
            assert _serious(host_pages[name]) == [], (name, _serious(host_pages[name]))
        # ...and an unknown organisation's address answers with the host's page
        assert host_pages["unknown_status"] == 404
        assert host_pages["unknown_home"] == "/" and host_pages["unknown_broken"] == []
    finally:
        run(close_all, browser)
