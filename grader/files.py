"""The learner's files: written whole or not at all, and backed up under one naming rule.

A backup sits beside its file as `NAME.bak-YYYYmmdd-HHMMSS.EXT` (then `-2`, `-3`, ... rather than
overwrite one); every part of the course that looks for notebooks skips backups by that rule.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

_BACKUP = ".bak-"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def free_name(path: Path, tag: str) -> Path:
    """`NAME.TAG.EXT` beside `path`, numbered when taken: never a file that already exists."""
    candidate = path.with_name(f"{path.stem}.{tag}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.{tag}-{number}{path.suffix}")
        number += 1
    return candidate


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """Where a backup of `path` taken now goes: `NAME.bak-YYYYmmdd-HHMMSS.EXT`."""
    return free_name(path, f"{_BACKUP[1:]}{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}")


def is_backup(path: Path) -> bool:
    return _BACKUP in path.name
