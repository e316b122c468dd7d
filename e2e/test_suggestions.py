#!/usr/bin/env python3
"""人民建议征集 end to end, in a real headless Chromium, on the demonstration.

  a citizen logs in to 我的留言 and writes a suggestion to the open campaign → three citizens support
  the demonstration's 停车场 suggestion, the third reaching the campaign's threshold, which sends it to
  the campaign's unit (交办 on its timeline) → the unit's handler accepts it, adopts it with a reason and
  records an adoption step with the policy as a PDF, then a milestone at 100% → the public page shows
  the outcome, the reason, the steps, the file and 已落实 → the dispatcher records a leader's 批示 →
  an administrator opens an award round, scores it and publishes → the award list names it and its
  author's text (in the development log) tells them → a citizen thanks a unit without a case of
  their own, the dispatcher publishes the letter on /staff/moderation and it shows on the unit page.
  The same pages at 360 px: nothing wider than the screen. No alert or dialog may open.

Usage: python3 e2e/test_suggestions.py [--binary .build/debug/minsheng] [--screenshots docs/screenshots]
"""
import argparse
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from selenium.webdriver.common.by import By  # noqa: E402

from test_public_board import (browser, check, click_then, gone, has, no_dialog, notice_after, shot,  # noqa: E402
                               staff_login, staff_logout, start_server, wait_until)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def citizen_login(driver, server, phone):
    driver.get(server.base + "/account")
    if driver.find_elements(By.XPATH, "//form[@action='/account/logout']//button"):
        click_then(driver, driver.find_element(By.XPATH, "//form[@action='/account/logout']//button"), has("phone"))
    driver.find_element(By.ID, "phone").send_keys(phone)
    offset = server.log_size()
    notice_after(driver, driver.find_element(By.XPATH, "//button[@formaction='/account/code']"))
    driver.find_element(By.ID, "code").send_keys(server.sms_code(offset))
    click_then(driver, driver.find_element(By.CSS_SELECTOR, "form button.primary"), has("account-phone"))


def support(driver, url):
    driver.get(url)
    before = int(re.sub(r"\D", "", driver.find_element(By.ID, "supports").text))
    click_then(driver, driver.find_element(By.CSS_SELECTOR, "#proposal a.button[href$='/support']"),
               lambda d: d.find_elements(By.CSS_SELECTOR, "main form button.primary"))
    click_then(driver, driver.find_element(By.CSS_SELECTOR, "main form button.primary"), has("supports"))
    after = int(re.sub(r"\D", "", driver.find_element(By.ID, "supports").text))
    check(after == before + 1, f"附议 counts once more ({before} → {after})")
    no_dialog(driver, "supported")
    return after


