"""Benchmark the Rasa engine: training time, load time, parse latency, throughput, memory.

A benchmark, not a test: it prints figures (and `--json` writes them for scripts/bench_nlu.py,
which puts both engines side by side). Messages are the held-out split's texts.

    bash scripts/rasa-env.sh setup                      # once
    .venv/bin/python scripts/bench_rasa.py --train --start
    .venv/bin/python scripts/bench_rasa.py --url http://127.0.0.1:5005   # a running server

--train   retrains the model from scratch in a scratch RASA_HOME (wall time, peak RSS)
--start   starts `rasa run --enable-api` on a free port (start-to-ready time, server RSS),
          and stops it at the end; without it, --url names a server already running (its
          memory is read when RASA_HOME/server.pid, from rasa-env.sh start, serves that port)
Latency is measured through the adapter (`RasaEngine.parse`: HTTP round trip + mapping), one
message at a time, after a warm-up; throughput is sequential messages per second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.rasa_engine import RasaEngine  # noqa: E402
from nlu.training_data import load, split_dir  # noqa: E402

ENV_SH = ROOT / "scripts" / "rasa-env.sh"
RASA_HOME = ROOT / ".safercity" / "rasa"  # rasa-env.sh's default
BASH = shutil.which("bash") or "/bin/bash"


def _env_sh(command: str, home: Path, port: int, *extra: str, check: bool = True) -> None:
    env = {**os.environ, "RASA_HOME": str(home), "RASA_PORT": str(port)}
    subprocess.run([BASH, str(ENV_SH), command, *extra], env=env, check=check)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def running_server_pid(home: Path, url: str) -> int | None:
    """The pid of the Rasa server `scripts/rasa-env.sh start` left in `home` when it is
    alive and serves the port of `url` (another server's memory is not this one's)."""
    port = urlsplit(url).port
    try:
        pid = int((home / "server.pid").read_text(encoding="utf-8").strip())
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except (OSError, ValueError):
        return None
    serves = any(a == "-p" and b == str(port) for a, b in pairwise(argv))
    return pid if "run" in argv and serves else None


def train(home: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    _env_sh("train", home, 0, "--force")
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"train_s": round(took, 1), "train_peak_rss_mb": round(max(peak, before) / 1024, 1)}


def start(home: Path, port: int) -> dict[str, float]:
    started = time.perf_counter()
    _env_sh("start", home, port)
    return {"load_s": round(time.perf_counter() - started, 1)}


def stop(home: Path, port: int) -> None:
    _env_sh("stop", home, port, check=False)


def measure(url: str, texts: list[str], *, warmup: int = 20) -> dict[str, Any]:
    """Parse latency p50/p99 (ms) and sequential throughput through the adapter."""
    with RasaEngine(url, timeout=30.0, connect_timeout=2.0) as engine:
        if not engine.ready():
            raise SystemExit(f"no Rasa server ready at {url}")
        for text in texts[:warmup]:
            engine.parse(text)
        latencies: list[float] = []
        started = time.perf_counter()
        for text in texts:
            t0 = time.perf_counter()
            engine.parse(text)
            latencies.append((time.perf_counter() - t0) * 1000)
        total = time.perf_counter() - started
        fallbacks = engine.stats.parsed_by_fallback
    latencies.sort()
    p99_index = min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))
    return {
        "messages": len(texts),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[p99_index], 2),
        "msgs_per_s": round(len(texts) / total, 1),
        "fallbacks": fallbacks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--train", action="store_true", help="time a training from scratch")
    parser.add_argument("--start", action="store_true", help="start (and stop) a server")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the messages")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    texts = [example.text for example in load(split_dir("test")).examples] * args.repeat
    figures: dict[str, Any] = {"engine": "rasa"}
    with tempfile.TemporaryDirectory(prefix="bench-rasa-") as scratch:
        # A scratch RASA_HOME: never touch the pid file of a server started by hand.
        home = Path(scratch)
        if not args.train:
            models = Path(os.environ.get("RASA_HOME", RASA_HOME)) / "models"
            (home / "models").symlink_to(models.resolve())
        if args.train:
            figures.update(train(home))
        url = args.url
        port = _free_port()
        if args.start:
            figures.update(start(home, port))
            url = f"http://127.0.0.1:{port}"
        try:
            figures.update(measure(url, texts))
            if args.start:
                pid: int | None = int((home / "server.pid").read_text())
            else:  # a server started by hand: its pid file, if it is the one measured
                pid = running_server_pid(Path(os.environ.get("RASA_HOME", RASA_HOME)), url)
            rss = _rss_peak_mb(pid) if pid is not None else None
            figures["server_peak_rss_mb"] = round(rss, 1) if rss is not None else None
        finally:
            if args.start:
                stop(home, port)

    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
