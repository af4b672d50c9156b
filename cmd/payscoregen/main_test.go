package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/internal/spec"
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
	if code, _, errOut := runCLI(t, "generate", "-spec", "../../spec", "-out", out); code != 0 {
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
	code, _, errOut := runCLI(t, "generate", "-spec", badSpec, "-out", out)
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
	// The count follows the spec: every erratum of every file is listed.
	model, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range model.Files {
		n += len(f.Errata)
	}
	for _, want := range []string{"order-not-exist-space", "common/errors.yaml", "ORDER_NOT_EXIST", fmt.Sprintf("\n%d errata", n)} {
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

// specSubset copies the acquiring-bank pages and the common error codes, as a
// user copies the spec files they need.
func specSubset(t *testing.T, dst string) {
	t.Helper()
	for _, dir := range []string{"acquiringbank", "common"} {
		entries, err := os.ReadDir(filepath.Join("../../spec", dir))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dst, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join("../../spec", dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dst, dir, e.Name()), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// -pkg puts a spec package into a directory of the user's module under the
// Go name the user picks, with no go:generate line and nothing in the spec
// directory.
func TestGenerateIntoUserPackage(t *testing.T) {
	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/shop\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	specDir := filepath.Join(mod, "payscore", "spec")
	specSubset(t, specDir)
	before := snapshot(t, specDir)
	t.Chdir(mod)

	code, out, errOut := runCLI(t, "generate", "-spec", "payscore/spec",
		"-pkg", "acquiringbank=internal/wxpay", "-pkg", "payscore=internal/payscore")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "internal/payscore (4 files), internal/wxpay (5 files)") {
		t.Errorf("stdout = %q", out)
	}
	files := snapshot(t, filepath.Join(mod, "internal", "wxpay"))
	if len(files) != 5 {
		t.Fatalf("generated %d files: %v", len(files), files)
	}
	for p, data := range files {
		if base := filepath.Base(p); (base != "doc_gen.go" && !strings.HasPrefix(base, "wxpay_")) || !strings.Contains(data, "\npackage wxpay\n") {
			t.Errorf("%s: not a file of package wxpay", p)
		}
		if strings.Contains(data, "go:generate") {
			t.Errorf("%s carries a go:generate line", p)
		}
	}
	if client := files[filepath.Join(mod, "internal", "wxpay", "wxpay_client_gen.go")]; !strings.Contains(client, `"example.com/shop/internal/payscore"`) {
		t.Errorf("wxpay_client_gen.go does not import the shop's payscore package:\n%s", client)
	}
	if after := snapshot(t, specDir); len(after) != len(before) {
		t.Errorf("files written into the spec directory: %d -> %d", len(before), len(after))
	}

	// -pkg NAME overrides the directory's name; regenerating replaces the directory.
	code, _, errOut = runCLI(t, "generate", "-spec", "payscore/spec", "-pkg", "acquiringbank=internal/wxpay:pay", "-pkg", "payscore=internal/payscore")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for p, data := range snapshot(t, filepath.Join(mod, "internal", "wxpay")) {
		if base := filepath.Base(p); (base != "doc_gen.go" && !strings.HasPrefix(base, "pay_")) || !strings.Contains(data, "\npackage pay\n") {
			t.Errorf("%s: not a file of package pay", p)
		}
	}

	// -schema writes the JSON Schema only when asked.
	if code, _, errOut := runCLI(t, "generate", "-spec", "payscore/spec", "-pkg", "acquiringbank=internal/wxpay", "-pkg", "payscore=internal/payscore", "-schema", "payscore/spec/schema.json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(specDir, "schema.json")); err != nil {
		t.Errorf("-schema: %v", err)
	}
}

func TestGeneratePackageFlagErrors(t *testing.T) {
	dir := t.TempDir()
	specSubset(t, filepath.Join(dir, "spec"))
	out := filepath.Join(dir, "wxpay")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-pkg", "payscore=" + out, "-out", dir}, 2, "-pkg places every package itself; it excludes -out and -import"},
		{[]string{"-pkg", "payscore=" + dir + "/wx-pay"}, 2, `"wx-pay" is not a Go package name; name it: payscore=`},
		{[]string{"-pkg", "payscore=" + out + ":type"}, 2, `"type" is not a Go package name`},
		{[]string{"-pkg", "payscore"}, 2, "want SPECPKG=DIR[:NAME]"},
		{[]string{"-pkg", "payscore=" + out, "-pkg", "acquiringbank=" + dir + "/a", "-pkg", "xiaoweijufu=" + dir + "/x"}, 1,
			"-pkg xiaoweijufu: the spec has no package xiaoweijufu (it has acquiringbank, payscore)"},
		{[]string{"-pkg", "acquiringbank=" + dir + "/a"}, 1, "spec package payscore has no -pkg payscore=DIR"},
		{[]string{"-pkg", "acquiringbank=" + out, "-pkg", "payscore=" + out + ":p"}, 1, "-pkg acquiringbank and -pkg payscore share the directory"},
	} {
		code, _, errOut := runCLI(t, append([]string{"generate", "-spec", filepath.Join(dir, "spec")}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q; stderr:\n%s", tc.args, code, tc.code, tc.want, errOut)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after refused generations", out)
	}
}

func TestVersionLine(t *testing.T) {
	main := debug.Module{Path: "github.com/payscoregen/payscoregen", Version: "v0.3.1"}
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"tagged checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: main, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "4523791abc"}, {Key: "vcs.time", Value: "2025-06-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}, "payscoregen v0.3.1, commit 4523791abc (2025-06-01T10:00:00Z), modified, go1.26.8"},
		{"go run ./cmd/payscoregen", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: main.Path, Version: "(devel)"}},
			"payscoregen (devel), go1.26.8"},
		{"go tool payscoregen in another module", debug.BuildInfo{GoVersion: "go1.26.8",
			Main:     debug.Module{Path: "example.com/shop", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "shop-commit"}},
			Deps:     []*debug.Module{{Path: "github.com/dave/jennifer", Version: "v1.7.1"}, &main}},
			"payscoregen v0.3.1, go1.26.8"},
		{"replaced by a checkout", debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Path: "example.com/shop"},
			Deps: []*debug.Module{{Path: main.Path, Version: "v0.0.0", Replace: &debug.Module{Path: "../payscoregen", Version: "(devel)"}}}},
			"payscoregen v0.0.0 => ../payscoregen, go1.26.8"},
	} {
		if got := versionLine(&tc.info); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "payscoregen ") || !strings.Contains(out, "go1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// Generated packages import each other under the paths -pkg gives them.
func TestGeneratePackagesImportEachOther(t *testing.T) {
	specDir, err := filepath.Abs("../../golden/shared_types/spec")
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/shop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(mod)
	code, _, errOut := runCLI(t, "generate", "-spec", specDir,
		"-pkg", "payscore=internal/wxpay", "-pkg", "acquiringbank=internal/bank:wxbank")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	client, err := os.ReadFile(filepath.Join(mod, "internal", "bank", "wxbank_client_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\npackage wxbank\n", `wxpay "example.com/shop/internal/wxpay"`} {
		if !strings.Contains(string(client), want) {
			t.Errorf("wxbank_client_gen.go lacks %q:\n%s", want, client)
		}
	}
	// Nested output directories would replace each other: refused.
	code, _, errOut = runCLI(t, "generate", "-spec", specDir,
		"-pkg", "payscore=internal/wxpay", "-pkg", "acquiringbank=internal/wxpay/bank")
	if code != 1 || !strings.Contains(errOut, "overlap") {
		t.Errorf("nested -pkg directories: exit %d: %s", code, errOut)
	}
}
