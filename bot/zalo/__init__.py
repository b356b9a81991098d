"""The Zalo Official Account channel: Zalo's webhook in, its OA API (v3) out, Rasa's REST
channel in between, as ``zalo:<user id>``."""
