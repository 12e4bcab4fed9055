"""Unpack a downloaded .zip of submissions into a folder, safely.

An entry with an absolute path, a ``..`` part (zip-slip), a link, or an unreasonable size is
never written; each one is named in the returned warnings. File times are kept (they order
resubmissions when the LMS gives no attempt number). macOS ``__MACOSX`` clutter is skipped.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
from pathlib import Path, PurePosixPath

from b12course.grading import lms

MAX_ENTRY_BYTES = 200_000_000
MAX_TOTAL_BYTES = 2_000_000_000


def _unsafe(name: str) -> str | None:
    """Why an entry name must not be written, or None."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "a '..' path that points outside the folder (zip-slip)"
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def extract(archive: Path, dest: Path) -> tuple[Path | None, list[str]]:
    """Unpack ``archive`` into ``dest``; (folder to read, or None if unreadable; warnings)."""
    warnings: list[str] = []
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        return None, [f"{archive.name}: not a readable .zip ({type(exc).__name__}); "
                      "download it again"]
    total = 0
    with zf:
        for info in zf.infolist():
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if not parts or parts[0] == "__MACOSX" or info.is_dir():
                continue
            reason = _unsafe(name)
            if reason is None and _is_link(info):
                reason = "a link"
            if reason is None and info.file_size > MAX_ENTRY_BYTES:
                reason = f"larger than {MAX_ENTRY_BYTES // 1_000_000} MB"
            if reason is None and total + info.file_size > MAX_TOTAL_BYTES:
                reason = f"past {MAX_TOTAL_BYTES // 1_000_000_000} GB unpacked in all"
            if reason:
                warnings.append(f"{archive.name}: refused entry '{name}' ({reason}); "
                                "it was not unpacked")
                continue
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                warnings.append(f"{archive.name}: entry '{name}' could not be unpacked "
                                f"({type(exc).__name__})")
                target.unlink(missing_ok=True)
                continue
            total += info.file_size
            stamp = time.mktime(info.date_time + (0, 0, -1))
            os.utime(target, (stamp, stamp))
    return _top(dest), warnings


def _top(folder: Path) -> Path:
    """The zip's single top folder if it has one and nothing else, else the folder itself."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and lms.parse(entries[0].name) is None:
        return entries[0]
    return folder
