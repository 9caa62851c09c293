"""The checks of a grading, read before the learner's code runs, so nothing it does can change them.

The exercise's folder (its checks and the files they read beside them) and the hidden checks are
read into memory before the kernel starts; the checks then run from a private copy the kernel
never sees, beside a pytest configuration the kernel cannot reach either (one in the learner's
working folder could load the learner's code into the grader).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SKIPPED = ("*.ipynb", "__pycache__", ".ipynb_checkpoints", "*.pyc")
_PYTEST_INI = "[pytest]\n"


@dataclass(frozen=True)
class ChecksRun:
    """Where the private copy is, for `grader.checks.run_checks`."""

    check_files: list[Path]
    hidden_files: list[Path]
    rootdir: Path
    ini_file: Path


@dataclass(frozen=True)
class ChecksReadFirst:
    """The exercise's files (relative path -> bytes) and the hidden checks (name -> bytes)."""

    exercise_files: dict[str, bytes]
    check_names: tuple[str, ...]
    hidden: dict[str, bytes]

    @classmethod
    def read(cls, exercise_folder: Path, check_files: list[Path], extra_checks: Path | None) -> ChecksReadFirst:
        """Read everything the checks need, now: call it before the kernel starts."""
        files: dict[str, bytes] = {}
        ignored = shutil.ignore_patterns(*_SKIPPED)
        for path in _walk(exercise_folder, ignored):
            files[path.relative_to(exercise_folder).as_posix()] = path.read_bytes()
        hidden = {p.name: p.read_bytes() for p in sorted(extra_checks.glob("test_*.py"))} if extra_checks else {}
        return cls(files, tuple(p.name for p in check_files), hidden)

    @contextmanager
    def written(self) -> Iterator[ChecksRun]:
        """The copy in a fresh private folder (removed afterwards)."""
        with tempfile.TemporaryDirectory(prefix="grader-checks-") as tmp:
            root = Path(tmp)
            exercise, hidden = root / "exercise", root / "hidden"
            for relative, data in self.exercise_files.items():
                (exercise / relative).parent.mkdir(parents=True, exist_ok=True)
                (exercise / relative).write_bytes(data)
            hidden.mkdir()
            for name, data in self.hidden.items():
                (hidden / name).write_bytes(data)
            ini = root / "pytest.ini"
            ini.write_text(_PYTEST_INI)
            yield ChecksRun(
                [exercise / n for n in self.check_names], [hidden / n for n in sorted(self.hidden)], exercise, ini
            )


def _walk(folder: Path, ignored) -> Iterator[Path]:
    names = sorted(p.name for p in folder.iterdir())
    skip = ignored(str(folder), names)
    for name in names:
        if name in skip:
            continue
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path, ignored)
        elif path.is_file():
            yield path
