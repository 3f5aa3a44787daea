"""Pull to publish (issue 18): a pull of 100 changed and new cases from a local forum, then the site.

    .venv/bin/python bench/run.py 10000 --only "" --pull-to-publish [--verify] [--profile]

The chain a newsroom runs after each pull, each step a child process measured
by run.measure (wall, CPU of the tree, peak memory):

1. **pull**: ``wenzheng_bridge.pull.pull`` (what ``wenzheng pull`` runs) of a
   Discuz! X3.4 forum source from the fixture server of tests/webfixtures on
   127.0.0.1, into a copy of the bench store. The pull's "now" is the bench's
   change time (make_store.CHANGED_AT), not the clock, so the site's fixed
   WENZHENG_NOW comes after it; that is the only difference from the command.
2. **rebuild**: ``pelican`` with the bench settings and WENZHENG_SEARCH on, the
   site's two finalizers (search index, output scan) taken off the registry so
   that they are timed as steps 3 and 4 (they run the same functions).
3. **search index update**: ``python -m wenzheng_bridge.site.search OUTPUT``
   (the index files whose bytes change are written; the rest keep theirs).
4. **output scan**: ``trust.scan.scan_output`` with the build's settings (only
   files changed since the last clean scan are read).

Before the chain the same four steps run from nothing (full build, index, scan)
to give the published state the pull starts from; their figures are shown too.

The change set (``change_set``): the forum serves 100 threads, the cases a real
pull would find changed: 40 unanswered cases get the spokesperson's reply
(status 待回复/逾期未复 -> 已回复), 28 get a resident's addition (网友补充),
1 has its title and first post edited (Discuz!'s "本帖最后由 … 编辑"), 30 are new
threads posted in the last three days, and 1 is taken down: the forum answers
"主题不存在或已被删除" for the most recently active stored thread, which the
forum source's recheck (recheck_max 1, cycle off) reads again and reports gone.
Threads not in the change set are not served, so the pull's cost is the
change set's (a real forum's list walk stops at the first unchanged page; the
recheck is capped at one thread here where the default reads up to 500).
"""
from __future__ import annotations

import json
import random
import shutil
import sys
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: Finalizers the rebuild step leaves to steps 3 and 4 (site/outputs.py).
SPLIT_FINALIZERS = ("search_index", "scan")
SPOKESPERSON = "问政发言人"
SPOKESPERSON_UNIT = "A市网络发言人办公室"
ADDITION = "补充：问题至今仍未解决，希望有关部门尽快处理。"
EDIT_NOTE = "（已补充现场照片和位置说明）"


# -- child processes (no sys.path changes: PYTHONPATH picks the measured code) ----------------
def child_site(argv: list[str]) -> int:
    """``pelican ARGS`` without the search-index and scan finalizers."""
    from wenzheng_bridge.site.outputs import FINALIZERS

    for name in SPLIT_FINALIZERS:
        FINALIZERS.unregister(name)
    from pelican import main

    main(argv)
    return 0


def child_pull(argv: list[str]) -> int:
    """``pull(settings, now=NOW)`` as ``wenzheng pull`` runs it; prints the tallies as JSON."""
    from datetime import datetime

    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import load

    settings_file, now = argv
    results = pull(load(settings_file), now=datetime.fromisoformat(now))
    for tally in results.values():
        for error in tally.errors[:20]:
            print(error, file=sys.stderr)
    print(json.dumps({name: {**t.as_dict(), "errors": t.errors[:5]} for name, t in results.items()},
                     ensure_ascii=False))
    return 1 if any(t.failed for t in results.values()) else 0


def child_scan(argv: list[str]) -> int:
    """The output scan finalizer on a built output folder; prints what it read as JSON."""
    from types import SimpleNamespace

    from wenzheng_bridge.settings import load
    from wenzheng_bridge.trust.scan import scan_output

    settings_file, output = argv
    report = scan_output(SimpleNamespace(settings=load(settings_file), output_path=output))
    print(json.dumps({"scanned": len(report.scanned), "bytes_read": report.bytes_read,
                      "unchanged": report.unchanged} if report else {"scanned": None}))
    return 0


