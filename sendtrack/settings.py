"""The running app's configuration, for code that imports no Flask (the services).

`create_app` tells this module where to find the configuration of the app whose context the
code runs in (`read_from`); a service calls `config()` and gets that app's own, live mapping.
So a test that changes `app.config` is seen at once, and several apps in one process (the
tests make some) each see their own settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_source: Callable[[], Mapping[str, Any]] | None = None


def read_from(source: Callable[[], Mapping[str, Any]]) -> None:
    """Where `config()` finds the configuration: called by create_app."""
    global _source
    _source = source


def config() -> Mapping[str, Any]:
    """The configuration of the app the code runs for."""
    if _source is None:
        raise RuntimeError("No app yet: create_app() tells sendtrack.settings its configuration")
    return _source()
