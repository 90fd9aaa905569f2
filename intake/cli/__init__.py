"""`flask --app wsgi intake ...`: the command group. Each module beside this one holds
its commands in a ``COMMANDS`` tuple and imports nothing from here; this file only
gathers them into the group and attaches it to the application."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

from intake.cli import (
    accounts,
    audit,
    backup,
    check,
    demo,
    host_admins,
    keys,
    organisation_archive,
    organisations,
    reminders,
    reports,
    retention,
    setup,
    stats,
)

intake_cli = AppGroup("intake", help="Intake administration commands.")
for module in (
    setup,
    organisations,
    host_admins,
    accounts,
    keys,
    audit,
    backup,
    reports,
    reminders,
    retention,
    stats,
    check,
    demo,
):
    for command in module.COMMANDS:
        intake_cli.add_command(command)
for command in organisation_archive.ORG_COMMANDS:
    organisations.org_group.add_command(command)


def init_app(app: Flask) -> None:
    app.cli.add_command(intake_cli)
