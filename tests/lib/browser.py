"""Headless Chromium for tests of what operators see: Debian's chromium and
chromedriver, driven by python3-selenium. The caller quits the driver (which
stops chromedriver and the browser)."""

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def chromium(profile_dir, width=1400, height=1100):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=%d,%d" % (width, height), "--user-data-dir=" + str(profile_dir)):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def console_errors(driver):
    """The page's console errors (and failed loads) since the last call."""
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
