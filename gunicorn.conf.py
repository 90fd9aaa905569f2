"""gunicorn settings: the access log carries no client address, referrer or query string.

Serve behind the buffering proxy in deploy/nginx/intake.conf: gunicorn's threads read a
request body themselves, so a client sending one slowly holds a thread while it does;
nginx takes the whole body first and hands it over at once.
"""

import os
import time

from gunicorn.glogging import Logger
from werkzeug.exceptions import RequestTimeout

from intake.privacy import path_for_logs

bind = "127.0.0.1:8000"
workers = 2
threads = 4
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# %(t)s time, %(m)s method, %(U)s path without query, %(s)s status, %(B)s bytes, %(L)s secs
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
errorlog = "-"


class AccessLogWithoutSecrets(Logger):
    """The path as logged loses a secret that travels in it (an Open311 request id)."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201 (gunicorn's)
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = path_for_logs(atoms["U"])
        return atoms


logger_class = AccessLogWithoutSecrets
# Workers serve requests only: the app then leaves the migration tools unloaded.
raw_env = ["INTAKE_WEB_WORKER=1"]

# A worker that stops answering its master for this long is killed and replaced.
timeout = 30
# On restart, requests in progress get this long to finish.
graceful_timeout = 30
# An idle kept-alive connection is closed after this many seconds (nginx reuses its own).
keepalive = 5
# Request line and headers: what Intake's own pages and forms need, and no more.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# The most time a request body may take to arrive, in all. A gthread worker's thread
# reads the body itself, and gunicorn's `timeout` does not reach it (the worker's main
# loop keeps beating), so a client dripping a byte a second would hold a thread as long
# as it liked. Behind the shipped nginx a body arrives whole at loopback speed and this
# never matters; without it, this is the bound (a very slow large upload is cut off too).
REQUEST_BODY_SECONDS = float(os.environ.get("INTAKE_REQUEST_BODY_SECONDS", "120"))


def on_starting(server):  # type: ignore[no-untyped-def]
    """Tell the application how many workers serve: per-process rate-limit counting
    (``memory://``) is then refused in production when there are several."""
    os.environ["INTAKE_WORKER_COUNT"] = str(server.cfg.workers)


class _BodyDeadline:
    """The connection's socket while one request is served: every read of the body waits
    at most until the request's deadline, then answers 408 (the connection is not reused)."""

    def __init__(self, sock, deadline):  # type: ignore[no-untyped-def]
        self.sock = sock
        self.deadline = deadline

    def recv(self, size):  # type: ignore[no-untyped-def]
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout()
        self.sock.settimeout(remaining)
        try:
            return self.sock.recv(size)
        except TimeoutError:
            raise RequestTimeout() from None
        finally:
            self.sock.settimeout(None)  # blocking again, as gunicorn left it

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.sock, name)


def pre_request(worker, req):  # type: ignore[no-untyped-def]
    unreader = getattr(req, "unreader", None)
    sock = getattr(unreader, "sock", None)
    if sock is not None and not isinstance(sock, _BodyDeadline):
        unreader.sock = _BodyDeadline(sock, time.monotonic() + REQUEST_BODY_SECONDS)


def post_request(worker, req, environ, resp):  # type: ignore[no-untyped-def]
    unreader = getattr(req, "unreader", None)
    sock = getattr(unreader, "sock", None)
    if isinstance(sock, _BodyDeadline):
        unreader.sock = sock.sock  # the next request on the connection gets its own
