#!/usr/bin/env python3
"""Side-by-side benchmark: requests-urllib-compat vs urllib.request vs requests vs http.client.

Starts its own keep-alive server on loopback (nginx when installed, else a threaded Python
server, which is then the bottleneck: the output says so), and measures in one run:

* sequential small GETs per second over plain HTTP and over HTTPS (every client trusts the same
  trustme CA: an ``SSLContext`` for urllib-style clients and http.client, ``verify=<CA file>``
  for requests), rounds interleaved so that ratios are taken between neighbouring measurements;
* reading a 1 GiB body in 64 KiB chunks over plain HTTP: MB/s and peak RSS, each case in a fresh
  subprocess so that ``ru_maxrss`` belongs to that case alone.

Many short rounds are interleaved; a rate is a case's best round (load only slows a case
down) and a ratio is best / best; the median of the per-round ratios is printed as a second
opinion for the targets.  On a shared, noisy machine compare ratios, not absolute rates.

    python bench/bench.py                 # full run (a few minutes)
    python bench/bench.py --quick         # a short run
    python bench/bench.py --requests 500 --rounds 5 --no-stream
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.server
import json
import os
import resource
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

SMALL_BODY = b"x" * 512  # the small static file
BIG_SIZE = 1 << 30  # 1 GiB
CHUNK = 64 * 1024

# -- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, deadline: float) -> None:
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


NGINX_CONF = """\
{user}
daemon off;
master_process on;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 600s;
    keepalive_requests 10000000;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{http_port};
        root {tmp}/www;
    }}
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {tmp}/server.pem;
        ssl_certificate_key {tmp}/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets off;
        root {tmp}/www;
    }}
}}
"""


class BenchServer:
    """nginx (or the Python fallback) serving /small and /big over HTTP and HTTPS."""

    def __init__(self, force_python: bool = False) -> None:
        import trustme

        self.tmp = tempfile.mkdtemp(prefix="compat-bench-")
        os.chmod(self.tmp, 0o755)  # nginx workers may run as another user
        www = os.path.join(self.tmp, "www")
        os.mkdir(www)
        os.chmod(www, 0o755)
        with open(os.path.join(www, "small"), "wb") as f:
            f.write(SMALL_BODY)
        with open(os.path.join(www, "big"), "wb") as f:
            f.truncate(BIG_SIZE)  # sparse: instant to create, served from the page cache
        for name in ("small", "big"):
            os.chmod(os.path.join(www, name), 0o644)

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = os.path.join(self.tmp, "ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        cert.private_key_pem.write_to_path(os.path.join(self.tmp, "server.key"))
        cert.cert_chain_pems[0].write_to_path(os.path.join(self.tmp, "server.pem"))
        with open(os.path.join(self.tmp, "server.pem"), "ab") as f:
            for pem in cert.cert_chain_pems[1:]:
                f.write(pem.bytes())
        for name in ("ca.pem", "server.key", "server.pem"):
            os.chmod(os.path.join(self.tmp, name), 0o644)

        self.http_port = _free_port()
        self.https_port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.servers: list[http.server.ThreadingHTTPServer] = []
        nginx = (
            None
            if force_python
            else shutil.which("nginx")
            or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        )
        if nginx:
            self.kind = "nginx (" + _nginx_version(nginx) + ")"
            self._start_nginx(nginx)
        else:
            self.kind = (
                "Python ThreadingHTTPServer FALLBACK (nginx not installed): the server "
                "is the bottleneck, absolute rates and ratios are compressed"
            )
            self._start_python(cert)

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def https_base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def _start_nginx(self, nginx: str) -> None:
        user = "user root root;" if os.geteuid() == 0 else ""
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(
                NGINX_CONF.format(
                    tmp=self.tmp, user=user, http_port=self.http_port, https_port=self.https_port
                )
            )
        self.process = subprocess.Popen(
            [nginx, "-p", self.tmp, "-c", conf, "-e", os.path.join(self.tmp, "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        try:
            _wait_listening(self.http_port, deadline)
            _wait_listening(self.https_port, deadline)
        except OSError:
            self.stop()
            raise

    def _start_python(self, cert: Any) -> None:
        www = os.path.join(self.tmp, "www")

        class Handler(http.server.SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=www, **kwargs)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        plain = http.server.ThreadingHTTPServer(("127.0.0.1", self.http_port), Handler)
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", self.https_port), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        for srv in (plain, tls):
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            self.servers.append(srv)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # nginx: fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()
        self.servers = []
        shutil.rmtree(self.tmp, ignore_errors=True)


def _nginx_version(nginx: str) -> str:
    out = subprocess.run([nginx, "-v"], capture_output=True, text=True)
    return (out.stderr or out.stdout).strip().split("/")[-1]


# -- the request cases ------------------------------------------------------------------------

# A case is (label, setup); setup(url, context, ca_file) returns a function doing ONE request
# (reading the whole body and releasing the connection) and an optional cleanup.
Step = Callable[[], None]
Setup = Callable[[str, ssl.SSLContext, str], "tuple[Step, Callable[[], None] | None]"]


def _compat_urlopen(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, None]:
    from requests_urllib_compat import request as compat

    context = ctx if url.startswith("https:") else None

    def step() -> None:
        with compat.urlopen(url, context=context) as r:
            r.read()

    return step, None


def _compat_opener(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, Step]:
    from requests_urllib_compat import request as compat

    opener = compat.build_opener(compat.HTTPSHandler(context=ctx))

    def step() -> None:
        with opener.open(url) as r:
            r.read()

    return step, opener.close


def _compat_build_opener_each(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, None]:
    from requests_urllib_compat import request as compat

    def step() -> None:
        with compat.build_opener(compat.HTTPSHandler(context=ctx)).open(url) as r:
            r.read()

    return step, None


def _compat_session_opener(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, Step]:
    """``build_opener(session=requests.Session())``: each request through the Session's send()."""
    import requests

    from requests_urllib_compat import request as compat

    session = requests.Session()
    session.verify = ca_file  # TLS through a Session is the Session's
    opener = compat.build_opener(session=session)

    def step() -> None:
        with opener.open(url) as r:
            r.read()

    def cleanup() -> None:
        opener.close()
        session.close()

    return step, cleanup


