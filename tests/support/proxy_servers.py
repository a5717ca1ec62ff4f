"""Real proxies on loopback for the auth/proxy tests: proxy.py (HTTP forward proxy with CONNECT,
open or with Basic proxy auth) and pproxy (SOCKS4/SOCKS5), each a subprocess started once per
test session on a free port, waited for, and stopped at the end.

Each proxy writes a log; :meth:`ProxyProcess.lines_since` reads what it logged after a mark, so a
test can assert what the proxy received (proxy.py logs one access line per request or tunnel:
``... - GET 127.0.0.1:8080/path - 200 OK ...`` or ``... - CONNECT 127.0.0.1:8443 - ...``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .ports import free_port


def _wait_listening(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"proxy exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"proxy did not listen on {port}")


def _read_port(path: Path, process: subprocess.Popen[bytes], deadline: float) -> int:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"proxy exited with {process.returncode}")
        text = path.read_text().strip() if path.exists() else ""
        if text.isdigit() and int(text):
            return int(text)
        time.sleep(0.05)
    raise RuntimeError("proxy did not report its port")


class ProxyProcess:
    def __init__(self, argv: list[str], log: Path, port: int | Path) -> None:
        """``port``: the port, or a file the process writes it to once it listens."""
        self.log = log
        self.port = port if isinstance(port, int) else 0
        self.auth_port = 0
        self._out = open(log, "ab")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name in list(env):  # the proxies themselves connect directly
            if name.lower() in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}:
                del env[name]
        self.process = subprocess.Popen(
            argv, stdout=self._out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        try:
            deadline = time.monotonic() + 30
            if isinstance(port, Path):
                self.port = _read_port(port, self.process, deadline)
            _wait_listening(self.port, self.process, deadline)
        except Exception:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def mark(self) -> int:
        """A position in the log; see :meth:`lines_since`."""
        return self.log.stat().st_size

    def lines_since(
        self, mark: int, containing: str, count: int = 1, timeout: float = 10.0
    ) -> list[str]:
        """The log lines after ``mark`` that contain ``containing``, once there are ``count``
        (the proxy logs asynchronously); fewer only if ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while True:
            with open(self.log, "rb") as f:
                f.seek(mark)
                text = f.read().decode("utf-8", "replace")
            lines = [line for line in text.splitlines() if containing in line]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self._out.close()


def _proxy_py(tmp: Path, name: str, *extra: str) -> ProxyProcess:
    """proxy.py on a port it picks itself (``--port 0``), read back from ``--port-file``."""
    log = tmp / f"{name}.log"
    port_file = tmp / f"{name}.port"
    argv = [
        sys.executable,
        "-m",
        "proxy",
        "--hostname",
        "127.0.0.1",
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--num-workers",
        "1",
        "--num-acceptors",
        "1",
        "--threaded",
        "--log-level",
        "INFO",
        "--log-file",
        str(log),
        *extra,
    ]
    log.touch()
    return ProxyProcess(argv, log, port_file)


@pytest.fixture(scope="session")
def forward_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    """proxy.py, open."""
    proxy = _proxy_py(tmp_path_factory.mktemp("proxy"), "open")
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def auth_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    """proxy.py requiring Basic proxy auth as ``user:pass``."""
    proxy = _proxy_py(tmp_path_factory.mktemp("proxy"), "auth", "--basic-auth", "user:pass")
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def socks_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    """pproxy serving SOCKS4 and SOCKS5 (verbose: one line per relayed connection), and on
    ``auth_port`` SOCKS5 requiring ``user:pass`` (``--auth 0``: pproxy would otherwise let an
    address that authenticated once in without credentials for 30 days)."""
    port, auth_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("socks") / "pproxy.log"
    log.touch()
    argv = [
        sys.executable,
        "-m",
        "pproxy",
        "-l",
        f"socks4+socks5://127.0.0.1:{port}",
        "-l",
        f"socks5://127.0.0.1:{auth_port}#user:pass",
        "--auth",
        "0",
        "-v",
    ]
    proxy = ProxyProcess(argv, log, port)
    proxy.auth_port = auth_port
    try:
        _wait_listening(auth_port, proxy.process, time.monotonic() + 30)
    except Exception:
        proxy.stop()
        raise
    yield proxy
    proxy.stop()
