"""The citizen FAQ: curated entries, retrieval by meaning, answers, and the plan lines they cite."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.faq import TOPIC_BY_INTENT, TOPICS, FaqEntry, FaqIndex, RelatedFact, render
from knowledge.faq.retrieval import PLACEHOLDERS, match_key
from knowledge.plans.ingest.outline import section_label, walk
from knowledge.plans.manifest import load_manifests
from knowledge.shared.text import normalize_vi

INDEX = FaqIndex.load()
BY_ID = {entry.id: entry for entry in INDEX.entries}
DEFAULTS: dict[str, str] = {}  # an environment without CONTACT_* variables

# How people actually type: with and without diacritics, abbreviations, politeness, none of
# them a copy of a question in entries.yaml (checked below).
PARAPHRASES: list[tuple[str, str]] = [
    ("cho em hỏi đóng lệ phí trực tuyến làm thế nào ạ", "payment_how_to_pay_online"),
    ("thanh toan truc tuyen le phi ho so ntn", "payment_how_to_pay_online"),
    ("muốn trả lệ phí cấp giấy phép qua cổng dvc thì làm sao", "payment_how_to_pay_online"),
    ("anh chị ơi cho em hỏi lệ phí có nộp qua mạng được không", "payment_how_to_pay_online"),
    ("em muon dong phi tren dvc thi lam the nao", "payment_how_to_pay_online"),
    ("nộp phí online trên dịch vụ công quốc gia", "payment_how_to_pay_online"),
    ("co tra phi bang vi dien tu dc k", "payment_methods"),
    ("thanh toán lệ phí bằng tài khoản ngân hàng được không ạ", "payment_methods"),
    ("nộp phí hồ sơ qua app ngân hàng được ko", "payment_methods"),
    ("thẻ tín dụng có dùng để trả lệ phí được không", "payment_methods"),
    ("ví điện tử nào dùng để trả lệ phí được", "payment_methods"),
    ("co the chuyen khoan de tra phi ho so ko", "payment_methods"),
    ("nộp phí xong thì lấy biên lai ở đâu ạ", "payment_receipt"),
    ("bien lai dien tu le phi tai o dau", "payment_receipt"),
    ("sao biết là mình đã trả phí thành công chưa", "payment_receipt"),
    ("đã nộp phí rồi lấy chứng từ ở đâu", "payment_receipt"),
    ("tài khoản bị trừ tiền rồi mà hồ sơ vẫn chưa thanh toán", "payment_failed"),
    ("thanh toan le phi bi loi phai lam gi", "payment_failed"),
    ("giao dịch nộp phí thất bại thì sao", "payment_failed"),
    ("tiền bị trừ mà hồ sơ không cập nhật là sao", "payment_failed"),
    ("nộp phí bị lỗi mất tiền rồi", "payment_failed"),
    ("thủ tục nào thì có thể trả phí online", "payment_which_procedures"),
    ("sao ho so cua em ko thanh toan truc tuyen duoc", "payment_which_procedures"),
    ("hồ sơ miễn phí thì có cần thanh toán gì không", "payment_which_procedures"),
    ("có nộp tiền mặt ở bộ phận một cửa được không", "payment_in_person"),
    ("không có tài khoản ngân hàng thì nộp lệ phí thế nào", "payment_in_person"),
    ("bắt buộc phải trả phí online à", "payment_in_person"),
    ("tôi muốn đóng lệ phí trực tiếp bằng tiền mặt", "payment_in_person"),
    ("bưu chính công ích nghĩa là gì vậy", "postal_what_is"),
    ("dich vu buu chinh cong ich la sao", "postal_what_is"),
    ("làm thủ tục hành chính qua bưu điện được không", "postal_what_is"),
    ("bưu chính công ích là cái gì thế", "postal_what_is"),
    ("có dịch vụ gửi hồ sơ hành chính qua bưu điện không", "postal_what_is"),
    ("cho em nhận kết quả qua bưu điện được ko", "postal_receive_result"),
    ("có gửi kết quả giải quyết hồ sơ về nhà không", "postal_receive_result"),
    ("co the nhan ket qua ho so qua buu dien khong", "postal_receive_result"),
    ("muốn đăng ký nhận kết quả tại nhà", "postal_receive_result"),
    ("tôi ở xa có nhận kết quả qua đường bưu điện được không", "postal_receive_result"),
    ("kết quả hồ sơ gửi về nhà được không ạ", "postal_receive_result"),
    ("gửi hồ sơ qua bưu điện thế nào", "postal_submit"),
    ("nop hs qua buu chinh cong ich ntn", "postal_submit"),
    ("bưu điện có đến tận nhà nhận hồ sơ không ạ", "postal_submit"),
    ("gui ho so qua buu dien duoc ko", "postal_submit"),
    ("bưu điện nhận hồ sơ tại nhà không", "postal_submit"),
    ("cước gửi hồ sơ qua bưu điện hết bao nhiêu", "postal_fee"),
    ("gui ket qua ve nha mat phi bn", "postal_fee"),
    ("ai trả tiền cước bưu điện", "postal_fee"),
    ("phi buu dien gui ket qua bao nhieu", "postal_fee"),
    ("gửi qua bưu chính công ích có tốn tiền không", "postal_fee"),
    ("thủ tục nào phải đến tận nơi không gửi bưu điện được", "postal_limits"),
    ("thủ tục nào bắt buộc có mặt trực tiếp", "postal_limits"),
    ("thủ tục nào không được gửi qua bưu chính", "postal_limits"),
    ("bưu điện đến mà tôi đi vắng thì sao", "postal_delivery"),
    ("vợ tôi nhận kết quả thay được không", "postal_delivery"),
    ("nhờ con nhận hộ kết quả bưu điện được không", "postal_delivery"),
    ("dvc trực tuyến nghĩa là gì", "online_what_is"),
    ("dich vu cong truc tuyen la nhu the nao", "online_what_is"),
    ("nộp hồ sơ trực tuyến có lợi ích gì", "online_what_is"),
    ("dịch vụ công online giúp được gì cho người dân", "online_what_is"),
    ("dvc toàn trình nghĩa là gì", "online_full_vs_partial"),
    ("dich vu cong truc tuyen toan trinh la sao", "online_full_vs_partial"),
    ("một phần với toàn trình khác nhau chỗ nào", "online_full_vs_partial"),
    ("dvc mot phan nghia la sao", "online_full_vs_partial"),
    ("toàn trình với một phần khác gì nhau", "online_full_vs_partial"),
    ("nộp hồ sơ online ở trang web nào", "online_where_to_file"),
    ("em nộp hs online thì vào đâu", "online_where_to_file"),
    ("cổng dịch vụ công quốc gia ở đâu", "online_where_to_file"),
    ("trang nào để nộp hồ sơ online", "online_where_to_file"),
    ("nộp hồ sơ qua mạng ở trang nào vậy", "online_where_to_file"),
    ("đăng nhập cổng dvc bằng vneid được ko", "online_account"),
    ("làm sao tạo tài khoản trên cổng dịch vụ công", "online_account"),
    ("quen mat khau dich vu cong", "online_account"),
    ("đăng ký tk dịch vụ công như thế nào", "online_account"),
    ("dang nhap cong dvc quoc gia the nao", "online_account"),
    ("hướng dẫn các bước nộp hs trực tuyến", "online_steps"),
    ("cach nop ho so online", "online_steps"),
    ("nộp hồ sơ qua mạng gồm những bước nào", "online_steps"),
    ("hướng dẫn cách nộp hồ sơ trực tuyến từng bước", "online_steps"),
    ("hồ sơ nộp online rồi theo dõi ở đâu", "online_track_status"),
    ("hồ sơ trực tuyến của tôi đã có ai tiếp nhận chưa", "online_track_status"),
    ("nộp hồ sơ online xong thì xem tình trạng ở đâu", "online_track_status"),
    ("hồ sơ bị yêu cầu bổ sung giấy tờ phải làm sao", "online_supplement"),
    ("ho so online bi tra ve", "online_supplement"),
    ("hồ sơ online của tôi bị trả về phải bổ sung", "online_supplement"),
    ("nộp online có phải mang bản chính không", "online_documents"),
    ("chụp ảnh giấy tờ để nộp trực tuyến được ko", "online_documents"),
    ("nộp trực tuyến có cần scan giấy tờ không", "online_documents"),
    ("thủ tục nào nộp trực tuyến được", "online_which_procedures"),
    ("thu tuc cua toi co dvc truc tuyen khong", "online_which_procedures"),
    ("làm sao biết thủ tục có làm online được không", "online_which_procedures"),
    ("tôi không rành máy tính ai giúp nộp hồ sơ trực tuyến", "online_help"),
    ("có cán bộ hỗ trợ nộp hồ sơ online không", "online_help"),
    ("ông bà tôi không biết dùng mạng thì ai giúp nộp hồ sơ", "online_help"),
    ("cho em gặp cán bộ ạ", "contact_human"),
    ("muon noi chuyen voi nguoi that", "contact_human"),
    ("tôi cần gặp người tư vấn", "contact_human"),
    ("tôi muốn gặp nhân viên", "contact_human"),
    ("cho gặp người thật đi", "contact_human"),
    ("cho xin số tổng đài hỗ trợ", "contact_hotline"),
    ("so hotline la gi", "contact_hotline"),
    ("số điện thoại ubnd là bao nhiêu", "contact_hotline"),
    ("số tổng đài là bao nhiêu", "contact_hotline"),
    ("duong day nong ubnd", "contact_hotline"),
    ("bộ phận một cửa nằm ở đâu", "contact_office"),
    ("muốn nộp hồ sơ trực tiếp thì đến đâu", "contact_office"),
    ("bộ phận tiếp nhận hồ sơ ở chỗ nào", "contact_office"),
]

UNRELATED = [
    "giá vàng hôm nay bao nhiêu",
    "thời tiết hà nội ngày mai",
    "kể chuyện cười đi",
    "bạn tên là gì",
    "mua vé máy bay đi sài gòn",
    "công thức nấu phở bò",
    "tỷ số bóng đá tối qua",
    "tỷ giá đô la",
    "hom nay an gi",
    "bài hát hay nhất năm",
    "xin chào",
    "cảm ơn em",
    "tạm biệt",
    "đặt lịch khám bệnh",
    "vay tiền ngân hàng lãi suất bao nhiêu",
    "tra cứu điểm thi đại học",
    "lương giáo viên bao nhiêu",
    "ai chủ trì nhiệm vụ rà soát văn bản quy phạm pháp luật",
    "hạn nộp báo cáo cchc quý 3",
]


def test_entries_are_curated_within_bounds() -> None:
    assert 20 <= len(INDEX.entries) <= 30
    assert set(Counter(entry.topic for entry in INDEX.entries)) == set(TOPICS)
    for entry in INDEX.entries:
        assert 6 <= len(entry.questions) <= 12, entry.id
        keys = [match_key(q) for q in entry.questions]
        assert len(set(keys)) == len(keys), f"{entry.id}: a question repeats another"


def test_questions_are_typed_with_and_without_diacritics() -> None:
    for entry in INDEX.entries:
        plain = [q for q in entry.questions if q.isascii()]
        assert plain and len(plain) < len(entry.questions), entry.id


@pytest.mark.parametrize(
    ("entry_id", "question"),
    [(entry.id, question) for entry in INDEX.entries for question in entry.questions],
)
def test_every_question_retrieves_its_own_entry(entry_id: str, question: str) -> None:
    match = INDEX.best(question)
    assert match is not None and match.entry.id == entry_id


@pytest.mark.parametrize(
    ("chat", "written"),
    [
        ("nop hs onl o dau", "nộp hồ sơ trực tuyến ở đâu"),  # shared table: onl → online
        ("tra kq qua sdt", "tra kết quả qua số điện thoại"),  # shared table
        ("quen mk tk dvc", "quên mật khẩu tài khoản dvc"),  # this topic's own
    ],
)
def test_chat_abbreviations_meet_the_written_words(chat: str, written: str) -> None:
    assert match_key(chat) == match_key(written)


def test_paraphrases_are_not_copies_of_the_questions() -> None:
    keys = {match_key(q) for entry in INDEX.entries for q in entry.questions}
    copies = [text for text, _ in PARAPHRASES if match_key(text) in keys]
    assert not copies
    assert len(PARAPHRASES) >= 40


def test_paraphrases_retrieve_the_right_entry() -> None:
    misses = []
    right_topic = 0
    for text, expected in PARAPHRASES:
        match = INDEX.best(text)
        got = match.entry if match else None
        right_topic += got is not None and got.topic == BY_ID[expected].topic
        if got is None or got.id != expected:
            misses.append((text, expected, got.id if got else None))
    for text, expected, got in misses:
        print(f"miss: {text!r} -> {got} (expected {expected})")
    assert 1 - len(misses) / len(PARAPHRASES) >= 0.90
    assert right_topic / len(PARAPHRASES) >= 0.95


@pytest.mark.parametrize("text", UNRELATED)
def test_unrelated_questions_find_nothing(text: str) -> None:
    assert INDEX.best(text) is None


@pytest.mark.parametrize("text", ["", "   ", "dạ", "ko", "cho em hỏi", "vâng ạ", "???"])
def test_bare_scaffolding_finds_nothing(text: str) -> None:
    assert INDEX.best(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("buu chinh cong ichh la gi", "postal_what_is"),
        ("dich vu cong toan trinhh la gi", "online_full_vs_partial"),
        ("thanh toan truc tuyn le phi the nao", "payment_how_to_pay_online"),
    ],
)
def test_misspelt_words_still_match(text: str, expected: str) -> None:
    match = INDEX.best(text)
    assert match is not None and match.entry.id == expected


def test_topic_restricts_the_search() -> None:
    # "Fee by post" sits between two topics; the intent the NLU found decides.
    text = "nộp phí qua bưu điện"
    by_postal = INDEX.best(text, topic="postal")
    by_payment = INDEX.best(text, topic="payment")
    assert by_postal is not None and by_postal.entry.topic == "postal"
    assert by_payment is not None and by_payment.entry.topic == "payment"
    assert INDEX.best("bưu chính công ích là gì", topic="contact") is None


def test_by_topic_partitions_the_entries() -> None:
    grouped = [entry for topic in TOPICS for entry in INDEX.by_topic(topic)]
    assert sorted(e.id for e in grouped) == sorted(e.id for e in INDEX.entries)
    assert all(entry.topic == "postal" for entry in INDEX.by_topic("postal"))
    assert INDEX.by_topic("weather") == ()


def test_every_faq_intent_has_a_topic_with_entries() -> None:
    assert set(TOPIC_BY_INTENT.values()) == set(TOPICS)
    assert "request_human" in TOPIC_BY_INTENT
    for topic in TOPIC_BY_INTENT.values():
        assert INDEX.by_topic(topic)


@pytest.mark.parametrize("entry", INDEX.entries, ids=lambda e: e.id)
def test_answers_are_polite_short_and_invent_no_contact(entry: FaqEntry) -> None:
    answer = render(entry, DEFAULTS)
    assert answer.startswith("Dạ")
    assert "Anh/chị" in answer
    assert len(answer) <= 600
    assert "http" not in answer.lower() and "www" not in answer.lower()
    assert "{" not in answer and "}" not in answer
    # No invented phone number: contact details come only from configuration.
    assert not re.search(r"\d[\d .]{6,}\d", answer), answer


def test_contact_answers_take_hotline_and_office_from_configuration() -> None:
    env = {"CONTACT_HOTLINE": "HOTLINE-CONFIGURED", "CONTACT_OFFICE": "OFFICE-CONFIGURED"}
    for entry in INDEX.by_topic("contact"):
        answer = render(entry, env)
        assert "HOTLINE-CONFIGURED" in answer or "OFFICE-CONFIGURED" in answer, entry.id
    human = render(BY_ID["contact_human"], env)
    assert "HOTLINE-CONFIGURED" in human and "OFFICE-CONFIGURED" in human


@pytest.mark.parametrize("env", [{}, {"CONTACT_HOTLINE": "  ", "CONTACT_OFFICE": ""}])
def test_unset_contact_configuration_falls_back_to_neutral_wording(env: dict[str, str]) -> None:
    answer = render(BY_ID["contact_human"], env)
    for _variable, default in PLACEHOLDERS.values():
        assert default in answer


def test_render_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTACT_HOTLINE", "HOTLINE-FROM-ENV")
    assert "HOTLINE-FROM-ENV" in render(BY_ID["contact_hotline"])


def _citations(slug: str, parser: str, text: str) -> list[tuple[str, str]]:
    """(citation, line) of every line of a document, cited the way its parser cites it."""
    if not any(line.path for line in walk(text)):  # a news item: cited by paragraph
        _headline, *body = walk(text)
        return [(f"Bản tin, đoạn {n}", line.text) for n, line in enumerate(body, start=1)]
    return [(section_label(line.path), line.text) for line in walk(text)]


SOURCES = {m.slug: m for m in load_manifests()}
RELATED = [(entry.id, fact) for entry in INDEX.entries for fact in entry.related]


def test_entries_point_to_plan_lines() -> None:
    assert len(RELATED) >= 10
    assert {fact.document for _, fact in RELATED} >= {"hungyen-tp-cchc-2024"}


@pytest.mark.parametrize(
    ("entry_id", "fact"), RELATED, ids=[f"{i}:{f.section}" for i, f in RELATED]
)
def test_related_quotes_are_verbatim_and_cited_where_they_stand(
    entry_id: str, fact: RelatedFact
) -> None:
    manifest = SOURCES[fact.document]
    text = manifest.read_text()
    quote = normalize_vi(fact.quote)
    assert quote in normalize_vi(text), f"{entry_id}: quote not in {fact.document}"
    sections = {
        cite for cite, line in _citations(fact.document, manifest.parser, text) if quote in line
    }
    assert fact.section in sections, f"{entry_id}: quote stands in {sections}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- {id: a, topic: weather, questions: [x], answer: Dạ}", "unknown topic"),
        ("- {id: a, topic: postal, questions: [], answer: Dạ}", "no questions"),
        ("- {id: a, topic: postal, questions: ['là gì vậy ạ'], answer: Dạ}", "no subject"),
        ("- {id: a, topic: postal, questions: [x], answer: 'Dạ, gọi {phone}'}", "placeholders"),
        (
            "- {id: a, topic: postal, questions: [x], answer: Dạ}\n"
            "- {id: a, topic: payment, questions: [y], answer: Dạ}",
            "duplicate",
        ),
    ],
)
def test_load_rejects_malformed_entries(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "entries.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        FaqIndex.load(path)
