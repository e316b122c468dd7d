#!/usr/bin/env python3
"""Accessibility of every public and staff page, in a real headless Chromium, with axe-core.

Starts `minsheng` on a fresh database with the demonstration loaded (SQLite by default; the database
named by DATABASE_URL when it is set), then opens each page of the citizen's side (home, list and its
tabs, a message, a board, a unit, writing, tracking, 我的留言, the overdue list, English, 关怀版) and of
the staff workbench as each role (dispatcher, handler, reviewer, supervisor, administrator: queues,
case pages, intake, moderation, every administration section), at a phone's width (360 px) and on a
desktop (1280 px), and runs axe-core on each through PyPI's `axe-selenium-python`. That package
bundles axe-core 3.1 (2018), which flags valid HTML of today (`<div>` groups in a `<dl>`,
`autocomplete="one-time-code"`); the axe-core 4.x that PyPI's `axe-playwright-python` bundles is used
when it is installed (`scripts/install-e2e.sh` installs it without its Playwright dependency). Any
violation of serious or critical impact fails the test; the others are listed. With --screenshots DIR
it saves the pages docs/walkthrough.md shows.

Usage: python3 e2e/test_accessibility.py [--binary .build/debug/minsheng] [--screenshots docs/screenshots]
"""
import argparse
import importlib.util
import os
import re
import sys

from axe_selenium_python import Axe

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_public_board import browser, shot, staff_login, start_server  # noqa: E402

BLOCKING = {"serious", "critical"}


def axe_script():
    """The newest axe-core at hand: axe-playwright-python's (4.x) when installed, else the bundled one."""
    spec = importlib.util.find_spec("axe_playwright_python")
    for directory in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(directory, "axe.min.js")
        if os.path.exists(path):
            return path
    return None


def axe_version(path):
    with open(path, encoding="utf-8") as f:
        found = re.search(r'version="(\d+\.\d+\.\d+)"', f.read(200_000))
    return found.group(1) if found else "?"
# The pages whose screenshots docs/walkthrough.md shows (phone and desktop).
SHOTS = {
    "home", "list-answered", "message", "write", "track", "account", "home-care", "home-en", "staff-login",
    "staff-pool", "staff-case-dispatcher", "staff-intake", "staff-moderation", "staff-inbox", "staff-case-handler",
    "staff-case-reviewer", "staff-supervision", "staff-admin-rules", "staff-admin-categories", "staff-admin-users",
    "stats", "staff-dashboard", "staff-dashboard-unit", "staff-dashboard-cases", "honours",
    "staff-supervision-report", "suggestions", "suggestion",
}


def public_pages(server):
    """(name, path) of the citizen's pages, with ids taken from the demonstration through the API."""
    answered = server.api("GET", "/api/v1/messages?stage=answered&limit=1")["items"][0]
    leaders = server.api("GET", "/api/v1/leaders")
    units = server.api("GET", "/api/v1/units")
    leader = leaders[0]["id"] if isinstance(leaders, list) else leaders["items"][0]["id"]
    campaign = [c for c in server.api("GET", "/api/v1/suggestions/campaigns") if not c["is_general"]][0]["id"]
    adopted = server.api("GET", "/api/v1/suggestions?stage=adopted&limit=1")["suggestions"][0]["id"]
    award = server.api("GET", "/api/v1/suggestions/awards")[0]["id"]
    unit = units[0]["id"] if isinstance(units, list) else units["items"][0]["id"]
    regions = server.api("GET", "/api/v1/regions")
    region = regions[0]["id"] if isinstance(regions, list) else regions["items"][0]["id"]
    return [
        ("home", "/"),
        ("list", "/messages"),
        ("list-answered", "/messages?stage=answered&type=complaint"),
        ("search", "/messages?q=%E5%99%AA%E9%9F%B3"),
        ("search-newest", "/search?q=%E5%99%AA%E9%9F%B3%20-%E5%A4%9C%E9%97%B4&sort=newest"),
        ("message", "/messages/" + answered["id"]),
        ("board", "/leaders/" + leader),
        ("unit", "/units/" + unit),
        ("region", "/regions/" + region),
        ("thank-unit", "/units/" + unit + "/thanks"),
        ("write", "/write"),
        ("track", "/track"),
        ("account", "/account"),
        ("overdue", "/overdue"),
        ("stats", "/stats"),
        ("stats-region", "/stats?by=region&kpi=satisfaction"),
        ("honours", "/honours"),
        ("thanks", "/thanks"),
        ("suggestions", "/suggestions"),
        ("campaign", "/suggestions/campaigns/" + campaign),
        ("suggestion", "/messages/" + adopted),
        ("support", "/suggestions/" + adopted + "/support"),
        ("write-suggestion", "/write?campaign=" + campaign),
        ("awards", "/suggestions/awards"),
        ("award", "/suggestions/awards/" + award),
    ]


