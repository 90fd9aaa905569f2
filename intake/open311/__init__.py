"""Open311 GeoReport v2 for general complaints (DESIGN.md "Channels"), under
``/open311/v2/`` of each organisation. ``views`` answers the protocol, ``formats`` writes
its JSON and XML; what may be filed and read is ``intake.services.open311``."""

from flask import Flask

from intake.extensions import csrf
from intake.open311.views import bp


def init_app(app: Flask) -> None:
    # Client applications authenticate with their API key, not a browser session: there
    # is no cookie for a forged request to ride on.
    csrf.exempt(bp)
    app.register_blueprint(bp)
