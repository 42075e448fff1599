"""The web side of saving a form, the same in every blueprint: who is acting, one service
call whose refusal becomes the form's messages (`saved`), and the page drawn again with 400
when the form has errors (`render_form`).

A view validates the form, calls one service inside `saved()`, then redirects on success or
draws the form again; the request commits once at the end (docs/saving.md). Services never
import this module: they raise DomainError or StaleRecord (services/errors.py) and check
versions with services/versioning.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, render_template
from flask_login import current_user

from sendtrack.models import User
from sendtrack.services import submissions, transactions
from sendtrack.services.errors import DomainError, StaleRecord

STALE = "This record was changed by someone else: reload the page"


def acting_user() -> User:
    """The signed-in user, as the User model the services take (not Flask-Login's proxy)."""
    user: User = current_user._get_current_object()
    return user


def render_form(template: str, form: Any, *, status: int | None = None, **context: Any) -> Any:
    """Draw a form page: 400 when the form has errors (so the request's commit is skipped and
    nothing of a refused save is kept), else 200; `status` overrides both (409 for a form
    shown beside the saved version)."""
    code = status if status is not None else 400 if form.errors else 200
    return render_template(template, form=form, **context), code


@dataclass
class Saved:
    """What `saved()` did: true when the service saved. `result` is what the service
    returned; `current` is the record as saved now, when a stale save was refused and the
    view asked for it (to show both versions side by side)."""

    ok: bool
    result: Any = None
    current: Any = None

    def __bool__(self) -> bool:
        return self.ok


def saved(
    form: Any,
    save: Callable[[], Any],
    *,
    stale: str | None = None,
    field: str | None = None,
    current: Callable[[], Any] | None = None,
    flashed: bool = False,
    once: type | None = None,
) -> Saved:
    """Call one service with a submitted form's values and turn its refusal into messages.

    - A rule it refuses (DomainError) is shown on the field the service names, or at the
      top of the form; `field` shows every refusal on that field instead (a form with one
      box, such as a code or a reason, whose service may name another).
    - A record someone else saved meanwhile (StaleRecord) is shown at the top, in the
      service's words ("This record was changed by someone else") or with `stale` (STALE
      adds ": reload the page"), and nothing of the attempt is kept (the session is rolled
      back); the form keeps what was typed.
    - `current`: after a stale save, load the record as it is saved now; it is returned as
      `.current` (to show beside what was typed) and the form's `version` field is set to
      its version, so saving again replaces it on purpose.
    - `flashed`: for a button with no form page to go back to (submit, confirm), the
      message is flashed instead, for the page the view redirects to.
    - `once=Model`: a form that creates a `Model` is saved once per submission token
      (`form.submission`, services/submissions.py): the same form posted twice gives back
      the record the first post made.
    """
    try:
        if once is not None:
            result = submissions.once(acting_user(), form.submission.data, once, save)
        else:
            result = save()
    except StaleRecord as exc:
        transactions.discard()
        record = current() if current is not None else None
        if record is not None and hasattr(form, "version"):
            form.version.data = str(record.version)
        _tell(form, None, exc.message if stale is None else stale, flashed)
        return Saved(False, current=record)
    except DomainError as exc:
        _tell(form, field if field is not None else exc.field, exc.message, flashed)
        return Saved(False)
    return Saved(True, result=result)


def _tell(form: Any, field: str | None, message: str, flashed: bool) -> None:
    if flashed:
        flash(message)
    else:
        form.add_error(field, message)
