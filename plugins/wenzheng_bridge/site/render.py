"""Rendering theme templates for the generator's own pages.

The generator writes tens of thousands of pages, so it renders with its own
Jinja environment (the theme's, from Pelican) and the site-wide variables set
once as globals, instead of copying Pelican's whole context for every page.
"""
from __future__ import annotations

from .writing import relative_root

#: Context keys every page of the theme reads.
_SHARED = ("SITENAME", "SITESUBTITLE", "DEFAULT_LANG", "AUTHOR", "FEED_DOMAIN", "FEED_ALL_ATOM",
           "pages", "wenzheng", "TIMEZONE")


class Renderer:
    def __init__(self, env, context: dict, settings: dict):
        self.env = env
        self.env.globals.update({key: context.get(key) for key in _SHARED})
        self.relative = bool(settings.get("RELATIVE_URLS"))
        self.siteurl = settings.get("SITEURL", "")
        self._templates: dict = {}

    def template(self, name: str):
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name + ".html")
        return self._templates[name]

    def siteurl_for(self, save_as: str) -> str:
        return relative_root(save_as) if self.relative else self.siteurl

    def render(self, name: str, save_as: str, **variables) -> str:
        variables.setdefault("page_url", save_as.removesuffix("index.html"))
        return self.template(name).render(SITEURL=self.siteurl_for(save_as), **variables)
