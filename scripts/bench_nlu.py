"""Benchmark the NLU engines side by side on the same messages (a benchmark, not a test).

    .venv/bin/python scripts/bench_nlu.py                      # embedded (+ keywords baseline)
    .venv/bin/python scripts/bench_nlu.py --train              # also time a training from scratch
    .venv/bin/python scripts/bench_nlu.py --train --rasa start # also Rasa: train, start, measure
    .venv/bin/python scripts/bench_nlu.py --rasa-json FILE     # Rasa figures from bench_rasa.py
    .venv/bin/python scripts/bench_nlu.py --rasa running --rounds 7  # also passes in turn
    ... --write-docs                                           # rewrite docs/nlu-benchmark.md

Messages are the held-out split's texts (`--repeat N` passes). Each engine is measured in a
fresh Python process, so its load time includes importing its libraries and its peak memory
(VmHWM, the resident high-water mark) is its own. Latency is per `parse()` call, one message
at a time after a warm-up; throughput is sequential messages per second, with the engine's
caches emptied before each pass (`clear_caches()`, where it has one). The Rasa half runs
scripts/bench_rasa.py (the Rasa engine's own benchmark), whose memory figure is the Rasa
server process's and whose latency includes the HTTP round trip to it.

On a shared machine one engine's passes can run while a neighbour is busy and the other's
while it is quiet. `--rounds N` (with `--rasa running`) therefore also measures the two
engines in turn: each round is one pass of each over the same messages, the embedded engine
in a worker process kept loaded between rounds (caches emptied before each pass), Rasa
through its adapter; the order alternates from round to round. It prints each round's ratio
and their median, which both engines' slow and fast moments share.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "nlu-benchmark.md"


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _texts() -> list[str]:
    from nlu.training_data import load, split_dir

    return [ex.text for ex in load(split_dir("test")).examples]


def _warmed_up(engine_name: str, cache: str | None) -> tuple[Any, list[str], Any, float]:
    """The engine loaded (its load time: import, model, first parse) and warmed up on the
    first messages; the messages; and what empties its caches."""
    started = time.perf_counter()
    from nlu.loader import load_engine

    engine = load_engine(engine_name, cache=Path(cache) if cache else None)
    engine.parse("warm up")
    load_s = time.perf_counter() - started
    texts = _texts()
    for text in texts[:20]:
        engine.parse(text)
    # An engine's caches (words, places) start cold on every pass: passes repeat the same
    # messages, which real traffic does not.
    forget = getattr(engine, "clear_caches", lambda: None)
    return engine, texts, forget, load_s


def worker(engine_name: str, cache: str | None, repeat: int) -> dict[str, Any]:
    """Runs in a fresh process: load the engine, parse every message, report figures."""
    engine, texts, forget, load_s = _warmed_up(engine_name, cache)
    latencies: list[float] = []
    total = 0.0
    for _ in range(repeat):
        forget()
        t_pass = time.perf_counter()
        for text in texts:
            t0 = time.perf_counter()
            engine.parse(text)
            latencies.append((time.perf_counter() - t0) * 1000)
        total += time.perf_counter() - t_pass
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    return {
        "engine": engine_name,
        "messages": len(latencies),
        "load_s": round(load_s, 2),
        "p50_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(p99, 3),
        "msgs_per_s": round(len(latencies) / total, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def pass_worker(engine_name: str, cache: str | None) -> None:
    """Runs in a fresh process: load the engine, then one pass over the messages, caches
    emptied first, for each line read from stdin; each pass's messages/s on stdout."""
    engine, texts, forget, _ = _warmed_up(engine_name, cache)
    print("ready", flush=True)
    for _ in sys.stdin:
        forget()
        started = time.perf_counter()
        for text in texts:
            engine.parse(text)
        print(round(len(texts) / (time.perf_counter() - started), 1), flush=True)


