# payscoregen: `make generate` regenerates generated/ from spec/; `make test` runs every test.
GO      ?= go
SPEC    ?= spec
OUT     ?= generated
FUZZTIME ?= 1m

.PHONY: all generate check test test-go test-js test-fuzz-smoke run-fuzz vet fmt-check bench fuzz demo sim

all: generate test

## generate: regenerate spec/schema.json and generated/ from spec/ (atomic: nothing changes on error)
generate:
	$(GO) run ./cmd/payscoregen generate -spec $(SPEC) -out $(OUT)

## check: load and validate the spec, print every problem
check:
	$(GO) run ./cmd/payscoregen check -spec $(SPEC)

## test: gofmt, vet, every Go test with the race detector (fuzz seed corpora included),
## a short run of every fuzz target, the JS helper tests
test: fmt-check vet test-go test-fuzz-smoke test-js

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt -l lists unformatted files:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 ./...

test-js:
	@if command -v node >/dev/null 2>&1; then node --test jstest/; \
	else echo "test-js: SKIPPED: node is not installed (the generated mini-program helper is untested)"; fi

## bench: run the interleaved comparisons and the generation benchmarks, write BENCHMARKS.md (about 6 minutes)
bench:
	$(GO) run ./internal/benchreport -pairtime 3s -out BENCHMARKS.md

## fuzz: run every fuzz target for FUZZTIME each (make test runs their seed corpora, and each briefly)
FUZZ_TARGETS = ./internal/spec:FuzzParse ./internal/gen:FuzzGenerate ./runtime/validate:FuzzString ./runtime/validate:FuzzFormats \
	./runtime/validate:FuzzPattern ./runtime/jumpsign:FuzzSumHMACSHA256 ./runtime/wxtime:FuzzJSONString \
	./runtime/notify:FuzzParse ./tests/callbacks:FuzzDecodeAuthorizationNotifyData ./runtime/kv:FuzzParseJSONObject \
	./tests/jumps:FuzzParseConfirmOrderReturn ./tests/xiaoweijufu:FuzzNotifyForm
# An iteration count, not a duration: a timed -fuzztime can end in a spurious
# "context deadline exceeded" from the fuzz coordinator on a loaded machine.
FUZZSMOKE ?= 5000x
fuzz:
	@$(MAKE) --no-print-directory run-fuzz FUZZFOR=$(FUZZTIME)

test-fuzz-smoke:
	@$(MAKE) --no-print-directory run-fuzz FUZZFOR=$(FUZZSMOKE)

# New inputs are minimized for at most 5s (default 60s, during which no new input is tried).
run-fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn in $$pkg for $(FUZZFOR)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZFOR) -fuzzminimizetime 5s $$pkg; done

## demo: run the authorization flow end to end against `payscoregen sim`, started as a separate process on loopback
demo:
	$(GO) run ./examples/demo

## sim: run the offline Pay Score simulator on loopback until Ctrl-C (flags: make sim SIMFLAGS="-addr 127.0.0.1:8090 -keys sim.json -v")
sim:
	$(GO) run ./cmd/payscoregen sim $(SIMFLAGS)
