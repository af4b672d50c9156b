package specdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a repository whose spec/ has two commits: max_length 80, then 50.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(maxLen string) {
		t.Helper()
		text := build(map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: " + maxLen + "}"})
		if err := os.MkdirAll(filepath.Join(dir, "spec", "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "spec", "sub", "demo.yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("init", "-q")
	write("80")
	run("add", "-A")
	run("commit", "-q", "-m", "one")
	write("50")
	run("commit", "-q", "-am", "two")
	return dir
}

func TestLoadGitRevisions(t *testing.T) {
	dir := gitRepo(t)
	t.Chdir(dir)
	old, oldLabel, err := Load("HEAD~1", "spec")
	if err != nil {
		t.Fatal(err)
	}
	new, newLabel, err := Load("HEAD:spec", "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if oldLabel != "HEAD~1:spec" || newLabel != "HEAD:spec" {
		t.Errorf("labels %q, %q", oldLabel, newLabel)
	}
	changes := Compare(old, new)
	if len(changes) != 1 || !strings.HasPrefix(changes[0].String(), "HEAD:spec/sub/demo.yaml:") || changes[0].Level != Breaking {
		t.Errorf("changes %v", changes)
	}
	// The working tree (a directory) against a revision.
	wt, _, err := Load("spec", "spec")
	if err != nil {
		t.Fatal(err)
	}
	if changes := Compare(new, wt); len(changes) != 0 {
		t.Errorf("HEAD vs working tree: %v", changes)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := gitRepo(t)
	t.Chdir(dir)
	for arg, want := range map[string]string{
		"no-such-rev":             `"no-such-rev" is not a spec directory, and as a git revision: git rev-parse no-such-rev:spec: fatal: Needed a single revision`,
		"HEAD:missing":            "git rev-parse HEAD:missing",
		"HEAD:spec/sub/demo.yaml": "HEAD:spec/sub/demo.yaml is a blob, not a directory",
	} {
		if _, _, err := Load(arg, "spec"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%q) = %v, want %q", arg, err, want)
		}
	}
	// Any tree that holds the YAML files will do, the repository root included.
	if _, _, err := Load("HEAD:", "spec"); err != nil {
		t.Errorf("HEAD: (the whole tree) = %v", err)
	}
}
