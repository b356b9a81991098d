"""Knowledge-base benchmark: build time of all plan documents and task-search latency.

Run: ``.venv/app/bin/python bench/kb_bench.py`` (writes bench/kb_results.json).

The build goes into a fresh SQLite file each run. Search goes through the service an action
calls (``find_tasks``), over realistic officials' questions typed with diacritics and again
without them, after the once-per-process catalog load (reported on its own).
Targets: build < 10 s, search p95 < 5 ms.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from knowledge.plans.build import build
from knowledge.plans.search import catalog
from knowledge.plans.service import find_tasks
from knowledge.shared.db import make_engine
from knowledge.shared.text import fold_vi

RESULTS = Path(__file__).resolve().parent / "kb_results.json"
BUILD_RUNS = 3
SEARCH_ROUNDS = 5
TARGET_BUILD_SECONDS = 10.0
TARGET_SEARCH_P95_MS = 5.0

# Questions as officials and citizens type them, about all five plans; each is also run
# without diacritics.
QUERIES = [
    "Ai chủ trì xây dựng kế hoạch kiểm tra công vụ năm 2021?",
    "Đơn vị nào chủ trì xây dựng tiêu chí đánh giá CCHC giai đoạn 2021-2025",
    "ai phối hợp xác định Chỉ số CCHC năm 2021",
    "Viện Nghiên cứu Phát triển KT-XH làm nhiệm vụ gì",
    "hệ thống thông tin điều tra xã hội học do ai làm",
    "giải pháp nâng cao hiệu quả dịch vụ công trực tuyến",
    "kế hoạch CCHC giai đoạn 2021-2025 của Hà Nội khi nào xong",
    "kế hoạch thông tin tuyên truyền cải cách hành chính",
    "đo lường chỉ số SIPAS",
    "nâng cao chỉ số PCI ai chủ trì",
    "tập huấn công tác CCHC cho cán bộ làm công tác CCHC",
    "rà soát hệ thống hóa văn bản quy phạm pháp luật",
    "kiểm tra văn bản QPPL năm 2021",
    "sửa đổi Luật Thủ đô",
    "ủy quyền cho công chức tư pháp hộ tịch chứng thực chữ ký",
    "kế hoạch rà soát đánh giá thủ tục hành chính",
    "tuyên truyền về kiểm soát TTHC và một cửa liên thông",
    "kiểm tra cấp giấy chứng nhận quyền sử dụng đất",
    "công khai hằng tháng kết quả giải quyết TTHC",
    "tập huấn kiểm soát thủ tục hành chính",
    "quy chế phối hợp liên thông TTHC lĩnh vực đầu tư xây dựng",
    "cấp giấy phép xây dựng sửa đổi quyết định 20/2016",
    "chuyển đơn vị sự nghiệp công lập sang tự chủ",
    "sắp xếp tổ chức bộ máy phường mô hình chính quyền đô thị",
    "sắp xếp các trường cao đẳng trung cấp công lập",
    "sắp xếp cơ sở bảo trợ xã hội",
    "chi nhánh văn phòng đăng ký đất đai",
    "mô hình trung tâm y tế cấp huyện",
    "trường phổ thông liên cấp công lập",
    "phân cấp quản lý nhà nước hạ tầng kinh tế xã hội",
    "thi tuyển chức danh lãnh đạo cấp phòng",
    "đề án đào tạo bồi dưỡng cán bộ công chức viên chức Hà Nội",
    "nghị định 130/2005 tự chủ biên chế kinh phí",
    "kiến nghị sau thanh tra kiểm toán tài chính ngân sách",
    "khung giá dịch vụ sự nghiệp công",
    "phân cấp nguồn thu nhiệm vụ chi ngân sách",
    "tiêu chuẩn định mức sử dụng máy móc thiết bị chuyên dùng",
    "kế hoạch công nghệ thông tin năm 2020",
    "kiến trúc chính quyền điện tử thành phố",
    "chương trình ứng dụng CNTT giai đoạn 2021-2025",
    "tích hợp dịch vụ công mức độ 3, 4 với cổng dịch vụ công quốc gia",
    "kênh tương tác giữa người dân và chính quyền",
    "hệ thống quản lý văn bản và điều hành",
    "kiểm tra áp dụng ISO 9001",
    "quy chế một cửa điện tử dùng chung 3 cấp",
    "hệ thống họp trực tuyến",
    "ai hướng dẫn bầu cử trưởng thôn tổ trưởng tổ dân phố",
    "bầu cử đại biểu quốc hội và HĐND các cấp",
    "đăng thông cáo báo chí trên cổng thông tin thành phố",
    "luật thực hiện dân chủ ở cơ sở",
    "kế hoạch đào tạo quy chế dân chủ cơ sở",
    "giám sát bầu trưởng thôn",
    "đóng góp tự nguyện của người dân",
    "quy chế thực hiện dân chủ trong cơ quan",
    "công khai cho cán bộ công chức biết",
    "kiện toàn ban thanh tra nhân dân",
    "luật tiếp cận thông tin ai chủ trì",
    "rà soát hộ nghèo công khai danh sách",
    "công khai ngân sách xã phường",
    "công bố quy hoạch kế hoạch sử dụng đất",
    "tập huấn cho trưởng thôn tổ trưởng dân phố",
    "đối thoại giữa chủ tịch UBND và mặt trận tổ quốc",
    "giải quyết khiếu nại tố cáo",
    "lịch tiếp công dân",
    "trợ giúp pháp lý",
    "thanh tra kỷ cương hành chính đất đai xây dựng",
    "đường dây nóng y tế",
    "thanh tra trường tiểu học công lập",
    "công bằng trong tuyển dụng",
    "tuyên truyền phòng chống tham nhũng",
    "bộ nhận diện thương hiệu bộ phận một cửa",
    "xin lỗi khi trễ hạn hồ sơ",
    "mức độ hài lòng 90% TTHC",
    "tập huấn cán bộ một cửa",
    "sổ khám chữa bệnh điện tử",
    "tỷ lệ bao phủ BHYT",
    "phổ cập giáo dục tiểu học",
    "cứng hóa đường giao thông nông thôn",
    "kiểm tra chất lượng nước cấp nước",
    "an ninh trật tự phòng cháy chữa cháy",
    "tuyên truyền bảo vệ môi trường",
    "TTHC lĩnh vực môi trường đúng hạn",
    "người dân tiếp cận cổng thông tin điện tử",
    "internet khu vực ngoại thành",
    "ai chủ trì cải cách thể chế ở TP Hưng Yên",
    "cải cách tài chính công do phòng nào chủ trì",
    "chính quyền điện tử chính quyền số ai chịu trách nhiệm",
    "kế hoạch tuyên truyền cải cách hành chính năm 2024",
    "chấm điểm chỉ số cải cách hành chính phường xã",
    "niêm yết thủ tục hành chính ở phường xã",
    "hội nghị sơ kết tổng kết CCHC 2024",
    "sắp xếp đơn vị hành chính cấp xã",
    "số hóa hồ sơ kết quả giải quyết TTHC",
    "giải ngân vốn đầu tư công",
    "giải phóng mặt bằng bồi thường tái định cư",
    "ban điều hành CCHC xã họp mấy lần",
    "khắc phục trễ hạn giải quyết thủ tục hành chính ở xã Long Điền A",
    "kiện toàn tổ kiểm tra công vụ của xã",
    "camera giám sát bộ phận tiếp nhận và trả kết quả",
    "phong trào thi đua CCHC sáng kiến",
    "nâng cao tỷ lệ hồ sơ mức độ 3 mức độ 4 của xã",
    "cập nhật chuyên mục cổng thông tin điện tử tỉnh",
    "áp dụng ISO 9001:2015 tỉnh Hưng Yên",
    "tham mưu UBND tỉnh cải cách TTHC",
    "hs trễ hạn có xin lỗi ko",
    "dvc trực tuyến toàn trình",
    "ai lo vụ pakn của dân",
    "trả kết quả qua bưu chính công ích",
]


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, round(share * len(ordered)))
    return ordered[rank - 1]


def bench_build(workdir: Path) -> list[float]:
    seconds = []
    for run in range(BUILD_RUNS):
        engine = make_engine(f"sqlite:///{workdir / f'build-{run}.db'}")
        started = time.perf_counter()
        build(engine)
        seconds.append(time.perf_counter() - started)
        engine.dispose()
    return seconds


def bench_search(workdir: Path) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{workdir / 'search.db'}")
    build(engine)
    started = time.perf_counter()
    catalog(engine)
    load_ms = (time.perf_counter() - started) * 1000
    queries = [q for query in QUERIES for q in (query, fold_vi(query))]
    latencies: list[float] = []
    answered = 0
    for _ in range(SEARCH_ROUNDS):
        for query in queries:
            started = time.perf_counter()
            matches = find_tasks(query, engine=engine)
            latencies.append((time.perf_counter() - started) * 1000)
            answered += bool(matches)
    return {
        "queries": len(queries),
        "rounds": SEARCH_ROUNDS,
        "answered_share": round(answered / len(latencies), 3),
        "catalog_load_ms": round(load_ms, 1),
        "p50_ms": round(percentile(latencies, 0.50), 3),
        "p95_ms": round(percentile(latencies, 0.95), 3),
        "max_ms": round(max(latencies), 3),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        build_seconds = bench_build(workdir)
        search = bench_search(workdir)
    met = {
        "build": max(build_seconds) < TARGET_BUILD_SECONDS,
        "search": search["p95_ms"] < TARGET_SEARCH_P95_MS,
    }
    results = {
        "build_seconds": {
            "runs": [round(s, 3) for s in build_seconds],
            "median": round(statistics.median(build_seconds), 3),
            "max": round(max(build_seconds), 3),
        },
        "search": search,
        "targets": {"build_seconds": TARGET_BUILD_SECONDS, "search_p95_ms": TARGET_SEARCH_P95_MS},
        "met": met,
        "environment": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "system": platform.system(),
            # Other processes share the CPUs; the tail of the latencies depends on them.
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
