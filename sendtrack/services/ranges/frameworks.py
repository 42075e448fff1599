"""The council's ranges framework: one draft at a time, edited by LA officers, then published
as a numbered version with an effective date. A published version never changes: the rows
below it (areas, levels, descriptors, expected provision) are refused edits here, and a new
draft starts as a copy of the latest published version.

Every edit to a draft moves the draft's version on, so two officers editing one draft at
once are told rather than silently overwriting each other."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    ExpectedProvision,
    FrameworkStatus,
    NeedCode,
    RangesArea,
    RangesDescriptor,
    RangesFramework,
    RangesLevel,
    User,
    UsuallyNext,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.wording import govuk_date

# The Code of Practice's four broad areas of need, each with the census codes it covers.
DEFAULT_AREAS: list[tuple[str, list[NeedCode]]] = [
    ("Communication and interaction", [NeedCode.SLCN, NeedCode.ASD]),
    (
        "Cognition and learning",
        [NeedCode.SPLD, NeedCode.MLD, NeedCode.SLD, NeedCode.PMLD, NeedCode.DS],
    ),
    ("Social, emotional and mental health", [NeedCode.SEMH]),
    ("Sensory and/or physical", [NeedCode.HI, NeedCode.VI, NeedCode.MSI, NeedCode.PD]),
]
MAX_WORDING = 1000
ITEM_FIELDS = [
    "description",
    "provision_type",
    "frequency",
    "group_size",
    "staff_role",
    "minutes_per_week",
    "weeks",
]


# --- reading -----------------------------------------------------------------------------


def current(on: date | None = None) -> RangesFramework | None:
    """The published version in effect on a date (today by default): the highest-numbered
    version whose effective date has come."""
    day = on or date.today()
    return db.session.scalar(
        select(RangesFramework)
        .where(
            RangesFramework.status == FrameworkStatus.PUBLISHED,
            RangesFramework.effective_from <= day,
        )
        .order_by(RangesFramework.number.desc())
        .limit(1)
    )


def latest_published() -> RangesFramework | None:
    return db.session.scalar(
        select(RangesFramework)
        .where(RangesFramework.status == FrameworkStatus.PUBLISHED)
        .order_by(RangesFramework.number.desc())
        .limit(1)
    )


def draft() -> RangesFramework | None:
    return db.session.scalar(
        select(RangesFramework).where(RangesFramework.status == FrameworkStatus.DRAFT)
    )


def versions_list() -> list[RangesFramework]:
    return list(
        db.session.scalars(
            select(RangesFramework)
            .where(RangesFramework.status == FrameworkStatus.PUBLISHED)
            .order_by(RangesFramework.number.desc())
        )
    )


def by_number(number: int) -> RangesFramework:
    found = db.session.scalar(select(RangesFramework).where(RangesFramework.number == number))
    if found is None:
        raise NotFound("version")
    return found


def the_draft() -> RangesFramework:
    found = draft()
    if found is None:
        raise NotFound("draft framework")
    return found


def draft_area(area_id: uuid.UUID) -> RangesArea:
    """An area of the draft (a published version's areas are not edited: 404)."""
    area = db.session.get(RangesArea, area_id)
    if area is None or area.framework_id != the_draft().id:
        raise NotFound("area")
    return area


def draft_level(level_id: uuid.UUID) -> RangesLevel:
    level = db.session.get(RangesLevel, level_id)
    if level is None or level.framework_id != the_draft().id:
        raise NotFound("level")
    return level


def draft_item(item_id: uuid.UUID) -> ExpectedProvision:
    item = db.session.get(ExpectedProvision, item_id)
    if item is None:
        raise NotFound("expected provision")
    draft_area(item.area_id)
    return item


def version_of(area: RangesArea) -> RangesFramework:
    framework = db.session.get(RangesFramework, area.framework_id)
    assert framework is not None
    return framework


def descriptors_of(area: RangesArea, level: RangesLevel) -> list[RangesDescriptor]:
    return [d for d in area.descriptors if d.level_id == level.id]


def provision_of(area: RangesArea, level: RangesLevel) -> list[ExpectedProvision]:
    return [p for p in area.provision if p.level_id == level.id]


# --- drafts ------------------------------------------------------------------------------


def _touch(framework: RangesFramework) -> None:
    # Forces an UPDATE of the framework row, so its version moves on with any child-row edit.
    framework.updated_at = datetime.now(UTC)


def flush_framework(framework: RangesFramework) -> None:
    """Write a bulk change to the draft (the import), moving its version on."""
    _touch(framework)
    versions.save(framework)


def _editable(framework: RangesFramework, version: int | None) -> None:
    if framework.status is not FrameworkStatus.DRAFT:
        raise DomainError("A published version cannot be changed: start a new draft")
    versions.check(framework, version)


def start_draft(actor: User) -> RangesFramework:
    """A new draft: a copy of the latest published version, or the four broad areas of need
    when nothing has been published yet."""
    if draft() is not None:
        raise DomainError("There is already a draft: edit it or publish it")
    base = latest_published()
    framework = RangesFramework(
        status=FrameworkStatus.DRAFT,
        title=base.title if base else "Ranges and ordinarily available provision",
        introduction=base.introduction if base else None,
        based_on_id=base.id if base else None,
    )
    db.session.add(framework)
    if base is None:
        for position, (name, codes) in enumerate(DEFAULT_AREAS, start=1):
            framework.areas.append(
                RangesArea(position=position, name=name, need_codes=" ".join(codes))
            )
    else:
        _copy(base, framework)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError("There is already a draft: edit it or publish it") from None
    audit.record(
        actor,
        AuditAction.CREATE,
        "ranges_framework",
        framework.id,
        summary="Started a draft of the ranges framework"
        + (f" from version {base.number}" if base else ""),
    )
    return framework


def _copy(base: RangesFramework, framework: RangesFramework) -> None:
    levels: dict[uuid.UUID, RangesLevel] = {}
    for level in base.levels:
        levels[level.id] = RangesLevel(
            rank=level.rank,
            name=level.name,
            summary=level.summary,
            usually_next=level.usually_next,
        )
        framework.levels.append(levels[level.id])
    for area in base.areas:
        copy = RangesArea(
            position=area.position,
            name=area.name,
            need_codes=area.need_codes,
            lineage_id=area.lineage_id,
        )
        framework.areas.append(copy)
        for d in area.descriptors:
            copy.descriptors.append(
                RangesDescriptor(position=d.position, wording=d.wording, level=levels[d.level_id])
            )
        for p in area.provision:
            copy.provision.append(
                ExpectedProvision(
                    position=p.position,
                    level=levels[p.level_id],
                    **{f: getattr(p, f) for f in ITEM_FIELDS},
                )
            )


def _clean(text: str | None, max_length: int, message: str, field_name: str) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise DomainError(message, field=field_name)
    if len(value) > max_length:
        raise DomainError(
            f"{message.replace('Enter', 'Keep')} to {max_length} characters or fewer",
            field=field_name,
        )
    return value


def save_details(
    actor: User,
    framework: RangesFramework,
    *,
    title: str,
    introduction: str | None,
    version: int | None,
) -> RangesFramework:
    _editable(framework, version)
    framework.title = _clean(title, 200, "Enter the guide's title", "title")
    framework.introduction = (introduction or "").strip() or None
    versions.save(framework)
    audit.record(
        actor, AuditAction.UPDATE, "ranges_framework", framework.id, summary="Changed the title"
    )
    return framework


def save_area(
    actor: User,
    framework: RangesFramework,
    *,
    name: str,
    need_codes: list[str],
    version: int | None,
    area: RangesArea | None = None,
) -> RangesArea:
    _editable(framework, version)
    name = _clean(name, 200, "Enter the area's name", "name")
    if any(a.name.lower() == name.lower() and a is not area for a in framework.areas):
        raise DomainError(f"There is already an area called {name}", field="name")
    known = {c.value for c in NeedCode}
    codes = [c for c in need_codes if c in known]
    taken = {c: a.name for a in framework.areas if a is not area for c in a.codes}
    clash = [c for c in codes if c in taken]
    if clash:
        raise DomainError(
            f"{NeedCode(clash[0]).label} is already in {taken[clash[0]]}: a need code "
            "belongs to one area",
            field="need_codes",
        )
    before = audit.snapshot(area, ["name", "need_codes"]) if area else {}
    if area is None:
        area = RangesArea(position=len(framework.areas) + 1, name=name)
        framework.areas.append(area)
    area.name = name
    area.need_codes = " ".join(codes)
    _touch(framework)
    versions.save(framework)
    audit.record(
        actor,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "ranges_area",
        area.id,
        changes=audit.diff(before, audit.snapshot(area, ["name", "need_codes"])),
    )
    return area


def save_level(
    actor: User,
    framework: RangesFramework,
    *,
    name: str,
    summary: str | None,
    usually_next: UsuallyNext,
    version: int | None,
    level: RangesLevel | None = None,
) -> RangesLevel:
    _editable(framework, version)
    name = _clean(name, 100, "Enter the level's name", "name")
    if any(lv.name.lower() == name.lower() and lv is not level for lv in framework.levels):
        raise DomainError(f"There is already a level called {name}", field="name")
    fields = ["name", "summary", "usually_next"]
    before = audit.snapshot(level, fields) if level else {}
    if level is None:
        level = RangesLevel(rank=len(framework.levels) + 1, name=name)
        framework.levels.append(level)
    level.name = name
    level.summary = (summary or "").strip() or None
    level.usually_next = usually_next
    _touch(framework)
    versions.save(framework)
    audit.record(
        actor,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "ranges_level",
        level.id,
        changes=audit.diff(before, audit.snapshot(level, fields)),
    )
    return level


def save_descriptors(
    actor: User,
    framework: RangesFramework,
    area: RangesArea,
    level: RangesLevel,
    lines: list[str],
    version: int | None,
) -> list[RangesDescriptor]:
    """Replace the descriptors of one area at one level (one statement a line)."""
    _editable(framework, version)
    wordings = [" ".join(line.split()) for line in lines]
    wordings = [w for w in wordings if w]
    for number, wording in enumerate(wordings, start=1):
        if len(wording) > MAX_WORDING:
            raise DomainError(
                f"Descriptor {number} is too long: keep each to {MAX_WORDING} characters",
                field="descriptors",
            )
    before = [d.wording for d in descriptors_of(area, level)]
    for d in descriptors_of(area, level):
        area.descriptors.remove(d)
    made = [RangesDescriptor(position=n, wording=w, level=level) for n, w in enumerate(wordings, 1)]
    area.descriptors.extend(made)
    _touch(framework)
    versions.save(framework)
    if before != wordings:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "ranges_area",
            area.id,
            summary=f"Changed the descriptors of {area.name} at {level.name}",
            changes={"descriptors": [before, wordings]},
        )
    return made


