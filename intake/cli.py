"""`flask --app wsgi intake ...` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from intake import crypto
from intake.extensions import db
from intake.keystore import set_keyring
from intake.services import setup

intake_cli = AppGroup("intake", help="Intake administration commands.")


@intake_cli.command("init")
@click.option("--no-demo", is_flag=True, help="Do not add the demo departments and categories.")
def init_command(no_demo: bool) -> None:
    """Create keys and the database, and add the starting settings. Safe to run again."""
    keys_dir = Path(current_app.config["INTAKE_KEYS_PATH"])
    created = bool(crypto.missing_key_files(keys_dir))
    set_keyring(current_app, crypto.ensure_keyring(keys_dir))
    click.echo(f"keys: {'created' if created else 'present'} in {keys_dir}")
    upgrade()
    click.echo("database: at the latest revision")
    added = setup.ensure_organisation(db.session)
    click.echo(f"organisation settings: {'created' if added else 'present'}")
    if not no_demo:
        departments, categories = setup.add_demo_reference_data(db.session)
        click.echo(f"demo data: {departments} departments and {categories} categories added")


def init_app(app: Flask) -> None:
    app.cli.add_command(intake_cli)
