"""A results folder is held by one grade-batch at a time, with fcntl and with the portable lock file."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grader.batch.lock import AlreadyLocked, exclusive_lock


@pytest.fixture(params=["posix", "portable"])
def lock_kind(request, monkeypatch):
    if request.param == "portable":
        monkeypatch.setenv("GRADER_PORTABLE", "1")
    else:
        monkeypatch.delenv("GRADER_PORTABLE", raising=False)
    return request.param


def test_when_a_folder_is_locked_then_a_second_lock_is_refused_until_it_is_let_go(tmp_path, lock_kind):
    path = tmp_path / ".grade-batch.lock"
    with exclusive_lock(path), pytest.raises(AlreadyLocked), exclusive_lock(path):
        pass
    with exclusive_lock(path):  # let go: free again
        pass


def test_when_the_lock_files_owner_has_gone_then_the_lock_is_taken_over(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_PORTABLE", "1")
    owner = "import os, psutil; print(os.getpid(), psutil.Process().create_time())"
    gone = subprocess.run([sys.executable, "-c", owner], capture_output=True, text=True, check=True).stdout
    (tmp_path / ".grade-batch.pid").write_text(gone)  # what a batch killed by kill -9 leaves behind
    with exclusive_lock(tmp_path / ".grade-batch.lock"):
        assert (tmp_path / ".grade-batch.pid").read_text().split()[0] != gone.split()[0]
