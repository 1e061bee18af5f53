"""Every page a journey shows is checked as a person on a cheap phone, or with a screen reader,
would meet it (issue 13):

- axe-core (vendored, tests/browser/vendor) finds no violation of WCAG 2.0, 2.1 and 2.2 at levels
  A and AA, at the phone's width (360 px) for every shape of page, and at a desktop's (1280 px)
  once per page;
- nothing is wider than the phone: the page never scrolls sideways at 360 px (a table may scroll
  inside its own region, which must then be reachable by keyboard, as axe checks);
- a cold visit (empty cache) costs at most 60 KB on the wire: the document and every stylesheet,
  script and image it names, as the server sends them (compressed).

A page is checked once per shape: its path with the numbers taken out, and the forms it offers (a
vote page with a ballot and one with results are two shapes). The journeys call `audit` on every
page they open with `Visitor.go`, and at the end of a test every other page a person went through
(by a link, a form or htmx) is opened again and checked, so no journey page escapes.
"""

from __future__ import annotations

import gzip
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, ViewportSize

if TYPE_CHECKING:
    from tests.browser.conftest import Visitor

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
#: The rules of WCAG 2.2 at levels A and AA (axe tags each rule with the version that added it).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE_WIDTH = 360
DESKTOP = ViewportSize(width=1280, height=800)
#: The most a page may cost on the wire on a first visit (the walkthrough measured about 23 KB).
MAX_COLD_BYTES = 60 * 1024
NUMBER = re.compile(r"/\d+")

