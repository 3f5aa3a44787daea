"""One full Pelican build of the bundled real sample, shared by every site test of a session."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: A fixed "now" so statuses (待回复 / 逾期未复) do not depend on the day the tests run.
NOW = "2020-03-01T12:00:00+08:00"


@dataclass
class BuiltSite:
    project: Path  # the project copy (pelicanconf.py, content, theme, data)
    output: Path  # the built site
    settings: dict  # Pelican + WENZHENG_* settings the build used
    log: str  # Pelican's output

    def page(self, url: str) -> Path:
        """The file a site-relative URL ('cases/x/', 'stats/') is served from."""
        path = self.output / url.lstrip("/")
        return path / "index.html" if url.endswith("/") or not url else path


_built: dict[str, BuiltSite] = {}


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, target / name)
    for name in ("content", "theme", "data"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("*.sqlite3*"))
    (target / "plugins").symlink_to(ROOT / "plugins")
    return target


def without_sample_records(project: Path) -> Path:
    """A project copy for a store other than the sample's: the bundled column and newsroom records
    name sample cases, which such a build rightly refuses."""
    shutil.rmtree(project / "content" / "articles")
    for record in (project / "content" / "newsroom").glob("*.txt"):
        record.unlink()
    return project


def run_pelican(project: Path, output: Path, *settings: str, verbose: bool = False) -> str:
    """Build ``project`` into ``output``; ``settings`` are extra KEY=JSON overrides; ``verbose``
    logs the plugin's info lines too (unwrapped, to be read by a test)."""
    command = [str(BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o", str(output),
               *(["--verbose"] if verbose else []), "-e", f'WENZHENG_NOW="{NOW}"', *settings]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "0", "COLUMNS": "400"})
    if result.returncode:
        raise AssertionError(f"Pelican build failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def site_build(tmp_path_factory) -> BuiltSite:
    """Pull the real sample into a project copy and build the whole site (once per session)."""
    if "site" not in _built:
        from wenzheng_bridge.pull import pull
        from wenzheng_bridge.settings import load

        project = copy_project(tmp_path_factory.mktemp("site") / "project")
        settings = load(project / "pelicanconf.py", {"WENZHENG_NOW": NOW})
        pull(settings)
        output = project / "output"
        log = run_pelican(project, output)
        _built["site"] = BuiltSite(project, output, settings, log)
    return _built["site"]
