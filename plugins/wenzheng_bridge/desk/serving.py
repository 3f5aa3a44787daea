"""Starting the desk: on this machine by default; on any other address only with accounts."""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from ..errors import WenzhengError
from . import accounts as acc


class DeskError(WenzhengError, ValueError):
    """The desk cannot start as asked."""


def is_local(host: str) -> bool:
    """Whether ``host`` is a loopback address or name (only this machine can reach it)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(found) and all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in found)


def check_address(host: str, accounts_file: Path) -> None:
    """Refuse to serve beyond this machine without accounts: the desk shows residents' contacts."""
    if is_local(host) or acc.read(accounts_file):
        return
    raise DeskError(f"编辑部工作台含有居民的联系方式等内部信息，不能在 {host} 上无密码开放。"
                    f"请先用 wenzheng desk-user add 建立账户（保存在 {accounts_file}），或只在 127.0.0.1 上运行。")


def serve(app, host: str, port: int) -> None:
    """Serve until interrupted (threaded: several people at once)."""
    from werkzeug.serving import make_server

    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as error:
        raise DeskError(f"无法在 {host}:{port} 上启动编辑部工作台：{error.strerror or error}"
                        "（端口可能已被占用，可用 --port 换一个）") from None
    print(f"编辑部工作台已启动：http://{host}:{server.server_port}/（按 Ctrl+C 停止）", flush=True)
    server.serve_forever()
