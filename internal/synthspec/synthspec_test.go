package synthspec_test

import (
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/payscoregen/payscoregen/internal/gen"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/internal/synthspec"
)

func load(t *testing.T, s *synthspec.Spec) *spec.Spec {
	t.Helper()
	m := fstest.MapFS{}
	for k, v := range s.Files {
		m[k] = &fstest.MapFile{Data: v}
	}
	sp, err := spec.LoadFS(m, "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// A synthetic spec loads, has exactly the endpoints asked for, and
// generates every kind of file the shipped spec generates.
func TestBuild(t *testing.T) {
	shipped, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	want := kinds(t, shipped)
	for _, n := range []int{1, 10, 37} {
		s, err := synthspec.Build(os.DirFS("../../spec"), n)
		if err != nil {
			t.Fatal(err)
		}
		sp := load(t, s)
		got := 0
		for _, f := range sp.Files {
			got += len(f.Endpoints)
		}
		if got != n || s.Endpoints != n {
			t.Errorf("n=%d: %d endpoints in the spec, %d counted", n, got, s.Endpoints)
		}
		if n < 10 {
			continue
		}
		have := kinds(t, sp)
		for k := range want {
			if !have[k] {
				t.Errorf("n=%d: no %s file generated", n, k)
			}
		}
	}
}

// kinds are the kinds of generated file: "client", "jumps", ".d.ts", ...
func kinds(t *testing.T, sp *spec.Spec) map[string]bool {
	t.Helper()
	files, err := gen.Generate(sp, gen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for name := range files {
		base := path.Base(name)
		switch {
		case strings.HasSuffix(base, "_gen.go"):
			parts := strings.Split(strings.TrimSuffix(base, "_gen.go"), "_")
			out[parts[len(parts)-1]] = true
		case strings.HasSuffix(base, ".d.ts"):
			out[".d.ts"] = true
		default:
			out[path.Ext(base)] = true
		}
	}
	if len(out) < 8 {
		t.Fatalf("only %d kinds of file: %v", len(out), out)
	}
	return out
}
