package bench_test

import (
	"testing"
	"time"
)

// pair times ours and base alternately in one loop, so load changes on the
// machine hit both equally, and reports each one's ns per call and their
// ratio (ours/base) as metrics. benchreport prefers this ratio to one
// computed from two separate benchmarks.
func pair(b *testing.B, ours, base func()) {
	ours() // warm both paths: connections, caches
	base()
	var tOurs, tBase time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		ours()
		mid := time.Now()
		base()
		tOurs += mid.Sub(start)
		tBase += time.Since(mid)
		n++
	}
	b.ReportMetric(float64(tOurs.Nanoseconds())/float64(n), "ours-ns/call")
	b.ReportMetric(float64(tBase.Nanoseconds())/float64(n), "base-ns/call")
	b.ReportMetric(float64(tOurs)/float64(tBase), "ratio")
}
