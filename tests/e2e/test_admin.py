"""The administration screens, each checked once: users, schools and settings, clusters,
unit rates, the local authority's settings, finding a child, and a CSV import's preview."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# One good row and one with a bad URN and phase: the preview lists the problems by row.
SETTINGS_CSV = (
    "urn,name,phase,cluster\n"
    "990777,Willowmere Primary School,primary,Northbrook cluster\n"
    "99x,Nowhere School,castle,\n"
)


def test_admin_screens(journey) -> None:  # type: ignore[no-untyped-def]
    admin = journey("admin")
    admin.menu("Administration")
    assert admin.heading() == "Administration"
    admin.screenshot("admin")

    admin.follow("Users")
    admin.screenshot("admin-users")
    admin.follow("Sam Senco")
    admin.follow("Administration", within="Breadcrumb")

    admin.follow("Schools and settings")
    admin.screenshot("admin-settings")
    admin.follow("Northbrook Primary School")
    admin.follow("Administration", within="Breadcrumb")

    admin.follow("Clusters")
    admin.follow("Northbrook cluster")
    admin.screenshot("admin-cluster")
    admin.follow("Administration", within="Breadcrumb")

    admin.follow("Unit rates")
    admin.follow("Administration", within="Breadcrumb")
    admin.follow("Local authority settings")
    admin.screenshot("admin-local-authority")
    admin.goto("/admin/")

    # Find a child forgives case and spaces.
    admin.follow("Find a child")
    admin.fill("Name or UPN", "  WHITMORE ")
    admin.press("Search", expect_status=200)
    assert "Isla Whitmore" in admin.text()
    admin.screenshot("admin-find-a-child")
    admin.follow("Administration", within="Breadcrumb")

    # The import: nothing chosen is refused; a file with a bad row is previewed, not applied.
    admin.follow("Import a CSV file")
    admin.press("Check the file", expect_status=400)
    admin.check_error_summary()
    admin.choose("Schools and settings")
    admin.page.get_by_label("CSV file").set_input_files(
        {"name": "settings.csv", "mimeType": "text/csv", "buffer": SETTINGS_CSV.encode()}
    )
    admin.press("Check the file", expect_status=200)
    assert admin.heading() == "Check the import of settings.csv"
    preview = admin.text()
    assert "row 3" in preview
    admin.screenshot("admin-import-preview")
