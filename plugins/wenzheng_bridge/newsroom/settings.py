"""Settings of the newsroom job, with their documented defaults."""
from ..config import Option

OPTIONS: dict[str, Option] = {
    "WENZHENG_NEWSROOM_PAGES": Option(bool, True, "build the newsroom-only story budget page (off in publishconf.py)"),
}
