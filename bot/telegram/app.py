"""The Telegram application: built once, run by long polling or by webhook."""

from __future__ import annotations

import logging
import os
import sys
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.telegram import handlers, officials
from bot.telegram.config import ConfigError, Settings, load_settings
from bot.telegram.rasa_client import RasaClient
from bot.telegram.retry import RetryingRateLimiter

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "Bắt đầu, xem trợ lý hỗ trợ được gì"),
    BotCommand("help", "Hướng dẫn sử dụng"),
    BotCommand("huy", "Hủy thao tác đang làm"),
]
# The only updates the handlers use; Telegram then sends nothing else.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def build_application(
    settings: Settings, *, clock: officials.Clock = officials.utc_now
) -> Application:
    """The application with every handler; ``clock`` drives the officials' deadlines and
    reminders, so tests can set the date."""

    async def post_init(application: Application) -> None:
        application.bot_data[handlers.RASA] = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
        await application.bot.set_my_commands(COMMANDS)
        await officials.show_commands(application.bot, settings.official_ids, COMMANDS)

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .rate_limiter(RetryingRateLimiter(backoff_s=settings.retry_backoff_s))
        # Users wait on Rasa for up to its timeout: one slow turn must not hold up other chats.
        # Turns of one chat still run in order (handlers.TURN_LOCK).
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data[officials.DESK] = officials.open_desk(
        settings.database_url,
        clock=clock,
        days_before=settings.reminder_days_before,
        reminder_hour=settings.reminder_hour,
    )
    new_messages = filters.UpdateType.MESSAGE
    # First: the officials' /help and commands must win over the general handlers below.
    officials.add_handlers(application, settings.official_ids)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("huy", handlers.cancel))
    application.add_handler(MessageHandler(new_messages & filters.COMMAND, handlers.help_command))
    application.add_handler(MessageHandler(new_messages & filters.TEXT, handlers.relay_text))
    application.add_handler(MessageHandler(new_messages & filters.ATTACHMENT, handlers.text_only))
    application.add_handler(CallbackQueryHandler(handlers.button_pressed))
    application.add_error_handler(handlers.report_error)
    return application


async def post_shutdown(application: Application) -> None:
    rasa = application.bot_data.pop(handlers.RASA, None)
    if rasa is not None:
        await rasa.close()


def run(settings: Settings) -> None:
    application = build_application(settings)
    if settings.mode == "webhook":
        # Telegram sends the secret in X-Telegram-Bot-Api-Secret-Token; PTB rejects other posts.
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


def main() -> int:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    # httpx logs every Bot API call at INFO, including each long poll.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = load_settings(os.environ)
    except ConfigError as error:
        print(f"telegram: {error}", file=sys.stderr)
        return 2
    log.info("Telegram channel (%s) relaying to Rasa at %s", settings.mode, settings.rasa_url)
    run(settings)
    return 0
