// Package extmodule uses payscoregen the way another module does: the
// README's Install and Generate-into-your-module commands, run in a
// throwaway module that replaces github.com/payscoregen/payscoregen with this
// checkout, generates into its own package through its own go:generate line,
// and runs its own test of a client call against the simulator.
package extmodule

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const module = "github.com/payscoregen/payscoregen"

func TestExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a second module")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	shop := t.TempDir()
	copyTree(t, "testdata/shop", shop)
	// The spec subset the shop uses, copied as the README says.
	for _, dir := range []string{"acquiringbank", "common"} {
		copyTree(t, filepath.Join(root, "spec", dir), filepath.Join(shop, "payscore", "spec", dir))
	}
	// Offline: every module is in the module cache already (this module's
	// tests needed them), and go.sum starts from this module's verified
	// hashes, as there is no checksum database to ask.
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(shop, "go.sum"))
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	goCmd := func(args ...string) string {
		t.Helper()
		start := time.Now()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = shop, env
		out, err := cmd.CombinedOutput()
		t.Logf("go %s (%s)\n%s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out)
		if err != nil {
			t.Fatalf("go %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}

	// README, Install (from a checkout).
	goCmd("mod", "init", "example.com/shop")
	goCmd("mod", "edit", "-require="+module+"@v0.0.0", "-replace="+module+"="+root)
	goCmd("get", "-tool", module+"/cmd/payscoregen")
	gomod, err := os.ReadFile(filepath.Join(shop, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gomod, []byte("tool "+module+"/cmd/payscoregen")) {
		t.Fatalf("go.mod has no tool line:\n%s", gomod)
	}
	if v := goCmd("tool", "payscoregen", "version"); !strings.Contains(v, "payscoregen v0.0.0 => "+root) {
		t.Errorf("version = %q", v)
	}

	// README, Generate into your module: the shop's own go:generate line.
	out := goCmd("generate", "./...")
	if n := strings.Count(out, " files) from "); n != 1 {
		t.Errorf("go generate reported %d generations, want 1:\n%s", n, out)
	}
	generated, err := filepath.Glob(filepath.Join(shop, "internal", "wxpay", "*.go"))
	if err != nil || len(generated) == 0 {
		t.Fatalf("nothing in internal/wxpay: %v", err)
	}
	for _, f := range generated {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("\npackage wxpay\n")) || bytes.Contains(data, []byte("go:generate")) {
			t.Errorf("%s: want package wxpay and no go:generate line", filepath.Base(f))
		}
	}
	if _, err := os.Stat(filepath.Join(shop, "payscore", "spec", "schema.json")); !os.IsNotExist(err) {
		t.Errorf("generate wrote schema.json into the spec directory (%v)", err)
	}

	// Builds, and its test calls the simulator through the generated client.
	goCmd("build", "./...")
	if out := goCmd("test", "-count=1", "./..."); !strings.Contains(out, "ok  \texample.com/shop/internal/payments") {
		t.Errorf("the shop's test did not pass:\n%s", out)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		copyFile(t, p, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
