"""The web server's access log without consultation links: the secret part of a link's path is
replaced before gunicorn writes the line (gunicorn.conf.py names this class)."""

import re

from gunicorn.glogging import Logger

LINK = re.compile(r"(/have-your-say/link/)[^/\s?]+")


def redact(text: str) -> str:
    return LINK.sub(r"\1[hidden]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        atoms.update({k: redact(v) for k, v in atoms.items() if k.startswith("{") and isinstance(v, str)})
        return atoms
