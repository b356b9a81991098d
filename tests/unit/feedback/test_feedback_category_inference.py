"""The complaint's category guessed from the citizen's words, with and without diacritics, with
a typo; no guess when the words point nowhere or to two categories alike."""

from __future__ import annotations

import pytest

from knowledge.feedback.categories import infer_category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Cán bộ tiếp nhận hồ sơ hách dịch, cửa quyền", "thai_do"),
        ("can bo mot cua gay kho de, doi tien boi duong", "thai_do"),
        ("Hồ sơ đã quá hạn 10 ngày mà chưa có kết quả", "cham_tre"),
        ("cán bộ hẹn đi hẹn lại mãi không trả", "cham_tre"),
        ("Bị thu thêm tiền ngoài lệ phí, không có biên lai", "phi_le_phi"),
        ("Không đăng nhập được Cổng dịch vụ công", "dich_vu_cong"),
        ("nop ho so truc tuyen bi loi he thong", "dich_vu_cong"),
        ("cổng dich vu cogn báo lỗi suốt", "dich_vu_cong"),  # a typo
        ("Yêu cầu nộp thêm giấy tờ không có trong quy định", "thu_tuc"),
    ],
)
def test_complaint_category_is_inferred_from_the_words(text: str, category: str) -> None:
    assert infer_category(text) == category


@pytest.mark.parametrize(
    "text",
    [
        "tôi muốn gửi phản ánh",
        "gui phan anh",
        "Đường trước nhà bị hỏng nặng",
        "trẻ em ở xóm tôi",  # "tre" without its marks is no delay
        "thái độ cán bộ và lệ phí",  # two categories alike
    ],
)
def test_complaint_category_is_not_guessed_without_a_clear_sign(text: str) -> None:
    assert infer_category(text) is None
