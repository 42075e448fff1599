"""Which records a figure counts: the dashboard's cluster, setting and need filters, and an
Area SEND Lead's scope (their clusters only).

Each area filters by the setting its records belong to:
- register: the child's current setting;
- referrals and panel episodes: the referral's setting and the cluster it was referred to;
- RTF applications and awards: the receiving school;
- need: the child's primary need (rank 1) now.

`Filters()` (no filter) adds no condition at all, so the unfiltered area gives exactly the
figures of `flask stats`. Every condition is a SQL clause (IN / EXISTS), never a Python loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select, true

from sendtrack.models import NeedCode, PupilNeed, Setting

# A column or ORM attribute holding an id (mypy sees those as different types).
Column = Any


@dataclass(frozen=True)
class Filters:
    """None means "no filter"; a set (possibly empty) limits the figures to its members."""

    cluster_ids: frozenset[uuid.UUID] | None = None
    setting_ids: frozenset[uuid.UUID] | None = None
    needs: frozenset[NeedCode] | None = None

    @property
    def is_empty(self) -> bool:
        return self.cluster_ids is None and self.setting_ids is None and self.needs is None

    def settings_condition(
        self, setting_id: Column, cluster_id: Column | None
    ) -> list[ColumnElement[bool]]:
        """Clauses on a record's setting (and, when it records one, its cluster)."""
        clauses: list[ColumnElement[bool]] = []
        if self.setting_ids is not None:
            clauses.append(setting_id.in_(sorted(self.setting_ids)))
        if self.cluster_ids is not None:
            if cluster_id is not None:
                clauses.append(cluster_id.in_(sorted(self.cluster_ids)))
            else:
                clauses.append(
                    setting_id.in_(
                        select(Setting.id).where(Setting.cluster_id.in_(sorted(self.cluster_ids)))
                    )
                )
        return clauses

    def need_condition(self, pupil_id: Column) -> list[ColumnElement[bool]]:
        if self.needs is None:
            return []
        return [
            exists().where(
                PupilNeed.pupil_id == pupil_id,
                PupilNeed.rank == 1,
                PupilNeed.code.in_(sorted(self.needs)),
            )
        ]

    def where(
        self,
        *,
        pupil_id: Column,
        setting_id: Column,
        cluster_id: Column | None = None,
    ) -> list[ColumnElement[bool]]:
        """Every clause for a record with these columns; [] when nothing is filtered."""
        return [
            *self.settings_condition(setting_id, cluster_id),
            *self.need_condition(pupil_id),
        ]

    def clause(self, **columns: Column) -> ColumnElement[bool]:
        found = self.where(**columns)
        return and_(*found) if found else true()


NO_FILTERS = Filters()


def one_of(values: Iterable[uuid.UUID] | None) -> frozenset[uuid.UUID] | None:
    return None if values is None else frozenset(values)
