#!/usr/bin/env python3
"""Writes the bad-input corpus, Tests/BadInput/corpus.jsonl: requests a careless client or an attacker
would send — broken and hostile JSON, forms and multipart uploads (polyglot and truncated images),
query strings, headers, paths, invalid UTF-8, huge and deeply nested bodies. Deterministic: running it
again writes the same file. `scripts/bad-input.py` sends every one to a running server.

Each line: {"name", "method", "path", "headers": {name: value}, "body": [[base64, times], ...] (the parts,
each repeated, make the body: a 17 MB upload is a line of a few hundred bytes), "auth": "none"|"admin",
"form": true when the body needs the browser's form token (`{csrf}` in it is replaced)}.

    scripts/make-bad-input-corpus.py > Tests/BadInput/corpus.jsonl
"""
import base64
import json
import random
import struct
import sys
import zlib

rng = random.Random(2023)
cases = []


class Repeat:
    """A part of a body written once and sent `times` times."""

    def __init__(self, data, times):
        self.data = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        self.times = times


def add(name, method, path, body=b"", headers=None, auth="none", form=False):
    parts = body if isinstance(body, list) else [body]
    encoded = []
    for part in parts:
        if not isinstance(part, Repeat):
            part = Repeat(part, 1)
        if part.data:
            encoded.append([base64.b64encode(part.data).decode(), part.times])
    cases.append({"name": name, "method": method, "path": path, "headers": headers or {}, "body": encoded,
                  "auth": auth, "form": form})


JSON = {"Content-Type": "application/json"}
VALID = {"type": "complaint", "title": "夜间施工噪音扰民", "body": "工地每晚十一点后仍在施工。",
         "contact": {"name": "顾女士", "phone": "13800138000"}}

# --- JSON bodies for intake --------------------------------------------------------------------
broken_json = [
    "", "{", "}", "[", "null", "true", "0", "\"text\"", "[]", "{}", "{\"type\":}", "{\"type\":\"complaint\",}",
    "{'type':'complaint'}", "{\"type\":NaN}", "{\"type\":Infinity}", "{\"type\":1e999}", "{\"a\":1}{\"b\":2}",
    "\ufeff{\"type\":\"complaint\"}", "{\"type\":\"complaint\"" + " " * 1000, "{\"type\":\"\\u0000\"}",
    "{\"title\":\"\\ud800\"}", "{\"title\":\"\\udfff\\ud800\"}", "{\"title\":\"\\x41\"}", "{\"title\":\"\\u12\"}",
    "{\"type\":\"complaint\",\"type\":\"help\"}", "/* comment */ {}", "{\"type\":\"complaint\"}\x00",
]
for i, text in enumerate(broken_json):
    add(f"json-broken-{i}", "POST", "/api/v1/messages", text, JSON)