def staff_pages(server):
    """(username, [(name, path)]) for each role's pages."""
    dispatcher = server.token("xfb.dispatcher")
    pool = server.api("GET", "/api/v1/staff/pool", token=dispatcher)
    items = pool["items"] if isinstance(pool, dict) else pool
    case = "/staff/messages/" + items[0]["id"] if items else "/staff/pool"
    handler = server.token("zjw.handler")
    inbox = server.api("GET", "/api/v1/staff/inbox", token=handler)
    inbox_items = inbox["items"] if isinstance(inbox, dict) else inbox
    handler_case = "/staff/messages/" + inbox_items[0]["id"] if inbox_items else "/staff/inbox"
    reviewer = server.token("zjw.reviewer")
    waiting = server.api("GET", "/api/v1/staff/inbox?status=reviewing", token=reviewer)
    waiting_items = waiting["items"] if isinstance(waiting, dict) else waiting
    reviewer_case = "/staff/messages/" + waiting_items[0]["id"] if waiting_items else "/staff/inbox"
    sections = ["regions", "leaders", "units", "categories", "rules", "words", "users", "knowledge", "keys", "webhooks",
                "campaigns"]
    units = server.api("GET", "/api/v1/units")
    first_unit = (units if isinstance(units, list) else units["items"])[0]["id"].lower()
    drill_down = "/staff/dashboard/cases?by=unit&kpi=reply_rate&meeting=0&group=" + first_unit
    award_round = server.api("GET", "/api/v1/suggestions/awards")[0]["id"]
    return [
        ("xfb.dispatcher", [("staff-pool", "/staff/pool"), ("staff-case-dispatcher", case),
                            ("staff-intake", "/staff/intake?caller=13900000000&kb=%E5%99%AA%E9%9F%B3"),
                            ("staff-moderation", "/staff/moderation")]),
        ("zjw.handler", [("staff-inbox", "/staff/inbox"), ("staff-case-handler", handler_case),
                         ("staff-dashboard-unit", "/staff/dashboard")]),
        ("zjw.reviewer", [("staff-inbox-reviewer", "/staff/inbox"), ("staff-case-reviewer", reviewer_case)]),
        ("dc.supervisor", [("staff-supervision", "/staff/supervision"),
                           ("staff-search", "/staff/search?q=%E5%99%AA%E9%9F%B3"),
                           ("staff-dashboard", "/staff/dashboard?kpi=satisfaction"),
                           ("staff-dashboard-cases", drill_down),
                           ("staff-supervision-report", "/staff/supervision/report"),
                           ("staff-awards", "/staff/awards")]),
        ("admin", [("staff-admin", "/staff/admin")] + [("staff-admin-" + s, "/staff/admin/" + s) for s in sections]
         + [("staff-award-round", "/staff/awards/" + award_round)]),
    ]


class Audit:
    def __init__(self, screenshots):
        self.screenshots = screenshots
        self.script = axe_script()
        self.failures = []
        self.minor = {}
        self.pages = 0

    def page(self, driver, name, width):
        axe = Axe(driver, self.script) if self.script else Axe(driver)
        axe.inject()
        results = axe.run(options="{resultTypes: ['violations']}")
        self.pages += 1
        for violation in results["violations"]:
            nodes = [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                     for node in violation["nodes"]]
            line = f"{name} ({width}): {violation['id']} [{violation['impact']}] {violation['help']} — {nodes[:4]}"
            if violation["impact"] in BLOCKING:
                self.failures.append(line)
            else:
                self.minor.setdefault(violation["id"], []).append(name)
        if self.screenshots and name in SHOTS:
            shot(driver, self.screenshots, f"{name}-{'phone' if width < 600 else 'desktop'}")


def run(binary, screenshots):
    server, _ = start_server(binary, "minsheng-a11y-")
    audit = Audit(screenshots)
    print("axe-core", axe_version(audit.script or Axe(None).script_url))
    try:
        public = public_pages(server)
        staff = staff_pages(server)
        for width, height, phone in ((360, 740, True), (1280, 900, False)):
            driver = browser(width, height, phone=phone)
            try:
                for name, path in public:
                    driver.get(server.base + path)
                    audit.page(driver, name, width)
                # English, then 关怀版 (larger text, higher contrast), each on the home page and a list.
                driver.get(server.base + "/lang/en")
                for name, path in (("home-en", "/"), ("list-en", "/messages")):
                    driver.get(server.base + path)
                    audit.page(driver, name, width)
                driver.get(server.base + "/lang/zh")
                driver.get(server.base + "/care/on")
                for name, path in (("home-care", "/"), ("message-care", public[4][1])):
                    driver.get(server.base + path)
                    audit.page(driver, name, width)
                driver.get(server.base + "/care/off")
                driver.get(server.base + "/staff/login")
                audit.page(driver, "staff-login", width)
                for username, pages in staff:
                    driver.delete_all_cookies()
                    staff_login(driver, server.base, username, server.passwords[username])
                    for name, path in pages:
                        driver.get(server.base + path)
                        audit.page(driver, name, width)
            finally:
                driver.quit()
    finally:
        server.stop()
    for rule, names in sorted(audit.minor.items()):
        print(f"  minor or moderate: {rule} on {len(names)} page views ({', '.join(sorted(set(names))[:6])} …)")
    if audit.failures:
        print("\n".join(audit.failures))
        sys.exit(f"e2e accessibility: {len(audit.failures)} serious or critical violations on {audit.pages} page views")
    print(f"e2e accessibility: passed ({audit.pages} page views, no serious or critical violation)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/minsheng")
    parser.add_argument("--screenshots", default="")
    arguments = parser.parse_args()
    run(os.path.abspath(arguments.binary), arguments.screenshots)
