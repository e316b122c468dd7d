#!/usr/bin/env python3
"""Soak: a fixed load for a long time, watching the server's resident memory.

Starts the release `minsheng serve` on a fresh SQLite file with the demonstration, then keeps a fixed
rate of requests going — by default 150 a second for 30 minutes: a third new messages (a new number
and client address each, through a trusted proxy, with the shipped rate limits and moderation on),
the rest public reads (message pages, the JSON view, the list, a search now and then). Every 10 s it
samples the server's resident memory (VmRSS, with its allocated and mapped-file parts). After a warm-up (the first fifth), memory must stay
within 10% of its mean; the report gives the curve, the request counts and any answer ≥ 500.

    Benchmarks/soak.py [--minutes 30] [--rate 150] [--out Benchmarks/results/soak-DATE-HOST.md]

Not in CI (it takes half an hour); the results are committed under Benchmarks/results/.
"""
import argparse
import collections
import datetime
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BODY = {"type": "complaint", "title": "夜间施工噪音扰民", "body": "小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息。",
        "contact": {"name": "顾女士", "phone": "13800138000"}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_kb(pid):
    """VmRSS, and the two parts of it: RssAnon (allocated) and RssFile (mapped files: the SQLite
    database, which the readers map, grows with every message)."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name = line.split(":")[0]
                if name in ("VmRSS", "RssAnon", "RssFile"):
                    found[name] = int(line.split()[1])
    except OSError:
        return None
    return found if "VmRSS" in found else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=int, default=150)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--binary", default=".build/release/minsheng")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.binary.startswith(".build/release"):
        subprocess.run(["swift", "build", "-c", "release", "--product", "minsheng"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    directory = tempfile.mkdtemp()
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", LOG_LEVEL="warning", DATABASE_URL=f"{directory}/soak.sqlite",
               MINSHENG_TRUSTED_PROXIES="127.0.0.1", MINSHENG_RATE_LIMIT_SEARCH="off", MINSHENG_JOBS_INTERVAL="60")
    subprocess.run([args.binary, "demo", "--messages", "1000"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/api/v1/messages?limit=200")
    ids = [item["id"] for item in json.loads(conn.getresponse().read())["items"]]
    counts, lock = collections.Counter(), threading.Lock()
    stop = threading.Event()
    interval = args.workers / args.rate

    def worker(index):
        rng = random.Random(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        next_at = time.time()
        while not stop.is_set():
            choice = rng.random()
            try:
                if choice < 1 / 3:
                    body = dict(BODY, contact={"name": "顾女士", "phone": f"139{rng.randrange(10**8):08d}"})
                    address = f"{rng.randint(11, 99)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                    connection.request("POST", "/api/v1/messages", json.dumps(body),
                                       {"Content-Type": "application/json", "X-Forwarded-For": address})
                    kind = "post"
                elif choice < 0.6:
                    connection.request("GET", f"/messages/{rng.choice(ids)}")
                    kind = "page"
                elif choice < 0.85:
                    connection.request("GET", f"/api/v1/messages/{rng.choice(ids)}")
                    kind = "json"
                elif choice < 0.98:
                    connection.request("GET", "/messages")
                    kind = "list"
                else:
                    connection.request("GET", "/messages?q=%E5%99%AA%E9%9F%B3")
                    kind = "search"
                status = connection.getresponse()
                status.read()
                with lock:
                    counts[(kind, status.status)] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    counts[("error", 0)] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            next_at += interval
            time.sleep(max(0, next_at - time.time()))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.workers)]
    for thread in threads:
        thread.start()
    samples = []
    start = time.time()
    end = start + args.minutes * 60
    while time.time() < end and server.poll() is None:
        time.sleep(10)
        with lock:
            total = sum(counts.values())
        database = sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
        samples.append((time.time() - start, memory_kb(server.pid), total, database))
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    alive = server.poll() is None
    server.terminate()
    server.wait(timeout=60)
    audit = subprocess.run([args.binary, "audit", "verify"], env=env, capture_output=True, text=True).stdout.strip()

    def flatness(part):
        warm = [m[part] for t, m, _, _ in samples if t >= args.minutes * 60 / 5 and m and part in m]
        mean = statistics.mean(warm) if warm else 0
        return mean, (max(abs(r - mean) / mean for r in warm) if warm else 1)

    mean, spread = flatness("VmRSS")
    anon_mean, anon_spread = flatness("RssAnon")
    errors = sum(n for (kind, status), n in counts.items() if kind == "error" or status >= 500)
    seconds = samples[-1][0] if samples else 0
    megabytes = lambda m, part: (m or {}).get(part, 0) / 1024
    rate = samples[-1][2] / seconds if seconds else 0
    ok = alive and errors == 0 and spread <= 0.10 and audit.startswith("ok")
    lines = [f"# Soak — {datetime.date.today()} on {socket.gethostname()} ({os.cpu_count()} cores)", "",
             f"Command: `Benchmarks/soak.py --minutes {args.minutes:g} --rate {args.rate}` "
             f"({'release build' if 'release' in args.binary else args.binary}, SQLite, "
             "demonstration of 1,000 messages, shipped defaults: moderation and rate limits on, each new message from "
             "another number and address through a trusted proxy).", "",
             f"- {samples[-1][2] if samples else 0:,} requests in {seconds / 60:.1f} minutes ({rate:.0f}/s); "
             f"answers: {dict(sorted((f'{k} {s}', n) for (k, s), n in counts.items()))}",
             f"- answers ≥ 500 or no answer: {errors}; server alive at the end: {alive}; afterwards `audit verify`: {audit}",
             f"- resident memory after the warm-up (the first fifth): mean {mean / 1024:.1f} MB, largest deviation "
             f"{spread * 100:.1f}% (goal: within 10%) — **{'flat' if spread <= 0.10 else 'NOT flat'}**",
             f"- of which allocated (RssAnon): mean {anon_mean / 1024:.1f} MB, largest deviation {anon_spread * 100:.1f}%; "
             "the rest is mapped files (RssFile), mostly the database, which grows with every message", "",
             "| minute | resident MB | allocated MB | mapped files MB | database file MB | requests so far |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for t, m, total, database in samples[::6] + ([samples[-1]] if samples and (len(samples) - 1) % 6 else []):
        lines.append(f"| {t / 60:.1f} | {megabytes(m, 'VmRSS'):.1f} | {megabytes(m, 'RssAnon'):.1f} | "
                     f"{megabytes(m, 'RssFile'):.1f} | {database / 1048576:.1f} | {total:,} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        open(args.out, "w").write(report)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
