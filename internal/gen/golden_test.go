package gen

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files under golden/ from the current generator")

const goldenDir = "../../golden"

// Each golden/<scenario>/ holds spec/*.yaml (the input) and want/ (the
// expected output, each file with a .golden suffix so Go tools ignore it).
// A scenario whose spec is invalid expects want/error.txt: the exact
// file:line:col problems.
func TestGolden(t *testing.T) {
	scenarios, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sc := range scenarios {
		if !sc.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(goldenDir, sc.Name())
		t.Run(sc.Name(), func(t *testing.T) {
			got := runScenario(t, dir)
			wantDir := filepath.Join(dir, "want")
			if *update {
				if err := os.RemoveAll(wantDir); err != nil {
					t.Fatal(err)
				}
				for name, data := range got {
					p := filepath.Join(wantDir, filepath.FromSlash(name)+".golden")
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := readGolden(t, wantDir)
			compareTrees(t, want, got, "golden/"+sc.Name()+"/want", "go test ./internal/gen -run TestGolden -update")
		})
	}
	if n == 0 {
		t.Fatal("no golden scenarios")
	}
}

// runScenario generates a scenario; an invalid spec yields error.txt.
func runScenario(t *testing.T, dir string) map[string]string {
	t.Helper()
	prog, err := ir.Load(os.DirFS(filepath.Join(dir, "spec")), "spec", ir.Options{ImportBase: goldenImportBase(dir)})
	var problems spec.Problems
	if errors.As(err, &problems) {
		return map[string]string{"error.txt": problems.Error() + "\n"}
	}
	if err != nil {
		t.Fatal(err)
	}
	files, err := Render(prog, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, data := range files {
		out[name] = string(data)
	}
	return out
}

// goldenImportBase is the import path a scenario's packages import each
// other by; TestGoldenBuilds builds them in a module of that path.
func goldenImportBase(dir string) string {
	return "payscoregen.example/" + filepath.Base(dir)
}

func readGolden(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[strings.TrimSuffix(filepath.ToSlash(rel), ".golden")] = string(data)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// compareTrees reports missing, extra and differing files with a line diff each.
func compareTrees(t *testing.T, want, got map[string]string, where, fix string) {
	t.Helper()
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s/%s: expected but not generated (fix: %s)", where, name, fix)
		}
	}
	for name, g := range got {
		w, ok := want[name]
		if !ok {
			t.Errorf("%s/%s: generated but not expected (fix: %s)", where, name, fix)
			continue
		}
		if w != g {
			diff := cmp.Diff(strings.Split(w, "\n"), strings.Split(g, "\n"))
			t.Errorf("%s/%s differs (-want +got; fix: %s):\n%s", where, name, fix, diff)
		}
	}
}

// The committed generated/ must be exactly what the shipped spec generates.
func TestCommittedOutputIsFresh(t *testing.T) {
	s, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(s, Options{ImportBase: Module + "/generated"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, data := range files {
		got[name] = string(data)
	}
	committed := map[string]string{}
	err = filepath.WalkDir("../../generated", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel("../../generated", p)
		committed[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	compareTrees(t, committed, got, "generated", "make generate")
}

// Same spec in, byte-identical output out: generate twice and compare.
func TestGenerateIsDeterministic(t *testing.T) {
	s1, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := spec.LoadDir("../../spec")
	a, err := Generate(s1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(s2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two generations differ:\n%s", diff)
	}
}
