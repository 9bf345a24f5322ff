"""Running the real ``qualcode`` command in a subprocess."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    code: int
    out: str
    err: str


def qualcode(*args: str, db: str | None = None, cwd: str | None = None,
             env: dict[str, str] | None = None) -> Result:
    command = [sys.executable, "-m", "qualcode"]
    if db is not None:
        command += ["--db", db]
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=300)
    return Result(done.returncode, done.stdout, done.stderr)


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 2, a plain message naming the fragments, and no traceback."""
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


class Terminal:
    """A command running in a tmux pane: type keys, read the screen, as a person would."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main").stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "main", key)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear on the screen:\n{self.screen()}")

    def wait_closed(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.tmux("has-session", "-t", "main").returncode != 0:
                return
            time.sleep(0.2)
        raise AssertionError("the program did not end")


@contextmanager
def qualcode_in_terminal(*args: str, db: str, config: Path,
                         size: tuple[int, int] = (120, 40)) -> Iterator[Terminal]:
    """``qualcode --db DB ARGS`` in a fresh tmux server of its own, killed afterwards."""
    socket = f"qualcode-test-{os.getpid()}-{time.monotonic_ns()}"
    terminal = Terminal(socket)
    command = " ".join(shlex.quote(part) for part in
                       [sys.executable, "-m", "qualcode", "--db", db, *args])
    environment = {**os.environ, "QUALCODE_CONFIG": str(config), "TERM": "xterm-256color"}
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "main", "-x",
                    str(size[0]), "-y", str(size[1]), command], check=True, env=environment,
                   timeout=30)
    try:
        yield terminal
    finally:
        terminal.tmux("kill-server")