def act(driver, action):
    card = driver.find_element(By.ID, "a-" + action)
    if card.get_attribute("open") is None:
        card.find_element(By.TAG_NAME, "summary").click()
    return notice_after(driver, card.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def submit(driver, button):
    """Clicks a form's button and waits for the next page; returns its main text."""
    button.click()
    wait_until(driver, 30, gone(button))
    wait_until(driver, 30, lambda d: d.find_elements(By.TAG_NAME, "main"))
    return driver.find_element(By.TAG_NAME, "main").text


def set_value(driver, element, value):
    driver.execute_script("arguments[0].value = arguments[1]", element, value)


def no_overflow(driver, where):
    wide = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
    check(not wide, f"{where}: nothing wider than the screen")


def run(binary, screenshots):
    server, temporary = start_server(binary, "minsheng-e2e-suggestions-")
    pdf = os.path.join(temporary, "分摊参考标准.pdf")
    with open(pdf, "wb") as f:
        f.write(PDF)
    base = server.base
    today = datetime.date.today()
    driver = browser()
    try:
        # A citizen writes a suggestion to the open campaign.
        citizen_login(driver, server, "13900005001")
        driver.get(base + "/suggestions")
        campaigns = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "ul.campaigns a")]
        open_campaign = next(url for url in campaigns if "c0de" not in url)
        driver.get(open_campaign)
        click_then(driver, driver.find_element(By.CSS_SELECTOR, "a.button.primary[href^='/write?campaign=']"),
                   has("proposal"))
        driver.find_element(By.ID, "title").send_keys("小区增设电动自行车充电棚")
        driver.find_element(By.ID, "body").send_keys("楼道里给电动自行车充电，存在火灾隐患。")
        driver.find_element(By.ID, "proposal").send_keys("在小区空地统一建设带计费的充电棚。")
        driver.find_element(By.ID, "name").send_keys("周先生")
        driver.find_element(By.CSS_SELECTOR, "input[name=consent]").click()
        driver.find_element(By.CSS_SELECTOR, "#write-form button.primary").click()
        wait_until(driver, 30, lambda d: d.find_elements(By.ID, "serial"))
        check(re.fullmatch(r"\d{4}-\d{6}", driver.find_element(By.ID, "serial").text.strip()) is not None,
              "the suggestion is written, with its serial")
        no_dialog(driver, "suggestion written")

        # Three citizens support the 停车场 suggestion; the third reaches the threshold of 5.
        driver.get(base + "/suggestions?stage=collecting")
        parking = next(a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#proposal-list li > a")
                       if "停车场" in a.text)
        message_id = parking.rstrip("/").split("/")[-1]
        count = support(driver, parking)
        for phone in ("13900005002", "13900005003"):
            citizen_login(driver, server, phone)
            count = support(driver, parking)
        check(count == 5, f"five supports ({count})")
        driver.get(parking)
        page = driver.find_element(By.TAG_NAME, "main").text
        check("交办至" in page and "评估中" in page, "the threshold sent it to the campaign's unit")
        shot(driver, screenshots, "suggestion-supported-desktop")

        # The unit accepts it, adopts it with a reason, records a step with its PDF and a milestone.
        staff_login(driver, base, "zjw.handler", server.passwords["zjw.handler"])
        case = f"{base}/staff/messages/{message_id}"
        driver.get(case)
        act(driver, "accept")
        driver.get(case + "#proposal")
        driver.find_element(By.CSS_SELECTOR, "input[name=outcome][value=adopted]").click()
        driver.find_element(By.ID, "proposal-reason").send_keys("建议可行，先在三个街道试点夜间共享停车。")
        check("评估结论已公开" in notice_after(
            driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/proposal/evaluation'] button")),
              "the unit adopted it")
        driver.find_element(By.ID, "adoption-measure").send_keys("印发机关单位停车场夜间错时共享办法。")
        driver.find_element(By.ID, "adoption-title").send_keys("机关单位停车场夜间错时共享办法")
        driver.find_element(By.ID, "adoption-progress").send_keys("40")
        driver.find_element(By.ID, "adoption-file").send_keys(pdf)
        check("转化运用已登记" in notice_after(
            driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/proposal/adoptions'] button")),
              "the adoption step with its file is recorded")
        driver.find_element(By.ID, "adoption-measure").send_keys("三个街道 12 处停车场夜间开放，新增车位 860 个。")
        driver.find_element(By.ID, "adoption-progress").send_keys("100")
        check("转化运用已登记" in notice_after(
            driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/proposal/adoptions'] button")),
              "the milestone at 100% is recorded")
        staff_logout(driver)

        # The dispatching office records a leader's 批示.
        staff_login(driver, base, "xfb.dispatcher", server.passwords["xfb.dispatcher"])
        driver.get(case + "#proposal")
        driver.find_element(By.ID, "instruction-leader").send_keys("市政府分管副市长")
        set_value(driver, driver.find_element(By.ID, "instruction-date"), today.isoformat())
        driver.find_element(By.ID, "instruction-text").send_keys("请市住建委总结试点经验，明年在全市推开。")
        driver.find_element(By.ID, "instruction-summary").send_keys("批示要求总结试点经验，明年在全市推开。")
        check("领导批示已登记" in notice_after(
            driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/proposal/instructions'] button")),
              "the leader's instruction is recorded")

        driver.get(parking)
        section = driver.find_element(By.ID, "proposal").text
        check("已落实" in section and "建议可行" in section, "the public page shows the outcome and its reason")
        check("印发机关单位停车场夜间错时共享办法" in section and "新增车位 860 个" in section,
              "the adoption step and the milestone are public")
        check("市政府分管副市长作出批示" in section and "明年在全市推开" in section and "总结试点经验，明年" in section,
              "the instruction's leader and summary are public")
        check("请市住建委" not in section, "the instruction's own words are not")
        link = driver.find_element(By.CSS_SELECTOR, "#proposal a[download]")
        check(link.text == "分摊参考标准.pdf", "the policy's file is linked by its name")
        status, data = server.request("GET", link.get_attribute("href").replace(base, ""))
        check(status == 200 and data == PDF, "the file downloads as uploaded")
        check(driver.find_elements(By.CSS_SELECTOR, "#proposal progress"), "the progress is drawn")
        shot(driver, screenshots, "suggestion-adopted-desktop")
        no_dialog(driver, "adopted")

        # A thanks letter without a case: written logged in, published by the dispatcher, on the unit page.
        unit = next(a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a[href^='/units/']")
                    if re.search(r"/units/[0-9a-f-]{36}$", a.get_attribute("href")))
        driver.get(base + "/staff/moderation")
        staff_logout(driver)
        citizen_login(driver, server, "13900005004")
        driver.get(unit + "/thanks")
        driver.find_element(By.ID, "author").send_keys("幸福里居民 周先生")
        driver.find_element(By.ID, "note-body").send_keys("感谢住建委推动夜间共享停车，小区消防通道终于通畅了。")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button.primary"))
        driver.get(unit)
        check("感谢住建委推动夜间共享停车" not in driver.find_element(By.TAG_NAME, "main").text,
              "the letter waits for moderation before the public sees it")
        driver.get(base + "/account")
        click_then(driver, driver.find_element(By.XPATH, "//form[@action='/account/logout']//button"), has("phone"))
        staff_login(driver, base, "xfb.dispatcher", server.passwords["xfb.dispatcher"])
        driver.get(base + "/staff/moderation")
        letter = next(s for s in driver.find_elements(By.CSS_SELECTOR, "section.moderation")
                      if "夜间共享停车" in s.text)
        submit(driver, letter.find_element(By.CSS_SELECTOR, "form.inline button.primary"))
        staff_logout(driver)
        driver.get(unit)
        check("感谢住建委推动夜间共享停车" in driver.find_element(By.TAG_NAME, "main").text,
              "the published letter shows on the unit page")

        # An award round: opened, scored and published; the list names it; its author is told.
        staff_login(driver, base, "admin", server.passwords["admin"])
        driver.get(base + "/staff/awards")
        driver.find_element(By.ID, "award-title").send_keys("年度人民建议表彰（演示）")
        set_value(driver, driver.find_element(By.ID, "award-from"), (today - datetime.timedelta(days=30)).isoformat())
        set_value(driver, driver.find_element(By.ID, "award-to"), today.isoformat())
        click_then(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/awards'] button"),
                   lambda d: d.find_elements(By.ID, "score-" + message_id))
        driver.find_element(By.ID, "score-" + message_id).send_keys("95")
        submit(driver, driver.find_element(By.XPATH, f"//input[@id='score-{message_id}']/ancestor::form//button"))
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/publish'] button"))
        staff_logout(driver)
        driver.get(base + "/suggestions/awards")
        driver.get(driver.find_element(By.CSS_SELECTOR, "#award-rounds a").get_attribute("href"))
        check("夜间开放机关单位停车场" in driver.find_element(By.TAG_NAME, "main").text,
              "the published round names the suggestion")
        shot(driver, screenshots, "suggestion-awards-desktop")
        serial = None
        status, data = server.request("GET", f"/api/v1/suggestions/{message_id}")
        match = re.search(rb'"serial":"([0-9-]+)"', data)
        serial = match.group(1).decode() if match else ""
        texts = server.sms_texts(serial, "获奖")
        check(any("获奖" in text for text in texts), "the author's text tells them of the award")
        driver.get(parking)
        check("在人民建议表彰中获奖" in driver.find_element(By.TAG_NAME, "main").text,
              "the suggestion's timeline shows the award")
        no_dialog(driver, "awards")
    finally:
        driver.quit()

    # The same pages on a 360 px phone.
    phone = browser(360, 740, phone=True)
    try:
        for name, path in (("suggestions", "/suggestions"), ("suggestion", parking.replace(base, "")),
                           ("campaign", open_campaign.replace(base, "")), ("awards", "/suggestions/awards"),
                           ("unit-thanks", unit.replace(base, ""))):
            phone.get(base + path)
            wait_until(phone, 30, lambda d: d.find_elements(By.TAG_NAME, "main"))
            no_overflow(phone, name)
            no_dialog(phone, name + " on a phone")
            if name in ("suggestion", "awards"):
                shot(phone, screenshots, f"suggestion-{name}-phone" if name == "awards" else "suggestion-adopted-phone")
    finally:
        phone.quit()
        server.stop()
    print("e2e suggestions: passed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/minsheng")
    parser.add_argument("--screenshots", default="")
    arguments = parser.parse_args()
    run(os.path.abspath(arguments.binary), arguments.screenshots)
