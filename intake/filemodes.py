"""Owner-only storage: the instance folder, keys, database and files are nobody else's.

Everything the application creates under the instance folder is created owner-only
(folders 0700, files 0600), in every mode. Production also checks what it finds at start:
a folder or file that the group or others may open is refused, with the path and the
command that fixes it, since a copy of the database or the keys is all a local user
would need.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

# Permission bits for the group and others: any of them set is too open.
OTHERS_BITS = 0o077
OUTBOX_FOLDER = "outbox"
# SQLite keeps pages of the database in these beside the main file.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def make_private_folder(path: Path) -> None:
    """Create ``path`` and any missing parents owner-only; existing folders stay as they are."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it meanwhile
        folder.chmod(0o700)  # the umask only narrows a mode; this makes it exact


def create_private_file(path: Path) -> None:
    """Create an empty ``path`` owner-only, unless it exists; SQLite gives its -wal and -shm
    files the mode of the database file, so creating that one first covers all three."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # never opened for writing: it may be read-only on purpose
    os.close(fd)


def sqlite_file(database_uri: str) -> Path | None:
    """The database file of a SQLite URL, or None (another engine, or in memory)."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if str(url.database).startswith("file:"):
        return None  # a URI filename: SQLite resolves it itself
    return Path(str(url.database))


def storage_paths(config: Mapping[str, Any]) -> list[Path]:
    """Every folder and file that holds keys, cases or files, as far as they exist."""
    instance = Path(config["INTAKE_INSTANCE_PATH"])
    keys = Path(config["INTAKE_KEYS_PATH"])
    folders = [instance, keys, Path(config["INTAKE_UPLOADS_PATH"]), instance / OUTBOX_FOLDER]
    paths = [*folders, *_files_in(instance), *_files_in(keys)]
    # Each organisation's own keyring, in a folder of its own under the keys folder.
    organisation_keys = keys / "organisations"
    if organisation_keys.is_dir():
        for folder in [organisation_keys, *sorted(organisation_keys.iterdir())]:
            paths += [folder, *_files_in(folder)]
    database = sqlite_file(str(config["SQLALCHEMY_DATABASE_URI"]))
    if database is not None:
        paths += [database.with_name(database.name + suffix) for suffix in SQLITE_COMPANIONS]
    unique = dict.fromkeys(path for path in paths if path.exists())
    return list(unique)


def _files_in(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return [path for path in folder.iterdir() if path.is_file()]


def loose_paths(paths: Iterable[Path]) -> list[str]:
    """A line per path that the group or others may open, with the command that fixes it."""
    problems = []
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & OTHERS_BITS:
            fix = "700" if path.is_dir() else "600"
            problems.append(f"{path} is open to others (mode {mode:o}): chmod {fix} '{path}'")
    return problems


def loose_storage(config: Mapping[str, Any]) -> str | None:
    """What is wrong when anyone but the owner may open the storage (production refuses
    to start with it), or None."""
    problems = loose_paths(storage_paths(config))
    if not problems:
        return None
    return "the instance folder, keys and database must be owner-only; " + "; ".join(problems)
