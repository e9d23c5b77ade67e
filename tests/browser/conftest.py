"""Real-browser tests: Playwright driving Debian's Chromium (never a downloaded browser),
against Bairn served by pytest-django's live server, with axe-core checking every page.

`make test` installs Chromium when it is missing (scripts/ensure-chromium)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

from bairn.agencies.models import Practitioner

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("BAIRN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "browser-test-password-26"
# `make screenshots` sets this to docs/screenshots; `make test` leaves the repository alone.
SCREENSHOTS = os.environ.get("BAIRN_SCREENSHOTS")
SERIOUS = {"serious", "critical"}
# The pages the README shows (docs/screenshots/<name>.png).
README_PAGES = {
    "sign-in-code",
    "home-named-person",
    "child-leeann",
    "record-concern",
    "sharing-explained",
    "plan",
    "audit",
    "transparency-report",
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []

    def console(message: Any) -> None:
        # A page that is itself a 404 or 403 (tests visit some on purpose) logs its status
        # as a console error; failing files a page needs are caught below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(answer: Any) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            errors.append(f"{answer.status} {answer.url}")

    opened.on("console", console)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.on("response", response)
    yield opened
    context.close()
    # No page may break its Content Security Policy, throw, or miss a file it needs.
    assert errors == [], errors


class Checked:
    """Every page a test visits is checked with axe; none may have a serious or
    critical violation. Each check is kept so the test can list what it covered."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.pages: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        results = self.axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in bad
        )
        assert not bad, f"axe on {name} ({page.url}):\n{report}"
        self.pages.append(name)
        if SCREENSHOTS and name in README_PAGES:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


@pytest.fixture
def checked() -> Checked:
    return Checked()


def code_for(user: Practitioner) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def with_app(user: Practitioner) -> Practitioner:
    """A practitioner whose password is known and whose authenticator app is linked."""
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Phone"})
    return user


def sign_in(page: Page, user: Practitioner, checked: Checked | None = None) -> None:
    page.goto("/sign-in")
    if checked:
        checked(page, "sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(code_for(user))
    if checked:
        checked(page, "sign-in-code")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
