// Command benchreport runs the benchmarks of tests/bench with -benchmem and
// writes BENCHMARKS.md: every figure is a ratio against a baseline measured
// in the same run, so the report holds on another machine.
//
//	go run ./internal/benchreport [-count 5] [-benchtime 1s] [-out BENCHMARKS.md]
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// result is the median of one benchmark's runs.
type result struct {
	NsOp, BytesOp, AllocsOp float64
	Metrics                 map[string]float64 // custom metrics (ratio, ours-ns/call, ...)
	Runs                    int
}

// comparison is one line of the report: ours against a baseline.
type comparison struct {
	Title, Ours, Baseline string
	Pair                  string  // an interleaved benchmark whose "ratio" metric is preferred
	Target                float64 // ours/baseline must be <= Target; 0: informative
	Note                  string
}

var comparisons = []comparison{
	{"Callback handling: generated handler vs crypto floor", "BenchmarkCallback/generated_handler", "BenchmarkCallback/floor", "BenchmarkPairCallbackFloor", 1.1,
		"floor = RSA-2048 verify + AES-256-GCM open + JSON decode written directly"},
	{"Callback handling: wechatpay-go's notify handler vs crypto floor", "BenchmarkCallback/wechatpay_go", "BenchmarkCallback/floor", "", 0,
		"the baseline a wechatpay-go user has today (no replay or duplicate protection)"},
	{"Callback handling: generated handler vs wechatpay-go", "BenchmarkCallback/generated_handler", "BenchmarkCallback/wechatpay_go", "BenchmarkPairCallbackWechatpayGo", 0, ""},
	{"Client call: generated vs raw core.Client.Request", "BenchmarkClientCall/generated", "BenchmarkClientCall/raw_core", "BenchmarkPairClientCall", 1.05,
		"same loopback server, same signed answer; both sign with RSA-2048 and verify the answer"},
	{"Validate(): every field wrong vs valid", "BenchmarkValidate/every_field_wrong", "BenchmarkValidate/valid", "", 0, ""},
	{"Jump signing: generated HMAC-SHA256 builder vs direct HMAC", "BenchmarkJumpSign/generated_hmac_sha256", "BenchmarkJumpSign/floor_hmac_sha256", "", 0, ""},
	{"Jump signing: generated MD5 builder vs direct MD5", "BenchmarkJumpSign/generated_md5", "BenchmarkJumpSign/floor_md5", "", 0, ""},
	{"Simulator: signed round trip vs raw client call on a static server", "BenchmarkSimulator/apply_permissions", "BenchmarkClientCall/raw_core", "", 0,
		"the simulator verifies the merchant signature, validates, keeps state and signs each answer"},
}

var line = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

func main() {
	count := flag.Int("count", 5, "runs of each benchmark; the report uses the median")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime")
	out := flag.String("out", "BENCHMARKS.md", "report file")
	pkgs := flag.String("pkgs", "./tests/bench/", "packages to benchmark")
	flag.Parse()

	args := []string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(*count), "-benchtime", *benchtime}
	args = append(args, strings.Fields(*pkgs)...)
	cmdline := "go " + strings.Join(args, " ")
	fmt.Fprintln(os.Stderr, "running:", cmdline)
	cmd := exec.Command("go", args...)
	var raw bytes.Buffer
	cmd.Stdout = &raw
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, raw.String())
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	results, cpu := parse(raw.Bytes())
	report := render(results, cpu, cmdline, time.Since(start), raw.String())
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%d benchmarks)\n", *out, len(results))
}

func parse(raw []byte) (map[string]result, string) {
	samples := map[string][]map[string]float64{}
	cpu := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		text := sc.Text()
		if strings.HasPrefix(text, "cpu: ") {
			cpu = strings.TrimSpace(strings.TrimPrefix(text, "cpu: "))
		}
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		// The rest of the line is "value unit" pairs: ns/op, B/op, allocs/op, custom metrics.
		fields := strings.Fields(m[3])
		sample := map[string]float64{}
		for i := 0; i+1 < len(fields); i += 2 {
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				sample[fields[i+1]] = v
			}
		}
		samples[m[1]] = append(samples[m[1]], sample)
	}
	out := map[string]result{}
	for name, s := range samples {
		r := result{NsOp: median(s, "ns/op"), BytesOp: median(s, "B/op"), AllocsOp: median(s, "allocs/op"), Runs: len(s), Metrics: map[string]float64{}}
		for unit := range s[0] {
			r.Metrics[unit] = median(s, unit)
		}
		out[name] = r
	}
	return out, cpu
}

