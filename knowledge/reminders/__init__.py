"""Officials' reminders of reporting deadlines."""
