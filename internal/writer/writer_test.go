package writer

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func gen(s string) []byte { return []byte("// " + Marker + "\n" + s) }

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteTreeReplacesWhole(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "generated")
	if err := WriteTree(dir, map[string][]byte{"a/x.go": gen("1"), "stale.go": gen("old")}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTree(dir, map[string][]byte{"a/x.go": gen("2"), "js/y.js": gen("3")}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a/x.go": string(gen("2")), "js/y.js": string(gen("3"))}
	if diff := cmp.Diff(want, readTree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("temporary directories left behind: %v", entries)
	}
}

func TestWriteTreeLeavesDirOnError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "generated")
	before := map[string][]byte{"a/x.go": gen("1")}
	if err := WriteTree(dir, before); err != nil {
		t.Fatal(err)
	}
	cases := map[string]map[string][]byte{
		"missing header": {"a/x.go": gen("2"), "b.go": []byte("package b\n")},
		"escaping path":  {"../evil.go": gen("2")},
	}
	for name, files := range cases {
		if err := WriteTree(dir, files); err == nil {
			t.Errorf("%s: no error", name)
		}
		if diff := cmp.Diff(map[string]string{"a/x.go": string(gen("1"))}, readTree(t, dir)); diff != "" {
			t.Errorf("%s: dir changed (-want +got):\n%s", name, diff)
		}
	}
}

func TestWriteTreeRefusesForeignFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "generated")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "handwritten.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteTree(dir, map[string][]byte{"x.go": gen("1")})
	if err == nil || !strings.Contains(err.Error(), "handwritten.go was not written by payscoregen") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "handwritten.go")); err != nil {
		t.Errorf("hand-written file touched: %v", err)
	}
}

// go generate runs in a package directory with -out ..: the tree that holds
// the working directory is replaced as a whole.
func TestWriteTreeRelativeParent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "generated")
	if err := WriteTree(dir, map[string][]byte{"pkg/a.go": gen("1")}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "pkg"))
	if err := WriteTree("..", map[string][]byte{"pkg/a.go": gen("2")}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"pkg/a.go": string(gen("2"))}, readTree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}

// Packages generated into a user's module live in separate directories; they
// are replaced together or not at all.
func TestWriteTreesAllOrNothing(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "internal", "wxpay"), filepath.Join(root, "web", "js")
	if err := WriteTrees(map[string]map[string][]byte{a: {"x.go": gen("1")}, b: {"y.js": gen("2")}}); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, a); got["x.go"] != string(gen("1")) || len(got) != 1 {
		t.Errorf("%s = %v", a, got)
	}
	// A hand-written file in b: nothing changes, in a either.
	if err := os.WriteFile(filepath.Join(b, "mine.js"), []byte("// mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteTrees(map[string]map[string][]byte{a: {"x.go": gen("new")}, b: {"y.js": gen("new")}})
	if err == nil || !strings.Contains(err.Error(), "mine.js was not written by payscoregen") {
		t.Fatalf("err = %v", err)
	}
	if got := readTree(t, a); got["x.go"] != string(gen("1")) {
		t.Errorf("%s changed after a refused generation: %v", a, got)
	}
	for _, d := range []string{filepath.Dir(a), filepath.Dir(b)} {
		if entries, _ := os.ReadDir(d); len(entries) != 1 {
			t.Errorf("temporary directories left in %s: %v", d, entries)
		}
	}
}

func TestWriteTreesRefusesNestedDirs(t *testing.T) {
	root := t.TempDir()
	for _, pair := range [][2]string{{"gen", "gen/sub"}, {"gen", "./gen"}} {
		err := WriteTrees(map[string]map[string][]byte{
			root + "/" + pair[0]: {"x.go": gen("1")},
			root + "/" + pair[1]: {"y.go": gen("2")},
		})
		if err == nil || !strings.Contains(err.Error(), "overlap") {
			t.Errorf("%v: err = %v", pair, err)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("written despite the error: %v", entries)
	}
}

// A directory holding a FIFO, a symlink or a device is refused without
// reading it (a FIFO read would hang) and left untouched.
func TestWriteTreeRefusesSpecialFiles(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		make       func(dir string) error
	}{
		{"fifo", "named pipe (FIFO)", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644) }},
		{"symlink", "symbolic link", func(dir string) error { return os.Symlink("/etc/passwd", filepath.Join(dir, "link_gen.go")) }},
		{"dangling symlink", "symbolic link", func(dir string) error { return os.Symlink("nowhere", filepath.Join(dir, "x")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := os.MkdirAll(filepath.Join(dir, "pkg"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := tc.make(filepath.Join(dir, "pkg")); err != nil {
				t.Skipf("cannot make a %s here: %v", tc.name, err)
			}
			done := make(chan error, 1)
			go func() { done <- WriteTree(dir, map[string][]byte{"a.go": gen("package a\n")}) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("WriteTree = %v, want a refusal naming a %s", err, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("WriteTree hangs")
			}
			if _, err := os.Lstat(filepath.Join(dir, "pkg")); err != nil {
				t.Errorf("the directory was touched: %v", err)
			}
		})
	}
	// The output path itself being a symlink is refused too.
	root := t.TempDir()
	if err := os.Symlink(t.TempDir(), filepath.Join(root, "out")); err != nil {
		t.Skip(err)
	}
	if err := WriteTree(filepath.Join(root, "out"), map[string][]byte{"a.go": gen("package a\n")}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("WriteTree into a symlink = %v", err)
	}
}
