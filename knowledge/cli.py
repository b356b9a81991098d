"""Command line of the knowledge base: ``python -m knowledge <command>``.

Exit codes: 0 done, 2 nothing found, 64 bad usage, 69 knowledge base not built (as sysexits);
for ``add``: 3 empty file, 4 duplicate of a published plan, 5 no task found, 6 not published
(read poorly without --force, metadata missing, or the rebuild failed), 65 unreadable file,
66 no such file; for ``backup``: 65 not a backup (or of another database kind), 66 no such
backup or database, 69 pg_dump/pg_restore missing, 73 the target database holds tables,
74 pg_dump/pg_restore failed. Messages for people are Vietnamese (wording/cli.yml) and go to stderr;
results go to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from sqlalchemy.exc import OperationalError, ProgrammingError

from knowledge import migrations
from knowledge.dossiers.demo import seed_demo
from knowledge.officials import cli as officials_cli
from knowledge.plans.build import build
from knowledge.plans.deadlines import DeadlineOccurrence, deadlines_between, next_deadlines
from knowledge.plans.decide import THRESHOLDS
from knowledge.plans.formats import UnreadableDocument
from knowledge.plans.formats.intake import IntakeRefused, Preview, preview_file, publish, withdraw
from knowledge.plans.lookups import write_lookups
from knowledge.plans.manifest import load_manifests
from knowledge.plans.search import catalog
from knowledge.plans.service import (
    NotFoundError,
    TargetMatch,
    TaskMatch,
    UnitWork,
    find_targets,
    find_tasks,
    list_plans,
    unit_work,
)
from knowledge.plans.units import load_registry
from knowledge.privacy.cli import add_commands as add_privacy_commands
from knowledge.shared.backup import BackupError, create_backup, restore_backup
from knowledge.shared.db import get_engine
from knowledge.shared.periods import vietnam_today
from knowledge.shared.settings import configure, load_settings
from knowledge.shared.wording import say

_T = TypeVar("_T")

EXIT_NOT_FOUND = 2
EXIT_EMPTY = 3
EXIT_DUPLICATE = 4
EXIT_NO_TASKS = 5
EXIT_NOT_PUBLISHED = 6
EXIT_USAGE = 64
EXIT_UNREADABLE = 65
EXIT_NO_INPUT = 66
EXIT_UNAVAILABLE = 69
EXIT_CANT_CREATE = 73
EXIT_IO = 74


class UsageError(Exception):
    """The command line cannot be acted on; ``str()`` is a Vietnamese message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, say("cli.usage_error", message=message) + "\n")


