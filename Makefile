# 零距离问政 bridge. Quick start: `make demo`, then `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WZ := $(BIN)/wenzheng
PELICAN := $(BIN)/pelican
STAMP := $(VENV)/.installed
OUTPUT := output
PORT ?= 8000

.PHONY: desk setup demo test lint browser html publish serve devserver clean clean-store bench screenshots mutate

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(STAMP)

# The main job on the bundled real sample (data/tipdm2020c): pull, case view,
# story budget, drafts, site build and search index.
demo: setup
	$(WZ) pull
	$(WZ) status
	$(WZ) stats
	$(WZ) drafts --auto 5
	$(WZ) budget --size 5 --csv -
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT)
	@echo ""
	@echo "网站已生成：$(CURDIR)/$(OUTPUT)/index.html"
	@echo "本地浏览：运行 make serve，然后打开 http://127.0.0.1:$(PORT)/"
	@echo "编辑部工作台：运行 make desk，然后打开 http://127.0.0.1:8010/（选题单、认领、跟进、回访、稿件）"

# The newsroom's desk in a browser, on this machine only (WENZHENG_DESK_HOST / _PORT; see README).
desk: setup
	$(WZ) desk

# Headless Chromium for the browser tests (Debian's package), installed once; and axe-core,
# pinned in tests/browser/package-lock.json, for the accessibility checks (tests/test_reader_checks.py).
browser: tests/browser/node_modules/axe-core/axe.min.js
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk default-jre-headless; }

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

# Static checks CI runs beside the tests: ruff (pyflakes, bugbear, complexity), the import
# layers of DESIGN.md (import-linter) and mypy on the typed core (all configured in pyproject.toml).
lint: setup
	$(BIN)/ruff check plugins tests bench
	PYTHONPATH=plugins $(BIN)/lint-imports
	$(BIN)/mypy

test: setup browser
	$(BIN)/python -m pytest

# The README's screenshots, from a real build in headless Chromium (the tests take them into a temporary folder).
screenshots: setup browser
	WENZHENG_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/test_site_browser.py tests/test_desk_browser.py -k screenshots

# Mutation testing of the core (mutmut), not part of `make test`: one module at a time against the
# tests that cover it; scores in bench/work/mutate/scores.md (curated: bench/RESULTS-mutation.md).
# MODULES="status store" limits the run; MAX_CHILDREN sets the parallel mutants.
MODULES ?=
MAX_CHILDREN ?= 2
mutate: setup
	$(BIN)/pip install -q -e '.[test,mutation]'
	$(BIN)/python bench/mutate.py --max-children $(MAX_CHILDREN) $(MODULES)

html: setup
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT)

# The public site. The output folder is kept between builds (unchanged files keep their
# mtimes), so whatever `make html` left there (the newsroom's budget, drafts) is deleted
# first and the result is checked before anything can be synced. A published article
# naming a gated case (举报, 待审) stops the build; `wenzheng check` stops it earlier, naming
# each article with a placeholder, a gated case or unmasked personal data.
PRIVATE := newsroom drafts
publish: setup
	$(WZ) -s publishconf.py check
	rm -rf $(addprefix $(OUTPUT)/,$(PRIVATE))
	$(PELICAN) content -s publishconf.py -o $(OUTPUT)
	@for name in $(PRIVATE); do \
	  if [ -e "$(OUTPUT)/$$name" ]; then echo "错误：正式构建的输出中仍有编辑部内部文件夹 $(OUTPUT)/$$name，不能发布" >&2; exit 1; fi; \
	done
	@if grep -rl --include='*.html' 'class="draft-notice"' $(OUTPUT) >&2; then \
	  echo "错误：正式构建的输出中有草稿页面（见上），不能发布" >&2; exit 1; fi
	@echo "正式网站已生成：$(CURDIR)/$(OUTPUT)（不含编辑部内部页面和草稿）"

serve:
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(OUTPUT)

devserver: setup
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --listen --autoreload --port $(PORT) --bind 127.0.0.1

bench: setup
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py

# Removes the built site only. The store (data/*.sqlite3) keeps every pull's history,
# which cannot be pulled again once a platform deletes a post: `make clean-store` removes it.
clean:
	rm -rf $(OUTPUT)

clean-store:
	@echo "删除数据库 data/*.sqlite3（全部抓取历史，无法恢复）"
	rm -f data/*.sqlite3 data/*.sqlite3-wal data/*.sqlite3-shm
