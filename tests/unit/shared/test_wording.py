"""The wording catalogue: every key the code says exists, and renders with the values given."""

from __future__ import annotations

import re

import pytest

from knowledge.shared.wording import catalogue, placeholders, say
from tests.paths import ROOT

# say("area.name", ...) / text("area.name") as written in the code.
_USED = re.compile(r"""\b(?:say|text)\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")


def _keys_in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("actions", "bot", "knowledge"):
        for path in (ROOT / folder).rglob("*.py"):
            found.update(_USED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    missing = _keys_in_code() - set(catalogue())
    assert not missing


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_text_renders_with_its_placeholders_filled(key: str) -> None:
    rendered = say(key, **{name: "X" for name in placeholders(key)})
    assert rendered.strip()
    assert "{" not in rendered.replace("{{", "")


def test_a_missing_placeholder_is_an_error_not_a_broken_reply() -> None:
    with_values = [key for key in catalogue() if placeholders(key)]
    if not with_values:
        pytest.skip("no text with placeholders yet")
    with pytest.raises(KeyError):
        say(with_values[0])
