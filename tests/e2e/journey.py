"""Helpers for real-browser journeys.

A `Journey` wraps one Playwright page. Every page it loads is checked before the journey
goes on: axe-core finds no WCAG 2.2 A/AA violation, the title is the page's own and ends with
the service and council names, there is one <h1> and a <main> landmark. Keyboard helpers
(`key_*`) reach controls with Tab only and check that focus is visible on each. See
tests/e2e/README.md for how to write a journey.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Download, Locator, Page, Response

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERVICE = "SEND support tracker"
COUNCIL = "Exampleshire County Council"
DEMO_PASSWORD = "demo-password-2026"
MOBILE = {"width": 390, "height": 844}
MAX_TABS = 250

# The demo local authority's accounts (sendtrack/demo/core.py).
DEMO = {
    "senco": "senco@example.org",  # Northbrook Primary School
    "early_years": "early-years@example.org",  # Little Acorns Nursery
    "other_senco": "other-senco@example.org",  # Riverside Primary School, another cluster
    "lead": "lead@example.org",  # Area SEND Lead, Northbrook cluster
    "panel": "panel@example.org",
    "officer": "officer@example.org",
    "admin": "admin@example.org",
}

_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        if not AXE_JS.exists():
            raise AssertionError(f"{AXE_JS} is missing: run `npm ci` (axe-core devDependency)")
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    return _axe_source


# Markup escaped twice shows to users as text, like "<p class=...>".
_MARKUP_AS_TEXT = re.compile(r"</?(p|span|a|strong|div|ul|li|br)( [a-z-]+=[^>]*)?/?>")
# The outermost elements that stick out past the right edge of the window.
_WIDEST = """() => {
    const out = [];
    for (const el of document.querySelectorAll('main *')) {
        if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
        if (out.some(o => o.contains(el))) continue;
        out.push(el);
    }
    return out.slice(0, 5).map(el => el.outerHTML.slice(0, 120));
}"""
_CSRF = re.compile(r"<input[^>]*(?:csrf_token|name=\"submission\")[^>]*>")
_already_passed: set[str] = set()


def _fingerprint(page: Page) -> str:
    """The page's markup (less its CSRF token) and width: the same markup at the same width
    gives the same axe result, so a page seen again (sign-in, home) is not re-run."""
    html = _CSRF.sub("", page.content())
    width = (page.viewport_size or {}).get("width", 0)
    return hashlib.sha256(f"{width}\n{html}".encode()).hexdigest()


def check_accessibility(page: Page, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail listing every violation readably.

    axe is evaluated through the DevTools protocol rather than added as a <script>, so the
    app's strict Content-Security-Policy stays on and axe is never served to users."""
    fingerprint = _fingerprint(page)
    if fingerprint in _already_passed:
        return
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          html: n.html.slice(0, 300),
                                          summary: n.failureSummary}))}));
        }""",
        WCAG_TAGS,
    )
    if result:
        lines = [f"axe-core found {len(result)} violation(s) on {page.url} {context}".rstrip()]
        for v in result:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for n in v["nodes"][:10]:
                lines.append(f"    at {n['target']}: {n['html']}")
                lines.append("      " + (n["summary"] or "").replace("\n", "\n      "))
        raise AssertionError("\n".join(lines))
    _already_passed.add(fingerprint)


@dataclass
class TitleRegistry:
    """Titles seen across the whole e2e session: a title must belong to one page only.

    A page is its path; query strings (filters, paging) are the same page. Error pages
    ("Page not found" at any wrong address) are the exception."""

    paths_by_title: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, title: str, url: str, status: int) -> None:
        if status >= 400 and not title.startswith("Error: "):
            return
        path = urlsplit(url).path
        self.paths_by_title[title.removeprefix("Error: ")].add(path)
        paths = self.paths_by_title[title.removeprefix("Error: ")]
        assert len(paths) == 1, f"The title {title!r} is used by more than one page: {paths}"


@dataclass
class Journey:
    page: Page
    titles: TitleRegistry
    name: str = "journey"
    keyboard: bool = False  # Tab, Enter, Space and arrow keys only
    loads: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    status: int = 0

    def __post_init__(self) -> None:
        self.page.on("load", lambda p: self.loads.append(p.url))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # A CSP refusal or a script error shows here; a 4xx document logs "Failed to load
        # resource", which the journey expects and checks itself.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    # --- checks run on every page -------------------------------------------------------

    def check_page(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        title = page.title()
        suffix = f" – {SERVICE} – {COUNCIL}"
        assert title.endswith(suffix), f"title {title!r} of {page.url} lacks {suffix!r}"
        own = title.removesuffix(suffix).removeprefix("Error: ")
        assert own and own != SERVICE, f"the title of {page.url} does not say where you are"
        has_errors = page.locator(".govuk-error-summary").count() > 0
        assert title.startswith("Error: ") == has_errors, (
            f"{page.url}: a page with an error summary must have a title starting 'Error: '"
        )
        assert page.locator("h1").count() == 1, f"{page.url} must have exactly one <h1>"
        assert page.locator("main#main-content").count() == 1, f"{page.url} has no <main>"
        shown = page.locator("body").inner_text()
        escaped = _MARKUP_AS_TEXT.search(shown)
        assert not escaped, f"{page.url} shows markup as text: {escaped.group(0)!r}"
        check_accessibility(page)
        self.titles.add(title, page.url, self.status)
        page.evaluate("window.__e2eChecked = true")
        self.checked.append(page.url)

    def finish(self) -> None:
        """Every page that loaded was checked, and nothing went wrong in the browser."""
        assert not self.problems, "\n".join(self.problems)
        assert len(self.checked) >= len(self.loads), (
            f"pages loaded but not checked: loaded {self.loads}, checked {self.checked}"
        )
        self.page.context.close()

    @contextmanager
    def _navigation(self, expect_status: int | None) -> Iterator[None]:
        with self.page.expect_navigation() as nav:
            yield
        response = nav.value
        self.status = response.status if response else 200
        if expect_status is not None:
            assert self.status == expect_status, (
                f"{self.page.url}: expected {expect_status}, got {self.status}"
            )
        self.check_page()

    # --- going places -------------------------------------------------------------------
    # One set of actions for both kinds of journey: a keyboard journey (keyboard=True) reaches
    # every control with Tab, checks focus is visible on it, and uses Enter, Space and the
    # arrow keys; a mouse journey clicks and fills. Controls are found by their accessible
    # name, so a journey reads like the page; `within` names a landmark or navigation
    # ("Menu", "Breadcrumb") when the same link appears twice.

    def goto(self, path: str, expect_status: int = 200) -> None:
        """Open an address directly, as someone typing it or following a bookmark."""
        response = self.page.goto(path)
        self.status = response.status if response else 200
        assert self.status == expect_status, f"{path}: expected {expect_status}, got {self.status}"
        self.check_page()

    def _find(self, role: str, name: str, within: str | None) -> Locator:
        scope: Page | Locator = self.page
        if within:
            scope = self.page.get_by_role("navigation", name=within, exact=True).or_(
                self.page.get_by_role("region", name=within, exact=True)
            )
        return scope.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]

    def follow(
        self,
        name: str,
        *,
        role: str = "link",
        within: str | None = None,
        expect_status: int | None = 200,
    ) -> None:
        """Follow a link (or a link styled as a button: role="button") to another page."""
        target = self._find(role, name, within)
        with self._navigation(expect_status):
            if self.keyboard:
                self._tab_to(target)
                self.page.keyboard.press("Enter")
            else:
                target.click()

    def menu(self, name: str) -> None:
        """Go to a section of the service from the navigation at the top."""
        self.follow(name, within="Menu")

    def press(self, name: str, *, expect_status: int | None = None) -> None:
        """Press a form's button (Space from the keyboard); a page follows."""
        target = self._find("button", name, None)
        with self._navigation(expect_status):
            if self.keyboard:
                self._tab_to(target)
                self.page.keyboard.press("Space")
            else:
                target.click()

    def fill(self, label: str, value: str, *, within: Locator | None = None) -> None:
        """Type into the text box or text area with this label, replacing what was there."""
        target = (within or self.page).get_by_label(label, exact=True)
        if not self.keyboard:
            target.fill(value)
            return
        self._tab_to(target)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        if value:
            self.page.keyboard.type(value)

    def fill_date(self, legend: str, day: int, month: int, year: int) -> None:
        """The GOV.UK day / month / year boxes of the date field with this legend."""
        group = self.page.get_by_role("group", name=legend)
        for label, value in (("Day", day), ("Month", month), ("Year", year)):
            self.fill(label, str(value), within=group)

    def tick(self, label: str) -> None:
        """Tick a checkbox (Space from the keyboard)."""
        box = self.page.get_by_role("checkbox", name=label, exact=True)
        if self.keyboard:
            self._tab_to(box)
            if not box.is_checked():
                self.page.keyboard.press("Space")
        else:
            box.check()
        assert box.is_checked(), f"{label} did not tick"

    def choose(self, label: str) -> None:
        """Choose a radio button; from the keyboard, Tab into its group, then arrow keys."""
        radio = self.page.get_by_role("radio", name=label, exact=True)
        if not self.keyboard:
            radio.check()
            return
        group = radio.get_attribute("name")
        for _ in range(MAX_TABS):
            on_group = self.page.evaluate(
                "(g) => document.activeElement && document.activeElement.type === 'radio' "
                "&& document.activeElement.name === g",
                group,
            )
            if on_group:
                break
            self.page.keyboard.press("Tab")
        else:
            raise AssertionError(f"Tab never reached the radios for {label}")
        self.assert_focus_visible()
        size = self.page.locator(f"input[type=radio][name={json.dumps(group)}]").count()
        for _ in range(size + 1):
            if self._is_focused(radio):
                break
            self.page.keyboard.press("ArrowDown")
        if not radio.is_checked():
            self.page.keyboard.press("Space")
        assert radio.is_checked(), f"{label} was not chosen"

    def select(self, label: str, option: str) -> None:
        """Choose an option of a <select>; from the keyboard, with the arrow keys."""
        target = self.page.get_by_label(label, exact=True)
        options = [o.strip() for o in target.locator("option").all_inner_texts()]
        assert option in options, f"{option!r} is not one of {options}"
        if not self.keyboard:
            target.select_option(label=option)
            return
        self._tab_to(target)
        wanted = options.index(option)
        for _ in range(len(options)):
            current = target.evaluate("s => s.selectedIndex")
            if current == wanted:
                return
            self.page.keyboard.press("ArrowDown" if wanted > current else "ArrowUp")
        raise AssertionError(f"could not choose {option!r} in {label}")

    def sign_in(self, account: str, password: str = DEMO_PASSWORD) -> None:
        """Sign in as a demo account ("senco", "officer"... see DEMO) or an email address."""
        email = DEMO.get(account, account)
        self.goto("/sign-in")
        self.fill("Email address", email)
        self.fill("Password", password)
        self.press("Sign in")
        assert urlsplit(self.page.url).path != "/sign-in", f"could not sign in as {email}"

    def download(self, name: str, *, role: str = "link") -> tuple[Download, bytes]:
        """Follow a link (or press a form's button: role="button") that downloads a file;
        return the download and its bytes."""
        target = self.page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
        with self.page.expect_download() as info:
            if self.keyboard:
                self._tab_to(target)
                self.page.keyboard.press("Enter" if role == "link" else "Space")
            else:
                target.click()
        download = info.value
        path = download.path()
        assert path is not None, f"{name}: the download failed ({download.failure()})"
        return download, Path(path).read_bytes()

    # --- the keyboard ---------------------------------------------------------------------

    def _is_focused(self, target: Locator) -> bool:
        return bool(target.evaluate("el => el === document.activeElement"))

    def _tab_to(self, target: Locator) -> None:
        target.wait_for(state="attached")
        for _ in range(MAX_TABS):
            if self._is_focused(target):
                self.assert_focus_visible()
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {target} on {self.page.url}")

    def tab_to(self, name: str, role: str = "link", within: str | None = None) -> None:
        """Press Tab until the control with this accessible name has focus."""
        self._tab_to(self._find(role, name, within))

    def assert_focus_visible(self) -> None:
        """The focused element shows a focus indicator: an outline with colour, or a box
        shadow (GOV.UK's yellow and black), on it or on the label drawn for a radio or
        checkbox."""
        visible = self.page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return false;
                const shows = (s) => {
                    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                        && !/rgba\\(.*,\\s*0\\)|transparent/.test(s.outlineColor);
                    return outline || (s.boxShadow && s.boxShadow !== 'none');
                };
                if (shows(getComputedStyle(el))) return true;
                const label = el.labels && el.labels[0];
                return !!label && (shows(getComputedStyle(label, '::before'))
                                   || shows(getComputedStyle(label, '::after')));
            }"""
        )
        described = self.page.evaluate(
            "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : ''"
        )
        assert visible, f"focus is not visible on {described} ({self.page.url})"

    # --- forms with errors --------------------------------------------------------------

    def check_error_summary(self, *messages: str) -> None:
        """The error summary has focus when the page opens, lists `messages`, and each of its
        links moves focus to the field in error."""
        summary = self.page.locator(".govuk-error-summary")
        assert summary.count() == 1, f"no error summary on {self.page.url}"
        assert summary.evaluate("el => el === document.activeElement"), (
            "the error summary does not have focus"
        )
        links = summary.locator(".govuk-error-summary__list a")
        texts = [t.strip() for t in links.all_inner_texts()]
        for message in messages:
            assert message in texts, f"{message!r} is not in the error summary {texts}"
        for i in range(links.count()):
            link = links.nth(i)
            target = (link.get_attribute("href") or "").removeprefix("#")
            if i == 0:
                self.page.keyboard.press("Tab")  # from the summary to its first link
            else:
                link.focus()
            assert self._is_focused(link)
            self.assert_focus_visible()
            self.page.keyboard.press("Enter")
            focused = self.page.evaluate("() => document.activeElement.id")
            assert focused == target, f"{texts[i]!r} moved focus to {focused!r}, not {target!r}"
            field = self.page.locator(f"[id={json.dumps(target)}]")
            in_error = field.evaluate(
                "el => !!el.closest('.govuk-form-group--error') || el.id === 'main-content'"
            )
            assert in_error, f"{target} is not marked as in error next to the field"

    # --- screenshots --------------------------------------------------------------------

    def screenshot(self, name: str) -> None:
        """Save the page at desktop (1280) and mobile (390) widths; at mobile width it must
        reflow without sideways scrolling and pass axe again."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        desktop = self.page.viewport_size
        self.page.screenshot(path=str(SCREENSHOTS / f"{slug}-desktop.png"), full_page=True)
        self.page.set_viewport_size(MOBILE)
        try:
            self.page.screenshot(path=str(SCREENSHOTS / f"{slug}-mobile.png"), full_page=True)
            overflow = self.page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                culprits = self.page.evaluate(_WIDEST)
                raise AssertionError(
                    f"{self.page.url} scrolls sideways by {overflow}px at 390px; too wide: "
                    + "; ".join(culprits)
                )
            check_accessibility(self.page, "at mobile width")
        finally:
            if desktop:
                self.page.set_viewport_size(desktop)

    # --- reading the page ---------------------------------------------------------------

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def success_banner(self) -> str:
        banner = self.page.locator(".govuk-notification-banner--success")
        assert banner.count() == 1, f"no success banner on {self.page.url}"
        return banner.inner_text()

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path
