"""Files that must outlive a crash: written whole and on disk before anything points at
them (a committed row, a key file swapped in)."""

from __future__ import annotations

import os
from pathlib import Path


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (owner-only; it must not exist yet), write, and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace(path: Path, data: bytes, suffix: str = ".tmp") -> None:
    """Write beside, flush to disk, then swap in: a reader sees the old file or the new."""
    tmp = path.with_name(path.name + suffix)
    tmp.unlink(missing_ok=True)  # left over from an interrupted run; it would lend its mode
    write_new(tmp, data)
    os.replace(tmp, path)


def sync_folder(folder: Path) -> None:
    """New and renamed names in ``folder`` are durable too (POSIX keeps them there)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
