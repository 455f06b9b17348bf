"""`safercity telegram ...` and `safercity outbox ...`: the channels' commands.

    safercity telegram set-webhook   register SAFERCITY_PUBLIC_URL/webhooks/telegram + secret
    safercity telegram poll          long polling, for local runs without a public URL
    safercity outbox run [--once]    the outbox worker as its own process
    safercity outbox status          counts per status and recent failures (no addresses)

Provider libraries are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.settings import Settings


def cmd_telegram_set_webhook(_args: argparse.Namespace, settings: Settings) -> int:
    if not (settings.telegram_bot_token and settings.telegram_webhook_secret):
        print("safercity: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET", file=sys.stderr)
        return 2
    if not settings.safercity_public_url.startswith("https://"):
        print(
            "safercity: Telegram only calls https webhooks: set SAFERCITY_PUBLIC_URL "
            "(or run `safercity telegram poll` locally)",
            file=sys.stderr,
        )
        return 2
    from bot.channels.telegram import set_webhook

    url = asyncio.run(set_webhook(settings))
    print(f"Telegram webhook set to {url}")
    return 0


def cmd_telegram_poll(_args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_bot_token:
        print("safercity: set TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    from bot.channels.telegram import poll
    from bot.runtime import build_runtime

    print("polling Telegram (this removes the webhook; run set-webhook to restore it)")
    poll(build_runtime(settings))
    return 0


def cmd_outbox_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.outbox import run_worker
    from bot.runtime import open_store

    engine, session_factory = open_store(settings)
    try:
        attempted = asyncio.run(
            run_worker(session_factory, settings, once=args.once, interval=args.interval)
        )
    except KeyboardInterrupt:
        return 0
    finally:
        engine.dispose()
    if args.once:
        print(f"outbox: {attempted} message(s) attempted")
    return 0


def cmd_outbox_status(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.outbox import print_status
    from bot.runtime import open_store

    engine, session_factory = open_store(settings)
    try:
        return print_status(session_factory, sys.stdout)
    finally:
        engine.dispose()


def add_commands(sub: Any) -> None:
    """Add `telegram` and `outbox` to the `safercity` sub-commands."""
    telegram = sub.add_parser("telegram", help="the Telegram channel")
    telegram_sub = telegram.add_subparsers(dest="telegram", required=True)
    set_webhook = telegram_sub.add_parser(
        "set-webhook", help="register SAFERCITY_PUBLIC_URL/webhooks/telegram with the secret"
    )
    set_webhook.set_defaults(handler=cmd_telegram_set_webhook)
    poll = telegram_sub.add_parser("poll", help="long polling, without a public URL")
    poll.set_defaults(handler=cmd_telegram_poll)

    outbox = sub.add_parser("outbox", help="messages the service starts")
    outbox_sub = outbox.add_subparsers(dest="outbox", required=True)
    run = outbox_sub.add_parser("run", help="send queued messages (a worker process)")
    run.add_argument("--once", action="store_true", help="send what is due, then exit")
    run.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")
    run.set_defaults(handler=cmd_outbox_run)
    status = outbox_sub.add_parser("status", help="counts per status and recent failures")
    status.set_defaults(handler=cmd_outbox_status)
