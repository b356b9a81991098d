"""Rasa-side components. Imported by the engine environment: standard library and Rasa only."""
