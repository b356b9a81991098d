"""The action server: rasa-sdk's own command line with phone numbers masked in its logs.

``python -m bot.actions_server --actions actions --port 5055`` (bot/launcher.py). Sanic serves
from worker processes it spawns afresh, which import this module as ``__mp_main__`` with the
parent's command line: rasa-sdk sets logging up in the parent only, so without the set-up below
a worker would drop every INFO record and print warnings through Python's last-resort handler,
unmasked. (Forking instead is no way out: the forked worker would re-create rasa-sdk's Sanic app
under a name its inherited registry already holds.)
"""

from __future__ import annotations

import argparse

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.utils import configure_colored_logging

from bot.log_masking import mask_phones_in_logs


def configure_logging(args: argparse.Namespace) -> None:
    """What rasa-sdk's main does for logging, behind the masking of phone numbers."""
    mask_phones_in_logs()
    configure_colored_logging(args.loglevel)


def main() -> None:
    args = create_argument_parser().parse_args()
    mask_phones_in_logs()
    main_from_args(args)


if __name__ == "__mp_main__":
    configure_logging(create_argument_parser().parse_known_args()[0])
elif __name__ == "__main__":
    main()
