"""``python -m knowledge retention run`` and ``python -m knowledge privacy export|erase``.

``retention run`` applies the configured retention once (the launcher runs it daily; a cron job
can run it where services are started otherwise). ``privacy export`` prints, as JSON, everything
stored about the citizen with this complaint code or phone, for the official handling their
request; ``privacy erase`` erases it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict

from knowledge.privacy.conversations import tracker_store_url
from knowledge.privacy.service import PrivacyService
from knowledge.shared.db import get_engine, make_engine
from knowledge.shared.settings import load_retention
from knowledge.shared.wording import say

Command = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]
EXIT_USAGE = 64


def add_commands(command: Command) -> None:
    """Register the commands on the knowledge command line (``command`` makes one)."""
    retention = command("retention", _retention, say("privacy_cli.help_retention"))
    retention.add_argument("action", choices=("run",))
    privacy = command("privacy", _privacy, say("privacy_cli.help_privacy"))
    privacy.add_argument("action", choices=("export", "erase"))
    privacy.add_argument("--code", help=say("privacy_cli.help_code"))
    privacy.add_argument("--phone", help=say("privacy_cli.help_phone"))


def _service() -> PrivacyService:
    url = tracker_store_url().render_as_string(hide_password=False)
    return PrivacyService(get_engine(), make_engine(url))


def _retention(args: argparse.Namespace) -> int:
    done = _service().apply_retention(load_retention())
    if args.json:
        print(json.dumps(asdict(done)))
    else:
        print(say("privacy_cli.retention_done", **asdict(done)))
    return 0


def _privacy(args: argparse.Namespace) -> int:
    if not (args.code or args.phone):
        print(say("privacy_cli.code_or_phone"), file=sys.stderr)
        return EXIT_USAGE
    service = _service()
    if args.action == "export":
        found = service.export(code=args.code, phone=args.phone)
        print(json.dumps(asdict(found), ensure_ascii=False, indent=2))
        if not found.complaints:
            print(say("privacy_cli.nothing_found"), file=sys.stderr)
        return 0
    done = service.erase(code=args.code, phone=args.phone)
    if args.json:
        print(json.dumps(asdict(done)))
    else:
        print(say("privacy_cli.erased", **asdict(done)))
    return 0
