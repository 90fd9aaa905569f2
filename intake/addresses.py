"""Which organisation a request is for, decided once, from its address.

- ``/o/<slug>/…``: that organisation. The prefix moves from the path into the script name
  (as a mount point would), so every route is written once and every ``url_for`` inside
  the organisation's pages carries the prefix by itself.
- A host name an organisation has as its own: that organisation, at the root.
- Otherwise, on an installation with one organisation: that one, at the root (the public
  contract's paths keep working). With several, the root is the host's: its directory,
  its statistics and its few shared paths (``HOST_VIEWS``, ``SHARED_ENDPOINTS``); any
  other path is an organisation's and goes to the directory.
- The host's own blueprints (``HOST_BLUEPRINTS``: its administration) answer at the root
  only, for no organisation, on any installation; under ``/o/<slug>/`` they do not exist.

The choice is handed to the database session (``organisation_scope.work_for``), which
keeps every query to that organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue

from intake.cache import remembered
from intake.extensions import db
from intake.models import Organisation
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import work_for
from intake.services import organisations

PREFIX = re.compile(r"^/o/([a-z0-9][a-z0-9-]{1,62})(/.*)?$")
SLUG_KEY = "intake.organisation_slug"
# Paths that mean the same on every organisation's pages and the host's.
SHARED_ENDPOINTS = frozenset({"static", "public.healthz", "public.set_language"})
# On a host of several organisations, these root paths show the host's own page instead.
HOST_VIEWS: dict[str, Callable[[], ResponseReturnValue]] = {}
# Blueprints of the host itself: served at the root for no organisation, never under one.
HOST_BLUEPRINTS: set[str] = set()


class OrganisationPrefix:
    """WSGI middleware: ``/o/<slug>/rest`` is served as ``/rest`` under the script name
    ``/o/<slug>``."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        match = PREFIX.match(environ.get("PATH_INFO", ""))
        if match:
            slug, rest = match.group(1), match.group(2) or "/"
            environ[SLUG_KEY] = slug
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + f"/o/{slug}"
            environ["PATH_INFO"] = rest
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = OrganisationPrefix(app.wsgi_app)  # type: ignore[method-assign]
    # First of the request hooks: everything after it reads one organisation's rows.
    app.before_request_funcs.setdefault(None, []).insert(0, _choose_organisation)


def request_organisation() -> Organisation | None:
    """The organisation this request is for; None on the host's own pages."""
    return g.get("organisation")


def _choose_organisation() -> ResponseReturnValue | None:
    if request.endpoint in SHARED_ENDPOINTS:
        return None  # the same for everyone: no organisation to look up
    g.organisation = None  # an unknown address's error page is the host's
    host_blueprint = request.blueprint in HOST_BLUEPRINTS
    if host_blueprint and SLUG_KEY not in request.environ and _own_hostname() is None:
        return None
    organisation = _addressed_organisation()
    g.organisation = organisation
    if organisation is not None:
        work_for(db.session, organisation.id)
        if host_blueprint:
            abort(404)  # the host's pages are not an organisation's
        if organisation.status is OrganisationStatus.SUSPENDED:
            abort(503)
        return None
    host_view = HOST_VIEWS.get(request.endpoint or "")
    if host_view is not None:
        return host_view()
    return redirect(url_for("public.landing"))


def _addressed_organisation() -> Organisation | None:
    slug = request.environ.get(SLUG_KEY)
    if slug is not None:
        found = organisations.by_slug(db.session, slug)
        if found is None:
            _answer_from_the_host_root()
            abort(404)
        return found
    if _known_host_root():
        return None
    only = organisations.only_one(db.session)
    return only if only is not None else _own_hostname()


def _known_host_root() -> bool:
    """Whether this host name's root was the host's (several organisations, none of them
    with this name as its own) when last looked up in this worker, within
    INTAKE_STATS_CACHE_SECONDS: the host's pages, kept as answered, are then served
    without a read. An organisation given this name as its own is found at it within
    that time."""
    if current_app.config["INTAKE_STATS_CACHE_SECONDS"] <= 0:
        return False  # nothing is kept: the lookup below answers every request
    return remembered(
        ("host root", _request_host_name()),
        lambda: organisations.serves_several(db.session) and _own_hostname() is None,
    )


def _request_host_name() -> str:
    return request.host.split(":")[0]


def _own_hostname() -> Organisation | None:
    """The organisation whose own host name the request came to, if any."""
    return organisations.by_hostname(db.session, _request_host_name())


def organisation_tracking_page(organisation: Organisation) -> str:
    """The link to an organisation's tracking page, from another organisation's pages."""
    if organisation.hostname:
        return f"https://{organisation.hostname}/track"
    here = request_organisation()
    root = request.script_root
    if here is not None and root.endswith(f"/o/{here.slug}"):
        root = root.removesuffix(f"/o/{here.slug}")
    return f"{root}/o/{organisation.slug}/track"


def _answer_from_the_host_root() -> None:
    """An address no organisation has is answered by the host: the links of its "not
    found" page (home, stylesheet, language) must lead to the host's root, not deeper
    into the address that does not exist."""
    environ = request.environ
    environ["SCRIPT_NAME"] = environ["SCRIPT_NAME"].removesuffix(f"/o/{environ[SLUG_KEY]}")
    request.root_path = environ["SCRIPT_NAME"]
    request_ctx.url_adapter = current_app.create_url_adapter(request)


def published_base_url() -> str:
    """INTAKE_BASE_URL as the request's organisation publishes it, for links that leave
    the browser (receipts, slips, PDFs, enrolment links): its own host name, or the
    host's address under /o/<slug> on a host of several."""
    host_base = str(current_app.config["INTAKE_BASE_URL"])
    if request_organisation() is None:
        return host_base
    return organisations.current_base_url(db.session, host_base)


def organisation_home(organisation: Organisation) -> str:
    """The link to an organisation's front page, from the host's pages."""
    if organisation.hostname:
        return f"https://{organisation.hostname}/"
    return f"{request.script_root}/o/{organisation.slug}/"
