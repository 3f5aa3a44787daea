"""A local fixture web site for the web-source tests and benchmarks.

``FixtureServer`` is a real threaded HTTP server on 127.0.0.1 serving a
Discuz! X3.4 forum (board lists, thread pages, RSS), an Atom feed and a
leader-message-board JSON API, all built from the REAL rows of
data/tipdm2020c (``data.py``), and able to misbehave on request
(``server.fail(...)``, see ``server.py``). It counts every request.
"""
from .data import ForumData, Post, Thread, sample_petitions
from .helpers import MemoryContext
from .server import FixtureServer, Rule

__all__ = ["FixtureServer", "MemoryContext", "ForumData", "Post", "Rule", "Thread", "sample_petitions"]
