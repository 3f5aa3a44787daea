"""axe-core (pinned in tests/browser/package-lock.json, installed by `make browser`) run in a page."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

_RUN = ("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")


def violations(page) -> list[str]:
    """axe's violations on the page as loaded: rule id and the first offending elements."""
    assert AXE.exists(), "axe-core 未安装：请运行 make browser（在 tests/browser 中执行 npm ci）"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(_RUN)
