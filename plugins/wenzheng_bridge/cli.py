"""The ``wenzheng`` command: one subcommand per job, declared in one place.

A subcommand is a ``Command`` in its module under ``commands/``; ``COMMANDS``
maps its name to "module:attribute" and is imported on use, so ``wenzheng
pull`` never pays for loading the site generator.
"""
from __future__ import annotations

import argparse
import logging
import sys
from importlib import import_module

from .commands import Command
from .commands.parser import ChineseParser
from .errors import WenzhengError, bug_notice

COMMANDS: dict[str, str] = {
    "pull": "wenzheng_bridge.commands.pull:PULL",
    "status": "wenzheng_bridge.commands.pull:STATUS",
    "settings": "wenzheng_bridge.commands.settings:SETTINGS",
    "stats": "wenzheng_bridge.commands.stats:STATS",
    "report": "wenzheng_bridge.commands.report:REPORT",
    "results": "wenzheng_bridge.commands.results:RESULTS",
    "budget": "wenzheng_bridge.commands.newsroom:BUDGET",
    "claim": "wenzheng_bridge.commands.newsroom:CLAIM",
    "unclaim": "wenzheng_bridge.commands.newsroom:UNCLAIM",
    "followup": "wenzheng_bridge.commands.newsroom:FOLLOWUP",
    "draft": "wenzheng_bridge.commands.newsroom:DRAFT",
    "drafts": "wenzheng_bridge.commands.newsroom:DRAFTS",
    "takedown": "wenzheng_bridge.commands.newsroom:TAKEDOWN",
    "clear": "wenzheng_bridge.commands.newsroom:CLEAR",
    "restore": "wenzheng_bridge.commands.newsroom:RESTORE",
    "check": "wenzheng_bridge.commands.newsroom:CHECK",
    "event": "wenzheng_bridge.commands.events:EVENT",
    "events": "wenzheng_bridge.commands.events:EVENTS",
    "theme": "wenzheng_bridge.commands.themes:THEME",
    "themes": "wenzheng_bridge.commands.themes:THEMES",
    "desk": "wenzheng_bridge.commands.desk:DESK",
    "desk-user": "wenzheng_bridge.commands.desk:DESK_USER",
}


def load_command(name: str) -> Command:
    module, attribute = COMMANDS[name].split(":")
    return getattr(import_module(module), attribute)


def parser() -> argparse.ArgumentParser:
    top = ChineseParser(prog="wenzheng", description="零距离问政：拉取问政留言、生成选题单与稿件、构建跟踪网站")
    top.add_argument("-s", "--settings", default="pelicanconf.py", metavar="设置文件", help="Pelican 设置文件（默认 pelicanconf.py）")
    top.add_argument("-v", "--verbose", action="store_true", help="输出调试信息")
    top.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈（报告程序缺陷时用）")
    subs = top.add_subparsers(dest="command", required=True, metavar="命令")
    for name in COMMANDS:
        try:
            command = load_command(name)
        except (ImportError, AttributeError):
            continue  # a job not installed in this build
        sub = subs.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand. A user's mistake is one Chinese message and exit status 2;
    a bug is a short notice and exit status 1, with the traceback only under ``--debug``."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose or args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from .settings import load

    try:
        settings = load(args.settings)
        return load_command(args.command).run(args, settings)
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
