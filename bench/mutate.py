"""Mutation testing of the core modules with mutmut (`make mutate`, not part of `make test`).

Each module is mutated on its own, in its own scratch copy of the project
(bench/work/mutate/<module>/), against only the test files that cover it, so a
run stays feasible on a small shared machine. The package is laid out there as
src/wenzheng_bridge: mutmut puts mutants/src first on sys.path, so the tests
import the mutated copy rather than the editable install.

    python bench/mutate.py                       # every module below
    python bench/mutate.py store fetching        # some of them (names as in TARGETS)
    python bench/mutate.py --max-children 1 status

Scores (killed / (total - skipped), timeouts count as killed, as mutmut's own
badge does) and every survivor's diff go to bench/work/mutate/scores.md; the
curated list with reasons is bench/RESULTS-mutation.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "mutate"
PACKAGE = "wenzheng_bridge"

# module (under plugins/wenzheng_bridge) -> the test files that cover it.
TARGETS: dict[str, tuple[str, list[str]]] = {
    "status": ("caseview/status.py", ["tests/test_caseview_status.py", "tests/test_mutation_status.py"]),
    "workdays": ("caseview/workdays.py", ["tests/test_caseview_workdays.py", "tests/test_properties_workdays.py"]),
    "stats": ("caseview/stats.py", ["tests/test_caseview_stats.py", "tests/test_caseview_unranked.py",
                                    "tests/test_independent_expectations.py", "tests/test_mutation_stats.py",
                                    "tests/test_mutation_stats2.py"]),
    "trending": ("caseview/trending.py", ["tests/test_caseview_trending.py",
                                          "tests/test_independent_expectations.py", "tests/test_mutation_trending.py"]),
    "masking": ("trust/masking.py", ["tests/test_trust_masking.py", "tests/test_properties_masking.py",
                                   "tests/test_mutation_masking.py", "tests/test_mutation_masking2.py"]),
    "sanitize": ("trust/sanitize.py", ["tests/test_trust_sanitize.py", "tests/test_properties_sanitize.py",
                                     "tests/test_mutation_sanitize.py"]),
    # The OUTPUTS entries (withdraw_private, withdraw_gated) are otherwise reached only by full Pelican
    # builds (test_newsroom_safety_build.py), too slow per mutant: test_mutation_gates.py calls them directly.
    "gates": ("trust/gates.py", ["tests/test_trust_gates.py", "tests/test_mutation_gates.py"]),
    "store": ("store.py", ["tests/test_store.py", "tests/test_mutation_store.py"]),
    "common": ("sources/common.py", ["tests/test_table_source.py", "tests/test_places_and_inference.py",
                                     "tests/test_mutation_survivors.py", "tests/test_mutation_common.py"]),
    # from_settings, post and http_url_problem are otherwise reached only by the source tests (a fixture
    # forum per test, seconds a mutant): test_mutation_fetching.py calls them on a scripted local server.
    "fetching": ("fetching.py", ["tests/test_mutation_fetching.py", "tests/test_fetching.py"]),
}
# Project files the tests read besides tests/ (ROOT in tests/conftest.py is the mutants folder).
ALSO_COPY = ["data/", "content/", "theme/", "pelicanconf.py", "publishconf.py"]


def project_files() -> list[str]:
    """Tracked files plus new ones not yet committed (but never ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def scratch_copy(name: str, module: str, tests: list[str]) -> tuple[Path, list[str]]:
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for relative in project_files():
        if relative.startswith("bench/work/"):
            continue
        target = relative.replace(f"plugins/{PACKAGE}/", f"src/{PACKAGE}/", 1)
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, folder / target)
    # Tests find the shared sample as ROOT.parent/"shared"; ROOT there is <folder>/mutants.
    shared = ROOT.parent / "shared"
    if shared.exists():
        (folder / "shared").symlink_to(shared)
    tests = [t for t in tests if (folder / t).exists()]
    config = "\n".join([
        "", "[tool.mutmut]",
        f'source_paths = ["src/{PACKAGE}"]',
        f'only_mutate = ["src/{PACKAGE}/{module}"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        f"also_copy = {json.dumps(ALSO_COPY)}",
        "",
    ])
    with open(folder / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(config)
    return folder, tests


def deselect(folder: Path, broken: list[str]) -> None:
    arguments = ["-p", "no:cacheprovider", "-q"] + [f"--deselect={test}" for test in broken]
    with open(folder / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(f"pytest_add_cli_args = {json.dumps(arguments, ensure_ascii=False)}\n")


def failing_now(folder: Path, tests: list[str]) -> list[str]:
    """Tests that fail on the unmutated code: mutmut needs a green selection, so they are
    deselected and named in the report rather than silently dropped."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *tests],
                          cwd=folder, capture_output=True, text=True)
    return [line.split()[1] for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]


def mutmut(folder: Path, *args: str, check: bool = True) -> str:
    binary = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([str(binary), *args], cwd=folder, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"mutmut {' '.join(args)} failed in {folder}")
    return done.stdout


# One process walks every mutant not killed (a `mutmut show` per mutant costs seconds each);
# the diff is shown for survivors, only the name for mutants no test reached.
_NOT_KILLED = """
import json, sys
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files
out = []
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for key, code in data.exit_code_by_key.items():
        status = status_by_exit_code[code]
        if status != "killed":
            diff = get_diff_for_mutant(key, path=path) if status in ("survived", "suspicious") else ""
            out.append({"mutant": key, "status": status, "diff": diff})
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def not_killed(folder: Path) -> list[dict]:
    done = subprocess.run([sys.executable, "-c", _NOT_KILLED], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"读取 {folder} 的 mutmut 结果失败：{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def case_only(diff: str) -> bool:
    """A mutant that only changes the letter case of a string: SQL keywords and identifiers, and the
    keys of sqlite3.Row, are case-insensitive, so such a mutant cannot change behaviour (equivalent)."""
    changed = [line[1:] for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return len(changed) == 2 and changed[0] != changed[1] and changed[0].lower() == changed[1].lower()


def run_one(name: str, max_children: int) -> dict:
    module, tests = TARGETS[name]
    folder, tests = scratch_copy(name, module, tests)
    started = time.monotonic()
    broken = failing_now(folder, tests)
    deselect(folder, broken)
    mutmut(folder, "run", "--max-children", str(max_children), check=False)
    seconds = time.monotonic() - started
    mutmut(folder, "export-cicd-stats")
    stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text())
    survivors = not_killed(folder)
    tested = stats.get("total", 0) - stats.get("skipped", 0)
    killed = stats.get("killed", 0) + stats.get("timeout", 0)
    equivalent = [s for s in survivors if s["status"] == "survived" and case_only(s["diff"])]
    for survivor in equivalent:
        survivor["status"] = "equivalent: letter case only"
    return {"name": name, "module": module, "tests": tests, "seconds": round(seconds),
            "stats": stats, "deselected": broken, "score": round(100 * killed / tested, 1) if tested else 0.0,
            "equivalent": len(equivalent),
            "score_less_equivalent": round(100 * killed / (tested - len(equivalent)), 1) if tested else 0.0,
            "survivors": survivors}


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "plugins", "tests"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def write_report(results: list[dict], name: str = "scores") -> Path:
    lines = [f"# mutmut scores ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
             "Score: (killed + timeout) / (mutants - skipped). Time: the module's whole run (a baseline",
             "test run, mutmut's coverage run, every mutant), with the 1-minute load average after it.", "",
             "Less equivalent: the same with the case-only string mutants (see case_only) taken out.", "",
             "| module | mutants | killed | timeout | survived | no tests | score | less equivalent | time | load |"
             " commit | command |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["stats"]
        lines.append(f"| {r['module']} | {s.get('total', 0)} | {s.get('killed', 0)} | {s.get('timeout', 0)} | "
                     f"{s.get('survived', 0)} | {s.get('no_tests', 0)} | {r['score']}% | "
                     f"{r.get('score_less_equivalent', r['score'])}% ({r.get('equivalent', 0)}) | {r['seconds']} s | "
                     f"{r.get('load', '')} | {r.get('commit', '')} | `{r.get('command', '')}` |")
    for r in results:
        lines += ["", f"## {r['module']}: not killed", "", "Tests: " + ", ".join(r["tests"]), ""]
        if r["deselected"]:
            lines += ["Deselected (failing on the unmutated code): " + ", ".join(r["deselected"]), ""]
        for survivor in r["survivors"]:
            if survivor["diff"] and not survivor["status"].startswith("equivalent"):
                lines += [f"### {survivor['mutant']} ({survivor['status']})", "", "```diff",
                          survivor["diff"].strip(), "```", ""]
        others = [f"{s['mutant']} ({s['status']})" for s in r["survivors"]
                  if not s["diff"] or s["status"].startswith("equivalent")]
        if others:
            lines += ["Equivalent (letter case only), not reached by the selected tests, or timed out"
                      " (counted as killed):", ""]
            lines += [f"- {name}" for name in others] + [""]
    report = WORK / f"{name}.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (WORK / f"{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="some of: " + " ".join(TARGETS))
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--report", default="scores", help="report name under bench/work/mutate/ (for runs side by side)")
    options = parser.parse_args(argv)
    unknown = [name for name in options.modules if name not in TARGETS]
    if unknown:
        parser.error(f"未知的模块：{' '.join(unknown)}（可选：{' '.join(TARGETS)}）")
    previous = WORK / f"{options.report}.json"
    # Earlier runs' modules stay in the report (each with its own commit and command) until rerun.
    kept = {r["name"]: r for r in json.loads(previous.read_text())} if previous.exists() else {}
    command = "python bench/mutate.py " + " ".join(argv if argv is not None else sys.argv[1:])
    for name in options.modules or list(TARGETS):
        result = run_one(name, options.max_children)
        result.update(commit=commit(), command=command, load=round(os.getloadavg()[0], 1))
        kept[name] = result
        results = [kept[n] for n in TARGETS if n in kept]
        print(f"{result['module']}: {result['score']}% killed of {result['stats'].get('total', 0)} "
              f"in {result['seconds']} s", flush=True)
        report = write_report(results, options.report)
    print(f"详见 {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
