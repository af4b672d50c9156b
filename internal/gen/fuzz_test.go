package gen

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// FuzzGenerate drives one spec file through the loader, the checks, the IR
// and the emitters: no panic, every problem positioned, and a spec without
// problems always renders.
func FuzzGenerate(f *testing.F) {
	for _, p := range []string{"endpoints/spec/demo.yaml", "callbacks/spec/demo.yaml", "nested/spec/demo.yaml",
		"shared_types/spec/orders/create.yaml", "error_names/spec/demo.yaml", "error_paths/spec/demo.yaml",
		"jumps/spec/demo.yaml", "xiaoweijufu/spec/pay.yaml"} {
		data, err := os.ReadFile(filepath.Join(goldenDir, p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	types, err := os.ReadFile(filepath.Join(goldenDir, "shared_types/spec/common/types.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"a.yaml": {Data: data}, "common/types.yaml": {Data: types}}
		prog, err := ir.Load(fsys, "spec", ir.Options{ImportBase: "fuzz.example"})
		var ps spec.Problems
		switch {
		case errors.As(err, &ps):
			for _, p := range ps {
				if p.Pos.Line < 1 || (p.Pos.File != "spec/a.yaml" && p.Pos.File != "spec/common/types.yaml") {
					t.Fatalf("bad position %+v: %s", p.Pos, p.Message)
				}
			}
		case err != nil:
			t.Fatalf("Load: %v", err)
		default:
			if _, err := Render(prog, Options{}); err != nil {
				t.Fatalf("a spec without problems does not render: %v", err)
			}
		}
	})
}
