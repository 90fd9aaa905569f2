"""The host's own pages, on an installation that serves several organisations: the
directory people find their organisation in (and, in time, the host's statistics and its
administration). They read only what the host publishes about each organisation: never
a case."""

from __future__ import annotations

from flask import Flask

from intake import addresses
from intake.host.directory import directory


def init_app(app: Flask) -> None:
    addresses.HOST_VIEWS["public.landing"] = directory
    app.jinja_env.globals["organisation_home"] = addresses.organisation_home
