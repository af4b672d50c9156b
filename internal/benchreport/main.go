// Command benchreport runs the benchmarks of tests/bench and writes
// BENCHMARKS.md.
//
// Every comparison is an interleaved pair measured in one process
// (tests/bench/pair_test.go): batches of ours and of the baseline alternate,
// each pair alternating which side runs first, and the report gives the
// median of the per-pair ratios with its confidence interval and spread.
// The ours and baseline columns come from the same pairs. Generation is
// timed in process; its peak memory is the maximum RSS of a separate
// `payscoregen generate` process per spec size.
//
//	go run ./internal/benchreport [-pairtime 2s] [-gencount 1] [-out BENCHMARKS.md]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/payscoregen/payscoregen/internal/synthspec"
)

// comparison is one row of the ratio table: a BenchmarkPair* result.
type comparison struct {
	Bench    string // benchmark name without the -N suffix
	Title    string
	Ours     string
	Baseline string
	// MaxRatio is the target for the median ratio (0: none).
	MaxRatio float64
	// Allocs is the allocation target, given ours and the baseline's
	// allocations per operation: a limit and its description ("" for none).
	Allocs func(base float64) (limit float64, text string)
}

func allocsBelow(n float64) func(float64) (float64, string) {
	return func(float64) (float64, string) { return n - 1, fmt.Sprintf("< %.0f", n) }
}

func allocsAtMost(n float64) func(float64) (float64, string) {
	return func(float64) (float64, string) { return n, fmt.Sprintf("<= %.0f", n) }
}

func allocsFloorPlus(n float64) func(float64) (float64, string) {
	return func(base float64) (float64, string) { return base + n, fmt.Sprintf("<= floor + %.0f", n) }
}

