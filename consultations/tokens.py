"""The secret in a consultation link: 256 random bits, of which only a hash is ever stored."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # The token is random and long, so a plain SHA-256 cannot be reversed or guessed from the hash.
    return hashlib.sha256(token.encode()).hexdigest()
