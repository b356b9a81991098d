"""Vietnamese answers to plan questions, from the knowledge services: one module per question
kind (tasks, units, reports, targets, overview). Each answer names its source; when several
plans fit equally it asks which one instead of guessing."""

from __future__ import annotations

from collections.abc import Callable

from actions.plans.overview import plan_answer
from actions.plans.replies import Context, Reply, plans_by_slug
from actions.plans.reports import deadline_answer
from actions.plans.targets import target_answer
from actions.plans.tasks import task_answer
from actions.plans.units import unit_answer
from knowledge.plans.question import (
    PLAN_INFO,
    PLAN_TARGET,
    REPORTING_DEADLINE,
    TASK_DUE,
    TASK_RESPONSIBLE,
    UNIT_TASKS,
    PlanQuestion,
)
from knowledge.plans.service import PlanInfo

Answerer = Callable[[PlanQuestion, Context, dict[str, PlanInfo]], Reply]
ANSWERERS: dict[str, Answerer] = {
    TASK_RESPONSIBLE: task_answer,
    TASK_DUE: task_answer,
    UNIT_TASKS: unit_answer,
    REPORTING_DEADLINE: deadline_answer,
    PLAN_TARGET: target_answer,
    PLAN_INFO: plan_answer,
}


def answer(question: PlanQuestion, context: Context) -> Reply:
    return ANSWERERS[question.kind](question, context, plans_by_slug())
