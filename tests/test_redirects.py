"""Redirects built from request data lead only to paths on this site.

A browser follows a Location header after dropping tabs and newlines, trimming spaces and
control characters and reading backslashes as slashes; the checks below read every answer
both as urllib does and as a browser would.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from intake.redirects import safe_next

SITE = "https://intake.example/"
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))

# Pieces attackers combine: schemes, slashes of every kind, encodings, control characters.
PIECES = [
    "/", "//", "\\", "/\\", "\\/", "\t", "\n", "\r", "\r\n", " ", "\x00", "\x0b", "\x1f",
    "\x7f", "\u00a0", "\u200b", "\u2028", "\u3000", "%09", "%0a", "%0d", "%0D%0A", "%2f",
    "%2F", "%5c", "%5C", "%252F", "%25%32%66", "%00", "%20", "http:", "https:", "HTTPS:",
    "javascript:", "data:", "//evil.example", "evil.example", "@", "?", "#", ".", "..",
    ":", "track", "ทดสอบ", "%E0%B8%97",
]  # fmt: skip
hostile_targets = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
)


def as_browser_reads(location: str) -> str:
    """The URL a browser parses: tabs and newlines removed, ends trimmed, \\ as /.
    (For http and https it then takes any run of two or more slashes as a host.)"""
    value = _TAB_OR_NEWLINE.sub("", location).strip(_C0_OR_SPACE)
    return value.replace("\\", "/")


def assert_stays_on_site(location: str) -> None:
    for reading in (location, as_browser_reads(location)):
        parts = urlsplit(reading)
        assert not parts.scheme and not parts.netloc, reading
        assert not reading.startswith("//"), reading
        assert urlsplit(urljoin(SITE, reading)).netloc == "intake.example", reading


@pytest.mark.parametrize(
    "target",
    ["/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/%0d%0a/evil.example"],
)
def test_the_reported_payload_and_its_newline_variants_lead_home(
    client: FlaskClient, target: str
) -> None:
    # Given the language switch with a tab or newline hidden between two slashes
    path = "/lang/en?next=" + target if "%" in target else "/lang/en"
    query = None if "%" in target else {"next": target}
    # When it is followed
    response = client.get(path, query_string=query)
    # Then it answers a redirect home, never another host and never a server error
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_same_site_path_with_its_query_is_kept() -> None:
    assert safe_next("/track") == "/track"
    assert safe_next("/stats?fy=2569&kind=tip") == "/stats?fy=2569&kind=tip"
    assert safe_next(None) == "/"
    assert safe_next("") == "/"


@given(target=hostile_targets)
@example(target="/%09/evil.example")
@example(target="/\\/evil.example")
@example(target="/%5C%5Cevil.example")
@example(target="\x00//evil.example")
def test_safe_next_never_gives_a_scheme_or_a_host(target: str) -> None:
    assert_stays_on_site(safe_next(target))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=hostile_targets)
@example(target="/%09/evil.example")
@example(target="/\t/evil.example")
@example(target="/\r\n/evil.example")
@example(target="/\t//evil.example")
def test_the_language_switch_never_leads_off_site_nor_fails(
    client: FlaskClient, target: str
) -> None:
    # When any value is given as `next`
    response = client.get("/lang/th", query_string={"next": target})
    # Then the answer is a redirect that a browser follows to this site only
    assert response.status_code == 303
    assert_stays_on_site(response.headers["Location"])
