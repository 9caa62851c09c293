"""Zip files the site offers for download: one exercise folder, or the installable course."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

# Byte-identical zips for identical folders: a rebuild does not change the site needlessly.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_SKIP_SUFFIXES = (".pyc", ".pyo")


def _wanted(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if any(p in _SKIP_DIRS or p.startswith(".") for p in parts):
        return False
    return path.is_file() and not path.name.endswith(_SKIP_SUFFIXES) and ".bak-" not in path.name


def folder_files(folder: Path) -> list[Path]:
    """The files of a folder worth shipping (no caches, no hidden files, no backups), sorted."""
    return sorted(p for p in folder.rglob("*") if _wanted(p, folder))


def zip_bytes(entries: Iterable[tuple[str, Path]]) -> bytes:
    """A deterministic zip of (name in the archive, file on disk) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def exercise_zip(folder: Path) -> bytes:
    """The exercise folder (starter, checks, exercise.toml, data) inside a folder of its name."""
    return zip_bytes((f"{folder.name}/{p.relative_to(folder).as_posix()}", p)
                     for p in folder_files(folder))


def course_zip(root: Path, include: Iterable[str], top: str) -> bytes:
    """The parts of the course a learner installs (never the solutions), under folder `top`."""
    entries: list[tuple[str, Path]] = []
    for name in include:
        path = root / name
        if path.is_file():
            entries.append((f"{top}/{name}", path))
        elif path.is_dir():
            entries += [(f"{top}/{p.relative_to(root).as_posix()}", p) for p in folder_files(path)]
    return zip_bytes(entries)
