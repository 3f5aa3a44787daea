"""Pages in the real formats: Discuz! X3.4 board lists, thread pages and RSS, Atom, list JSON.

The markup follows what Discuz! X3.4 actually emits for the parts an adapter
reads (see DESIGN.md "Real formats to support"): ``tbody#normalthread_{tid}``,
``a.s.xst``, two ``td.by`` cells, ``td.num``, ``<span title="共 N 页">``,
``div#post_{pid}``, ``div.authi a.xw1``, ``em#authorposton{pid}``,
``td.t_f#postmessage_{pid}``; relative dates as its ``dgmdate`` prints them.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from .data import ForumData, Thread

PER_PAGE = 20
FEED_ITEMS = 20
DESCRIPTION_BYTES = 250


def discuz_date(when: datetime, now: datetime, full: str, titles: bool = True) -> str:
    """Discuz! ``dgmdate(..., 'u')``: relative text for the last week, the full date in the span title."""
    days = (now.date() - when.date()).days
    seconds = int((now - when).total_seconds())
    if days == 0 and seconds >= 0:
        text = f"{max(seconds // 3600, 1)}&nbsp;小时前" if seconds >= 3600 else f"{max(seconds // 60, 1)}&nbsp;分钟前"
    elif days == 1:
        text = f"昨天&nbsp;{when:%H:%M}"
    elif days == 2:
        text = f"前天&nbsp;{when:%H:%M}"
    elif 2 < days < 7:
        text = f"{days}&nbsp;天前"
    else:
        return full
    return f'<span title="{full}">{text}</span>' if titles else text


def ymd(when: datetime) -> str:
    return f"{when.year}-{when.month}-{when.day}"


def ymd_hm(when: datetime) -> str:
    return f"{ymd(when)} {when:%H:%M}"


def ymd_hms(when: datetime) -> str:
    return f"{ymd(when)} {when:%H:%M:%S}"


def _head(title: str, charset: str) -> str:
    return (f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml"><head>\n'
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
            f"<title>{escape(title)} - 问政论坛 - Powered by Discuz!</title></head><body id=\"nv_forum\">\n")


def _pager(fid: int, page: int, pages: int, show_total: bool = True) -> str:
    if pages <= 1:
        return ""
    links = "".join(
        f"<strong>{n}</strong>" if n == page else f'<a href="forum.php?mod=forumdisplay&amp;fid={fid}&amp;page={n}">{n}</a>'
        for n in range(max(1, page - 4), min(pages, page + 5) + 1)
    )
    nxt = (f'<a href="forum.php?mod=forumdisplay&amp;fid={fid}&amp;page={page + 1}" class="nxt">下一页</a>'
           if page < pages else "")
    return (f'<div class="pg">{links}<label><input type="text" name="custompage" class="px" size="2" '
            f'title="输入页码，按回车快速跳转" value="{page}" />'
            + (f'<span title="共 {pages} 页"> / {pages} 页</span>' if show_total else "")
            + f"</label>{nxt}</div>")


def _type_label(t: Thread) -> str:
    """The thread-type label before a list row's title: <em>[<a ...>咨询</a>]</em>."""
    if not t.type_name:
        return ""
    return (f'<em>[<a href="forum.php?mod=forumdisplay&amp;fid={t.fid}&amp;filter=typeid&amp;'
            f'typeid={_TYPE_IDS.get(t.type_name, 9)}">{escape(t.type_name)}</a>]</em> ')


_TYPE_IDS = {"咨询": 1, "投诉": 2, "建议": 3, "举报": 4, "求助": 5}


def _announcement(text: str) -> str:
    """X3.4's announcement row: no ``*thread_`` id, a link to mod=announcement."""
    return ('<tbody>\n<tr>\n<td class="icn"><a href="forum.php?mod=announcement&amp;id=1#1" target="_blank">'
            '<img src="static/image/common/ann_icon.gif" alt="公告" /></a></td>\n'
            f'<th><strong class="xst">公告: <a href="forum.php?mod=announcement&amp;id=1#1" target="_blank">'
            f'{escape(text)}</a></strong></th>\n<td class="by"><cite><a href="home.php?mod=space&amp;uid=1" c="1">'
            'admin</a></cite>\n<em>2019-12-1</em></td>\n<td class="num">&nbsp;</td>\n<td class="by">&nbsp;</td>\n'
            '</tr>\n</tbody>\n')


