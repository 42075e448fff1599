"""Import kind `settings`: urn, name, phase, cluster (optional), estab_number (optional: the
DfE establishment number a Common Transfer File may name the school by; blank keeps the
number sendtrack has)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import Cluster, Phase, Setting, User
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row
from sendtrack.services.spreadsheets import FORMULA_NAME_MESSAGE, starts_like_formula

PHASES = ", ".join(p.value for p in Phase)


@dataclass
class SettingRow:
    urn: str
    name: str
    phase: Phase
    cluster_id: uuid.UUID | None
    estab_number: str | None = None


class SettingsImport(ImportKind):
    name = "settings"
    required_columns = ("urn", "name", "phase")
    optional_columns = ("cluster", "estab_number")

    def __init__(self) -> None:
        self.clusters: dict[str, uuid.UUID] | None = None
        self.seen: set[str] = set()

    def parse(self, row: Row) -> SettingRow | None:
        if self.clusters is None:
            self.clusters = {c.name.lower(): c.id for c in db.session.scalars(select(Cluster))}
        urn = row.text("urn", required=True, max_length=6)
        if urn is not None and not (len(urn) == 6 and urn.isdigit()):
            row.error("urn", f"'{urn}' must be 6 digits")
            urn = None
        name = row.text("name", required=True, max_length=200)
        if name is not None and starts_like_formula(name):
            # Names go into every export: refused here as well as neutralised there.
            row.error("name", FORMULA_NAME_MESSAGE)
            name = None
        phase = row.choice("phase", lambda v: Phase(v.lower()), required=True, label=PHASES)
        estab = row.text("estab_number", max_length=4)
        if estab is not None and not (len(estab) == 4 and estab.isdigit()):
            row.error("estab_number", f"'{estab}' must be 4 digits")
            return None
        cluster_name = row.text("cluster", max_length=120)
        cluster_id = None
        if cluster_name:
            cluster_id = self.clusters.get(cluster_name.lower())
            if cluster_id is None:
                row.error("cluster", f"'{cluster_name}' is not a known cluster")
        if urn is not None and urn in self.seen:
            row.error("urn", f"'{urn}' appears more than once in the file")
            return None
        if urn is not None:
            self.seen.add(urn)
        if urn is None or name is None or phase is None:
            return None
        if cluster_name and cluster_id is None:
            return None
        return SettingRow(urn, name, phase, cluster_id, estab)

    def apply(self, records: list[SettingRow], actor: User | None, result: ImportResult) -> None:
        existing = {s.urn: s for s in db.session.scalars(select(Setting))}
        for rec in records:
            setting = existing.get(rec.urn)
            if setting is None:
                db.session.add(
                    Setting(
                        urn=rec.urn,
                        name=rec.name,
                        phase=rec.phase,
                        cluster_id=rec.cluster_id,
                        estab_number=rec.estab_number,
                    )
                )
                result.created += 1
                continue
            new = (rec.name, rec.phase, rec.cluster_id, rec.estab_number or setting.estab_number)
            if (setting.name, setting.phase, setting.cluster_id, setting.estab_number) == new:
                result.unchanged += 1
                continue
            setting.name, setting.phase, setting.cluster_id, setting.estab_number = new
            result.updated += 1
        db.session.flush()
