"""The host's own pages, on an installation that serves several organisations: the
directory people find their organisation in, the host's statistics (every organisation
side by side) and, in time, its administration. They read only what the host publishes
about each organisation: never a case."""

from __future__ import annotations

from flask import Flask

from intake import addresses
from intake.host import stats
from intake.host.directory import directory
from intake.host.page_cache import kept


def init_app(app: Flask) -> None:
    addresses.HOST_VIEWS["public.landing"] = kept(directory)
    addresses.HOST_VIEWS["public.stats"] = kept(stats.stats_page)
    addresses.HOST_VIEWS["public.stats_json"] = kept(stats.stats_json)
    addresses.HOST_VIEWS["public.stats_csv"] = kept(stats.stats_csv)
    app.jinja_env.globals["organisation_home"] = addresses.organisation_home