def _row(t: Thread, now: datetime, titles: bool) -> str:
    kind = "stickthread" if t.sticky else "normalthread"
    icon = '<img src="static/image/common/pin_1.gif" alt="本版置顶" />' if t.sticky else ""
    return (
        f'<tbody id="{kind}_{t.tid}">\n<tr>\n<td class="icn">{icon}</td>\n<th class="common">{_type_label(t)}'
        f'<a href="forum.php?mod=viewthread&amp;tid={t.tid}&amp;extra=page%3D1" onclick="atarget(this)" '
        f'class="s xst">{escape(t.subject)}</a></th>\n'
        f'<td class="by"><cite><a href="home.php?mod=space&amp;username={escape(t.first.author)}" c="1">'
        f"{escape(t.first.author)}</a></cite>\n<em><span>{discuz_date(t.first.time, now, ymd(t.first.time), titles)}"
        f"</span></em></td>\n"
        f'<td class="num"><a href="forum.php?mod=viewthread&amp;tid={t.tid}" class="xi2">{t.replies}</a>'
        f"<em>{t.views}</em></td>\n"
        f'<td class="by"><cite><a href="home.php?mod=space&amp;username={escape(t.last.author)}" c="1">'
        f"{escape(t.last.author)}</a></cite>\n"
        f'<em><a href="forum.php?mod=redirect&amp;tid={t.tid}&amp;goto=lastpost#lastpost">'
        f"{discuz_date(t.last.time, now, ymd_hm(t.last.time), titles)}</a></em></td>\n</tr>\n</tbody>\n"
    )


