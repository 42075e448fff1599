"""Single sign-on providers read from environment variables (config.py, docs/sign-in.md)."""

from __future__ import annotations

import pytest

import config


def test_several_providers_with_their_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "SENDTRACK_OIDC_PROVIDERS": "council, schools",
        "SENDTRACK_OIDC_COUNCIL_ISSUER": "https://login.example/tenant/v2.0/",
        "SENDTRACK_OIDC_COUNCIL_CLIENT_ID": "c-id",
        "SENDTRACK_OIDC_COUNCIL_CLIENT_SECRET": "c-secret",
        "SENDTRACK_OIDC_COUNCIL_LABEL": "Council staff account",
        "SENDTRACK_OIDC_COUNCIL_EMAIL_DOMAINS": "@Exampleshire.gov.uk",
        "SENDTRACK_OIDC_COUNCIL_PASSWORD_SIGN_IN": "false",
        "SENDTRACK_OIDC_COUNCIL_TRUST_MFA": "true",
        "SENDTRACK_OIDC_SCHOOLS_ISSUER": "https://accounts.example",
        "SENDTRACK_OIDC_SCHOOLS_CLIENT_ID": "s-id",
        "SENDTRACK_OIDC_SCHOOLS_CLIENT_SECRET": "s-secret",
        "SENDTRACK_OIDC_SCHOOLS_MFA_AMR": "mfa,otp",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    council, schools = config._oidc_providers()
    assert council == {
        "name": "council",
        "label": "Council staff account",
        "issuer": "https://login.example/tenant/v2.0",
        "client_id": "c-id",
        "client_secret": "c-secret",
        "email_domains": ["exampleshire.gov.uk"],
        "password_sign_in": False,
        "trust_mfa": True,
        "mfa_amr": ["mfa"],
    }
    assert (schools["label"], schools["password_sign_in"], schools["trust_mfa"]) == (
        "Schools",
        True,
        False,
    )
    assert schools["mfa_amr"] == ["mfa", "otp"]


def test_a_missing_secret_or_password_off_without_domains_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SENDTRACK_OIDC_PROVIDERS", "council")
    monkeypatch.setenv("SENDTRACK_OIDC_COUNCIL_ISSUER", "https://login.example")
    monkeypatch.setenv("SENDTRACK_OIDC_COUNCIL_CLIENT_ID", "c-id")
    with pytest.raises(config.ConfigError, match="SENDTRACK_OIDC_COUNCIL_CLIENT_SECRET"):
        config._oidc_providers()
    monkeypatch.setenv("SENDTRACK_OIDC_COUNCIL_CLIENT_SECRET", "c-secret")
    monkeypatch.setenv("SENDTRACK_OIDC_COUNCIL_PASSWORD_SIGN_IN", "no")
    with pytest.raises(config.ConfigError, match="EMAIL_DOMAINS"):
        config._oidc_providers()