@dataclass
class ItemDetails:
    description: str
    provision_type: str | None = None
    frequency: str | None = None
    group_size: int | None = None
    staff_role: str | None = None
    minutes_per_week: int | None = None
    weeks: int | None = None


def save_item(
    actor: User,
    framework: RangesFramework,
    area: RangesArea,
    level: RangesLevel,
    details: ItemDetails,
    version: int | None,
    item: ExpectedProvision | None = None,
) -> ExpectedProvision:
    _editable(framework, version)
    description = _clean(details.description, 500, "Enter what the provision is", "description")
    before = audit.snapshot(item, ITEM_FIELDS) if item else {}
    if item is None:
        item = ExpectedProvision(
            position=len(provision_of(area, level)) + 1, level=level, description=description
        )
        area.provision.append(item)
    item.description = description
    for name in ("provision_type", "frequency", "staff_role"):
        setattr(item, name, (getattr(details, name) or "").strip() or None)
    item.group_size = details.group_size
    item.minutes_per_week = details.minutes_per_week
    item.weeks = details.weeks
    _touch(framework)
    versions.save(framework)
    audit.record(
        actor,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "ranges_expected_provision",
        item.id,
        changes=audit.diff(before, audit.snapshot(item, ITEM_FIELDS)),
    )
    return item


