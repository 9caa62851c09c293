"""`grade update`: bring a learner's course folder to the newest published version, losing nothing.

The archive's manifest (see `grader.course_archive`) says what each file was when published; the
learner's own manifest says what they were given. A file still as given is replaced; a notebook
the learner changed is kept and the new one arrives beside it (`NAME.new.ipynb`); another file
they changed is backed up first. Progress, backups and the learner's own files are not in the
archive, so they stay.

Atomic: everything is first written into `.course-update/new/`, with the plan in
`.course-update/plan.json` written last; then each file is swapped in with `os.replace`, the one it
replaces kept in `.course-update/old/` and the manifest swapped last. A failure while swapping puts
the old files back; if the process was killed instead, the next `grade update` finishes the plan.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from grader.course_archive import LATEST_NAME, MANIFEST_NAME, Manifest, Release, sha256, starter_originals
from grader.errors import GraderBroken, GraderError, UngradableInput
from grader.exercise import ORIGINAL_DIR
from grader.exercise import UPDATE_DIR as WORK_DIR
from grader.exercise import UPDATE_PLAN as PLAN_FILE
from grader.files import backup_path, free_name

_TIMEOUT = 30


class UpdateRefused(GraderError):
    """An archive that must not be applied: another course, or an older version."""

    exit_code = 4


class SiteUnreachable(GraderBroken):
    """The course site could not be reached (offline, a wrong address)."""


@dataclass
class Step:
    """One file of the plan: written from the staging folder, or removed."""

    path: str  # relative to the course folder, POSIX
    action: str  # "write" or "delete"
    existed: bool  # whether the target existed when the plan was made (to undo an added file)


@dataclass
class Plan:
    """What an update will do, and what the learner is told about it."""

    current: str
    target: str
    steps: list[Step] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    beside: list[tuple[str, str]] = field(default_factory=list)  # (learner's notebook, new one beside)
    merged: list[tuple[str, str]] = field(default_factory=list)  # (learner's notebook, a safe merge beside)
    backed_up: list[tuple[str, str]] = field(default_factory=list)  # (learner's file, its backup)
    news: list[list[str]] = field(default_factory=list)  # changelog entries since the learner's version


# -- where the new version comes from ----------------------------------------------------------------


def is_address(source: str) -> bool:
    return urllib.parse.urlparse(source).scheme in ("http", "https")


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT) as response:
            return bytes(response.read())
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise SiteUnreachable(
            f"The course site could not be reached ({url}: {reason}). Check your internet "
            "connection, or download the course zip and run: grade update PATH-TO-THE-ZIP"
        ) from None


def latest_release(address: str) -> tuple[Release, str]:
    """The newest release a site announces in its latest.json, and its archive's address."""
    url = urllib.parse.urljoin(address.rstrip("/") + "/", LATEST_NAME)
    try:
        data = json.loads(_get(url))
        release = Release(str(data["course"]), str(data["version"]), str(data["published"]), str(data.get("url", "")))
        return release, urllib.parse.urljoin(url, str(data["archive"]))
    except (ValueError, KeyError, TypeError):
        raise UngradableInput(f"{url} is not a course's latest.json: is the address right?") from None


def read_archive(data: bytes, where: str) -> tuple[zipfile.ZipFile, Manifest]:
    """The archive and its manifest, every file checked against its hash (a broken download stops here)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest_bytes = archive.read(MANIFEST_NAME)
    except (zipfile.BadZipFile, KeyError):
        raise UngradableInput(
            f"{where} is not a course archive with a manifest: download the course zip from the course site."
        ) from None
    manifest = Manifest.from_json(manifest_bytes)
    for name, digest in manifest.files.items():
        if not _inside(name) or name == MANIFEST_NAME or name.startswith(WORK_DIR + "/"):
            raise UngradableInput(f"{where} names a file outside the course ({name}): nothing was changed.")
        try:
            intact = sha256(archive.read(name)) == digest
        except (KeyError, zipfile.BadZipFile, OSError):
            intact = False
        if not intact:
            raise UngradableInput(f"{where} is damaged ({name} is not as published): download it again.")
    return archive, manifest


def _inside(name: str) -> bool:
    """Whether an archive's file name stays inside the course folder (no `..`, no absolute path)."""
    path = PurePosixPath(name)
    return bool(name) and "\\" not in name and ":" not in name and not path.is_absolute() and ".." not in path.parts


