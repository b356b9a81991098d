"""Rasa actions for plan questions. They read the question and the conversation's context from
the tracker, answer, and keep in slots what a follow-up may refer to: the last question and its
words (for "thế còn ở Hà Nội?"), the last task (for "còn ai phối hợp?", "hạn khi nào?") and the
last plan (for "ai ban hành kế hoạch này?")."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.plans.answers import answer
from actions.plans.replies import Context, Reply, plans_by_slug, unclear
from actions.plans.tasks import chosen_task_answer
from knowledge.plans.decide import ANSWER, CLARIFY
from knowledge.plans.question import (
    PLAN_INFO,
    PLAN_TARGET,
    QUESTION_KINDS,
    REPORTING_DEADLINE,
    TASK_DUE,
    TASK_RESPONSIBLE,
    UNIT_TASKS,
    PlanQuestion,
    entities_of,
    follow_on,
    read_question,
    refine,
)
from knowledge.plans.service import PlanInfo, unit_names
from knowledge.shared.periods import vietnam_today

ANSWER_OUTCOME = "answer_outcome"  # what the last answer did: answer, clarify or abstain
ANSWER_REFERENCE = "answer_reference"  # what it was drawn from ("task:<id>", "faq:<id>")
LAST_QUESTION = "last_plan_question"  # intent of the last plan question answered or pending
LAST_QUERY = "last_plan_query"  # its words
LAST_TASK = "last_task_id"
LAST_DOCUMENT = "last_plan_document"
CHOSEN_DOCUMENT = "plan_document"  # filled by the choose_plan buttons
CHOSEN_TASK = "task_id"  # the entity of the choose_task buttons


def today() -> date:
    return vietnam_today()


class PlanQuestionAction(Action, ABC):
    """Answers the question of its intent; a message that only names a locality, year or
    period ("Hà Nội thì sao?") asks the last plan question again with it."""

    @property
    @abstractmethod
    def kind(self) -> str: ...

    def name(self) -> str:
        return "action_" + self.kind.removeprefix("ask_")

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        plans = list(plans_by_slug().values())
        message = tracker.latest_message
        question = read_question(
            self.kind, message.get("text") or "", entities_of(message), plans, unit_names()
        )
        last = last_question(tracker, plans)
        if last is not None and _only_narrows(question):
            question = refine(last, question)
        elif last is not None:
            question = follow_on(last, question)
        return respond(dispatcher, tracker, question)


class ActionTaskResponsible(PlanQuestionAction):
    kind = TASK_RESPONSIBLE


class ActionTaskDue(PlanQuestionAction):
    kind = TASK_DUE


class ActionUnitTasks(PlanQuestionAction):
    kind = UNIT_TASKS


class ActionReportingDeadline(PlanQuestionAction):
    kind = REPORTING_DEADLINE


class ActionPlanTarget(PlanQuestionAction):
    kind = PLAN_TARGET


class ActionPlanInfo(PlanQuestionAction):
    kind = PLAN_INFO


class ActionPlanRefine(Action):
    """A bare reply right after a plan answer ("ở Hà Nội"; a unit's name after a question
    about a unit): the last plan question again, narrowed by it."""

    def name(self) -> str:
        return "action_plan_refine"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        plans = list(plans_by_slug().values())
        message = tracker.latest_message
        text = message.get("text") or ""
        last = last_question(tracker, plans)
        kind = last.kind if last else PLAN_INFO
        new = read_question(kind, text, entities_of(message), plans, unit_names())
        if last is None:
            return respond(dispatcher, tracker, new)
        if kind == UNIT_TASKS and not new.names_something:
            return respond(dispatcher, tracker, replace(last, text=text, unit=None))
        if new.asks and not new.asks_anew and tracker.get_slot(LAST_TASK):
            # "bên nào phối hợp?" read as a bare reply: asked of the last task
            return respond(dispatcher, tracker, replace(new, kind=TASK_RESPONSIBLE))
        if not new.names_something:
            return _say(dispatcher, unclear(kind))
        return respond(dispatcher, tracker, refine(last, new))


class ActionChoosePlan(Action):
    """A plan chosen with a button: the pending question answered from that plan, or the plan
    itself when nothing is pending."""

    def name(self) -> str:
        return "action_choose_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        plans = plans_by_slug()
        slug = tracker.get_slot(CHOSEN_DOCUMENT) or next(
            tracker.get_latest_entity_values(CHOSEN_DOCUMENT), None
        )
        if slug not in plans:
            slug = None
        last = last_question(tracker, list(plans.values()))
        if last is None or slug is None:
            question = PlanQuestion(PLAN_INFO, "", document=slug)
        else:
            question = replace(last, document=slug, localities=(), year=None)
        return respond(dispatcher, tracker, question)


def answer_as_plan_question(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The answer to a message another action could not place (the NLU was unsure, or sent a
    plan question to the FAQ), when it reads as a question about the plans and the plans answer
    it or give choices: it says what it asks ("ai chủ trì", "phối hợp", "hạn") about a topic,
    asks a target's figure or a reporting deadline, or asks it of the last answer. None, with
    nothing said, otherwise: the caller's own reply (suggestions, where to ask) serves better
    than "the plans do not say"."""
    plans = list(plans_by_slug().values())
    message = tracker.latest_message
    question = read_question(
        TASK_RESPONSIBLE, message.get("text") or "", entities_of(message), plans, unit_names()
    )
    last = last_question(tracker, plans)
    if last is not None:
        question = follow_on(last, question)
    follow_up = not question.asks_anew and tracker.get_slot(LAST_TASK)
    repeats = last is not None and last.kind in (REPORTING_DEADLINE, PLAN_TARGET)
    if question.asks_anew and question.kind in (REPORTING_DEADLINE, PLAN_TARGET):
        asked = question  # "báo cáo ... gửi trước ngày nào", "đạt bao nhiêu phần trăm"
    elif question.asks and (question.asks_anew or follow_up):
        asked = question
    elif last is not None and repeats and not question.asks_anew:
        # "gửi qua đâu?", "còn báo cáo cả năm?" after a deadline answer: the same question,
        # whose answer says to whom and when
        asked = refine(last, question)
    else:
        return None
    collected = CollectingDispatcher()
    events = respond(collected, tracker, asked)
    outcome = next((e["value"] for e in events if e.get("name") == ANSWER_OUTCOME), None)
    if outcome not in (ANSWER, CLARIFY):
        return None
    dispatcher.messages.extend(collected.messages)
    return events


