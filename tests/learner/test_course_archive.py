"""The published course archive: the site's zip with a manifest inside (issue 18)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from grader.course_archive import MANIFEST_NAME, Manifest, Release, build_archive, latest_json, site_archive

INCLUDE = ["exercises", "docs/modules"]


def test_when_built_then_the_archive_carries_a_manifest_of_every_file_and_each_original_starter(course: Path):
    (course / "docs" / "changelog.md").write_text(
        "# Changelog\n\n## 2026-12-01\n\n- Fixed a check of demo,\n  which was too strict.\n\n"
        "## 2026-11-30\n\n- First version.\n"
    )
    data, manifest = build_archive(
        course, INCLUDE, Release("my-course", "1.0", "2026-12-01T10:00:00+00:00", "http://example.org/course/")
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    inside = Manifest.from_json(archive.read(MANIFEST_NAME))
    assert inside == manifest
    assert inside.release == Release("my-course", "1.0", "2026-12-01T10:00:00+00:00", "http://example.org/course/")
    assert set(inside.files) == set(archive.namelist()) - {MANIFEST_NAME}
    for name, digest in inside.files.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    starter = "exercises/00-test/demo/demo.ipynb"
    assert inside.starters[starter] == hashlib.sha256((course / starter).read_bytes()).hexdigest()
    assert set(inside.starters) == {starter, "exercises/01-more/second/demo.ipynb"}
    assert not [n for n in archive.namelist() if n.startswith("solutions/")]
    assert inside.changelog == [
        ["2026-12-01", "Fixed a check of demo, which was too strict."],
        ["2026-11-30", "First version."],
    ]


def test_when_publish_names_the_release_then_the_site_gets_latest_json_pointing_at_the_archive(
    course: Path, monkeypatch
):
    monkeypatch.setenv("COURSE_VERSION", "2.0")
    monkeypatch.setenv("COURSE_PUBLISHED", "2026-12-02T10:00:00+00:00")
    monkeypatch.setenv("COURSE_URL", "http://example.org/")
    data, latest = site_archive(course, INCLUDE, "my-course")
    assert json.loads(latest) == {
        "course": "my-course",
        "version": "2.0",
        "published": "2026-12-02T10:00:00+00:00",
        "url": "http://example.org/",
        "archive": "downloads/my-course.zip",
    }
    manifest = Manifest.from_json(zipfile.ZipFile(io.BytesIO(data)).read(MANIFEST_NAME))
    assert json.loads(latest_json(manifest, "downloads/my-course.zip")) == json.loads(latest)
