"""The desk's accounts: name, role and a salted password hash (werkzeug), kept in one JSON file.

Without accounts the desk serves this machine only and everyone works as an editor under the
name they type; serving another address requires accounts (``serving.check_address``).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ..config import CoreSettings
from ..errors import WenzhengError
from .settings import DeskSettings

#: Roles and their Chinese names: only editors clear, take down, restore or publish.
ROLES = {"reporter": "记者", "editor": "编辑"}
MIN_PASSWORD = 8


class AccountError(WenzhengError, ValueError):
    """A bad account request (unknown role, short password, unreadable file)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str

    @property
    def editor(self) -> bool:
        return self.role == "editor"


def accounts_path(settings: dict) -> Path:
    return CoreSettings.of(settings).base_path / DeskSettings.of(settings).desk_users


def read(path: Path) -> dict[str, dict]:
    """name -> {"role", "hash"}; empty when there is no file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as error:
        raise AccountError(f"账户文件 {path} 无法读取：{error}") from None
    if not isinstance(data, dict):
        raise AccountError(f"账户文件 {path} 格式有误：应为 JSON 对象")
    return data


def add(path: Path, name: str, password: str, role: str) -> Account:
    """Add or replace an account; the password is stored only as a salted hash."""
    name = name.strip()
    if not name:
        raise AccountError("请写明账户名（记者或编辑的姓名）")
    if role not in ROLES:
        raise AccountError(f"未知的角色 {role!r}（可用：{'、'.join(f'{k}={v}' for k, v in ROLES.items())}）")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
    data = read(path)
    data[name] = {"role": role, "hash": generate_password_hash(password)}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # hashes are still secrets
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, indent=1)
    os.replace(temporary, path)
    return Account(name, role)


def check(accounts: dict[str, dict], name: str, password: str) -> Account | None:
    """The account when the password is right, else None."""
    found = accounts.get(name.strip())
    if found is None or not check_password_hash(found.get("hash", ""), password):
        return None
    return Account(name.strip(), found.get("role", "reporter"))