def fetch_archive(source: str) -> tuple[zipfile.ZipFile, Manifest]:
    """SOURCE is an archive file, the address of an archive, or the site's address."""
    if is_address(source):
        url = source if source.lower().endswith(".zip") else latest_release(source)[1]
        return read_archive(_get(url), url)
    path = Path(source).expanduser()
    if not path.is_file():
        raise UngradableInput(
            f"{source} was not found: name the course zip you downloaded, or the course site's address (http://...)."
        )
    return read_archive(path.read_bytes(), path.name)


def current_manifest(root: Path) -> Manifest | None:
    """The manifest the learner's course came with (None for a course downloaded before manifests)."""
    path = root / MANIFEST_NAME
    return Manifest.from_json(path.read_bytes()) if path.is_file() else None


def default_source(current: Manifest | None) -> str:
    if current is not None and current.release.url:
        return current.release.url
    raise UngradableInput(
        "This course does not say where it was published: name the course zip you "
        "downloaded (grade update PATH-TO-THE-ZIP) or the site's address."
    )


# -- deciding ----------------------------------------------------------------------------------------


def check_release(current: Manifest | None, new: Release) -> bool:
    """Whether `new` is newer than the learner's; refuse another course or an older version."""
    if current is None:
        return True
    have = current.release
    if new.course != have.course:
        raise UpdateRefused(
            f"This archive is the course {new.course!r}, not {have.course!r}, the one in this "
            "folder: nothing was changed."
        )
    if new.version == have.version:
        return False
    if have.published and new.published <= have.published:
        raise UpdateRefused(
            f"This archive is version {new.version}, older than yours ({have.version}): nothing was changed."
        )
    return True


def _hash_of(path: Path) -> str | None:
    return sha256(path.read_bytes()) if path.is_file() else None


def _given_hashes(root: Path, current: Manifest | None) -> dict[str, str]:
    """What each file was when the learner got it: their manifest, else the starters' pristine copies."""
    if current is not None:
        return dict(current.files)
    given = {}
    for notebook, copy in starter_originals(
        [p.relative_to(root).as_posix() for p in root.glob("exercises/*/*/.original/*.ipynb")]
    ).items():
        if (digest := _hash_of(root / copy)) is not None:
            given[notebook] = digest
    return given


def _is_learner_notebook(name: str) -> bool:
    path = PurePosixPath(name)
    return path.suffix == ".ipynb" and not any(part.startswith(".") for part in path.parts)


def _free_name(root: Path, name: str, tag: str) -> str:
    return free_name(root / name, tag).relative_to(root).as_posix()


def _safe_merge(root: Path, name: str, given: str | None, new: bytes) -> str | None:
    """The learner's notebook merged cell by cell with its new starter, when the old starter is known
    (its pristine copy, as given) and the merge is safe."""
    from grader.learner.cell_merge import merge_notebooks

    path = PurePosixPath(name)
    old = root / path.parent / ORIGINAL_DIR / path.name
    if given is None or _hash_of(old) != given:
        return None
    return merge_notebooks(old.read_bytes(), (root / name).read_bytes(), new)


