#!/usr/bin/env python3
"""Durability under load: nothing acknowledged is lost, whatever stops the server or its database.

Starts `minsheng serve` on a fresh SQLite file (or DATABASE_URL), keeps 16 clients posting messages,
then stops the server with SIGTERM (it must exit 0) or SIGKILL, restarts it, and checks that every
message answered 201 is there and that `minsheng audit verify` passes.

On PostgreSQL, with MINSHENG_TEST_PG_RESTART (scripts/with-postgres.sh, run with MINSHENG_PG_DURABLE=1
so the cluster has fsync on), a third round restarts the database itself while the clients post: the
service must answer 503 during the outage (never another 5xx), take messages again afterwards without
being restarted, and lose nothing it acknowledged. A fourth round (PostgreSQL) interrupts the sealing
of the audit chain: the clients post while no instance seals (MINSHENG_SEAL_INTERVAL=0), then the
server is started and killed (SIGKILL) again and again while it seals the backlog; `audit verify`
must pass after every kill and, at the end, find every event sealed. Loopback only; bounded in time
and count.

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


def start(binary, port, env, attempts=3):
    """Starts `serve` and waits until /healthz answers 200.

    The server's log goes to MINSHENG_KILL_TEST_LOG (appended to, across restarts), so that a failure
    can be explained; its tail is printed when the server exits before it is healthy or never becomes
    healthy. A server that could not bind its port (the kernel may still hold it a moment after the
    previous server on it was killed) is started again a moment later.
    """
    path = env["MINSHENG_KILL_TEST_LOG"]
    for attempt in range(attempts):
        offset = os.path.getsize(path) if os.path.exists(path) else 0
        with open(path, "a") as log:
            process = subprocess.Popen(
                [binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                env=env, stdout=log, stderr=log)
        began = time.time()
        while time.time() < began + 120 and process.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return process
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
        with open(path, errors="replace") as log:
            log.seek(offset)
            tail = log.read()[-4000:]
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
            sys.exit(f"server did not become healthy within 120 s on port {port}; its log:\n{tail}")
        if "Address already in use" in tail and attempt + 1 < attempts:
            print(f"port {port} still in use; starting again")
            time.sleep(2)
            continue
        sys.exit(f"server exited with {process.returncode} before it was healthy on port {port}; its log:\n{tail}")
    sys.exit("server could not be started")


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


def audit_verify(binary, env):
    result = subprocess.run([binary, "audit", "verify"], env=env, capture_output=True, text=True, timeout=300)
    line = (result.stdout.strip().splitlines() or [result.stderr.strip()])[-1]
    return result.returncode == 0, line


def check_all(port, acknowledged):
    missing = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for message_id in acknowledged:
        conn.request("GET", f"/api/v1/messages/{message_id}")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            missing += 1
    return missing


def database_restart(binary, restart, seconds, clients, env):
    """Restarts PostgreSQL under the clients; the server keeps running and must recover by itself."""
    port = free_port()
    server = start(binary, port, env)
    stop = threading.Event()
    acknowledged, counts, lock = [], {}, threading.Lock()
    threads = [threading.Thread(target=client, args=(port, stop, acknowledged, lock, counts)) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    before_outage = len(acknowledged)
    subprocess.run([restart, "3"], check=True, timeout=120)
    with lock:
        during = dict(counts)
    # After the database is back, the same server takes messages again.
    recovered_at = None
    deadline = time.time() + 60
    while time.time() < deadline:
        with lock:
            if len(acknowledged) > before_outage + clients:
                recovered_at = time.time()
                break
        time.sleep(0.2)
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    alive = server.poll() is None
    missing = check_all(port, acknowledged) if alive else len(acknowledged)
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=60)
    verified, line = audit_verify(binary, env)
    print(f"database restart: server_alive={alive} exit={code} acknowledged={len(acknowledged)} "
          f"(before the outage {before_outage}) recovered={recovered_at is not None} 503s={during.get(503, 0)} "
          f"missing={missing} responses={counts} audit: {line}")
    return (alive and recovered_at is not None and missing == 0 and counts.get("bad", 0) == 0
            and during.get(503, 0) > 0 and verified and code == 0)


def unsealed(line):
    """How many events `audit verify` reports as not sealed into the global chain yet."""
    if "not sealed" not in line:
        return 0
    return int(line.split("(")[-1].split()[0])


def interrupted_sealing(binary, seconds, clients, env):
    """Kills the server again and again while it seals a backlog of committed events."""
    port = free_port()
    server = start(binary, port, dict(env, MINSHENG_SEAL_INTERVAL="0"))
    stop = threading.Event()
    acknowledged, counts, lock = [], {}, threading.Lock()
    threads = [threading.Thread(target=client, args=(port, stop, acknowledged, lock, counts)) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(2 * seconds)
    stop.set()
    for t in threads:
        t.join()
    server.kill()
    server.wait(timeout=60)
    verified, line = audit_verify(binary, env)
    ok = verified
    backlog = [unsealed(line)]
    # Killed at spread moments after the start, while the sealer (which starts with the server) works
    # through the backlog in rounds of 50 events, one transaction each, one after another: nearly all
    # of its time is spent inside a round, so the kills land in the middle of one.
    log = open(env["MINSHENG_KILL_TEST_LOG"], "a")
    sealing = dict(env, MINSHENG_SEAL_ROUND="50")
    for delay in (0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.6, 2.0, 2.5, 3.0):
        process = subprocess.Popen(
            [binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=sealing, stdout=log, stderr=log)
        time.sleep(delay)
        process.kill()
        process.wait(timeout=60)
        verified, line = audit_verify(binary, env)
        ok = ok and verified
        backlog.append(unsealed(line))
        if not verified:
            print(f"sealing interrupted: audit verify failed after a kill at {delay} s: {line}")
    server = start(binary, port, env)
    deadline = time.time() + 60
    while time.time() < deadline:
        verified, line = audit_verify(binary, env)
        if not verified or unsealed(line) == 0:
            break
        time.sleep(0.5)
    missing = check_all(port, acknowledged)
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=60)
    verified, line = audit_verify(binary, env)
    print(f"sealing interrupted: acknowledged={len(acknowledged)} events not sealed after each kill={backlog} "
          f"missing={missing} exit={code} responses={counts} audit: {line}")
    # Some kill fell while the backlog was part sealed.
    partial = any(0 < count < backlog[0] for count in backlog[1:])
    return (ok and verified and unsealed(line) == 0 and backlog[0] > 0 and partial and missing == 0
            and counts.get("bad", 0) == 0 and code == 0)


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
    missing = check_all(port, acknowledged)
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    verified, line = audit_verify(binary, env)
    name = signal.Signals(signal_number).name
    print(f"{name}: exit={code} acknowledged={len(acknowledged)} missing_after_restart={missing} "
          f"responses={counts} audit: {line}")
    ok = missing == 0 and counts.get("bad", 0) == 0 and len(acknowledged) > 0 and verified
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
               MINSHENG_RATE_LIMIT_PHONE="off", MINSHENG_RATE_LIMIT_ADDRESS="off", MINSHENG_RATE_LIMIT_SEARCH="off")
    with tempfile.TemporaryDirectory() as directory:
        env.setdefault("MINSHENG_KILL_TEST_LOG", os.path.join(directory, "serve.log"))
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.path.join(directory, "kill-test.sqlite")
        else:
            subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        results = [round_trip(args.binary, sig, args.seconds, args.clients, env) for sig in (signal.SIGTERM, signal.SIGKILL)]
        restart = os.environ.get("MINSHENG_TEST_PG_RESTART")
        if env["DATABASE_URL"].startswith("postgres") and restart:
            results.append(database_restart(args.binary, restart, args.seconds, args.clients, env))
        if env["DATABASE_URL"].startswith("postgres"):
            results.append(interrupted_sealing(args.binary, args.seconds, args.clients, env))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
