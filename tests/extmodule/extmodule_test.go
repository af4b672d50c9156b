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
	"regexp"
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
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	install := section(t, readme, "## Install")
	fromCheckout := blocks(t, install[bytes.Index(install, []byte("**From a checkout**")):], "sh")
	generate := section(t, readme, "## Generate into your module")
	genBlocks := blocks(t, generate, "sh")
	if len(fromCheckout) != 1 || len(genBlocks) != 2 {
		t.Fatalf("README: want 1 sh block under From a checkout and 2 in Generate into your module, got %d and %d",
			len(fromCheckout), len(genBlocks))
	}
	// The go:generate line the README shows is the shop's.
	directive := regexp.MustCompile(`(?m)^//go:generate .*$`).Find(generate)
	payments, err := os.ReadFile("testdata/shop/internal/payments/payments.go")
	if err != nil {
		t.Fatal(err)
	}
	if directive == nil || !bytes.Contains(payments, directive) {
		t.Fatalf("README's go:generate line %q is not the one in testdata/shop/internal/payments/payments.go", directive)
	}

	shop := t.TempDir()
	// Offline: every module is in the module cache already (this module's
	// tests needed them), and go.sum starts from this module's verified
	// hashes, as there is no checksum database to ask. -mod=readonly, as a
	// user's go command: go.mod changes only through the README's commands.
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(shop, "go.sum"))
	env := append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off")
	run := func(name string, args ...string) string {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = shop, env
		out, err := cmd.CombinedOutput()
		t.Logf("%s %s (%s)\n%s", name, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out)
		if err != nil {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		return string(out)
	}
	sh := func(script string) string {
		t.Helper()
		return run("sh", "-ec", script)
	}

	// README, Install, from a checkout (the checkout is this one).
	run("go", "mod", "init", "example.com/shop")
	sh(strings.ReplaceAll(fromCheckout[0], "$HOME/src/payscoregen", root))
	gomod, err := os.ReadFile(filepath.Join(shop, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gomod, []byte("tool "+module+"/cmd/payscoregen")) {
		t.Fatalf("go.mod has no tool line:\n%s", gomod)
	}
	if v := run("go", "tool", "payscoregen", "version"); !strings.Contains(v, "payscoregen v0.0.0 => "+root) {
		t.Errorf("version = %q", v)
	}

	// README, Generate into your module: copy the spec, the shop's code with
	// its own go:generate line, generate, build.
	if out := sh(genBlocks[0]); strings.TrimSpace(out) != "package: acquiringbank\npackage: payscore" {
		t.Errorf("spec packages: %q", out)
	}
	copyTree(t, "testdata/shop", shop)
	out := sh(genBlocks[1])
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

	// The shop's test calls the simulator through the generated client.
	if out := run("go", "test", "-count=1", "./..."); !strings.Contains(out, "ok  \texample.com/shop/internal/payments") {
		t.Errorf("the shop's test did not pass:\n%s", out)
	}
}

// section returns the README text from heading to the next heading of the
// same level.
func section(t *testing.T, readme []byte, heading string) []byte {
	t.Helper()
	i := bytes.Index(readme, []byte("\n"+heading+"\n"))
	if i < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	rest := readme[i+1+len(heading):]
	level := heading[:strings.Index(heading, " ")+1]
	if j := bytes.Index(rest, []byte("\n"+level)); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// blocks returns the fenced code blocks of a language in text.
func blocks(t *testing.T, text []byte, lang string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile("(?ms)^```"+lang+"\n(.*?)^```").FindAllSubmatch(text, -1) {
		out = append(out, string(m[1]))
	}
	return out
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
