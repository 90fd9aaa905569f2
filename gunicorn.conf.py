"""gunicorn settings: the access log carries no client address, referrer or query string.

Serve behind the buffering proxy in deploy/nginx/intake.conf: gunicorn's threads read a
request body themselves, so a client sending one slowly holds a thread while it does;
nginx takes the whole body first and hands it over at once.
"""

import os

bind = "127.0.0.1:8000"
workers = 2
threads = 4
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# %(t)s time, %(m)s method, %(U)s path without query, %(s)s status, %(B)s bytes, %(L)s secs
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
errorlog = "-"
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


def on_starting(server):  # type: ignore[no-untyped-def]
    """Tell the application how many workers serve: per-process rate-limit counting
    (``memory://``) is then refused in production when there are several."""
    os.environ["INTAKE_WORKER_COUNT"] = str(server.cfg.workers)
