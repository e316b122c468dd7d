#!/usr/bin/env python3
"""Reads Minsheng's Open311 GeoReport v2 endpoint with the real clients from PyPI, `georeport` and
`three`, in JSON and in XML, on a fresh server with a small demonstration, and checks that both formats
say the same: the services, a service's definition, the requests (all, by service, by status, by id
list) and one request; posts requests with a key from `minsheng open311-key add` (with `three`, and as
a plain form) and reads them back exactly — a 4,000-character description with newlines, quotes and
emoji, coordinates to eight decimals, an address with unit numbers; an unknown request is a 404, a
wrong key a 403 and a bad date a 400 with an Open311 error body. A webhook registered with
`minsheng webhook add` receives the posted request's `received` event, signed (HMAC-SHA256).

    scripts/open311-clients.py [--binary .build/debug/minsheng]

On a fresh SQLite file, or DATABASE_URL (scripts/with-postgres.sh for PostgreSQL). Loopback only.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import threading
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

try:
    import georeport
    import lxml  # noqa: F401  (relaxml, which `three` reads XML with, uses it when it is there)
    import requests
    import three  # noqa: F401
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "georeport", "three", "lxml"], check=True)
    import georeport
    import requests


def three_client(endpoint, output="json"):
    """`three` 0.8.0, the last release, was written for Python 2. Two compatibility lines, here in the
    harness and not in the server: `itertools.ifilter` is `filter`, and its XML reader's result must
    answer `keys()[0]` (relaxml reads XML through lxml, whose elements still have `getchildren`)."""
    import itertools
    itertools.ifilter = filter
    import relaxml
    import three.core

    class KeysAsList(dict):
        def keys(self):
            return list(super().keys())

    three.core.xml = lambda data: KeysAsList(relaxml.xml(data))
    return three.core.Three(endpoint, format=output)


class Hooks(http.server.BaseHTTPRequestHandler):
    """A partner's webhook receiver: keeps what it is sent and answers 204."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Hooks.received.append((dict(self.headers), body.decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


failures = []


def check(condition, what):
    print(("  ok: " if condition else "  FAIL: ") + what)
    if not condition:
        failures.append(what)


