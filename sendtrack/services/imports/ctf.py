"""Import kind `ctf`: the SEN parts of a Common Transfer File (docs/data-exchange.md, CTF).

A school's management information system (SIMS, Arbor, Bromcom, Scholarpack...) exports a
CTF: XML in the DfE's Common Transfer File format. sendtrack reads the header's source
school (URN, or LA and establishment numbers) and, for each pupil, the identity (UPN,
surname, forename, date of birth, sex), `SENhistory` (dated `SEN` entries with the
provision N, K or E) and the ranked `SENneeds`. Everything else in the file is ignored.

The import is a **reconciliation**, not a load: `reconcile` lists the differences between
the file and sendtrack's register for that school (children new to sendtrack, status
changes, need changes, children on the register missing from the file), each with a key;
`apply` writes exactly the differences whose keys were accepted, in one transaction, each
audited. A second import of the same file finds no differences.

The XML is parsed by defusedxml with DTDs, entities and external references refused, so
an entity-expansion ("billion laughs") or external-entity file is refused before anything
is read; a file over MAX_CTF_BYTES is refused unread."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from sqlalchemy import func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    LocalAuthority,
    NeedCode,
    Pupil,
    PupilNeed,
    SenStatus,
    SenStatusChange,
    Setting,
    Sex,
    User,
)
from sendtrack.services import audit
from sendtrack.services.errors import DomainError
from sendtrack.services.imports.rows import ImportFileError, ImportKind, ImportResult, RowError
from sendtrack.services.pupils import records as pupils

MAX_CTF_BYTES = 20 * 1024 * 1024
MAX_PUPILS = 5000

NEW = "new"
STATUS = "status"
NEEDS = "needs"
MISSING = "missing"
# What the command line applies (it cannot ask): everything but taking a child off the
# register, which only a person who knows why the child is missing from the file decides.
UNATTENDED = frozenset({NEW, STATUS, NEEDS})


@dataclass(frozen=True)
class SenEntry:
    start: date
    provision: SenStatus


@dataclass
class CtfPupil:
    number: int
    upn: str | None
    surname: str
    forename: str
    date_of_birth: date
    sex: Sex
    history: list[SenEntry]
    needs: list[NeedCode]

    @property
    def current(self) -> SenEntry | None:
        return max(self.history, key=lambda e: e.start) if self.history else None

    @property
    def on_register(self) -> bool:
        current = self.current
        return current is not None and current.provision is not SenStatus.NONE

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"


@dataclass
class CtfFile:
    la: str | None
    estab: str | None
    urn: str | None
    school_name: str
    generated: date | None
    pupils: list[CtfPupil]


@dataclass(frozen=True)
class Difference:
    key: str
    kind: str
    child: str
    before: str
    after: str


@dataclass
class Reconciliation:
    setting: Setting
    file: CtfFile
    differences: list[Difference] = field(default_factory=list)
    unchanged: int = 0
    not_on_register: int = 0
    elsewhere: list[str] = field(default_factory=list)

    def keys(self) -> set[str]:
        return {d.key for d in self.differences}


# --- reading the file ---------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(parent: Element, name: str) -> Element | None:
    for element in parent:
        if _local(element.tag) == name:
            return element
    return None


def _children(parent: Element | None, name: str) -> Iterator[Element]:
    if parent is None:
        return
    for element in parent:
        if _local(element.tag) == name:
            yield element


def _text(parent: Element | None, name: str) -> str:
    if parent is None:
        return ""
    found = _child(parent, name)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def read(data: bytes) -> tuple[CtfFile, list[RowError]]:
    """The file's header and pupils, and every problem found in them (each problem names
    the pupil by their place in the file: "row 3" is the third pupil)."""
    if len(data) > MAX_CTF_BYTES:
        raise ImportFileError(f"The file must be smaller than {MAX_CTF_BYTES // (1024 * 1024)}MB")
    try:
        root = safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException:
        raise ImportFileError(
            "The file declares a DTD or entities, which a Common Transfer File never "
            "does: it was refused unread"
        ) from None
    except (ParseError, ValueError) as exc:
        raise ImportFileError(f"The file is not readable XML: {exc}") from None
    if _local(root.tag) != "CTfile":
        raise ImportFileError("The file is not a Common Transfer File (no CTfile element)")
    header = _child(root, "Header")
    source = _child(header, "SourceSchool") if header is not None else None
    if source is None:
        raise ImportFileError("The file has no Header/SourceSchool: which school sent it?")
    generated = _date(_text(header, "DateTime"))
    problems: list[RowError] = []
    found: list[CtfPupil] = []
    pupil_data = _child(root, "CTFpupilData")
    for number, element in enumerate(_children(pupil_data, "Pupil"), start=1):
        if number > MAX_PUPILS:
            raise ImportFileError(f"The file has more than {MAX_PUPILS:,} pupils")
        pupil = _read_pupil(number, element, problems)
        if pupil is not None:
            found.append(pupil)
        if len(problems) >= 1000:
            break
    ctf = CtfFile(
        la=_text(source, "LEA") or None,
        estab=_text(source, "Estab") or None,
        urn=_text(source, "URN") or None,
        school_name=_text(source, "SchoolName"),
        generated=generated,
        pupils=found,
    )
    _check_unique(ctf, problems)
    return ctf, problems


def _read_pupil(number: int, element: Element, problems: list[RowError]) -> CtfPupil | None:
    def problem(name: str, message: str) -> None:
        problems.append(RowError(number, name, message))

    before = len(problems)
    upn = None
    raw_upn = _text(element, "UPN")
    if raw_upn:
        try:
            upn = pupils.normalise_upn(raw_upn)
        except DomainError:
            problem("UPN", f"'{raw_upn[:20]}' is not a valid UPN (check letter or format)")
    surname = _text(element, "Surname")
    forename = _text(element, "Forename")
    for name, value in (("Surname", surname), ("Forename", forename)):
        if not value:
            problem(name, "is required")
        elif len(value) > 100:
            problem(name, "must be 100 characters or fewer")
    dob = _date(_text(element, "DOB"))
    if dob is None:
        problem("DOB", "is required, as a date YYYY-MM-DD")
    raw_sex = (_text(element, "Sex") or _text(element, "Gender") or "U").upper()
    try:
        sex = Sex(raw_sex if raw_sex in ("M", "F") else "U")
    except ValueError:  # pragma: no cover - the value is one of three
        sex = Sex.UNKNOWN
    history: list[SenEntry] = []
    sen_history = _child(element, "SENhistory")
    for entry in _children(sen_history, "SEN"):
        start = _date(_text(entry, "StartDate"))
        raw = _text(entry, "SENprovision").upper()
        if start is None:
            problem("SENhistory/SEN/StartDate", "is required, as a date YYYY-MM-DD")
            continue
        if start > date.today():
            problem("SENhistory/SEN/StartDate", f"{start.isoformat()} is in the future")
            continue
        try:
            history.append(SenEntry(start, SenStatus(raw)))
        except ValueError:
            problem("SENhistory/SEN/SENprovision", f"'{raw[:10]}' is not one of N, K, E")
    # SENneeds sits inside SENhistory in the specification; some exports put it beside it.
    needs_element = _child(sen_history, "SENneeds") if sen_history is not None else None
    if needs_element is None:
        needs_element = _child(element, "SENneeds")
    ranked: list[tuple[int, NeedCode]] = []
    for need in _children(needs_element, "SENneed"):
        raw_type = _text(need, "SENtype").upper()
        raw_rank = _text(need, "SENtypeRank")
        try:
            code = NeedCode(raw_type)
        except ValueError:
            problem("SENneeds/SENneed/SENtype", f"'{raw_type[:10]}' is not a census need code")
            continue
        if not raw_rank.isdigit() or not 1 <= int(raw_rank) <= 20:
            problem("SENneeds/SENneed/SENtypeRank", f"'{raw_rank[:10]}' is not a rank 1 to 20")
            continue
        ranked.append((int(raw_rank), code))
    ranks = [r for r, _ in ranked]
    codes = [c for _, c in ranked]
    if len(set(ranks)) != len(ranks):
        problem("SENneeds/SENneed/SENtypeRank", "two needs have the same rank")
    if len(set(codes)) != len(codes):
        problem("SENneeds/SENneed/SENtype", "the same need is listed twice")
    if len(problems) > before or dob is None:
        return None
    return CtfPupil(
        number=number,
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=dob,
        sex=sex,
        history=sorted(history, key=lambda e: e.start),
        needs=[c for _, c in sorted(ranked)],
    )


def _check_unique(ctf: CtfFile, problems: list[RowError]) -> None:
    seen: dict[str, int] = {}
    for pupil in ctf.pupils:
        if pupil.upn:
            if pupil.upn in seen:
                problems.append(
                    RowError(pupil.number, "UPN", f"'{pupil.upn}' is also pupil {seen[pupil.upn]}")
                )
            seen[pupil.upn] = pupil.number


# --- matching the school and the children ---------------------------------------------------


def find_setting(ctf: CtfFile) -> Setting:
    """The setting the file is from: by URN, else by LA and establishment numbers. A file
    from a school this council does not hold is refused."""
    if ctf.urn:
        found = db.session.scalar(select(Setting).where(Setting.urn == ctf.urn))
        if found is not None:
            return found
    la = db.session.scalar(select(LocalAuthority.la_code).limit(1))
    if ctf.la and la and ctf.la != la:
        raise ImportFileError(
            f"The file is from a school in another local authority (LA {ctf.la[:3]}, "
            f"{ctf.school_name[:100] or 'no name'}): nothing was imported"
        )
    if ctf.estab:
        found = db.session.scalar(select(Setting).where(Setting.estab_number == ctf.estab))
        if found is not None:
            return found
    named = ctf.urn or f"{ctf.la or '?'}/{ctf.estab or '?'}"
    raise ImportFileError(
        f"The file is from a school sendtrack does not know ({named}, "
        f"{ctf.school_name[:100] or 'no name'}): nothing was imported"
    )


def _status_words(entry: SenEntry | None) -> str:
    if entry is None:
        return "No SEN history"
    return f"{entry.provision.label} from {entry.start.strftime('%-d %B %Y')}"


def _needs_words(codes: list[NeedCode]) -> str:
    return ", ".join(f"{rank}. {code.label}" for rank, code in enumerate(codes, 1)) or "None"


def _match(
    ctf_pupil: CtfPupil, by_upn: dict[str, Pupil], by_name: dict[Any, Pupil]
) -> Pupil | None:
    if ctf_pupil.upn and ctf_pupil.upn in by_upn:
        return by_upn[ctf_pupil.upn]
    return by_name.get(
        (ctf_pupil.surname.lower(), ctf_pupil.forename.lower(), ctf_pupil.date_of_birth)
    )


def _known_children() -> tuple[dict[str, Pupil], dict[Any, Pupil]]:
    by_upn: dict[str, Pupil] = {}
    by_name: dict[Any, Pupil] = {}
    for p in db.session.scalars(select(Pupil)):
        if p.upn:
            by_upn[p.upn] = p
        by_name[(p.legal_surname.lower(), p.legal_forename.lower(), p.date_of_birth)] = p
    return by_upn, by_name


def _new_key(p: CtfPupil) -> str:
    return f"{NEW}:{p.upn or f'{p.surname.lower()}|{p.forename.lower()}|{p.date_of_birth}'}"


def reconcile(ctf: CtfFile) -> Reconciliation:
    setting = find_setting(ctf)
    found = Reconciliation(setting=setting, file=ctf)
    by_upn, by_name = _known_children()
    matched: set[uuid.UUID] = set()
    for p in ctf.pupils:
        child = _match(p, by_upn, by_name)
        if child is None:
            if not p.on_register:
                found.not_on_register += 1
                continue
            found.differences.append(
                Difference(
                    _new_key(p),
                    NEW,
                    f"{p.name} ({p.upn or 'no UPN'})",
                    "Not in sendtrack",
                    f"{_status_words(p.current)}; needs: {_needs_words(p.needs)}",
                )
            )
            continue
        matched.add(child.id)
        if child.setting_id != setting.id:
            # A child sendtrack has at another school: a move is recorded as a transfer by
            # the receiving school, never implied by a file.
            found.elsewhere.append(f"{p.name}: at {child.setting.name} in sendtrack")
            continue
        changed = False
        current = p.current
        if current is not None and current.provision != child.sen_status:
            changed = True
            found.differences.append(
                Difference(
                    f"{STATUS}:{child.id}",
                    STATUS,
                    child.full_name,
                    f"{child.sen_status.label}"
                    + (
                        f" from {child.sen_status_since.strftime('%-d %B %Y')}"
                        if child.sen_status_since
                        else ""
                    ),
                    _status_words(current),
                )
            )
        current_needs = [n.code for n in child.needs]
        if p.needs != current_needs and (p.needs or current_needs) and p.on_register:
            changed = True
            found.differences.append(
                Difference(
                    f"{NEEDS}:{child.id}",
                    NEEDS,
                    child.full_name,
                    _needs_words(current_needs),
                    _needs_words(p.needs),
                )
            )
        if not changed:
            found.unchanged += 1
    missing = db.session.scalars(
        select(Pupil)
        .where(
            Pupil.setting_id == setting.id,
            Pupil.left_date.is_(None),
            Pupil.sen_status != SenStatus.NONE,
        )
        .order_by(func.lower(Pupil.legal_surname), func.lower(Pupil.legal_forename))
    )
    for child in missing:
        if child.id in matched:
            continue
        found.differences.append(
            Difference(
                f"{MISSING}:{child.id}",
                MISSING,
                child.full_name,
                f"On the register: {child.sen_status.label}",
                "Not in the file (left? moved?)",
            )
        )
    return found


# --- applying the accepted differences -----------------------------------------------------


def apply(
    actor: User | None, ctf: CtfFile, accepted: set[str], result: ImportResult
) -> Reconciliation:
    """Write the accepted differences (by key) of the file's reconciliation, each audited;
    the others are left as they are. Keys no longer among the differences (someone changed
    the register since the preview) are refused, so nothing is written unseen."""
    found = reconcile(ctf)
    stale = accepted - found.keys()
    if stale:
        raise DomainError("The register changed since this file was checked: check the file again")
    by_key = {p_key: p for p in ctf.pupils for p_key in (_new_key(p),)}
    file_by_child: dict[uuid.UUID, CtfPupil] = {}
    by_upn, by_name = _known_children()
    for p in ctf.pupils:
        child = _match(p, by_upn, by_name)
        if child is not None:
            file_by_child[child.id] = p
    leaving = ctf.generated or date.today()
    touched: set[str] = set()
    for diff in found.differences:
        if diff.key not in accepted:
            continue
        kind, _, ident = diff.key.partition(":")
        if kind == NEW:
            _create(actor, found.setting, by_key[diff.key])
            result.created += 1
            continue
        child = db.session.get(Pupil, uuid.UUID(ident))
        assert child is not None
        touched.add(ident)
        if kind == STATUS:
            entry = file_by_child[child.id].current
            assert entry is not None
            start = entry.start
            if child.sen_status_since and start < child.sen_status_since:
                start = child.sen_status_since
            pupils.change_status(
                actor, child, entry.provision, start, reason="Common Transfer File"
            )
        elif kind == NEEDS:
            before = [n.code.value for n in child.needs]
            pupils.set_needs(child, file_by_child[child.id].needs)
            audit.record(
                actor,
                AuditAction.UPDATE,
                "pupil",
                child.id,
                pupil_id=child.id,
                summary="Needs from a Common Transfer File",
                changes={"needs": [before, [n.value for n in file_by_child[child.id].needs]]},
            )
        elif kind == MISSING:
            child.left_date = max(leaving, child.sen_status_since or leaving)
            audit.record(
                actor,
                AuditAction.UPDATE,
                "pupil",
                child.id,
                pupil_id=child.id,
                summary="Left the school: missing from its Common Transfer File",
                changes={"left_date": [None, child.left_date.isoformat()]},
            )
    result.updated += len(touched)
    result.unchanged += found.unchanged
    db.session.flush()
    return found


def _create(actor: User | None, setting: Setting, p: CtfPupil) -> Pupil:
    current = p.current
    assert current is not None
    child = Pupil(
        upn=p.upn,
        legal_surname=p.surname,
        legal_forename=p.forename,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        setting_id=setting.id,
        sen_status=current.provision,
        sen_status_since=current.start,
    )
    # The whole dated history the school holds, oldest first (sen_status_change rows are
    # added, never overwritten).
    child.status_history = [
        SenStatusChange(
            status=entry.provision,
            start_date=entry.start,
            reason="Common Transfer File",
            recorded_by_id=actor.id if actor else None,
        )
        for entry in p.history
    ]
    child.needs = [PupilNeed(rank=rank, code=code) for rank, code in enumerate(p.needs, 1)]
    db.session.add(child)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "pupil",
        child.id,
        pupil_id=child.id,
        summary=f"From a Common Transfer File of {setting.name}",
    )
    return child


class CtfImport(ImportKind):
    """The kind registered in KINDS: the whole file is read at once (not CSV rows)."""

    name = "ctf"

    def run(
        self,
        data: bytes,
        actor: User | None,
        result: ImportResult,
        accepted: set[str] | None,
    ) -> Reconciliation | None:
        ctf, problems = read(data)
        result.rows = len(ctf.pupils) + len({e.row for e in problems})
        if problems:
            result.errors.extend(problems)
            return None
        found = reconcile(ctf)
        if result.dry_run and accepted is None:
            # A preview: what the file would change, written nowhere.
            result.created = sum(d.kind == NEW for d in found.differences)
            result.updated = len({d.key for d in found.differences if d.kind != NEW})
            result.unchanged = found.unchanged
            return found
        if accepted is None:
            accepted = {d.key for d in found.differences if d.kind in UNATTENDED}
        return apply(actor, ctf, accepted, result)
