"""The public web page with the chat widget (served on WEB_PORT, default 8000)."""
