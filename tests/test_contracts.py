"""The declared contracts (issue 17): source adapters, extension points, the typed Build, no module state.

The last tests run a real Pelican build of the sample with a third-party plugin
that registers its own output and finalizer through the same extension points
the core uses.
"""
from __future__ import annotations

import ast
import inspect
import json
import os
import textwrap
import typing
from datetime import datetime

import pytest

from browser.build import NOW, copy_project, run_pelican
from wenzheng_bridge import forking
from wenzheng_bridge import pull as pull_module
from wenzheng_bridge.caseview.model import Case
from wenzheng_bridge.cli import COMMANDS
from wenzheng_bridge.config import Option
from wenzheng_bridge.errors import WenzhengError
from wenzheng_bridge.pull import pull
from wenzheng_bridge.records import SHANGHAI, Petition
from wenzheng_bridge.registry import ExtensionPoint, UnknownName
from wenzheng_bridge.settings import load
from wenzheng_bridge.site.build import Build
from wenzheng_bridge.site.outputs import FINALIZERS, OUTPUTS
from wenzheng_bridge.site.row import Row
from wenzheng_bridge.sources.base import SourceAdapter
from wenzheng_bridge.sources.kinds import SOURCE_KINDS
from wenzheng_bridge.store import Store

POINTS = {"source kinds": SOURCE_KINDS, "outputs": OUTPUTS, "finalizers": FINALIZERS, "commands": COMMANDS}


# -- source adapters ----------------------------------------------------------------
def test_every_kind_is_a_source_adapter_with_its_options_and_items():
    for name in SOURCE_KINDS:
        adapter = SOURCE_KINDS[name]
        assert issubclass(adapter, SourceAdapter), name
        assert adapter.options and all(isinstance(o, Option) for o in adapter.options.values()), name
        assert adapter.items is not SourceAdapter.items, name
    # Only table exports (and the offline records kept as a table) list every case each time.
    assert {name for name in SOURCE_KINDS if SOURCE_KINDS[name].snapshot} == {"table", "offline"}


def test_pull_calls_the_declared_parts_without_probing_adapters():
    tree = ast.parse(inspect.getsource(pull_module))
    probes = [ast.unparse(node) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr")
              and isinstance(node.args[0], ast.Name) and node.args[0].id in ("adapter", "cls")]
    kinds = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in SOURCE_KINDS]
    assert probes == [] and kinds == []


class Memo(SourceAdapter):
    """A third-party kind: petitions listed in its entry, each pull a full list when ``snapshot``."""

    options = {"ids": Option(list, doc="source ids to yield")}
    snapshot = True

    def labels(self) -> list[tuple[str, str, str]]:
        return [("城乡建设", "道路", "")]

    def items(self, context):
        for source_id in self.config["ids"]:
            yield Petition(self.name, source_id, f"留言 {source_id}", body="路灯不亮",
                           posted=datetime(2020, 1, int(source_id), 9, tzinfo=SHANGHAI))


class Listed(Memo):
    snapshot = False  # a list that stops early: absence means nothing

    def labels(self) -> None:
        return None


@pytest.mark.parametrize("adapter,gone", [(Memo, 1), (Listed, 0)])
def test_a_plugin_kind_is_validated_and_pulled_by_its_declared_parts(make_settings, adapter, gone):
    SOURCE_KINDS.register("memo", adapter, "petitions listed in the entry (a test's plugin kind)")
    try:
        first = pull(make_settings(sources=[{"name": "memo", "kind": "memo", "ids": ["1", "2", "3"]}]))
        settings = make_settings(sources=[{"name": "memo", "kind": "memo", "ids": ["1", "2"]}])
        second = pull(settings)
    finally:
        SOURCE_KINDS.unregister("memo")
    assert (first["memo"].new, second["memo"].unchanged, second["memo"].gone) == (3, 2, gone)
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        assert store.fields() == (["城乡建设"] if adapter is Memo else [])


# -- extension points -----------------------------------------------------------------
@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
def test_an_unknown_name_is_refused_in_chinese_listing_every_valid_name(point):
    with pytest.raises(UnknownName) as error:
        point["no_such_name"]
    assert isinstance(error.value, WenzhengError)
    message = str(error.value)
    assert message.startswith(f"未知的{point.noun} 'no_such_name'（可用：")
    assert all(name in message for name in point) and len(point) >= 2


@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
def test_every_entry_says_in_one_line_what_it_does(point):
    for entry in point.entries():
        assert entry.doc and "\n" not in entry.doc, entry.name


def test_before_moves_an_entry_ahead_and_registration_order_holds_otherwise():
    point: ExtensionPoint[int] = ExtensionPoint("测试项", "a test's point")
    for number, name in enumerate(("a", "b", "sitemap")):
        point.register(name, number, f"entry {name}")
    point.register("late", 3, "a plugin's page", before=("sitemap",))
    point.register("last", 4, "runs last")
    assert point.names() == ["a", "b", "late", "sitemap", "last"]
    with pytest.raises(ValueError):
        point.register("two", 5, "two\nlines")


