"""Targets: goal statements with a figure, read from the plans' goal sections only."""

from __future__ import annotations

import re

import pytest
import yaml

from knowledge.plans.ingest.targets import extract_targets
from knowledge.shared.text import fold_vi
from tests.paths import GOLD, SOURCES

SLUGS = [
    "hungyen-tp-cchc-2024",
    "hungyen-tp-papi-2023",
    "hanoi-cchc-2021",
    "longdiena-cchc-2023",
    "hungyen-tinh-cchc-2020",
]


def _source(slug: str) -> str:
    return (SOURCES / f"{slug}.txt").read_text(encoding="utf-8")


def _texts(slug: str) -> list[str]:
    return [t.text for t in extract_targets(_source(slug))]


def test_a_goal_with_three_figures_gives_three_targets():
    # "a) Trên 95% số hồ sơ TTHC ...; phần đầu 80% ...; 100% hồ sơ TTHC giải quyết quá hạn ..."
    line_40 = [t for t in extract_targets(_source("hungyen-tp-cchc-2024")) if t.source.line == 40]
    assert [t.text for t in line_40] == [
        "Trên 95% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn",
        "phần đầu 80% hồ sơ TTHC trả kết quả trước hạn",
        "100% hồ sơ TTHC giải quyết quá hạn phải thực hiện xin lỗi cá nhân, tổ chức theo đúng "
        "quy định.",
    ]
    assert {(t.topic, t.source.section) for t in line_40} == {
        ("Cải cách thủ tục hành chính (TTHC)", "Mục II.2.a")
    }


def test_clauses_sharing_one_verb_stay_one_target():
    texts = _texts("hungyen-tp-cchc-2024")
    # "h) 80% cán bộ cấp xã; 100% công chức cấp xã đạt chuẩn ...": "80% cán bộ cấp xã" alone
    # would say nothing
    assert any(t.startswith("80% cán bộ cấp xã; 100% công chức cấp xã đạt chuẩn") for t in texts)
    # "b) 100% các văn bản QPPL về phòng, chống tham nhũng; thực hành tiết kiệm, chống lãng phí
    # được tuyên truyền ...": the figure's clause has no verb of its own
    assert any(
        t.startswith("100% các văn bản QPPL về phòng, chống tham nhũng; thực hành tiết kiệm")
        for t in texts
    )


def test_a_goal_cut_by_a_page_break_is_joined():
    # line 54 ends "... đạt và vượt tỷ lệ 100%", line 56 goes on "chỉ tiêu do Tỉnh ủy, ..."
    (target,) = [t for t in extract_targets(_source("hungyen-tp-cchc-2024")) if t.source.line == 54]
    assert target.text.endswith("đạt và vượt tỷ lệ 100% chỉ tiêu do Tỉnh ủy, UBND tỉnh giao.")
    assert target.topic == "Cải cách tổ chức bộ máy hành chính nhà nước"


def test_a_rank_is_a_figure_and_wishes_without_one_are_not_targets():
    targets = extract_targets(_source("hungyen-tp-cchc-2024"))
    (rank,) = [t for t in targets if t.source.line == 28]
    assert "nằm trong nhóm 03" in rank.text
    assert (rank.topic, rank.source.section) == ("MỤC TIÊU", "Mục II")
    # the sentence after it, "... cao hơn năm 2023", names no figure
    assert "cao hơn năm 2023" not in rank.text
    # "a) Phân đấu tỷ lệ giải ngân vốn đầu tư công đảm bảo theo quy định." has no figure
    assert not [t for t in targets if t.source.line in (84, 86, 90)]


def test_only_the_goal_section_of_the_city_plan_gives_targets():
    targets = extract_targets(_source("hungyen-tp-cchc-2024"))
    assert len(targets) == 31
    assert all(t.source.section.startswith("Mục II") and t.source.line <= 102 for t in targets)


def test_hanoi_targets_come_from_its_chỉ_tiêu_section_not_from_duties():
    targets = extract_targets(_source("hanoi-cchc-2021"))
    assert {(t.source.section, t.topic) for t in targets} == {("Mục I.3", "Một số chỉ tiêu cụ thể")}
    assert [t.source.line for t in targets] == [86, 88, 90, 92, 92, 94]
    # V.1 "... đảm bảo 100% cơ quan, đơn vị được kiểm tra ít nhất 01 lần trong năm" is a duty
    assert not any("được kiểm tra ít nhất 01 lần" in t.text for t in targets)


def test_papi_target_is_the_rank_goal_not_the_table_results():
    assert _texts("hungyen-tp-papi-2023") == [
        "phấn đấu Chỉ số PAPI của thành phố Hưng Yên năm 2023 tăng bậc so với năm 2022."
    ]


def test_the_news_item_targets_follow_its_goal_lead_in():
    assert _texts("hungyen-tinh-cchc-2020") == [
        "100% các văn bản quy phạm pháp luật (QPPL) được ban hành bảo đảm đúng quy định và phù "
        "hợp với điều kiện thực tiễn của địa phương.",
        "Tiếp tục kiện toàn tổ chức bộ máy các cơ quan hành chính theo quy định của Chính phủ; "
        "100% các cơ quan hành chính nhà nước, đơn vị sự nghiệp công lập được rà soát chức năng, "
        "nhiệm vụ… để tránh chồng chéo, trùng lặp.",
    ]


def test_long_dien_a_states_no_figure_for_its_goals():
    # "cải thiện thứ hạng chỉ số CCHC" names no rank
    assert extract_targets(_source("longdiena-cchc-2023")) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_target_carries_a_figure(slug):
    figure = re.compile(r"\d\s*%|nhóm \d|tăng bậc|chỉ tiêu")
    assert all(figure.search(t.text) for t in extract_targets(_source(slug)))


def _gold_targets() -> list[tuple[str, dict]]:
    facts = []
    for path in sorted(GOLD.glob("*.targets-deadlines.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        facts.extend((gold["document"], fact) for fact in gold.get("targets", []))
    return facts


@pytest.mark.parametrize(("slug", "fact"), _gold_targets(), ids=lambda v: str(v)[:40])
def test_each_hand_read_target_is_extracted(slug, fact):
    matches = [text for text in _texts(slug) if fold_vi(fact["query"]) in fold_vi(text)]
    assert any(fact["figure"] in text for text in matches), matches


def test_a_numbered_item_under_a_goal_heading_is_a_goal_when_it_states_a_figure():
    text = (
        "I. MỤC TIÊU\n\n1. Cải cách thể chế\n\n"
        "2. Phấn đấu 100% hồ sơ thủ tục hành chính được giải quyết đúng hạn.\n"
    )
    assert [t.text for t in extract_targets(text)] == [
        "Phấn đấu 100% hồ sơ thủ tục hành chính được giải quyết đúng hạn."
    ]
