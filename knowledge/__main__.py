"""``python -m knowledge``: the knowledge-base command line (see ``knowledge.cli``)."""

from knowledge.cli import main

raise SystemExit(main())