def test_the_site_outputs_and_commands_are_typed_callables_of_the_build():
    for entry in OUTPUTS.entries() + FINALIZERS.entries():
        hints = typing.get_type_hints(entry.target)
        first = next(iter(inspect.signature(entry.target).parameters))
        assert hints[first] in (Build, object), entry.name  # object: the scan also takes Pelican itself


# -- forked workers -------------------------------------------------------------------------
def test_a_forked_pool_runs_the_closure_it_is_given_and_leaves_nothing_in_the_parent():
    shared = {"offset": 1000}  # read by the workers through the closure, never pickled (a local function cannot be)

    def work(number: int) -> tuple[int, int]:
        return number + shared["offset"], os.getpid()

    with forking.pool(2, work) as forked:
        results = forked.map(range(20))
    assert [value for value, _ in results] == list(range(1000, 1020))
    assert os.getpid() not in {pid for _, pid in results}
    assert forking._Worker.work is None


# -- the Build --------------------------------------------------------------------------
def test_build_keeps_rows_and_full_cases_in_fields_of_their_own():
    hints = typing.get_type_hints(Build)
    assert hints["rows"] == list[Row]
    assert hints["cases"] == hints["all_cases"] == list[Case]
    assert not [name for name, hint in hints.items() if hint is typing.Any or hint in (list, dict, object)]


# -- a real build with a third-party plugin ---------------------------------------------
PLUGIN = '''
"""A third-party plugin: one page, one finalizer, through the core's extension points."""
import json
import os
import sys

from pelican import signals

import wenzheng_bridge.site.generator  # noqa: F401 (imported now, so its module state is watched)
from wenzheng_bridge.site.build import Build
from wenzheng_bridge.site.outputs import FINALIZERS, OUTPUTS

_before = {}


def _state():
    state = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("wenzheng_bridge"):
            for key, value in list(vars(module).items()):
                copied = value.copy() if isinstance(value, (list, dict, set, bytearray)) else None
                state[f"{name}.{key}"] = (id(value), copied)
    return state


def remember(pelican):
    _before.update(_state())


def write_report(build: Build):
    facts = {"row_types": sorted({type(row).__name__ for row in build.rows}), "cases": len(build.cases),
             "all_cases": len(build.all_cases), "public": len(build.public()), "rows": len(build.rows)}
    build.write("report/index.html", "<!doctype html><title>报告</title><pre>" + json.dumps(facts) + "</pre>")
    return facts


def check_globals(build: Build):
    after = _state()
    changed = []
    for key, (identity, copied) in _before.items():
        if key in after:
            now_identity, now_copied = after[key]
            try:
                same = identity == now_identity and copied == now_copied
            except Exception:  # values that cannot be compared (arrays): identity only
                same = identity == now_identity
            if not same:
                changed.append(key)
    with open(os.environ["CONTRACT_CHECK"], "w", encoding="utf-8") as handle:
        json.dump({"watched": len(_before), "changed": changed}, handle)


def register():
    OUTPUTS.register("report", write_report, "a third-party page", before=("sitemap",))
    FINALIZERS.register("globals_check", check_globals, "which module globals the build changed")
    signals.initialized.connect(remember)
'''


@pytest.fixture(scope="module")
def plugin_build(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("contracts") / "project")
    # Two of the sample's files (150 real petitions, replies and likes) keep the build short.
    sources = [{"name": "tipdm", "kind": "table", "board": "A市", "board_from_places": True,
                "paths": [f"data/tipdm2020c/{name}" for name in ("fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")],
                "labels": "data/tipdm2020c/fj1_label_tree.xlsx"}]
    settings = load(project / "pelicanconf.py", {"WENZHENG_NOW": NOW, "WENZHENG_SOURCES": sources})
    pull(settings)
    (project / "thirdparty").mkdir()
    (project / "thirdparty" / "report_plugin.py").write_text(textwrap.dedent(PLUGIN), "utf-8")
    check = project / "contract-check.json"
    os.environ["CONTRACT_CHECK"] = str(check)
    try:
        run_pelican(project, project / "output", 'PLUGIN_PATHS=["plugins", "thirdparty"]',
                    'PLUGINS=["wenzheng_bridge", "report_plugin"]', f"WENZHENG_SOURCES={json.dumps(sources)}",
                    "WENZHENG_SEARCH=false")
    finally:
        del os.environ["CONTRACT_CHECK"]
    return project / "output", json.loads(check.read_text("utf-8"))


def test_a_third_party_output_runs_in_a_real_build_and_the_sitemap_lists_its_page(plugin_build):
    output, _ = plugin_build
    page = (output / "report" / "index.html").read_text("utf-8")
    facts = json.loads(page.split("<pre>")[1].split("</pre>")[0])
    public = json.loads((output / "data" / "cases.json").read_text("utf-8"))["count"]
    assert facts["row_types"] == ["Row"] and facts["cases"] == facts["all_cases"] == 0
    assert facts["public"] == public and facts["rows"] > public  # gated cases are rows too, never public
    assert "/report/</loc>" in (output / "sitemap.xml").read_text("utf-8")


def test_a_build_changes_no_module_global(plugin_build):
    _, check = plugin_build
    assert check["watched"] > 1000  # the plugin, site, case view, trust and newsroom modules were loaded
    assert check["changed"] == []