fields = {
    "type": ["", "COMPLAINT", "thanks", "complaint ", None, 1, [], {}, "x" * 5000, "complaint\u0000"],
    "title": ["", " ", "\u202e倒序标题", "a" * 101, "标" * 5000, None, 12, ["a"], "\u0007铃", "<script>alert(1)</script>"],
    "body": ["", "\n\n\n", "内" * 4001, None, 3.14, {"a": 1}, "\u0000\u0001\u0002", "\ud83d\ude00" * 10, "&lt;b&gt;"],
    "contact": [None, "顾女士", [], {}, {"name": ""}, {"phone": "13800138000"}, {"name": "顾", "phone": "12345"},
                {"name": "顾", "phone": "1" * 200}, {"name": "a" * 500, "phone": "13800138000"},
                {"name": "顾", "phone": "13800138000", "email": "not-an-address"}],
    "leader_id": ["not-a-uuid", "00000000-0000-0000-0000-000000000000", 1, "", None],
    "region_id": ["00000000-0000-0000-0000-000000000001", "'; DROP TABLE messages; --", []],
    "category_id": ["{}", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    "location": ["滨江路", {"latitude": "north"}, {"latitude": 1e308, "longitude": -1e308}, {"address": "地" * 300}],
    "public": ["yes", 2, None],
    "phone_code": ["", "abcdef", "1" * 100, 123456],
}
for field, values in fields.items():
    for j, value in enumerate(values):
        body = dict(VALID)
        if value is None:
            body.pop(field, None)
        else:
            body[field] = value
        # A valid message is not bad input: every case breaks at least one rule.
        if field in ("leader_id", "region_id", "category_id", "location", "public", "phone_code") or value is None:
            body["title"] = ""
        add(f"json-field-{field}-{j}", "POST", "/api/v1/messages", json.dumps(body, ensure_ascii=bool(j % 2)), JSON)

add("json-deep-array", "POST", "/api/v1/messages", [Repeat("[", 100000), Repeat("]", 100000)], JSON)
add("json-deep-object", "POST", "/api/v1/messages", [Repeat("{\"a\":", 50000), "1", Repeat("}", 50000)], JSON)
add("json-huge-string", "POST", "/api/v1/messages",
    ['{"type":"complaint","title":"t","contact":{"name":"a","phone":"13800138000"},"body":"', Repeat("噪", 400000), '"}'], JSON)
add("json-huge-array", "POST", "/api/v1/messages", ["[", Repeat("1,", 300000), "1]"], JSON)
add("json-invalid-utf8", "POST", "/api/v1/messages",
    b'{"type":"complaint","title":"\xff\xfe\xc0\xaf","body":"x","contact":{"name":"a","phone":"13800138000"}}', JSON)
add("json-overlong-utf8", "POST", "/api/v1/messages", b'{"title":"\xe0\x80\xaf"}', JSON)
add("json-as-text", "POST", "/api/v1/messages", json.dumps(VALID), {"Content-Type": "text/plain"})
add("json-as-form", "POST", "/api/v1/messages", json.dumps(VALID), {"Content-Type": "application/x-www-form-urlencoded"})
add("json-no-type", "POST", "/api/v1/messages", json.dumps(VALID), {})
add("json-xml", "POST", "/api/v1/messages", "<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>",
    {"Content-Type": "application/xml"})
add("json-charset", "POST", "/api/v1/messages", json.dumps(VALID).encode("utf-16"), {"Content-Type": "application/json; charset=utf-16"})

# Other JSON endpoints, anonymous and as an administrator.
json_targets = [
    ("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/session"), ("POST", "/api/v1/phone-codes"),
    ("POST", "/api/v1/messages/00000000-0000-0000-0000-000000000000/evaluation"),
    ("POST", "/api/v1/messages/00000000-0000-0000-0000-000000000000/actions/assign"),
    ("POST", "/api/v1/messages/00000000-0000-0000-0000-000000000000/moderation"),
    ("POST", "/api/v1/banned-words"), ("POST", "/api/v1/knowledge"), ("POST", "/api/v1/regions"),
    ("POST", "/api/v1/units"), ("POST", "/api/v1/leaders"), ("POST", "/api/v1/categories"),
    ("POST", "/api/v1/routing-rules"), ("POST", "/api/v1/suggestions/campaigns"),
    ("POST", "/api/v1/suggestions/00000000-0000-0000-0000-000000000000/supports"),
    ("POST", "/api/v1/suggestions/00000000-0000-0000-0000-000000000000/evaluation"),
    ("POST", "/api/v1/suggestions/00000000-0000-0000-0000-000000000000/adoptions"),
]
payloads = ["", "{", "[]", "{\"username\":1}", "{\"phone\":\"\\u0000\"}", "{\"word\":\"\",\"severity\":\"nuke\"}",
            "{\"name\":\"\\u202e\\ue000\",\"code\":\"\"}", "{\"code\":\"x\",\"name\":\"" + "名" * 500 + "\"}",
            "{\"resolution\":99,\"attitude\":-1,\"speed\":\"5\"}", "{\"lead_unit\":\"zzz\",\"working_days\":1e9}",
            "{\"decision\":\"publish\",\"hidden_images\":[\"x\"]}", "{\"category_id\":null,\"unit_id\":[]}"]
for method, path in json_targets:
    for auth in ("none", "admin"):
        for k, payload in enumerate(payloads):
            add(f"json-{path.strip('/').replace('/', '-')}-{auth}-{k}", method, path, payload, JSON, auth=auth)

# --- Forms ------------------------------------------------------------------------------------
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
form_targets = ["/write", "/write/code", "/track", "/track/evaluate", "/track/thanks", "/account/code",
                "/account/login", "/account/open", "/staff/login", "/staff/intake",
                "/suggestions/00000000-0000-0000-0000-000000000000/support", "/staff/awards",
                "/units/00000000-0000-0000-0000-000000000000/thanks",
                "/staff/moderation/thanks/00000000-0000-0000-0000-000000000000"]
form_bodies = [
    "", "_csrf={csrf}", "_csrf={csrf}&title=%FF%FE", "_csrf={csrf}&phone=%00", "_csrf={csrf}&code=" + "9" * 5000,
    "_csrf={csrf}&board=not-a-uuid&type=complaint&title=a&body=b&phone=13800138000&consent=yes",
    "_csrf={csrf}&images=%00&images[]=x", "_csrf=wrong&title=x", ["_csrf={csrf}", Repeat("&k=v", 5000)],
    ["_csrf={csrf}&username=admin&password=", Repeat("p", 100000)], "_csrf={csrf}&id=../../etc/passwd",
    "_csrf={csrf}&resolution=99&attitude=0&speed=a&comment=%E2%80%AE",
]
for target in form_targets:
    for k, body in enumerate(form_bodies):
        add(f"form-{target.strip('/').replace('/', '-')}-{k}", "POST", target, body, FORM, form=True)


# --- Multipart uploads ------------------------------------------------------------------------
def png(width=1, height=1, extra=b"", trailing=b""):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"") + trailing)


