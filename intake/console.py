"""The `intake` console command: `intake init` is `flask --app wsgi intake init`, run from
any folder, with the installed package alone."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo

from config import ConfigError


def _create_app() -> Flask:
    # As wsgi.py: production unless the environment says otherwise.
    os.environ.setdefault("INTAKE_ENV", "production")
    from intake import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


class _IntakeCommands(FlaskGroup):
    """The application's `intake` command group, at the top level."""

    def _group(self, ctx: click.Context) -> click.Group:
        app = ctx.ensure_object(ScriptInfo).load_app()
        group = app.cli.get_command(ctx, "intake")
        assert isinstance(group, click.Group)  # noqa: S101 - registered by create_app
        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group(ctx).get_command(ctx, name)


def main() -> None:
    _IntakeCommands(
        name="intake",
        help="Intake administration commands (the same as `flask --app wsgi intake …`).",
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
    ).main(prog_name="intake")
