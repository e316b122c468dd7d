# Short verbs for Minsheng. Each is a plain command you can also type yourself.
.PHONY: run build test bench bench-http format lint workflow-docs clean

run:
	swift run minsheng serve --demo

build:
	swift build

test:
	scripts/test.sh

bench:
	swift run -c release StoreBenchmark --messages 1000 --rounds 3 --out Benchmarks/results/store-$$(date +%Y-%m-%d)-$$(hostname).md

bench-http:
	Benchmarks/http-bench.sh --out Benchmarks/results/http-$$(date +%Y-%m-%d)-$$(hostname).md

format:
	swift format --in-place --recursive Sources Tests Benchmarks Package.swift

lint:
	swift format lint --strict --recursive Sources Tests Benchmarks Package.swift

workflow-docs:
	@echo "docs/workflow.md embeds the output of: swift run minsheng workflow table"
	swift run minsheng workflow table

clean:
	rm -rf .build