def _stdlib_urlopen(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, None]:
    context = ctx if url.startswith("https:") else None

    def step() -> None:
        with urllib.request.urlopen(url, context=context) as r:
            r.read()

    return step, None


def _stdlib_build_opener_each(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, None]:
    def step() -> None:
        with urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx)).open(url) as r:
            r.read()

    return step, None


def _requests_session(trust_env: bool) -> Setup:
    def setup(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, Step]:
        import requests

        session = requests.Session()
        session.trust_env = trust_env

        def step() -> None:
            # verify= per call: with trust_env, REQUESTS_CA_BUNDLE would beat session.verify
            session.get(url, verify=ca_file).content  # noqa: B018

        return step, session.close

    return setup


def _requests_adapter_send(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, Step]:
    """The least that still goes through requests' HTTPAdapter.send: a request prepared once."""
    import requests

    session = requests.Session()
    adapter = session.get_adapter(url)
    prepared = session.prepare_request(requests.Request("GET", url))

    def step() -> None:
        adapter.send(prepared, verify=ca_file).content  # noqa: B018

    return step, session.close


def _http_client(url: str, ctx: ssl.SSLContext, ca_file: str) -> tuple[Step, Step]:
    """One reused http.client connection: the Python floor."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, context=ctx
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port)

    def step() -> None:
        conn.request("GET", parts.path)
        conn.getresponse().read()

    return step, conn.close


CASES: list[tuple[str, Setup]] = [
    ("compat urlopen", _compat_urlopen),
    ("compat opener (reused)", _compat_opener),
    ("compat build_opener().open", _compat_build_opener_each),
    ("compat opener(session=) (reused)", _compat_session_opener),
    ("stdlib urlopen", _stdlib_urlopen),
    ("stdlib build_opener().open", _stdlib_build_opener_each),
    ("requests Session().get", _requests_session(True)),
    ("requests Session(trust_env=False)", _requests_session(False)),
    ("requests adapter.send (floor)", _requests_adapter_send),
    ("http.client reused conn", _http_client),
]


def _measure(setup: Setup, url: str, ctx: ssl.SSLContext, ca_file: str, n: int) -> float:
    step, cleanup = setup(url, ctx, ca_file)
    try:
        for _ in range(min(5, n)):  # warm up: connections, imports, caches
            step()
        start = time.perf_counter()
        for _ in range(n):
            step()
        elapsed = time.perf_counter() - start
    finally:
        if cleanup is not None:
            cleanup()
    return n / elapsed


def run_requests(
    server: BenchServer,
    n: int,
    n_tls: int,
    rounds: int,
) -> dict[str, dict[str, list[float]]]:
    ctx = ssl.create_default_context(cafile=server.ca_file)
    urls = {"http": server.http_base + "/small", "https": server.https_base + "/small"}
    counts = {"http": n, "https": n_tls}
    rates: dict[str, dict[str, list[float]]] = {s: {c: [] for c, _ in CASES} for s in urls}
    for r in range(rounds):
        order = CASES[r % len(CASES) :] + CASES[: r % len(CASES)]  # rotate: no fixed position
        for scheme, url in urls.items():
            for label, setup in order:
                rates[scheme][label].append(
                    _measure(setup, url, ctx, server.ca_file, counts[scheme])
                )
        print(f"  round {r + 1}/{rounds} done", file=sys.stderr)
    return rates


def _ratio(rates: dict[str, list[float]], a: str, b: str) -> float:
    """best rate(a) / best rate(b): on a loaded machine, load only ever slows a case down, so
    each case's best round is the closest to its own cost (as ``timeit`` takes the minimum)."""
    return max(rates[a]) / max(rates[b])


