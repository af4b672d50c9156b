package bench_test

import (
	"math"
	"runtime"
	"slices"
	"testing"
	"time"
)

// side runs n operations of one path of a comparison. Serial paths run them
// one after another (see serial); throughput paths share them among
// goroutines.
type side func(n int)

// serial turns a one-operation function into a side; i counts every call of
// the path, so a path can walk through distinct inputs.
func serial(op func(i int)) side {
	i := 0
	return func(n int) {
		for range n {
			op(i)
			i++
		}
	}
}

// batchTarget is how long one side of a pair should run: long enough that the
// clock's resolution and overhead do not matter, short enough that a change
// of load on the shared machine rarely falls between the two sides.
const batchTarget = 500 * time.Microsecond

// comparePair measures ours against base in one process and reports, from
// the same pairs:
//
//   - ratio: the median of the per-pair ratios ours/base; ratio-ci-lo and
//     ratio-ci-hi: its 95% confidence interval (order statistics, no
//     assumption on the distribution); ratio-p25/-p75 and ratio-p10/-p90:
//     the spread of the ratios themselves;
//   - ours-ns, base-ns: median nanoseconds per operation of each side;
//   - ours-allocs, base-allocs, ours-B, base-B: allocations and bytes per
//     operation (counted apart from the timing: they do not depend on load);
//   - pairs and batch: how many pairs, and operations per side in each.
//
// Each pair times a batch of ours and a batch of base back to back,
// alternating which side runs first, so a slow moment of the machine hits
// the first or the second side equally often and the median ratio is not
// skewed by the order. benchreport reads only these metrics; the ns/op the
// testing package prints is the time of one pair.
func comparePair(b *testing.B, ours, base side) {
	b.Helper()
	ours(2) // warm both paths: connections, caches, lazily built tables
	base(2)
	oa, ob := perOp(ours), perOp(base)
	k := batchSize(ours, base)

	var ratios, oursNs, baseNs []float64
	first := 0
	for b.Loop() {
		var to, tb time.Duration
		if first%2 == 0 {
			to = timed(ours, k)
			tb = timed(base, k)
		} else {
			tb = timed(base, k)
			to = timed(ours, k)
		}
		first++
		ratios = append(ratios, float64(to)/float64(tb))
		oursNs = append(oursNs, float64(to.Nanoseconds())/float64(k))
		baseNs = append(baseNs, float64(tb.Nanoseconds())/float64(k))
	}
	slices.Sort(ratios)
	b.ReportMetric(quantile(ratios, 0.5), "ratio")
	lo, hi := medianCI(ratios)
	b.ReportMetric(lo, "ratio-ci-lo")
	b.ReportMetric(hi, "ratio-ci-hi")
	b.ReportMetric(quantile(ratios, 0.25), "ratio-p25")
	b.ReportMetric(quantile(ratios, 0.75), "ratio-p75")
	b.ReportMetric(quantile(ratios, 0.1), "ratio-p10")
	b.ReportMetric(quantile(ratios, 0.9), "ratio-p90")
	b.ReportMetric(median(oursNs), "ours-ns")
	b.ReportMetric(median(baseNs), "base-ns")
	b.ReportMetric(oa.allocs, "ours-allocs")
	b.ReportMetric(ob.allocs, "base-allocs")
	b.ReportMetric(oa.bytes, "ours-B")
	b.ReportMetric(ob.bytes, "base-B")
	b.ReportMetric(float64(len(ratios)), "pairs")
	b.ReportMetric(float64(k), "batch")
}

func timed(s side, n int) time.Duration {
	start := time.Now()
	s(n)
	return time.Since(start)
}

// batchSize is the number of operations per side that makes the slower side
// last about batchTarget.
func batchSize(a, b side) int {
	k := 1
	for {
		slow := max(timed(a, k), timed(b, k))
		if slow >= batchTarget || k >= 1<<20 {
			return k
		}
		if slow <= 0 {
			k *= 16
			continue
		}
		next := int(float64(k) * float64(batchTarget) / float64(slow) * 1.1)
		k = min(max(next, k+1), k*16)
	}
}

type mem struct{ allocs, bytes float64 }

// perOp counts allocations and bytes per operation of s, as
// testing.AllocsPerRun does (GOMAXPROCS 1 so other goroutines add little).
// Work done for s by other goroutines (an HTTP server) is counted too.
func perOp(s side) mem {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	// Enough operations that a one-off allocation (a map growing) is noise.
	n := 1
	for timed(s, n) < 20*time.Millisecond && n < 1<<16 {
		n *= 2
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s(n)
	runtime.ReadMemStats(&after)
	return mem{
		allocs: float64(after.Mallocs-before.Mallocs) / float64(n),
		bytes:  float64(after.TotalAlloc-before.TotalAlloc) / float64(n),
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return quantile(s, 0.5)
}

// quantile of sorted v, interpolating between neighbours.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	pos := q * float64(len(v)-1)
	lo := int(pos)
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (pos-float64(lo))*(v[lo+1]-v[lo])
}

// medianCI is the 95% confidence interval of the median of sorted v: the
// order statistics n/2 ± 1.96·√n/2 (binomial, normal approximation).
func medianCI(v []float64) (float64, float64) {
	n := float64(len(v))
	d := 1.96 * math.Sqrt(n) / 2
	lo := max(int(math.Floor(n/2-d)), 0)
	hi := min(int(math.Ceil(n/2+d)), len(v)-1)
	return v[lo], v[hi]
}
