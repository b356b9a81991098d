"""The plan desk channels share: uploaded names made safe, a document that does not say where
it applies asks for it (in a channel's words, not the command line's), previews held for a
while and then forgotten."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.officials import plans as plan_desk
from knowledge.officials.accounts import AccountView
from knowledge.officials.plans import IntakeRefused, PlanDesk, PlanExpired, safe_file_name
from knowledge.plans.build import build
from knowledge.plans.manifest import load_manifests
from knowledge.plans.service import list_plans

# Three tasks with their leads, but nothing says which locality or level the plan is for.
NO_PLACE = """KẾ HOẠCH
Kiểm soát thủ tục hành chính năm 2025
II. NHIỆM VỤ CỤ THỂ
| STT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn |
| 1 | Rà soát quy trình nội bộ giải quyết thủ tục | Sở Nội vụ | Các sở, ngành | Quý III/2025 |
| 2 | Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính | Sở Tư pháp |  | Năm 2025 |
| 3 | Công khai thủ tục hành chính trên Cổng Dịch vụ công | Văn phòng UBND tỉnh |  | Năm 2025 |
"""


@pytest.fixture
def desk(engine: Engine, tmp_path: Path) -> PlanDesk:
    sources = tmp_path / "sources"
    sources.mkdir()
    build(engine, manifests=load_manifests(sources))
    return PlanDesk(engine, sources_dir=sources)


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("KH 7360 Lai Chau.docx", "KH 7360 Lai Chau.docx"),
        ("Kế hoạch số 12.pdf", "Kế hoạch số 12.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\can-bo\\Desktop\\ke-hoach.docx", "ke-hoach.docx"),
        ("<script>.html", "script.html"),
        ("..docx", "ke-hoach.docx"),
        ("", "ke-hoach"),
    ],
)
def test_uploaded_names_become_plain_file_names(uploaded: str, kept: str) -> None:
    assert safe_file_name(uploaded) == kept


async def test_a_plan_without_its_place_asks_for_it_in_a_channels_words(
    desk: PlanDesk, engine: Engine, admin: AccountView
) -> None:
    pending = await desk.read("kiem-soat.txt", NO_PLACE.encode())
    assert pending.missing == ("locality", "level") and not pending.publishable
    assert "Văn bản không ghi rõ: địa bàn, cấp." in pending.warnings
    assert not any("--" in warning for warning in pending.warnings)
    with pytest.raises(IntakeRefused) as refused:
        await desk.publish(pending.token, admin, force=True)
    assert refused.value.reason == "missing_metadata"
    assert "trang cán bộ" in str(refused.value) and "--" not in str(refused.value)

    given = await desk.read(
        "kiem-soat.txt", NO_PLACE.encode(), {"locality": "Lai Châu", "level": "province"}
    )
    assert given.publishable and given.preview.well_read
    published = await desk.publish(given.token, admin)
    assert published.slug in {plan.slug for plan in list_plans(engine)}


async def test_a_preview_is_forgotten_after_its_time_or_beyond_the_last_ones(
    desk: PlanDesk, monkeypatch: pytest.MonkeyPatch, admin: AccountView
) -> None:
    first = await desk.read("a.txt", NO_PLACE.encode())
    monkeypatch.setattr(plan_desk, "PENDING_MAX", 1)
    second = await desk.read("b.txt", NO_PLACE.encode())
    assert desk.pending(first.token) is None and desk.pending(second.token) is second
    monkeypatch.setattr(plan_desk, "PENDING_S", 0)
    assert desk.pending(second.token) is None
    with pytest.raises(PlanExpired, match="gửi lại tệp"):
        await desk.publish(second.token, admin)
