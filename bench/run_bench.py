"""`make bench`: our stack against stock `rasa init`, same machine, same load, one run.

1. Our stack exactly as `make run` starts it (on bench ports, data under bench/tmp): cold start
   to the first answer, then realistic Vietnamese conversations at 1, 10 and 40 users, with the
   peak resident memory of the whole stack sampled during the 40-user load.
2. The stock `rasa init` assistant (its default config and demo data), trained and served by
   the same engine, with its own demo phrases at the same concurrencies.
3. Training time of our model from scratch, NLU quality on the held-out set, and the
   knowledge-base benchmark. Everything goes to bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from bench.load import run_load
from knowledge.dossiers.demo import demo_dossiers

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "tmp"
RESULTS = ROOT / "bench" / "results.json"
ENGINE = ROOT / ".venv" / "engine" / "bin"
APP_PYTHON = ROOT / ".venv" / "app" / "bin" / "python"
LEVELS = (1, 10, 40)
PORTS = {"RASA_PORT": "15005", "ACTIONS_PORT": "15055", "WEB_PORT": "18000"}
STOCK_PORT = "15105"

STOCK_CONVERSATIONS = (
    ("hello", "I am sad", "yes", "bye"),
    ("hi", "great", "are you a bot?", "goodbye"),
    ("good morning", "not very good", "no", "see you later"),
)


def our_conversations() -> list[list[str]]:
    code = demo_dossiers(count=1, seed=2026)[0]["code"]
    return [
        ["xin chào", "bạn làm được gì", "ai chủ trì số hóa hồ sơ kết quả giải quyết TTHC"],
        ["ai chu tri cong tac tuyen truyen cai cach hanh chinh", "còn ai phối hợp?", "cảm ơn"],
        [f"tra cứu hồ sơ {code}", "nộp phí trực tuyến thế nào", "tạm biệt"],
        ["nhận kết quả qua bưu điện được không", "dvc toan trinh la gi", "cam on em"],
        ["hạn nộp báo cáo cchc sắp tới", "chỉ tiêu hồ sơ giải quyết đúng hạn là bao nhiêu"],
        ["Phòng Tư pháp chủ trì những nhiệm vụ nào", "kế hoạch cải cách hành chính Hà Nội 2021"],
    ]


def wait_for_answer(url: str, timeout_s: float, process: subprocess.Popen[bytes]) -> float:
    """Seconds until ``url`` answers "xin chào" with a non-empty reply."""
    started = time.monotonic()
    body = json.dumps({"sender": "bench-probe", "message": "xin chào"}).encode()
    while time.monotonic() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with code {process.returncode}")
        try:
            request = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                if json.loads(response.read()):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"no answer from {url} after {timeout_s:.0f} s")


def group_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    rss_kb: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields["PPid"].strip()), []).append(pid)
        rss_kb[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss_kb.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1024


class PeakSampler:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_mb = max(self.peak_mb, group_rss_mb(self.pid))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def load_levels(
    url: str,
    conversations: Sequence[Sequence[str]],
    duration_s: float,
    levels: Sequence[int] = LEVELS,
) -> dict:
    results = {}
    for users in levels:
        outcome = asyncio.run(run_load(url, conversations, users, duration_s))
        results[f"c{users}"] = outcome.summary()
        print(f"  c{users}: {results[f'c{users}']}", flush=True)
    return results


def stop_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def bench_ours(duration_s: float) -> dict:
    print("==> our stack (make run)", flush=True)
    # Every run starts from an empty conversation store, as a fresh `make run` does.
    shutil.rmtree(WORK / "var", ignore_errors=True)
    env = {**os.environ, **PORTS, "VAR_DIR": str(WORK / "var"), "TELEGRAM_BOT_TOKEN": ""}
    log = (WORK / "ours.log").open("wb")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{PORTS['RASA_PORT']}/webhooks/rest/webhook"
    try:
        cold_start = wait_for_answer(url, 300, process)
        print(f"  cold start {cold_start:.1f} s", flush=True)
        conversations = our_conversations()
        results = load_levels(url, conversations, duration_s, LEVELS[:-1])
        # Peak memory is sampled under the heaviest load only.
        with PeakSampler(process.pid) as sampler:
            results |= load_levels(url, conversations, duration_s, LEVELS[-1:])
        return {
            "load": results,
            "cold_start_s": round(cold_start, 1),
            "rss_mb": round(sampler.peak_mb),
        }
    finally:
        stop_group(process)


def bench_stock(duration_s: float) -> dict:
    print("==> stock rasa init", flush=True)
    project = WORK / "stock"
    if not (project / "models").is_dir():
        project.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(ENGINE / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    log = (WORK / "stock.log").open("wb")
    process = subprocess.Popen(
        [str(ENGINE / "rasa"), "run", "--port", STOCK_PORT, "--interface", "127.0.0.1"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{STOCK_PORT}/webhooks/rest/webhook"
    try:
        wait_for_answer(url, 300, process)
        return load_levels(url, STOCK_CONVERSATIONS, duration_s)
    finally:
        stop_group(process)


def bench_training() -> float:
    print("==> training our model from scratch", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            str(ENGINE / "rasa"),
            "train",
            "--force",
            "--config",
            "config.yml",
            "--domain",
            "domain",
            "--data",
            "data",
            "--out",
            str(WORK / "train"),
            "--fixed-model-name",
            "bench",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return round(time.monotonic() - started, 1)


def run_script(script: str, *args: str) -> None:
    subprocess.run([str(APP_PYTHON), str(ROOT / "bench" / script), *args], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per load level")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    ours = bench_ours(args.duration)
    stock = bench_stock(args.duration)
    train_s = bench_training()
    run_script("nlu_eval.py", "--only", "ours")
    run_script("kb_bench.py")
    nlu = json.loads((ROOT / "bench" / "nlu_results.json").read_text())["ours"]
    kb = json.loads((ROOT / "bench" / "kb_results.json").read_text())
    results = {
        "ours": ours["load"],
        "stock": stock,
        "cold_start_s": ours["cold_start_s"],
        "train_s": train_s,
        "rss_mb": ours["rss_mb"],
        "nlu": {
            "macro_f1": nlu["macro_f1"],
            "macro_f1_no_diacritics": nlu["macro_f1_no_diacritics"],
        },
        "kb_search_p95_ms": kb["search"]["p95_ms"],
        "kb_build_s": kb["build_seconds"]["median"],
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
