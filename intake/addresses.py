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

from flask import Flask, abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

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
        if organisation.status is OrganisationStatus.SUSPENDED and (
            request.endpoint not in SHARED_ENDPOINTS
        ):
            abort(503)
        return None
    if request.endpoint in SHARED_ENDPOINTS:
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
            abort(404)
        return found
    first_two = organisations.first_two(db.session)
    if len(first_two) == 1:
        return first_two[0]
    return _own_hostname()


def _own_hostname() -> Organisation | None:
    """The organisation whose own host name the request came to, if any."""
    return organisations.by_hostname(db.session, request.host.split(":")[0])


def organisation_home(organisation: Organisation) -> str:
    """The link to an organisation's front page, from the host's pages."""
    if organisation.hostname:
        return f"https://{organisation.hostname}/"
    return f"{request.script_root}/o/{organisation.slug}/"
