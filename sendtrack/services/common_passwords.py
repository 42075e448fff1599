"""A refusal list of passwords people commonly choose. Short ones are already refused by the
length rule, so the list holds the common passwords of 12 characters or more, and the
patterns people use to reach a length rule (a word repeated, a keyboard run)."""

from __future__ import annotations

import re

_COMMON = {
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "123456789012",
    "1234567890123",
    "12345678901234",
    "qwertyuiopas",
    "qwertyuiop123",
    "qwerty123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "welcome123456",
    "administrator",
    "changeme1234",
    "trustno1trustno1",
    "football1234",
    "baseball1234",
    "monkeymonkey",
    "sunshine1234",
    "princess1234",
    "abcdefghijkl",
    "abc123abc123",
    "aaaaaaaaaaaa",
    "000000000000",
    "111111111111",
    "123123123123",
    "qazwsxedcrfv",
    "asdfghjkl123",
    "zxcvbnm12345",
    "passw0rd1234",
    "p@ssw0rd1234",
    "superman1234",
    "dragondragon",
    "mustang12345",
    "michael12345",
    "shadow123456",
    "masterkey123",
    "whatever1234",
    "starwars1234",
    "computer1234",
    "summer2026!!",
    "winter2026!!",
    "spring2026!!",
    "autumn2026!!",
    "september2026",
    "sendtrack2026",
    "exampleshire",
    "schoolsenco1",
}

_KEYBOARD_RUNS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "0987654321")


def is_common(password: str) -> bool:
    lowered = password.lower()
    if lowered in _COMMON:
        return True
    if len(set(lowered)) <= 3:
        return True
    if any(lowered.startswith(run[:10]) for run in _KEYBOARD_RUNS):
        return True
    # "passwordpassword", "abcabcabcabc": the same short unit repeated.
    return re.fullmatch(r"(.{1,6})\1+", lowered) is not None
