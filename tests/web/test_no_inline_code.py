"""No page needs 'unsafe-inline': no inline script, event handler or style attribute.

A strict Content-Security-Policy (script-src and style-src without 'unsafe-inline') blocks
all three. The test walks the site as each kind of person would, following every link,
and checks every HTML page it reaches.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask.testing import FlaskClient


class Page(HTMLParser):
    """One page's links, forms and the inline code it carries."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self._in: str | None = None  # "title", "script" or "style" while inside one
        self._titled = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an inline event handler")
            elif name == "style":
                self.problems.append(f"<{tag} style=…>: an inline style")
            elif name in ("href", "src", "action") and (value or "").strip().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>: inline code")
        if tag == "script" and not values.get("src"):
            self.problems.append("<script> without src: an inline script")
        if tag in ("title", "script", "style"):
            self._in = tag
        if tag == "style":
            self.problems.append("<style>: an inline style sheet")
        self._collect(tag, values)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None
        self._titled = self._titled or tag == "title"  # the page's, not an SVG chart's

    def handle_data(self, data: str) -> None:
        if self._in == "title" and not self._titled:
            self.title += data
        elif self._in == "script" and data.strip():
            self.problems.append("<script> with content: an inline script")

    def _collect(self, tag: str, values: dict[str, str | None]) -> None:
        """Links to follow, and forms with the values they would send as they stand."""
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "form":
            self.forms.append({**values, "fields": {}, "select": None})
        if not self.forms:
            return
        form, name = self.forms[-1], values.get("name")
        fields, select = form["fields"], form["select"]
        if tag == "select":
            form["select"] = name
        elif tag == "option" and select and (select not in fields or "selected" in values):
            fields[select] = values.get("value") or ""
        elif tag in ("input", "textarea") and name and _sends(values):
            fields[name] = values.get("value") or ""


def _sends(values: dict[str, str | None]) -> bool:
    """Whether a form sends this input's value when submitted as it stands."""
    kind = values.get("type")
    return kind not in ("submit", "button") and (
        kind not in ("checkbox", "radio") or "checked" in values
    )


def _is_post(form: dict[str, Any]) -> bool:
    return (form.get("method") or "get").lower() == "post"


class Walker:
    """Follows every same-site link from a start page, as whoever is signed in."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.pages: dict[str, Page] = {}  # every page seen, last version by address
        self.problems: list[tuple[str, str]] = []  # (address, problem) over all versions
        self.titles: set[str] = set()

    def walk(self, start: str = "/", limit: int = 80) -> None:
        queue, seen = [start], set()
        while queue and len(seen) < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            page = self.visit(url)
            if page is not None:
                queue += [link for link in page.links + self._get_forms(page) if _inside(link)]

    def visit(self, url: str) -> Page | None:
        response = self.client.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        if response.status_code != 200 or response.mimetype != "text/html":
            return None
        return self.record(response.request.path, response.get_data(as_text=True))

    def record(self, url: str, html: str, method: str = "GET") -> Page:
        page = self.pages[url if method == "GET" else f"{method} {url}"] = Page(html)
        for form in page.forms:
            form.setdefault("action", url)  # a form without an action is sent to its page
        self.problems += [(url, problem) for problem in page.problems]
        self.titles.add(" ".join(page.title.split()))
        return page

    def post(self, form: dict[str, Any], **changes: str) -> None:
        """Send a form as it stands (with changes), and check the page that comes back."""
        response = self.client.post(form["action"], data={**form["fields"], **changes})
        assert response.status_code in (200, 302, 303), form["action"]
        if response.status_code == 200:
            self.record(form["action"], response.get_data(as_text=True), method="POST")
        else:
            self.visit(urlsplit(response.location).path)

    def form(self, *, has: str = "", to: str = "") -> dict[str, Any]:
        """The first post form seen with this field, or sent to an address ending so."""
        return next(
            form
            for page in self.pages.values()
            for form in page.forms
            if _is_post(form) and (has in form["fields"] if has else form["action"].endswith(to))
        )

    @staticmethod
    def _get_forms(page: Page) -> list[str]:
        """GET forms (such as comparing two rounds) lead to pages too."""
        return [
            f"{form['action']}?{urlencode(form['fields'])}"
            for form in page.forms
            if not _is_post(form) and form.get("action")
        ]


def _inside(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and link.startswith("/") and not link.startswith(("//", "/static/"))


def test_the_checker_finds_each_kind_of_inline_code():
    page = Page(
        '<a href="javascript:go()">x</a><form onsubmit="return confirm(1)"></form>'
        '<p style="color: red">x</p><script>alert(1)</script><style>p {}</style>'
        '<script src="/static/js/confirm.js"></script>'
    )
    assert len(page.problems) == 6
    assert Page('<script src="/s.js"></script><p data-confirm="Sure?">x</p>').problems == []


@pytest.fixture
def walked(client, auth, pool, coordinator) -> Walker:
    """Every page the coordinator, a student and a volunteer reach with a published round,
    and forms sent back with an error."""
    term, students, volunteers = pool
    walker = Walker(client)
    walker.walk("/")  # signed out: home, sign in, register
    walker.post(walker.form(has="password"), email="nobody@example.org", password="wrong")
    auth.login(coordinator)
    walker.walk(f"/terms/{term.id}")
    run = walker.form(has="min_overlap_hours")
    walker.post(run)
    walker.post(run)  # two rounds, so that they can be compared
    walker.walk("/")
    walker.post(walker.form(to="/publish"))
    walker.walk("/")
    auth.logout()
    for person in (students[0], volunteers[0]):
        auth.login(person)
        walker.walk("/")
        walker.post(walker.form(has="contact"), display_name="")
        auth.logout()
    return walker


def test_no_page_needs_unsafe_inline(walked):
    assert walked.problems == []


def test_the_walk_reaches_every_kind_of_page(walked):
    for title in (
        "Welcome · matcher",
        "Sign in · matcher",
        "Register · matcher",
        "My profile · matcher",
        "My partner · matcher",
        "Account · matcher",
        "Terms · matcher",
        "Spring 2099 · matcher",
        "Round 1 · Spring 2099 · matcher",
        "Round 2 · Spring 2099 · matcher",
        "Compare rounds · matcher",
        "Published pairs · Spring 2099 · matcher",
    ):
        assert title in walked.titles
    assert any(title.startswith("Alternatives for") for title in walked.titles)
    assert len(walked.pages) >= 20