def board_page(data: ForumData, fid: int, page: int, now: datetime, charset: str = "utf-8",
               titles: bool = True, show_total: bool = True, per_page: int = PER_PAGE) -> str:
    """``forum.php?mod=forumdisplay&fid=N&page=P``; a page past the end is page 1 (as Discuz! does)."""
    name = data.boards[fid]
    threads = data.board_threads(fid)
    sticky = [t for t in threads if t.sticky]
    normal = [t for t in threads if not t.sticky]
    pages = max(1, -(-len(normal) // per_page))
    if page < 1 or page > pages:
        page = 1
    rows = (sticky if page == 1 else []) + normal[(page - 1) * per_page: page * per_page]
    separator = ('<tbody id="separatorline" class="emptb"><tr class="ts"><td>&nbsp;</td>'
                 '<th><a href="javascript:;">版块主题</a></th></tr></tbody>\n') if sticky and page == 1 else ""
    notice = _announcement(data.announcement) if data.announcement and page == 1 else ""
    body = notice + "".join(_row(t, now, titles) for t in rows if t.sticky) + separator + "".join(
        _row(t, now, titles) for t in rows if not t.sticky)
    return (
        _head(name, charset)
        + f'<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">问政论坛</a>'
        f' <em>&rsaquo;</em> <a href="forum.php?mod=forumdisplay&amp;fid={fid}">{escape(name)}</a></div></div>\n'
        f'<div class="boardnav"><div class="bm bml pbn"><div class="bm_h cl"><h1 class="xs2">'
        f'<a href="forum.php?mod=forumdisplay&amp;fid={fid}">{escape(name)}</a></h1></div></div>\n'
        f'<div id="pgt" class="bm bw0 pgs cl"><span id="fd_page_top">{_pager(fid, page, pages, show_total)}</span></div>\n'
        f'<div id="threadlist" class="tl bm bmw"><div class="bm_c"><form method="post" name="moderate" id="moderate">'
        f'<table summary="forum_{fid}" cellspacing="0" cellpadding="0" id="threadlisttableid">\n'
        + body + "</table></form></div></div></div></body></html>\n"
    )


def _message(text: str) -> str:
    return "<br />\r\n".join(escape(line) for line in text.split("\n"))


def _post_message(post) -> str:
    """A post's message as Discuz! renders it: the edit note first, then the text (or rich HTML)."""
    note = f'<i class="pstatus"> {escape(post.edited)} </i><br />\r\n<br />\r\n' if post.edited else ""
    return note + (post.html or _message(post.text))


def cutstr(text: str, length: int) -> str:
    """Discuz! ``cutstr`` on UTF-8: a CJK character counts 2, the cut ends in " ..."."""
    width, out = 0, []
    for char in text:
        width += 2 if ord(char) > 0x7F else 1
        if width > length - 3:  # room for the dot, as cutstr keeps it within the length
            return "".join(out) + " ..."
        out.append(char)
    return text


SUBJECT_CUT = 80  # viewthread.php: $thread['short_subject'] = cutstr($thread['subject'], 80)


POSTS_PER_PAGE = 10


def _thread_pager(tid: int, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    links = "".join(f"<strong>{n}</strong>" if n == page else
                    f'<a href="forum.php?mod=viewthread&amp;tid={tid}&amp;extra=&amp;page={n}">{n}</a>'
                    for n in range(1, pages + 1))
    return (f'<div class="pgs mtm mbm cl"><div class="pg">{links}<label><input type="text" name="custompage" '
            f'class="px" size="2" value="{page}" /><span title="共 {pages} 页"> / {pages} 页</span></label></div></div>\n')


def thread_page(data: ForumData, tid: int, now: datetime, charset: str = "utf-8", titles: bool = True,
                page: int = 1, per_page: int = POSTS_PER_PAGE) -> str:
    """``forum.php?mod=viewthread&tid=T&page=P``: ``per_page`` posts a page; past the end is the last page."""
    t = data.threads[tid]
    board = data.boards[t.fid]
    pages = max(1, -(-len(t.posts) // per_page))
    page = min(max(page, 1), pages)
    posts = []
    for post in t.posts[(page - 1) * per_page: page * per_page]:
        stamp = discuz_date(post.time, now, ymd_hms(post.time), titles)
        posts.append(
            f'<div id="post_{post.pid}"><table id="pid{post.pid}" class="plhin" summary="pid{post.pid}" '
            f'cellspacing="0" cellpadding="0"><tr><td class="pls" rowspan="2"><div id="favatar{post.pid}" '
            f'class="pls favatar"><div class="pi"><div class="authi"><a href="home.php?mod=space&amp;'
            f'username={escape(post.author)}" target="_blank" class="xw1">{escape(post.author)}</a></div></div>'
            f'</div></td>\n<td class="plc"><div class="pi"><div class="pti"><div class="authi">'
            f'<img class="authicn vm" src="static/image/common/online_member.gif" />\n'
            f'<em id="authorposton{post.pid}">发表于 {stamp}</em></div></div></div>\n'
            f'<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr>'
            f'<td class="t_f" id="postmessage_{post.pid}">\r\n{_post_message(post)}</td></tr></table></div></div></div>'
            f"</td></tr></table></div>\n"
        )
    return (
        _head(f"{t.subject} - {board}", charset)
        # X3.4's breadcrumb: home, 论坛, the board, then the thread itself (its title cut by cutstr).
        + f'<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">问政论坛</a>'
        f'<em>&raquo;</em><a href="forum.php">论坛</a> <em>&rsaquo;</em> '
        f'<a href="forum.php?mod=forumdisplay&amp;fid={t.fid}">{escape(board)}</a> <em>&rsaquo;</em> '
        f'<a href="forum.php?mod=viewthread&amp;tid={tid}">{escape(cutstr(t.subject, SUBJECT_CUT))}</a>'
        f"</div></div>\n"
        f'<div id="postlist" class="pl bm"><table cellspacing="0" cellpadding="0"><tr>'
        f'<td class="pls ptn pbn"><div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">{t.views}</span>'
        f'<span class="pipe">|</span><span class="xg1">回复:</span> <span class="xi1">{t.replies}</span></div></td>'
        f'<td class="plc ptm pbn vwthd"><h1 class="ts">\n{_thread_type(t)}'
        f'<span id="thread_subject">{escape(t.subject)}</span>\n</h1>'
        f"</td></tr></table>\n" + "".join(posts) + _thread_pager(tid, page, pages) + "</div></body></html>\n"
    )


def _thread_type(t: Thread) -> str:
    if not t.type_name:
        return ""
    return (f'<a href="forum.php?mod=forumdisplay&amp;fid={t.fid}&amp;filter=typeid&amp;'
            f'typeid={_TYPE_IDS.get(t.type_name, 9)}">[{escape(t.type_name)}]</a>\n')


def deleted_thread(charset: str = "utf-8") -> str:
    """What Discuz! answers (HTTP 200) for a thread that was deleted or is hidden for review."""
    return (_head("提示信息", charset)
            + '<div id="ct" class="wp cm cl"><div class="nfl"><div class="f_c altw">'
            '<div id="messagetext" class="alert_error"><p>抱歉，指定的主题不存在或已被删除或正在被审核</p>'
            '<script type="text/javascript">if(history.length > (BROWSER.ie ? 0 : 1)) {} </script>'
            '<p class="alert_btnleft"><a href="javascript:history.back()">[ 点击这里返回上一页 ]</a></p>'
            "</div></div></div></div></body></html>\n")


def cut_bytes(text: str, limit: int = DESCRIPTION_BYTES) -> str:
    """Discuz! ``cutstr``: at most ``limit`` bytes of UTF-8, then " ..."."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore") + " ..."


def _rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def rss(data: ForumData, fid: int, base: str, empty: bool = False, charset: str = "utf-8") -> str:
    """``forum.php?mod=rss&fid=N``: the 20 newest threads; charset only in the XML declaration."""
    name = data.boards[fid]
    newest = sorted((t for t in data.threads.values() if t.fid == fid), key=lambda t: (t.first.time, t.tid),
                    reverse=True)[:FEED_ITEMS]
    items = "" if empty else "".join(
        f"    <item>\n      <title>{escape(t.subject)}</title>\n"
        f"      <link>{base}forum.php?mod=viewthread&amp;tid={t.tid}</link>\n"
        f"      <description><![CDATA[{escape(cut_bytes(t.first.text), quote=False)}]]></description>\n"  # Discuz! keeps posts escaped
        f"      <category>{escape(name)}</category>\n      <author>{escape(t.first.author)}</author>\n"
        f"      <pubDate>{_rfc822(t.first.time)}</pubDate>\n    </item>\n"
        for t in newest
    )
    built = newest[0].first.time if newest else datetime(2020, 1, 1, tzinfo=timezone.utc)
    return (
        f'<?xml version="1.0" encoding="{charset}"?>\n<rss version="2.0">\n  <channel>\n'
        f"    <title>问政论坛 - {escape(name)}</title>\n"
        f"    <link>{base}forum.php?mod=forumdisplay&amp;fid={fid}</link>\n"
        f"    <description>Latest {FEED_ITEMS} threads of {escape(name)}</description>\n"
        "    <copyright>Copyright(C) 问政论坛</copyright>\n"
        "    <generator>Discuz! Board by Comsenz Inc.</generator>\n"
        f"    <lastBuildDate>{_rfc822(built)}</lastBuildDate>\n    <ttl>30</ttl>\n"
        + items + "  </channel>\n</rss>\n"
    )


def atom(data: ForumData, fid: int, base: str) -> str:
    """A generic Atom feed of a board (full text in <content>), as a CMS would publish it."""
    name = data.boards[fid]
    newest = sorted((t for t in data.threads.values() if t.fid == fid), key=lambda t: (t.first.time, t.tid),
                    reverse=True)[:FEED_ITEMS]
    entries = "".join(
        f'  <entry>\n    <title>{escape(t.subject)}</title>\n'
        f'    <link rel="alternate" href="{base}cases/{t.tid}.html"/>\n'
        f"    <id>tag:wenzheng.example,2019:case/{t.tid}</id>\n"
        f"    <published>{t.first.time.isoformat()}</published>\n"
        f"    <updated>{t.last.time.isoformat()}</updated>\n"
        f"    <author><name>{escape(t.first.author)}</name></author>\n"
        f'    <category term="{escape(name)}"/>\n'
        f'    <content type="html">{escape(_message(t.first.text))}</content>\n  </entry>\n'
        for t in newest
    )
    updated = newest[0].last.time.isoformat() if newest else "2020-01-01T00:00:00+08:00"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>{escape(name)} 留言</title>\n  <id>tag:wenzheng.example,2019:board/{fid}</id>\n"
            f"  <updated>{updated}</updated>\n" + entries + "</feed>\n")


def json_item(data: ForumData, t: Thread, cut: int | None = None) -> dict:
    """One item of a leader-message-board API (the 人民网 list API's field names).

    ``cut``: the list shortens a longer body to this many characters plus "…", as the real list does.
    """
    reply = t.posts[1] if t.replies else None
    content = t.first.text
    if cut is not None and len(content) > cut:
        content = content[:cut] + "…"
    return {
        "tid": t.tid, "subject": t.subject, "content": content, "nickName": t.first.author,
        "dateline": int(t.first.time.timestamp()), "forumName": data.boards[t.fid], "domainName": t.field,
        "typeName": t.type_name, "stateInfo": t.state, "answerContent": reply.text if reply else "",
        "answerDateline": int(reply.time.timestamp()) if reply else None,
        "answerOrganization": "A市网络发言人办公室" if reply else "", "favNum": t.likes,
    }


def json_list(data: ForumData, last_item: int | None, size: int = PER_PAGE, fid: int | None = None,
              cut: int | None = None) -> str:
    """Cursor paging by tid: the ``size`` newest items with tid below ``last_item``."""
    rows = sorted((t for t in data.threads.values() if fid is None or t.fid == fid), key=lambda t: t.tid,
                  reverse=True)
    if last_item is not None:
        rows = [t for t in rows if t.tid < last_item]
    page = [json_item(data, t, cut) for t in rows[:size]]
    return json.dumps({"resultCode": 200, "resultMsg": "success", "responseData": page}, ensure_ascii=False)


def json_detail(data: ForumData, tid: int) -> str:
    """The detail endpoint: the whole item (full body, the reply)."""
    item = json_item(data, data.threads[tid])
    return json.dumps({"resultCode": 200, "resultMsg": "success", "responseData": item}, ensure_ascii=False)


def fixed_now(data: ForumData) -> datetime:
    """A fetch time three hours after the newest post, so every kind of relative date appears."""
    return data.latest_time() + timedelta(hours=3)
