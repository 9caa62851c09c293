"""What the grader takes from nbclient's and jupyter_client's private side, in one place.

Two subclasses override private methods: nbclient's client, so a cell's time limit runs on the
kernel's own clock (a machine busy with other gradings does not eat a learner's time) and output is
capped; jupyter_client's client, so a kernel is ready as soon as it answers. Were upstream to rename
one of them, the override would silently stop being called and time limits would fall back to the
wall clock. `require_upstream` refuses to grade instead; each name has a test (tests/grader/
test_upstream.py), and pyproject bounds both packages to the versions these names were read from.
"""

from __future__ import annotations

import asyncio
import time
from functools import cache
from queue import Empty
from typing import TYPE_CHECKING, Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from grader.errors import GraderError

if TYPE_CHECKING:
    from grader.kernel import RunningKernel

START_ATTEMPTS = 2  # a kernel that fails to start once (a busy machine) is started again, unseen

# (class, attribute, what the grader does with it): every private name the grader relies on
BORROWED: tuple[tuple[type, str, str], ...] = (
    (NotebookClient, "_async_handle_timeout", "overridden: a cell's limit on the kernel's clock"),
    (NotebookClient, "_async_poll_kernel_alive", "overridden: a dead kernel noticed within 0.1 s"),
    (NotebookClient, "_async_check_alive", "called by both overrides"),
    (NotebookClient, "output", "overridden: each cell's output capped"),
    (AsyncKernelClient, "_async_recv_reply", "called: kernel_info's reply while waiting for IOPub"),
    (AsyncKernelClient, "_async_is_alive", "called: a kernel that died while starting"),
    (AsyncKernelClient, "_handle_kernel_info_reply", "called: what nbclient's own wait would record"),
    (KernelManager, "_created_context", "read: destroy the manager's zmq context only if it made it"),
    (LocalProvisioner, "pgid", "set by the zygote's provisioner, as launch_kernel does"),
)


@cache
def require_upstream() -> None:
    """Refuse to grade with an nbclient or jupyter_client that lacks what the grader overrides."""
    missing = [f"{owner.__module__}.{owner.__name__}.{name}" for owner, name, _ in BORROWED if not hasattr(owner, name)]
    if missing:
        raise GraderError(
            f"This version of nbclient or jupyter_client no longer has {', '.join(missing)}, which "
            "the grader relies on. Reinstall the course (pip install -e .) and grade again."
        )


def owns_zmq_context(manager: KernelManager) -> bool:
    """Whether the kernel manager made its own zmq context (then it is ours to destroy)."""
    return bool(manager._created_context)


class GradingClient(NotebookClient):
    """nbclient's client, with a cap on each cell's output, and cell limits on the kernel's clock."""

    def __init__(self, nb: NotebookNode, kernel: RunningKernel, output_cap: int, **kw: Any) -> None:
        super().__init__(nb, km=kernel.manager, **kw)
        self.kernel = kernel
        self.output_cap = output_cap
        self._output_sizes: dict[int, int] = {}
        self._cell_clock = kernel.clock()
        self.timeouts_on_kernel_clock = 0

    async def async_execute_cell(self, cell: NotebookNode, cell_index: int, *args: Any, **kw: Any) -> NotebookNode:
        self._cell_clock = self.kernel.clock()
        return await super().async_execute_cell(cell, cell_index, *args, **kw)

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None) -> dict[str, Any] | None:
        """The cell's limit has passed by the wall clock. Time the kernel spent waiting for a CPU
        busy with other work is given back first: a cell is stopped only once it has had its limit."""
        while (owed := timeout - self._cell_clock.elapsed()) > 0.01:
            if (reply := await self._execute_reply_within(owed)) is not None:
                return reply
        await self._async_check_alive()
        self.timeouts_on_kernel_clock += 1  # proof that this override, not nbclient's wall clock, stopped it
        return await super()._async_handle_timeout(timeout, cell)

    async def _async_poll_kernel_alive(self) -> None:
        """nbclient's watch for a kernel that died during a cell, ten times a second instead of
        once: a notebook that ends Python is reported without waiting."""
        while True:
            await asyncio.sleep(0.1)
            try:
                await self._async_check_alive()
            except DeadKernelError:
                assert self.task_poll_for_reply is not None
                self.task_poll_for_reply.cancel()
                return

    async def _execute_reply_within(self, seconds: float) -> dict[str, Any] | None:
        assert self.kc is not None
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=left)
            except Empty:
                return None
            if msg["msg_type"] == "execute_reply":  # the only request in flight is the cell's
                return dict(msg)
        return None

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._output_sizes.get(cell_index, 0)
        self._output_sizes[cell_index] = used + size
        if used + size <= self.output_cap:
            return super().output(outs, msg, display_id, cell_index)
        room = self.output_cap - used
        if room > 0 and msg.get("msg_type") == "stream":  # keep the part that fits, as a terminal shows the start
            kept = {**msg, "content": {**content, "text": content.get("text", "")[:room]}}
            super().output(outs, kept, display_id, cell_index)
        if used <= self.output_cap:  # say it once, where the learner will see it
            note = f"\n[output cut: this cell printed more than {self.output_cap // 1024} KB]\n"
            outs.append(NotebookNode(output_type="stream", name="stderr", text=note))
        return None


class GraderKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as the kernel is. Its own wait ends by listening to
    IOPub until it has been quiet for 0.2 s: a fifth of a second idle in every grading.
    A kernel that dies or stays silent is started again once before the learner hears of it."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                return await self._wait_once(timeout)
            except RuntimeError as err:
                if attempt == START_ATTEMPTS:
                    from grader.kernel import start_failure  # here: grader.kernel names this class

                    raise start_failure(err) from None
                await self.parent.restart_kernel(now=True)  # type: ignore[union-attr]  # its manager

    async def _wait_once(self, timeout: float | None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while not await self._answered_and_idle(self.kernel_info()):
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _answered_and_idle(self, msg_id: str) -> bool:
        """Whether the kernel answered `msg_id` and IOPub then reported it idle: IOPub is connected
        (its first messages are lost until it is) and holds nothing more of the start-up."""
        try:
            reply = await self._async_recv_reply(msg_id, timeout=1)
        except TimeoutError:
            return False
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                return False
            if (
                msg["msg_type"] == "status"
                and msg["parent_header"].get("msg_id") == msg_id
                and msg["content"].get("execution_state") == "idle"
            ):
                self._handle_kernel_info_reply(reply)
                return True
