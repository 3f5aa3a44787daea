"""Lighthouse on the reader site: home, a case, a scorecard, statistics and search (issue 15).

    python bench/lighthouse.py [OUTPUT] [--presets desktop,mobile] [--results FILE]

Without OUTPUT, the sample site is built as `make demo` does (pull, drafts --auto 5,
pelican) in a copy of the project's site files in a temporary folder, so the checkout
is not written. OUTPUT reuses a built site (for example output/ after `make demo`).
The site is served on 127.0.0.1 and the pinned `lighthouse` npm package
(bench/lighthouse/package.json + package-lock.json; install with
`cd bench/lighthouse && npm ci`) runs against Debian's headless `chromium` with the
desktop and mobile presets. The four category scores per page are printed and written
to bench/RESULTS-reader.md with the command, date and machine load; scores below the
issue's bar (accessibility, best practices, SEO 100; performance 95) are listed with
the audits that cost them. Exit status 1 if any page misses the bar.

Not part of `make test`: ten Lighthouse runs take minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests")]

from browser.server import serve  # noqa: E402  (the tests' own static server on 127.0.0.1)
from wenzheng_bridge.dates import stamp  # noqa: E402

LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
BIN = Path(sys.executable).parent
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BAR = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"


@dataclass
class Score:
    page: str
    path: str
    preset: str
    scores: dict[str, int]
    lost: dict[str, list[str]] = field(default_factory=dict)  # category -> audits below 1

    def misses(self) -> list[str]:
        return [name for name in CATEGORIES if self.scores[name] < BAR[name]]


def build_sample(folder: Path) -> Path:
    """`make demo`'s site steps in a copy of the site files; returns the output folder."""
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("content", "theme", "data"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("*.sqlite3*"))
    (folder / "plugins").symlink_to(ROOT / "plugins")
    for command in (["wenzheng", "pull"], ["wenzheng", "drafts", "--auto", "5"],
                    ["pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]):
        subprocess.run([str(BIN / command[0]), *command[1:]], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
    return folder / "output"


def largest(site: Path, pattern: str) -> str:
    """The largest page matching ``pattern`` under ``site`` (the hardest test), as a URL path."""
    found = sorted(site.glob(pattern), key=lambda page: (-page.stat().st_size, page))
    if not found:
        raise SystemExit(f"no page matches {pattern} in {site}")
    return found[0].relative_to(site).as_posix().removesuffix("index.html")


def reader_pages(site: Path) -> dict[str, str]:
    return {"home": "", "case": largest(site, "cases/*/index.html"),
            "scorecard": largest(site, "boards/*/index.html"), "statistics": "stats/",
            "search": "search/"}


def lighthouse(url: str, preset: str) -> dict:
    command = ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    if preset == "desktop":
        command.append("--preset=desktop")  # mobile is Lighthouse's default form factor
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def score(report: dict, page: str, path: str, preset: str) -> Score:
    categories = report["categories"]
    result = Score(page, path, preset, {name: round(categories[name]["score"] * 100) for name in CATEGORIES})
    for name in result.misses():
        refs = [ref for ref in categories[name]["auditRefs"] if ref["weight"] > 0]
        result.lost[name] = [
            f"{ref['id']} ({report['audits'][ref['id']].get('displayValue') or report['audits'][ref['id']]['score']})"
            for ref in refs if (report["audits"][ref["id"]]["score"] or 0) < 1
            and report["audits"][ref["id"]]["scoreDisplayMode"] not in ("notApplicable", "informative", "manual")]
    return result


def table(results: list[Score]) -> str:
    lines = ["| page | path | preset | " + " | ".join(CATEGORIES) + " |",
             "|---|---|---|" + "---:|" * len(CATEGORIES)]
    for r in results:
        cells = [f"**{r.scores[n]}**" if n in r.misses() else str(r.scores[n]) for n in CATEGORIES]
        lines.append(f"| {r.page} | `/{r.path}` | {r.preset} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def findings(results: list[Score]) -> str:
    lines = [f"- {r.page} ({r.preset}) {name} {r.scores[name]}: {', '.join(r.lost[name]) or 'no single audit'}"
             for r in results for name in r.misses()]
    return "\n".join(lines) or "- none: every page meets the bar."


def versions() -> str:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    chrome = subprocess.run([shutil.which("chromium") or "chromium", "--version"], capture_output=True,
                            text=True).stdout.strip()
    package = json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text())["version"]
    return f"lighthouse {package}, node {node}, {chrome}"


HISTORY = "## History"


def write_results(path: Path, results: list[Score], command: str, load_before: tuple, built: str) -> None:
    load_after = os.getloadavg()
    text = f"""# Lighthouse on the reader site (issue 15)

Command: `{command}` ({built}).
Date: {stamp(datetime.now(timezone.utc))} (Asia/Shanghai). Tools: {versions()}.
Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other jobs; load average (1/5/15 min)
{' / '.join(f'{x:.2f}' for x in load_before)} before, {' / '.join(f'{x:.2f}' for x in load_after)} after.
Chromium flags: `{CHROME_FLAGS}`; presets: Lighthouse's default (mobile, simulated slow 4G and
4x CPU slowdown) and `--preset=desktop`. Bar: accessibility, best practices, SEO 100; performance 95.
Scores below the bar are bold. Performance varies by a few points with the machine's load.

{table(results)}

## Below the bar

{findings(results)}
"""
    path.write_text(text + _history(path), encoding="utf-8")


def _history(path: Path) -> str:
    """The hand-written notes from the file's ``## History`` heading on: a new run must not erase them."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    at = old.find(HISTORY)
    return "\n" + old[at:] if at >= 0 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, help="a built site (default: build the sample)")
    parser.add_argument("--presets", default="desktop,mobile")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS-reader.md")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: cd bench/lighthouse && npm ci")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        site = args.output.resolve() if args.output else build_sample(Path(tmp))
        built = f"site {args.output}" if args.output else "sample site built as make demo does, in a temporary folder"
        results = []
        with serve(site) as base:
            for page, path in reader_pages(site).items():
                for preset in args.presets.split(","):
                    results.append(score(lighthouse(base + path, preset), page, path, preset))
                    print(f"{page:<10} {preset:<7} " + " ".join(f"{n}={results[-1].scores[n]}" for n in CATEGORIES),
                          flush=True)
    print(table(results))
    print(findings(results))
    command = "python bench/lighthouse.py" + ("" if argv is None and len(sys.argv) == 1 else " " + " ".join(sys.argv[1:]))
    write_results(args.results, results, command.strip(), load_before, built)
    return 1 if any(r.misses() for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