def as_list(value):
    """xmltodict gives one child as a dict and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def plain(record):
    """A request or service with every value as the XML carries it: text (an empty element reads as
    None)."""
    return {key: ("true" if value is True else "false" if value is False else None if value == "" else str(value))
            for key, value in record.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/minsheng")
    args = parser.parse_args()
    # Moderation off, so that a posted request is public at once and can be read back (with moderation
    # on it is public once a moderator has read it, and the answer's service_notice says so).
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", LOG_LEVEL="error", MINSHENG_JOBS_INTERVAL="0",
               MINSHENG_MODERATION="off")
    with tempfile.TemporaryDirectory() as directory:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.path.join(directory, "open311.sqlite")
        subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "demo", "--messages", "80"], env=env, check=True, stdout=subprocess.DEVNULL)
        key = subprocess.run([args.binary, "open311-key", "add", "open311 client check"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        hook_id, secret = subprocess.run(
            [args.binary, "webhook", "add", f"http://127.0.0.1:{receiver.server_address[1]}/hooks",
             "--events", "received,answer_directly"], env=env, check=True, capture_output=True, text=True
        ).stdout.strip().split("\t")
        port = free_port()
        log = open(os.path.join(directory, "server.log"), "w")
        server = subprocess.Popen([args.binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                                  stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 90
            while time.time() < deadline:
                try:
                    if urllib.request.urlopen(base + "/healthz", timeout=5).status == 200:
                        break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.5)
            else:
                sys.exit("the server did not become healthy")
            posted = run(base, key)
            check_webhook(posted, secret)
        finally:
            server.terminate()
            server.wait(timeout=60)
    if failures:
        sys.exit(f"open311 clients: {len(failures)} check(s) failed")
    print("open311 clients: passed")


def run(base, key):
    root = base + "/open311/v2"
    as_json = georeport.GeoReport(root, output_format="json")
    as_xml = georeport.GeoReport(root, output_format="xml")

    discovery = json.load(urllib.request.urlopen(root + "/discovery.json"))
    check(discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2",
          "discovery names the GeoReport v2 specification")
    check(set(discovery["endpoints"][0]["formats"]) == {"text/xml", "application/json"}, "discovery lists both formats")

    services = as_json.get_service_list()
    check(len(services) > 0 and all(isinstance(s["service_code"], str) for s in services),
          f"the services list their codes as strings ({len(services)} services)")
    xml_services = as_list(as_xml.get_service_list())
    check([plain(s) for s in services] == xml_services, "the services say the same in JSON and XML")
    code = next(s["service_code"] for s in services if s["metadata"] is False)
    definition = as_json.get_service_definition(code)
    check(definition["service_code"] == code and definition["attributes"] == [],
          "a service without questions has a definition with its code and no attributes")
    check(as_xml.get_service_definition(code)["service_code"] == code, "the definition reads in XML too")
    # A service that asks questions (the demonstration's 城乡建设): its attributes, in both formats.
    asked = next(s["service_code"] for s in services if s["metadata"] is True)
    attributes = as_json.get_service_definition(asked)["attributes"]
    check(len(attributes) > 0 and [a["order"] for a in attributes] == list(range(1, len(attributes) + 1))
          and all(a["datatype"] in ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
                  and isinstance(a["required"], bool) and a["variable"] is True for a in attributes),
          f"service {asked} asks {len(attributes)} questions, each with its datatype, order and whether it is required")
    xml_attributes = as_list(as_xml.get_service_definition(asked)["attributes"]["attribute"])
    check([a["code"] for a in xml_attributes] == [a["code"] for a in attributes], "the attributes say the same in XML")
    required = [a for a in attributes if a["required"]]
    choice = next(a for a in required if a["datatype"] == "singlevaluelist")

    everything = as_json.get_service_requests()
    check(len(everything) > 0, f"the last 90 days' public requests ({len(everything)})")
    xml_everything = as_list(as_xml.get_service_requests())
    check([plain(r) for r in everything] == xml_everything, "the requests say the same in JSON and XML")
    check(all(r["status"] in ("open", "closed") for r in everything), "every status is open or closed")
    check(all(r["requested_datetime"].endswith("Z") for r in everything), "every date carries its zone")

    by_code = as_json.get_service_requests(service_code=code)
    check(all(r.get("service_code") == code for r in by_code), f"the requests of service {code} ({len(by_code)})")
    closed = as_json.get_service_requests(status="closed")
    opened = as_json.get_service_requests(status="open")
    check(len(closed) + len(opened) == len(everything) and all(r["status"] == "closed" for r in closed),
          f"open ({len(opened)}) and closed ({len(closed)}) make up all")

    ids = [r["service_request_id"] for r in everything[:3]]
    listed = as_json.get_service_requests(service_request_id=",".join(ids), status="open" if closed else "closed")
    check([r["service_request_id"] for r in listed] == ids, "an id list overrides every other argument")
    one = as_json.get_service_request(ids[0])
    check(one == everything[0], "one request reads as it does in the list")
    check(plain(one) == as_xml.get_service_request(ids[0]), "one request says the same in XML")

    # Posting (georeport reads only; the PyPI client `three` does not import on Python 3), then reading
    # back with the client: every field as it was sent.
    description = '3栋2单元501室门口的路灯 "一直不亮" 🌙\nStreet light out since Monday — it\'s dark & unsafe.'
    fields = {"api_key": key, "service_code": code, "lat": "29.56301234", "long": "106.55138765",
              "address_string": "光明路88号3栋2单元501室", "first_name": "晓红", "last_name": "顾",
              "email": "gu@example.org", "description": description}
    refused = requests.post(root + "/requests.json", data=dict(fields, api_key="ms311_wrong"))
    check(refused.status_code == 403 and refused.json()[0]["code"] == 403, "a wrong api_key is a 403")
    posted = requests.post(root + "/requests.xml", data=fields)
    check(posted.status_code == 201 and b"<service_request_id>" in posted.content, "a request posted as XML")
    new_id = posted.content.split(b"<service_request_id>")[1].split(b"</")[0].decode()
    back = as_json.get_service_request(new_id)
    check(back["description"] == description, "the description reads back exactly")
    check((back["lat"], back["long"]) == (29.56301234, 106.55138765), "the coordinates read back to the eighth decimal")
    check(back["address"] == fields["address_string"] and back["service_code"] == code,
          "the address and the service read back")
    check(plain(back) == as_xml.get_service_request(new_id), "the posted request says the same in XML")
    check("gu@example.org" not in json.dumps(back, ensure_ascii=False), "no contact detail is public")

    # The questions: a required one left out is 400 naming it; a value not among the choices is 400;
    # answered, the request is taken (the answers are for staff, not in the public request).
    base = dict(fields, service_code=asked)
    missing = requests.post(root + "/requests.json", data=base)
    check(missing.status_code == 400 and f"attribute[{choice['code']}]" in missing.json()[0]["description"],
          f"a required attribute left out is a 400 naming it ({missing.text[:100]})")
    wrong = requests.post(root + "/requests.json", data=dict(base, **{f"attribute[{choice['code']}]": "nope"}))
    check(wrong.status_code == 400, "an answer that is not one of the values is a 400")
    answers = {f"attribute[{a['code']}]": a["values"][0]["key"] if a.get("values") else "1" for a in required}
    answered = requests.post(root + "/requests.json", data=dict(base, **answers))
    check(answered.status_code == 201, f"a request answering the required attributes is taken ({answered.text[:100]})")

    posted = run_three(root, key, code, as_json)
    # `three` posts to the service with questions, answering them as attribute[CODE] fields.
    client = three_client(root + "/")
    with_answers = client.post(asked, api_key=key, address="光明路88号", first_name="Xiaohong", last_name="Gu",
                               phone="13800138000", description="路灯不亮 three", **answers)
    check(isinstance(with_answers, list) and with_answers and "service_request_id" in with_answers[0],
          f"three posts a request with its attributes ({str(with_answers)[:120]})")

    try:
        as_json.get_service_request("2099-999999")
        check(False, "an unknown request is a 404")
    except requests.HTTPError as error:
        check(error.response.status_code == 404 and error.response.json()[0]["code"] == 404,
              "an unknown request is a 404 with an Open311 error body")
    try:
        as_xml.get_service_requests(start_date="2026-01-01T00:00:00")
        check(False, "a date without its zone is refused")
    except requests.HTTPError as error:
        check(error.response.status_code == 400 and b"<errors><error><code>400</code>" in error.response.content,
              "a date without its zone is a 400 with an XML error body")
    return posted


def check_webhook(serial, secret):
    """The webhook receives the posted request's arrival, signed with its secret."""
    deadline = time.time() + 30
    delivery = None
    while time.time() < deadline and delivery is None:
        delivery = next((d for d in Hooks.received if json.loads(d[1]).get("serial") == serial), None)
        time.sleep(0.2)
    check(delivery is not None, f"the webhook received the request {serial}")
    if delivery is None:
        return
    headers, body = delivery
    headers = {k.lower(): v for k, v in headers.items()}
    expected = hmac.new(secret.encode(), f"{headers['x-minsheng-timestamp']}.{body}".encode(), hashlib.sha256)
    check(headers.get("x-minsheng-signature") == "sha256=" + expected.hexdigest(), "the delivery is signed with the secret")
    payload = json.loads(body)
    check(payload["event"] == "received" and headers.get("x-minsheng-event") == "received", "the event is named")
    check(set(payload) == {"event", "event_id", "message_id", "serial", "status", "at"} and "Xiaohong" not in body,
          "the delivery carries the event, not the text or the author")


