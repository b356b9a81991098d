"""The chat widget in a real headless Chromium against the real stack (Rasa, actions, web page).

Debian's Chromium (/usr/bin/chromium) driven by Playwright for Python; Playwright downloads no
browser of its own. One browser for the module, a fresh context (storage, network) per test.
Screenshots go to tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from bot.launcher import ROOT
from tests.e2e.conftest import RunningStack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
REPLY_TIMEOUT_MS = 30_000  # one Rasa turn, actions included, on a slow machine
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCAL = "tro-ly-cchc"  # the widget's localStorage key: session id and minimal state
TAB = "tro-ly-cchc-hoi-thoai"  # its sessionStorage key: the transcript
GREETING = "Em là trợ lý ảo"
MENU = {"Tra cứu hồ sơ", "Gửi phản ánh, kiến nghị"}
THANKS_ANSWER = "không có gì"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    return []


def open_widget(
    browser: Browser, stack: RunningStack, errors: list[str], **options: Any
) -> tuple[BrowserContext, Page]:
    """A new visitor: the page open, connected, greeted, with the menu's buttons shown."""
    context = browser.new_context(locale="vi-VN", **options)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.web_url + "/")
    expect(status(page)).to_have_attribute("data-state", "online", timeout=REPLY_TIMEOUT_MS)
    expect(menu_buttons(page).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    return context, page


def status(page: Page) -> Locator:
    return page.locator("#chat-status")


def menu_buttons(page: Page) -> Locator:
    return page.locator(".msg-bot .buttons button")


def bot_bubbles(page: Page) -> Locator:
    return page.locator(".msg-bot .bubble")


def say(page: Page, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-input").press("Enter")


def stored(page: Page, storage: str, key: str) -> Any:
    return json.loads(page.evaluate(f"{storage}.getItem({json.dumps(key)}) || 'null'"))


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_web_widget_greets_with_the_menu_and_buttons_close_once_answered(
    stack: RunningStack, browser: Browser, page_errors: list[str]
) -> None:
    context, page = open_widget(browser, stack, page_errors, viewport=DESKTOP)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#chat-log")).to_have_attribute("role", "log")
    expect(status(page)).to_have_attribute("aria-live", "polite")
    expect(page.locator("#chat-input")).to_have_attribute(
        "placeholder", "Nhập câu hỏi của Anh/chị…"
    )
    expect(bot_bubbles(page).first).to_contain_text(GREETING)
    assert set(menu_buttons(page).all_inner_texts()) >= MENU
    assert page.locator(".msg-user").count() == 0  # the menu was asked for unseen
    for height in (box["height"] for box in _boxes(menu_buttons(page))):
        assert height >= 44  # a finger's size
    expect(page.locator(".msg-bot .meta time").first).to_have_text(re.compile(r"^\d\d:\d\d$"))
    screenshot(page, "web-widget-desktop-1280.png")

    answered = bot_bubbles(page).count()
    page.get_by_role("button", name="Tra cứu hồ sơ").click()
    expect(page.locator(".msg-user .bubble").last).to_have_text("Tra cứu hồ sơ")
    expect(page.locator("#chat-input")).to_be_focused()
    expect(bot_bubbles(page)).to_have_count(answered + 1, timeout=REPLY_TIMEOUT_MS)
    expect(bot_bubbles(page).last).to_contain_text("mã hồ sơ")
    expect(page.locator(".msg-user .meta").last).to_contain_text("Đã gửi")
    # The menu's choices are closed, the one taken marked, and they stay so after a reload.
    expect(page.locator(".msg-bot .buttons button:enabled")).to_have_count(0)
    expect(page.locator(".buttons button.chosen")).to_have_text("Tra cứu hồ sơ")

    conversation = page.locator("#chat-log .bubble").all_inner_texts()
    session_id = stored(page, "localStorage", LOCAL)["sessionId"]
    page.reload()
    expect(page.locator("#chat-log .bubble")).to_have_count(len(conversation))
    assert page.locator("#chat-log .bubble").all_inner_texts() == conversation
    expect(page.locator(".msg-bot .buttons button:enabled")).to_have_count(0)
    expect(status(page)).to_have_attribute("data-state", "online", timeout=REPLY_TIMEOUT_MS)
    # The reloaded page talks in the same session: the lookup asks for its code again.
    say(page, "cảm ơn em nhiều")
    expect(bot_bubbles(page)).to_have_count(answered + 3, timeout=REPLY_TIMEOUT_MS)
    expect(bot_bubbles(page).nth(answered + 1)).to_contain_text(THANKS_ANSWER)
    expect(bot_bubbles(page).last).to_contain_text("mã hồ sơ")
    assert stored(page, "localStorage", LOCAL) == {"sessionId": session_id, "minimised": False}
    context.close()
    assert page_errors == []


def test_web_widget_delivers_a_message_sent_while_offline_once_the_network_returns(
    stack: RunningStack, browser: Browser, page_errors: list[str]
) -> None:
    context, page = open_widget(browser, stack, page_errors, viewport=DESKTOP)
    answered = bot_bubbles(page).count()
    # The network drops unnoticed: the widget still shows itself online when the user sends.
    context.set_offline(True)
    say(page, "cảm ơn em nhiều")
    mine = page.locator(".msg-user").last
    expect(mine.locator(".meta")).to_contain_text("Chưa gửi được")
    expect(status(page)).to_have_attribute("data-state", "offline", timeout=REPLY_TIMEOUT_MS)
    expect(status(page)).to_have_text(re.compile("mất kết nối"))
    screenshot(page, "web-widget-offline.png")
    page.wait_for_timeout(2_000)  # a few failed reconnections
    assert bot_bubbles(page).count() == answered

    context.set_offline(False)
    expect(status(page)).to_have_attribute("data-state", "online", timeout=REPLY_TIMEOUT_MS)
    expect(bot_bubbles(page)).to_have_count(answered + 1, timeout=REPLY_TIMEOUT_MS)
    expect(bot_bubbles(page).last).to_contain_text(THANKS_ANSWER)
    expect(mine.locator(".meta")).to_contain_text("Đã gửi")
    page.wait_for_timeout(3_000)  # time for a second answer, if the message went twice
    assert bot_bubbles(page).count() == answered + 1
    assert stored(page, "sessionStorage", TAB)["outbox"] == []
    context.close()
    assert page_errors == []


def test_web_widget_socketio_channel_answers_a_repeated_message_once(
    stack: RunningStack, browser: Browser, page_errors: list[str]
) -> None:
    """What the widget relies on: the same client id sent twice is processed once, and the
    repeat gets the same replies (same ids and places), which the widget shows once."""
    context, page = open_widget(browser, stack, page_errors, viewport=DESKTOP)
    replies = page.evaluate(
        """async (url) => {
          const socket = io(url, { path: "/socket.io", transports: ["polling"] });
          const got = [];
          socket.on("bot_uttered", (message) => got.push(message));
          const session = await new Promise((done) => {
            socket.on("session_confirm", done);
            socket.emit("session_request", { session_id: null });
          });
          const message = {
            message: "cảm ơn em", session_id: session, metadata: { client_id: "lap-lai-1" },
          };
          const send = () => socket.timeout(30000).emitWithAck("user_uttered", message);
          await send().catch(() => null);
          const first = got.splice(0);
          await send().catch(() => null);
          socket.disconnect();
          return { first: first, repeat: got };
        }""",
        page.evaluate("window.WIDGET_CONFIG.socketUrl"),
    )
    assert replies["first"], "the message was not answered"
    assert THANKS_ANSWER in replies["first"][0]["text"]
    assert replies["repeat"] == replies["first"]
    assert [reply["seq"] for reply in replies["first"]] == list(range(len(replies["first"])))
    assert {reply["reply_to"] for reply in replies["first"]} == {"lap-lai-1"}
    context.close()
    assert page_errors == []


def test_web_widget_restart_forgets_the_conversation_and_starts_a_new_session(
    stack: RunningStack, browser: Browser, page_errors: list[str]
) -> None:
    context, page = open_widget(browser, stack, page_errors, viewport=DESKTOP)
    said = "Tôi muốn phản ánh cán bộ xã Tân Lập hẹn trả hồ sơ nhiều lần"
    say(page, said)
    expect(page.locator(".msg-user")).to_have_count(1)
    expect(page.locator(".msg-user .meta")).to_contain_text("Đã gửi", timeout=REPLY_TIMEOUT_MS)
    old_session = stored(page, "localStorage", LOCAL)["sessionId"]
    assert said in json.dumps(stored(page, "sessionStorage", TAB), ensure_ascii=False)

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#chat-restart").click()
    expect(page.locator(".msg-user")).to_have_count(0)
    expect(menu_buttons(page).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(bot_bubbles(page).first).to_contain_text(GREETING)
    new_session = stored(page, "localStorage", LOCAL)["sessionId"]
    assert new_session and new_session != old_session
    transcript = stored(page, "sessionStorage", TAB)
    assert said not in json.dumps(transcript, ensure_ascii=False)
    assert [entry["from"] for entry in transcript["history"]] == ["bot", "bot"]  # greeting, menu
    say(page, "cảm ơn em nhiều")
    expect(bot_bubbles(page).last).to_contain_text(THANKS_ANSWER, timeout=REPLY_TIMEOUT_MS)
    context.close()
    assert page_errors == []


def test_web_widget_is_usable_at_phone_width(
    stack: RunningStack, browser: Browser, page_errors: list[str]
) -> None:
    context, page = open_widget(
        browser,
        stack,
        page_errors,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    chat_input, send = page.locator("#chat-input"), page.locator("#chat-send")
    for control in (chat_input, send, page.locator("#chat-attach")):
        expect(control).to_be_visible()
        expect(control).to_be_in_viewport()
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Photos and PDFs only, offered once the session is confirmed.
    expect(page.locator("#chat-file")).to_be_enabled()
    assert set(page.locator("#chat-file").get_attribute("accept").split(",")) == {  # type: ignore[union-attr]
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
    }
    # The counter counts up to the limit the Rasa server enforces (MAX_MESSAGE_CHARS).
    limit = int(stack.settings["MAX_MESSAGE_CHARS"])
    chat_input.fill("xin chao")
    expect(page.locator("#chat-counter")).to_have_text(f"8/{limit:,}".replace(",", ".") + " ký tự")
    expect(chat_input).to_have_attribute("maxlength", str(limit))

    # Typed without diacritics, tapped rather than Enter, as on a phone keyboard.
    before = bot_bubbles(page).count()
    send.tap()
    expect(bot_bubbles(page)).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
    expect(bot_bubbles(page).last).to_contain_text("Anh/chị")
    # The start of an answer taller than the window stays in view: the menu, asked again on a
    # short screen, is read from its first line, not scrolled past to its last button.
    page.set_viewport_size({"width": PHONE["width"], "height": 420})
    say(page, "bạn làm được gì")
    answer = page.locator(".msg-bot").last
    expect(answer.locator(".buttons button").first).to_be_attached(timeout=REPLY_TIMEOUT_MS)
    answer_box, log_box = answer.bounding_box(), page.locator("#chat-log").bounding_box()
    assert answer_box is not None and log_box is not None
    assert answer_box["height"] > log_box["height"]  # too tall to show whole
    assert log_box["y"] - 1 <= answer_box["y"] <= log_box["y"] + 16
    page.set_viewport_size(PHONE)

    # What a user types is shown as text, never run as markup; http(s) addresses are links.
    markup = (
        '<img src=x onerror="document.title=1"> xem https://dichvucong.gov.vn/p/home.'
        " và javascript:alert(1)"
    )
    say(page, markup)
    expect(page.locator(".msg-user .bubble").last).to_have_text(markup)
    assert page.locator("#chat-log img").count() == 0
    link = page.locator(".msg-user .bubble").last.locator("a")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "https://dichvucong.gov.vn/p/home")
    expect(link).to_have_text("https://dichvucong.gov.vn/p/home")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(chat_input).to_be_in_viewport()  # still reachable with a conversation on screen
    screenshot(page, "web-widget-phone-390.png")

    # Minimised to its header and restored as it was.
    page.locator("#chat-minimise").tap()
    expect(page.locator("#chat-log")).to_be_hidden()
    expect(page.locator("#chat-minimise")).to_have_attribute("aria-expanded", "false")
    page.locator("#chat-minimise").tap()
    expect(page.locator("#chat-log")).to_be_visible()
    expect(chat_input).to_be_in_viewport()
    context.close()
    assert page_errors == []


def _boxes(locator: Locator) -> list[dict[str, float]]:
    boxes = [locator.nth(index).bounding_box() for index in range(locator.count())]
    return [box for box in boxes if box is not None]
