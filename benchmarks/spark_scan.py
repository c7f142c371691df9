"""The Spark engine against the local scan, on the same generated archive, in one run on one machine.

    nice python benchmarks/spark_scan.py [--articles 20000] [--cores 2] [--chunks 16] [--json FILE]

Generates the archive of ``scan_archive.py`` (government-site pages of about 1,500
characters, a third with injected errors), then, each as a fresh process:
``proofread scan --workers N`` and ``proofread scan --engine spark --master local[N]``.
Prints both times, their ratio (Spark / local), the peak resident memory of all of
Spark's processes and of its parts (driver, JVM, Python workers: the executors' memory;
sampled), whether both found exactly the same findings, and the Spark engine's measured
rate per core, from which it projects the cores (and 16-core executors) needed for 10
million articles in 8 hours. The projection assumes the rate per core stays what it is
here (no I/O or shuffle limits); it is not a measurement of a cluster.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scan_archive import DATA, generate


def tree_rss_mb(root: int) -> dict[str, float]:
    """Resident memory (MB) of ``root`` and all its descendants, from /proc: in all, and split into the
    driver (``root``), the JVM (``java``) and the other processes (Spark's Python workers, or the local
    scan's worker processes)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    java: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                head, fields = handle.read().rsplit(")", 1)
        except OSError:
            continue
        pid, values = int(entry), fields.split()
        children.setdefault(int(values[1]), []).append(pid)
        rss[pid] = int(values[21]) * os.sysconf("SC_PAGE_SIZE")
        if head.endswith("(java"):
            java.add(pid)
    out = {"total": 0.0, "driver": rss.get(root, 0) / 2**20, "jvm": 0.0, "workers": 0.0}
    todo = [root]
    while todo:
        pid = todo.pop()
        out["total"] += rss.get(pid, 0) / 2**20
        if pid != root:
            out["jvm" if pid in java else "workers"] += rss.get(pid, 0) / 2**20
        todo.extend(children.get(pid, ()))
    return out


def run(command: list[str]) -> dict:
    """Run a scan; its time and the peak memory of its process tree (sampled every 0.5 s)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak: dict[str, float] = {}
    while proc.poll() is None:
        for part, mb in tree_rss_mb(proc.pid).items():
            peak[part] = max(peak.get(part, 0.0), mb)
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}): {stderr[-3000:]}")
    return {
        "seconds": seconds,
        "peak_rss_mb": peak.get("total", 0.0),
        "peak_parts_mb": {part: round(mb) for part, mb in peak.items() if part != "total"},
        "summary": [line for line in stderr.splitlines() if "proofread:" in line],
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=20_000)
    p.add_argument("--cores", type=int, default=2, help="local scan workers and Spark's local[N]")
    p.add_argument("--chunks", type=int, default=16)
    p.add_argument("--data", type=Path, default=DATA, help="shared/data (default: beside the checkout)")
    p.add_argument("--components", help="comma-separated pipeline components (default: the default pipeline)")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="spark-bench-") as tmp:
        archive = Path(tmp) / "archive"
        injected, chars = generate(archive, args.articles, args.data)
        print(
            f"generated {args.articles:,} articles ({chars:,} chars); load average {os.getloadavg()[0]:.2f} "
            f"on {os.cpu_count()} cores (a shared machine: other work runs beside this)",
            flush=True,
        )
        common = ["--progress", "never", "--fail-on", "never"] + (
            ["--components", args.components] if args.components else []
        )
        scan = [sys.executable, "-m", "proofread.cli", "scan", str(archive)]
        local = run(scan + ["--out", f"{tmp}/local", "--workers", str(args.cores)] + common)
        print(
            f"local --workers {args.cores}: {local['seconds']:.1f} s, peak RSS {local['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        spark_cmd = ["--engine", "spark", "--master", f"local[{args.cores}]", "--chunks", str(args.chunks)]
        spark = run(scan + ["--out", f"{tmp}/spark"] + spark_cmd + common)
        same = (Path(tmp) / "local" / "findings.csv").read_bytes() == (
            Path(tmp) / "spark" / "findings.csv"
        ).read_bytes()
        ratio = spark["seconds"] / local["seconds"]
        per_core = args.articles / spark["seconds"] / args.cores
        need = 10_000_000 / (8 * 3600) / per_core
        figures = {
            "articles": args.articles,
            "chars": chars,
            "cores": args.cores,
            "chunks": args.chunks,
            "local_s": round(local["seconds"], 1),
            "spark_s": round(spark["seconds"], 1),
            "ratio": round(ratio, 3),
            "local_peak_rss_mb": round(local["peak_rss_mb"]),
            "spark_peak_rss_mb": round(spark["peak_rss_mb"]),
            # each part's own peak (they need not peak together): driver, JVM, Python workers
            "spark_peak_parts_mb": spark["peak_parts_mb"],
            "local_peak_parts_mb": local["peak_parts_mb"],
            "same_findings_csv": same,
            "spark_articles_per_core_s": round(per_core, 2),
            "projected_cores_10m_8h": math.ceil(need),
            "load_avg": round(os.getloadavg()[0], 2),
        }
        print(
            f"spark local[{args.cores}]: {spark['seconds']:.1f} s, peak RSS {spark['peak_rss_mb']:.0f} MB "
            f"(driver, JVM and Python workers together; each part's own peak: "
            f"{', '.join(f'{k} {v} MB' for k, v in spark['peak_parts_mb'].items())}); ratio spark/local {ratio:.2f}x; "
            f"findings.csv identical: {same}",
            flush=True,
        )
        print(
            f"measured {per_core:.2f} articles/s per core -> projection (not a measurement): 10M articles in 8 h "
            f"need about {math.ceil(need)} cores ({math.ceil(need / 16)} executors of 16 cores)",
            flush=True,
        )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
