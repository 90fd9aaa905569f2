"""The public front page and filing forms as first shown (nothing typed, no error) kept
in each worker.

Building the forms and rendering their fields is most of the cost of showing them, and
every visitor who opens one gets the same page but for one thing: their form token. So
the page is rendered once, with a mark where the token goes, and each visitor's token is
put in on the way out. What the page is made from is in the key: the organisation's
settings and the categories offered (both read on every request anyway), the language,
the host name and the address, so a change in any of them shows at once, in every
worker. A posted form is built, checked and shown with its errors as always.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Hashable, Sequence

from flask import Response, current_app, g, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy import inspect

from intake.cache import TimedCache
from intake.i18n import current_language
from intake.models import Category, Organisation

# The same for the worker's life, never a token anyone was given: where the token goes.
_TOKEN_MARK = f"kepttoken{secrets.token_hex(12)}"
# Pages are keyed by what they show, so they never go stale: the time only makes room.
KEEP_SECONDS = 600.0
# About 20 kB each: both forms in both languages for the busiest organisations.
MAX_PAGES = 64


def _cache() -> TimedCache:
    return current_app.extensions.setdefault("intake_kept_pages", TimedCache(max_entries=MAX_PAGES))


@functools.cache
def _setting_names() -> tuple[str, ...]:
    return tuple(inspect(Organisation).columns.keys())


def _settings_of(organisation: Organisation) -> str:
    return repr(tuple(getattr(organisation, key) for key in _setting_names()))


def _offered(categories: Sequence[Category]) -> tuple[Hashable, ...]:
    return tuple((c.id, c.name_th, c.name_en, c.position, c.department_id) for c in categories)


def _field_name() -> str:
    return str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def _with_mark(render: Callable[[], str]) -> str:
    """The page rendered with the mark where this visitor's token would be."""
    field_name = _field_name()
    token = getattr(g, field_name)
    setattr(g, field_name, _TOKEN_MARK)
    try:
        return render()
    finally:
        setattr(g, field_name, token)


def kept_page(
    name: str,
    organisation: Organisation,
    render: Callable[[], str],
    categories: Sequence[Category] = (),
) -> Response:
    """The page ``render`` makes, from this worker's copy when it has one; ``categories``:
    those the page offers, when it offers some."""
    token = generate_csrf()  # this visitor's, as the form would render it (and in g)
    key = (
        name,
        current_language(),
        request.host,
        request.script_root,
        request.path,
        _settings_of(organisation),
        _offered(categories),
    )
    page = _cache().get(key, KEEP_SECONDS, lambda: _with_mark(render))
    return Response(page.replace(_TOKEN_MARK, token), mimetype="text/html")
