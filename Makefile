# payscoregen: `make generate` regenerates generated/ from spec/; `make test` runs every test.
GO      ?= go
SPEC    ?= spec
OUT     ?= generated
FUZZTIME ?= 1m

.PHONY: import spec-diff spec-update
.PHONY: all generate check test test-go test-race test-browser browser-note test-js run-fuzz vet fmt-check bench fuzz demo sim

all: generate test

## generate: regenerate spec/schema.json and generated/ from spec/ (atomic: nothing changes on error)
generate:
	$(GO) run ./cmd/payscoregen generate -spec $(SPEC) -out $(OUT) -schema $(SPEC)/schema.json

## import: draft a spec from the text of a doc page: make import PAGE=page.txt [DRAFTS=.drafts]
DRAFTS ?= .drafts
import:
	@test -n "$(PAGE)" || { echo "usage: make import PAGE=page.txt [DRAFTS=dir]"; exit 2; }
	$(GO) run ./cmd/payscoregen import -o $(DRAFTS) $(PAGE)

## spec-diff: the API changes of spec/ since BASE (default HEAD); exit 1 on breaking (DIFFFLAGS="-format markdown")
BASE ?= HEAD
spec-diff:
	$(GO) run ./cmd/payscoregen diff $(DIFFFLAGS) $(BASE) $(SPEC)

## spec-update: after merging a reviewed draft into spec/: report the changes, regenerate, run every test
spec-update:
	$(GO) run ./cmd/payscoregen diff -fail-on none $(DIFFFLAGS) $(BASE) $(SPEC)
	@$(MAKE) --no-print-directory generate
	@$(MAKE) --no-print-directory test

## check: load and validate the spec, print every problem
check:
	$(GO) run ./cmd/payscoregen check -spec $(SPEC)

## test: gofmt, vet, every Go test (fuzz seed corpora included; the packages that exercise
## concurrency under the race detector), the console's browser tests when Chromium is there,
## the JS helper tests; prints the time each part took. The fuzzing itself is `make fuzz`.
test:
	@.ci/timed $(MAKE) --no-print-directory -- fmt-check vet test-go test-race browser-note test-js

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt -l lists unformatted files:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# The race detector costs a second, instrumented build of the standard library and the
# dependencies, and slows tests several times: it runs on the packages whose tests or code
# start goroutines (.ci/racepkgs finds them); every other package runs without it.
RACE_PKGS = $(shell GO=$(GO) .ci/racepkgs)

test-go:
	$(GO) test -count=1 -vet=off $(filter-out $(RACE_PKGS),$(shell $(GO) list ./...))

test-race:
	$(GO) test -race -count=1 -vet=off $(RACE_PKGS)

## test-browser: only the simulator console's browser tests (tests/console, headless Chromium)
test-browser:
	$(GO) test -count=1 ./tests/console/

# test-go runs the browser tests when Chromium is found; say so either way.
browser-note:
	@if [ -n "$$PAYSCOREGEN_CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then \
		echo "test-browser: the console's browser tests ran in Chromium (tests/console)"; \
	else echo "test-browser: SKIPPED: no Chromium (set PAYSCOREGEN_CHROMIUM or apt-get install chromium): the console's browser tests did not run"; fi

test-js:
	@if command -v node >/dev/null 2>&1; then node --test jstest/; \
	else echo "test-js: SKIPPED: node is not installed (the generated mini-program helper is untested)"; fi

## bench: run the interleaved comparisons and the generation benchmarks, write BENCHMARKS.md (about 6 minutes)
bench:
	$(GO) run ./internal/benchreport -pairtime 3s -out BENCHMARKS.md

## fuzz: run every fuzz target for FUZZTIME each (default 1m; FUZZTIME=5000x for a short pass).
## make test runs their seed corpora, not the fuzzing.
FUZZ_TARGETS = ./internal/spec:FuzzParse ./internal/gen:FuzzGenerate ./runtime/validate:FuzzString ./runtime/validate:FuzzFormats \
	./runtime/validate:FuzzPattern ./runtime/jumpsign:FuzzSumHMACSHA256 ./runtime/wxtime:FuzzJSONString \
	./runtime/notify:FuzzParse ./tests/callbacks:FuzzDecodeAuthorizationNotifyData ./runtime/kv:FuzzParseJSONObject \
	./tests/jumps:FuzzParseConfirmOrderReturn ./tests/xiaoweijufu:FuzzNotifyForm ./internal/importer:FuzzImport
fuzz:
	@.ci/timed $(MAKE) --no-print-directory -- run-fuzz

# A count such as 5000x rather than a short duration: a timed -fuzztime can end in a
# spurious "context deadline exceeded" from the fuzz coordinator on a loaded machine.
# New inputs are minimized for at most 5s (default 60s, during which no new input is tried).
run-fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg; done

## demo: run the acquiring-bank flow (authorize, create, confirm, complete, pay, cancel, terminate) against `payscoregen sim`, started as a separate process on loopback
demo:
	$(GO) run ./examples/demo

## sim: run the offline Pay Score simulator on loopback until Ctrl-C or SIGTERM
## (flags: make sim SIMFLAGS="-addr 127.0.0.1:8090 -keys sim.json -callback-http -v").
## The binary is built, then exec'd: it is make's own child, so make's SIGTERM reaches it.
SIMBIN ?= bin/payscoregen
sim:
	@$(GO) build -o $(SIMBIN) ./cmd/payscoregen
	@exec $(SIMBIN) sim $(SIMFLAGS)
