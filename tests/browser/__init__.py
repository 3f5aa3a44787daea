"""Helpers for site tests: one full build of the bundled real data, a local server, Chromium.

``site_build(tmp_path_factory)`` builds once per test session (every test
module that asks shares it); ``serve(folder)`` serves a folder on 127.0.0.1;
``chromium()`` launches Debian's headless Chromium through Playwright.
"""
from .build import BuiltSite, site_build
from .server import chromium, serve

__all__ = ["BuiltSite", "site_build", "serve", "chromium"]