func median(s []map[string]float64, unit string) float64 {
	v := make([]float64, len(s))
	for k := range s {
		v[k] = s[k][unit]
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func render(res map[string]result, cpu, cmdline string, took time.Duration, raw string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Produced by `make bench`, which runs:\n\n```sh\n%s\n```\n\n", cmdline)
	fmt.Fprintf(&b, "Machine: %s, %s/%s, %d CPUs, %s. Medians of each benchmark's runs; the run took %s.\n",
		orUnknown(cpu), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), took.Round(time.Second))
	fmt.Fprintf(&b, "Every ratio divides two figures measured in this same run: absolute times depend on the machine, the ratios much less.\n\n")

	fmt.Fprintf(&b, "## Ratios\n\n| comparison | ours | baseline | time ratio | allocs (ours / baseline) | target | verdict |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range comparisons {
		o, ok1 := res[c.Ours]
		base, ok2 := res[c.Baseline]
		if !ok1 || !ok2 {
			fmt.Fprintf(&b, "| %s | %s | %s | not measured | | | |\n", c.Title, short(c.Ours), short(c.Baseline))
			continue
		}
		ratio, how := o.NsOp/base.NsOp, "separate runs"
		if p, ok := res[c.Pair]; ok && p.Metrics["ratio"] > 0 {
			ratio, how = p.Metrics["ratio"], "interleaved"
		}
		target, verdict := "—", "—"
		if c.Target > 0 {
			target = fmt.Sprintf("<= %.2fx", c.Target)
			verdict = "met"
			if ratio > c.Target {
				verdict = "**missed**"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | **%.3fx** (%s) | %.0f / %.0f | %s | %s |\n",
			c.Title, dur(o.NsOp), dur(base.NsOp), ratio, how, o.AllocsOp, base.AllocsOp, target, verdict)
	}
	fmt.Fprintf(&b, "\nNotes:\n\n")
	for _, c := range comparisons {
		if c.Note != "" {
			fmt.Fprintf(&b, "- %s: %s.\n", c.Title, c.Note)
		}
	}

	fmt.Fprintf(&b, "\n## Validate() allocations\n\n")
	if v, ok := res["BenchmarkValidate/valid"]; ok {
		verdict := "met"
		if v.AllocsOp != 0 {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "A valid `ApplyPermissionsRequest`: %s, %.0f allocs/op (target 0: %s).\n", dur(v.NsOp), v.AllocsOp, verdict)
	}
	if v, ok := res["BenchmarkValidate/every_field_wrong"]; ok {
		fmt.Fprintf(&b, "Every field wrong (all 7 reported): %s, %.0f allocs/op.\n", dur(v.NsOp), v.AllocsOp)
	}

	fmt.Fprintf(&b, "\n## Generation time against spec size\n\n| spec | time | per endpoint | per endpoint vs 10-endpoint spec |\n| --- | --- | --- | --- |\n")
	if s, ok := res["BenchmarkGenerate/shipped"]; ok {
		fmt.Fprintf(&b, "| shipped spec/ | %s | | |\n", dur(s.NsOp))
	}
	var base float64
	for _, n := range []int{10, 100, 1000} {
		r, ok := res[fmt.Sprintf("BenchmarkGenerate/synthetic_%d_endpoints", n)]
		if !ok {
			continue
		}
		per := r.NsOp / float64(n)
		if base == 0 {
			base = per
		}
		fmt.Fprintf(&b, "| synthetic, %d endpoints | %s | %s | %.2fx |\n", n, dur(r.NsOp), dur(per), per/base)
	}
	fmt.Fprintf(&b, "\nLinear growth shows as a per-endpoint ratio near 1.00x (target: linear).\n")

	fmt.Fprintf(&b, "\n## Every benchmark\n\n| benchmark | time/op | B/op | allocs/op | runs |\n| --- | --- | --- | --- | --- |\n")
	names := make([]string, 0, len(res))
	for n := range res {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := res[n]
		extra := ""
		if r.NsOp > 0 && strings.HasPrefix(n, "BenchmarkSimulator") {
			extra = fmt.Sprintf(" (%.0f round trips/s)", 1e9/r.NsOp)
		}
		fmt.Fprintf(&b, "| %s | %s%s | %.0f | %.0f | %d |\n", n, dur(r.NsOp), extra, r.BytesOp, r.AllocsOp, r.Runs)
	}
	fmt.Fprintf(&b, "\n<details><summary>raw go test output</summary>\n\n```text\n%s```\n\n</details>\n", raw)
	return b.String()
}

func short(name string) string { return strings.TrimPrefix(name, "Benchmark") }

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

func dur(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
