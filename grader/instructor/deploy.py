"""`course publish --deploy TARGET`: put the built site online, or in a folder a web server serves.

A git TARGET (a remote's name, a URL, or a bare repository's folder) gets the site as one commit on
a branch (gh-pages by default), made and pushed by ghp-import, the tool `mkdocs gh-deploy` uses;
any other TARGET is a folder the site is copied into. The course archive and latest.json are part
of the site, so `grade update` finds them at the deployed address.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

from grader.errors import GraderBroken, UngradableInput


def _is_bare_repository(path: Path) -> bool:
    return path.is_dir() and (path / "HEAD").is_file() and (path / "objects").is_dir()


def is_git_target(target: str, root: Path) -> bool:
    """A remote of the course's repository, a URL, or a bare repository's folder."""
    if "://" in target or target.startswith("git@") or _is_bare_repository(Path(target).expanduser()):
        return True
    remotes = subprocess.run(["git", "remote"], cwd=root, capture_output=True, text=True)
    return remotes.returncode == 0 and target in remotes.stdout.split()


def push_to_branch(site: Path, target: str, root: Path, branch: str, message: str) -> None:
    """Commit `site` as the whole of `branch` of the course's repository and push it to `target`."""
    from ghp_import import GhpError, ghp_import

    # ghp-import lets git print to the terminal: ask the remote first, so a wrong address is one line
    reach = subprocess.run(["git", "ls-remote", "--heads", target], cwd=root, capture_output=True, text=True)
    if reach.returncode != 0:
        raise GraderBroken(
            f"git could not push the site to {target} ({branch}): is the address right, and may you push there?"
        )
    # ghp-import works in the current folder's repository
    with contextlib.chdir(root):
        try:
            ghp_import(str(site), remote=target, branch=branch, mesg=message, push=True, nojekyll=True)
        except GhpError as err:
            raise UngradableInput(
                f"The site could not be deployed: {err} (the course must be a git repository)."
            ) from None
        except subprocess.CalledProcessError:
            raise GraderBroken(
                f"git could not push the site to {target} ({branch}): is the address right, and may you push there?"
            ) from None


def copy_to_folder(site: Path, target: Path) -> None:
    """The site copied into `target`, over what was there (a folder a web server serves)."""
    if target.exists() and not target.is_dir():
        raise UngradableInput(f"{target} is a file: name a folder, or a git remote, to deploy the site to.")
    shutil.copytree(site, target, dirs_exist_ok=True)


def deploy(site: Path, target: str, root: Path, branch: str, message: str) -> str:
    """Deploy the built site; say where it went."""
    if is_git_target(target, root):
        push_to_branch(site, target, root, branch, message)
        return f"the {branch} branch of {target}"
    folder = Path(target).expanduser()
    copy_to_folder(site, folder if folder.is_absolute() else root / folder)
    return str(folder)
