"""What every browser test of the desk console shares: the local stack, Chromium, a person's screen held to
axe-core and to the console and network logs, and the API beside it for setting up and checking."""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from tests.e2e.conftest import ROOT, local_stack

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"
DIST = ROOT / "console" / "dist" / "index.html"
OUTPUT = Path(os.environ.get("PROPDESK_TEST_OUTPUT", ROOT / "test-output")) / "console"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Each click is a Lambda invoke on a machine shared with the rest of the suite: patience beyond the 5 s default.
playwright.expect.set_options(timeout=20_000)


def png() -> bytes:
    """A real 8x8 PNG: the photo the technician takes of the finished work."""
    raw = b"".join(b"\x00" + b"\x20\x80\xc0" * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not DIST.exists() or not AXE.exists():
        pytest.fail("the console is not built: run `make console` (make test does)")
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run `make chromium` (make test does)")
    with local_stack(tmp_path_factory.mktemp("console-state")) as info:
        yield info


@pytest.fixture(scope="module")
def browser(stack: dict[str, Any]) -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield launched
        launched.close()


class Screen:
    """One person's browser page on the console; every console error and failed request is kept to fail on."""

    def __init__(self, browser: Any, url: str, user: str, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Europe/London")
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.method} {r.url} {r.failure}"))
        self.page.on("response", self._response)
        self.page.goto(url)
        self.page.locator(f"[data-user='{user}']").click()
        self.page.get_by_role("button", name=re.compile("退出|Sign out")).wait_for()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status}: {response.request.method} {response.url}")

    def button(self, name: str, within: Any = None) -> Any:
        return (within or self.page).get_by_role("button", name=name, exact=True)

    def card(self, number: str) -> Any:
        return self.page.locator(f"article[aria-label='{number}']")

    def tab(self, name: str) -> None:
        self.page.locator("nav.tabs").get_by_role("button", name=name, exact=True).click()

    def notice(self, text: str) -> None:
        playwright.expect(self.page.get_by_role("status")).to_contain_text(text)

    def check(self, name: str) -> None:
        """Photograph the screen, then hold it to axe-core and to the console and network logs."""
        self.page.wait_for_load_state("networkidle")
        OUTPUT.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        grave = [
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert grave == [], f"{name}: {grave}"
        assert self.problems == [], f"{name}: {self.problems}"

    def close(self) -> None:
        self.context.close()


def api(stack: dict[str, Any], user: str) -> requests.Session:
    """A session with `user`'s ID token, signed in as the console signs in: code with PKCE at the hosted UI."""
    url = stack["console_url"]
    client = OAuth2Session(
        stack["outputs"]["UserPoolClientId"],
        redirect_uri=f"{url}/",
        scope="openid email profile",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = generate_token(48)
    login, _ = client.create_authorization_url(f"{url}/oauth2/authorize", code_verifier=verifier)
    back = requests.post(login, data={"user": user}, allow_redirects=False, timeout=10).headers["location"]
    token = client.fetch_token(f"{url}/oauth2/token", authorization_response=back, code_verifier=verifier)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token['id_token']}"
    return session


def ticket(stack: dict[str, Any], number: str) -> dict[str, Any]:
    desk = api(stack, "desk")
    tickets = desk.get(f"{stack['console_url']}/api/tickets", params={"limit": 100}, timeout=10).json()["items"]
    found: dict[str, Any] = next(t for t in tickets if t["number"] == number)
    return found
