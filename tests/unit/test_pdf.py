"""The PDF fetcher serves the app's static files and refuses everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

import config
from sendtrack.pdf import STATIC_PREFIX, StaticOnlyFetcher

STATIC = str(config.BASE_DIR / "sendtrack" / "static")


def test_static_files_are_served() -> None:
    response = StaticOnlyFetcher(STATIC).fetch(STATIC_PREFIX + "css/pdf.css")
    try:
        assert b"OFFICIAL-SENSITIVE" in response.read()
        assert response.content_type == "text/css"
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/logo.png",
        "http://127.0.0.1:5432/",
        "data:text/plain,hello",
        STATIC_PREFIX + "../../config.py",
        STATIC_PREFIX + "%2e%2e/%2e%2e/config.py",
        STATIC_PREFIX + "css/no-such-file.css",
        "https://sendtrack.invalid/rtf/",
    ],
)
def test_everything_else_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        StaticOnlyFetcher(STATIC).fetch(url)


def test_static_root_is_the_app_static_folder() -> None:
    assert (Path(STATIC) / "css" / "pdf.css").is_file()
