"""Behind a reverse proxy: the client's address is the one our own proxies saw.

Rate limits key on the client's address (hashed, see privacy.client_key). Behind nginx
the connecting address is nginx's, the same for every visitor, so the address has to come
from ``X-Forwarded-For`` -- but only the entries that the ``INTAKE_TRUSTED_PROXIES``
proxies in front of us added: anything before them is whatever the client claimed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# A base URL on one of these serves nobody but this machine: a production instance left at
# the default refuses every visitor's Host.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def init_app(app: Flask) -> None:
    trusted = int(app.config["INTAKE_TRUSTED_PROXIES"])
    if trusted:
        # Only the last `trusted` entries of X-Forwarded-For and -Proto are believed.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=trusted
        )
    if app.config["ENV_NAME"] == "production":
        _warn_about_doubtful_settings(app)


def _warn_about_doubtful_settings(app: Flask) -> None:
    if not app.config["INTAKE_TRUSTED_PROXIES_SET"]:
        app.logger.warning(
            "INTAKE_TRUSTED_PROXIES is not set, so no proxy is trusted: behind nginx every "
            "visitor then shares one rate-limit bucket. Set it to the number of proxies in "
            "front of the application (1 for the shipped nginx), or 0 when there is none."
        )
    if urlsplit(str(app.config["INTAKE_BASE_URL"])).hostname in LOOPBACK_NAMES:
        app.logger.warning(
            "INTAKE_BASE_URL is %s: links in mails and PDFs point at this machine, and "
            "requests for any other host name are refused with 400. Set it to the public "
            "https:// address.",
            app.config["INTAKE_BASE_URL"],
        )
    storage = str(app.config.get("RATELIMIT_STORAGE_URI", ""))
    if app.config.get("RATELIMIT_ENABLED") and storage.startswith("memory://"):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory://: rate limits are counted in this process "
            "only. If another server or worker also serves, point it at Redis."
        )
