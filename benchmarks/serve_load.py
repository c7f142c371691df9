"""Load on ``proofread serve`` over loopback: latency, throughput, errors and memory.

    python benchmarks/serve_load.py [--duration 60] [--clients 1 4 16] [--rss-requests 10000] [--workers 1]

Starts ``proofread serve`` on a free loopback port (nothing else is contacted) and measures,
in one run and on one machine:

1. warm latency p50/p95 of one client sending 2,000-character articles one after another
   (after a warm-up, so the model is loaded and the first-call costs are paid);
2. throughput (requests/s, characters/s) and latency p50/p95 with 1, 4 and 16 concurrent
   clients for ``--duration`` seconds each, every request a 2,000-character article never sent
   before (its sentences numbered, so the shared sentence cache does not answer for them);
3. the same with the server's batching off (``--no-batching``: one request per ``pipe`` call),
   the baseline, in the same run;
4. the editor plug-in pattern: one draft re-sent by 4 clients with one sentence edited each time
   (what LTeX and the browser extensions do), where the sentence cache answers for the rest;
5. the server's resident memory (RSS) in steady state (after the phases above, so its bounded
   caches are full) and after ``--rss-requests`` further requests (short distinct paragraphs from
   4 clients), and the growth in per cent (the RSS right after start is printed too);
6. the floor: ``Proofreader.pipe`` in this process, no server, on batches of 4 new articles
   (milliseconds of checking per article; 4 clients cannot be answered faster than 4 of these).

Every non-200 answer or connection error counts as an error. The targets of issue 19 (2-core
machine): p95 <= 300 ms for a 2,000-character article with 4 clients, 0 errors, RSS growth <= 5%;
the script says whether each is met and exits 1 if one is not. The articles are built from the
held-back official sentences of ``shared/data/text`` (``--data``), or from ``examples/`` where
that is absent (said in the output). The clients run in this process (threads, keep-alive
connections) and share the machine with the server, as a CMS on the same host would.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_CHARS = 2000
TARGET_P95_MS = 300.0
TARGET_RSS_GROWTH = 0.05


def sentences_from(data: Path) -> tuple[list[str], str]:
    """Official-style sentences: the held-back corpus lines, else the bundled sample."""
    try:
        from throughput import held_back_sentences  # beside this script

        return held_back_sentences(data), f"{data}/text (held-back lines)"
    except SystemExit:
        text = (ROOT / "examples" / "notice.txt").read_text(encoding="utf-8")
        parts = [s + "。" for s in text.replace("\n", "").split("。") if s.strip()]
        return parts, "examples/notice.txt (shared/data absent)"


class Articles:
    """Thread-safe source of distinct articles of about ``chars`` characters."""

    def __init__(self, sentences: list[str], chars: int, seed: int = 0) -> None:
        self.sentences = [s if s[-1] in "。！？；" else s + "。" for s in sentences if s]
        self.chars = chars
        self.rng = random.Random(seed)
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.count += 1
            n = self.count
            parts: list[str] = []
            total = 0
            while total < self.chars:
                s = f"（{n}.{len(parts) + 1}）{self.rng.choice(self.sentences)}"  # numbered: never seen before
                parts.append(s)
                total += len(s)
        return "".join(parts)[: self.chars]


class Redrafts:
    """One draft, a different sentence edited on each call (an editor typing, the plug-in re-sending)."""

    def __init__(self, sentences: list[str], chars: int, seed: int = 1) -> None:
        rng = random.Random(seed)
        self.parts: list[str] = []
        while sum(map(len, self.parts)) < chars:
            self.parts.append(rng.choice(sentences).rstrip("。") + "。")
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.count += 1
            i = self.count % len(self.parts)
            self.parts[i] = f"{self.parts[i].rstrip('。')[:60]}（第{self.count}稿）。"
            return "".join(self.parts)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    chars: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        ok = sorted(self.latencies)
        return {
            "requests": len(ok),
            "errors": self.errors,
            "requests_per_s": round(len(ok) / self.seconds, 2) if self.seconds else 0.0,
            "chars_per_s": round(self.chars / self.seconds) if self.seconds else 0,
            "p50_ms": round(percentile(ok, 50) * 1000, 1) if ok else None,
            "p95_ms": round(percentile(ok, 95) * 1000, 1) if ok else None,
        }


def percentile(sorted_values: list[float], p: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(p) - 1]


def post(conn: http.client.HTTPConnection, text: str) -> bool:
    body = urllib.parse.urlencode({"text": text, "language": "zh-CN"})
    conn.request("POST", "/v2/check", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    data = response.read()
    return response.status == 200 and b'"matches"' in data


def load(port: int, make: Callable[[], str], clients: int, *, seconds: float = 0, requests: int = 0) -> Result:
    """``clients`` threads sending ``make()`` texts for ``seconds`` (or ``requests`` in all)."""
    result = Result()
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds if seconds else float("inf")
    remaining = [requests or -1]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            text = make()
            t0 = time.perf_counter()
            try:
                ok = post(conn, text)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - t0
            with lock:
                if ok:
                    result.latencies.append(elapsed)
                    result.chars += len(text)
                else:
                    result.errors += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(*args: str) -> Iterator[tuple[int, subprocess.Popen]]:
    port = free_port()
    command = [sys.executable, "-m", "proofread.cli", "serve", "--port", str(port), "--timeout", "120", *args]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                sys.exit(f"proofread serve exited {process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        process.wait(60)


FLOOR = """
import json, sys, time
from proofread import Proofreader
articles, seconds = json.load(sys.stdin), float(sys.argv[1])
proofreader = Proofreader()
list(proofreader.pipe(articles[:4], batch_size=4))
done, started = 0, time.perf_counter()
while done + 8 <= len(articles) and time.perf_counter() - started < seconds:
    list(proofreader.pipe(articles[4 + done : 8 + done], batch_size=4))
    done += 4
