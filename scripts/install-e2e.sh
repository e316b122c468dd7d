#!/usr/bin/env bash
# Installs what the browser tests need when it is missing: Debian's chromium and chromium-driver,
# the Noto CJK fonts (so Chinese renders in screenshots), and Selenium and axe-selenium-python (axe-core,
# for the accessibility test) from PyPI.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-e2e: missing ${missing[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium
python3 -c "import axe_selenium_python" 2>/dev/null || python3 -m pip install -q axe-selenium-python
# axe-selenium-python bundles axe-core 3.1 (2018); axe-playwright-python bundles a current 4.x. Only its
# script is used, so its Playwright dependency is not installed.
python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('axe_playwright_python') is None)" 2>/dev/null \
  || python3 -m pip install -q --no-deps axe-playwright-python
