"""The host's administration at ``/host/``: organisations, their health, their first
enrolment links. For host administrators only (``services.host_admins``), who hold no
role in any organisation: these pages show counts, never a case; and no organisation's
staff account opens them. Also the host root's ``/staff/login``, which sends staff to
their organisation's own sign-in."""

from __future__ import annotations

from flask import Flask

from intake import addresses
from intake.hostadmin import views
from intake.hostadmin.blueprint import bp
from intake.hostadmin.staff_sign_in import choose_organisation


def init_app(app: Flask) -> None:
    assert views  # noqa: S101 (the routes register on import)
    addresses.HOST_BLUEPRINTS.add(bp.name)
    # On a host of several, staff sign in at their organisation's address: this finds it.
    addresses.HOST_VIEWS["staff.login"] = choose_organisation
    app.register_blueprint(bp)
