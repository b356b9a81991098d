"""The Telegram application: built once, run by long polling or by webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from prometheus_client import start_http_server
from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    filters,
)

from bot.officials.telegram_courier import CHANNEL, bot_courier
from bot.rasa_client import RasaClient
from bot.telegram import handlers, officials
from bot.telegram.config import ConfigError, Settings, load_settings
from bot.telegram.inbox import InboxProcessor, InboxQueue, telegram_sweeper
from bot.telegram.notify import TelegramSender
from bot.telegram.retry import RetryingRateLimiter
from knowledge.feedback.attachments import Uploads
from knowledge.inbox import Inbox
from knowledge.notify.watcher import watcher_for
from knowledge.officials import OfficialsDesk
from knowledge.officials.plans import PlanDesk
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.settings import configure
from knowledge.shared.wording import text

log = logging.getLogger(__name__)

UNSUBSCRIBE_COMMAND = "huythongbao"
COMMANDS = [
    BotCommand("start", text("telegram.command_start")),
    BotCommand("help", text("telegram.command_help")),
    BotCommand("huy", text("telegram.command_huy")),
    BotCommand(UNSUBSCRIBE_COMMAND, text("notify.command_unsubscribe")),
]
# The only updates the handlers use; Telegram then sends nothing else.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
BUTTONS_FILE = "telegram_buttons.pickle"
SWEEPER = "inbox_sweeper"  # bot_data: replays the inbox
WATCHER = "dossier_watcher"  # bot_data: the task pushing dossier updates


def build_application(settings: Settings, *, clock: Clock = utc_now) -> Application:
    """The application with every handler; ``clock`` drives the officials' deadlines and
    reminders, so tests can set the date."""

    engine = get_engine(settings.database_url)
    inbox = Inbox(engine)
    queue = InboxQueue(inbox)

    async def post_init(application: Application) -> None:
        application.bot_data[handlers.RASA] = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
        # Updates received before a restart and not yet handled go first in the queue.
        sweeper = application.bot_data[SWEEPER] = telegram_sweeper(inbox, queue, application.bot)
        await sweeper.start()
        await application.bot.set_my_commands(COMMANDS)
        official_ids = await officials.refresh_officials(application)
        await officials.show_commands(application.bot, official_ids, COMMANDS)
        if settings.watch_dossiers:
            # In this process: the buttons of a notification must be kept by this bot's
            # callback-data cache to work when pressed.
            watcher = watcher_for(TelegramSender(application.bot), os.environ, clock=clock)
            application.bot_data[WATCHER] = asyncio.create_task(watcher.run())

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(file_base_url(settings.api_base_url))
        .rate_limiter(
            RetryingRateLimiter(send_rate=settings.send_rate, backoff_s=settings.retry_backoff_s)
        )
        # Rasa's button payloads are often longer than the 64 bytes Telegram carries: the
        # library keeps them and sends a key instead.
        .arbitrary_callback_data(settings.keyboards_kept)
        # Every update is committed to the inbox before Telegram is told it arrived, and
        # handled under the inbox's claim (bot/telegram/inbox.py).
        .update_queue(queue)
        # Users wait on Rasa for up to its timeout: one slow turn must not hold up other chats.
        # Turns of one chat still run in order (handlers.TURN_LOCK).
        .concurrent_updates(InboxProcessor(inbox))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.var_dir is not None:
        # The kept payloads only, so that buttons sent before a restart still work after it.
        Path(settings.var_dir).mkdir(parents=True, exist_ok=True)
        builder = builder.persistence(
            PicklePersistence(
                Path(settings.var_dir) / BUTTONS_FILE,
                store_data=PersistenceInput(
                    bot_data=False, chat_data=False, user_data=False, callback_data=True
                ),
            )
        )
    application = builder.build()
    application.bot_data[officials.PLANS] = PlanDesk(engine)
    application.bot_data[officials.DESK] = OfficialsDesk(
        engine,
        clock=clock,
        couriers={CHANNEL: bot_courier(application.bot)},
        reminder_hour=settings.reminder_hour,
    )
    application.bot_data[officials.DAYS_BEFORE] = settings.reminder_days_before
    application.bot_data[handlers.UPLOADS] = Uploads(engine, settings.attachments)
    new_messages = filters.UpdateType.MESSAGE
    # First: the officials' /help and commands must win over the general handlers below.
    officials.add_handlers(application)
    officials.add_plan_handlers(application)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("huy", handlers.cancel))
    application.add_handler(CommandHandler(UNSUBSCRIBE_COMMAND, handlers.unsubscribe))
    application.add_handler(MessageHandler(new_messages & filters.COMMAND, handlers.help_command))
    application.add_handler(MessageHandler(new_messages & filters.TEXT, handlers.relay_text))
    files = filters.PHOTO | filters.Document.ALL
    application.add_handler(MessageHandler(new_messages & files, handlers.relay_upload))
    application.add_handler(MessageHandler(new_messages & filters.ATTACHMENT, handlers.text_only))
    application.add_handler(CallbackQueryHandler(handlers.button_pressed))
    application.add_error_handler(handlers.report_error)
    return application


def file_base_url(api_base_url: str) -> str:
    """Where files are downloaded: "https://api.telegram.org/file/bot" beside ".../bot", and
    likewise for a local Bot API server."""
    root, _, last = api_base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{last}"


async def post_shutdown(application: Application) -> None:
    sweeper = application.bot_data.pop(SWEEPER, None)
    if sweeper is not None:
        await sweeper.stop()
    watcher = application.bot_data.pop(WATCHER, None)
    if watcher is not None:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    rasa = application.bot_data.pop(handlers.RASA, None)
    if rasa is not None:
        await rasa.close()


def run(settings: Settings) -> None:
    application = build_application(settings)
    if settings.metrics_port is not None:
        start_http_server(settings.metrics_port, addr=settings.webhook_listen)
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
    configure()
    try:
        settings = load_settings(os.environ)
    except ConfigError as error:
        print(f"telegram: {error}", file=sys.stderr)
        return 2
    log.info("Telegram channel (%s) relaying to Rasa at %s", settings.mode, settings.rasa_url)
    run(settings)
    return 0
