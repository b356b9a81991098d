"""Properties of the one Vietnamese folding that search, entity matching and tests share."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from knowledge.shared.text import expand_abbreviations, fold_vi, normalize_vi

# Every Vietnamese letter, both cases, precomposed (NFC).
VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
VIETNAMESE_LETTERS += VIETNAMESE_LETTERS.upper()

vietnamese_text = st.text(alphabet=st.sampled_from([*VIETNAMESE_LETTERS, " ", "\t", "\n", "-"]))


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    assert fold_vi(fold_vi(text)) == fold_vi(text)


@given(st.text())
def test_normalising_is_idempotent_and_keeps_what_it_folds_to(text: str) -> None:
    once = normalize_vi(text)
    assert normalize_vi(once) == once
    assert fold_vi(once) == fold_vi(text)


@given(vietnamese_text)
def test_vietnamese_letters_fold_to_lower_case_ascii(text: str) -> None:
    folded = fold_vi(text)
    assert folded.isascii() and folded == folded.lower()
    assert "  " not in folded and folded == folded.strip()


@given(st.text())
def test_composed_and_decomposed_input_fold_alike(text: str) -> None:
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    assert fold_vi(nfc) == fold_vi(nfd) == fold_vi(text)


@given(vietnamese_text)
def test_composed_and_decomposed_vietnamese_normalise_alike(text: str) -> None:
    assert normalize_vi(unicodedata.normalize("NFD", text)) == normalize_vi(text)


@given(st.text())
def test_expanding_abbreviations_gives_folded_words_and_is_idempotent(text: str) -> None:
    expanded = expand_abbreviations(text)
    assert expand_abbreviations(expanded) == expanded
    assert fold_vi(expanded) == expanded


def test_real_abbreviated_questions_expand_as_written_in_full() -> None:
    typed = "ai chủ trì số hóa hs tthc ở VP HĐND-UBND, ko biết dc ko?"
    written = "ai chủ trì số hóa hồ sơ thủ tục hành chính ở văn phòng HĐND-Ủy ban nhân dân, "
    written += "không biết được không?"
    assert expand_abbreviations(typed) == expand_abbreviations(written)
