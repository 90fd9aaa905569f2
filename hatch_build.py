"""Wheel build hook: what the application needs at run time beyond the `intake` package.

- The translation catalogues compiled (.po -> .mo), so an installed Intake speaks English
  without a compile step on the server.
- The configuration module and the WSGI entry point under their top-level names, so
  `gunicorn wsgi:app` and `flask --app wsgi` work the same installed as in the checkout.

An editable install (`make`'s .venv) adds neither: it puts the checkout itself on the path,
whose catalogues `make translations` compiles.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TRANSLATIONS = Path("intake") / "translations"
TOP_LEVEL_MODULES = ("config.py", "wsgi.py")


class IntakeWheel(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        for module in TOP_LEVEL_MODULES:
            build_data["force_include"][str(root / module)] = module
        self._folder = tempfile.TemporaryDirectory(prefix="intake-mo-")
        for source in sorted((root / TRANSLATIONS).glob("*/LC_MESSAGES/*.po")):
            with source.open("rb") as handle:
                catalogue = read_po(handle)
            in_wheel = source.relative_to(root).with_suffix(".mo")
            target = Path(self._folder.name) / in_wheel
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                # A fuzzy entry is a guess: like `pybabel compile`, leave it out.
                write_mo(handle, catalogue, use_fuzzy=False)
            build_data["force_include"][str(target)] = str(in_wheel)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version != "editable":
            self._folder.cleanup()