_SHAPE = """() => {
  const forms = [...document.querySelectorAll('main form')]
    .map(f => f.getAttribute('action') || '');
  return [...new Set(forms)].sort().join(' ');
}"""
_ASSETS = """() => [
  ...[...document.querySelectorAll('link[rel~="stylesheet"][href], link[rel~="icon"][href]')]
      .map(e => e.href),
  ...[...document.querySelectorAll('script[src], img[src]')].map(e => e.src),
].filter(u => u.startsWith('http'))"""
_OVERFLOW = """(width) => {
  if (document.documentElement.scrollWidth <= width) return [];
  const wide = [];
  for (const e of document.querySelectorAll('body *')) {
    const box = e.getBoundingClientRect();
    if (box.right > width + 1 && getComputedStyle(e).position !== 'absolute') {
      let inside = false;
      for (let p = e.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { inside = true; break; }
      }
      const cls = typeof e.className === 'string' && e.className ? '.' + e.className : '';
      if (!inside) wide.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${cls}`
        + ` (${Math.round(box.right)} px)`);
    }
    if (wide.length >= 6) break;
  }
  return wide.length ? wide : [`the page is ${document.documentElement.scrollWidth} px wide`];
}"""
_RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
  resultTypes: ['violations']}).then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' → ' + n.html.slice(0, 160)),
  })))"""


_spent = [0.0]  # seconds spent auditing in this process


def journey_clock() -> float:
    """A monotonic clock that stops while pages are audited: the journeys' own time limits
    measure the application, not the checks."""
    return time.monotonic() - _spent[0]


def pattern(path: str) -> str:
    """A path with its numbers taken out: /votaciones/7 and /votaciones/9 are one page."""
    return NUMBER.sub("/{n}", urlsplit(path).path)


@dataclass
class Auditor:
    """What has been checked in this test session, and the sizes of the static files."""

    checked: set[str] = field(default_factory=set)
    checked_paths: set[str] = field(default_factory=set)
    asset_bytes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    twins: dict[str, Page] = field(default_factory=dict)

    def audit(self, visitor: Visitor) -> None:
        """Check the page the visitor is looking at (once per shape of page)."""
        page = visitor.page
        path = visitor.path()
        if urlsplit(page.url).hostname != urlsplit(visitor.base_url).hostname:
            return
        shape = f"{pattern(path)} [{NUMBER.sub('/{n}', page.evaluate(_SHAPE))}]"
        desktop = pattern(path) not in self.checked_paths  # the wide layout: once per path
        self.checked_paths.add(pattern(path))
        if shape in self.checked:
            return
        self.checked.add(shape)
        started = time.monotonic()
        where = f"{visitor.name} on {path}"
        if visitor.javascript:
            self._look(page, where, desktop=desktop)
        else:
            # axe needs scripts; the page without them is what the server sent, so the same GET
            # with the same cookies in a context with scripts shows the same document.
            twin = self._twin(visitor)
            twin.goto(page.url)
            self._look(twin, where, desktop=desktop)
        weight = self._cold_bytes(visitor, path)
        assert weight <= MAX_COLD_BYTES, f"{where}: {weight} bytes cold (> {MAX_COLD_BYTES})"
        self.seconds += time.monotonic() - started
        _spent[0] += time.monotonic() - started

    def _twin(self, visitor: Visitor) -> Page:
        """A page with scripts and the visitor's cookies (one per visitor, closed in revisit)."""
        if visitor.name not in self.twins:
            browser = visitor.context.browser
            assert browser is not None
            eyes = browser.new_context(viewport=visitor.page.viewport_size, locale="es-PE")
            self.twins[visitor.name] = eyes.new_page()
        twin = self.twins[visitor.name]
        twin.context.clear_cookies()
        twin.context.add_cookies(visitor.context.cookies())  # type: ignore[arg-type]
        return twin

    def _look(self, page: Page, where: str, *, desktop: bool) -> None:
        wide = page.evaluate(_OVERFLOW, PHONE_WIDTH)
        assert not wide, f"{where}: wider than a {PHONE_WIDTH} px phone: {wide}"
        problems = self._axe(page, "phone")
        if desktop:
            phone = page.viewport_size
            page.set_viewport_size(DESKTOP)
            try:
                problems += self._axe(page, "desktop")
            finally:
                if phone is not None:
                    page.set_viewport_size(phone)
        assert not problems, f"{where}: axe found WCAG 2.2 A/AA violations:\n" + "\n".join(problems)

    def revisit(self, visitor: Visitor) -> None:
        """At the end of a test: check the page on screen and every page of the journey that
        was reached without `go` (a link, a form, htmx) and is still there to be read."""
        try:
            if visitor.page.is_closed():
                return
            self.audit(visitor)
            for path in dict.fromkeys(visitor.visited):
                if pattern(path) in self.checked_paths:
                    continue
                response = visitor.page.goto(visitor.base_url + path)
                if response is not None and response.ok:
                    self.audit(visitor)
                self.checked_paths.add(pattern(path))
        finally:
            twin = self.twins.pop(visitor.name, None)
            if twin is not None:
                twin.context.close()

    def _axe(self, page: Page, width: str) -> list[str]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, AXE_TAGS)
        return [
            f"[{width}] {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in violations
        ]

    def _cold_bytes(self, visitor: Visitor, path: str) -> int:
        """The document and its assets as they travel, compressed as the server compresses."""
        total = self._wire_bytes(visitor, visitor.base_url + path)
        for url in visitor.page.evaluate(_ASSETS):
            if url not in self.asset_bytes:
                self.asset_bytes[url] = self._wire_bytes(visitor, url)
            total += self.asset_bytes[url]
        return total

    @staticmethod
    def _wire_bytes(visitor: Visitor, url: str) -> int:
        # The context's own request client: same cookies, so the same page the person sees.
        response = visitor.context.request.get(url, headers={"Accept-Encoding": "gzip"})
        body = response.body()
        headers = len("\r\n".join(f"{k}: {v}" for k, v in response.headers.items()))
        if response.headers.get("content-encoding") == "gzip":
            # Starlette's GZipMiddleware compresses at level 9; Playwright hands the body inflated.
            return headers + len(gzip.compress(body, compresslevel=9))
        return headers + len(body)
