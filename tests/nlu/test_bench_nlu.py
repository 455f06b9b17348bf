"""scripts/bench_nlu.py, the benchmark of the NLU engines: what it computes and writes, not
how fast anything is (speed is measured by running it, never asserted in a test)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nlu.training_data import load, split_dir

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_nlu.py"
MARKER = "<!-- notes below are kept when the figures are regenerated -->"


@pytest.fixture(scope="module")
def bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_nlu", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rounds_in_turn_report_the_median_and_range_of_the_paired_ratios(bench: Any) -> None:
    # each round pairs the two engines' passes: the ratio is taken per round, not of medians
    # (the medians' ratio would read 700 / 50 = 14.0x)
    summary = bench.rounds_summary([(800.0, 50.0), (600.0, 60.0), (700.0, 40.0)])
    assert summary == (
        "throughput in turn, 3 rounds: embedded 700.0 and Rasa 50.0 messages/s (medians); "
        "ratio median 16.0x, range 10.0-17.5x"
    )


def test_the_table_marks_missing_figures_and_takes_the_rasa_server_s_memory(bench: Any) -> None:
    table = bench.table(
        [
            {"engine": "embedded", "train_s": 51.2, "p99_ms": 2.8, "peak_rss_mb": 173.3},
            {"engine": "rasa", "p99_ms": 36.8, "server_peak_rss_mb": 912.0},
        ]
    )
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert rows["measure"] == "| measure | embedded | rasa |"
    assert rows["training time (s)"] == "| training time (s) | 51.2 | n/a |"
    assert rows["parse latency p99 (ms)"] == "| parse latency p99 (ms) | 2.8 | 36.8 |"
    assert rows["peak memory, serving (MB RSS)"].endswith("| 173.3 | 912.0 |")


def test_rewriting_the_doc_keeps_the_notes_below_the_marker(
    bench: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "nlu-benchmark.md"
    doc.write_text(f"# old figures\n\n| stale |\n{MARKER}\n\n## Notes\n\nkept by hand\n")
    monkeypatch.setattr(bench, "DOC", doc)
    summary = bench.rounds_summary([(700.0, 50.0)])
    bench._write_docs("| measure | embedded |", [], ["--train", "--write-docs"], summary)
    text = doc.read_text(encoding="utf-8")
    figures, notes = text.split(MARKER)
    assert "| stale |" not in figures and "| measure | embedded |" in figures
    assert ".venv/bin/python scripts/bench_nlu.py --train --write-docs" in figures
    assert "Throughput in turn, 1 rounds:" in figures
    assert notes == "\n\n## Notes\n\nkept by hand\n"


def test_the_worker_reports_every_figure_the_table_reads(bench: Any) -> None:
    figures = bench.worker("keywords", None, 1)
    assert figures["engine"] == "keywords"
    assert figures["messages"] == len(load(split_dir("test")).examples)
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert figures["msgs_per_s"] > 0 and figures["load_s"] >= 0 and figures["peak_rss_mb"] > 0
    table_keys = {key for _, key in bench.ROWS} - {"train_s", "train_peak_rss_mb"}
    assert table_keys <= figures.keys()


def test_a_running_server_s_memory_is_read_only_from_the_server_on_the_measured_port(
    tmp_path: Path,
) -> None:
    # scripts/bench_rasa.py reads the pid file rasa-env.sh's `start` leaves; a process that
    # is not `rasa run` on the measured port (or no process at all) gives no figure
    spec = importlib.util.spec_from_file_location("bench_rasa", SCRIPT.with_name("bench_rasa.py"))
    assert spec is not None and spec.loader is not None
    rasa = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rasa)
    argv = [sys.executable, "-c", "import time; time.sleep(60)", "run", "-p", "5099"]
    server = subprocess.Popen(argv)  # a stand-in with rasa run's arguments
    try:
        assert rasa.running_server_pid(tmp_path, "http://127.0.0.1:5099") is None  # no file
        (tmp_path / "server.pid").write_text(f"{server.pid}\n", encoding="utf-8")
        assert rasa.running_server_pid(tmp_path, "http://127.0.0.1:5099") == server.pid
        assert rasa.running_server_pid(tmp_path, "http://127.0.0.1:5005") is None
        assert rasa._rss_peak_mb(server.pid) > 0
    finally:
        server.kill()
        server.wait()
    assert rasa.running_server_pid(tmp_path, "http://127.0.0.1:5099") is None  # gone