class ActionChooseTask(Action):
    """A task chosen with a button: the pending question answered about that task."""

    def name(self) -> str:
        return "action_choose_task"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        plans = plans_by_slug()
        task_id = next(tracker.get_latest_entity_values(CHOSEN_TASK), None)
        last = last_question(tracker, list(plans.values()))
        focus = tracker.get_slot(LAST_QUERY) or ""
        reply = chosen_task_answer(str(task_id or ""), last, plans, focus)
        if reply is None:
            return _say(dispatcher, unclear(last.kind if last else TASK_RESPONSIBLE))
        events = _say(dispatcher, reply)
        return [*events, SlotSet(LAST_TASK, reply.task_id), SlotSet(LAST_DOCUMENT, reply.document)]


def last_question(tracker: Tracker, plans: list[PlanInfo]) -> PlanQuestion | None:
    kind, text = tracker.get_slot(LAST_QUESTION), tracker.get_slot(LAST_QUERY)
    if kind not in QUESTION_KINDS or not text:
        return None
    return read_question(kind, text, (), plans, unit_names())


def _only_narrows(question: PlanQuestion) -> bool:
    """Whether a message does nothing but name a locality, year, period (or, for a question
    that is not about a unit, a unit): then it narrows the last question."""
    named = question.localities or question.year or question.period
    return not question.asks_anew and bool(named or (question.unit and question.kind != UNIT_TASKS))


def respond(
    dispatcher: CollectingDispatcher, tracker: Tracker, question: PlanQuestion
) -> list[EventType]:
    context = Context(
        today(),
        tracker.get_slot(LAST_TASK),
        tracker.get_slot(LAST_DOCUMENT),
        tracker.get_slot(LAST_QUERY) or "",
    )
    reply = answer(question, context)
    events = _say(dispatcher, reply)
    events.append(SlotSet(LAST_QUESTION, question.kind))
    if not reply.follow_up:  # "còn ai phối hợp?" keeps the words of the question it follows
        events.append(SlotSet(LAST_QUERY, question.text))
    if reply.task_id:
        events.append(SlotSet(LAST_TASK, reply.task_id))
    if reply.document:
        events.append(SlotSet(LAST_DOCUMENT, reply.document))
    return events


def _say(dispatcher: CollectingDispatcher, reply: Reply) -> list[EventType]:
    dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons))
    return [
        SlotSet(CHOSEN_DOCUMENT, None),
        SlotSet(ANSWER_OUTCOME, reply.outcome),
        SlotSet(ANSWER_REFERENCE, reply.reference),
    ]


def actions_by_intent() -> dict[str, Action]:
    """The plan action Rasa's rules run for each intent (data/rules/plans.yml), for driving the
    actions without Rasa (unit tests, `make eval --mode actions`)."""
    return {
        "ask_task_responsible": ActionTaskResponsible(),
        "ask_task_due": ActionTaskDue(),
        "ask_unit_tasks": ActionUnitTasks(),
        "ask_reporting_deadline": ActionReportingDeadline(),
        "ask_plan_target": ActionPlanTarget(),
        "ask_plan_info": ActionPlanInfo(),
        "inform": ActionPlanRefine(),
        "choose_plan": ActionChoosePlan(),
        "choose_task": ActionChooseTask(),
    }
