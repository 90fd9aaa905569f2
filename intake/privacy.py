"""Keeping client addresses out of memory keys and out of every log line."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from flask import current_app, request

_ADDRESS_PREFIX = re.compile(r"^\S+ - - ")
_QUERY_STRING = re.compile(r"\?[^\s\"\x1b]*")
# Paths that carry a secret of their own: an Open311 request id (the specification puts it
# in the path). The access logs keep the path up to it.
_SECRET_IN_PATH = re.compile(r"(/open311/v2/requests/)[^/\s\"?]+")


def path_for_logs(path: str) -> str:
    """A request path as an access log may keep it: without a secret that travels in it."""
    return _SECRET_IN_PATH.sub(r"\1-", path)


def client_key() -> str:
    """A per-client rate-limit key that is not the address itself.

    The limiter needs to tell clients apart for a minute or an hour; it never needs the
    address. Keyed with SECRET_KEY so the key cannot be reversed by hashing all IPv4s.
    """
    address = (request.remote_addr or "unknown").encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


class DropClientAddress(logging.Filter):
    """Removes the client address that the development server puts first on each line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _ADDRESS_PREFIX.sub("- - - ", record.msg)
        return True


class DropQueryString(logging.Filter):
    """Removes the query string from the development server's request lines, as the
    production access log format does: a one-time enrolment token travels there. A secret
    that travels in the path goes too (``path_for_logs``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            line = path_for_logs(_QUERY_STRING.sub("", record.args[0]))
            record.args = (line, *record.args[1:])
        return True


def configure_logging() -> None:
    """Install the filters once per process; later calls are harmless."""
    werkzeug_log = logging.getLogger("werkzeug")
    for kind in (DropClientAddress, DropQueryString):
        if not any(isinstance(f, kind) for f in werkzeug_log.filters):
            werkzeug_log.addFilter(kind())
    # Flask-Limiter logs the client key of every breach; the breach itself is enough.
    logging.getLogger("flask-limiter").setLevel(logging.ERROR)
