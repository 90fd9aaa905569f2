"""`intake org ...`: the organisations a host serves. ``create``, ``list``, ``suspend``
and ``resume`` are here; other modules add their subcommands to ``org_group``."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from intake import thaidate
from intake.cli.common import PASSPHRASE_ENV, echo_link, refused, utc_now
from intake.extensions import db
from intake.models import Organisation, OrganisationType
from intake.models.organisation import OrganisationStatus
from intake.problem_messages import in_english
from intake.services import ServiceError, host_health, host_organisations, organisations
from intake.services.audit import ACTOR_SYSTEM

org_group = click.Group("org", help="The organisations this installation serves.")


@org_group.command("create")
@click.option("--slug", required=True, help="Its web name: /o/<slug>/ (a-z, 0-9, -).")
@click.option("--name-th", required=True, help="Its Thai name.")
@click.option("--name-en", default="", help="Its English name.")
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrganisationType]))
@click.option("--province", required=True, help="Its province (Thai or English name).")
@click.option("--district", required=True, help="Its district (อำเภอ) in that province.")
@click.option("--hostname", default="", help="Its own host name, if it has one.")
@click.option("--no-demo", is_flag=True, help="Do not add the starting departments and categories.")
@with_appcontext
def create_command(
    slug: str,
    name_th: str,
    name_en: str,
    kind: str,
    province: str,
    district: str,
    hostname: str,
    no_demo: bool,
) -> None:
    """Open an organisation: its first administrator and custodian get enrolment links,
    and its identity key is made under the custodian's passphrase (INTAKE_CUSTODIAN_
    PASSPHRASE, or asked for), as `intake init` does for the first organisation."""
    spec = host_organisations.NewOrganisation(
        slug=slug.strip().lower(),
        name_th=name_th.strip(),
        name_en=name_en.strip(),
        kind=OrganisationType(kind),
        province=province.strip(),
        district=district.strip(),
        hostname=hostname.strip().lower(),
    )
    wrong = host_organisations.problems(db.session, spec)
    if wrong:
        for field, problem in wrong.items():
            click.echo(f"--{field.replace('_', '-')}: {in_english(problem)}", err=True)
        raise SystemExit(2)
    passphrase = os.environ.get(PASSPHRASE_ENV) or click.prompt(
        "Passphrase for the organisation's first identity custodian",
        hide_input=True,
        confirmation_prompt=True,
    )
    try:
        opened = host_organisations.open_organisation(
            db.session, spec, passphrase, actor=ACTOR_SYSTEM, now=utc_now()
        )
    except ServiceError as error:
        raise refused(error, {}) from error
    click.echo(f"organisation {slug} created ({opened.organisation.name_th})")
    if not no_demo:
        # As `intake init`: the starting departments and categories, so it can take cases.
        from intake.cli.demo import add_demo_reference_data

        add_demo_reference_data()
    for issued in opened.links:
        echo_link(issued)


def _cell(value: object) -> str:
    return str(value).replace("\t", " ")


@org_group.command("list")
@with_appcontext
def list_command() -> None:
    """One line per organisation: slug, kind, province, district, status, cases, open,
    overdue, and when `remind` last ran for it."""
    click.echo("slug\tkind\tprovince\tdistrict\tstatus\tcases\topen\toverdue\tlast remind")
    for org in host_health.health(db.session, utc_now()):
        last = thaidate.local_date(org.last_remind).isoformat() if org.last_remind else "never"
        cells = (
            org.slug,
            org.kind.value,
            org.province,
            org.district,
            org.status.value,
            org.cases,
            org.open_cases,
            org.overdue,
            last,
        )
        click.echo("\t".join(_cell(cell) for cell in cells))
    db.session.rollback()


def _organisation(slug: str) -> Organisation:
    found = organisations.by_slug(db.session, slug)
    if found is None:
        raise click.UsageError(f"no organisation {slug!r} (`intake org list` lists them)")
    return found


def _set_status(slug: str, status: OrganisationStatus) -> None:
    changed = host_organisations.set_status(
        db.session,
        _organisation(slug),
        status,
        actor=ACTOR_SYSTEM,
        now=utc_now(),
    )
    click.echo(f"{slug}: {status.value}" + ("" if changed else " already"))


@org_group.command("suspend")
@click.argument("slug")
@with_appcontext
def suspend_command(slug: str) -> None:
    """Suspend an organisation: its pages answer 503 and take nothing in; its data stays."""
    _set_status(slug, OrganisationStatus.SUSPENDED)


@org_group.command("resume")
@click.argument("slug")
@with_appcontext
def resume_command(slug: str) -> None:
    """Open a suspended organisation's pages again."""
    _set_status(slug, OrganisationStatus.ACTIVE)


COMMANDS = (org_group,)
