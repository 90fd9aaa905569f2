"""What several command modules share: the clock, custodians' accounts, printing an
enrolment link, turning a refused service call into a command-line error, choosing the
organisation a command acts on (``--org``) or running one for each organisation, and
writing an archive file whole or not at all."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from intake import durable
from intake.extensions import db
from intake.models import Organisation, Role, User
from intake.organisation_scope import APP_DEFAULT, work_for_by_default
from intake.problem_messages import in_english
from intake.problems import Problem
from intake.services import ServiceError, enrolment, host_health, organisations, setup
from intake.services.audit import ACTOR_SYSTEM
from intake.services.keyring import current_keyring
from intake.services.organisations import current_base_url

T = TypeVar("T")

PASSPHRASE_ENV = "INTAKE_CUSTODIAN_PASSPHRASE"  # noqa: S105 (a variable name)

CUSTODIAN_MESSAGES = {
    Problem.WRONG_PASSPHRASE: "that passphrase does not open the custodian's key",
    Problem.PASSPHRASE_LOCKED: "too many wrong passphrases for this custodian: try again later "
    "(the other custodians and the auditors have been told)",
    Problem.NOT_CUSTODIAN: "that user is not a custodian of the identity key",
    Problem.WEAK_PASSPHRASE: "passphrases must be at least 12 characters",
    Problem.LAST_CUSTODIAN: "refusing to remove the last custodian: identities would be lost",
    Problem.ALREADY_CUSTODIAN: "that user is already a custodian",
    Problem.SAME_PERSON: "a custodian cannot grant to themselves",
    Problem.IDENTITY_UNAVAILABLE: "there is no identity key yet: run `intake init`",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def refused(error: ServiceError, messages: Mapping[Problem, str]) -> click.ClickException:
    """Nothing of the refused call is kept; the operator reads why (or its code)."""
    db.session.rollback()
    return click.ClickException(messages.get(error.code) or in_english(error.code))


def custodian_account(username: str, display_name: str | None) -> tuple[User, bool]:
    """The custodian's account, and whether it was made just now (with no password: its
    person enrols through a link)."""
    user, created = setup.custodian_account(db.session, username, display_name)
    if user.role is not Role.CUSTODIAN:
        raise click.ClickException(f"{username} has the role {user.role.value}, not custodian")
    return user, created


def echo_link(issued: enrolment.IssuedLink) -> None:
    """Print a link once; it is not written anywhere else."""
    until = issued.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    click.echo(f"enrolment link for {issued.user.username} (one use, until {until}):")
    click.echo(issued.url(current_base_url(db.session, current_app.config["INTAKE_BASE_URL"])))


def print_enrolment_link(user: User) -> None:
    """Issue a link for a new account and print it, once, to stdout."""
    issued = enrolment.issue_link(
        db.session, current_keyring(), user, actor=ACTOR_SYSTEM, now=utc_now()
    )
    echo_link(issued)


ORG_HELP = "The organisation (its slug) to act on; needed on a host of several."


def one_organisation(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command that acts on one organisation the ``--org SLUG`` option. On a host
    of several organisations, a command given none stops (exit status 2) rather than
    pick one; on a one-organisation installation it acts on that one, as before."""

    @functools.wraps(command)
    def run_for_organisation(*args: Any, org_slug: str | None, **kwargs: Any) -> Any:
        with working_by_default(chosen_organisation_id(org_slug)):
            return command(*args, **kwargs)

    return click.option("--org", "org_slug", metavar="SLUG", help=ORG_HELP)(run_for_organisation)


@contextmanager
def working_by_default(organisation_id: int | None) -> Iterator[None]:
    """Every session the command opens meanwhile works for this organisation (unless it
    chose another); the earlier default comes back afterwards."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    before = app.extensions.get(APP_DEFAULT)
    work_for_by_default(app, organisation_id if organisation_id is not None else before)
    try:
        yield
    finally:
        work_for_by_default(app, before)


def chosen_organisation_id(org_slug: str | None) -> int | None:
    """The id ``--org`` names; None on a one-organisation installation given none, or
    when the caller already chose one for the whole application."""
    if org_slug is None:
        if current_app.extensions.get(APP_DEFAULT) is not None:
            return None
        try:
            several = organisations.serves_several(db.session)
        except SQLAlchemyError:
            # No database yet (or none reachable): the command itself says so.
            db.session.rollback()
            return None
        if several:
            raise click.UsageError(
                "this installation serves several organisations: say which with --org SLUG "
                "(`intake org list` lists them)"
            )
        return None
    found = organisations.by_slug(db.session, org_slug)
    if found is None:
        raise click.UsageError(f"no organisation {org_slug!r} (`intake org list` lists them)")
    return found.id


def each_organisation(org_slug: str | None) -> list[Organisation]:
    """What a daily command (remind, purge) runs for: the one ``--org`` names, or every
    active organisation."""
    if org_slug is not None:
        found = organisations.by_slug(db.session, org_slug)
        if found is None:
            raise click.UsageError(f"no organisation {org_slug!r} (`intake org list` lists them)")
        return [found]
    return host_health.active_organisations(db.session)


def run_for_each(org_slug: str | None, task: Callable[[Organisation], None], label: str) -> None:
    """Run ``task`` for each organisation in turn, each in its own session and working
    for that organisation alone; one that fails is reported and the others still run
    (exit status 1 at the end)."""
    chosen = each_organisation(org_slug)
    several = len(chosen) > 1 or organisations.serves_several(db.session)
    db.session.remove()
    failed: list[str] = []
    for organisation in chosen:
        if several:
            click.echo(f"[{organisation.slug}]")
        try:
            with working_by_default(organisation.id):
                task(organisation)
        except Exception as error:  # noqa: BLE001 (one organisation must not stop the rest)
            db.session.rollback()
            failed.append(organisation.slug)
            click.echo(f"{label} FAILED for {organisation.slug}: {type(error).__name__}", err=True)
        finally:
            db.session.remove()
    if failed:
        click.echo(f"{label} failed for: {', '.join(failed)}", err=True)
        raise SystemExit(1)
def write_whole(target: Path, produce: Callable[[BinaryIO], T]) -> T:
    """Write ``target`` owner-only through ``produce(file)``, whole or not at all: only a
    finished file ever carries the final name."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by an interrupted run
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            result = produce(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        durable.sync_folder(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result