CHILDREN = {"site": child_site, "pull": child_pull, "scan": child_scan}


# -- the change set ------------------------------------------------------------------------------
def _thread(tid: int, fid: int, petition, posts: list) -> "Thread":  # noqa: F821
    from webfixtures import Post, Thread
    from webfixtures.data import _PLATFORM_TYPE

    first = Post(tid * 100, petition.author or "游客", petition.posted, petition.body or petition.title)
    thread = Thread(tid=tid, fid=fid, subject=petition.title, posts=[first], views=(petition.likes or 0) * 10,
                    type_name=_PLATFORM_TYPE.get(petition.type, ""), likes=petition.likes or 0,
                    field=petition.field)
    for reply in petition.replies:  # the stored reply's id is its post id, so the pull sees the same reply
        pid = int(reply.reply_id) if reply.reply_id.isdigit() else tid * 100 + len(thread.posts)
        thread.posts.append(Post(pid, SPOKESPERSON, reply.time or petition.posted, reply.text))
    for author, when, text in posts:
        thread.posts.append(Post(tid * 100 + len(thread.posts), author, when, text))
    thread.state = "已办结" if thread.replies else "办理中"
    return thread


def change_set(store_path: Path, count: int = 100, seed: int = 0) -> tuple["ForumData", list[dict]]:  # noqa: F821
    """The forum a pull of ``count`` changed and new cases reads, and what was changed, case by case.

    Shares: 40% replies, 29% resident's additions (one of them an edited title
    and first post instead), 30% new, one takedown (see the module docstring).
    """
    import make_store
    from webfixtures import ForumData
    from wenzheng_bridge.records import from_iso
    from wenzheng_bridge.store import Store

    seed = seed or make_store.SEED
    rng = random.Random(seed + 3)
    maker = make_store.CaseMaker(make_store.templates(make_store.real_petitions()), seed + 3)
    at = make_store.CHANGED_AT
    answered, added = int(count * 0.4), int(count * 0.3)
    edited = count - answered - added - 1
    data, changes, fids = ForumData(), [], {}

    def fid(board: str) -> int:
        return fids.setdefault(board, len(fids) + 2)

    with Store.open(store_path, readonly=True) as store:
        active = store.activity(make_store.SOURCE)
        numbers = [int(sid) for sid, _ in active if sid.isdigit()]
        waiting = [r[0] for r in store.db.execute(
            "SELECT source_id FROM petitions p WHERE source=? AND gone_since IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM replies r WHERE r.petition_id = p.id) ORDER BY id", (make_store.SOURCE,))]
        to_answer = rng.sample(waiting, min(answered, len(waiting)))
        others = sorted(set(str(n) for n in numbers) - set(to_answer), key=int)
        to_edit = rng.sample(others, edited + answered - len(to_answer))
        for sid in to_answer:
            petition = store.petition(f"{make_store.SOURCE}-{sid}")
            reply = (SPOKESPERSON, at - timedelta(hours=rng.randint(1, 20)), maker.reply_text(petition.board))
            data.threads[int(sid)] = _thread(int(sid), fid(petition.board), petition, [reply])
            changes.append({"case": petition.key, "what": "reply"})
        for index, sid in enumerate(to_edit):
            petition = store.petition(f"{make_store.SOURCE}-{sid}")
            when = at - timedelta(hours=rng.randint(1, 20))
            if index == 0:  # the author edits title and first post; Discuz! notes the edit in the post
                petition.title += EDIT_NOTE
                petition.body += "\n现场照片已补充，位置在小区东门。"
                thread = _thread(int(sid), fid(petition.board), petition, [])
                thread.first.edited = f"本帖最后由 {petition.author} 于 {when:%Y-%-m-%-d %H:%M} 编辑"
                changes.append({"case": petition.key, "what": "edited"})
            else:
                thread = _thread(int(sid), fid(petition.board), petition, [(petition.author, when, ADDITION)])
                changes.append({"case": petition.key, "what": "addition"})
            data.threads[int(sid)] = thread
        first_new = max(numbers, default=0) + 1
        for number in range(first_new, first_new + count - answered - edited - 1):
            petition = maker.case(number)
            petition.posted = at - timedelta(hours=rng.randint(2, 72))
            petition.replies, petition.reply_count = [], 0
            data.threads[number] = _thread(number, fid(petition.board), petition, [])
            changes.append({"case": petition.key, "what": "new"})
        # The forum source's recheck reads the most recently active thread it did not open this pull.
        served = {str(tid) for tid in data.threads}
        recent = sorted(((from_iso(last), sid) for sid, last in active if sid not in served and last),
                        reverse=True)
        changes.append({"case": f"{make_store.SOURCE}-{recent[0][1]}", "what": "takedown"})
    data.boards = {number: board for board, number in fids.items()}
    return data, changes


