"""The work behind `safercity nlu train|evaluate` (bot/cli.py parses the arguments).

These functions take plain values, not the bot's Settings: `nlu` imports nothing above it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO


def train_command(
    *,
    data_dir: Path | None = None,
    cache: Path | None = None,
    force: bool = False,
    out: TextIO | None = None,
) -> int:
    """Train the embedded engine (unless an up-to-date model is cached) and say where it is."""
    from nlu.embedded.store import ensure_model
    from nlu.training_data import TrainingDataError

    out = out or sys.stderr

    def echo(message: str) -> None:
        print(message, file=out, flush=True)

    started = time.perf_counter()
    try:
        model_dir, meta, trained = ensure_model(
            data_dir, root=cache, force=force, progress=True, echo=echo
        )
    except TrainingDataError as exc:
        echo(f"safercity nlu train: bad training data: {exc}")
        return 2
    if trained:
        echo(f"trained in {time.perf_counter() - started:.1f} s: {model_dir}")
    else:
        echo(f"up to date (the training data has not changed): {model_dir}")
    calibration = meta.get("calibration", {})
    echo(
        f"{meta.get('examples')} examples, {len(meta.get('intents', []))} intents; "
        f"temperature {calibration.get('temperature', 1.0):.3f}, "
        f"urgent threshold {calibration.get('urgent_threshold', 0.5):.2f}"
    )
    return 0


def evaluate_command(
    *,
    engine: str = "embedded",
    file: Path | None = None,
    fmt: str = "markdown",
    rasa_url: str | None = None,
    cache: Path | None = None,
    errors: int = 0,
    out: TextIO | None = None,
) -> int:
    """Score an engine on a labelled file or directory (default: the held-out test split)."""
    from nlu.evaluate import evaluate
    from nlu.loader import load_engine
    from nlu.training_data import TrainingDataError, load, split_dir

    out = out or sys.stdout
    try:
        data = load(file or split_dir("test"))
    except TrainingDataError as exc:
        print(f"safercity nlu evaluate: {exc}", file=sys.stderr)
        return 2
    if not data.examples:
        print("safercity nlu evaluate: no labelled examples in that file", file=sys.stderr)
        return 2
    nlu = load_engine(engine, rasa_url=rasa_url, cache=cache)
    report = evaluate(nlu, data.examples)
    stats = getattr(nlu, "stats", None)
    fallback = int(getattr(stats, "parsed_by_fallback", 0) or 0)
    if fmt == "json":
        payload = report.to_json()
        if fallback:
            payload["parsed_by_fallback"] = fallback
        if errors:
            payload["errors"] = report.errors[:errors]
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(report.to_markdown())
        if fallback:
            out.write(
                f"\nWARNING: {fallback} of {report.examples} messages were parsed by the "
                "fallback engine (the Rasa server was not answering).\n"
            )
        for err in report.errors[:errors]:
            out.write(f"- {json.dumps(err, ensure_ascii=False)}\n")
    return 0


# --------------------------------------------------------------- argparse
def _cmd_train(args: argparse.Namespace, settings: Any) -> int:
    return train_command(data_dir=args.data, cache=args.cache, force=args.force)


def _cmd_evaluate(args: argparse.Namespace, settings: Any) -> int:
    return evaluate_command(
        engine=args.engine or getattr(settings, "safercity_nlu_engine", "embedded"),
        file=args.file,
        fmt=args.format,
        rasa_url=getattr(settings, "rasa_url", None),
        cache=args.cache,
        errors=args.errors,
    )


def add_commands(nlu_sub: Any) -> None:
    """Add `train` and `evaluate` to the `safercity nlu` sub-command parser.

    Handlers are called as handler(args, settings) like every other `safercity` command.
    """
    train = nlu_sub.add_parser(
        "train", help="train the embedded NLU (skipped when the cached model is up to date)"
    )
    train.add_argument("--force", action="store_true", help="retrain even if up to date")
    train.add_argument("--data", type=Path, help="training data (default: nlu/data/train)")
    train.add_argument("--cache", type=Path, help="model cache (default: ~/.cache/safercity/nlu)")
    train.set_defaults(handler=_cmd_train)

    evaluate = nlu_sub.add_parser(
        "evaluate", help="score an engine on labelled data (default: the held-out test split)"
    )
    evaluate.add_argument("file", nargs="?", type=Path, help="a Rasa YAML file or directory")
    evaluate.add_argument(
        "--engine",
        choices=("embedded", "rasa", "keywords"),
        help="default: SAFERCITY_NLU_ENGINE",
    )
    evaluate.add_argument("--format", choices=("markdown", "json"), default="markdown")
    evaluate.add_argument(
        "--cache", type=Path, help="model cache (default: ~/.cache/safercity/nlu)"
    )
    evaluate.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also list the first N mistakes"
    )
    evaluate.set_defaults(handler=_cmd_evaluate)