def _rasa_pass(texts: list[str]) -> float:
    """One pass of the running Rasa server, through scripts/bench_rasa.py's own measure."""
    from bench_rasa import measure  # scripts/, beside this file

    figures = measure(os.environ.get("RASA_URL", "http://127.0.0.1:5005"), texts, warmup=0)
    if figures["fallbacks"]:
        raise SystemExit("Rasa fell back to the embedded engine during a round")
    msgs_per_s: float = figures["msgs_per_s"]
    return msgs_per_s


def rounds(cache: Path | None, n: int) -> list[tuple[float, float]]:
    """(embedded, Rasa) messages/s for `n` rounds of one pass each, in alternating order."""
    cmd = [sys.executable, __file__, "--pass-worker", "embedded"]
    if cache:
        cmd += ["--cache", str(cache)]
    texts = _texts()
    _rasa_pass(texts[:20])  # warm up
    out: list[tuple[float, float]] = []
    with subprocess.Popen(  # noqa: S603
        cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as worker_proc:
        send, receive = worker_proc.stdin, worker_proc.stdout
        if send is None or receive is None or receive.readline().strip() != "ready":
            raise SystemExit("the embedded pass worker did not start")

        def embedded_pass() -> float:
            send.write("pass\n")
            send.flush()
            return float(receive.readline())

        for i in range(n):
            if i % 2 == 0:
                embedded, rasa = embedded_pass(), _rasa_pass(texts)
            else:
                rasa, embedded = _rasa_pass(texts), embedded_pass()
            out.append((embedded, rasa))
            print(
                f"round {i + 1}: embedded {embedded:.1f}, Rasa {rasa:.1f} messages/s, "
                f"{embedded / rasa:.1f}x",
                flush=True,
            )
        send.close()
    return out


def rounds_summary(figures: list[tuple[float, float]]) -> str:
    ratios = sorted(e / r for e, r in figures)
    return (
        f"throughput in turn, {len(figures)} rounds: embedded "
        f"{statistics.median(e for e, _ in figures):.1f} and Rasa "
        f"{statistics.median(r for _, r in figures):.1f} messages/s (medians); "
        f"ratio median {statistics.median(ratios):.1f}x, "
        f"range {ratios[0]:.1f}-{ratios[-1]:.1f}x"
    )


def _run_worker(engine: str, cache: Path | None, repeat: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", engine, "--repeat", str(repeat)]
    if cache:
        cmd += ["--cache", str(cache)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise SystemExit(f"{engine} worker failed:\n{proc.stderr}")
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def _train_embedded(cache: Path) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "bot.cli", "nlu", "train", "--force", "--cache", str(cache)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"training failed:\n{proc.stderr}")
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return {"train_s": round(took, 1), "train_peak_rss_mb": round(peak / 1024, 1)}


def _rasa(mode: str, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-nlu-rasa-") as scratch:
        out = Path(scratch) / "rasa.json"
        cmd = [sys.executable, str(ROOT / "scripts" / "bench_rasa.py"), "--json", str(out)]
        cmd += ["--repeat", str(repeat)]
        if mode == "start":
            cmd += ["--train", "--start"]
        # Rasa reuses trained components from its cache (.rasa/cache): switch that off so the
        # training time is a training from scratch, as the embedded engine's is.
        env = {**os.environ, "RASA_MAX_CACHE_SIZE": "0"}
        env["RASA_CACHE_DIRECTORY"] = str(Path(scratch) / "rasa-cache")
        proc = subprocess.run(cmd, cwd=ROOT, env=env, check=False)  # noqa: S603
        if proc.returncode != 0 or not out.exists():
            return {"engine": "rasa", "error": "scripts/bench_rasa.py failed (see above)"}
        figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return figures


ROWS = [
    ("training time (s)", "train_s"),
    ("load time (s)", "load_s"),
    ("parse latency p50 (ms)", "p50_ms"),
    ("parse latency p99 (ms)", "p99_ms"),
    ("throughput (messages/s)", "msgs_per_s"),
    ("peak memory, serving (MB RSS)", "peak_rss_mb"),
    ("peak memory, training (MB RSS)", "train_peak_rss_mb"),
    ("messages parsed", "messages"),
]


def table(results: list[dict[str, Any]]) -> str:
    names = [r.get("engine", "?") for r in results]
    lines = ["| measure | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for label, key in ROWS:
        cells = []
        for r in results:
            value = r.get(key)
            if key == "peak_rss_mb" and value is None:
                value = r.get("server_peak_rss_mb")
            cells.append("n/a" if value is None else str(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help="model cache for the embedded engine")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the test messages")
    parser.add_argument("--train", action="store_true", help="time a training from scratch")
    parser.add_argument(
        "--rasa",
        choices=("off", "running", "start"),
        default="off",
        help="running: measure the server at RASA_URL; start: train and start one",
    )
    parser.add_argument("--rasa-json", type=Path, help="Rasa figures from bench_rasa.py --json")
    parser.add_argument("--no-keywords", action="store_true", help="skip the keyword baseline")
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="with --rasa running: also N rounds of one pass of each engine in turn",
    )
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite {DOC.name}")
    parser.add_argument("--pass-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.cache, args.repeat)))
        return
    if args.pass_worker:
        pass_worker(args.pass_worker, args.cache)
        return
    if args.rounds and args.rasa != "running":
        parser.error("--rounds needs --rasa running")

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as scratch:
        cache = Path(args.cache) if args.cache else None
        embedded: dict[str, Any] = {}
        if args.train:
            cache = Path(scratch) / "cache"
            embedded.update(_train_embedded(cache))
        embedded.update(_run_worker("embedded", cache, args.repeat))
        results.append(embedded)
        in_turn = rounds(cache, args.rounds) if args.rounds else []
    if args.rasa_json:
        results.append(json.loads(args.rasa_json.read_text(encoding="utf-8")))
    elif args.rasa != "off":
        results.append(_rasa(args.rasa, args.repeat))
    if not args.no_keywords:
        results.append(_run_worker("keywords", None, args.repeat))

    text = table(results)
    print(text)
    rasa = next((r for r in results if r.get("engine") == "rasa" and "msgs_per_s" in r), None)
    if rasa and rasa.get("msgs_per_s"):
        ratio = embedded["msgs_per_s"] / rasa["msgs_per_s"]
        print(f"\nembedded throughput = {ratio:.1f} x Rasa's")
    summary = rounds_summary(in_turn) if in_turn else ""
    if summary:
        print(summary)
    if args.write_docs:
        _write_docs(text, results, sys.argv[1:], summary)


def _write_docs(
    text: str, results: list[dict[str, Any]], argv: list[str], summary: str = ""
) -> None:
    command = "python scripts/bench_nlu.py " + " ".join(a for a in argv if a != "--write-docs")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    body = [
        "# NLU benchmark: the embedded engine beside Rasa",
        "",
        "Generated by `scripts/bench_nlu.py` (a benchmark, not a test). Regenerate with:",
        "",
        "```sh",
        f".venv/bin/{command.strip()} --write-docs",
        "```",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine}; "
        f"1-minute load average at the end: {load:.1f} (the machine is shared, so absolute "
        "times are pessimistic).",
        "",
        text,
        "",
        "How each figure is taken: each engine runs in a fresh process; load time is import +",
        "model load + first parse; latency is one `parse()` call at a time over the held-out",
        "messages after 20 warm-up calls; throughput is sequential messages per second over",
        "the passes, the embedded engine's word and place caches emptied before each pass;",
        "peak memory is the process's resident high-water mark (VmHWM). Rasa's figures come",
        "from `scripts/bench_rasa.py`: its memory is the Rasa server's, and its latency",
        "includes the HTTP round trip the service would pay too.",
        "",
    ]
    if summary:
        body[-1:-1] = [
            "",
            summary[0].upper() + summary[1:] + ". Each round is one pass of each engine over",
            "the same messages, in alternating order (`--rounds`), so both see the machine's",
            "busy and quiet moments alike.",
        ]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    existing = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    marker = "<!-- notes below are kept when the figures are regenerated -->"
    notes = existing.split(marker, 1)[1] if marker in existing else "\n"
    DOC.write_text("\n".join(body) + marker + notes, encoding="utf-8")
    print(f"wrote {DOC}")
    _ = results


if __name__ == "__main__":
    main()
