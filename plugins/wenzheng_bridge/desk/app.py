"""The desk's web application (Flask): pages in Chinese, a form for every newsroom action.

Every POST carries a CSRF token (Flask-WTF) and the version of the case's record file the page
was rendered from; the action (newsroom/actions.py) refuses a stale version, so a second person
editing the same case is told instead of overwriting. Who acts is the signed-in person; when is
the newsroom's now, as for the commands.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..dates import iso_date, iso_minute, stamp
from ..newsroom import actions
from ..newsroom import records as nr
from ..newsroom.budget import QUESTIONS, SECTIONS, FilterError, Filters, make_budget, store_growth
from ..records import FOLLOWUP_KINDS, SATISFACTION, SHANGHAI
from ..sources.common import parse_datetime
from ..urls import case_url
from . import accounts as acc
from .data import DeskData

#: The store's change kinds as the "since last visit" page names them.
CHANGE_LABELS = {"new": "新留言", "reply_new": "新答复", "edited": "留言被修改", "reply_edited": "答复被修改",
                 "gone": "原帖消失", "back": "原帖恢复"}
FILTER_NAMES = ("board", "department", "type", "field", "status", "reporter", "since", "until")


@dataclass(frozen=True)
class Person:
    """Who is signed in to the desk."""

    name: str
    role: str

    @property
    def editor(self) -> bool:
        return self.role == "editor"


@dataclass
class Desk:
    """What the application's views share: settings, the cached data, where accounts are kept."""

    settings: dict
    data: DeskData
    accounts_file: Path


pages = Blueprint("desk", __name__)


def desk() -> Desk:
    return current_app.extensions["wenzheng_desk"]


