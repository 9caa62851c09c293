"""The private parts of nbclient and jupyter_client the grader relies on (grader.upstream)."""

from __future__ import annotations

import inspect

import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from nbclient import NotebookClient

from grader.engine import grade_notebook
from grader.errors import GraderError
from grader.exercise import load_exercise
from grader.upstream import BORROWED, GraderKernelClient, GradingClient, require_upstream
from tests.conftest import write_nb

SPIN = '''
@points(1)
def test_value(nb):
    """value is 42"""
    assert nb.value("value") == 42
'''


@pytest.mark.parametrize(
    "owner, name",
    [(owner, name) for owner, name, _ in BORROWED],
    ids=[f"{owner.__name__}.{name}" for owner, name, _ in BORROWED],
)
def test_every_borrowed_name_is_still_upstream(owner, name):
    assert hasattr(owner, name), f"{owner.__module__}.{owner.__name__} no longer has {name}"


@pytest.mark.parametrize("ours, theirs", [(GradingClient, NotebookClient), (GraderKernelClient, AsyncKernelClient)])
def test_every_private_override_is_listed_and_keeps_upstreams_signature(ours, theirs):
    borrowed = {name for _, name, _ in BORROWED}
    for name, method in vars(ours).items():
        if not callable(method) or not hasattr(theirs, name) or name.startswith("__"):
            continue
        if name.startswith("_"):
            assert name in borrowed, f"{ours.__name__}.{name} overrides a private name BORROWED does not list"
        assert (
            list(inspect.signature(method).parameters)[:3]
            == list(inspect.signature(getattr(theirs, name)).parameters)[:3]
        ), f"{name} no longer takes what upstream passes"


def test_when_upstream_lost_a_name_then_grading_is_refused_in_one_line(monkeypatch):
    monkeypatch.delattr(NotebookClient, "_async_handle_timeout")
    with pytest.raises(GraderError, match=r"no longer has nbclient\.client\.NotebookClient\._async_handle_timeout"):
        require_upstream.__wrapped__()


def test_when_the_kernel_clock_override_is_bypassed_then_a_timeout_is_refused_not_counted(
    exercise, tmp_path, monkeypatch
):
    # as if nbclient had renamed the hook: its own wall-clock timeout would stop the cell
    monkeypatch.setattr(GradingClient, "_async_handle_timeout", NotebookClient._async_handle_timeout)
    folder = exercise(SPIN, "[limits]\ncell_timeout = 1\n")
    notebook = write_nb(["while True:\n    pass", "value = 42"], tmp_path / "learner" / "demo.ipynb")
    with pytest.raises(GraderError, match="by the wall clock"):
        grade_notebook(notebook, load_exercise(folder))
