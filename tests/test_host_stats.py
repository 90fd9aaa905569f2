"""The host's statistics: every organisation's year side by side, a province roll-up, and
the same as CSV and JSON, from the definitions each organisation's own /stats uses.

Three organisations with known cases, filed through the real service at chosen instants
(tests.support.stats), closed as a staff action leaves them, rated through the survey
service; the tallies follow in the same flush. Two organisations share Khon Kaen, so
its roll-up shows that rates come from sums and that a hidden tip figure stays hidden.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from intake import suppression
from intake.extensions import db
from intake.models import Case, CaseKind, CaseTally, Organisation, OrganisationType
from intake.organisation_scope import host_wide
from intake.row_security import open_every_organisation
from intake.services import host_stats, satisfaction
from intake.services.figures import Satisfaction
from intake.services.keyring import current_keyring
from intake.workflow import Status
from tests.support.organisations import FIRST, add_organisation, working_for
from tests.support.stats import FY, NOW, OCTOBER, Filing, file_cases

KHON_KAEN = "ขอนแก่น"
FIGURE_KEYS = ("received", "completed", "in_progress", "on_time", "on_time_rate")
RESOLVED = Status.RESOLVED


def _complaints(count: int, **fields: Any) -> list[Filing]:
    return [Filing(CaseKind.COMPLAINT, OCTOBER, **fields)] * count


def _rate(app: Flask, organisation_id: int, kind: CaseKind, overall: list[int]) -> None:
    """The closed cases of ``kind``, oldest first, answer the survey with ``overall``."""
    with working_for(app, organisation_id), app.app_context():
        keyring = current_keyring()
        closed = db.session.scalars(
            select(Case.id)
            .where(Case.kind == kind, Case.status == RESOLVED)
            .order_by(Case.received_at, Case.id)
        ).all()
        for case_id, score in zip(closed, overall, strict=False):
            answers = satisfaction.SurveyAnswers(3, 3, 3, score)
            satisfaction.record_answers(db.session, keyring, case_id, answers, NOW)


@pytest.fixture
def host(app: Flask) -> dict[str, int]:
    """main (Chiang Mai, SAO), second (Khon Kaen city, Mueang) and third (Khon Kaen SAO,
    Ban Phai), with their year of FY 2569."""
    with app.app_context():
        first = db.session.get(Organisation, FIRST)
        assert first is not None
        first.province, first.district = "เชียงใหม่", "เมืองเชียงใหม่"
        db.session.commit()
    second = add_organisation(
        app,
        "second",
        "เทศบาลนครที่สอง",
        province=KHON_KAEN,
        district="เมืองขอนแก่น",
        kind=OrganisationType.CITY,
    )
    third = add_organisation(
        app,
        "third",
        "องค์การบริหารส่วนตำบลที่สาม",
        province=KHON_KAEN,
        district="บ้านไผ่",
        kind=OrganisationType.SAO,
    )
    with working_for(app, FIRST):
        file_cases(app, *_complaints(2, status=RESOLVED))
    with working_for(app, second):
        file_cases(
            app,
            *_complaints(1, status=RESOLVED),
            *_complaints(1, status=RESOLVED, answered_in_days=40),
            *_complaints(2),
            Filing(CaseKind.TIP, OCTOBER, status=RESOLVED),
        )
    with working_for(app, third):
        file_cases(
            app,
            *_complaints(1, status=RESOLVED),
            *[Filing(CaseKind.TIP, OCTOBER, status=RESOLVED)] * 6,
        )
    _rate(app, second, CaseKind.COMPLAINT, [5, 2])
    _rate(app, third, CaseKind.COMPLAINT, [4])
    _rate(app, second, CaseKind.TIP, [5])  # one tip answer: "< 3" wherever it is published
    _rate(app, third, CaseKind.TIP, [5, 5, 5, 1, 1, 1])
    return {"main": FIRST, "second": second, "third": third}


def _json(client: FlaskClient, **query: Any) -> dict[str, Any]:
    response = client.get("/stats.json", query_string={"fy": FY, **query})
    assert response.status_code == 200, response.get_data(as_text=True)
    found: dict[str, Any] = response.get_json()
    return found


def _rows(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in found["organisations"]}


def test_each_row_is_what_the_organisation_publishes_itself(
    host: dict[str, int], client: FlaskClient
) -> None:
    for kind in CaseKind:
        rows = _rows(_json(client, cases=kind.value))
        assert set(rows) == set(host)
        for slug in host:
            own = client.get(f"/o/{slug}/stats.json", query_string={"fy": FY, "kind": kind.value})
            published = own.get_json()["kinds"][kind.value]
            row = rows[slug]
            assert {key: row[key] for key in FIGURE_KEYS[:4]} == published["totals"]
            assert row["on_time_rate"] == published["on_time_rate"]
            assert row["satisfaction"] == published["satisfaction"]


def test_figures_of_three_organisations_and_their_province(
    host: dict[str, int], client: FlaskClient
) -> None:
    found = _json(client)
    rows = _rows(found)
    assert found["case_kind"] == "complaint" and found["fiscal_year"] == FY
    assert {key: rows["second"][key] for key in FIGURE_KEYS} == {
        "received": 4,
        "completed": 2,
        "in_progress": 2,
        "on_time": 1,
        "on_time_rate": 0.25,
    }
    assert rows["second"]["satisfaction"]["share"] == 0.5
    assert rows["third"]["on_time_rate"] == 1.0
    assert rows["second"]["kind"] == "city" and rows["third"]["district"] == "บ้านไผ่"
    khon_kaen = {roll_up["province"]: roll_up for roll_up in found["provinces"]}[KHON_KAEN]
    # rates from the sums (2 of 5 on time, 2 of 3 satisfied), not the mean of the rates
    assert khon_kaen["organisations"] == 2
    assert (khon_kaen["received"], khon_kaen["on_time"]) == (5, 2)
    assert khon_kaen["on_time_rate"] == 0.4
    assert khon_kaen["satisfaction"]["share"] == round(2 / 3, 4)
    assert khon_kaen["satisfaction"]["target_met"] is False
    assert found["total"]["received"] == 7 and found["total"]["organisations"] == 3


def test_filters_and_sort(host: dict[str, int], client: FlaskClient) -> None:
    in_khon_kaen = _json(client, province="Khon Kaen")  # the English name finds it too
    assert [row["code"] for row in in_khon_kaen["organisations"]] == ["second", "third"]
    assert in_khon_kaen["filters"]["province"] == KHON_KAEN
    by_district = _json(client, province=KHON_KAEN, district="อำเภอบ้านไผ่")
    assert [row["code"] for row in by_district["organisations"]] == ["third"]
    cities = _json(client, kind="city")
    assert [row["code"] for row in cities["organisations"]] == ["second"]
    most = _json(client, sort="received", order="desc")
    assert [row["code"] for row in most["organisations"]] == ["second", "main", "third"]
    least_on_time = _json(client, sort="on_time_rate", order="asc")
    assert [row["code"] for row in least_on_time["organisations"]][0] == "second"
    # an organisation without answers has no share: it comes last in either direction
    for order in ("asc", "desc"):
        shares = _json(client, sort="satisfaction", order=order)["organisations"]
        assert shares[-1]["code"] == "main"


def test_tip_satisfaction_is_hidden_in_the_row_and_in_every_roll_up_holding_it(
    host: dict[str, int], client: FlaskClient
) -> None:
    found = _json(client, cases="tip")
    rows = _rows(found)
    # the totals stay exact, as each organisation publishes them
    assert (rows["second"]["received"], rows["third"]["received"]) == (1, 6)
    assert rows["second"]["satisfaction"]["responses"] == suppression.SMALL
    assert rows["second"]["satisfaction"]["share"] is None
    assert rows["third"]["satisfaction"]["responses"] == 6
    khon_kaen = {r["province"]: r for r in found["provinces"]}[KHON_KAEN]
    # 7 would give the hidden answer away (7 − 6); the roll-up hides what a row hides
    for level in (khon_kaen, found["total"]):
        answers = level["satisfaction"]
        assert answers["responses"] == suppression.HIDDEN
        assert answers["satisfied"] == suppression.HIDDEN
        assert answers["share"] is None and answers["target_met"] is None
    # a roll-up of the one organisation alone says no more than its row
    alone = _json(client, cases="tip", province=KHON_KAEN, district="เมืองขอนแก่น")
    assert alone["total"]["satisfaction"]["responses"] == suppression.SMALL
    # and one of shown rows only is summed
    shown = _json(client, cases="tip", province=KHON_KAEN, district="บ้านไผ่")
    assert shown["total"]["satisfaction"]["responses"] == 6


def test_a_roll_up_is_made_from_published_marks_only() -> None:
    def row(responses: Any, satisfied: Any) -> host_stats.Figures:
        return host_stats.Figures(satisfaction=Satisfaction(responses, satisfied))

    small, hidden = suppression.SMALL, suppression.HIDDEN
    cases = [
        ([(small, hidden), (0, 0), (0, 0)], (small, hidden)),
        ([(small, hidden), (small, hidden)], (hidden, hidden)),
        ([(small, hidden), (5, 4)], (hidden, hidden)),
        ([(6, hidden), (5, 4)], (11, hidden)),
        ([(6, 3), (5, 4)], (11, 7)),
    ]
    for rows, expected in cases:
        answers = host_stats.rolled_up(row(*pair) for pair in rows).satisfaction
        assert (answers.responses, answers.satisfied) == expected


def test_csv_has_a_row_per_organisation_province_and_total(
    host: dict[str, int], app: Flask, client: FlaskClient
) -> None:
    with working_for(app, host["third"]), app.app_context():
        third = db.session.get(Organisation, host["third"])
        assert third is not None
        third.name_en = "=HYPERLINK(1)"  # a name a spreadsheet would run
        db.session.commit()
    response = client.get("/stats.csv", query_string={"fy": FY, "cases": "tip"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f"intake-host-stats-{FY}-tip.csv" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(body[1:])))
    by_code = {row["code"]: row for row in table if row["level"] == "organisation"}
    assert set(by_code) == {"main", "second", "third"}
    assert by_code["third"]["name_en"] == "'=HYPERLINK(1)"
    assert by_code["second"]["satisfaction_responses"] == suppression.SMALL
    assert by_code["second"]["received"] == "1"
    levels = [row["level"] for row in table]
    assert levels.count("province") == 2 and levels[-1] == "total"
    province = next(r for r in table if r["level"] == "province" and r["province"] == KHON_KAEN)
    assert province["satisfaction_responses"] == suppression.HIDDEN
    assert province["organisations"] == "2"


def test_the_page_lists_sorts_and_links_each_organisation(
    host: dict[str, int], client: FlaskClient
) -> None:
    response = client.get("/stats", query_string={"fy": FY, "sort": "received", "order": "desc"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="host-organisations"' in html and 'id="host-provinces"' in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert 'data-column="received" aria-sort="descending"' in html
    assert "เรียงตามรับเรื่อง จากมากไปน้อย" in html
    assert f'href="/o/second/stats?fy={FY}&amp;kind=complaint"' in html
    # a sort link keeps the filters and turns the order round
    assert "sort=received&amp;order=asc" in html
    assert html.index('data-key="second"') < html.index('data-key="main"')
    assert 'class="table-wrap" tabindex="0" role="region"' in html
    english = client.get("/lang/en", query_string={"next": "/stats"})
    assert english.status_code == 303
    page = client.get("/stats", query_string={"fy": FY}).get_data(as_text=True)
    assert "Received" in page and "Province" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"fy": "abc"}, "fy", "ปีงบประมาณต้องเป็นตัวเลข"),
        ({"fy": "9999"}, "fy", "ปีงบประมาณต้องเป็นตัวเลข"),
        ({"province": "ไม่มีจังหวัดนี้จริง"}, "province", "ไม่พบจังหวัดนี้"),
        ({"province": KHON_KAEN, "district": "ไม่มีอำเภอนี้"}, "district", "ไม่พบอำเภอนี้"),
        ({"district": "บ้านไผ่"}, "district", "โปรดเลือกจังหวัดก่อน"),
        ({"sort": "password"}, "sort", "เรียงตามคอลัมน์นี้ไม่ได้"),
        ({"order": "sideways"}, "sort", "เรียงตามคอลัมน์นี้ไม่ได้"),
        ({"kind": "kingdom"}, "kind", "ไม่รู้จักประเภทหน่วยงาน"),
        ({"cases": "rumour"}, "cases", "ไม่รู้จักประเภทเรื่อง"),
        ({"page": "0"}, "page", "ไม่มีหน้านี้"),
        ({"page": "99"}, "page", "ไม่มีหน้านี้"),
    ],
)
def test_a_query_that_cannot_be_used_is_said_beside_its_field(
    host: dict[str, int], client: FlaskClient, query: dict[str, str], field: str, message: str
) -> None:
    page = client.get("/stats", query_string=query)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    if field in ("sort", "page"):  # not a field of the form: said above it
        assert f"<li>{message}" in html
    else:
        assert f'id="{field}-error">{message}' in html
    for typed in query.values():
        if field not in ("sort", "page", "cases", "kind"):
            assert f'value="{typed}"' in html  # what the person typed is kept
    if query == {"page": "99"}:
        return  # the open data has no pages
    for data in ("/stats.json", "/stats.csv"):
        refused = client.get(data, query_string=query)
        assert refused.status_code == 400
        assert field in refused.get_json()["errors"]


def test_thai_digits_in_the_year_are_read(host: dict[str, int], client: FlaskClient) -> None:
    found = client.get("/stats.json", query_string={"fy": "๒๕๖๙"}).get_json()
    assert found["fiscal_year"] == FY and found["total"]["received"] == 7


def test_one_organisation_keeps_its_own_statistics_at_the_root(client: FlaskClient) -> None:
    file_cases(client.application, *_complaints(2, status=RESOLVED))
    html = client.get("/stats", query_string={"fy": FY}).get_data(as_text=True)
    assert 'id="monthly-complaint"' in html and "host-organisations" not in html
    found = client.get("/stats.json", query_string={"fy": FY}).get_json()
    assert found["kinds"]["complaint"]["totals"]["received"] == 2


def test_each_organisation_s_cached_statistics_are_its_own(make_app: Any) -> None:
    # Given a worker that keeps figures for a minute, and two organisations
    app = make_app(INTAKE_STATS_CACHE_SECONDS=60)
    second = add_organisation(app, "second", "เทศบาลนครที่สอง")
    with working_for(app, second):
        file_cases(app, *_complaints(3))
    client = app.test_client()
    query = {"fy": FY, "kind": "complaint"}

    def received(slug: str) -> int:
        found = client.get(f"/o/{slug}/stats.json", query_string=query).get_json()
        return int(found["kinds"]["complaint"]["totals"]["received"])

    # When the first is asked, then the second, within the minute
    # Then each gets its own figures, not the other's from the cache
    assert (received("main"), received("second")) == (0, 3)


MANY = 600  # organisations, each with two years of tallies: enough for a planner to choose


def _many_organisations_with_tallies(app: Flask) -> None:
    """Organisation rows and tally rows written straight in (no cases): what the host's
    query reads, at a size where reading the whole table would cost."""
    organisations = sa.inspect(Organisation).local_table
    tallies_table = sa.inspect(CaseTally).local_table
    with app.app_context():
        db.session.execute(
            sa.insert(organisations),
            [{"slug": f"bulk-{n}", "name_th": f"อบต.{n}"} for n in range(MANY)],
        )
        ids = db.session.scalars(
            host_wide(select(Organisation.id).where(Organisation.slug.like("bulk-%")))
        ).all()
        months = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
        dimensions = [("total", ""), *(("category", str(n)) for n in range(6))]
        rows = [
            {
                "organisation_id": organisation_id,
                "kind": "complaint",
                "month": month,
                "dimension": dimension,
                "value": value,
                "closed": True,
                "on_time": True,
                "cases": 2,
                "responses": 1,
                "satisfied": 1,
            }
            for organisation_id in ids
            for month in months
            for dimension, value in dimensions
        ]
        open_every_organisation(db.session.connection())  # rows of many organisations
        db.session.execute(sa.insert(tallies_table), rows)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE case_tallies"))
        else:
            db.session.execute(text("ANALYZE"))
        db.session.commit()


def test_the_year_s_totals_are_read_off_their_index(app: Flask) -> None:
    # Given a host of hundreds of organisations with two years of tallies each
    _many_organisations_with_tallies(app)
    with app.app_context():
        # When the host's query for one year is planned
        statement = host_stats.year_totals_query(FY, CaseKind.COMPLAINT)
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "postgresql":
            plan = db.session.execute(text(f"EXPLAIN {sql}")).scalars().all()
        else:
            plan = [row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
        # Then it reads the year's total rows off their own index
        assert any("ix_case_tallies_year_totals" in line for line in plan), plan
        # and every organisation's year is there
        counted = host_stats.counted_by_organisation(db.session, FY, CaseKind.COMPLAINT)
        assert len(counted) == MANY
        assert {c.received for c in counted.values()} == {24}
