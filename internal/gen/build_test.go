package gen

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// "check passes" must mean "the generated code compiles": every golden
// scenario that generates is written into one temporary module (using this
// repository through a replace directive) and built and vetted there.
func TestGoldenBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code with the go tool; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH: " + err.Error())
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	goMod := "module payscoregen.example\n\ngo 1.26\n\nrequire " + Module + " v0.0.0\n\nreplace " + Module + " => " + repo + "\n"
	writeFile(t, filepath.Join(tmp, "go.mod"), goMod)
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(tmp, "go.sum"), string(sum))

	scenarios, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	built := 0
	for _, sc := range scenarios {
		dir := filepath.Join(goldenDir, sc.Name())
		prog, err := ir.Load(os.DirFS(filepath.Join(dir, "spec")), "spec", ir.Options{ImportBase: goldenImportBase(dir)})
		var problems spec.Problems
		if errors.As(err, &problems) {
			continue // an error scenario
		}
		if err != nil {
			t.Fatal(err)
		}
		files, err := Render(prog, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if strings.HasSuffix(name, ".go") {
				writeFile(t, filepath.Join(tmp, sc.Name(), filepath.FromSlash(name)), string(data))
			}
		}
		built++
	}
	t.Logf("%d scenarios generated into %s", built, tmp)
	if built == 0 {
		t.Fatal("no golden scenario generates code")
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the generated golden module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
