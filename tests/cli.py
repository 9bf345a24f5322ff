"""Running the real ``qualcode`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass


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
