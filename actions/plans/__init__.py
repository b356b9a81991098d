"""Officials' questions about the plans: who leads or supports a task and by when, what a unit
must do, reporting deadlines, targets, and the plans themselves.

``questions`` reads a question from the user's words; ``answers`` hands it to the module of its
kind (``tasks``, ``units``, ``reports``, ``targets``, ``overview``), which asks the knowledge
services (knowledge.plans.ranking decides between plans) and writes the Vietnamese reply
with the pieces of ``replies``; ``actions`` is the thin Rasa layer that carries the
conversation's context in slots.
"""
