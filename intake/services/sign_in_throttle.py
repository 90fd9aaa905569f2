"""Sign-in throttling that an attacker cannot turn against the account's owner.

Failures are counted per (account, client): five wrong tries from one client lock that
client out of that account for a while, and nobody else. Across all clients an account
gets a small number of failures per minute; above it, sign-in for that account waits
until the minute is over, without locking anything, except from a client the person
has fully signed in from before (their own office or phone), which goes on as usual.
The client is ``privacy.client_key()``: a keyed digest, never the address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite

from intake.models import SignInFailures, User
from intake.services import DbSession

PAIR_MAX_FAILURES = 5
PAIR_LOCKOUT = timedelta(minutes=15)
# Failures of one pair further apart than this start counting again.
PAIR_WINDOW = timedelta(minutes=15)
ACCOUNT_WINDOW = timedelta(minutes=1)
ACCOUNT_MAX_FAILURES = 10
# A client that completed a sign-in (password and code) is known for this long.
TRUSTED_FOR = timedelta(days=30)

ACCOUNT_WIDE = SignInFailures.ACCOUNT_WIDE


def _row(session: DbSession, user: User, client: str, now: datetime) -> SignInFailures:
    """The counter row, created if missing and locked: two failures arriving together
    (the very thing counted) must neither both insert it nor both read the same count."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(SignInFailures)
        .values(
            organisation_id=user.organisation_id,
            user_id=user.id,
            client=client,
            failures=0,
            window_started_at=now,
        )
        .on_conflict_do_nothing()
    )
    row = session.get(
        SignInFailures, (user.id, client), with_for_update=True, populate_existing=True
    )
    if row is None:  # not reachable: inserted just above in this transaction
        raise RuntimeError("sign-in failure row missing")
    return row


def _trusted(row: SignInFailures | None, now: datetime) -> bool:
    return row is not None and row.trusted_until is not None and row.trusted_until > now


def refused(session: DbSession, user: User, client: str, now: datetime) -> bool:
    """Whether this client may not try this account now (locked pair, or slowed down)."""
    pair = session.get(SignInFailures, (user.id, client))
    if pair is not None and pair.locked_until is not None and pair.locked_until > now:
        return True
    wide = session.get(SignInFailures, (user.id, ACCOUNT_WIDE))
    busy = (
        wide is not None
        and now - wide.window_started_at < ACCOUNT_WINDOW
        and wide.failures >= ACCOUNT_MAX_FAILURES
    )
    return busy and not _trusted(pair, now)


def _count(row: SignInFailures, window: timedelta, now: datetime) -> None:
    if now - row.window_started_at >= window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1


def record_failure(session: DbSession, user: User, client: str, now: datetime) -> None:
    """Count one failure for the pair and the account; not committed."""
    _forget_stale(session, user, now)
    pair = _row(session, user, client, now)
    _count(pair, PAIR_WINDOW, now)
    if pair.failures >= PAIR_MAX_FAILURES:
        pair.locked_until = now + PAIR_LOCKOUT
        pair.failures, pair.window_started_at = 0, now
    _count(_row(session, user, ACCOUNT_WIDE, now), ACCOUNT_WINDOW, now)


def record_success(session: DbSession, user: User, client: str, now: datetime) -> None:
    """A completed sign-in: the pair starts afresh and the client is known; not committed."""
    _forget_stale(session, user, now)
    pair = _row(session, user, client, now)
    pair.failures, pair.window_started_at, pair.locked_until = 0, now, None
    pair.trusted_until = now + TRUSTED_FOR


def lift(session: DbSession, user: User) -> None:
    """An administrator re-enables an account: every lock on it goes; not committed."""
    session.execute(delete(SignInFailures).where(SignInFailures.user_id == user.id))


def _forget_stale(session: DbSession, user: User, now: datetime) -> None:
    """Rows that no longer lock, count or trust anything are deleted, so the table stays
    as small as the number of clients that failed lately."""
    session.execute(
        delete(SignInFailures).where(
            SignInFailures.user_id == user.id,
            or_(SignInFailures.locked_until.is_(None), SignInFailures.locked_until <= now),
            or_(SignInFailures.trusted_until.is_(None), SignInFailures.trusted_until <= now),
            SignInFailures.window_started_at < now - PAIR_WINDOW,
        )
    )
