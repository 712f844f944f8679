"""Password rules beyond Django's own (length, common passwords, all digits, like the username)."""

import re

from django.core.exceptions import ValidationError

RUN = 4  # this many of one character, or of a sequence, in a row is refused
MIN_DISTINCT = 6  # a password needs at least this many different characters


def _has_run(password: str, step: int) -> bool:
    """Whether `RUN` characters in a row each differ from the one before by `step` (0: repeated,
    1: ascending like abcd or 1234, -1: descending like 4321)."""
    codes = [ord(c) for c in password.lower()]
    length = 1
    for before, after in zip(codes, codes[1:], strict=False):
        length = length + 1 if after - before == step else 1
        if length >= RUN:
            return True
    return False


class RepeatedOrSequentialValidator:
    """Refuses passwords made of one part repeated (abcabc), runs of repeated characters (aaaa) or
    sequences (abcd, 1234, 4321), or too few different characters."""

    def validate(self, password: str, user=None) -> None:
        if re.fullmatch(r"(.+?)\1+", password.lower()):
            raise ValidationError(
                "Your password must not be the same characters or word repeated, such as abcabc",
                code="password_repeated",
            )
        if any(_has_run(password, step) for step in (0, 1, -1)):
            raise ValidationError(
                f"Your password must not have {RUN} or more repeated or consecutive characters in a row, "
                "such as aaaa, abcd or 4321",
                code="password_repeated_or_sequential",
            )
        if len(set(password.lower())) < MIN_DISTINCT:
            raise ValidationError(
                f"Your password must use at least {MIN_DISTINCT} different characters",
                code="password_too_few_characters",
            )

    def get_help_text(self) -> str:
        return (
            f"Your password must not have {RUN} or more repeated or consecutive characters in a row "
            f"and must use at least {MIN_DISTINCT} different characters."
        )
