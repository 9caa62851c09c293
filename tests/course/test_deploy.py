"""`course publish --deploy`: the built site, archive included, goes to a git branch or a folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from grader.errors import GraderBroken
from grader.instructor.deploy import deploy, is_git_target


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The course's own repository, with one commit."""
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "Instructor")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "instructor@example.org")
    root = tmp_path / "course"
    root.mkdir()
    git("init", "-q", "-b", "main", cwd=root)
    (root / "README.md").write_text("The course\n")
    git("add", "README.md", cwd=root)
    git("commit", "-qm", "start", cwd=root)
    return root


def built_site(folder: Path, version: str) -> Path:
    (folder / "downloads").mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<p>Version {version}</p>")
    (folder / "downloads" / "course.zip").write_bytes(b"PK archive " + version.encode())
    (folder / "latest.json").write_text(f'{{"version": "{version}", "archive": "downloads/course.zip"}}')
    return folder


def test_when_deployed_to_a_bare_repository_then_its_branch_holds_the_site_and_each_publication_adds_a_commit(
    repo: Path, tmp_path: Path
):
    remote = tmp_path / "pages.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    assert is_git_target(str(remote), repo)

    where = deploy(built_site(tmp_path / "v1", "1.0"), str(remote), repo, "gh-pages", "Publish 1.0")
    assert where == f"the gh-pages branch of {remote}"
    assert set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()) == {
        ".nojekyll",
        "index.html",
        "latest.json",
        "downloads/course.zip",
    }
    deploy(built_site(tmp_path / "v2", "2.0"), str(remote), repo, "gh-pages", "Publish 2.0")
    assert git("show", "gh-pages:latest.json", cwd=remote) == '{"version": "2.0", "archive": "downloads/course.zip"}'
    assert git("log", "--format=%s", "gh-pages", cwd=remote).split("\n")[:2] == ["Publish 2.0", "Publish 1.0"]
    assert git("status", "--porcelain", cwd=repo) == ""  # the course's own branch and files are untouched
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=repo).strip() == "main"


def test_when_the_remote_cannot_be_pushed_to_then_one_plain_error(repo: Path, tmp_path: Path):
    with pytest.raises(GraderBroken, match=r"^git could not push the site to file:///nowhere/pages.git \(gh-pages\)"):
        deploy(built_site(tmp_path / "v1", "1.0"), "file:///nowhere/pages.git", repo, "gh-pages", "Publish")


def test_when_the_target_is_a_folder_then_the_site_is_copied_into_it(repo: Path, tmp_path: Path):
    served = tmp_path / "www"
    assert not is_git_target(str(served), repo)
    assert deploy(built_site(tmp_path / "v1", "1.0"), str(served), repo, "gh-pages", "Publish") == str(served)
    assert (served / "latest.json").read_text() == '{"version": "1.0", "archive": "downloads/course.zip"}'
    assert (served / "downloads" / "course.zip").read_bytes() == b"PK archive 1.0"
