"""Rasa custom actions, one module per capability; each stays thin over knowledge services."""
