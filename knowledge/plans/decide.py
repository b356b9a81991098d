"""The acceptance rule: answer, ask back, or say the plans do not hold it.

Officials act on what the assistant says, so a wrong unit or date is worse than "em chưa tìm
thấy". From the ranked matches of a question (each with its BM25 ``score`` and its
``coverage``, the share of the question's topic words it holds):

- **answer** when the best match covers enough of the topic and no other match scores close to
  it while giving a different answer to what is asked (two rows naming the same lead unit do
  not make a question about the lead ambiguous);
- **ask back** (two to four candidates, as buttons) when several matches are close, or the best
  one covers the topic only in part;
- **abstain** when nothing covers enough of the topic: the nearest matches are offered as
  topics, never named as the answer.

Thresholds were tuned on the development split of the question bank (tests/eval/, `make eval
--split dev`); the test split measures them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

ANSWER, CLARIFY, ABSTAIN = "answer", "clarify", "abstain"
MAX_CHOICES = 4
MAX_NEAREST = 3


class Match(Protocol):
    @property
    def score(self) -> float: ...

    @property
    def coverage(self) -> float: ...


M = TypeVar("M", bound=Match)


@dataclass(frozen=True)
class Thresholds:
    answer_coverage: float = 0.5  # the best match must hold this share of the topic to answer
    clarify_coverage: float = 0.35  # below this a match is not offered as a choice
    tie: float = 0.9  # a rival whose fit is this share of the best one's is close to it
    score_weight: float = 0.5  # in the fit, relative BM25 score against coverage


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Decision(Generic[M]):
    outcome: str  # ANSWER, CLARIFY or ABSTAIN
    matches: tuple[M, ...]  # the answer; the choices; or the nearest topics
    confidence: float  # 0-1: coverage of the best match, lowered by close rivals


def fit(match: Match, top_score: float, thresholds: Thresholds | None = None) -> float:
    """0-1: how well a match fits the question, its coverage blended with its BM25 score
    relative to the best one's (which weighs repeated and rare words, and row length)."""
    thresholds = thresholds or THRESHOLDS
    relative = match.score / top_score if top_score > 0 else 0.0
    return (1 - thresholds.score_weight) * match.coverage + thresholds.score_weight * relative


def decide(
    matches: Sequence[M],
    same_answer: Callable[[M, M], bool],
    thresholds: Thresholds | None = None,
    *,
    topic_words: int = 2,
    apart: Callable[[M, M], bool] | None = None,
) -> Decision[M]:
    """What to do with ``matches``; ``same_answer`` says whether two matches give the same
    answer to what the question asks. A topic of one word (``topic_words``) is too little to
    answer from: at best it is asked back. ``apart`` says whether two matches come from
    sources the question does not choose between (plans of different places, when it names
    none): a rival from apart that covers the topic as fully is close, whatever its score."""
    thresholds = thresholds or THRESHOLDS
    if not matches:
        return Decision(ABSTAIN, (), 0.0)
    top = max(m.score for m in matches)
    ranked = sorted(matches, key=lambda m: -fit(m, top, thresholds))
    best = ranked[0]
    best_fit = fit(best, top, thresholds)
    if best.coverage < thresholds.clarify_coverage:
        return Decision(ABSTAIN, tuple(ranked[:MAX_NEAREST]), best.coverage)
    close = [
        m
        for m in ranked[1:]
        if m.coverage >= thresholds.clarify_coverage
        and not same_answer(m, best)
        and (
            fit(m, top, thresholds) >= thresholds.tie * best_fit
            or (apart is not None and apart(m, best) and m.coverage >= best.coverage)
        )
    ]
    rivalry = max((fit(m, top, thresholds) / best_fit for m in close), default=0.0)
    confidence = round(best.coverage * (1 - rivalry / 2), 4)
    sure = best.coverage >= thresholds.answer_coverage and topic_words > 1
    if sure and not close:
        return Decision(ANSWER, (best,), confidence)
    if close:
        return Decision(CLARIFY, tuple([best, *close][:MAX_CHOICES]), confidence)
    nearby = [m for m in ranked[1:MAX_NEAREST] if m.coverage >= thresholds.clarify_coverage]
    return Decision(CLARIFY, (best, *nearby), confidence)
