#!/usr/bin/env python3
"""Durability under load: nothing acknowledged is lost, whatever stops the server.

Starts `minsheng serve` on a fresh SQLite file (or DATABASE_URL), keeps 16 clients posting messages,
then stops the server with SIGTERM (it must exit 0) or SIGKILL, restarts it, and checks that every
message answered 201 is there. Loopback only; bounded in time and count.

    scripts/kill-test.py [--binary .build/debug/minsheng] [--seconds 4] [--clients 16]
"""
import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BODY = {
    "type": "complaint",
    "title": "夜间施工噪音扰民",
    "body": "工地每晚十一点后仍在施工，影响休息。",
    "contact": {"name": "顾女士", "phone": "13800138000"},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, port, env):
    process = subprocess.Popen(
        [binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("server did not become healthy")


def client(port, stop, acknowledged, lock, counts):
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/api/v1/messages", json.dumps(BODY), {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            with lock:
                counts[response.status] = counts.get(response.status, 0) + 1
                if response.status == 201:
                    acknowledged.append(json.loads(data)["id"])
                elif response.status >= 500 and response.status != 503:
                    counts["bad"] = counts.get("bad", 0) + 1
        except (OSError, http.client.HTTPException, ValueError):
            with lock:
                counts["refused"] = counts.get("refused", 0) + 1
            conn = None
            time.sleep(0.05)


def round_trip(binary, signal_number, seconds, clients, env):
    port = free_port()
    server = start(binary, port, env)
    stop = threading.Event()
    acknowledged, counts, lock = [], {}, threading.Lock()
    threads = [threading.Thread(target=client, args=(port, stop, acknowledged, lock, counts)) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    server.send_signal(signal_number)
    try:
        code = server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        code = "hung"
    stop.set()
    for t in threads:
        t.join()
    server = start(binary, port, env)
    missing = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for message_id in acknowledged:
        conn.request("GET", f"/api/v1/messages/{message_id}")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            missing += 1
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    name = signal.Signals(signal_number).name
    print(f"{name}: exit={code} acknowledged={len(acknowledged)} missing_after_restart={missing} responses={counts}")
    ok = missing == 0 and counts.get("bad", 0) == 0 and len(acknowledged) > 0
    if signal_number == signal.SIGTERM:
        ok = ok and code == 0
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/minsheng")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    # Durability of intake is measured here, so moderation (which only governs publication; the check
    # reads the public view) and the rate limits (16 clients from one address) are off.
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", LOG_LEVEL="warning", MINSHENG_MODERATION="off",
               MINSHENG_RATE_LIMIT_PHONE="off", MINSHENG_RATE_LIMIT_ADDRESS="off")
    with tempfile.TemporaryDirectory() as directory:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.path.join(directory, "kill-test.sqlite")
        else:
            subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        results = [round_trip(args.binary, sig, args.seconds, args.clients, env) for sig in (signal.SIGTERM, signal.SIGKILL)]
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