jpeg = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xdb\x00\x43\x00" + bytes(range(64)) + b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x12\x34\xff\xd9")
images = {
    "png-ok": png(), "png-truncated": png()[:40], "png-no-iend": png()[:-12], "png-zip-polyglot": png(trailing=b"PK\x03\x04" + b"\x00" * 40),
    "png-html-chunk": png(extra=b"\x00\x00\x00\x1etEXt<html><script>alert(1)</script>"), "png-huge-length": b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR",
    "jpeg-truncated": jpeg[:30], "jpeg-html-polyglot": jpeg + b"<html><script>alert(1)</script></html>",
    "jpeg-no-eoi": jpeg[:-2], "jpeg-bad-length": b"\xff\xd8\xff\xe1\xff\xff" + b"A" * 100, "jpeg-fill-only": b"\xff\xd8" + b"\xff" * 1000,
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    "html-as-png": b"<html><body>hi</body></html>", "empty": b"", "webp-truncated": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    "webp-size-lie": b"RIFF\xff\xff\xff\x7fWEBPVP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x10", "exe": b"MZ\x90\x00" + b"\x00" * 100,
    "random": bytes(rng.getrandbits(8) for _ in range(3000)),
}
boundary = "----minsheng-bad-input"


def multipart(fields, files, content_type="image/png", name="images"):
    out = b""
    for key, value in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n".encode()
    for filename, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


MP = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
write_fields = [("_csrf", "{csrf}"), ("type", "complaint"), ("title", "图片测试"), ("body", "见附图。"), ("name", "顾女士"),
                ("phone", "13800138000"), ("consent", "yes"), ("visibility", "public"), ("code", "000000")]
for key, data in images.items():
    for ctype in ("image/png", "image/jpeg", "text/html"):
        add(f"multipart-{key}-{ctype.split('/')[1]}", "POST", "/write", multipart(write_fields, [(f"a.{key}", data)], ctype),
            MP, form=True)
add("multipart-four-images", "POST", "/write", multipart(write_fields, [("a.png", png())] * 4), MP, form=True)
add("multipart-no-boundary", "POST", "/write", multipart(write_fields, []), {"Content-Type": "multipart/form-data"}, form=True)
add("multipart-wrong-boundary", "POST", "/write", multipart(write_fields, []), {"Content-Type": "multipart/form-data; boundary=x"}, form=True)
add("multipart-unterminated", "POST", "/write", multipart(write_fields, [("a.png", png())])[:-30], MP, form=True)
add("multipart-header-injection", "POST", "/write",
    multipart(write_fields, [("a.png\r\nX-Evil: 1", png())]), MP, form=True)
add("multipart-path-filename", "POST", "/write", multipart(write_fields, [("../../../etc/passwd", png())]), MP, form=True)
huge = multipart(write_fields + [("body", "@@")], [])
add("multipart-huge-field", "POST", "/write", [huge.split(b"@@")[0], Repeat("长", 200000), huge.split(b"@@")[1]], MP, form=True)
big = multipart(write_fields, [("big.png", png() + b"@@")])
add("multipart-17mb", "POST", "/write", [big.split(b"@@")[0], Repeat(b"\x00", 17 * 1024 * 1024), big.split(b"@@")[1]], MP,
    form=True)
add("multipart-code-route", "POST", "/write/code", [big.split(b"@@")[0], Repeat(b"\x00", 200 * 1024), big.split(b"@@")[1]],
    MP, form=True)

