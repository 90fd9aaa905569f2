"""`flask --app wsgi intake ...` commands: stats."""

from __future__ import annotations

from intake.cli import intake_cli  # noqa: F401
