"""Intake: complaint and corruption-tip intake for Thai local government.

The layers import downwards only:

- ``public/`` and ``staff/``: the two blueprints (forms, pages; each ``blueprint.py`` holds
  its blueprint). Views parse input, call one service, render; they never touch ``crypto``.
- ``cli/``: the ``intake`` commands, one module per subject, gathered by ``cli/__init__``.
- ``services/``: the use cases. Each takes the session, enforces the rules, owns its
  transaction and raises ``ServiceError(Problem.X)`` when a rule says no. Only services
  hold keys.
- The domain rules, each in one place: ``workflow`` (statuses and actions), ``deadlines``
  (the 15-day rule, time as a parameter), ``permissions`` (the role table, deny by default),
  ``problems`` and ``problem_messages`` (every refusal and its words), ``crypto/`` (the
  only package that imports ``cryptography``), ``models/`` (the tables, by area).
- ``demo/``: the demo generator, loaded only by the ``demo-data`` command.

Where each rule lives is listed in the README ("Where the code is").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import ConfigError, load_config
from intake.requests import IntakeRequest


class IntakeFlask(Flask):
    request_class = IntakeRequest

    def log_exception(self, exc_info: Any) -> None:
        """Log an unhandled error by type and place only: its message may carry content."""
        from intake.errors import describe_exception

        self.logger.error("unhandled error: %s", describe_exception(exc_info[0], exc_info[2]))


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Wire configuration, extensions, blueprints, error handlers and commands."""
    from intake import errors, i18n, reveal_sweep, security, tallies  # noqa: F401  (tallies: flush hooks)
    from intake.addresses import init_app as init_addresses
    from intake.cli import init_app as init_cli
    from intake.database import configure_engine
    from intake.extensions import babel, csrf, db, limiter
    from intake.filemodes import loose_storage, make_private_folder
    from intake.host import init_app as init_host
    from intake.hostadmin import init_app as init_hostadmin
    from intake.line import init_app as init_line
    from intake.open311 import init_app as init_open311
    from intake.privacy import configure_logging
    from intake.proxy import init_app as init_proxy
    from intake.public.blueprint import bp as public_bp
    from intake.services.keyring import init_keys
    from intake.staff.blueprint import init_app as init_staff

    settings = load_config(os.environ, overrides)
    app = IntakeFlask(
        __name__,
        instance_path=settings["INTAKE_INSTANCE_PATH"],
        # Both beside the code: in the checkout intake/templates links to templates/, and
        # the wheel carries the folder itself.
        template_folder="templates",
        static_folder="static",
    )
    app.config.update(settings)
    make_private_folder(Path(app.instance_path))
    if app.config["ENV_NAME"] == "production" and (problem := loose_storage(app.config)):
        raise ConfigError(problem)

    configure_logging()
    init_proxy(app)
    init_addresses(app)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    if os.environ.get("INTAKE_WEB_WORKER") != "1":
        _init_migrations(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    init_keys(app)

    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    reveal_sweep.init_app(app)
    app.register_blueprint(public_bp)
    init_open311(app)
    init_line(app)
    init_host(app)
    init_hostadmin(app)
    init_staff(app)
    init_cli(app)
    return app


def _init_migrations(app: Flask) -> None:
    """`flask db ...` and `intake init` migrate the database; web workers never do.
    gunicorn.conf.py sets INTAKE_WEB_WORKER=1, so a worker leaves Flask-Migrate and
    Alembic (about 11 MB each) unloaded."""
    from flask_migrate import Migrate

    from intake.extensions import db

    Migrate(app, db, directory=str(Path(__file__).resolve().parent / "migrations"))
