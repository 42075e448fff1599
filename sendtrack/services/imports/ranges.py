"""Import kind `ranges`: the council's ranges framework, one row per descriptor or expected
provision item (the columns services/ranges/exchange.py writes). The file replaces the
content of the draft (a draft is started if there is none); published versions are never
touched. Every row is checked first: a bad row refuses the whole file, naming the row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sendtrack.models import (
    ExpectedProvision,
    NeedCode,
    RangesArea,
    RangesDescriptor,
    RangesLevel,
    User,
    UsuallyNext,
)
from sendtrack.services.errors import DomainError
from sendtrack.services.imports.rows import ImportKind, ImportResult, Row
from sendtrack.services.ranges import frameworks
from sendtrack.services.ranges.exchange import COLUMNS, DESCRIPTOR, PROVISION

REQUIRED = ("area", "level", "level_rank", "usually_next", "row_type", "text")
NEXT_VALUES = ", ".join(n.value for n in UsuallyNext)


@dataclass
class RangesRow:
    area: str
    need_codes: str
    level: str
    rank: int
    usually_next: UsuallyNext
    summary: str | None
    row_type: str
    text: str
    provision_type: str | None
    frequency: str | None
    group_size: int | None
    staff_role: str | None
    minutes_per_week: int | None
    weeks: int | None


class RangesImport(ImportKind):
    name = "ranges"
    required_columns = REQUIRED
    optional_columns = tuple(c for c in COLUMNS if c not in REQUIRED)

    def __init__(self) -> None:
        self.areas: dict[str, tuple[str, int]] = {}  # name -> (need codes, first row)
        self.levels: dict[int, tuple[str, UsuallyNext, int]] = {}  # rank -> (name, next, row)
        self.codes: dict[str, str] = {}  # census code -> area

    def parse(self, row: Row) -> RangesRow | None:
        area = row.text("area", required=True, max_length=200)
        level = row.text("level", required=True, max_length=100)
        rank = row.integer("level_rank", required=True, low=1, high=20)
        usually = row.choice("usually_next", UsuallyNext, required=True, label=NEXT_VALUES)
        row_type = row.text("row_type", required=True, max_length=20)
        if row_type is not None and row_type.lower() not in (DESCRIPTOR, PROVISION):
            row.error("row_type", f"'{row_type}' is not one of {DESCRIPTOR}, {PROVISION}")
            row_type = None
        text = row.text("text", required=True, max_length=500 if row_type == PROVISION else 1000)
        codes = (row.text("need_codes", max_length=200) or "").upper().split()
        for code in codes:
            if code not in NeedCode.__members__:
                row.error("need_codes", f"'{code}' is not a census need code")
        record = RangesRow(
            area=area or "",
            need_codes=" ".join(codes),
            level=level or "",
            rank=rank or 0,
            usually_next=usually,
            summary=row.text("level_summary", max_length=2000),
            row_type=(row_type or "").lower(),
            text=text or "",
            provision_type=row.text("provision_type", max_length=100),
            frequency=row.text("frequency", max_length=100),
            group_size=row.integer("group_size", low=1, high=40),
            staff_role=row.text("staff_role", max_length=100),
            minutes_per_week=row.integer("minutes_per_week", low=0, high=3000),
            weeks=row.integer("weeks", low=0, high=52),
        )
        if None in (area, level, rank, usually, row_type, text):
            return None
        assert area is not None and level is not None and rank is not None
        seen_area = self.areas.get(area)
        if seen_area is None:
            self.areas[area] = (record.need_codes, row.number)
            for code in codes:
                if code in self.codes:
                    row.error("need_codes", f"'{code}' is already in {self.codes[code]}")
                self.codes[code] = area
        elif record.need_codes and record.need_codes != seen_area[0]:
            row.error("need_codes", f"differ from row {seen_area[1]}'s for {area}")
        seen_level = self.levels.get(rank)
        if seen_level is None:
            if any(name.lower() == level.lower() for name, _, _ in self.levels.values()):
                row.error("level", f"'{level}' is already the name of another level_rank")
            self.levels[rank] = (level, usually, row.number)
        elif (seen_level[0], seen_level[1]) != (level, usually):
            row.error(
                "level", f"level_rank {rank} is '{seen_level[0]}' ({seen_level[1].value}) "
                f"on row {seen_level[2]}"
            )  # fmt: skip
        return record

    def apply(self, records: list[RangesRow], actor: User | None, result: ImportResult) -> None:
        draft = frameworks.draft()
        if draft is None:
            if actor is None:
                raise DomainError("An officer must start the draft")
            draft = frameworks.start_draft(actor)
        # An area keeps its lineage (its history across versions) when its name is kept.
        lineage = {a.name.lower(): a.lineage_id for a in draft.areas}
        for area in list(draft.areas):
            draft.areas.remove(area)
        for level in list(draft.levels):
            draft.levels.remove(level)
        frameworks.flush_framework(draft)
        levels: dict[int, RangesLevel] = {}
        for position, rank in enumerate(sorted({r.rank for r in records}), start=1):
            first = next(r for r in records if r.rank == rank)
            levels[rank] = RangesLevel(
                rank=position, name=first.level, summary=first.summary,
                usually_next=first.usually_next,
            )  # fmt: skip
            draft.levels.append(levels[rank])
        areas: dict[str, RangesArea] = {}
        for record in records:
            found = areas.get(record.area)
            if found is None:
                area = RangesArea(
                    position=len(areas) + 1,
                    name=record.area,
                    need_codes=record.need_codes,
                    lineage_id=lineage.get(record.area.lower(), uuid.uuid4()),
                )
                areas[record.area] = area
                draft.areas.append(area)
            else:
                area = found
            level = levels[record.rank]
            if record.row_type == DESCRIPTOR:
                count = sum(1 for d in area.descriptors if d.level is level)
                area.descriptors.append(
                    RangesDescriptor(position=count + 1, wording=record.text, level=level)
                )
            else:
                count = sum(1 for p in area.provision if p.level is level)
                area.provision.append(
                    ExpectedProvision(
                        position=count + 1, level=level, description=record.text,
                        provision_type=record.provision_type, frequency=record.frequency,
                        group_size=record.group_size, staff_role=record.staff_role,
                        minutes_per_week=record.minutes_per_week, weeks=record.weeks,
                    )
                )  # fmt: skip
            result.created += 1
        frameworks.flush_framework(draft)