def run() -> int:
    """The command line as a program (``python -m knowledge``): the settings are checked first,
    with ``.env`` read."""
    configure()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        print(say("cli.usage_error", message=error), file=sys.stderr)
        return EXIT_USAGE
    except NotFoundError as error:
        print(error, file=sys.stderr)
        return EXIT_NOT_FOUND
    except (OperationalError, ProgrammingError):
        print(say("cli.not_built"), file=sys.stderr)
        return EXIT_UNAVAILABLE


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m knowledge", description=say("cli.description"))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_)
        sub.add_argument("--json", action="store_true", help=say("cli.help_json"))
        sub.set_defaults(handler=handler)
        return sub

    command("build", _build, say("cli.help_build"))
    migrate = command("migrate", _migrate, say("cli.help_migrate"))
    migrate.add_argument("--check", action="store_true", help=say("cli.help_migrate_check"))
    seed = command("seed-demo", _seed_demo, say("cli.help_seed_demo"))
    seed.add_argument("--count", type=_positive, help=say("cli.help_count"))
    seed.add_argument("--seed", type=int, help=say("cli.help_seed"))
    lookups = command("lookups", _lookups, say("cli.help_lookups"))
    lookups.add_argument("--out", type=Path, required=True, help=say("cli.help_out"))
    command("stats", _stats, say("cli.help_stats"))
    command("plans", _plans, say("cli.help_plans"))

    add = command("add", _add, say("cli.help_add"))
    add.add_argument("file", type=Path, help=say("cli.help_add_file"))
    add.add_argument("--dry-run", action="store_true", help=say("cli.help_dry_run"))
    add.add_argument("--force", action="store_true", help=say("cli.help_force"))
    add.add_argument("--slug", help=say("cli.help_slug"))
    add.add_argument("--title", help=say("cli.help_title"))
    add.add_argument("--year", type=_positive, help=say("cli.help_year"))
    add.add_argument("--locality", help=say("cli.help_locality"))
    add.add_argument("--level", choices=("province", "city", "district", "commune"))
    add.add_argument("--number", help=say("cli.help_number"))
    add.add_argument("--issuer", help=say("cli.help_issuer"))
    remove = command("remove", _remove, say("cli.help_remove"))
    remove.add_argument("slug", help=say("cli.help_remove_slug"))

    search = command("search", _search, say("cli.help_search"))
    search.add_argument("text")
    _add_scope(search)
    search.add_argument("--year", type=int)
    search.add_argument("--unit", help=say("cli.help_search_unit"))
    search.add_argument("--role", choices=("lead", "support"))
    search.add_argument("--limit", type=int, default=5)

    unit = command("unit", _unit, say("cli.help_unit"))
    unit.add_argument("name")
    _add_scope(unit)
    unit.add_argument("--role", choices=("lead", "support"))

    deadlines = command("deadlines", _deadlines, say("cli.help_deadlines"))
    deadlines.add_argument("--from", dest="start", type=_date, help=say("cli.help_from"))
    deadlines.add_argument("--to", dest="end", type=_date, help=say("cli.help_to"))
    deadlines.add_argument("--next", action="store_true", help=say("cli.help_next"))
    _add_scope(deadlines)

    backup = commands.add_parser("backup", help=say("backup.help"))
    steps = backup.add_subparsers(dest="step", required=True, parser_class=_Parser)
    create = steps.add_parser("create", help=say("backup.help_create"))
    create.add_argument("--out", type=Path, help=say("backup.help_out"))
    restore = steps.add_parser("restore", help=say("backup.help_restore"))
    restore.add_argument("file", type=Path, help=say("backup.help_file"))
    restore.add_argument("--force", action="store_true", help=say("backup.help_force"))
    for step, handler in ((create, _backup_create), (restore, _backup_restore)):
        step.add_argument("--database-url", help=say("backup.help_database_url"))
        step.set_defaults(handler=handler)
    officials_cli.add_commands(
        commands.add_parser("officials", help=say("accounts.help_officials"))
    )

    targets = command("targets", _targets, say("cli.help_targets"))
    targets.add_argument("topic")
    targets.add_argument("--document")
    targets.add_argument("--limit", type=int, default=5)
    add_privacy_commands(command)
    return parser


