"""Start an emulator as a real subprocess on a free loopback port and wait until it answers.

Tests, the demo and the benchmarks all reach the emulators over HTTP through this harness, so
they exercise the same protocol a real shop or a real Odoo would speak.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningEmulator:
    """A started emulator process; `base_url` has no trailing slash."""

    process: subprocess.Popen
    base_url: str
    port: int
    log_path: Path
    # The command line may carry credentials (--admin-password, --access-token): keep it out of reprs.
    args: list[str] = field(default_factory=list, repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> "RunningEmulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_emulator(
    module: str,
    args: list[str],
    *,
    log_path: Path,
    health_path: str,
    port: int | None = None,
    startup_timeout: float = 120.0,
) -> RunningEmulator:
    """Run `python -m <module> --port <port> <args...>` and poll `health_path` until it answers 200.

    `startup_timeout` is generous because an emulator may generate a large data set before it listens.
    """
    port = port or free_port()
    cmd = [sys.executable, "-m", module, "--port", str(port), *args]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = open(log_path, "ab")
    process = subprocess.Popen(
        cmd, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    log_file.close()
    running = RunningEmulator(process, f"http://127.0.0.1:{port}", port, log_path, cmd)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{module} exited with code {process.returncode} before answering:\n{running.log_tail()}"
            )
        try:
            if httpx.get(running.base_url + health_path, timeout=2.0).status_code == 200:
                return running
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    running.stop()
    raise RuntimeError(f"{module} did not answer on {running.base_url} within {startup_timeout}s:\n{running.log_tail()}")
