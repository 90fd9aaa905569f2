"""`flask --app wsgi intake ...` run through Flask's CLI runner, as an operator types it."""

from __future__ import annotations

from flask import Flask


def run_intake(app: Flask, *args: str, ok: bool = True) -> str:
    """The command's output; asserts that it succeeded (or, with ``ok=False``, failed)."""
    result = app.test_cli_runner().invoke(args=["intake", *args])
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    else:
        assert result.exit_code != 0, result.output
    return result.output