def _round_ratio(rates: dict[str, list[float]], a: str, b: str) -> float:
    """Median over rounds of rate(a)/rate(b) measured in the same round (a second opinion)."""
    return statistics.median(x / y for x, y in zip(rates[a], rates[b]))


# -- streaming (each case in a fresh subprocess) ----------------------------------------------

STREAM_CASES = [
    "compat urlopen read(65536)",
    "requests iter_content(65536)",
    "stdlib urlopen read(65536)",
]


def _stream_child(case: str, url: str) -> None:
    """Read the big body in 64 KiB chunks; print bytes, seconds and peak RSS as JSON."""
    total = 0
    if case.startswith("compat"):
        from requests_urllib_compat import request as compat

        start = time.perf_counter()
        with compat.urlopen(url) as r:
            while chunk := r.read(CHUNK):
                total += len(chunk)
    elif case.startswith("requests"):
        import requests

        session = requests.Session()
        start = time.perf_counter()
        with session.get(url, stream=True) as resp:
            for chunk in resp.iter_content(CHUNK):
                total += len(chunk)
        session.close()
    else:
        start = time.perf_counter()
        with urllib.request.urlopen(url) as r:
            while chunk := r.read(CHUNK):
                total += len(chunk)
    elapsed = time.perf_counter() - start
    print(json.dumps({"bytes": total, "seconds": elapsed, "maxrss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's peak RSS.  ``ru_maxrss`` survives fork+exec on Linux (a child starts at
    the parent's peak), so the kernel's per-address-space high-water mark ``VmHWM`` is used
    when there is one; ``ru_maxrss`` otherwise."""
    with contextlib.suppress(OSError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _warm_page_cache(server: BenchServer) -> None:
    """Fetch the big file once, untimed: the first read of a sparse file fills the page cache
    and is several times slower, which would penalise whichever case runs first."""
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port)
    try:
        conn.request("GET", "/big")
        response = conn.getresponse()
        buffer = bytearray(1 << 20)
        while response.readinto(buffer):
            pass
    finally:
        conn.close()


def run_stream(server: BenchServer, rounds: int) -> dict[str, list[dict[str, float]]]:
    url = server.http_base + "/big"
    _warm_page_cache(server)
    results: dict[str, list[dict[str, float]]] = {c: [] for c in STREAM_CASES}
    for r in range(rounds):
        order = STREAM_CASES[r % 3 :] + STREAM_CASES[: r % 3]
        for case in order:
            out = subprocess.run(
                [sys.executable, __file__, "--stream-child", case, url],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            if result["bytes"] != BIG_SIZE:
                raise SystemExit(f"{case}: read {result['bytes']} bytes, expected {BIG_SIZE}")
            result["mb_s"] = result["bytes"] / result["seconds"] / 1e6
            results[case].append(result)
        print(f"  stream round {r + 1}/{rounds} done", file=sys.stderr)
    return results


# -- report -----------------------------------------------------------------------------------


def report(
    server: BenchServer,
    args: argparse.Namespace,
    rates: dict[str, dict[str, list[float]]] | None,
    stream: dict[str, list[dict[str, float]]] | None,
) -> bool:
    import requests
    import urllib3

    print(f"date (UTC): {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}")
    print(
        f"python {sys.version.split()[0]}, requests {requests.__version__}, "
        f"urllib3 {urllib3.__version__}, OpenSSL {ssl.OPENSSL_VERSION.split()[1]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"server: {server.kind}")
    ok = True
    # (label, value, target, higher is better, second opinion)
    checks: list[tuple[str, float, float, bool, float | None]] = []
    if rates is not None:
        print(
            f"\nsequential small GETs ({len(SMALL_BODY)}-byte body), {args.requests} requests "
            f"per case over HTTP, {args.tls_requests} over HTTPS, {args.rounds} rounds "
            "interleaved; req/s = best round; ratios = best / best"
        )
        head = (
            f"{'client':36} {'HTTP req/s':>10} {'/stdlib':>8} {'/requests':>9}"
            f" {'HTTPS req/s':>11} {'/stdlib':>8} {'/requests':>9}"
        )
        print(head)
        print("-" * len(head))
        for label, _ in CASES:
            row = f"{label:36}"
            for scheme in ("http", "https"):
                r = rates[scheme]
                row += (
                    f" {max(r[label]):>{10 if scheme == 'http' else 11}.0f}"
                    f" {_ratio(r, label, 'stdlib urlopen'):>7.2f}x"
                    f" {_ratio(r, label, 'requests Session().get'):>8.2f}x"
                )
            print(row)
        h, s = rates["http"], rates["https"]
        for label, rates_, a, b, target in [
            # issue 10's targets: pooling's safety rules keep urlopen >= 0.9x the stdlib over
            # HTTP (which opens a connection per request) and >= 5x over HTTPS
            ("HTTPS: compat urlopen / stdlib urlopen", s, "compat urlopen", "stdlib urlopen", 5.0),
            (
                "HTTPS: compat build_opener().open / stdlib build_opener().open",
                s,
                "compat build_opener().open",
                "stdlib build_opener().open",
                3.0,
            ),
            (
                "HTTP: compat opener / requests Session().get",
                h,
                "compat opener (reused)",
                "requests Session().get",
                1.2,
            ),
            ("HTTP: compat urlopen / stdlib urlopen", h, "compat urlopen", "stdlib urlopen", 0.9),
            (
                "HTTP: compat build_opener().open / compat opener (reused)",
                h,
                "compat build_opener().open",
                "compat opener (reused)",
                0.9,
            ),
            (
                "HTTP: compat opener(session=) / requests Session(trust_env=False)",
                h,
                "compat opener(session=) (reused)",
                "requests Session(trust_env=False)",
                1.3,
            ),
        ]:
            checks.append((label, _ratio(rates_, a, b), target, True, _round_ratio(rates_, a, b)))
    if stream is not None:
        print(
            f"\nreading a 1 GiB body in 64 KiB chunks over HTTP, each case in a fresh "
            f"process, {args.stream_rounds} rounds interleaved (MB/s: best; RSS: max)"
        )
        head = f"{'client':36} {'MB/s':>8} {'/requests':>9} {'peak RSS MB':>12}"
        print(head)
        print("-" * len(head))
        ref = [x["mb_s"] for x in stream["requests iter_content(65536)"]]
        for case in STREAM_CASES:
            speeds = [x["mb_s"] for x in stream[case]]
            rss = max(x["maxrss_mb"] for x in stream[case])
            print(f"{case:36} {max(speeds):>8.0f} {max(speeds) / max(ref):>8.2f}x {rss:>12.1f}")
        compat = [x["mb_s"] for x in stream["compat urlopen read(65536)"]]
        checks += [
            (
                "stream: compat / requests iter_content(65536) MB/s",
                max(compat) / max(ref),
                0.9,
                True,
                statistics.median(a / b for a, b in zip(compat, ref)),
            ),
            (
                "stream: compat peak RSS (MB)",
                max(x["maxrss_mb"] for x in stream["compat urlopen read(65536)"]),
                100.0,
                False,
                None,
            ),
        ]
    if checks:
        print("\ntargets")
        for label, value, target, higher, second in checks:
            met = value >= target if higher else value < target
            ok = ok and met
            sign = ">=" if higher else "<"
            # three significant digits: a FAIL at 0.897 must not print as "0.90"
            print(
                f"  {'PASS' if met else 'FAIL'}  {label}: {value:.3g} (target {sign} {target})"
                + (f"; median of per-round ratios {second:.3g}" if second is not None else "")
            )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (noisier)")
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="requests per case and round over HTTP (default 400, quick 200)",
    )
    parser.add_argument(
        "--tls-requests",
        type=int,
        default=None,
        help="requests per case and round over HTTPS (default: half of "
        "--requests; each stdlib request is a full TLS handshake)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="rounds (default 12, quick 3): many short rounds, so that every "
        "case meets the quiet moments of a shared machine",
    )
    parser.add_argument("--no-stream", action="store_true", help="skip the 1 GiB streaming case")
    parser.add_argument(
        "--stream-rounds",
        type=int,
        default=None,
        help="rounds of the streaming cases (default 3, quick 1)",
    )
    parser.add_argument("--only-stream", action="store_true", help="skip the GET cases")
    parser.add_argument(
        "--python-server",
        action="store_true",
        help="use the Python fallback server even when nginx is installed",
    )
    parser.add_argument("--stream-child", nargs=2, metavar=("CASE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stream_child:
        _stream_child(*args.stream_child)
        return 0
    args.requests = args.requests or (200 if args.quick else 400)
    args.tls_requests = args.tls_requests or max(1, args.requests // 2)
    args.rounds = args.rounds or (3 if args.quick else 12)
    args.stream_rounds = args.stream_rounds or (1 if args.quick else 3)

    server = BenchServer(force_python=args.python_server)
    try:
        print(f"server: {server.kind}", file=sys.stderr)
        rates = (
            None
            if args.only_stream
            else run_requests(server, args.requests, args.tls_requests, args.rounds)
        )
        stream = None if args.no_stream else run_stream(server, args.stream_rounds)
        ok = report(server, args, rates, stream)
    finally:
        with contextlib.suppress(Exception):
            from requests_urllib_compat._transport import close_shared_pools

            close_shared_pools()
        server.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