def remove_item(
    actor: User, framework: RangesFramework, item: ExpectedProvision, version: int | None
) -> None:
    _editable(framework, version)
    area = db.session.get(RangesArea, item.area_id)
    assert area is not None
    area.provision.remove(item)
    for n, p in enumerate(provision_of(area, item.level), start=1):
        p.position = n
    _touch(framework)
    versions.save(framework)
    audit.record(
        actor,
        AuditAction.DELETE,
        "ranges_expected_provision",
        item.id,
        summary=f"Removed {item.description} from {area.name}",
    )


def publish(
    actor: User, framework: RangesFramework, effective_from: date | None, version: int | None
) -> RangesFramework:
    """Publish the draft as the next version. From its effective date it is the guide
    everyone reads and the version new judgements are made against."""
    _editable(framework, version)
    if effective_from is None:
        raise DomainError("Enter the date it takes effect", field="effective_from")
    if not framework.areas:
        raise DomainError("Add at least one area of need before publishing")
    if not framework.levels:
        raise DomainError("Add at least one level before publishing")
    for level in framework.levels:
        if not any(d.level_id == level.id for a in framework.areas for d in a.descriptors):
            raise DomainError(f"Add at least one descriptor at {level.name} before publishing")
    latest = latest_published()
    if latest is not None and latest.effective_from and effective_from < latest.effective_from:
        raise DomainError(
            f"The date must be on or after version {latest.number}'s "
            f"({govuk_date(latest.effective_from)})",
            field="effective_from",
        )
    number = (db.session.scalar(select(func.max(RangesFramework.number))) or 0) + 1
    framework.status = FrameworkStatus.PUBLISHED
    framework.number = number
    framework.effective_from = effective_from
    framework.published_at = datetime.now(UTC)
    framework.published_by_id = actor.id
    versions.save(framework)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "ranges_framework",
        framework.id,
        summary=f"Published version {number} of the ranges framework, "
        f"effective {govuk_date(effective_from)}",
        changes={"status": ["draft", "published"], "number": [None, number]},
    )
    return framework
