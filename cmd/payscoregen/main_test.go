package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckShippedSpec(t *testing.T) {
	code, out, errOut := runCLI(t, "check", "-spec", "../../spec")
	if code != 0 || !strings.Contains(out, ": ok") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

func TestCheckReportsPositionedProblems(t *testing.T) {
	dir := t.TempDir()
	bad := "package: payscore\npage: {title: t, updated: 2022.06.09, seed: s}\nendpoints: 3\nerrata:\n  - {id: Bad_ID, where: w, doc: d, uses: u, why: y}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "check", "-spec", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		filepath.ToSlash(dir) + "/bad.yaml:3:12: endpoints: expected a list, found the number 3",
		filepath.ToSlash(dir) + "/bad.yaml:5:5: erratum id \"Bad_ID\" must be kebab-case",
		"2 problem(s)",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestUsage(t *testing.T) {
	if code, out, _ := runCLI(t, "-h"); code != 0 || !strings.Contains(out, "usage: payscoregen") {
		t.Errorf("-h: exit %d, %q", code, out)
	}
	if code, _, errOut := runCLI(t, "check", "-h"); code != 0 || !strings.Contains(errOut, "-spec") {
		t.Errorf("check -h: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI(t); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := runCLI(t, "check", "-nope"); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
}

// A failed generation leaves the output directory exactly as it was.
func TestGenerateIsAtomic(t *testing.T) {
	out := filepath.Join(t.TempDir(), "generated")
	if code, _, errOut := runCLI(t, "generate", "-spec", "../../spec", "-out", out, "-schema", "-"); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	before := snapshot(t, out)
	if len(before) == 0 {
		t.Fatal("nothing generated")
	}
	badSpec := t.TempDir()
	if err := os.WriteFile(filepath.Join(badSpec, "x.yaml"), []byte("package: payscore\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "generate", "-spec", badSpec, "-out", out, "-schema", "-")
	if code != 1 || !strings.Contains(errOut, "nothing was written") {
		t.Fatalf("bad spec: exit %d: %s", code, errOut)
	}
	after := snapshot(t, out)
	if len(after) != len(before) {
		t.Fatalf("file count changed: %d -> %d", len(before), len(after))
	}
	for p, data := range before {
		if after[p] != data {
			t.Errorf("%s changed", p)
		}
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			out[p] = string(data)
		}
		return nil
	})
	return out
}

func TestErrataListsEveryErratum(t *testing.T) {
	code, out, errOut := runCLI(t, "errata", "-spec", "../../spec")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"order-not-exist-space", "common/errors.yaml", "ORDER_NOT_EXIST", "46 errata"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestErrataListsBorrowedFacts(t *testing.T) {
	code, out, errOut := runCLI(t, "errata", "-spec", "../../golden/shared_types/spec")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"endpoint create_order request.sub_appid", "(M-len)", "1 borrowed facts"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// check reports what only the IR finds (here a form-md5 endpoint without a
// sign field), positioned, like the loader's problems: check passing means
// generate succeeds.
func TestCheckReportsIRProblems(t *testing.T) {
	dir := t.TempDir()
	spec := "package: demo\npage: {title: t, updated: 2022.06.09, source: s}\n" +
		"api: {style: form-md5, base_url: https://e.com}\nendpoints:\n  - id: query\n    title: t\n    summary: s\n" +
		"    method: POST\n    path: /q\n    content_type: form\n    success_status: 200\n" +
		"    request: [{name: order_no, in: body, type: string, required: true}]\n    response: [{name: status, type: string}]\n"
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "check", "-spec", dir)
	if code == 0 || !strings.Contains(errOut, "a.yaml:5:5: endpoint query: a form-md5 request needs a sign field") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
