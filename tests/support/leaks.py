"""Searching rows and files for text that must not be stored in the clear."""

from __future__ import annotations

from pathlib import Path


def leak_hits(blob: bytes, needles: list[str]) -> list[str]:
    return [n for n in needles if n.encode("utf-8") in blob]


def scan_tree(root: Path, needles: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if path.is_file():
            hits = leak_hits(path.read_bytes(), needles)
            if hits:
                found[str(path)] = hits
    return found
