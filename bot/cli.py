"""The `safercity` command line (INTERFACES.md): every command reads the same Settings."""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot import channel_commands
from bot.settings import Settings
from bot.staff import cli as staff_cli
from nlu import cli as nlu_cli

Handler = Callable[[argparse.Namespace, Settings], int]


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.safercity_log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO: Telegram's carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


# ------------------------------------------------------------------ commands
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.app import create_app

    app = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.console import chat
    from bot.runtime import build_runtime

    runtime = build_runtime(settings)
    stdin: TextIO = sys.stdin
    if not sys.stdin.isatty():  # piped: broken UTF-8 is replaced, never a crash
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    return chat(runtime, stdin, sys.stdout, address=args.address)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import current_revision, make_engine, upgrade

    engine = make_engine(settings.safercity_database_url)
    upgrade(engine, args.revision)
    print(f"database schema at revision {current_revision(engine)}")
    return 0


def cmd_reports_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import open_store
    from storage import export

    _, session_factory = open_store(settings)
    with session_factory() as session:
        if args.output:
            with Path(args.output).open("w", encoding="utf-8", newline="") as out:
                count = export.write(session, args.format, out)
            print(f"wrote {count} reports to {args.output}", file=sys.stderr)
        else:
            export.write(session, args.format, sys.stdout)
    return 0


def cmd_nlu_parse(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.loader import load_engine

    engine = load_engine(settings.safercity_nlu_engine, rasa_url=settings.rasa_url)
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        sys.stdout.write(json.dumps(_parse_line(engine, line), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _parse_line(engine: Any, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "error": "each line must be a JSON object"}
    message_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": message_id, "error": "'text' must be a string"}
    try:
        result: dict[str, Any] = engine.parse(text).to_json(message_id)
    except Exception as exc:  # the contract: one bad line never stops the stream
        logging.getLogger(__name__).exception("parse failed")
        return {"id": message_id, "error": f"parse failed: {type(exc).__name__}"}
    return result


# ------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safercity", description="SaferCity: chat-based safety reporting for Belize"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)

    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--address", help="who you are on the console channel (default: you)")
    chat.set_defaults(handler=cmd_chat)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    upgrade = db.add_parser("upgrade", help="bring the schema up to date (Alembic)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=cmd_db_upgrade)

    reports = sub.add_parser("reports", help="reports in the store")
    reports_sub = reports.add_subparsers(dest="reports", required=True)
    export = reports_sub.add_parser("export", help="write every report")
    export.add_argument("--format", choices=("jsonl", "csv", "geojson"), default="jsonl")
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_reports_export)

    nlu = sub.add_parser("nlu", help="the language understanding engine")
    nlu_sub = nlu.add_subparsers(dest="nlu", required=True)
    parse = nlu_sub.add_parser("parse", help="JSON lines in, JSON lines out")
    parse.set_defaults(handler=cmd_nlu_parse)
    channel_commands.add_commands(sub)  # telegram set-webhook|poll, outbox run|status
    staff_cli.add_nlu_commands(nlu_sub)  # nlu export-corrections
    nlu_cli.add_commands(nlu_sub)  # nlu train|evaluate
    staff_cli.add_staff_commands(sub)  # staff create-user

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:
        print(f"safercity: invalid settings: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    handler: Handler = args.handler
    return handler(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
