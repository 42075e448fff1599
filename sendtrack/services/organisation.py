"""The area's organisation: clusters (with their delegated budgets) and settings.

Area-wide reference data: only LA officers and administrators reach these functions (the
routes require MANAGE_ORGANISATION), so there is no per-user scope to apply. Every change is
audited with old -> new values."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from sendtrack.extensions import db
from sendtrack.models import AuditAction, Cluster, ClusterBudget, Phase, Pupil, Setting, User
from sendtrack.services import audit, spreadsheets
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.rtf.budgets import check_financial_year

T = TypeVar("T")
PAGE_SIZE = 25
CLUSTER_FIELDS = ["name", "quorum", "is_active"]
SETTING_FIELDS = ["urn", "name", "phase", "cluster_id", "is_active"]
URN = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    pages: int


def paginate(query: Any, page: int, page_size: int = PAGE_SIZE) -> Page[Any]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(((total or 0) + page_size - 1) // page_size, 1)
    page = min(max(page, 1), pages)
    rows = list(db.session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    return Page(rows=rows, total=total or 0, page=page, pages=pages)


def like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, case and surrounding spaces forgiven."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _flush_unique(message: str, field: str, record: Any = None) -> None:
    # The database is the judge of uniqueness: a race between two officers ends here too.
    try:
        versions.save(record)
    except IntegrityError:
        # Nothing of this request may be kept, and the session must be usable to render
        # the form again.
        db.session.rollback()
        raise DomainError(message, field=field) from None


# --- clusters ---------------------------------------------------------------------------


def list_clusters(query_text: str | None, page: int) -> Page[Cluster]:
    query = select(Cluster).order_by(Cluster.is_active.desc(), Cluster.name)
    if query_text:
        query = query.where(func.lower(Cluster.name).like(like(query_text), escape="\\"))
    return paginate(query, page)


def active_clusters() -> list[Cluster]:
    return list(
        db.session.scalars(
            select(Cluster).where(Cluster.is_active.is_(True)).order_by(Cluster.name)
        )
    )


def get_cluster(cluster_id: uuid.UUID) -> Cluster:
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        raise NotFound("cluster")
    return cluster


def _check_cluster(name: str, quorum: int | None, cluster_id: uuid.UUID | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter the cluster's name", field="name")
    if spreadsheets.starts_like_formula(name):
        raise DomainError(f"The cluster's name {spreadsheets.FORMULA_NAME_MESSAGE}", field="name")
    query = select(Cluster.id).where(func.lower(Cluster.name) == name.lower())
    if cluster_id is not None:
        query = query.where(Cluster.id != cluster_id)
    if db.session.scalar(query) is not None:
        raise DomainError("A cluster with this name already exists", field="name")
    if quorum is None or not 1 <= quorum <= 50:
        raise DomainError("Quorum must be a whole number from 1 to 50", field="quorum")
    return name


def create_cluster(actor: User, *, name: str, quorum: int | None) -> Cluster:
    name = _check_cluster(name, quorum, None)
    cluster = Cluster(name=name, quorum=quorum, is_active=True)
    db.session.add(cluster)
    _flush_unique("A cluster with this name already exists", "name")
    audit.record_creation(actor, "cluster", cluster, CLUSTER_FIELDS, summary=f"Cluster {name}")
    return cluster


def update_cluster(
    actor: User, cluster: Cluster, *, name: str, quorum: int | None, version: int | None = None
) -> Cluster:
    versions.check(cluster, version)
    name = _check_cluster(name, quorum, cluster.id)
    before = audit.snapshot(cluster, CLUSTER_FIELDS)
    cluster.name = name
    cluster.quorum = quorum or cluster.quorum
    _flush_unique("A cluster with this name already exists", "name", cluster)
    _audit_update(actor, "cluster", cluster, before, CLUSTER_FIELDS, f"Cluster {name}")
    return cluster


def set_cluster_active(
    actor: User, cluster: Cluster, active: bool, *, version: int | None = None
) -> Cluster:
    versions.check(cluster, version)
    before = audit.snapshot(cluster, CLUSTER_FIELDS)
    cluster.is_active = active
    versions.save(cluster)
    _audit_update(actor, "cluster", cluster, before, CLUSTER_FIELDS, f"Cluster {cluster.name}")
    return cluster


def cluster_budgets(cluster: Cluster) -> list[ClusterBudget]:
    return list(
        db.session.scalars(
            select(ClusterBudget)
            .where(ClusterBudget.cluster_id == cluster.id)
            .order_by(ClusterBudget.financial_year.desc())
        )
    )


def set_cluster_budget(
    actor: User, cluster: Cluster, financial_year: str, allocation: Decimal | None
) -> ClusterBudget:
    """Set (or change) the cluster's delegated budget for one financial year."""
    year = check_financial_year(financial_year)
    if allocation is None:
        raise DomainError("Enter the delegated budget", field="allocation")
    allocation = allocation.quantize(Decimal("0.01"))
    budget = db.session.scalar(
        select(ClusterBudget).where(
            ClusterBudget.cluster_id == cluster.id, ClusterBudget.financial_year == year
        )
    )
    old = budget.allocation if budget is not None else None
    if budget is None:
        budget = ClusterBudget(cluster_id=cluster.id, financial_year=year, allocation=allocation)
        db.session.add(budget)
    else:
        budget.allocation = allocation
    db.session.flush()
    if old != allocation:
        audit.record(
            actor,
            AuditAction.UPDATE if old is not None else AuditAction.CREATE,
            "cluster_budget",
            budget.id,
            summary=f"{cluster.name} delegated budget {year}",
            changes={"allocation": [old, allocation]},
        )
    return budget


