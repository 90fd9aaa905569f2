"""The host's public pages (the directory, the statistics and their open data) kept,
as answered, for INTAKE_STATS_CACHE_SECONDS in each worker; and the host-wide reads they
are made from (``intake.cache.remembered``), so a page not asked before is quick too.

A national host is asked the same few things over and over (a province's organisations,
this year's figures) by people who are not signed in, and every answer is the same for
everyone: these pages read no session, set no cookie and carry no form token. What makes
two answers differ is in the key: the language, the host name and prefix the links are
made from, and the path with its query. With the setting 0 (tests, development) nothing
is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

from intake.cache import TimedCache
from intake.i18n import current_language

# A page of the host statistics is ~70 kB, the whole table as CSV or JSON up to a few MB
# at 8,000 organisations: a few dozen answers per worker, the busiest ones.
MAX_PAGES = 48
# Headers that belong to the answer itself; the rest (security headers, the session)
# are added to every response on its way out, cached or not.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _cache() -> TimedCache:
    return current_app.extensions.setdefault(
        "intake_host_page_cache", TimedCache(max_entries=MAX_PAGES)
    )


def _answer(view: Callable[[], ResponseReturnValue]) -> tuple[bytes, int, dict[str, str]]:
    response = make_response(view())
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    return response.get_data(), response.status_code, headers


def kept(view: Callable[[], ResponseReturnValue]) -> Callable[[], ResponseReturnValue]:
    @wraps(view)
    def answer() -> ResponseReturnValue:
        key = (
            view.__qualname__,
            current_language(),
            request.host,
            request.script_root,
            request.full_path,
        )
        seconds = current_app.config["INTAKE_STATS_CACHE_SECONDS"]
        body, status, headers = _cache().get(key, seconds, lambda: _answer(view))
        return Response(body, status=status, headers=headers)

    return answer
