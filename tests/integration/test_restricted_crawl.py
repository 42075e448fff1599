"""Issue 19, R1: restrict every child, and no page or download a SENCO, an Area SEND Lead or
a panel member reached before names any of them.

Each account crawls: /home and the main lists, every GET route of the URL map filled with
the test world's ids (the restricted child's and the unscheduled referral's included), and
every link found on the way; PDFs (outcome letters, decision records, packs, RTF letters)
are read as text. Then an officer restricts every child, and each account fetches every
URL it reached again: a child's name (legal or preferred forename with surname, or the
surname alone), UPN or date of birth (as the pages write it) anywhere is a leak.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import zipfile
from collections import deque
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import Pupil, User
from sendtrack.services.pupils import restriction
from sendtrack.wording import govuk_date
from tests.conftest import sign_in
from tests.world import EMAILS, PLAIN_PARAMS, ROUTE_PARAMS, World
from tests.world_restricted import RESTRICTED_PARAMS, UNSCHEDULED_PARAMS

ROLES = ("senco", "lead", "panel")
START = [
    "/home",
    "/pupils/",
    "/referrals/",
    "/panels/",
    "/panels/follow-up",
    "/panels/budgets",
    "/rtf/",
    "/ehcna/",
    "/ehcna/reviews",
    "/statistics",
]
# More of the world's records to fill URL parameters with, beside ROUTE_PARAMS' A side.
MORE_IDS = {
    "pupil_id": ["pupil_a_quiet", "rtf_child_a", "ehcna_child_a", "plan_child_a"],
    "referral_id": ["referral_decided_a", "referral_restricted"],
    "meeting_id": ["meeting_past_a"],
    "request_id": ["plan_request_a", "plan_request_restricted"],
}
PLAIN = {**PLAIN_PARAMS, "filename": None}  # static files: not crawled
SKIP_PREFIXES = ("/static", "/sign-out", "/sign-in", "/account", "/audit")
MAX_QUERIES_PER_PATH = 4
MAX_FETCHES = 1500


def _candidates(world: World, name: str) -> list[str]:
    keys = [ROUTE_PARAMS[name][0]] if name in ROUTE_PARAMS else []
    keys += MORE_IDS.get(name, [])
    for extra in (RESTRICTED_PARAMS, UNSCHEDULED_PARAMS):
        if name in extra:
            keys.append(extra[name])
    return [str(world[k]) for k in dict.fromkeys(keys)]


def _route_urls(app: Flask, world: World) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", rule.rule)
        choices = [[PLAIN[n]] if n in PLAIN else _candidates(world, n) for n in names]
        for values in itertools.product(*choices):
            url = rule.rule
            for value in values:
                url = re.sub(r"<(?:\w+:)?\w+>", str(value), url, count=1)
            urls.append(url)
    return urls


def _links(page: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', page):
        href = html.unescape(href).split("#", 1)[0]
        if href.startswith("/") and not href.startswith("//"):
            found.append(href)
    return found


def _text(response_data: bytes, mimetype: str) -> str:
    if mimetype == "application/pdf":
        try:
            reader = PdfReader(io.BytesIO(response_data))
        except PdfReadError:  # the test world's stand-in packs: a few bytes, no pages
            return response_data.decode("latin-1")
        return "\n".join(p.extract_text() for p in reader.pages).replace("\x00", "")
    if response_data[:2] == b"PK":  # XLSX and other zip files
        with zipfile.ZipFile(io.BytesIO(response_data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return html.unescape(response_data.decode("utf-8", "replace"))


def _crawl(client: FlaskClient, seeds: list[str]) -> dict[str, str]:
    """URL -> text of every page or download answered 200."""
    reached: dict[str, str] = {}
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    queue = deque(seeds)
    fetches = 0
    while queue and fetches < MAX_FETCHES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIP_PREFIXES):
            continue
        if urlsplit(url).query:
            if per_path.get(path, 0) >= MAX_QUERIES_PER_PATH:
                continue
            per_path[path] = per_path.get(path, 0) + 1
        seen.add(url)
        fetches += 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text(response.data, response.mimetype)
        reached[url] = text
        if response.mimetype == "text/html":
            queue.extend(link for link in _links(text) if link not in seen)
    return reached


def _identities(app: Flask) -> list[str]:
    with app.app_context():
        found: set[str] = set()
        for pupil in db.session.scalars(select(Pupil)):
            surname = pupil.legal_surname
            found.add(surname)
            found.add(f"{pupil.legal_forename} {surname}")
            if pupil.preferred_forename:
                found.add(f"{pupil.preferred_forename} {surname}")
            if pupil.upn:
                found.add(pupil.upn)
            found.add(govuk_date(pupil.date_of_birth))
        db.session.remove()
    return sorted(found)


def _restrict_everyone(app: Flask, world: World) -> int:
    with app.test_request_context():
        officer = db.session.get(User, world["officer"])
        assert officer is not None
        children = list(db.session.scalars(select(Pupil).where(Pupil.is_restricted.is_(False))))
        for pupil in children:
            restriction.set_restricted(officer, pupil, True, "Crawl test", None)
        db.session.commit()
        db.session.remove()
    return len(children)


def test_r1_restricted_children_appear_nowhere_a_school_lead_or_panel_reached(
    app: Flask, world: World
) -> None:
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        sign_in(clients[role], EMAILS[role])
    # A real pack of meeting_a, built by its lead while its children were not restricted.
    built = clients["lead"].post(
        f"/packs/meetings/{world['meeting_a']}/build", data={"identities": "named"}
    )
    assert built.status_code == 302
    pack_download = urlsplit(built.headers["Location"]).path.rstrip("/") + "/download"

    seeds = START + _route_urls(app, world) + [pack_download]
    identities = _identities(app)
    reached = {role: _crawl(clients[role], seeds) for role in ROLES}

    # The crawl saw what each account may see: children's names, letters and packs.
    def named(role: str, needle: str) -> bool:
        return any(needle in text for text in reached[role].values())

    assert named("senco", "Alphason") and named("senco", "Offagenda")
    assert named("lead", "Alphason") and named("panel", "Alphason")
    for role in ROLES:
        assert not named(role, "Hiddenly"), role
    letters = [u for u in reached["lead"] if u.endswith("outcome-letter.pdf")]
    assert letters and any(u.endswith("decision-record.pdf") for u in reached["panel"])
    assert pack_download in reached["lead"] and pack_download in reached["panel"]

    assert _restrict_everyone(app, world) >= 10

    leaks = []
    for role in ROLES:
        for url in reached[role]:
            response = clients[role].get(url)
            if response.status_code != 200:
                continue
            text = _text(response.data, response.mimetype)
            leaks += [f"{role} {url}: {who}" for who in identities if who in text]
    total = sum(len(r) for r in reached.values())
    assert leaks == [], f"{len(leaks)} leaks over {total} pages and downloads:\n" + "\n".join(
        leaks[:40]
    )
