"""Channels (Telegram, web), the process launcher and Rasa-side NLU components."""
