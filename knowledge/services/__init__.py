"""Answers drawn from the knowledge base, for actions and the CLI; no Rasa here."""