def forum_source(base: str, fids: list[int]) -> dict:
    """The bench store's source as a Discuz! forum (same name, so a thread is the stored case)."""
    import make_store

    return {"name": make_store.SOURCE, "kind": "forum", "url": base, "fids": sorted(fids), "rate_limit": 0,
            "spokespersons": {SPOKESPERSON: SPOKESPERSON_UNIT}, "recheck_days": 3650, "recheck_cycle": 0,
            "recheck_max": 1}


def _serve(data, now, queue) -> None:
    import time

    from webfixtures import FixtureServer

    with FixtureServer(data, now=now) as server:
        queue.put(server.base)
        while True:
            time.sleep(3600)


class ForumServer:
    """The change set's forum on 127.0.0.1, in a forked child (so it costs the measured steps nothing)."""

    def __init__(self, data, now):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.queue = context.Queue()
        self.process = context.Process(target=_serve, args=(data, now, self.queue), daemon=True)

    def __enter__(self) -> str:
        self.process.start()
        return self.queue.get(timeout=120)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.join()


# -- the chain -------------------------------------------------------------------------------------
STEPS = ("pull", "rebuild", "search", "scan")


class Chain:
    """Paths and commands of the pull-to-publish chain for one bench Work folder."""

    def __init__(self, run, work, name: str = "pull"):
        self.run, self.work = run, work
        self.dir = work.dir / name
        self.store = self.dir / "store.sqlite3"
        self.output = work.output(name)
        self.cache = self.dir / "cache"
        self.settings = run.bench_settings(work, path=self.dir / "siteconf.py", store=self.store,
                                           cache=self.cache, search=True)

    def env(self) -> dict:
        return {**self.run.CODE.env, "COLUMNS": "400"}  # Pelican's log lines unwrapped

    def rendered(self, name: str) -> dict:
        """The generator's own counts from a rebuild's log: public cases, case pages rendered, files changed."""
        import re

        text = (self.work.logs / f"pull-{name}.log").read_text(encoding="utf-8", errors="replace")
        found = {}
        for key, pattern in (("public", r"其中 (\d+) 件公开"), ("rendered", r"重新生成 (\d+) 个案件页"),
                             ("written", r"写出 (\d+) 个文件"), ("changed", r"其中 (\d+) 个有变化")):
            match = re.search(pattern, text)
            if match:
                found[key] = int(match.group(1))
        return found

    def child(self, *args: str) -> list[str]:
        return [str(self.run.PYTHON), str(HERE / "pull_publish.py"), *args]

    def site_command(self, output: Path) -> list[str]:
        # -v: the generator logs how many case pages it rendered and how many files changed (read by rendered()).
        return self.child("site", str(self.work.content), "-s", str(self.settings), "-o", str(output), "-v")

    def search_command(self, output: Path) -> list[str]:
        return [str(self.run.PYTHON), "-m", "wenzheng_bridge.site.search", str(output)]

    def measure(self, name: str, command: list[str]):
        return self.run.measure(name, command, self.work.logs / f"pull-{name}.log", cwd=ROOT, env=self.env())

    def last_json(self, name: str) -> dict:
        lines = (self.work.logs / f"pull-{name}.log").read_text(encoding="utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            if line.startswith("{"):
                return json.loads(line)
        return {}

    def publish(self, output: Path, prefix: str) -> dict:
        """Steps 2-4 into ``output``: build, search index, scan; the measurements by step."""
        steps = {"rebuild": self.measure(f"{prefix}rebuild", self.site_command(output))}
        steps["search"] = self.measure(f"{prefix}search", self.search_command(output))
        if prefix != "verify-":
            steps["scan"] = self.measure(f"{prefix}scan", self.child("scan", str(self.settings), str(output)))
        return steps


def _brief(m) -> dict:
    return {**asdict(m), "cpu": m.cpu, "peak_mb": m.peak_mb}


def run_chain(run, work, seed: int, changes: int = 100, verify: bool = False, profile: bool = False) -> dict:
    """Full publish from the pristine store, then a pull of ``changes`` cases and the chain, step by step."""
    import make_store

    if str(ROOT / "tests") not in sys.path:
        sys.path.append(str(ROOT / "tests"))  # webfixtures: the fixture forum
    shutil.rmtree(work.dir / "pull", ignore_errors=True)
    shutil.rmtree(work.output("pull"), ignore_errors=True)
    chain = Chain(run, work)
    shutil.copy(work.store, chain.store)
    report: dict = {"code": run.CODE.label, "load": run.load_average()}
    print(f"[{work.count}] pull to publish: full publish first …", flush=True)
    full = chain.publish(chain.output, "full-")
    report["full"] = {name: _brief(m) for name, m in full.items()}
    failed = [f"full-{name}" for name, m in full.items() if not m.ok]
    if failed:
        report["failed"] = failed
        return report
    report["full"]["search"]["result"] = chain.last_json("full-search")
    report["full"]["scan"]["result"] = chain.last_json("full-scan")

    data, applied = change_set(chain.store, changes, seed)
    report["changes"] = applied
    now = make_store.CHANGED_AT
    before = run.snapshot(chain.output)
    with ForumServer(data, now) as base:
        pullconf = chain.dir / "pullconf.py"
        pullconf.write_text(chain.settings.read_text(encoding="utf-8")
                            + f"WENZHENG_SOURCES = [{forum_source(base, list(data.boards))!r}]\n", encoding="utf-8")
        print(f"[{work.count}] pull to publish: {len(applied)} changes served at {base} …", flush=True)
        steps = {"pull": chain.measure("pull", chain.child("pull", str(pullconf), now.isoformat()))}
    report["pull_result"] = chain.last_json("pull")
    snapshots = [before]
    steps["rebuild"] = chain.measure("rebuild", chain.site_command(chain.output))
    snapshots.append(run.snapshot(chain.output))
    steps["search"] = chain.measure("search", chain.search_command(chain.output))
    snapshots.append(run.snapshot(chain.output))
    steps["scan"] = chain.measure("scan", chain.child("scan", str(chain.settings), str(chain.output)))
    after = snapshots[-1]
    report["steps"] = {name: _brief(m) for name, m in steps.items()}
    report["steps"]["rebuild"]["result"] = chain.rendered("rebuild")
    report["full"]["rebuild"]["result"] = chain.rendered("full-rebuild")
    for name, (old, new) in (("rebuild", snapshots[:2]), ("search", snapshots[1:])):
        diff = run.compare(old, new)
        report["steps"][name]["files"] = {k: (v if isinstance(v, int) else len(v)) for k, v in diff.items()}
    report["steps"]["search"]["result"] = chain.last_json("search")
    report["steps"]["scan"]["result"] = chain.last_json("scan")
    report["total"] = {"wall": sum(m.wall for m in steps.values()), "cpu": sum(m.cpu for m in steps.values()),
                       "peak_mb": max(m.peak_mb for m in steps.values())}
    report["failed"] = [name for name, m in steps.items() if not m.ok]
    diff = run.compare(before, snapshots[1])  # what the site rebuild did
    report["output"] = {k: (v if isinstance(v, int) else len(v)) for k, v in diff.items()}
    report["output_by_folder"] = {k: run.by_folder(v) for k, v in diff.items() if isinstance(v, list) and v}
    print(f"[{work.count}] pull to publish: " + ", ".join(f"{n} {m.wall:.1f} s" for n, m in steps.items())
          + f"; total {report['total']['wall']:.1f} s", flush=True)
    if verify:
        report["verify"] = verify_chain(chain, after)
    if profile:
        report["profile"] = profile_rebuild(chain, seed, changes)
    return report


def verify_chain(chain: Chain, after: dict) -> dict:
    """A clean full build (and index) of the pulled store into another folder: the same bytes?"""
    fresh = chain.work.output("pull-verify")
    shutil.rmtree(fresh, ignore_errors=True)
    clean_cache = chain.dir / "verify-cache"
    shutil.rmtree(clean_cache, ignore_errors=True)
    settings = chain.run.bench_settings(chain.work, path=chain.dir / "verifyconf.py", store=chain.store,
                                        cache=clean_cache, search=True)
    command = chain.site_command(fresh)
    command[command.index("-s") + 1] = str(settings)
    built = chain.measure("verify-rebuild", command)
    chain.measure("verify-search", chain.search_command(fresh))
    theirs = chain.run.snapshot(fresh)
    differs = sorted(p for p in set(theirs) | set(after)
                     if p not in theirs or p not in after or theirs[p][2] != after[p][2])
    return {"identical": built.ok and not differs, "differs": differs[:20], "build_ok": built.ok,
            "files": len(theirs)}


def profile_rebuild(chain: Chain, seed: int, changes: int) -> dict:
    """A second pull of ``changes`` other cases, its rebuild under py-spy (forked workers included)."""
    import make_store

    spy = shutil.which("py-spy", path=str(chain.run.PYTHON.parent)) or shutil.which("py-spy")
    if not spy:
        return {"error": "找不到 py-spy：请先运行 .venv/bin/pip install -e '.[bench]'"}
    data, applied = change_set(chain.store, changes, seed + 1000)
    pullconf = chain.dir / "pullconf.py"
    with ForumServer(data, make_store.CHANGED_AT) as base:
        text = chain.settings.read_text(encoding="utf-8")
        pullconf.write_text(text + f"WENZHENG_SOURCES = [{forum_source(base, list(data.boards))!r}]\n",
                            encoding="utf-8")
        pulled = chain.measure("profile-pull", chain.child("pull", str(pullconf), make_store.CHANGED_AT.isoformat()))
    raw = chain.dir / "rebuild.pyspy"
    command = [spy, "record", "--subprocesses", "--rate", "50", "--format", "raw", "-o", str(raw), "--",
               *chain.site_command(chain.output)]
    result = chain.measure("profile-rebuild", command)
    summary = chain.run.profile_summary(raw, 25) if raw.exists() else ""
    (chain.work.dir / "pull-profile.txt").write_text(
        f"# {result.command}\n# wall {result.wall:.1f} s, CPU {result.cpu:.1f} s under py-spy\n" + summary,
        encoding="utf-8")
    return {"pull_ok": pulled.ok, "changes": len(applied), "wall": result.wall, "cpu": result.cpu,
            "ok": result.ok, "summary": summary}


# -- the report ------------------------------------------------------------------------------------
LABELS = {"pull": "1. pull (Discuz! forum on 127.0.0.1 -> store)", "rebuild": "2. site rebuild (`pelican`)",
          "search": "3. search index update (`python -m wenzheng_bridge.site.search`)",
          "scan": "4. output scan (`trust.scan.scan_output`)"}


def _row(label: str, m: dict, extra: str = "") -> str:
    return (f"| {label} | {m['wall']:,.1f} | {m['cpu']:,.1f} | {m['peak_process_mb']:,.0f} | {m['peak_tree_mb']:,.0f}"
            f" | {'ok' if m['returncode'] == 0 else 'exit ' + str(m['returncode'])} | {extra} |")


def section(count: int, report: dict, command: str) -> str:
    kinds: dict[str, int] = {}
    for item in report.get("changes", []):
        kinds[item["what"]] = kinds.get(item["what"], 0) + 1
    head = ["| step | wall s | CPU s | peak RSS, largest process MB | peak PSS, tree MB | status | what it did |",
            "|---|---:|---:|---:|---:|---|---|"]
    lines = [f"## Pull to publish, N = {count:,} cases", "",
             f"Command: `{command}`; code: {report['code']}; load average at the start: {report['load']}.", ""]
    if "steps" not in report:
        return "\n".join(lines + [f"Failed before the pull: {report.get('failed')}"]) + "\n"
    pulled = next(iter(report["pull_result"].values()), {}) if report.get("pull_result") else {}
    out = report["output"]
    folders = report["output_by_folder"]
    made = report["steps"]["rebuild"].get("result") or {}
    index = report["steps"]["search"].get("result") or {}
    found = report["steps"]["search"].get("files") or {}
    rows = {
        "pull": ", ".join(f"{k} {v}" for k, v in pulled.items() if k != "errors" and v),
        "rebuild": (f"{made['rendered']:,} of {made['public']:,} public case pages rendered; " if "rendered" in made else "")
                   + f"{out['changed']} files with new bytes, {out['new']} new, {out['deleted']} deleted,"
                   f" {out['rewritten_same_bytes']} rewritten with the same bytes, {out['unchanged']:,} untouched",
        "search": f"{index.get('action')}: {index.get('cases', 0):,} cases, {index.get('files', 0):,} index files;"
                  f" files: {found.get('changed', 0)} with new bytes,"
                  f" {found.get('new', 0)} new, {found.get('deleted', 0)} deleted,"
                  f" {found.get('rewritten_same_bytes', 0)} rewritten with the same bytes",
        "scan": "{scanned} files read ({mb:.1f} MB), {unchanged:,} unchanged".format(
            mb=report["steps"]["scan"]["result"].get("bytes_read", 0) / 1e6, **report["steps"]["scan"]["result"])
        if report["steps"]["scan"].get("result", {}).get("scanned") is not None else "",
    }
    lines += [f"Changes served (Discuz! threads): {', '.join(f'{v} {k}' for k, v in kinds.items())}.", ""]
    lines += head + [_row(LABELS[n], m, rows.get(n, "")) for n, m in report["steps"].items()]
    total = report["total"]
    lines += [f"| **total** | **{total['wall']:,.1f}** | **{total['cpu']:,.1f}** | | {total['peak_mb']:,.0f} (largest step)"
              " | | target at 100,000: ≤ 15 s wall |", ""]
    for kind in ("changed", "new", "deleted"):
        if folders.get(kind):
            lines.append(f"- rebuild, {kind} by folder: " + ", ".join(f"{k}/ {v:,}" for k, v in folders[kind].items()))
    full = report["full"]
    lines += ["", "The published state the pull starts from (same settings, from nothing): "
              + "; ".join(f"{name} {m['wall']:.1f} s wall, {m['cpu']:.1f} CPU s, {m['peak_mb']:.0f} MB"
                          for name, m in full.items())
              + f"; chain / full publish by wall time: "
              f"{total['wall'] / sum(m['wall'] for m in full.values()):.2f}."]
    if "verify" in report:
        v = report["verify"]
        lines.append(f"- output identical to a clean full build and index of the pulled store "
                     f"({v['files']:,} files, compared byte by byte): "
                     + ("yes" if v["identical"] else "NO: " + ", ".join(v["differs"][:8])))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        sys.exit(CHILDREN[sys.argv[1]](sys.argv[2:]))
    sys.exit("run it through bench/run.py N --pull-to-publish (this file's own arguments are the chain's child steps)")
