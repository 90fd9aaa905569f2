"""Running wrk on one endpoint at one concurrency, and reading back its figures."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "request.lua"
MARK = "BENCH_RESULT "
TIMEOUT = "10s"  # slow answers are measured, not dropped (wrk's default is 2 s)


class WrkFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Endpoint:
    """What to drive: ``expect`` is the status of a correct answer."""

    label: str
    path: str
    method: str = "GET"
    body: str = ""
    content_type: str = ""
    cookie: str = ""
    expect: int = 200
    # Several GET paths taken in turn (``path`` is then the first): directory searches.
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    label: str
    connections: int
    seconds: float
    requests: int
    expected: int  # answers with the expected status
    unexpected: int  # answers with any other status
    socket_errors: int  # connect, read, write errors and timeouts
    non_2xx_3xx: int  # wrk's own count
    first_unexpected: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    # CPU per answered request, in ms, while wrk ran (None: not measured)
    app_cpu_ms: float | None = None
    db_cpu_ms: float | None = None
    # The same per worker, busiest first: an idle worker beside a busy one shows here.
    worker_cpu_ms: tuple[float, ...] = ()

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.unexpected + self.socket_errors


def wrk_version() -> str:
    proc = subprocess.run(  # noqa: S603
        ["wrk", "--version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    first = (proc.stdout + proc.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"


def run(
    endpoint: Endpoint,
    port: int,
    connections: int,
    seconds: int,
    workdir: Path,
    log: Path,
) -> Result:
    """``wrk --latency`` for ``seconds`` with ``connections`` (threads: at most 2)."""
    threads = 1 if connections == 1 else 2
    env = dict(os.environ)
    env["BENCH_METHOD"] = endpoint.method
    env["BENCH_COOKIE"] = endpoint.cookie
    env["BENCH_EXPECT"] = str(endpoint.expect)
    env["BENCH_BODY_FILE"] = ""
    env["BENCH_CONTENT_TYPE"] = endpoint.content_type
    env["BENCH_PATHS_FILE"] = ""
    if endpoint.paths:
        paths_file = workdir / "paths.txt"
        paths_file.write_text("\n".join(endpoint.paths) + "\n", encoding="ascii")
        env["BENCH_PATHS_FILE"] = str(paths_file)
    if endpoint.body:
        body_file = workdir / "body.txt"
        body_file.write_bytes(endpoint.body.encode("utf-8"))
        env["BENCH_BODY_FILE"] = str(body_file)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={TIMEOUT}",
        "--latency",
        "-s",
        str(SCRIPT),
        f"http://127.0.0.1:{port}{endpoint.path}",
    ]
    proc = subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
        check=False,
    )
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}  # {endpoint.label}\n{proc.stdout}{proc.stderr}")
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)), None)
    if proc.returncode != 0 or line is None:
        raise WrkFailed(f"wrk failed on {endpoint.label} (exit {proc.returncode}): {proc.stderr}")
    data = json.loads(line[len(MARK) :])
    return Result(
        label=endpoint.label,
        connections=connections,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        expected=data["expected"],
        unexpected=data["unexpected"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        non_2xx_3xx=data["non_2xx_3xx"],
        first_unexpected=data["first_unexpected"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )
