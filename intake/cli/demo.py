"""`flask --app wsgi intake demo-data`: realistic demo cases, fast, for `make run` and
for benchmarks; and the demo departments and categories `intake init` adds. Refuses
production unless told otherwise, and adds nothing when the database already holds cases
(so `make run` can call it every time).

The only door to the demo package (`intake.demo`): it is imported inside the functions,
so the web application and every other command run without loading it.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import current_app
from flask.cli import with_appcontext

from intake import durable
from intake.extensions import db
from intake.problem_messages import in_english
from intake.problems import Problem
from intake.services import ServiceError
from intake.services.keyring import current_keyring

if TYPE_CHECKING:
    from intake.demo.data import LoadResult

# Development only, like the demo logins: the codes of a few demo cases to try on /track.
DEV_CODES_FILE = "DEVELOPMENT-demo-codes.txt"
CASES_PER_MONTH = 42  # the default: about 500 cases a year, a busy municipality
HOST_SEED = 1  # a demo host's default seed: the same organisations on every run
MESSAGES = {
    Problem.NO_REFERENCE_DATA: "no active departments or categories: run `intake init` first",
    Problem.IDENTITY_UNAVAILABLE: "there is no identity key yet: run `intake init` first",
    Problem.NO_PERIOD: "those fiscal years have not started yet",
}


def _codes_file() -> Path:
    return Path(current_app.instance_path) / DEV_CODES_FILE


def _show_saved_codes(environment: str) -> None:
    path = _codes_file()
    if environment == "development" and path.exists():
        click.echo(path.read_text("utf-8").rstrip())


def add_demo_reference_data() -> None:
    """Part of `intake init`: the demo departments and categories that are missing."""
    from intake.demo.reference_data import add_demo_reference_data

    departments, categories = add_demo_reference_data(db.session)
    click.echo(f"demo data: {departments} departments and {categories} categories added")


def _report(result: LoadResult, environment: str) -> None:
    from intake.demo.rows import SAMPLE_LABELS

    years = sorted({fy for _kind, fy in result.counts})
    click.echo("demo cases added (kind × fiscal year):")
    for kind in sorted({kind for kind, _fy in result.counts}):
        cells = ", ".join(f"FY {fy}: {result.counts[(kind, fy)]}" for fy in years)
        click.echo(f"  {kind.value}: {cells}")
    rate = result.cases / result.seconds if result.seconds else 0.0
    click.echo(
        f"{result.cases} cases, {result.events} timeline events, {result.surveys} survey "
        f"answers in {result.seconds:.1f} s ({rate:,.0f} cases/s)"
    )
    if environment == "production":
        return  # never print a tracking code on a production instance
    samples = [result.samples[label] for label in SAMPLE_LABELS if label in result.samples]
    if not samples:
        return
    lines = ["try these demo tracking codes at /track:"] + [
        f"  {s.label} {s.reference} ({s.status}): {s.code}" for s in samples
    ]
    click.echo("\n".join(lines))
    if environment == "development":
        path = _codes_file()
        durable.replace(path, ("\n".join(lines) + "\n").encode("utf-8"))


@click.command("demo-data")
@click.option(
    "--cases",
    type=click.IntRange(min=1),
    help=f"How many cases; by default about {CASES_PER_MONTH} a month of the period.",
)
@click.option(
    "--fy",
    "fiscal_years",
    type=int,
    multiple=True,
    help="Fiscal year (BE) to fill, repeatable; by default the previous and the current one.",
)
@click.option("--seed", type=int, help="Random seed for the content (printed when not given).")
@click.option("--force", is_flag=True, help="Add demo cases even when cases exist already.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes drawing cases; by default one per CPU (up to 4) for large loads.",
)
@click.option(
    "--allow-production", is_flag=True, help="Load into a production instance (benchmarks)."
)
@click.option(
    "--orgs",
    type=click.IntRange(min=1, max=100_000),
    help="Build a demo host: this many organisations, the cases spread over them.",
)
@with_appcontext
def demo_data_command(
    cases: int | None,
    fiscal_years: tuple[int, ...],
    seed: int | None,
    force: bool,
    workers: int | None,
    allow_production: bool,
    orgs: int | None,
) -> None:
    """Fill the database with realistic demo cases, encrypted like real ones."""
    from intake.demo import data as demo_data

    environment = current_app.config["ENV_NAME"]
    if environment == "production" and not allow_production:
        raise click.ClickException(
            "refusing to add demo cases to a production instance: they would mix with real "
            "cases and appear in the published statistics. Pass --allow-production for a "
            "benchmark database."
        )
    now = datetime.now(UTC)
    current = demo_data.current_fiscal_year(now)
    for fiscal_year in fiscal_years:
        if not 2500 <= fiscal_year <= current:
            raise click.BadParameter(
                f"{fiscal_year} is not a fiscal year between 2500 and {current}",
                param_hint="--fy",
            )
    if orgs is not None:
        years = tuple(fiscal_years) or demo_data.default_fiscal_years(now)
        _build_host(orgs, cases, years, seed, workers, now, environment)
        return
    existing = demo_data.case_count(db.session)
    db.session.rollback()
    if existing and not force:
        click.echo(f"{existing} cases in the database already: no demo cases added (--force adds)")
        _show_saved_codes(environment)
        return
    fiscal_years = fiscal_years or demo_data.default_fiscal_years(now)
    if cases is None:
        cases = demo_data.default_cases(fiscal_years, now, CASES_PER_MONTH)
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if cases >= demo_data.PARALLEL_FROM else 1
    if seed is None:
        seed = secrets.randbelow(2**31)
    click.echo(
        f"adding {cases} demo cases over FY {', '.join(map(str, fiscal_years))} (seed {seed})"
    )
    try:
        with click.progressbar(length=cases, label="demo cases", show_pos=True) as bar:
            result = demo_data.load(
                db.session,
                current_keyring(),
                cases=cases,
                fiscal_years=tuple(fiscal_years),
                seed=seed,
                now=now,
                progress=bar.update,
                workers=workers,
            )
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(MESSAGES.get(error.code) or in_english(error.code)) from error
    _report(result, environment)


def _host_passphrase(environment: str) -> str:
    """The demo custodians' passphrase: outside production the first custodian's
    development passphrase (kept in the instance folder, shown by `make run`); in
    production (a benchmark) a random one that is never shown, so nobody opens a tip."""
    from intake.services import setup

    if environment == "production":
        return setup.development_passphrase()
    instance = Path(current_app.instance_path)
    saved = setup.saved_development_passphrase(instance)
    if saved is None:
        saved = setup.development_passphrase()
        setup.save_development_passphrase(instance, saved)
    return saved


def _bar(label: str, length: int) -> Any:
    return click.progressbar(length=length, label=label, show_pos=True)


def _build_host(
    orgs: int,
    cases: int | None,
    fiscal_years: tuple[int, ...],
    seed: int | None,
    workers: int | None,
    now: datetime,
    environment: str,
) -> None:
    """`demo-data --orgs N`: a demo host; a second run with the same numbers finishes an
    interrupted one and adds nothing to a finished one."""
    from intake.demo.host_load import CASES_PER_ORGANISATION, load_host

    cases = orgs * CASES_PER_ORGANISATION if cases is None else cases
    seed = HOST_SEED if seed is None else seed  # fixed, so a second run continues the first
    workers = workers or min(4, os.cpu_count() or 1)
    click.echo(f"demo host: {orgs} organisations, {cases} cases (seed {seed})")
    try:
        result = load_host(
            db.session,
            organisations=orgs,
            cases=cases,
            fiscal_years=fiscal_years,
            seed=seed,
            now=now,
            passphrase=_host_passphrase(environment),
            workers=workers,
            say=click.echo,
            bar=_bar,
        )
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(MESSAGES.get(error.code) or in_english(error.code)) from error
    slug, biggest = result.biggest
    rate = result.cases / result.seconds_cases if result.seconds_cases else 0.0
    click.echo(
        f"{result.cases} cases for {result.loaded_organisations} organisations in "
        f"{result.seconds_cases:.1f} s ({rate:,.0f} cases/s); "
        f"{result.skipped_organisations} held cases already and were left as they were; "
        f"the biggest share: {slug} ({biggest} cases)"
    )


COMMANDS = (demo_data_command,)
