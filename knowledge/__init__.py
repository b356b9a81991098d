"""Domain core of the assistant: plan knowledge base, dossiers and feedback, without Rasa."""
