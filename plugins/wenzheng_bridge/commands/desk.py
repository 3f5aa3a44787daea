"""``wenzheng desk`` (the newsroom's web application) and ``wenzheng desk-user`` (its accounts)."""
from __future__ import annotations

import getpass
import os
import sys

from rich.console import Console

from . import Command
from ..desk import accounts as acc
from ..desk.settings import DeskSettings


def _desk_arguments(parser) -> None:
    parser.add_argument("--host", default="", metavar="地址",
                        help="监听地址（默认 WENZHENG_DESK_HOST，即 127.0.0.1；其他地址须先建立账户）")
    parser.add_argument("--port", type=int, default=0, metavar="端口", help="端口（默认 WENZHENG_DESK_PORT）")


def _desk(args, settings) -> int:
    from ..desk.app import create_app
    from ..desk.serving import check_address, serve

    options = DeskSettings.of(settings)
    host, port = args.host or options.desk_host, args.port or options.desk_port
    path = acc.accounts_path(settings)
    check_address(host, path)
    serve(create_app(settings, path), host, port)
    return 0


def _user_arguments(parser) -> None:
    subs = parser.add_subparsers(dest="action", required=True, metavar="操作")
    add = subs.add_parser("add", help="建立或更新账户（密码从终端输入，或用 --password-stdin 从标准输入读一行）")
    add.add_argument("name", metavar="姓名")
    add.add_argument("--role", default="reporter", choices=tuple(acc.ROLES),
                     help="角色：reporter=记者，editor=编辑（只有编辑能审核通过、撤下、恢复）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    subs.add_parser("list", help="列出账户和角色")


def _password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输一次：") != first:
        raise acc.AccountError("两次输入的密码不一致")
    return first


def _user(args, settings) -> int:
    path = acc.accounts_path(settings)
    if args.action == "list":
        known = acc.read(path)
        for name, data in sorted(known.items()):
            Console().print(f"{name}（{acc.ROLES.get(data.get('role', ''), data.get('role', ''))}）", highlight=False)
        if not known:
            Console().print(f"尚无账户（{path}）", highlight=False)
        return 0
    account = acc.add(path, args.name, _password(args.password_stdin), args.role)
    Console().print(f"账户已保存：{account.name}（{acc.ROLES[account.role]}）· 文件：{os.fspath(path)}", highlight=False)
    return 0


DESK = Command("启动编辑部工作台（浏览器里的选题单、认领、跟进、回访、稿件；默认只在本机 127.0.0.1）",
               _desk_arguments, _desk)
DESK_USER = Command("管理编辑部工作台的账户（密码只存哈希；在 127.0.0.1 以外开放工作台时必须有账户）",
                    _user_arguments, _user)