def create_app(settings: dict, accounts_file: Path, secret: bytes | None = None) -> Flask:
    """The desk over these settings; with accounts in ``accounts_file`` people sign in with passwords."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret or os.urandom(32), WTF_CSRF_TIME_LIMIT=None,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True)
    CSRFProtect(app)
    app.extensions["wenzheng_desk"] = Desk(settings, DeskData(settings), accounts_file)
    app.jinja_env.globals.update(iso_date=iso_date, iso_minute=iso_minute, stamp=stamp, kinds=nr.ALL_KINDS,
                                 roles=acc.ROLES, sections=SECTIONS, questions=QUESTIONS)
    app.register_blueprint(pages)
    app.register_error_handler(CSRFError, csrf_refused)
    return app


def accounts() -> dict[str, dict]:
    return acc.read(desk().accounts_file)


@pages.before_app_request
def signed_in():
    person = session.get("person")
    g.person = Person(*person) if person else None
    if g.person is None and request.endpoint not in ("desk.login", "static"):
        return redirect(url_for("desk.login", next=request.full_path))
    return None


def csrf_refused(error):
    return render_template("message.html", title="请求被拒绝",
                           message="请求缺少有效的安全令牌（CSRF），已拒绝，未做任何改动。请刷新页面后重试。"), 400


@pages.route("/login", methods=["GET", "POST"])
def login():
    known = accounts()
    error = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if known:
            account = acc.check(known, name, request.form.get("password", ""))
            person = Person(account.name, account.role) if account else None
            error = "" if person else "账户名或密码不对"
        else:  # this machine only (serving.check_address): people say who they are
            role = request.form.get("role", "reporter")
            person = Person(name, role if role in acc.ROLES else "reporter") if name else None
            error = "" if person else "请写明您的姓名"
        if person:
            session.clear()
            session["person"] = [person.name, person.role]
            target = request.args.get("next", "")
            local = target.startswith("/") and not target.startswith(("//", "/\\"))  # never off to another site
            return redirect(target if local else url_for("desk.budget"))
    return render_template("login.html", with_accounts=bool(known), error=error), 400 if error else 200


@pages.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("desk.login"))


@pages.get("/")
def budget():
    snapshot = desk().data.snapshot()
    values = {name: request.args.get(name, "").strip() for name in FILTER_NAMES}
    try:
        filters = Filters.parse(**values)
        made = make_budget(snapshot.cases, desk().settings, snapshot.now, filters,
                           groups=desk().data.topic_groups(snapshot.cases), **store_growth(desk().settings))
    except FilterError as error:
        return render_template("budget.html", budget=None, values=values, error=str(error)), 400
    return render_template("budget.html", budget=made, values=values, error="")


@pages.get("/case/<key>")
def case(key: str):
    return _case_page(key)


def _case_page(key: str, error: str = "", status: int = 200):
    snapshot = desk().data.snapshot()
    if key in snapshot.records.broken:
        return render_template("message.html", title="记录有误",
                               message=f"案件 {key} 的编辑部记录有误，请先改正：{snapshot.records.broken[key]}"), 409
    view = snapshot.by_key.get(key)
    original = desk().data.petition(key)
    if view is None or original is None:
        abort(404)
    # The version is read before the lines shown: a change in between makes the form stale, never lost.
    version = actions.version(desk().settings, key)
    path = nr.record_path(desk().settings, key)
    entries = nr.read_file(path) if path.exists() else []
    return render_template("case.html", case=view, original=original, entries=entries,
                           holder=nr.holder(view.followups), taken_down=snapshot.records.takedowns.get(key),
                           version=version, error=error, public_url=case_url(key),
                           followup_kinds={k: FOLLOWUP_KINDS[k] for k in actions.FOLLOWUP_CHOICES},
                           satisfaction=SATISFACTION, form=request.form if error else {}), status


def _when(text: str, label: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return parse_datetime(text.strip())
    except ValueError:
        raise actions.ActionError(f"{label}：无法识别的日期 {text!r}（应为 2026-11-20 或 2026-11-20 14:30）") from None


def _now() -> datetime:
    return desk().data.snapshot().now.replace(second=0, microsecond=0)


def claim(key: str, form, who: str, expected: str) -> actions.Done:
    return actions.claim(desk().settings, key, form.get("reporter", "").strip() or who, _now(), note=form.get("note", ""),
                         take=bool(form.get("take")), expected=expected)


def unclaim(key: str, form, who: str, expected: str) -> actions.Done:
    return actions.unclaim(desk().settings, key, _now(), who=who, note=form.get("note", ""), expected=expected)


def followup(key: str, form, who: str, expected: str) -> actions.Done:
    return actions.followup(desk().settings, key, form.get("kind", ""), _when(form.get("date", ""), "日期") or _now(),
                            form.get("note", ""), who=who, url=form.get("url", ""), public=bool(form.get("public")),
                            due=_when(form.get("due", ""), "下一步期限"),
                            satisfaction=form.get("satisfaction", ""), quote=form.get("quote", ""),
                            expected=expected)


def takedown(key: str, form, who: str, expected: str) -> actions.Done:
    return actions.takedown(desk().settings, key, _now(), who, form.get("reason", ""), expected=expected)


def restore(key: str, form, who: str, expected: str) -> actions.Done:
    return actions.restore(desk().settings, key, _now(), who, form.get("reason", ""), expected=expected)


def clear(key: str, form, who: str, expected: str) -> actions.Done:
    return actions.clear(desk().settings, key, _now(), who, form.get("note", ""), expected=expected)

handlers: dict[str, Callable] = {"claim": claim, "unclaim": unclaim, "followup": followup,
                                 "takedown": takedown, "restore": restore, "clear": clear}


@pages.post("/case/<key>/<action>")
def act(key: str, action: str):
    handler = handlers.get(action)
    if handler is None or key not in desk().data.snapshot().by_key:
        abort(404)
    if action in actions.EDITOR_ACTIONS and not g.person.editor:
        return _case_page(key, "只有编辑可以审核通过、撤下或恢复案件。", 403)
    try:
        done = handler(key, request.form, g.person.name, request.form.get("version", ""))
    except actions.StaleError as error:
        return _case_page(key, str(error), 409)
    except (actions.ActionError, nr.RecordError) as error:
        return _case_page(key, str(error), 400)
    if done.entry is not None:
        flash(f"已记录：{nr.ALL_KINDS[done.entry.kind]} · {nr.format_line(done.entry)}")
    if done.notice:
        flash(done.notice)
    return redirect(url_for("desk.case", key=key), code=303)


@pages.post("/case/<key>/draft")
def draft(key: str):
    from ..newsroom.drafts import write_draft

    snapshot = desk().data.snapshot()
    view = snapshot.by_key.get(key)
    if view is None:
        abort(404)
    if key in snapshot.records.takedowns:
        return _case_page(key, f"案件 {key} 已撤下（{snapshot.records.takedowns[key]}），不生成稿件", 400)
    outcome = write_draft(desk().settings, [view], snapshot.now)
    if not view.public:
        flash(f"案件 {key} 未经审核，不能公开（{view.gate_reason}）。稿件已标注“待审”；审核通过前不得发布。")
    return redirect(url_for("desk.draft_page", name=outcome.path.name, action=outcome.action), code=303)


@pages.get("/drafts/<name>")
def draft_page(name: str):
    from ..newsroom.drafts import ACTIONS, drafts_dir

    folder = drafts_dir(desk().settings)
    path = folder / name
    if path.parent != folder or not name.endswith(".md") or not path.is_file():
        abort(404)
    return _draft_view(name, path, ACTIONS.get(request.args.get("action", ""), ""))


@pages.post("/drafts/<name>/publish")
def publish(name: str):
    from ..newsroom.drafts import drafts_dir

    path = drafts_dir(desk().settings) / name
    if path.parent != drafts_dir(desk().settings) or not name.endswith(".md") or not path.is_file():
        abort(404)
    if not g.person.editor:
        return _draft_view(name, path, error="只有编辑可以发布稿件。", status=403)
    try:
        problems = actions.publish_draft(desk().settings, path, g.person.name, _now())
    except actions.ActionError as error:
        return _draft_view(name, path, error=str(error), status=400)
    if problems:
        return _draft_view(name, path, problems=problems, status=409)
    flash(f"已发布：{name}（发布人 {g.person.name}）。下次构建网站时上线。")
    return redirect(url_for("desk.draft_page", name=name), code=303)


def _draft_view(name: str, path: Path, action: str = "", error: str = "", problems=(), status: int = 200):
    return render_template("draft.html", name=name, path=path, text=path.read_text(encoding="utf-8"),
                           action=action, error=error, problems=problems), status


@pages.get("/reporters")
def reporters():
    snapshot = desk().data.snapshot()
    today = snapshot.now.astimezone(SHANGHAI).date()
    lists: dict[str, list] = {}
    for view in snapshot.cases:
        held = nr.holder(view.followups)
        if held is None:
            continue
        due = nr.next_due(view.followups)
        due_at = due.due if due and due.date >= held.date else None
        late = due_at is not None and due_at.astimezone(SHANGHAI).date() < today
        lists.setdefault(held.who, []).append((view, held, due_at, late))
    for rows in lists.values():  # overdue first, then by due date, undated last
        rows.sort(key=lambda row: (not row[3], row[2] is None, row[2] or row[1].date))
    return render_template("reporters.html", lists=dict(sorted(lists.items())), mine=g.person.name)


@pages.get("/since")
def since():
    after = session.get("last_visit", "")
    changes = desk().data.changes_since(after)
    snapshot = desk().data.snapshot()
    return render_template("since.html", changes=changes, labels=CHANGE_LABELS, after=after,
                           by_key=snapshot.by_key)


@pages.post("/since/seen")
def seen():
    changes = desk().data.changes_since(session.get("last_visit", ""))
    if changes:
        session["last_visit"] = changes[0]["seen_at"]
    return redirect(url_for("desk.since"), code=303)


@pages.get("/check")
def check():
    from ..newsroom.articles import read_articles
    from ..newsroom.review import check_articles

    published, problems = check_articles(desk().settings, read_articles(desk().settings))
    return render_template("check.html", published=published, problems=problems)

