"""``wenzheng pull`` and ``wenzheng status``."""
from __future__ import annotations

import argparse
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import Command
from ..pull import pull
from ..store import Store

OUTCOMES = {"new": "新增", "updated": "更新", "unchanged": "未变", "failed": "失败", "gone": "消失"}


def _pull_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", metavar="来源", help="只拉取这个来源")


def _pull(args, settings) -> int:
    console = Console(stderr=True)
    counts: Counter = Counter()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed} 条"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("拉取中", total=None)

        def on_item(source: str, outcome: str) -> None:
            counts[outcome] += 1
            progress.update(task, advance=1, description=f"拉取 {source}（新增 {counts['new']}，失败 {counts['failed']}）")

        results = pull(settings, only=args.source, on_item=on_item)
    table = Table(title="拉取结果")
    table.add_column("来源")
    for label in OUTCOMES.values():
        table.add_column(label, justify="right")
    for name, tally in results.items():
        table.add_row(name, *(str(v) for v in tally.as_dict().values()))
    out = Console()
    out.print(table)
    failed = False
    for name, tally in results.items():
        for warning in tally.warnings[:50]:
            console.print(f"[yellow]注意[/yellow] {warning}", highlight=False)
        if len(tally.warnings) > 50:
            console.print(f"……另有 {len(tally.warnings) - 50} 条注意事项（来源 {name}）")
        for error in tally.errors[:50]:
            console.print(f"[red]错误[/red] {error}", highlight=False)
        if len(tally.errors) > 50:
            console.print(f"……另有 {len(tally.errors) - 50} 条错误（来源 {name}）")
        failed |= tally.failed > 0
    return 1 if failed else 0


def _status(args, settings) -> int:
    out = Console()
    with Store.open(settings["WENZHENG_STORE"]) as store:
        out.print(f"留言总数：[bold]{store.count()}[/bold]　数据库：{store.path}")
        last = store.last_pulls()
        for column, label in (("source", "来源"), ("board", "板块"), ("type", "类型"), ("field", "领域")):
            table = Table(title=f"按{label}")
            table.add_column(label)
            table.add_column("留言数", justify="right")
            if column == "source":
                table.add_column("最近拉取")
            for name, count in store.counts_by(column):
                row = [name, str(count)] + ([last.get(name, "从未")] if column == "source" else [])
                table.add_row(*row)
            out.print(table)
    return 0


PULL = Command("从配置的来源拉取留言到数据库", _pull_arguments, _pull)
STATUS = Command("显示数据库概况：总数、各来源/板块/类型/领域的数量、最近拉取时间", lambda p: None, _status)