def make_plan(root: Path, archive: zipfile.ZipFile, new: Manifest, current: Manifest | None) -> Plan:
    """Stage every file to write into WORK_DIR/new and say what will happen to each."""
    plan = Plan(current.release.version if current else "unknown", new.release.version)
    seen = {tuple(e) for e in (current.changelog if current else [])}
    plan.news = [e for e in new.changelog if tuple(e) not in seen]
    given = _given_hashes(root, current)
    staging = root / WORK_DIR / "new"
    now = dt.datetime.now()  # one time for every backup of this update

    def stage(name: str, data: bytes, existed: bool) -> None:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        plan.steps.append(Step(name, "write", existed))

    for name, digest in sorted(new.files.items()):
        have = _hash_of(root / name)
        if have == digest:
            continue  # already as published (also what makes a second run cheap)
        data = archive.read(name)
        if have is None:
            stage(name, data, existed=False)
            plan.added.append(name)
        elif have == given.get(name) or PurePosixPath(name).parent.name == ORIGINAL_DIR:  # ours to replace
            stage(name, data, existed=True)
            plan.updated.append(name)
        elif _is_learner_notebook(name):
            beside = _free_name(root, name, "new")
            stage(beside, data, existed=False)
            plan.beside.append((name, beside))
            extra = [beside]
            merge = _safe_merge(root, name, given.get(name), data)
            if merge is not None:
                extra.append(_free_name(root, name, "merged"))
                stage(extra[-1], merge.encode("utf-8"), existed=False)
                plan.merged.append((name, extra[-1]))
            # older than the learner's notebook, so grading does not take them for where they worked
            earlier = (root / name).stat().st_mtime - 1
            for path in extra:
                os.utime(staging / path, (earlier, earlier))
        else:
            backup = backup_path(root / name, now).relative_to(root).as_posix()
            shutil.copy2(root / name, root / backup)  # a copy: nothing is missing if the update stops
            plan.backed_up.append((name, backup))
            stage(name, data, existed=True)
            plan.updated.append(name)
    for name in sorted(set(given) - set(new.files)):
        if _hash_of(root / name) == given[name]:  # removed by the instructor and untouched: ours to remove
            plan.steps.append(Step(name, "delete", True))
            plan.removed.append(name)
    stage(MANIFEST_NAME, new.to_json().encode("utf-8"), existed=(root / MANIFEST_NAME).is_file())  # last
    return plan


# -- swapping ----------------------------------------------------------------------------------------


def save_plan(root: Path, plan: Plan) -> None:
    """The plan, written last: its presence says staging is complete and the swap may run."""
    tmp = root / WORK_DIR / (PLAN_FILE + ".tmp")
    tmp.write_text(json.dumps(asdict(plan)), encoding="utf-8")
    os.replace(tmp, root / WORK_DIR / PLAN_FILE)


def load_plan(root: Path) -> Plan | None:
    path = root / WORK_DIR / PLAN_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    data["steps"] = [Step(**s) for s in data["steps"]]
    return Plan(**data)


def apply_plan(root: Path, plan: Plan) -> None:
    """Swap each staged file in (or remove it), keeping what it replaces; safe to run again."""
    work = root / WORK_DIR
    for step in plan.steps:
        target, staged, old = root / step.path, work / "new" / step.path, work / "old" / step.path
        if step.action == "write" and not staged.exists():
            continue  # swapped in by an earlier run
        if target.exists() and not old.exists():
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, old)
        if step.action == "write":
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)


def undo_plan(root: Path, plan: Plan) -> None:
    """Put back every file the swap replaced or removed, and remove the ones it added."""
    work = root / WORK_DIR
    for step in reversed(plan.steps):
        target, staged, old = root / step.path, work / "new" / step.path, work / "old" / step.path
        if old.exists():
            os.replace(old, target)
        elif step.action == "write" and not step.existed and not staged.exists():
            target.unlink(missing_ok=True)


def swap(root: Path, plan: Plan) -> None:
    """Apply the plan; on any failure put the old course back and say so."""
    try:
        apply_plan(root, plan)
    except BaseException as err:
        undo_plan(root, plan)
        shutil.rmtree(root / WORK_DIR, ignore_errors=True)
        if isinstance(err, KeyboardInterrupt):
            raise
        raise GraderBroken(
            f"The update stopped ({err}); your course is as it was before. Run grade update again."
        ) from None
    shutil.rmtree(root / WORK_DIR, ignore_errors=True)


def finish_interrupted(root: Path) -> Plan | None:
    """An update killed while swapping is finished; one killed while staging is forgotten."""
    if not (root / WORK_DIR).exists():
        return None
    plan = load_plan(root)
    if plan is not None:
        apply_plan(root, plan)
    shutil.rmtree(root / WORK_DIR, ignore_errors=True)
    return plan


def prepare(root: Path, archive: zipfile.ZipFile, new: Manifest, current: Manifest | None) -> Plan:
    """Stage the update (nothing of the course is changed yet)."""
    shutil.rmtree(root / WORK_DIR, ignore_errors=True)
    (root / WORK_DIR).mkdir()
    plan = make_plan(root, archive, new, current)
    save_plan(root, plan)
    return plan


def newest_release(source: str) -> Release:
    """The release SOURCE offers, reading as little as needed (a site's latest.json, not its archive)."""
    if is_address(source) and not source.lower().endswith(".zip"):
        return latest_release(source)[0]
    return fetch_archive(source)[1].release
