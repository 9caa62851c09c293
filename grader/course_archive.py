"""The published course as one versioned archive: the learner's files plus a manifest.

The manifest (`.course-manifest.json`, at the archive's top) says which course and version the
archive is, when it was published, where from, the sha256 of every file, the hash of each
exercise's original starter and the changelog. It travels into the learner's unzipped course, so
that `grade update` knows what the learner has and which starters they have not touched.
Beside the site, `latest.json` tells a client the newest version and where its archive is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from grader.errors import UngradableInput
from grader.exercise import ORIGINAL_DIR

MANIFEST_NAME = ".course-manifest.json"
LATEST_NAME = "latest.json"
FORMAT = 1
_ENTRY = re.compile(r"^- (.*)")
_HEADING = re.compile(r"^## (\d{4}-\d{2}-\d{2})")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Release:
    """What identifies one publication: the course, its version, when and where it was published."""

    course: str
    version: str
    published: str  # ISO 8601 UTC; orders versions (two releases may share a day)
    url: str = ""  # the site's address, where `grade update` looks for newer versions


@dataclass(frozen=True)
class Manifest:
    """The manifest of one archive."""

    release: Release
    files: dict[str, str] = field(default_factory=dict)  # path in the course -> sha256
    starters: dict[str, str] = field(default_factory=dict)  # exercise notebook path -> original's sha256
    changelog: list[list[str]] = field(default_factory=list)  # [date, entry], newest first

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                **asdict(self.release),
                "files": self.files,
                "starters": self.starters,
                "changelog": self.changelog,
            },
            indent=1,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        """Read a manifest; anything malformed is one plain error."""
        try:
            data: Any = json.loads(text)
            release = Release(
                str(data["course"]), str(data["version"]), str(data["published"]), str(data.get("url", ""))
            )
            return cls(
                release,
                dict(data["files"]),
                dict(data.get("starters", {})),
                [list(e) for e in data.get("changelog", [])],
            )
        except (ValueError, KeyError, TypeError) as err:
            raise UngradableInput(f"The course's manifest could not be read ({err}).") from None


def changelog_entries(changelog_md: Path) -> list[list[str]]:
    """The `- entry` lines of the changelog, each with the date of its `## YYYY-MM-DD` heading."""
    if not changelog_md.is_file():
        return []
    entries: list[list[str]] = []
    date = ""
    for line in changelog_md.read_text(encoding="utf-8").splitlines():
        if heading := _HEADING.match(line):
            date = heading.group(1)
        elif date and (entry := _ENTRY.match(line)):
            entries.append([date, entry.group(1).strip()])
        elif date and line.startswith("  ") and line.strip() and entries:
            entries[-1][1] += " " + line.strip()  # a wrapped entry
    return entries


def starter_originals(names: list[str]) -> dict[str, str]:
    """Each exercise notebook's path -> the path of its pristine copy under `.original/`."""
    out = {}
    for name in names:
        path = PurePosixPath(name)
        if path.parent.name == ORIGINAL_DIR:
            out[(path.parent.parent / path.name).as_posix()] = name
    return out


def build_archive(root: Path, include: list[str], release: Release) -> tuple[bytes, Manifest]:
    """The course zip the site offers (see `downloads.course_zip`), with its manifest inside."""
    from grader.site.downloads import course_entries, zip_bytes

    entries = course_entries(root, include)
    contents = {name: path.read_bytes() for name, path in entries}
    files = {name: sha256(data) for name, data in contents.items()}
    starters = {nb: files[copy] for nb, copy in starter_originals(sorted(files)).items()}
    manifest = Manifest(release, files, starters, changelog_entries(root / "docs" / "changelog.md"))
    data = zip_bytes([*entries, (MANIFEST_NAME, manifest.to_json().encode("utf-8"))])
    return data, manifest


def latest_json(manifest: Manifest, archive: str) -> str:
    """What a client reads to learn the newest version: the release and the archive's address
    (relative to latest.json itself)."""
    return json.dumps({**asdict(manifest.release), "archive": archive}, indent=1, sort_keys=True)


def site_archive(root: Path, include: list[str], course: str) -> tuple[bytes, str]:
    """The course zip and latest.json for the site; `course publish` names the release through
    COURSE_VERSION, COURSE_PUBLISHED and COURSE_URL (a plain `mkdocs build` is "unpublished")."""
    release = Release(
        course,
        os.environ.get("COURSE_VERSION") or "unpublished",
        os.environ.get("COURSE_PUBLISHED", ""),
        os.environ.get("COURSE_URL", ""),
    )
    data, manifest = build_archive(root, include, release)
    return data, latest_json(manifest, f"downloads/{course}.zip")


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