print((time.perf_counter() - started) / done * 1000)
"""


def pipe_floor(articles: Articles, seconds: float) -> float:
    """Milliseconds of ``Proofreader.pipe`` per new article, in batches of 4, in a fresh interpreter
    (as the server's) with no server running."""
    texts = [articles() for _ in range(200)]
    done = subprocess.run(
        [sys.executable, "-c", FLOOR, str(max(5.0, seconds / 4))],
        cwd=ROOT,
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return float(done.stdout.split()[-1])


def rss_mb(pid: int) -> float:
    """Resident memory of the server: the process and its worker processes."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }


def show(name: str, row: dict) -> None:
    print(
        f"{name:<34} {row['requests']:>6} req {row['errors']:>3} err {row['requests_per_s']:>8.2f} req/s "
        f"{row['chars_per_s']:>8,} chars/s  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--duration", type=float, default=60, help="seconds per concurrency level (default 60)")
    p.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16], help="concurrency levels")
    p.add_argument("--latency-requests", type=int, default=100, help="sequential requests for warm latency")
    p.add_argument("--rss-requests", type=int, default=10_000, help="requests between the two RSS readings")
    p.add_argument("--workers", type=int, default=1, help="server worker processes")
    p.add_argument("--no-baseline", action="store_true", help="skip the one-request-per-pipe baseline")
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    p.add_argument("--json", type=Path, help="write the results here")
    args = p.parse_args(argv)
    if args.duration <= 0 or args.duration > 600 or args.rss_requests > 100_000:
        p.error("--duration is 1..600 s and --rss-requests at most 100000: the run stays bounded")

    info = machine()
    print("machine:", json.dumps(info, ensure_ascii=False), flush=True)
    sentences, corpus = sentences_from(args.data)
    print(f"corpus: {len(sentences)} sentences from {corpus}; articles of {ARTICLE_CHARS} characters", flush=True)
    results: dict = {"machine": info, "corpus": corpus, "workers": args.workers, "duration_s": args.duration}
    modes = [("batched", ())] + ([] if args.no_baseline else [("one at a time", ("--no-batching",))])
    for mode, flags in modes:
        with server("--workers", str(args.workers), *flags) as (port, process):
            articles = Articles(sentences, ARTICLE_CHARS, seed=len(mode))
            load(port, articles, 4, requests=20)  # warm-up: first calls, lazy tables
            rows: dict = {}
            if mode == "batched":
                rss_start = rss_mb(process.pid)
                row = load(port, articles, 1, requests=args.latency_requests).summary()
                show("warm latency, 1 client", row)
                rows["warm_latency"] = row
            for clients in args.clients:
                row = load(port, articles, clients, seconds=args.duration).summary()
                show(f"{mode}, {clients} client{'s' if clients > 1 else ''}", row)
                rows[f"clients_{clients}"] = row
            if mode == "batched":
                row = load(port, Redrafts(sentences, ARTICLE_CHARS), 4, seconds=args.duration).summary()
                show("re-sent draft, 4 clients", row)
                rows["redraft_4_clients"] = row
                paragraphs = Articles(sentences, 200, seed=99)
                rss_before = rss_mb(process.pid)
                row = load(port, paragraphs, 4, requests=args.rss_requests).summary()
                show(f"{args.rss_requests} short requests, 4 clients", row)
                rss_after = rss_mb(process.pid)
                growth = (rss_after - rss_before) / rss_before
                print(
                    f"RSS {rss_start:.0f} MB after start, {rss_before:.0f} MB in steady state, {rss_after:.0f} MB "
                    f"after {args.rss_requests} more requests ({growth:+.1%})",
                    flush=True,
                )
                rows["rss_requests"] = row
                rows["rss_mb"] = {
                    "start": round(rss_start, 1),
                    "before": round(rss_before, 1),
                    "after": round(rss_after, 1),
                }
                rows["rss_growth"] = round(growth, 4)
            results[mode] = rows
    results["pipe_floor_ms_per_article"] = floor = pipe_floor(Articles(sentences, ARTICLE_CHARS, seed=7), args.duration)
    print(f"floor: Proofreader.pipe in process, batches of 4: {floor:.1f} ms per article", flush=True)
    batched = results["batched"]
    errors = sum(
        r["errors"] for mode, _ in modes for r in results[mode].values() if isinstance(r, dict) and "errors" in r
    )
    four = batched.get("clients_4", batched["warm_latency"])
    targets = {
        "p95 <= 300 ms, 2,000 characters, 4 clients": four["p95_ms"] is not None and four["p95_ms"] <= TARGET_P95_MS,
        "0 errors": errors == 0,
        "RSS growth <= 5%": batched["rss_growth"] <= TARGET_RSS_GROWTH,
    }
    if "one at a time" in results:
        for clients in args.clients:
            base, ours = results["one at a time"][f"clients_{clients}"], batched[f"clients_{clients}"]
            if base["requests_per_s"]:
                ratio = ours["requests_per_s"] / base["requests_per_s"]
                print(f"batched / one at a time, {clients} clients: {ratio:.2f}x requests/s", flush=True)
    results["errors"] = errors
    results["targets"] = targets
    for name, met in targets.items():
        print(f"target {name}: {'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
