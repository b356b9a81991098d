"""Rarity and typo reading shared by the plan retrieval and the FAQ."""

from __future__ import annotations

from knowledge.shared.lexicon import Lexicon

LEXICON = Lexicon(
    [["tuyen", "truyen", "cai", "cach"], ["cai", "cach", "the", "che"], ["cai_cach", "so", "hoa"]],
    typo_cutoff=80,
)


def test_rarer_words_weigh_more_and_unknown_ones_most() -> None:
    assert LEXICON.rarity("tuyen") > LEXICON.rarity("cai")
    assert LEXICON.rarity("xyz") >= LEXICON.rarity("tuyen")


def test_a_typo_is_read_as_the_known_word_but_short_words_and_pairs_are_not() -> None:
    assert LEXICON.known("truyeen") == "truyen"
    assert LEXICON.known("cha") == "cha"  # too short to tell a typo from another word
    assert LEXICON.known("cai_cachh") == "cai_cachh"  # pairs are never a typo's reading
