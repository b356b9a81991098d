"""Dossier updates pushed to citizens: subscriptions per channel and chat, the watcher that
notices a subscribed dossier's new status and sends one message per change, and the web
channel's outbox. Channels provide a :class:`~knowledge.notify.watcher.NotificationSender`."""
