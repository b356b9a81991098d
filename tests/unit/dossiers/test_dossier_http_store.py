"""The provincial API adapter against a fake API on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from knowledge.dossiers.http_store import HttpDossierStore
from knowledge.dossiers.status import DossierServiceUnavailable

FOUND = {
    "code": "H31.29-260115-0001",
    "procedure": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, "
    "người nước ngoài đang cư trú tại Việt Nam",
    "receiving_unit": "Sở Tư pháp tỉnh Hưng Yên",
    "status": "result_ready",
    "received_on": "2026-01-15",
    "due_on": "2026-01-29",
    "finished_on": "2026-01-27",
    "paid_online": True,
    "result_by_post": True,
    "applicant_name": "Trần Thị Bích Ngọc",
}


@dataclass
class FakeApi:
    """Answers by code: a (status, body) pair, or a delay longer than the client waits."""

    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    base_url: str = ""


@pytest.fixture(scope="module")
def server() -> Iterator[FakeApi]:
    fake = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append((self.path, self.headers.get("Authorization")))
            code = self.path.rsplit("/", 1)[-1]
            if code in fake.slow:
                time.sleep(1.0)
            status, body = fake.answers.get(code, (404, {"error": "not found"}))
            payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: what the timeout test wants

        def log_message(self, *_args: Any) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def api(server: FakeApi) -> FakeApi:
    server.answers.clear()
    server.slow.clear()
    server.requests.clear()
    return server


# One client for the module: building its TLS context costs more than all requests.
@pytest.fixture(scope="module")
def client(server: FakeApi) -> Iterator[HttpDossierStore]:
    store = HttpDossierStore(
        server.base_url, timeout=0.3, token="t0k3n", today=lambda: date(2026, 2, 2)
    )
    yield store
    store.close()


def test_found_dossier_is_read_and_masked(api: FakeApi, client: HttpDossierStore) -> None:
    api.answers["H31.29-260115-0001"] = (200, FOUND)
    status = client.get("h31.29 260115 0001")
    assert status is not None
    assert status.code == "H31.29-260115-0001"
    assert status.status_label == "Đã có kết quả, chờ trả"
    assert (status.received_on, status.due_on, status.finished_on) == (
        date(2026, 1, 15),
        date(2026, 1, 29),
        date(2026, 1, 27),
    )
    assert not status.overdue
    assert status.paid_online and status.result_by_post
    assert status.applicant == "Trần T** B*** N***"
    assert api.requests == [("/api/v1/dossiers/H31.29-260115-0001", "Bearer t0k3n")]


def test_optional_fields_default_to_false(api: FakeApi, client: HttpDossierStore) -> None:
    body = {
        key: value for key, value in FOUND.items() if key not in {"paid_online", "result_by_post"}
    }
    api.answers["H31.29-260115-0001"] = (200, body | {"status": "processing", "finished_on": None})
    status = client.get("H31.29-260115-0001")
    assert status is not None
    assert not status.paid_online and not status.result_by_post
    assert status.overdue  # due 29 January, still open on 2 February


def test_unknown_dossier_is_none(api: FakeApi, client: HttpDossierStore) -> None:
    assert client.get("H31.29-260115-0009") is None
    assert len(api.requests) == 1


def test_malformed_code_is_not_sent(api: FakeApi, client: HttpDossierStore) -> None:
    assert client.get("../admin") is None
    assert api.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        (500, {"error": "internal"}),
        (503, "Service Unavailable"),
        (401, {"error": "bad token"}),
        (200, "<html>maintenance</html>"),
        (200, ["not", "an", "object"]),
        (200, FOUND | {"status": "lost"}),
        (200, FOUND | {"due_on": "29/01/2026"}),
        (200, {key: value for key, value in FOUND.items() if key != "applicant_name"}),
    ],
)
def test_errors_and_unreadable_answers_mean_unavailable(
    api: FakeApi, client: HttpDossierStore, answer: tuple[int, Any]
) -> None:
    api.answers["H31.29-260115-0001"] = answer
    with pytest.raises(DossierServiceUnavailable):
        client.get("H31.29-260115-0001")


def test_timeout_means_unavailable(api: FakeApi, client: HttpDossierStore) -> None:
    api.answers["H31.29-260115-0001"] = (200, FOUND)
    api.slow.add("H31.29-260115-0001")
    started = time.perf_counter()
    with pytest.raises(DossierServiceUnavailable):
        client.get("H31.29-260115-0001")
    assert time.perf_counter() - started < 0.9  # gave up at the timeout, not at the answer


def test_refused_connection_means_unavailable() -> None:
    store = HttpDossierStore("http://127.0.0.1:9", timeout=0.3)  # discard port: nothing listens
    with pytest.raises(DossierServiceUnavailable):
        store.get("H31.29-260115-0001")
    store.close()