def _add_scope(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locality", help=say("cli.help_locality"))
    parser.add_argument("--document", help=say("cli.help_document"))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.bad_date", value=text)) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(say("cli.not_positive", value=text))
    return int(text)


def _required_text(value: str, empty_key: str) -> str:
    """``value``, unless blank: then a UsageError saying ``empty_key`` of the catalogue."""
    if not value.strip():
        raise UsageError(say(empty_key))
    return value


# --- commands ----------------------------------------------------------------------------------


def _build(args: argparse.Namespace) -> int:
    engine = get_engine()
    # Every table, the knowledge base's and those it shares the database with (dossiers,
    # complaints, reminders), comes from the migrations; the build then only refills its own.
    migrations.upgrade(engine)
    report = build(engine)
    if args.json:
        _print_json(report)
    else:
        print(
            say(
                "cli.built",
                documents=report.documents,
                tasks=report.tasks,
                targets=report.targets,
                deadlines=report.deadlines,
                units=report.units,
                seconds=f"{report.seconds:.2f}",
            )
        )
        for name in report.unlisted_units:
            print(say("cli.unlisted_unit", name=name), file=sys.stderr)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    engine = get_engine()
    before = migrations.current(engine)
    if not args.check:
        migrations.upgrade(engine)
    after = migrations.current(engine)
    differences = [str(difference) for difference in migrations.differences(engine)]
    if args.json:
        _print_json(
            {
                "before": before,
                "after": after,
                "head": migrations.head(),
                "differences": differences,
            }
        )
    elif args.check:
        print(say("cli.migration_state", revision=after or "-", head=migrations.head()))
    else:
        print(say("cli.migrated", before=before or "-", after=after))
    for difference in differences if not args.json else []:
        print(say("cli.schema_differs", difference=difference), file=sys.stderr)
    behind = after != migrations.head()
    return 1 if differences or (args.check and behind) else 0


def _seed_demo(args: argparse.Namespace) -> int:
    given = {"count": args.count, "seed": args.seed}
    inserted = seed_demo(
        get_engine(), **{key: value for key, value in given.items() if value is not None}
    )
    if args.json:
        _print_json({"inserted": inserted})
    else:
        print(say("cli.seeded", inserted=inserted))
    return 0


_BACKUP_EXITS = {
    "unsupported": EXIT_USAGE,
    "unreadable": EXIT_UNREADABLE,
    "wrong_kind": EXIT_UNREADABLE,
    "no_backup": EXIT_NO_INPUT,
    "no_database": EXIT_NO_INPUT,
    "tool_missing": EXIT_UNAVAILABLE,
    "not_empty": EXIT_CANT_CREATE,
    "tool_failed": EXIT_IO,
}


def _backup_create(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        path = create_backup(
            args.database_url or settings.database_url, args.out or settings.backup_dir
        )
    except BackupError as error:
        return _backup_failed(error)
    print(say("backup.created", path=path, size=f"{path.stat().st_size / 1e6:.1f}"))
    return 0


def _backup_restore(args: argparse.Namespace) -> int:
    database_url = args.database_url or load_settings().database_url
    try:
        restore_backup(args.file, database_url, force=args.force)
    except BackupError as error:
        return _backup_failed(error)
    print(say("backup.restored", path=args.file))
    return 0


def _backup_failed(error: BackupError) -> int:
    print(say(f"backup.{error.reason}", **error.details), file=sys.stderr)
    return _BACKUP_EXITS[error.reason]


def _lookups(args: argparse.Namespace) -> int:
    paths = write_lookups(args.out, load_registry(), load_manifests())
    if args.json:
        _print_json([str(path) for path in paths])
    else:
        for path in paths:
            print(say("cli.written", path=path))
    return 0


def _stats(args: argparse.Namespace) -> int:
    kb = catalog()
    counts = {
        "documents": len(kb.documents),
        "tasks": len(kb.tasks),
        "targets": len(kb.targets),
        "deadlines": len(kb.deadlines),
        "units": len(kb.units),
        "responsibilities": len(kb.responsibilities),
    }
    if args.json:
        _print_json(counts)
    else:
        print(say("cli.counts", **counts))
    return 0


def _plans(args: argparse.Namespace) -> int:
    plans = list_plans()
    if args.json:
        _print_json(plans)
    else:
        for plan in plans:
            print(say("cli.plan", slug=plan.slug, citation=plan.citation, tasks=plan.tasks))
    return 0


_UNREADABLE_EXITS = {"file_missing": EXIT_NO_INPUT, "file_empty": EXIT_EMPTY}
_REFUSED_EXITS = {
    "duplicate": EXIT_DUPLICATE,
    "no_tasks": EXIT_NO_TASKS,
    "not_found": EXIT_NOT_FOUND,
}


def _add(args: argparse.Namespace) -> int:
    overrides = {
        "slug": args.slug,
        "title": args.title,
        "year": args.year,
        "locality": args.locality,
        "level": args.level,
        "number": args.number,
        "issuer": args.issuer,
    }
    try:
        preview = preview_file(args.file, overrides=overrides)
        if not args.json:
            _print_preview(preview)
        if args.dry_run:
            if args.json:
                _print_json({"status": "dry_run", **_preview_json(preview)})
            else:
                print(say("documents.dry_run"))
            return 0
        report = publish(preview, force=args.force)
    except UnreadableDocument as error:
        return _refusal(args, error.reason, str(error), _UNREADABLE_EXITS.get(error.reason))
    except IntakeRefused as error:
        if error.preview is not None and not args.json and error.reason == "no_tasks":
            _print_preview(error.preview)
        code = _REFUSED_EXITS.get(error.reason, EXIT_NOT_PUBLISHED)
        return _refusal(args, error.reason, str(error), code, error.preview)
    message = say(
        "documents.published", slug=preview.slug, documents=report.documents, tasks=report.tasks
    )
    if args.json:
        _print_json({"status": "published", **_preview_json(preview), "build": report})
    else:
        print(message)
    return 0


def _remove(args: argparse.Namespace) -> int:
    try:
        report = withdraw(args.slug)
    except IntakeRefused as error:
        code = _REFUSED_EXITS.get(error.reason, EXIT_NOT_PUBLISHED)
        return _refusal(args, error.reason, str(error), code)
    if args.json:
        _print_json({"status": "withdrawn", "slug": args.slug, "build": report})
    else:
        print(
            say(
                "documents.withdrawn",
                slug=args.slug,
                documents=report.documents,
                tasks=report.tasks,
            )
        )
    return 0


def _refusal(
    args: argparse.Namespace,
    reason: str,
    message: str,
    code: int | None,
    preview: Preview | None = None,
) -> int:
    print(message, file=sys.stderr)
    if args.json:
        details = _preview_json(preview) if preview is not None else {}
        _print_json({"status": "refused", "reason": reason, "message": message, **details})
    return EXIT_UNREADABLE if code is None else code


def _preview_json(preview: Preview) -> dict[str, Any]:
    data = _jsonable(preview)
    data.pop("text", None)
    return dict(data)


def _print_preview(preview: Preview) -> None:
    meta = preview.metadata
    unknown = say("documents.preview_not_stated")

    def shown(value: Any) -> str:
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        return str(value) if value not in (None, "") else unknown

    pages = f", {preview.pages} trang" if preview.pages else ""
    level = _LEVEL_NAMES.get(str(meta.get("level")), meta.get("level"))
    print(
        say("documents.preview_read", name=preview.file_name, kind=preview.file_kind, pages=pages)
    )
    print(say("documents.preview_document", title=shown(meta.get("title"))))
    print(
        say(
            "documents.preview_citation",
            **{
                name: shown(meta.get(name))
                for name in ("number", "issued", "issuer", "locality", "year")
            },
            level=shown(level),
        )
    )
    print(say("documents.preview_slug", slug=preview.slug))
    print(say("documents.preview_counts", **preview.counts))
    if preview.sample:
        print(say("documents.preview_sample"))
        for task in preview.sample:
            print(say("documents.preview_task", text=_shorten(task.text)))
            print(
                say(
                    "documents.preview_task_units",
                    lead=", ".join(task.lead) or unknown,
                    support=", ".join(task.support) or unknown,
                    due=task.due or unknown,
                    section=task.section,
                )
            )
    if preview.unresolved:
        print(say("documents.preview_unresolved"))
        for unit in preview.unresolved:
            key = "preview_unresolved_nearest" if unit.nearest else "preview_unresolved_unit"
            print(say(f"documents.{key}", name=unit.name, nearest=unit.nearest))
    if preview.warnings:
        print(say("documents.preview_warnings"))
        for warning in preview.warnings:
            print(f"  - {warning}")


_LEVEL_NAMES = {
    "province": "cấp tỉnh",
    "city": "thành phố thuộc tỉnh",
    "district": "cấp huyện",
    "commune": "cấp xã",
}


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _search(args: argparse.Namespace) -> int:
    text = _required_text(args.text, "cli.empty_search")
    matches = find_tasks(
        text,
        locality=args.locality,
        document=args.document,
        year=args.year,
        unit=args.unit,
        role=args.role,
        limit=args.limit,
    )
    # Rows holding a few scattered words of the query are no match (as in the assistant).
    matches = [m for m in matches if m.coverage >= THRESHOLDS.clarify_coverage]
    if not matches:
        raise NotFoundError(say("cli.no_task", query=text))
    _print(args, matches, _task_lines)
    return 0


def _unit(args: argparse.Namespace) -> int:
    name = _required_text(args.name, "cli.empty_unit")
    works = unit_work(name, locality=args.locality, document=args.document, role=args.role)
    _print(args, works, _unit_lines)
    return 0


def _deadlines(args: argparse.Namespace) -> int:
    scope = {"locality": args.locality, "document": args.document}
    if args.next:
        occurrences = next_deadlines(args.start or vietnam_today(), **scope)
    else:
        # Recurring rules never end: an open window needs a default end.
        start = args.start or (date.min if args.end else vietnam_today())
        end = args.end or start + timedelta(days=365)
        if start > end:
            raise UsageError(say("cli.from_after_to"))
        occurrences = deadlines_between(start, end, **scope)
    if not occurrences:
        raise NotFoundError(say("cli.no_deadline"))
    _print(args, occurrences, _deadline_lines)
    return 0


def _targets(args: argparse.Namespace) -> int:
    topic = _required_text(args.topic, "cli.empty_topic")
    matches = find_targets(topic, document=args.document, limit=args.limit)
    if not matches:
        raise NotFoundError(say("cli.no_target", topic=topic))
    _print(args, matches, _target_lines)
    return 0


# --- output ------------------------------------------------------------------------------------


def _print(args: argparse.Namespace, items: Sequence[_T], lines: Callable[[_T], list[str]]) -> None:
    if args.json:
        _print_json(items)
        return
    for item in items:
        print("\n".join(lines(item)))
        print()


def _task_lines(match: TaskMatch) -> list[str]:
    unstated = say("cli.unstated")
    return [
        match.text,
        "  " + say("cli.task_lead", units=", ".join(match.lead) or unstated),
        "  " + say("cli.task_support", units=", ".join(match.support) or unstated),
        "  " + say("cli.task_due", due=match.due or unstated),
        *(["  " + say("cli.task_product", product=match.product)] if match.product else []),
        "  " + say("cli.source", source=match.source),
    ]


def _unit_lines(work: UnitWork) -> list[str]:
    lines = [f"{work.unit.name} ({work.unit.locality})"]
    for key, tasks in (("cli.unit_lead", work.lead), ("cli.unit_support", work.support)):
        lines.append("  " + say(key, count=len(tasks)))
        lines.extend(f"   - {t.text} [{t.source}]" for t in tasks)
    lines.append("  " + say("cli.unit_duties", count=len(work.duties)))
    lines.extend(f"   - {d.text} [{d.source}]" for d in work.duties)
    return lines


def _deadline_lines(occurrence: DeadlineOccurrence) -> list[str]:
    rule = " " + say("cli.recurring", rule=occurrence.rule) if occurrence.recurring else ""
    return [
        f"{occurrence.date:%d/%m/%Y}: {occurrence.title}{rule}",
        *(
            ["  " + say("cli.recipient", recipient=occurrence.recipient)]
            if occurrence.recipient
            else []
        ),
        "  " + say("cli.source", source=occurrence.source),
    ]


def _target_lines(match: TargetMatch) -> list[str]:
    return [match.text, "  " + say("cli.source", source=match.source)]


def _print_json(value: Any) -> None:
    print(json.dumps(_jsonable(value), ensure_ascii=False, indent=2))


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
