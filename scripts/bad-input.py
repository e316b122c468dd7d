#!/usr/bin/env python3
"""Sends the bad-input corpus (Tests/BadInput/corpus.jsonl) to a fresh server and checks that nothing
breaks: no answer is 5xx, the server stays up throughout, and nothing is half-written — every message
the corpus got in (a 201) is one more `received` event, and `minsheng audit verify` passes afterwards.

    scripts/bad-input.py [--binary .build/debug/minsheng] [--corpus Tests/BadInput/corpus.jsonl]

On a fresh SQLite file, or DATABASE_URL (scripts/with-postgres.sh for PostgreSQL). Loopback only.
"""
import argparse
import base64
import collections
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def audit_events(binary, env):
    result = subprocess.run([binary, "audit", "verify"], env=env, capture_output=True, text=True, timeout=300)
    match = re.search(r"(\d+) events", result.stdout)
    return result.returncode == 0, int(match.group(1)) if match else -1, result.stdout.strip()


def request(port, method, path, body=b"", headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value.encode("utf-8") if isinstance(value, str) else value)
        if body or method in ("POST", "PUT", "PATCH"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body:
            conn.send(body)
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/minsheng")
    parser.add_argument("--corpus", default="Tests/BadInput/corpus.jsonl")
    args = parser.parse_args()
    cases = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", LOG_LEVEL="error", MINSHENG_RATE_LIMIT_PHONE="off",
               MINSHENG_RATE_LIMIT_ADDRESS="off", MINSHENG_RATE_LIMIT_SEARCH="off", MINSHENG_SMS_LIMIT_PHONE="off",
               MINSHENG_SMS_LIMIT_ADDRESS="off", MINSHENG_SMS_LIMIT_TOTAL="off", MINSHENG_JOBS_INTERVAL="0")
    with tempfile.TemporaryDirectory() as directory:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.path.join(directory, "bad-input.sqlite")
        subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "demo", "--messages", "40"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "user", "add", "corpus.admin", "--role", "admin"], env=env, check=True,
                       input="corpus admin password\n", text=True, stdout=subprocess.DEVNULL)
        ok, before, _ = audit_events(args.binary, env)
        if not ok:
            sys.exit("the demonstration's audit chain is broken before the run")
        port = free_port()
        log = open(os.path.join(directory, "server.log"), "w")
        server = subprocess.Popen([args.binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=log, stderr=log)
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            status, body, headers = request(port, "GET", "/write")
            cookie = next(value.split(";")[0] for name, value in headers if name.lower() == "set-cookie"
                          and value.startswith("minsheng_form="))
            csrf = re.search(rb'name="_csrf" value="([^"]+)"', body).group(1).decode()
            status, body, _ = request(port, "POST", "/api/v1/auth/token",
                                      json.dumps({"username": "corpus.admin", "password": "corpus admin password"}).encode(),
                                      {"Content-Type": "application/json"})
            token = json.loads(body)["token"]
            statuses = collections.Counter()
            failures, created = [], 0
            for case in cases:
                data = b"".join(base64.b64decode(part) * times for part, times in case["body"])
                headers = dict(case["headers"])
                if case["form"]:
                    data = data.replace(b"{csrf}", csrf.encode())
                    headers["Cookie"] = cookie + ("; " + headers["Cookie"] if "Cookie" in headers else "")
                if case["auth"] == "admin":
                    headers.setdefault("Authorization", f"Bearer {token}")
                try:
                    status = request(port, case["method"], case["path"], data, headers)[0]
                except (OSError, http.client.HTTPException) as error:
                    status = f"no answer ({type(error).__name__})"
                if status == 201 and case["path"] in ("/api/v1/messages", "/write"):
                    created += 1
                # A header holding a control character is not HTTP: the server's parser refuses it by
                # closing the connection, which is an answer (no 5xx, nothing done).
                malformed = any(ord(c) < 0x20 and c != "\t" for value in case["headers"].values() for c in value)
                if isinstance(status, str) and malformed:
                    status = "closed (not HTTP)"
                elif not isinstance(status, int) or status >= 500:
                    failures.append((case["name"], status))
                statuses[status] += 1
                if server.poll() is not None:
                    failures.append((case["name"], "the server stopped"))
                    break
            alive = server.poll() is None and request(port, "GET", "/healthz")[0] == 200
        finally:
            server.terminate()
            server.wait(timeout=60)
        ok, after, line = audit_events(args.binary, env)
    print(f"{len(cases)} inputs; answers: {dict(sorted(statuses.items(), key=str))}")
    print(f"server alive after the run: {alive}; messages taken in: {created}; events {before} -> {after}; audit: {line}")
    for name, status in failures[:20]:
        print(f"  FAIL {name}: {status}")
    good = alive and not failures and ok and after == before + created and len(cases) >= 500
    print("bad input: passed" if good else "bad input: FAILED")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
