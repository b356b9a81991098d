"""``python -m knowledge``: the knowledge-base command line (see ``knowledge.cli``)."""

from knowledge.cli import run

raise SystemExit(run())
