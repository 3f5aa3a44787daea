"""Settings of the desk, with their documented defaults."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import LayerSettings, Option, positive

OPTIONS: dict[str, Option] = {
    "WENZHENG_DESK_HOST": Option(str, "127.0.0.1", "address the desk listens on; any other than this machine's "
                                                   "needs accounts (wenzheng desk-user add)"),
    "WENZHENG_DESK_PORT": Option(int, 8010, "port of the desk", positive),
    "WENZHENG_DESK_USERS": Option(str, "desk-users.json", "the desk's accounts (hashed passwords, roles), relative "
                                                          "to pelicanconf.py; keep it out of content/ and version control"),
}


@dataclass(frozen=True)
class DeskSettings(LayerSettings):
    """The desk's settings, read by attribute."""

    OPTIONS = OPTIONS

    desk_host: str
    desk_port: int
    desk_users: str
