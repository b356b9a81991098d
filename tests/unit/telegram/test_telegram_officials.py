"""Officials' commands on Telegram against the fake Bot API, over the real knowledge base built
from the plan documents: deadlines, reminders (with a settable clock), the complaint inbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from telegram.ext import Application

from bot.telegram.config import Settings
from bot.telegram.handlers import HELP
from bot.telegram.officials import (
    OFFICIAL_HELP,
    REFUSED,
    REMINDER_JOB,
    REMINDER_USAGE,
    REMINDERS_OFF,
    deadlines_text,
    parse_reminder_args,
)
from knowledge.feedback import FeedbackService
from knowledge.reminders.service import ReminderService
from knowledge.shared.db import get_engine
from knowledge.shared.periods import VIETNAM_TZ
from tests.fakes import FakeClock
from tests.unit.officials.accounts_fakes import ADMIN
from tests.unit.officials.officials_fakes import complaint
from tests.unit.telegram.telegram_fakes import (
    CHAT_ID,
    OFFICIAL,
    FakeBotApi,
    running,
    text_update,
)

OFFICIAL_CHAT = OFFICIAL["id"]
CITIZEN_CHAT = 777_001
HUNG_YEN_2024 = (
    "Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024, UBND thành phố Hưng Yên, Mục IV.2.k"
)


def vietnam_time(year: int, month: int, day: int, hour: int, minute: int = 0) -> FakeClock:
    return FakeClock(datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ))


async def official_says(application: Application, text: str) -> None:
    await application.process_update(text_update(application, text, user=OFFICIAL))


async def run_reminder_job(application: Application) -> None:
    assert application.job_queue is not None
    (job,) = application.job_queue.get_jobs_by_name(REMINDER_JOB)
    await job.run(application)


@pytest.mark.parametrize("command", ["/hanbaocao", "/nhacviec bat 5", "/phananh"])
async def test_officials_commands_are_refused_politely_to_citizens(
    official_settings: Settings, bot_api: FakeBotApi, command: str
) -> None:
    async with running(official_settings) as application:
        await application.process_update(text_update(application, command))
    assert bot_api.texts() == [REFUSED]
    engine = get_engine(official_settings.database_url)
    assert ReminderService(engine).subscription(f"telegram:{CHAT_ID}") is None


async def test_without_an_account_nobody_is_an_official(
    settings: Settings, database_url: str, bot_api: FakeBotApi
) -> None:
    async with running(replace(settings, database_url=database_url)) as application:
        await official_says(application, "/hanbaocao")
    assert bot_api.texts() == [REFUSED]


async def test_officials_help_and_command_menu_include_their_commands(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    async with running(official_settings) as application:
        await official_says(application, "/help")
        await application.process_update(text_update(application, "/help"))
    assert bot_api.texts() == [f"{HELP}\n\n{OFFICIAL_HELP}", HELP]
    everyone, officials = bot_api.calls("setMyCommands")
    assert "scope" not in everyone
    assert officials["scope"] == {"type": "chat", "chat_id": OFFICIAL_CHAT}
    assert [c["command"] for c in officials["commands"]][-3:] == [
        "hanbaocao",
        "nhacviec",
        "phananh",
    ]


async def test_hanbaocao_lists_the_next_deadlines_with_their_source(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    # Four deadlines fall in the 60 days after 1 March 2024, so the next one makes five. The
    # quarterly rules of the 2021 Hà Nội and 2023 Long Điền A plans still apply in 2024.
    async with running(official_settings, vietnam_time(2024, 3, 1, 9)) as application:
        await official_says(application, "/hanbaocao")
    (text,) = bot_api.texts_to(OFFICIAL_CHAT)
    assert text.startswith("Dạ, các hạn báo cáo sắp tới (tính từ hôm nay, 01/03/2024):")
    entries = text.split("\n\n")[1:]
    assert [entry.splitlines()[0] for entry in entries] == [
        "• 05/03/2024 – Báo cáo định kỳ 3 tháng, 6 tháng, 9 tháng, năm: Kết quả thực hiện các "
        "nội dung trong kế hoạch này",
        "• 14/03/2024 – Báo cáo CCHC quý I năm 2024",
        "• 15/03/2024 – Báo cáo CCHC Quý I, 6 tháng, 9 tháng, báo cáo CCHC năm",
        "• 15/03/2024 – Báo cáo kết quả kiểm tra hằng quý",
        "• 05/06/2024 – Báo cáo định kỳ 3 tháng, 6 tháng, 9 tháng, năm: Kết quả thực hiện các "
        "nội dung trong kế hoạch này",
    ]
    assert entries[1].splitlines()[1:] == [
        "  Gửi: UBND thành phố (qua Phòng Nội vụ)",
        f"  Nguồn: {HUNG_YEN_2024}",
    ]
    # A recurring rule shows its wording and the plan that set it.
    assert entries[3].splitlines()[1:] == [
        "  Gửi: UBND Thành phố (qua Sở Nội vụ)",
        "  Định kỳ: chậm nhất ngày 15 của tháng cuối quý",
        "  Nguồn: Kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND ngày 29/12/2020, "
        "UBND thành phố Hà Nội, Mục V.1",
    ]


def test_no_deadline_ahead_is_said_plainly() -> None:
    assert deadlines_text([], date(2030, 1, 2)) == (
        "Dạ, các kế hoạch hiện có không còn hạn báo cáo nào từ hôm nay (02/01/2030) trở đi."
    )


async def test_nhacviec_subscription_survives_an_application_rebuild(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    clock = vietnam_time(2024, 3, 6, 9)
    async with running(official_settings, clock) as application:
        await official_says(application, "/nhacviec bật 5")
    assert bot_api.texts_to(OFFICIAL_CHAT) == [
        "Dạ, em đã bật nhắc việc: em sẽ nhắn Anh/chị 5 ngày trước mỗi hạn báo cáo, "
        "lúc 08:00 (giờ Việt Nam).\n"
        "Hạn gần nhất: 14/03/2024 – Báo cáo CCHC quý I năm 2024."
    ]
    async with running(official_settings, clock) as application:
        await official_says(application, "/nhacviec")  # a toggle: it was on, so now off
        await official_says(application, "/nhacviec tat")
    assert bot_api.texts_to(OFFICIAL_CHAT)[1:] == [
        REMINDERS_OFF,
        "Dạ, Anh/chị chưa bật nhắc việc nên không có gì để tắt. Gõ /nhacviec để bật.",
    ]


async def test_reminder_goes_out_at_its_hour_exactly_once_even_after_a_restart(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    clock = vietnam_time(2024, 3, 11, 7, 59)  # three days before "trước ngày 14/3/2024"
    async with running(official_settings, clock) as application:
        await official_says(application, "/nhacviec")
        await run_reminder_job(application)
        assert len(bot_api.texts_to(OFFICIAL_CHAT)) == 1  # the confirmation only: not 8:00 yet
        clock.advance(minutes=1)
        await run_reminder_job(application)
        await run_reminder_job(application)
        assert bot_api.texts_to(OFFICIAL_CHAT)[1:] == [
            "Nhắc việc: còn 3 ngày đến hạn báo cáo (14/03/2024):\n"
            "• 14/03/2024 – Báo cáo CCHC quý I năm 2024\n"
            "  Gửi: UBND thành phố (qua Phòng Nội vụ)\n"
            f"  Nguồn: {HUNG_YEN_2024}"
        ]
        # A day on, Hà Nội's two quarterly reports of the 15th are three days away.
        clock.advance(days=1)
        await run_reminder_job(application)
    async with running(official_settings, clock) as application:
        await run_reminder_job(application)
        clock.advance(days=1)
        await run_reminder_job(application)
    later = bot_api.texts_to(OFFICIAL_CHAT)[2:]
    assert [text.splitlines()[:2] for text in later] == [
        [
            "Nhắc việc: còn 3 ngày đến hạn báo cáo (15/03/2024):",
            "• 15/03/2024 – Báo cáo CCHC Quý I, 6 tháng, 9 tháng, báo cáo CCHC năm",
        ],
        [
            "Nhắc việc: còn 3 ngày đến hạn báo cáo (15/03/2024):",
            "• 15/03/2024 – Báo cáo kết quả kiểm tra hằng quý",
        ],
    ]


async def test_reminder_of_a_recurring_rule_on_the_deadline_day(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    clock = vietnam_time(2023, 9, 5, 8, 30)
    async with running(official_settings, clock) as application:
        await official_says(application, "/nhacviec bat 0")
        await run_reminder_job(application)
    (_, reminder) = bot_api.texts_to(OFFICIAL_CHAT)
    assert reminder.splitlines()[:3] == [
        "Nhắc việc: hôm nay (05/09/2023) là hạn báo cáo:",
        "• 05/09/2023 – Báo cáo định kỳ 3 tháng, 6 tháng, 9 tháng, năm: Kết quả thực hiện các "
        "nội dung trong kế hoạch này",
        "  Định kỳ: chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12",
    ]


@pytest.mark.parametrize("command", ["/nhacviec bat 99", "/nhacviec sau", "/nhacviec tat 3"])
async def test_malformed_nhacviec_shows_its_usage_and_changes_nothing(
    official_settings: Settings, bot_api: FakeBotApi, command: str
) -> None:
    async with running(official_settings) as application:
        await official_says(application, command)
    assert bot_api.texts() == [REMINDER_USAGE]
    engine = get_engine(official_settings.database_url)
    assert ReminderService(engine).subscription(f"telegram:{OFFICIAL_CHAT}") is None


def test_reminder_arguments_with_or_without_diacritics() -> None:
    assert parse_reminder_args([], 3) == ("toggle", 3)
    assert parse_reminder_args(["bật", "7"], 3) == ("on", 7)
    assert parse_reminder_args(["BAT"], 4) == ("on", 4)
    assert parse_reminder_args(["tắt"], 3) == ("off", 3)
    with pytest.raises(ValueError):
        parse_reminder_args(["bat", "-1"], 3)


async def test_phananh_lists_new_complaints_with_citizen_data_masked(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    service = FeedbackService(get_engine(official_settings.database_url))
    first = service.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    closed = service.submit(complaint("web-5f2c", content="Đã được giải quyết."))
    second = service.submit(
        complaint("web-5f2c", category="thai_do", citizen_name="Trần Thị Bích Hoa")
    )
    service.mark(closed, "closed", by="telegram:1")
    async with running(official_settings) as application:
        await official_says(application, "/phananh")
    (text,) = bot_api.texts_to(OFFICIAL_CHAT)
    entries = text.split("\n\n")
    assert entries[0] == "Dạ, có 2 phản ánh mới (cũ nhất trước):"
    assert [entry.split(" · ")[0] for entry in entries[1:3]] == [f"• {first}", f"• {second}"]
    assert entries[1].splitlines()[1] == "  Nguyễn V** A* · 0912***678"
    assert entries[2].splitlines()[1] == "  Trần T** B*** H** · 0912***678"
    assert " · Thái độ, tác phong cán bộ · " in entries[2]
    assert entries[1].splitlines()[2].startswith("  Hồ sơ cấp giấy chứng nhận quyền sử dụng đất")
    assert "Gọi tôi: 0987***321." in text
    for number in ("0987 654 321", "0987654321", "0912 345 678", "0912345678"):
        assert number not in text
    assert closed not in text


async def test_phananh_xong_marks_the_complaint_handled(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    service = FeedbackService(get_engine(official_settings.database_url))
    code = service.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    typed = code.lower().replace("-", "")  # "pakn2026000001": officials type codes loosely
    async with running(official_settings) as application:
        await official_says(application, f"/phananh xong {typed}")
        await official_says(application, "/phananh")
    assert bot_api.texts_to(OFFICIAL_CHAT) == [
        f"Dạ, đã đánh dấu phản ánh {code}: Đã đóng.",
        "Dạ, hiện không có phản ánh mới nào.",
    ]
    (item,) = service.inbox(status="closed")
    assert item.handled_by == ADMIN


async def test_phananh_traloi_is_stored_and_reaches_the_citizens_chat(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    service = FeedbackService(get_engine(official_settings.database_url))
    code = service.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    answer = (
        "Bộ phận một cửa đã liên hệ Sở Tài nguyên và Môi trường.\nHồ sơ sẽ có kết quả ngày 15/3."
    )
    async with running(official_settings) as application:
        await official_says(application, f"/phananh traloi {code} {answer}")
    assert bot_api.texts_to(CITIZEN_CHAT) == [
        f"Dạ, cơ quan chức năng đã trả lời phản ánh {code} của Anh/chị:\n\n{answer}"
    ]
    assert bot_api.texts_to(OFFICIAL_CHAT) == [
        f"Dạ, đã lưu trả lời phản ánh {code} và gửi tới người dân qua Telegram."
    ]
    status = service.status(code)
    assert status is not None
    assert (status.status, status.reply) == ("answered", answer)


async def test_phananh_traloi_to_a_web_citizen_is_kept_for_their_status_question(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    service = FeedbackService(get_engine(official_settings.database_url))
    code = service.submit(complaint("5f2c9a1e0b7d4c3e"))  # a web widget's socket.io session
    async with running(official_settings) as application:
        await official_says(application, f"/phananh traloi {code} Đã chuyển Phòng Nội vụ xử lý.")
    assert [m["chat"]["id"] for m in bot_api.delivered] == [OFFICIAL_CHAT]
    (confirmation,) = bot_api.texts_to(OFFICIAL_CHAT)
    assert f"“kiểm tra phản ánh {code}”" in confirmation
    status = service.status(code)
    assert status is not None and status.reply == "Đã chuyển Phòng Nội vụ xử lý."


async def test_phananh_traloi_the_citizen_cannot_receive_is_still_stored(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    service = FeedbackService(get_engine(official_settings.database_url))
    code = service.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    blocked = {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    async with running(official_settings) as application:
        bot_api.failures["sendMessage"].append((403, blocked))  # the citizen's message only
        await official_says(application, f"/phananh traloi {code} Đã xử lý xong.")
    assert bot_api.texts_to(OFFICIAL_CHAT) == [
        f"Dạ, đã lưu trả lời phản ánh {code} nhưng chưa gửi được tới người dân qua Telegram; "
        f"người dân vẫn xem được khi nhắn “kiểm tra phản ánh {code}”."
    ]
    status = service.status(code)
    assert status is not None and status.reply == "Đã xử lý xong."


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/phananh xong PAKN-2026-999999", "Dạ, không tìm thấy phản ánh có mã PAKN-2026-999999."),
        ("/phananh traloi PAKN-2026-000001", None),  # no text: usage
        ("/phananh xoa PAKN-2026-000001", None),
    ],
)
async def test_phananh_mistakes_get_a_vietnamese_answer(
    official_settings: Settings, bot_api: FakeBotApi, command: str, answer: str | None
) -> None:
    async with running(official_settings) as application:
        await official_says(application, command)
    (text,) = bot_api.texts()
    if answer is None:
        assert text.startswith("Dạ, lệnh phản ánh dùng như sau:")
    else:
        assert text == answer
