"""Entry point for gunicorn (`gunicorn wsgi:app`) and the `flask --app wsgi` commands."""

import os

from intake import create_app

# Production unless said otherwise: the safe default for anything that imports this file.
os.environ.setdefault("INTAKE_ENV", "production")

app = create_app()
