"""Whitespace tokenizer that folds Vietnamese tokens and spells out informal abbreviations.

People type the same words with and without diacritics and as "hs", "ko", "dc"; folding each
token makes "hồ sơ", "ho so" and "hs" the same features. Tokens keep their original character
offsets, so entity annotations in the training data stay valid.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from knowledge.shared.text import ABBREVIATIONS, fold_vi


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**WhitespaceTokenizer.get_default_config(), "expand_abbreviations": True}

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        folded: list[Token] = []
        for token in super().tokenize(message, attribute):
            text = fold_vi(token.text)
            expansion = ABBREVIATIONS.get(text) if self._config["expand_abbreviations"] else None
            for part in expansion.split() if expansion else [text]:
                folded.append(Token(part, token.start, token.end, lemma=part))
        return folded