def settings_of(cluster: Cluster) -> list[Setting]:
    return list(
        db.session.scalars(
            select(Setting).where(Setting.cluster_id == cluster.id).order_by(Setting.name)
        )
    )


# --- settings ---------------------------------------------------------------------------


def list_settings(
    query_text: str | None, phase: Phase | None, cluster_id: uuid.UUID | None, page: int
) -> Page[Setting]:
    query = select(Setting).order_by(Setting.is_active.desc(), Setting.name)
    if query_text:
        pattern = like(query_text)
        query = query.where(
            or_(
                func.lower(Setting.name).like(pattern, escape="\\"),
                Setting.urn.like(pattern, escape="\\"),
            )
        )
    if phase is not None:
        query = query.where(Setting.phase == phase)
    if cluster_id is not None:
        query = query.where(Setting.cluster_id == cluster_id)
    return paginate(query, page)


def get_setting(setting_id: uuid.UUID) -> Setting:
    setting = db.session.get(Setting, setting_id)
    if setting is None:
        raise NotFound("setting")
    return setting


@dataclass
class SettingDetails:
    urn: str
    name: str
    phase: Phase
    cluster_id: uuid.UUID | None


def _check_setting(details: SettingDetails, setting_id: uuid.UUID | None) -> SettingDetails:
    urn = "".join(details.urn.split())
    if not URN.match(urn):
        raise DomainError("Enter a URN of 6 digits, like 123456", field="urn")
    query = select(Setting.id).where(Setting.urn == urn)
    if setting_id is not None:
        query = query.where(Setting.id != setting_id)
    if db.session.scalar(query) is not None:
        raise DomainError("A setting with this URN already exists", field="urn")
    name = " ".join(details.name.split())
    if not name:
        raise DomainError("Enter the setting's name", field="name")
    if spreadsheets.starts_like_formula(name):
        raise DomainError(f"The setting's name {spreadsheets.FORMULA_NAME_MESSAGE}", field="name")
    if details.cluster_id is not None:
        get_cluster(details.cluster_id)
    return SettingDetails(urn=urn, name=name, phase=details.phase, cluster_id=details.cluster_id)


def create_setting(actor: User, details: SettingDetails) -> Setting:
    details = _check_setting(details, None)
    setting = Setting(**details.__dict__, is_active=True)
    db.session.add(setting)
    _flush_unique("A setting with this URN already exists", "urn")
    audit.record_creation(
        actor, "setting", setting, SETTING_FIELDS, summary=f"{setting.name} ({setting.urn})"
    )
    return setting


def update_setting(
    actor: User, setting: Setting, details: SettingDetails, *, version: int | None = None
) -> Setting:
    versions.check(setting, version)
    details = _check_setting(details, setting.id)
    before = audit.snapshot(setting, SETTING_FIELDS)
    for key, value in details.__dict__.items():
        setattr(setting, key, value)
    _flush_unique("A setting with this URN already exists", "urn", setting)
    _audit_update(
        actor, "setting", setting, before, SETTING_FIELDS, f"{setting.name} ({setting.urn})"
    )
    return setting


def set_setting_active(
    actor: User, setting: Setting, active: bool, *, version: int | None = None
) -> Setting:
    versions.check(setting, version)
    before = audit.snapshot(setting, SETTING_FIELDS)
    setting.is_active = active
    versions.save(setting)
    _audit_update(
        actor, "setting", setting, before, SETTING_FIELDS, f"{setting.name} ({setting.urn})"
    )
    return setting


def settings_by_urn(urns: list[str]) -> dict[str, Setting]:
    if not urns:
        return {}
    return {s.urn: s for s in db.session.scalars(select(Setting).where(Setting.urn.in_(urns)))}


def _audit_update(
    actor: User, kind: str, obj: Any, before: dict[str, Any], fields: list[str], summary: str
) -> None:
    changes = audit.diff(before, audit.snapshot(obj, fields))
    if changes:
        audit.record(actor, AuditAction.UPDATE, kind, obj.id, summary=summary, changes=changes)


# --- the home page's organisation cards --------------------------------------------------


def settings_named(setting_ids: Collection[uuid.UUID]) -> list[Setting]:
    """These settings by name (a SENCO's own schools on their home page)."""
    return list(
        db.session.scalars(
            select(Setting).where(Setting.id.in_(setting_ids)).order_by(Setting.name)
        )
    )


def clusters_named(cluster_ids: Collection[uuid.UUID]) -> list[Cluster]:
    """These clusters by name (the clusters a lead or panel member works in)."""
    return list(
        db.session.scalars(
            select(Cluster).where(Cluster.id.in_(cluster_ids)).order_by(Cluster.name)
        )
    )


def area_counts() -> dict[str, int]:
    """How many settings, clusters and children the area has (an area-wide home page)."""
    return {
        "settings": db.session.scalar(select(func.count()).select_from(Setting)) or 0,
        "clusters": db.session.scalar(select(func.count()).select_from(Cluster)) or 0,
        "pupils": db.session.scalar(select(func.count()).select_from(Pupil)) or 0,
    }