def run_three(root, key, code, as_json):
    """`three` posts and reads, in JSON and in XML; what it posts reads back exactly."""
    client = three_client(root + "/")
    as_xml = three_client(root + "/", "xml")
    check([s["service_code"] for s in client.services()] == [s["service_code"] for s in as_json.get_service_list()],
          "three reads the same services")
    line = 'Streetlight "out" — 路灯不亮 🌙, since Monday; it\'s dark & unsafe.\n'
    long_description = (line * 80)[:3999] + "。"
    posted = client.post(code, api_key=key, lat="29.563012345678", long="106.551387654321",
                         address="光明路88号3栋2单元501室 (Unit 501, Building 3)", first_name="Xiaohong",
                         last_name="Gu", phone="13800138000", description=long_description)
    check(isinstance(posted, list) and posted and "service_request_id" in posted[0],
          f"three posts a request ({str(posted)[:120]})")
    new_id = posted[0]["service_request_id"] if isinstance(posted, list) and posted else "none"
    back = client.request(new_id)
    back = back[0] if isinstance(back, list) and back else {}
    check(back.get("description") == long_description and len(long_description) == 4000,
          "a 4,000-character description with newlines, quotes and emoji reads back exactly")
    check((back.get("lat"), back.get("long")) == (29.563012345678, 106.551387654321),
          "coordinates to twelve decimals read back exactly")
    check(back.get("address") == "光明路88号3栋2单元501室 (Unit 501, Building 3)", "the address reads back with its unit numbers")
    in_xml = as_xml.request(new_id)
    record = in_xml.get("request") if isinstance(in_xml, dict) else None
    check(isinstance(record, dict) and record.get("description") == long_description
          and record.get("service_request_id") == new_id, "three reads the same request in XML")
    listed = client.requests(code)
    check(isinstance(listed, list) and all(r["service_code"] == code for r in listed)
          and new_id in [r["service_request_id"] for r in listed], "three lists the service's requests, the new one among them")
    refused = client.post(code, api_key="ms311_wrong", address="光明路", first_name="A", last_name="B",
                          phone="13800138000", description="x")
    check(isinstance(refused, list) and refused and refused[0].get("code") == 403, "three sees a wrong key refused (403)")
    return new_id


if __name__ == "__main__":
    main()
