package bench_test

import (
	"fmt"
	"os"
	"testing"
	"testing/fstest"

	"github.com/payscoregen/payscoregen/internal/gen"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/internal/synthspec"
)

// generateSizes are the synthetic spec sizes, in endpoints.
var generateSizes = []int{10, 100, 1000, 5000}

// BenchmarkGenerate times gen.Generate alone (the spec is loaded before the
// timer starts) on the shipped spec and on synthetic specs of growing size
// (internal/synthspec: copies of the shipped operation pages), and reports
// ns/endpoint, cpu-ns/endpoint (the process's CPU time, GC included, which
// other processes on a busy machine barely change) and the output size;
// BenchmarkLoadSpec times loading them.
// Peak memory is measured by benchreport, in a separate process per size.
func BenchmarkGenerate(b *testing.B) {
	shipped, err := spec.LoadDir("../../spec")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("shipped", func(b *testing.B) { benchGenerate(b, shipped, endpoints(shipped)) })
	for _, n := range generateSizes {
		b.Run(fmt.Sprintf("synthetic_%d", n), func(b *testing.B) { benchGenerate(b, syntheticSpec(b, n), n) })
	}
}

func BenchmarkLoadSpec(b *testing.B) {
	for _, n := range generateSizes {
		b.Run(fmt.Sprintf("synthetic_%d", n), func(b *testing.B) {
			fsys := syntheticFS(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := spec.LoadFS(fsys, "synthetic"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/endpoint")
		})
	}
}

func benchGenerate(b *testing.B, s *spec.Spec, n int) {
	b.ReportAllocs()
	var out int
	cpu := processCPU()
	for b.Loop() {
		files, err := gen.Generate(s, gen.Options{})
		if err != nil {
			b.Fatal(err)
		}
		out = 0
		for _, data := range files {
			out += len(data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/endpoint")
	b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/endpoint")
	b.ReportMetric(float64(out), "out-B")
	b.ReportMetric(float64(n), "endpoints")
}

func syntheticFS(b *testing.B, n int) fstest.MapFS {
	s, err := synthspec.Build(os.DirFS("../../spec"), n)
	if err != nil {
		b.Fatal(err)
	}
	m := fstest.MapFS{}
	for k, v := range s.Files {
		m[k] = &fstest.MapFile{Data: v}
	}
	return m
}

func syntheticSpec(b *testing.B, n int) *spec.Spec {
	s, err := spec.LoadFS(syntheticFS(b, n), "synthetic")
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func endpoints(s *spec.Spec) int {
	n := 0
	for _, f := range s.Files {
		n += len(f.Endpoints)
	}
	return n
}
