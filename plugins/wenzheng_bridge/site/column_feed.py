"""The column's Atom feed (Pelican's own FEED_ALL_ATOM) with absolute links and real tag: ids.

A development build has a relative SITEURL, so Pelican writes the column feed's links as
``/column/x/`` and its entries' ids as ``tag:None,…``, which no feed reader can follow or keep
apart. FEED_DOMAIN (urls.site_root) gives the links a host in every build.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from feedgenerator import get_tag_uri

from ..urls import absolute


def absolute_column_feed(context: dict, feed) -> None:
    """Signal ``feed_generated``: make the feed's and each entry's link absolute, and ids from them."""
    if urlsplit(str(feed.feed.get("link") or "")).netloc:
        return  # a production build already has an absolute SITEURL
    feed.feed["link"] = feed.feed["id"] = absolute(context, "")
    for item in feed.items:
        link = str(item.get("link") or "")
        if urlsplit(link).netloc:
            continue
        item["link"] = absolute(context, link)
        item["unique_id"] = get_tag_uri(item["link"], item.get("pubdate"))
