"""A headless Chromium driven by selenium, for the page's screenshot script
and its browser tests. selenium is needed only here (the ``test`` extra).

It uses the system's Chromium and ChromeDriver (Debian's ``chromium`` and
``chromium-driver``): a test tool's own browser download is not assumed to
work. The flags keep a browser that runs as root, without a screen or a
network beyond loopback, from stalling on background connections.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER_NAMES = ("chromedriver",)
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
)


def _which(names) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing() -> str | None:
    """Why no browser can be driven here, or None when one can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _which(CHROMIUM_NAMES) is None:
        return "no Chromium on PATH (Debian: apt-get install -y chromium chromium-driver)"
    if _which(CHROMEDRIVER_NAMES) is None:
        return "no chromedriver on PATH (Debian: apt-get install -y chromium-driver)"
    return None


@contextmanager
def headless_chromium(width: int = 1440, height: int = 1000):
    """A selenium WebDriver on a fresh, headless Chromium; quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    problem = missing()
    if problem:
        raise RuntimeError(problem)
    profile = tempfile.mkdtemp(prefix="mockserver-chromium-")
    options = Options()
    options.binary_location = _which(CHROMIUM_NAMES)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path=_which(CHROMEDRIVER_NAMES), log_output=os.devnull)
    try:
        driver = webdriver.Chrome(options=options, service=service)
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    try:
        yield driver
    finally:
        try:
            driver.quit()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
