"""The terminal as a channel: `safercity chat`, interactive or with piped input."""

from __future__ import annotations

import getpass
from typing import TextIO

from actions.messages import InboundMessage
from bot.runtime import Runtime

CHANNEL = "console"


def chat(runtime: Runtime, stdin: TextIO, stdout: TextIO, *, address: str | None = None) -> int:
    """Send each line of `stdin` as a message; print the bot's replies. Returns an exit code."""
    who = address or f"{getpass.getuser()}@console"
    interactive = stdin.isatty()
    if interactive:
        stdout.write("SaferCity: type a message, Ctrl-D to quit.\n")
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if line == "":
            break
        reply = runtime.service.receive(
            InboundMessage(channel=CHANNEL, address=who, text=line.rstrip("\r\n"))
        )
        for text in reply.texts:
            stdout.write(("bot: " if interactive else "") + text + "\n")
        stdout.flush()
    return 0
