"""Audio and video: tags, GPS and device names go; the sound and picture are not touched.

MP3 tags (ID3v1, ID3v2, APE) sit before or after the audio frames, so mutagen removes
them in memory. The MP4 family (MP4, MOV, M4A) keeps metadata in boxes spread through
the container (`udta` with `©xyz` GPS, `meta`/`keys` with make and model, timed metadata
tracks, creation times), so the container is rewritten by ffmpeg with stream copy: the
coded video and audio are copied bit for bit, every metadata box is left behind.
ffmpeg works on files, so it runs in a private temporary folder (in memory where the
system has /dev/shm) that is deleted whatever happens.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess  # nosec B404 - runs ffmpeg with a fixed argument list, no shell
import tempfile
from pathlib import Path

from mutagen import MutagenError
from mutagen.apev2 import delete as delete_ape
from mutagen.id3 import delete as delete_id3
from mutagen.mp3 import MP3

from intake.cleaning import (
    CONTENT,
    DATES,
    DEVICE,
    LOCATION,
    TAGS,
    CleanerUnavailable,
    CleaningFailed,
    Report,
)

MP3_REPORT = Report(True, (TAGS, DATES, DEVICE), (CONTENT,))
ISO_MEDIA_REPORT = Report(True, (LOCATION, DEVICE, DATES, TAGS), (CONTENT,))
FFMPEG_TIMEOUT_SECONDS = 120
_MEMORY_FOLDER = Path("/dev/shm")  # noqa: S108  # nosec B108 - mkdtemp makes a private folder there
# ffmpeg's output format per type: "ipod" keeps the M4A brand, "mov" the QuickTime one.
ISO_MUXERS = {"video/mp4": "mp4", "video/quicktime": "mov", "audio/mp4": "ipod"}


def clean_mp3(data: bytes) -> tuple[bytes, Report]:
    buffer = io.BytesIO(data)
    try:
        delete_id3(buffer)
        delete_ape(buffer)
        cleaned = buffer.getvalue()
        MP3(io.BytesIO(cleaned))  # still a playable MP3: refuse what is not
    except (MutagenError, ValueError, OSError, EOFError) as exc:
        raise CleaningFailed() from exc
    if cleaned.startswith(b"ID3") or cleaned[-128:].startswith(b"TAG"):
        raise CleaningFailed()  # a second tag the tools did not reach
    return cleaned, MP3_REPORT


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def clean_iso_media(data: bytes, mime: str) -> tuple[bytes, Report]:
    """MP4, MOV, M4A. Raises CleanerUnavailable without ffmpeg, CleaningFailed when ffmpeg
    cannot read the file."""
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise CleanerUnavailable()
    muxer = ISO_MUXERS[mime]
    in_memory = _MEMORY_FOLDER if _MEMORY_FOLDER.is_dir() else None
    # mkdtemp makes the folder 0700; the context removes it and its files in a finally.
    with tempfile.TemporaryDirectory(prefix="intake-clean-", dir=in_memory) as folder:
        source = Path(folder) / "source"
        target = Path(folder) / f"clean.{muxer}"
        descriptor = os.open(source, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        command = [
            ffmpeg,
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            # Read only local files and only as the MP4 family: no playlist or URL inside
            # an upload can make ffmpeg fetch anything.
            "-protocol_whitelist",
            "file",
            "-f",
            "mov",
            "-i",
            str(source),
            # Picture and sound only: timed metadata tracks (GPS tracks, Apple "mebx"),
            # subtitles and data streams stay behind.
            "-map",
            "0:v?",
            "-map",
            "0:a?",
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            "-c",
            "copy",
            # No encoder name or version, no creation time.
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            "-f",
            muxer,
            str(target),
        ]
        try:
            subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments, no shell
                command,
                check=True,
                capture_output=True,
                timeout=FFMPEG_TIMEOUT_SECONDS,
                env={"PATH": os.environ.get("PATH", "")},
            )
            cleaned = target.read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise CleaningFailed() from exc
    if not cleaned:
        raise CleaningFailed()
    return cleaned, ISO_MEDIA_REPORT
