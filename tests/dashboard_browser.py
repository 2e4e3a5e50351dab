"""Drive Debian's headless Chromium over the dashboard (Playwright with ``executable_path``)."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
#: Route path of each page (the default page is served at the root).
ROUTES = {"overview": "", "mentions": "mentions", "sentiment": "sentiment", "diffusion": "diffusion",
          "crisis": "crisis", "sources": "sources", "reports": "reports"}


def chromium() -> str | None:
    """Debian's chromium, or None (the browser tests skip then)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def why_not() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if chromium() is None:
        return "Debian's chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements.txt)"
    return None


@dataclass
class Watch:
    """What the browser reported while a page was open: dialogs, uncaught errors, blocked requests."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


@contextlib.contextmanager
def browser(base: str) -> Iterator[tuple[object, Watch]]:
    """A page of a fresh headless Chromium that may talk to ``base`` only."""
    from playwright.sync_api import sync_playwright

    watch = Watch()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
        try:
            context = b.new_context(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)

            def route(r):
                if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:")):
                    return r.continue_()
                watch.outside_requests.append(r.request.url)
                return r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
            yield page, watch
        finally:
            b.close()


def settle(page, timeout: float = 60) -> None:
    """Wait until Streamlit has finished running the page script and drawing."""
    page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator("[data-testid=stStatusWidget]").count() > 0
        skeleton = page.locator("[data-testid=stSkeleton]").count() > 0
        if running or skeleton:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            return
        time.sleep(0.2)
    raise TimeoutError("the page kept running")


def open_page(page, base: str, name: str, query: str = "") -> None:
    page.goto(f"{base}/{ROUTES[name]}{('?' + query) if query else ''}")
    settle(page)


def problems(page) -> dict:
    """Signs that something went wrong or that mention text became live markup."""
    return page.evaluate(
        """() => ({
            pwned: window.__pwned === undefined ? null : String(window.__pwned),
            exceptions: document.querySelectorAll('[data-testid=stException]').length,
            traceback: document.body.innerText.includes('Traceback'),
            live_markup: document.querySelectorAll(
                'img[onerror], svg[onload], iframe[src^="javascript" i], [onmouseover]'
            ).length + Array.from(document.scripts).filter(s => s.text.includes('__pwned')).length,
            js_links: Array.from(document.querySelectorAll('a[href]'))
                .filter(a => !/^(https?:|\\/|#|mailto:)/i.test(a.getAttribute('href'))).map(a => a.getAttribute('href')),
        })"""
    )
