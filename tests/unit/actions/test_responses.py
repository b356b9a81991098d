"""The Rasa responses the actions utter by name exist in domain/*.yml, each with one fixed text:
a misspelt name would leave the user without an answer."""

from __future__ import annotations

import re

import pytest

from tests.paths import ROOT
from tests.unit.actions.replies import responses

# response="utter_..." or a constant holding "utter_...", as written in actions/.
_NAMED = re.compile(r"""["'](utter_[a-z0-9_]+)["']""")


def _names_in_actions() -> set[str]:
    return {
        name
        for path in (ROOT / "actions").rglob("*.py")
        for name in _NAMED.findall(path.read_text(encoding="utf-8"))
    }


def test_the_actions_name_responses() -> None:
    assert {"utter_cancelled", "utter_wrong_dossier_code"} <= _names_in_actions()


@pytest.mark.parametrize("name", sorted(_names_in_actions()))
def test_every_response_the_actions_name_is_in_the_domain_with_one_fixed_text(name: str) -> None:
    (variant,) = responses()[name]
    assert variant["text"].startswith(("Dạ", "Anh/chị")) and "{" not in variant["text"]
