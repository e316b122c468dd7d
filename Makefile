# Short verbs for Minsheng. Each is a plain command you can also type yourself.
.PHONY: run build test e2e screenshots bench-pages bench-staff bench bench-http bench-text format lint workflow-docs clean

run:
	swift run minsheng serve --demo

build:
	swift build

test:
	scripts/test.sh

# The server end to end: 16 clients posting while it gets SIGTERM (must exit 0) and SIGKILL; every
# message answered 201 must be there after a restart. Then the public board in headless Chromium
# (write with an image, staff reply, evaluate, thank, XSS payloads, search 噪音, 360 px phone).
# SQLite, then a throwaway PostgreSQL. Needs chromium, chromium-driver, fonts-noto-cjk and selenium
# (scripts/install-e2e.sh installs them). Then the staff workbench's two paths (assign with an assisting
# unit → accept → extension → template → review sent back → approved; return → re-assign).
e2e:
	swift build
	scripts/install-e2e.sh
	python3 scripts/kill-test.py
	MINSHENG_PG_DURABLE=1 scripts/with-postgres.sh bash -c 'DATABASE_URL=$$MINSHENG_TEST_POSTGRES_URL python3 scripts/kill-test.py'
	python3 scripts/bad-input.py
	scripts/with-postgres.sh bash -c 'DATABASE_URL=$$MINSHENG_TEST_POSTGRES_URL python3 scripts/bad-input.py'
	python3 e2e/test_public_board.py
	scripts/with-postgres.sh bash -c 'DATABASE_URL=$$MINSHENG_TEST_POSTGRES_URL python3 e2e/test_public_board.py'
	python3 e2e/test_staff_workbench.py
	scripts/with-postgres.sh bash -c 'DATABASE_URL=$$MINSHENG_TEST_POSTGRES_URL python3 e2e/test_staff_workbench.py'
	python3 e2e/test_suggestions.py
	scripts/with-postgres.sh bash -c 'DATABASE_URL=$$MINSHENG_TEST_POSTGRES_URL python3 e2e/test_suggestions.py'
	python3 e2e/test_accessibility.py
	scripts/with-postgres.sh bash -c 'DATABASE_URL=$$MINSHENG_TEST_POSTGRES_URL python3 e2e/test_accessibility.py'

# The screenshots in docs/screenshots, taken by the browser test (SQLite, demonstration data).
screenshots:
	swift build
	python3 e2e/test_public_board.py --screenshots docs/screenshots
	python3 e2e/test_staff_workbench.py --screenshots docs/screenshots
	python3 e2e/test_suggestions.py --screenshots docs/screenshots
	python3 e2e/test_accessibility.py --screenshots docs/screenshots

bench:
	swift run -c release StoreBenchmark --messages 1000 --rounds 9 --out Benchmarks/results/store-$$(date +%Y-%m-%d)-$$(hostname).md

bench-http:
	Benchmarks/http-bench.sh --out Benchmarks/results/http-$$(date +%Y-%m-%d)-$$(hostname).md

bench-pages:
	Benchmarks/pages-bench.sh --out Benchmarks/results/pages-$$(date +%Y-%m-%d)-$$(hostname).md

# The staff pages with 100,000 messages (the load takes about 20 minutes; see Benchmarks/README.md
# for --keep and --reuse).
bench-staff:
	Benchmarks/staff-bench.sh --out Benchmarks/results/staff-$$(date +%Y-%m-%d)-$$(hostname).md

# The classifier against scikit-learn, and near-duplicate detection, on the real messages read by
# path from ../shared/data/tipdm2020c (never copied into the repository).
bench-text:
	Benchmarks/classify-bench.sh --out Benchmarks/results/classify-$$(date +%Y-%m-%d)-$$(hostname).md
	Benchmarks/duplicates-bench.sh --out Benchmarks/results/duplicates-$$(date +%Y-%m-%d)-$$(hostname).md

format:
	swift format --in-place --recursive Sources Tests Benchmarks Package.swift

lint:
	swift format lint --strict --recursive Sources Tests Benchmarks Package.swift

workflow-docs:
	@echo "docs/workflow.md embeds the output of: swift run minsheng workflow table"
	swift run minsheng workflow table

clean:
	rm -rf .build
