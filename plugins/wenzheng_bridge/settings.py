"""Plugin-wide WENZHENG_* settings: defaults, documentation and validation.

Every job keeps its own options in its own ``settings.py``; this module only
gathers them, so adding a job never means editing a central list of keys.
"""
from __future__ import annotations

from pathlib import Path

from .config import CORE_OPTIONS, ConfigError, Option, validate


def all_options() -> dict[str, Option]:
    from .caseview.settings import OPTIONS as caseview
    from .desk.settings import OPTIONS as desk
    from .newsroom.publication import OPTIONS as publication
    from .newsroom.settings import OPTIONS as newsroom
    from .reports.settings import OPTIONS as reports
    from .site.leader_settings import OPTIONS as leaders
    from .site.settings import OPTIONS as site
    from .trust.settings import OPTIONS as trust

    return {**CORE_OPTIONS, **caseview, **desk, **newsroom, **publication, **reports, **site, **leaders, **trust}


def wenzheng_settings(settings: dict, base: Path | None = None) -> dict:
    """Validate the WENZHENG_* keys of Pelican settings and fill in defaults.

    Raises ConfigError naming every bad key, including those of each source.
    """
    from .sources import validate_sources

    options = all_options()
    given = {k: v for k, v in settings.items() if k.startswith("WENZHENG_")}
    values, problems = validate(given, options, "pelicanconf.py")
    base = Path(values["WENZHENG_BASE"] or base or ".").resolve()
    values["WENZHENG_BASE"] = str(base)
    # Absent from ``values`` only when the given value was refused (and named) already.
    sources, source_problems = validate_sources(values.get("WENZHENG_SOURCES") or [], base)
    problems += source_problems
    if problems:
        raise ConfigError(problems)
    values["WENZHENG_SOURCES"] = sources
    values["WENZHENG_STORE"] = str(base / values["WENZHENG_STORE"])
    values["TIMEZONE"] = settings.get("TIMEZONE", "Asia/Shanghai")
    return values


def load(conf: str | Path = "pelicanconf.py", overrides: dict | None = None) -> dict:
    """Read a Pelican settings file and return Pelican settings plus validated WENZHENG_*."""
    # Pelican's read_settings also checks the content folder, which the commands do not need.
    from pelican.settings import get_settings_from_file

    conf = Path(conf).resolve()
    if not conf.exists():
        raise ConfigError([f"找不到设置文件 {conf}（用 -s 指定 pelicanconf.py）"])
    settings = {**get_settings_from_file(str(conf)), **(overrides or {})}
    settings.update(wenzheng_settings(settings, conf.parent))
    return settings
