package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seed003 = "../../internal/importer/testdata/seeds/003_be7d0e738b2c0d70.txt"

func TestImportExitCodes(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.txt")
	if err := os.WriteFile(garbage, []byte("nothing to see here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(seed003)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "cut.txt")
	cutAt := bytes.Index(data, []byte("授权状态 authorization_state"))
	if err := os.WriteFile(truncated, data[:cutAt+len("授权状态 authorization_state string[1, 16] 标识")], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"seed page", []string{"import", seed003}, 0, "package: acquiringbank", "7 page(s)"},
		{"garbage", []string{"import", garbage}, 1, "", "no doc page found"},
		{"missing file", []string{"import", filepath.Join(dir, "nope.txt")}, 1, "", "no such file"},
		{"truncated", []string{"import", truncated}, 0, "the text stops in this row", "the text ends at line"},
		{"no argument", []string{"import"}, 2, "", "want one FILE"},
		{"two arguments", []string{"import", "a", "b"}, 2, "", "want one FILE"},
		{"bad flag", []string{"import", "-x", seed003}, 2, "", "flag provided but not defined"},
		{"help", []string{"import", "-h"}, 0, "", "TODO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout (want %q):\n%.2000s\nstderr (want %q):\n%s", code, tc.code, tc.stdout, out, tc.stderr, errOut)
			}
		})
	}
}

// Several pages print as YAML documents separated by ---, or one file each
// with -o; check then fails only on what the TODOs mark (advice here).
func TestImportPagesAndCheck(t *testing.T) {
	code, out, _ := runCLI(t, "import", seed003)
	if code != 0 || strings.Count(out, "\n---\n") != 6 {
		t.Fatalf("exit %d, %d separators", code, strings.Count(out, "\n---\n"))
	}
	dir := filepath.Join(t.TempDir(), "drafts")
	code, _, errOut := runCLI(t, "import", "-o", dir, seed003)
	if code != 0 || strings.Count(errOut, "wrote ") != 7 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "check", "-spec", dir)
	if code != 1 {
		t.Fatalf("check of the drafts: exit %d, want 1 (the TODO advice values)", code)
	}
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if strings.Contains(l, ".yaml:") && !strings.Contains(l, `advice: "TODO" is not one of`) {
			t.Errorf("check fails on something else than a TODO: %s", l)
		}
	}
}

func TestImportStdin(t *testing.T) {
	data, err := os.ReadFile("../../internal/importer/testdata/newlayout/a6_cancel_rows.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := runImport([]string{"-"}, bytes.NewReader(data), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"path: /v3/payscore/acquiringbank/serviceorder/{out_order_no}/cancel", "seed: TODO # TODO: the file the page text was saved as"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
}
