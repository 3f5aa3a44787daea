"""The ``wenzheng`` command: one subcommand per job, declared in one place.

A subcommand is a ``Command`` in its module under ``commands/``, registered
below on ``commands.COMMANDS`` (the extension point a plugin uses too).
"""
from __future__ import annotations

import argparse
import logging
import sys

from .commands import COMMANDS, command, desk, events, newsroom, pull, report, results, settings, stats, themes
from .commands.parser import ChineseParser
from .errors import WenzhengError, bug_notice
from .settings import load as load_settings

# One line per subcommand, in --help order.
command("pull", pull.PULL)
command("status", pull.STATUS)
command("settings", settings.SETTINGS)
command("stats", stats.STATS)
command("report", report.REPORT)
command("results", results.RESULTS)
command("budget", newsroom.BUDGET)
command("claim", newsroom.CLAIM)
command("unclaim", newsroom.UNCLAIM)
command("followup", newsroom.FOLLOWUP)
command("draft", newsroom.DRAFT)
command("drafts", newsroom.DRAFTS)
command("takedown", newsroom.TAKEDOWN)
command("clear", newsroom.CLEAR)
command("restore", newsroom.RESTORE)
command("check", newsroom.CHECK)
command("event", events.EVENT)
command("events", events.EVENTS)
command("theme", themes.THEME)
command("themes", themes.THEMES)
command("desk", desk.DESK)
command("desk-user", desk.DESK_USER)


def parser() -> argparse.ArgumentParser:
    top = ChineseParser(prog="wenzheng", description="零距离问政：拉取问政留言、生成选题单与稿件、构建跟踪网站")
    top.add_argument("-s", "--settings", default="pelicanconf.py", metavar="设置文件", help="Pelican 设置文件（默认 pelicanconf.py）")
    top.add_argument("-v", "--verbose", action="store_true", help="输出调试信息")
    top.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈（报告程序缺陷时用）")
    subs = top.add_subparsers(dest="command", required=True, metavar="命令")
    for entry in COMMANDS.entries():
        sub = subs.add_parser(entry.name, help=entry.doc, description=entry.doc)
        entry.target.add_arguments(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand. A user's mistake is one Chinese message and exit status 2;
    a bug is a short notice and exit status 1, with the traceback only under ``--debug``."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose or args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        loaded = load_settings(args.settings)
        return COMMANDS[args.command].run(args, loaded)
    except WenzhengError as error:
        if args.debug:
            raise
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            raise
        print(bug_notice(error), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
