"""The kernel zygote forks kernels only for the grading process that started it: a kernel (or
anything else) that finds its socket cannot ask it for a kernel of its own choosing."""

from __future__ import annotations

import json
import subprocess
import sys

from grader.zygote import KernelZygote


def test_when_another_process_asks_the_zygote_for_a_kernel_then_it_is_refused():
    request = json.dumps({"argv": [], "cwd": "/", "env": {}})
    with KernelZygote() as zygote:
        asks = (
            f"import socket\nclient = socket.socket(socket.AF_UNIX)\nclient.settimeout(20)\n"
            f"client.connect({zygote.address!r})\ntry:\n"
            f"    client.sendall({request!r}.encode() + b'\\n')\n    print(repr(client.recv(100)))\n"
            "except (BrokenPipeError, ConnectionResetError):  # closed even before it was asked\n"
            "    print(repr(b''))"
        )
        done = subprocess.run([sys.executable, "-c", asks], capture_output=True, text=True, timeout=60)
        assert zygote.alive
    assert done.stdout.strip() == "b''", done.stdout + done.stderr  # closed at once: no kernel, no pid
