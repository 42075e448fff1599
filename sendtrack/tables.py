"""The GOV.UK table component, written out in Python for long tables.

`app_table(params)` gives the same HTML as govuk_frontend_jinja's `govukTable(params)`
(caption, head, rows of text or html cells, format, classes, colspan, rowspan,
firstCellIsHeader, plain attributes). The Jinja macro costs about 50 microseconds a cell,
so a list of a few hundred rows took over 100 ms to render; this takes about 1 ms.
Params it does not handle (attributes given as option mappings or booleans) are handed to
the macro itself. tests/integration/test_query_counts_lists.py checks both agree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, pass_environment
from markupsafe import Markup, escape

_MACRO = (
    '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
    "{{ govukTable(params) }}"
)


def _simple(attributes: Any) -> bool:
    if not attributes or isinstance(attributes, str):
        return True
    return isinstance(attributes, Mapping) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in attributes.values()
    )


def _attributes(attributes: Any) -> str:
    if not attributes:
        return ""
    if isinstance(attributes, str):
        return attributes
    return "".join(f' {escape(name)}="{escape(value)}"' for name, value in attributes.items())


def _content(cell: Mapping[str, Any]) -> str:
    if cell.get("html"):
        return str(cell["html"])
    return str(escape(cell["text"])) if "text" in cell else ""


def _spans(cell: Mapping[str, Any]) -> str:
    out = ""
    if cell.get("colspan"):
        out += f' colspan="{escape(cell["colspan"])}"'
    if cell.get("rowspan"):
        out += f' rowspan="{escape(cell["rowspan"])}"'
    return out + _attributes(cell.get("attributes"))


def _classes(base: str, *extra: Any) -> str:
    return base + "".join(f" {escape(e)}" for e in extra if e)


def _supported(params: Mapping[str, Any]) -> bool:
    cells = [*(params.get("head") or []), *(c for row in params.get("rows") or [] for c in row)]
    return _simple(params.get("attributes")) and all(
        isinstance(c, Mapping) and _simple(c.get("attributes")) for c in cells
    )


@pass_environment
def app_table(env: Environment, params: Mapping[str, Any]) -> Markup:
    if not _supported(params):
        # The macro's own output, autoescaped by Jinja.
        return Markup(env.from_string(_MACRO).render(params=params))  # noqa: S704
    out = [
        f'<table class="{_classes("govuk-table", params.get("classes"))}"'
        f"{_attributes(params.get('attributes'))}>\n"
    ]
    if params.get("caption"):
        out.append(
            f'  <caption class="{_classes("govuk-table__caption", params.get("captionClasses"))}">'
            f"{escape(params['caption'])}</caption>\n"
        )
    if params.get("head"):
        out.append('  <thead class="govuk-table__head">\n    <tr class="govuk-table__row">\n')
        for item in params["head"]:
            numeric = (
                f"govuk-table__header--{escape(item['format'])}" if item.get("format") else None
            )
            out.append(
                f'      <th scope="col" class="'
                f'{_classes("govuk-table__header", numeric, item.get("classes"))}"'
                f"{_spans(item)}>{_content(item)}</th>\n"
            )
        out.append("    </tr>\n  </thead>\n")
    out.append('  <tbody class="govuk-table__body">\n')
    for row in params.get("rows") or []:
        if not row:
            continue
        out.append('    <tr class="govuk-table__row">\n')
        for index, cell in enumerate(row):
            if index == 0 and params.get("firstCellIsHeader"):
                out.append(
                    f'      <th scope="row" class="'
                    f'{_classes("govuk-table__header", cell.get("classes"))}"'
                    f"{_spans(cell)}>{_content(cell)}</th>\n"
                )
            else:
                numeric = (
                    f"govuk-table__cell--{escape(cell['format'])}" if cell.get("format") else None
                )
                out.append(
                    f'      <td class="'
                    f'{_classes("govuk-table__cell", numeric, cell.get("classes"))}"'
                    f"{_spans(cell)}>{_content(cell)}</td>\n"
                )
        out.append("    </tr>\n")
    out.append("  </tbody>\n</table>\n")
    # Every value above is escaped, except "html" cells, which are HTML by contract.
    return Markup("".join(out))  # noqa: S704
