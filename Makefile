# The two quick-start commands are `make run` and `make test`; everything else is a step they use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := sendtrack/static/govuk/govuk-frontend.min.css
export FLASK_APP := wsgi

.PHONY: run test setup assets browser pdf-libs lint db demo test-postgres

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(ASSETS): package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf sendtrack/static/govuk
	mkdir -p sendtrack/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets sendtrack/static/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js sendtrack/static/govuk/
	# The compiled CSS points at /assets/...; serve it from our static folder instead. The GDS
	# Transport typeface is only for GOV.UK domains: drop its @font-face rules and files so
	# every component falls back to Arial. (axe-core stays in node_modules: the browser tests
	# inject it, it is never served.)
	sed -e 's#/assets/#/static/govuk/assets/#g' \
	    -e 's#@font-face{font-family:GDS Transport;[^}]*}##g' \
	    -e 's#font-family:GDS Transport,#font-family:#g' \
	    node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(ASSETS)
	rm -rf sendtrack/static/govuk/assets/fonts

setup: $(STAMP) $(ASSETS) pdf-libs

# WeasyPrint subsets fonts with HarfBuzz's subset library (without it every PDF embeds whole
# fonts and WeasyPrint warns); Debian ships it apart from libharfbuzz0b. The tests read PDFs
# back with poppler's pdftotext and pdftoppm, and pseudonymised packs are checked for
# children's names with pdftotext before they are stored (docs/pseudonymisation.md).
pdf-libs:
	@{ ldconfig -p | grep -q libharfbuzz-subset && command -v pdftotext >/dev/null; } \
	  || ! command -v apt-get >/dev/null 2>&1 || { (apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 poppler-utils) >/dev/null; }

assets: $(ASSETS)

# Real-browser tests use Debian's Chromium; Playwright's own browser download cannot work here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver poppler-utils) >/dev/null; }
	@command -v pdftoppm >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask seed-demo --if-empty

run: demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup browser
	$(BIN)/python -m pytest -q

test-postgres: setup browser
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sendtrack tests bench config.py wsgi.py
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r sendtrack -lll
