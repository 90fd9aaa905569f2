"""The `intake` console command: `intake init` is `flask --app wsgi intake init`, run from
any folder, with the installed package alone."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import FlaskGroup

from config import ConfigError
from intake.cli import intake_cli


def _create_app() -> Flask:
    # As wsgi.py: production unless the environment says otherwise.
    os.environ.setdefault("INTAKE_ENV", "production")
    from intake import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


class _IntakeCommands(FlaskGroup):
    """The `intake` command group, at the top level. Listing and help read the group
    itself, so `intake --help` works before the environment is set; a command loads the
    application (and reports a configuration error) only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return intake_cli.list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return intake_cli.get_command(ctx, name)


def main() -> None:
    _IntakeCommands(
        name="intake",
        help="Intake administration commands (the same as `flask --app wsgi intake …`).",
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
    ).main(prog_name="intake")
