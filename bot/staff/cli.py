"""`safercity staff create-user` and `safercity nlu export-corrections`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.settings import Settings


def add_staff_commands(sub: Any) -> None:
    """Registers `staff create-user` on the top-level subparsers."""
    staff = sub.add_parser("staff", help="staff logins for the review web app")
    staff_sub = staff.add_subparsers(dest="staff", required=True)
    create = staff_sub.add_parser("create-user", help="create a staff login")
    create.add_argument("name", help="the username (letters, digits, . _ - @)")
    create.add_argument("--role", required=True, choices=("reviewer", "supervisor", "analyst"))
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of a prompt",
    )
    create.set_defaults(handler=cmd_create_user)


def add_nlu_commands(nlu_sub: Any) -> None:
    """Registers `nlu export-corrections` on the `nlu` subparsers."""
    export = nlu_sub.add_parser(
        "export-corrections", help="write staff corrections as Rasa NLU YAML for retraining"
    )
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_export_corrections)


def _read_password(args: argparse.Namespace, stdin: TextIO) -> str | None:
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password again: ")
    if first != second:
        print("safercity: the passwords differ", file=sys.stderr)
        return None
    return first


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import open_store
    from bot.staff import auth
    from bot.staff.routes import username_problem

    name = args.name.strip()
    problem = username_problem(name)
    if problem:
        print(f"safercity: {problem}", file=sys.stderr)
        return 2
    password = _read_password(args, sys.stdin)
    if password is None:
        return 2
    problem = auth.password_problem(password)
    if problem:
        print(f"safercity: {problem}", file=sys.stderr)
        return 2
    engine, session_factory = open_store(settings)
    try:
        return _create(session_factory, name, args.role, password)
    finally:
        engine.dispose()


def _create(session_factory: Any, name: str, role: str, password: str) -> int:
    from bot.staff import auth
    from storage import staff as store

    with session_factory() as session:
        if store.user_by_username(session, username=name) is not None:
            print(f"safercity: a user named {name!r} exists already", file=sys.stderr)
            return 1
        store.create_user(
            session, username=name, password_hash=auth.hash_password(password), role=role
        )
        store.add_audit(
            session,
            actor="(command line)",
            action="user.create",
            target_type="staff_user",
            target_id=name,
            after={"username": name, "role": role, "active": True},
        )
        session.commit()
    print(f"created {role} {name}", file=sys.stderr)
    return 0


def cmd_export_corrections(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import open_store
    from bot.staff.corrections import to_rasa_yaml
    from storage import staff as store

    engine, session_factory = open_store(settings)
    try:
        with session_factory() as session:
            document, count = to_rasa_yaml(store.corrections(session))
    finally:
        engine.dispose()
    if args.output:
        Path(args.output).write_text(document, encoding="utf-8")
        print(f"wrote {count} corrected examples to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(document)
    return 0