# --- Query strings ----------------------------------------------------------------------------
queries = [
    "/messages?region=not-a-uuid", "/messages?type=nope", "/messages?status=%00", "/messages?from=2026-13-45",
    "/messages?to=yesterday", "/messages?after=-1", "/messages?after=99999999999999999999", "/messages?q=%FF%FE",
    "/messages?q=" + "%E5%99%AA" * 3000, "/messages?q=%25%5F%21", "/messages?q=%27%20OR%201%3D1--", "/messages?page=-5",
    "/messages?region[]=a&region[]=b", "/search?q=%00", "/search?q=", "/search?q=%E2%80%AE", "/overdue?limit=-1",
    "/api/v1/messages?limit=-1", "/api/v1/messages?limit=100000000000000000000", "/api/v1/messages?cursor=zzz",
    "/api/v1/messages?cursor=%00%00", "/api/v1/messages?from=2026-02-30", "/api/v1/messages?status=replied&status=x",
    "/api/v1/messages?region=1&leader=2&unit=3", "/api/v1/messages?q=%FF", "/lang/xx?back=/", "/lang/zh?back=%FF",
    "/write?leader=%00", "/units/not-a-uuid", "/leaders/00000000-0000-0000-0000-000000000000",
    "/messages/2026-000001", "/messages/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/media/../../etc/passwd",
    "/media/00000000-0000-0000-0000-000000000000", "/api/v1/track/%00", "/api/v1/track/" + "A" * 5000,
    "/track?code=" + "A" * 100, "/staff/messages/not-a-uuid", "/staff/admin/%00", "/staff/pool?cursor=%FF",
    "/staff/inbox?section=%00&cursor=-1", "/api/v1/staff/pool?limit=-3", "/api/v1/staff/inbox?cursor=zzz",
    "/" + "a/" * 2000, "/%c0%ae%c0%ae/", "/messages?%00=%00", "/messages?=&&&=", "/api/v1/openapi.json?x=%ZZ",
    "/suggestions?stage=%00", "/suggestions?before=-1", "/suggestions?before=99999999999999999999",
    "/suggestions/campaigns/not-a-uuid", "/write?campaign=%00", "/write?campaign=00000000-0000-0000-0000-000000000000",
    "/api/v1/suggestions?before=zzz&limit=0", "/api/v1/suggestions?stage=%FF", "/suggestions/awards/not-a-uuid",
    "/suggestions/awards/00000000-0000-0000-0000-000000000000", "/staff/awards/not-a-uuid",
    "/suggestions/00000000-0000-0000-0000-000000000000/support",
]
for k, path in enumerate(queries):
    for auth in ("none", "admin"):
        add(f"query-{k}-{auth}", "GET", path, auth=auth)

# --- Headers ----------------------------------------------------------------------------------
header_sets = [
    {"Cookie": "minsheng_session=" + "A" * 8000}, {"Cookie": "minsheng_track=%00%FF; minsheng_case=zzz"},
    {"Cookie": "minsheng_lang=xx; minsheng_citizen=;;;;"}, {"Authorization": "Bearer " + "x" * 5000},
    {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Bearer ms_\u0000"}, {"Accept": "*/*;q=nope"},
    {"Accept-Language": "zz" * 1000}, {"X-Forwarded-For": "1.2.3.4, not-an-ip, ::::::, " + "9" * 500},
    {"X-CSRF-Token": "\u202e"}, {"If-None-Match": "W/\"" + "1" * 1000}, {"Range": "bytes=0-1,2-3,5-"},
    {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}, {"Content-Type": "application/json; charset=ebcdic"},
]
for k, headers in enumerate(header_sets):
    for method, path in (("GET", "/"), ("GET", "/api/v1/messages"), ("GET", "/staff/pool"), ("GET", "/track"),
                         ("POST", "/api/v1/messages")):
        body = json.dumps(dict(VALID, title="")) if method == "POST" else b""
        add(f"header-{k}-{method}-{path.strip('/').replace('/', '-') or 'home'}", method, path, body,
            dict({"Content-Type": "application/json"} if method == "POST" else {}, **headers))

# --- Methods nobody offers --------------------------------------------------------------------
for method in ("PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"):
    for path in ("/", "/api/v1/messages", "/write", "/staff/pool", "/api/v1/auth/token"):
        add(f"method-{method}-{path.strip('/').replace('/', '-') or 'home'}", method, path, "{}", JSON)

for case in cases:
    print(json.dumps(case, ensure_ascii=True))
print(f"{len(cases)} cases", file=sys.stderr)
