// Package modes_test checks the merchant and partner spec files against the
// operation list of the reference notes (testdata/surface.tsv): every
// covered operation appears exactly once, with the documented method and
// success status, in the package of its mode, and no left-out operation
// sneaks in. It reads the YAML directly, so it does not depend on the
// generator.
package modes_test

import (
	"bufio"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	specfs "github.com/payscoregen/payscoregen/spec"
)

type operation struct {
	id, method, path string
	status           int
	covered          bool
	why              string
}

func readSurface(t *testing.T) []operation {
	t.Helper()
	f, err := os.Open("testdata/surface.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ops []operation
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 6 {
			t.Fatalf("surface.tsv:%d: %d columns, want 6", line, len(cols))
		}
		status, err := strconv.Atoi(cols[3])
		if err != nil {
			t.Fatalf("surface.tsv:%d: status %q: %v", line, cols[3], err)
		}
		op := operation{id: cols[0], method: cols[1], path: cols[2], status: status, why: cols[5]}
		switch cols[4] {
		case "covered":
			op.covered = true
		case "left-out":
			if op.why == "" {
				t.Fatalf("surface.tsv:%d: %s is left out without a reason", line, op.id)
			}
		default:
			t.Fatalf("surface.tsv:%d: coverage %q is neither covered nor left-out", line, cols[4])
		}
		ops = append(ops, op)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// specEndpoint is the part of an endpoint this test needs.
type specEndpoint struct {
	ID            string `yaml:"id"`
	Method        string `yaml:"method"`
	Path          string `yaml:"path"`
	SuccessStatus int    `yaml:"success_status"`

	file, pkg string
}

type specFile struct {
	Package   string          `yaml:"package"`
	Endpoints []*specEndpoint `yaml:"endpoints"`
	Callbacks []struct {
		ID     string `yaml:"id"`
		Events []struct {
			Type string `yaml:"type"`
		} `yaml:"events"`
	} `yaml:"callbacks"`
}

func readSpec(t *testing.T) map[string]*specFile {
	t.Helper()
	files := map[string]*specFile{}
	err := fs.WalkDir(specfs.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := fs.ReadFile(specfs.FS(), p)
		if err != nil {
			return err
		}
		var f specFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		for _, e := range f.Endpoints {
			e.file, e.pkg = p, f.Package
		}
		files[p] = &f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// modeOf names the package an operation id belongs to.
func modeOf(id string) string {
	switch id[0] {
	case 'M':
		return "merchant"
	case 'P':
		return "partner"
	}
	return ""
}

func TestEveryCoveredOperationAppearsOnce(t *testing.T) {
	ops := readSurface(t)
	byRoute := map[string][]*specEndpoint{}
	for _, f := range readSpec(t) {
		for _, e := range f.Endpoints {
			byRoute[e.Method+" "+e.Path] = append(byRoute[e.Method+" "+e.Path], e)
		}
	}
	covered := 0
	for _, op := range ops {
		found := byRoute[op.method+" "+op.path]
		if !op.covered {
			for _, e := range found {
				t.Errorf("%s %s %s is marked left-out (%s) but %s declares it as %s; mark it covered",
					op.id, op.method, op.path, op.why, e.file, e.ID)
			}
			continue
		}
		covered++
		if len(found) != 1 {
			var where []string
			for _, e := range found {
				where = append(where, e.file)
			}
			t.Errorf("%s %s %s: declared %d times, want once %v", op.id, op.method, op.path, len(found), where)
			continue
		}
		e := found[0]
		if e.SuccessStatus != op.status {
			t.Errorf("%s %s (%s): success_status %d, the reference says %d", op.id, e.ID, e.file, e.SuccessStatus, op.status)
		}
		if want := modeOf(op.id); e.pkg != want {
			t.Errorf("%s %s (%s): package %q, want %q", op.id, e.ID, e.file, e.pkg, want)
		}
	}
	if covered != 30 {
		t.Errorf("%d operations marked covered, want 30 (M1–M10, M12–M16, P1–P10, P12, P15–P18)", covered)
	}
}

// TestModePathsKeepTheirPrefix: a partner path is under /v3/payscore/partner/;
// a merchant path is under /v3/payscore/ and not under another mode's segment.
func TestModePathsKeepTheirPrefix(t *testing.T) {
	otherModes := []string{"partner/", "acquiringbank/", "oversea/"}
	n := 0
	for _, f := range readSpec(t) {
		for _, e := range f.Endpoints {
			switch e.pkg {
			case "partner":
				n++
				if !strings.HasPrefix(e.Path, "/v3/payscore/partner/") {
					t.Errorf("%s %s: partner path %q is not under /v3/payscore/partner/", e.file, e.ID, e.Path)
				}
			case "merchant":
				n++
				rest, ok := strings.CutPrefix(e.Path, "/v3/payscore/")
				if !ok {
					t.Errorf("%s %s: merchant path %q is not under /v3/payscore/", e.file, e.ID, e.Path)
				}
				for _, m := range otherModes {
					if strings.HasPrefix(rest, m) {
						t.Errorf("%s %s: merchant path %q is under another mode's %s", e.file, e.ID, e.Path, m)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no merchant or partner endpoint found in spec/")
	}
}

func TestEachModeHasItsNotifications(t *testing.T) {
	want := []string{"PAYSCORE.USER_CONFIRM", "PAYSCORE.USER_PAID", "PAYSCORE.USER_OPEN_SERVICE", "PAYSCORE.USER_CLOSE_SERVICE"}
	for _, mode := range []string{"merchant", "partner"} {
		seen := map[string]int{}
		for _, f := range readSpec(t) {
			if f.Package != mode {
				continue
			}
			for _, cb := range f.Callbacks {
				for _, ev := range cb.Events {
					seen[ev.Type]++
				}
			}
		}
		for _, ev := range want {
			if seen[ev] != 1 {
				t.Errorf("package %s: event %s is declared %d times, want once", mode, ev, seen[ev])
			}
		}
	}
}
