package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// specCopy copies the shipped spec into a temporary directory and applies
// the replacements (old, new pairs) to one of its files.
func specCopy(t *testing.T, file string, replace ...string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "spec")
	err := filepath.WalkDir("../../spec", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../../spec", p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if filepath.ToSlash(rel) == file {
			for i := 0; i+1 < len(replace); i += 2 {
				if !strings.Contains(string(data), replace[i]) {
					t.Fatalf("%s has no %q", file, replace[i])
				}
				data = []byte(strings.Replace(string(data), replace[i], replace[i+1], 1))
			}
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

const terminate = "acquiringbank/terminate_authorization.yaml"

func TestDiffExitCodes(t *testing.T) {
	same := specCopy(t, "")
	tightened := specCopy(t, terminate, "max_length: 50", "max_length: 40")
	widened := specCopy(t, terminate, "max_length: 50", "max_length: 80")
	broken := specCopy(t, terminate, "max_length: 50", "max_lenght: 50")

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // substring of stdout
		stderr string // substring of stderr
	}{
		{"identical", []string{"diff", "../../spec", same}, 0, "", "0 breaking, 0 warnings, 0 info"},
		{"breaking", []string{"diff", "../../spec", tightened}, 1,
			"terminate_authorization.yaml:70: breaking: endpoint terminate_authorization request.reason: max_length lowered from 50 to 40",
			"changes at level breaking or above"},
		{"warning passes by default", []string{"diff", "../../spec", widened}, 0, ": warning: ", "0 breaking, 1 warning, 0 info"},
		{"warning fails with -fail-on warning", []string{"diff", "-fail-on", "warning", "../../spec", widened}, 1, ": warning: ", "(-fail-on warning)"},
		{"-fail-on none reports only", []string{"diff", "-fail-on", "none", "../../spec", tightened}, 0, ": breaking: ", "1 breaking"},
		{"flags after the arguments", []string{"diff", "../../spec", widened, "-fail-on", "warning", "-format", "markdown"}, 1, "#### warning (1)", ""},
		{"breaking both ways", []string{"diff", tightened, "../../spec"}, 0, "max_length raised from 40 to 50", ""},
		{"markdown", []string{"diff", "-format", "markdown", "../../spec", tightened}, 1, "| `" + filepath.ToSlash(tightened), ""},
		{"one argument", []string{"diff", "../../spec"}, 2, "", "want OLD and NEW, got 1"},
		{"three arguments", []string{"diff", "a", "b", "c"}, 2, "", "want OLD and NEW, got 3"},
		{"bad -fail-on", []string{"diff", "-fail-on", "fatal", "../../spec", same}, 2, "", `unknown level "fatal"`},
		{"bad -format", []string{"diff", "-format", "html", "../../spec", same}, 2, "", `-format "html"`},
		{"bad flag", []string{"diff", "-nope", "../../spec", same}, 2, "", "flag provided but not defined"},
		{"NEW does not load", []string{"diff", "../../spec", broken}, 2, "", `NEW ` + broken + ` does not load`},
		{"OLD is neither", []string{"diff", filepath.Join(same, "nope"), same}, 2, "", "OLD " + filepath.Join(same, "nope") + " does not load"},
		{"help", []string{"diff", "-h"}, 0, "", "-fail-on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout (want %q):\n%s\nstderr (want %q):\n%s", code, tc.code, tc.stdout, out, tc.stderr, errOut)
			}
		})
	}
}