var comparisons = []comparison{
	{"BenchmarkPairCallback/floor", "Callback: generated handler vs fair floor",
		"`acquiringbank.NewAuthorizationNotifyHandler` with a memory dedupe store",
		"floor: the same work written directly for this notification (headers, timestamp, signature, strict JSON, " +
			"envelope limits, decryption, decoding, validation, a claim that lapses, 204)",
		1.05, allocsFloorPlus(10)},
	{"BenchmarkPairCallback/wechatpay_go", "Callback: generated handler vs a wechatpay-go handler",
		"the generated handler",
		"wechatpay-go `notify.Handler.ParseNotifyRequest` + the floor's validation, dedupe and reply",
		0, nil},
	{"BenchmarkPairClientCall", "Client call: generated vs raw core.Client",
		"generated `QueryAuthorization` (validate, sign, round trip, verify, decode)",
		"`core.Client.Request` + the same checks by hand, every member decoded",
		1.05, nil},
	{"BenchmarkPairSimulator", "Simulator vs static server (same POST)",
		"`ApplyPermissions` answered by the simulator",
		"the same call answered by a server replaying one pre-signed answer",
		0, nil},
	{"BenchmarkPairValidate/valid", "Validate, valid request",
		"generated `ApplyPermissionsRequest.Validate`",
		"a hand-written check of the same rules (`handValidateApply`)",
		1.2, allocsAtMost(0)},
	{"BenchmarkPairValidate/every_field_wrong", "Validate, every field wrong (7 violations)",
		"generated `Validate`, all 7 violations collected",
		"the hand-written check collecting the same 7",
		0, allocsAtMost(2 * 7)},
	{"BenchmarkPairOrderCallback", "Order callback (USER_PAID, arrays at every level) vs fair floor",
		"`acquiringbank.NewOrderNotifyHandler` with a memory dedupe store",
		"floor: the same work, the order's members (10 post_payments, discounts, collection details, promotions, goods) " +
			"declared and checked by hand",
		1.05, allocsFloorPlus(10)},
	{"BenchmarkPairOrderClientCall", "Client call with arrays: generated vs raw core.Client",
		"generated `CompleteServiceOrder` with 100 post_payments (validate incl. the sum rule, encode, sign, round trip, verify, 204)",
		"`core.Client.Request` sending the same struct after the same checks by hand (`handValidateComplete`)",
		1.05, nil},
	{"BenchmarkPairValidateOrder/valid_100_items", "Validate, complete request with 100 post_payments",
		"generated `CompleteServiceOrderRequest.Validate`",
		"a hand-written check of the same rules (`handValidateComplete`)",
		1.2, allocsAtMost(0)},
	{"BenchmarkPairValidateOrder/every_item_wrong", "Validate, 100 post_payments each wrong (100 violations)",
		"generated `Validate`, all 100 violations collected with their paths (`post_payments[i].name`)",
		"the hand-written check collecting the same 100",
		0, allocsAtMost(2 * 100)},
	{"BenchmarkPairJumpSign/hmac_sha256", "Jump builder, HMAC-SHA256",
		"generated `NewConfirmOrderOpenBusinessView`",
		"floor: same fields filled, same message appended, one crypto/hmac, hex, same limits checked",
		1.3, allocsBelow(5)},
	{"BenchmarkPairJumpSign/md5", "Jump builder, MD5",
		"generated `xiaoweijufu.NewPay`",
		"floor: same fields filled, same message appended, one md5.Sum, hex, same limits checked",
		1.3, allocsBelow(5)},
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

func main() {
	pairtime := flag.String("pairtime", "2s", "-benchtime of each interleaved comparison (the number of pairs follows)")
	gencount := flag.Int("gencount", 3, "runs of each generation benchmark (the report takes the fastest)")
	out := flag.String("out", "BENCHMARKS.md", "report file")
	skipGen := flag.Bool("skip-generation", false, "leave out the generation benchmarks (for a quick look)")
	flag.Parse()

	start := time.Now()
	loadBefore := loadavg()
	var raw bytes.Buffer
	pairArgs := []string{"test", "-run", "^$", "-bench", "^BenchmarkPair", "-benchtime", *pairtime, "-count", "1", "./tests/bench/"}
	runs := [][]string{pairArgs}
	genArgs := []string{"test", "-run", "^$", "-bench", "^(BenchmarkGenerate|BenchmarkLoadSpec)$", "-benchtime", "1x",
		"-count", strconv.Itoa(*gencount), "-timeout", "30m", "./tests/bench/"}
	if !*skipGen {
		runs = append(runs, genArgs)
	}
	var cmdlines []string
	for _, args := range runs {
		cmdlines = append(cmdlines, "go "+strings.Join(args, " "))
		fmt.Fprintln(os.Stderr, "running: go", strings.Join(args, " "))
		cmd := exec.Command("go", args...)
		cmd.Stdout = &raw
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fatal(fmt.Errorf("%v\n%s", err, raw.String()))
		}
	}
	var mem []memResult
	if !*skipGen {
		var err error
		if mem, err = measureMemory(); err != nil {
			fatal(err)
		}
	}
	results, cpu := parse(raw.Bytes())
	r := report{results: results, cpu: cpu, cmdlines: cmdlines, took: time.Since(start), raw: raw.String(),
		loadBefore: loadBefore, loadAfter: loadavg(), mem: mem}
	if err := os.WriteFile(*out, []byte(r.render()), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%d benchmarks) in %s\n", *out, len(results), time.Since(start).Round(time.Second))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}

// metrics are one benchmark's figures by unit (medians over -count runs).
type metrics map[string]float64

func parse(raw []byte) (map[string]metrics, string) {
	samples := map[string][]map[string]float64{}
	cpu := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		text := sc.Text()
		if c, ok := strings.CutPrefix(text, "cpu: "); ok {
			cpu = strings.TrimSpace(c)
		}
		m := benchLine.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		sample := map[string]float64{}
		for i := 0; i+1 < len(fields); i += 2 {
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				sample[fields[i+1]] = v
			}
		}
		samples[m[1]] = append(samples[m[1]], sample)
	}
	out := map[string]metrics{}
	for name, s := range samples {
		r := metrics{"runs": float64(len(s))}
		for unit := range s[0] {
			v := make([]float64, len(s))
			for i := range s {
				v[i] = s[i][unit]
			}
			slices.Sort(v)
			r[unit] = (v[(len(v)-1)/2] + v[len(v)/2]) / 2
			r["min "+unit] = v[0]
		}
		out[name] = r
	}
	return out, cpu
}

