"""The chat widget in a real headless Chromium against the real stack (Rasa, actions, web page).

Debian's Chromium (/usr/bin/chromium) driven by Playwright for Python; Playwright downloads no
browser of its own. Screenshots go to tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

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
PHONE = {"width": 390, "height": 844}
STORE = "tro-ly-cchc"  # the widget's localStorage key

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
    browser: Browser, stack: RunningStack, errors: list[str], **options: object
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="vi-VN", **options)  # type: ignore[arg-type]
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.web_url + "/")
    expect(page.locator("#chat-status")).to_have_text("", timeout=REPLY_TIMEOUT_MS)  # connected
    return context, page


def say(page: Page, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-input").press("Enter")


def bubbles(page: Page) -> list[str]:
    return page.locator("#chat-log .bubble").all_inner_texts()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_web_widget_talks_vietnamese_shows_buttons_and_keeps_the_conversation(
    stack: RunningStack, browser: Browser, page_errors: list[str]
) -> None:
    context, page = open_widget(
        browser, stack, page_errors, viewport={"width": 1280, "height": 800}
    )
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#chat-input")).to_have_attribute(
        "placeholder", "Nhập câu hỏi của Anh/chị…"
    )
    expect(page.locator("#chat-form button")).to_have_text("Gửi")

    bot = page.locator(".msg-bot .bubble")
    say(page, "xin chào")
    expect(bot.first).to_contain_text(re.compile("xin chào", re.I), timeout=REPLY_TIMEOUT_MS)
    expect(bot.first).to_contain_text("Anh/chị")

    say(page, "bạn làm được gì")
    buttons = page.locator(".msg-bot .buttons button")
    expect(buttons.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    assert {"Tra cứu hồ sơ", "Gửi phản ánh, kiến nghị"} <= set(buttons.all_inner_texts())
    screenshot(page, "web-widget-menu.png")

    answered = bot.count()
    page.get_by_role("button", name="Tra cứu hồ sơ").click()
    expect(page.locator(".msg-user .bubble").last).to_have_text("Tra cứu hồ sơ")
    expect(bot).to_have_count(answered + 1, timeout=REPLY_TIMEOUT_MS)
    expect(bot.last).to_contain_text("mã hồ sơ")
    expect(page.locator(".msg-bot .buttons")).to_have_count(0)  # a choice is made once

    conversation = bubbles(page)
    session_id = page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}')).sessionId")
    assert session_id
    page.reload()
    expect(page.locator("#chat-log .msg")).to_have_count(len(conversation))
    assert bubbles(page) == conversation
    expect(page.locator("#chat-status")).to_have_text("", timeout=REPLY_TIMEOUT_MS)
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}')).sessionId") == session_id
    # The reloaded page still talks, in the same session: thanks are answered and the lookup
    # started before the reload asks for its code again.
    say(page, "cảm ơn em nhiều")
    expect(bot).to_have_count(answered + 3, timeout=REPLY_TIMEOUT_MS)
    expect(bot.nth(answered + 1)).to_contain_text("không có gì")
    expect(bot.last).to_contain_text("mã hồ sơ")
    screenshot(page, "web-widget-after-reload.png")
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
    chat_input, send = page.locator("#chat-input"), page.locator("#chat-form button")
    for control in (chat_input, send):
        expect(control).to_be_visible()
        expect(control).to_be_in_viewport()
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Typed without diacritics, tapped rather than Enter, as on a phone keyboard.
    chat_input.fill("xin chao")
    send.tap()
    expect(page.locator(".msg-bot .bubble").first).to_contain_text(
        "Anh/chị", timeout=REPLY_TIMEOUT_MS
    )
    # What a user types is shown as text, never run as markup.
    markup = '<img src=x onerror="document.title=1">'
    say(page, markup)
    expect(page.locator(".msg-user .bubble").last).to_have_text(markup)
    assert page.locator("#chat-log img").count() == 0
    expect(chat_input).to_be_in_viewport()  # still reachable with a conversation on screen
    screenshot(page, "web-widget-phone-390.png")
    context.close()
    assert page_errors == []
