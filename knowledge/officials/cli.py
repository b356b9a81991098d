"""``python -m knowledge officials add|list|disable``: the officials' accounts from the command
line, which is how the first admin is made (the page has no account to log in with before).

The password is asked twice without echo (getpass), or read from the first line of standard
input with ``--password-stdin`` (scripts); it never appears on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict

from knowledge.officials.accounts import AccountError, AccountService, AccountView, Role
from knowledge.officials.audit import AuditLog
from knowledge.shared.db import get_engine
from knowledge.shared.wording import say, text

EXIT_USAGE = 64
CLI_OFFICIAL = "cli"  # who the audit log names for what the command line did


def add_commands(parser: argparse.ArgumentParser) -> None:
    """The ``officials`` subcommands, under ``parser``."""
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    add = actions.add_parser("add", help=text("accounts.help_add"))
    add.add_argument("name", help=text("accounts.help_name"))
    add.add_argument(
        "--role",
        required=True,
        choices=[role.value for role in Role],
        help=text("accounts.help_role"),
    )
    add.add_argument("--locality", help=text("accounts.help_locality"))
    add.add_argument("--telegram-id", type=int, help=text("accounts.help_telegram_id"))
    add.add_argument(
        "--password-stdin", action="store_true", help=text("accounts.help_password_stdin")
    )
    add.set_defaults(handler=_add)
    listing = actions.add_parser("list", help=text("accounts.help_list"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    check = actions.add_parser("check", help=text("accounts.help_check"))
    check.set_defaults(handler=_check)
    disable = actions.add_parser("disable", help=text("accounts.help_disable"))
    disable.add_argument("name", help=text("accounts.help_name"))
    disable.set_defaults(handler=_disable)


def _service() -> AccountService:
    return AccountService(get_engine())


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(text("accounts.password_prompt"))
    if getpass.getpass(text("accounts.password_again")) != first:
        raise AccountError(text("accounts.passwords_differ"))
    return first


def _add(args: argparse.Namespace) -> int:
    try:
        account = _service().create(
            args.name,
            _password(args.password_stdin),
            Role(args.role),
            locality=args.locality,
            telegram_id=args.telegram_id,
        )
    except AccountError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    AuditLog(get_engine()).record(CLI_OFFICIAL, "account_add", account.name, account.role.value)
    locality = account.locality or text("accounts.no_locality")
    print(say("accounts.created", name=account.name, role=account.role.value, locality=locality))
    return 0


def _list(args: argparse.Namespace) -> int:
    accounts = _service().all()
    if args.json:
        print(json.dumps([_jsonable(a) for a in accounts], ensure_ascii=False, indent=2))
        return 0
    if not accounts:
        print(text("accounts.no_accounts"), file=sys.stderr)
        print(text("accounts.first_admin"), file=sys.stderr)
        return 0
    for account in accounts:
        print(
            say(
                "accounts.account_line",
                name=account.name,
                role=account.role.value,
                locality=account.locality or text("accounts.no_locality"),
                telegram=account.telegram_id or text("accounts.no_locality"),
                state=text(
                    "accounts.state_disabled" if account.disabled else "accounts.state_active"
                ),
            )
        )
    return 0


def _check(_args: argparse.Namespace) -> int:
    """For the launcher: how to make the first admin when no enabled admin exists."""
    accounts = [a for a in _service().all() if not a.disabled]
    if not any(a.role is Role.ADMIN for a in accounts):
        print(text("accounts.first_admin"), file=sys.stderr)
    else:
        print(say("accounts.accounts_ready", count=len(accounts)))
    return 0


def _disable(args: argparse.Namespace) -> int:
    try:
        account = _service().disable(args.name)
    except AccountError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    AuditLog(get_engine()).record(CLI_OFFICIAL, "account_disable", account.name)
    print(say("accounts.disabled", name=account.name))
    return 0


def _jsonable(account: AccountView) -> dict[str, object]:
    found = asdict(account)
    found.pop("session_epoch")
    found["role"] = account.role.value
    return found