// memResult is one `payscoregen generate` run on a synthetic spec.
type memResult struct {
	Endpoints, Callbacks, Jumps int
	Wall                        time.Duration
	PeakRSS                     int64 // bytes
	Output                      int64 // bytes written
	Files                       int
}

// measureMemory builds the CLI and runs it once per size, each in its own
// process so that the peak RSS is that size's alone.
func measureMemory() ([]memResult, error) {
	tmp, err := os.MkdirTemp("", "benchreport-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "payscoregen")
	fmt.Fprintln(os.Stderr, "building the CLI for the memory runs")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/payscoregen").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	var res []memResult
	for _, n := range []int{10, 100, 1000, 5000} {
		s, err := synthspec.Build(os.DirFS("spec"), n)
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(tmp, strconv.Itoa(n))
		for name, data := range s.Files {
			p := filepath.Join(dir, "spec", filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(os.Stderr, "payscoregen generate: %d endpoints\n", n)
		cmd := exec.Command(bin, "generate", "-spec", filepath.Join(dir, "spec"), "-out", filepath.Join(dir, "out"), "-schema", "-")
		cmd.Stderr = os.Stderr
		start := time.Now()
		if out, err := cmd.Output(); err != nil {
			return nil, fmt.Errorf("generate %d endpoints: %v\n%s", n, err, out)
		}
		r := memResult{Endpoints: s.Endpoints, Callbacks: s.Callbacks, Jumps: s.Jumps, Wall: time.Since(start)}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.PeakRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
		err = filepath.WalkDir(filepath.Join(dir, "out"), func(_ string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err == nil {
				r.Output += info.Size()
				r.Files++
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		res = append(res, r)
		_ = os.RemoveAll(dir)
	}
	return res, nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

type report struct {
	results               map[string]metrics
	cpu                   string
	cmdlines              []string
	took                  time.Duration
	raw                   string
	loadBefore, loadAfter string
	mem                   []memResult
}

func (r *report) render() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\nProduced by `make bench`, which runs:\n\n```sh\n%s\n```\n\n", strings.Join(r.cmdlines, "\n"))
	p("then `payscoregen generate` once per synthetic spec size, in its own process, for the peak memory.\n\n")
	p("Machine: %s, %s/%s, %d CPUs, %s. The run took %s.\n", orUnknown(r.cpu), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), runtime.Version(), r.took.Round(time.Second))
	p("Load average (1, 5, 15 min) %s at the start and %s at the end: the machine is shared, so absolute times are\n", r.loadBefore, r.loadAfter)
	p("noisy; the ratios are protected by interleaving, and the spread columns say how noisy each one was.\n\n")

	p("## How each ratio is measured\n\n")
	p("Each comparison runs in one process as a series of pairs. A pair times a batch of ours and a batch of the\n")
	p("baseline back to back (the same number of operations, sized so the slower side takes about 0.5 ms), and\n")
	p("pairs alternate which side runs first. The ratio is ours/baseline per pair; the table gives the median over\n")
	p("all pairs, its 95%% confidence interval (order statistics), and the 25th–75th and 10th–90th percentiles of the\n")
	p("per-pair ratios. The ours and baseline times are the medians of the same pairs' per-operation times.\n")
	p("Allocations and bytes per operation are counted apart from the timing (they do not depend on load), with\n")
	p("`runtime.ReadMemStats` around many operations at GOMAXPROCS 1, including work done for the operation by other\n")
	p("goroutines (the loopback HTTP server in the client and simulator rows). Every baseline does the same\n")
	p("observable work as ours; `go test ./tests/bench` checks that: every side accepts the same fixtures and refuses\n")
	p("the same broken ones (`TestCallbackSidesAgree`, `TestCallbackSidesRejectAlike`, `TestOrderCallbackSidesAgree`,\n")
	p("`TestJumpFloorsAgree`, `TestValidateBaselineAgrees`, `TestValidateCompleteBaselineAgrees`). Where no standard\n")
	p("library call does a check ours makes (refusing repeated JSON member names), the floor calls the same function\n")
	p("(`notify.CheckStrictJSON`), so that cost is equal on both sides.\n\n")

	p("## Ratios\n\n| comparison | ours | baseline | ratio (median) | 95%% CI | spread p25–p75 (p10–p90) | pairs | allocs ours / baseline | target | verdict |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range comparisons {
		m, ok := r.results[c.Bench]
		if !ok {
			p("| %s | | | not measured | | | | | | |\n", c.Title)
			continue
		}
		var targets, verdicts []string
		if c.MaxRatio > 0 {
			targets = append(targets, fmt.Sprintf("time <= %.2fx", c.MaxRatio))
			verdicts = append(verdicts, verdict(m["ratio"] <= c.MaxRatio, fmt.Sprintf("time %.2fx over", m["ratio"]/c.MaxRatio)))
		}
		if c.Allocs != nil {
			limit, text := c.Allocs(m["base-allocs"])
			targets = append(targets, "allocs "+text)
			verdicts = append(verdicts, verdict(m["ours-allocs"] <= limit, fmt.Sprintf("allocs %.0f over", m["ours-allocs"]-limit)))
		}
		p("| %s | %s | %s | **%.3fx** | %.3f–%.3f | %.2f–%.2f (%.2f–%.2f) | %.0f | %s / %s | %s | %s |\n",
			c.Title, dur(m["ours-ns"]), dur(m["base-ns"]), m["ratio"], m["ratio-ci-lo"], m["ratio-ci-hi"],
			m["ratio-p25"], m["ratio-p75"], m["ratio-p10"], m["ratio-p90"], m["pairs"],
			num(m["ours-allocs"]), num(m["base-allocs"]), orDash(strings.Join(targets, ", ")), orDash(strings.Join(verdicts, ", ")))
	}
	p("\nWhat each side does:\n\n")
	for _, c := range comparisons {
		p("- %s: ours = %s; baseline = %s.\n", c.Title, c.Ours, c.Baseline)
	}

	p("\n## Callback throughput\n\nConcurrent deliveries of distinct notifications to one handler, ours against the floor, interleaved as above\n")
	p("(each operation is one round of N deliveries shared by N goroutines).\n\n")
	p("| concurrent deliveries | ours (deliveries/s) | floor (deliveries/s) | ratio (median) | 95%% CI | spread p25–p75 | pairs |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, conc := range []int{1, 8, 64} {
		m, ok := r.results[fmt.Sprintf("BenchmarkPairCallback/throughput_%d", conc)]
		if !ok {
			p("| %d | not measured | | | | | |\n", conc)
			continue
		}
		p("| %d | %.0f | %.0f | **%.3fx** | %.3f–%.3f | %.2f–%.2f | %.0f |\n", conc,
			float64(conc)*1e9/m["ours-ns"], float64(conc)*1e9/m["base-ns"], m["ratio"], m["ratio-ci-lo"], m["ratio-ci-hi"],
			m["ratio-p25"], m["ratio-p75"], m["pairs"])
	}
	if m, ok := r.results["BenchmarkPairCallback/throughput_64"]; ok {
		p("\nThese rows have no target. Two cores run every goroutine, so the RSA verification (most of the work) queues\n")
		p("and the pairs spread widely at 64 (see p25–p75). Ours allocates %.0f bytes per delivery against the floor's\n",
			m["ours-B"]/64)
		p("%.0f: mostly the signed message built as a string for wechatpay-go's `auth.Verifier` (whose `Verify` copies it\n",
			m["base-B"]/64)
		p("once more to hash it), where the floor hashes the pieces in place; under concurrency that shows as GC work.\n")
	}

	r.renderGeneration(p)

	p("\n## Every result\n\n| benchmark | metrics |\n| --- | --- |\n")
	names := make([]string, 0, len(r.results))
	for n := range r.results {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		units := make([]string, 0, len(r.results[n]))
		for u := range r.results[n] {
			units = append(units, u)
		}
		sort.Strings(units)
		var parts []string
		for _, u := range units {
			if strings.HasPrefix(u, "min ") && r.results[n]["runs"] < 2 {
				continue
			}
			parts = append(parts, fmt.Sprintf("%s %s", num(r.results[n][u]), u))
		}
		p("| %s | %s |\n", n, strings.Join(parts, ", "))
	}
	p("\n<details><summary>raw go test output</summary>\n\n```text\n%s```\n\n</details>\n", r.raw)
	return b.String()
}

func (r *report) renderGeneration(p func(string, ...any)) {
	p("\n## Generation\n\nSynthetic specs (internal/synthspec) are the shipped spec's definitions plus copies of its operation pages\n")
	p("in new packages, so they exercise every kind of generated file the shipped spec does (client, schemas,\n")
	p("validators, errors, callbacks, jumps, form client, form notify, JS and its declarations) in the shipped\n")
	p("proportion of endpoints, callbacks and jumps. Generation time is `gen.Generate` alone, in process, the spec\n")
	p("loaded beforehand, for the shipped and synthetic specs alike; loading is its own column. Peak memory is the\n")
	p("maximum RSS of `payscoregen generate` (load, generate, gofmt, write) run once per size in its own process.\n\n")
	p("| spec | endpoints / callbacks / jumps | generate (wall) | wall per endpoint | CPU per endpoint | marginal CPU per endpoint | load per endpoint | output | peak RSS | peak RSS / output |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	if m, ok := r.results["BenchmarkGenerate/shipped"]; ok {
		p("| shipped spec/ | %.0f endpoints | %s | %s | %s | | | %s | | |\n", m["endpoints"], dur(m["min ns/op"]),
			dur(m["min ns/endpoint"]), dur(m["min cpu-ns/endpoint"]), size(m["out-B"]))
	}
	prevN, prevT := 0, 0.0
	for i, n := range []int{10, 100, 1000, 5000} {
		m, ok := r.results[fmt.Sprintf("BenchmarkGenerate/synthetic_%d", n)]
		if !ok {
			continue
		}
		cpu := m["min cpu-ns/endpoint"] * float64(n)
		marginal := ""
		if prevN > 0 {
			marginal = dur((cpu - prevT) / float64(n-prevN))
		}
		prevN, prevT = n, cpu
		load := r.results[fmt.Sprintf("BenchmarkLoadSpec/synthetic_%d", n)]
		counts, rss, ratio := fmt.Sprintf("%d", n), "", ""
		if i < len(r.mem) {
			mr := r.mem[i]
			counts = fmt.Sprintf("%d / %d / %d", mr.Endpoints, mr.Callbacks, mr.Jumps)
			rss = size(float64(mr.PeakRSS))
			ratio = fmt.Sprintf("%.1fx", float64(mr.PeakRSS)/float64(mr.Output))
		}
		p("| synthetic | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", counts, dur(m["min ns/op"]), dur(m["min ns/endpoint"]),
			dur(m["min cpu-ns/endpoint"]), marginal, dur(load["min ns/endpoint"]), size(m["out-B"]), rss, ratio)
	}
	p("\nCPU time is the benchmark process's user and system time (GC workers included): other processes on the\n")
	p("shared machine inflate wall time but barely change it, so linearity is read from it. Marginal CPU per endpoint\n")
	p("is the CPU time added per endpoint since the previous size: flat when generation is linear (the small sizes\n")
	p("also carry fixed costs, such as the shipped definitions' package). All figures are the fastest of the runs of\n")
	p("each size (-gencount): a busy machine only ever adds time. At small sizes peak RSS is mostly the Go runtime's\n")
	p("own; the ratio that matters is at scale.\n")
	if len(r.mem) >= 2 {
		a, z := r.mem[len(r.mem)-2], r.mem[len(r.mem)-1]
		p("\nBetween %d and %d endpoints, peak RSS grows by %s for %s more output: %.1fx the output, %s per endpoint.\n",
			a.Endpoints, z.Endpoints, size(float64(z.PeakRSS-a.PeakRSS)), size(float64(z.Output-a.Output)),
			float64(z.PeakRSS-a.PeakRSS)/float64(z.Output-a.Output), size(float64(z.PeakRSS-a.PeakRSS)/float64(z.Endpoints-a.Endpoints)))
		p("Target: linear time (flat marginal CPU per endpoint) and peak memory at most 10x the output: %s at %d endpoints.\n",
			verdict(float64(z.PeakRSS) <= 10*float64(z.Output), fmt.Sprintf("%.1fx", float64(z.PeakRSS)/float64(z.Output))), z.Endpoints)
	}
}

func verdict(ok bool, miss string) string {
	if ok {
		return "met"
	}
	return "**missed** (" + miss + ")"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func num(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func size(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}
