package specdiff

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// maxArchive bounds what is read from git for one revision; the whole spec
// is a few hundred kilobytes.
const maxArchive = 64 << 20

// Load loads one side of a comparison. arg is a spec directory, or a git
// revision: "REV" means the directory specDir (relative to the current
// directory) at REV, "REV:PATH" a tree as git names it (HEAD:spec,
// main:./spec). The label names the side in messages and file positions.
func Load(arg, specDir string) (s *spec.Spec, label string, err error) {
	if st, statErr := os.Stat(arg); statErr == nil && st.IsDir() {
		s, err = spec.LoadDir(arg)
		return s, filepath.ToSlash(arg), err
	}
	treeish := arg
	if !strings.Contains(arg, ":") {
		inRepo, err := repoPath(specDir)
		if err != nil {
			return nil, "", fmt.Errorf("%q is not a spec directory, and as a git revision: %w", arg, err)
		}
		treeish = arg + ":" + inRepo
	}
	dir, err := os.MkdirTemp("", "payscoregen-diff-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	if err := extractRevision(treeish, dir); err != nil {
		return nil, "", fmt.Errorf("%q is not a spec directory, and as a git revision: %w", arg, err)
	}
	s, err = spec.LoadFS(os.DirFS(dir), treeish)
	return s, treeish, err
}

// repoPath turns a directory relative to the current one into a path from
// the repository root, as git revision syntax wants it.
func repoPath(dir string) (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", errors.New("git is not installed")
	}
	prefix, err := git(".", "rev-parse", "--show-prefix")
	if err != nil {
		return "", err
	}
	p := path.Clean(path.Join(prefix, filepath.ToSlash(dir)))
	if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
		return "", fmt.Errorf("%s is outside the repository", dir)
	}
	return p, nil
}

// extractRevision writes the YAML files of a git tree into dir.
func extractRevision(treeish, dir string) error {
	if _, err := exec.LookPath("git"); err != nil {
		return errors.New("git is not installed")
	}
	// Resolve the tree here (REV:./PATH is relative to this directory), and
	// archive it from the top: git archive in a subdirectory archives only
	// that subdirectory of the tree.
	tree, err := git(".", "rev-parse", "--verify", "--end-of-options", treeish)
	if err != nil {
		return fmt.Errorf("git rev-parse %s: %w", treeish, err)
	}
	if kind, err := git(".", "cat-file", "-t", tree); err != nil || (kind != "tree" && kind != "commit") {
		return fmt.Errorf("%s is a %s, not a directory", treeish, kind)
	}
	top, err := git(".", "rev-parse", "--show-toplevel")
	if err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("git", "archive", "--format=tar", tree)
	cmd.Dir = top
	cmd.Stdout, cmd.Stderr = &limitedWriter{w: &stdout, n: maxArchive}, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("git archive %s: %s", treeish, msg)
	}
	tr := tar.NewReader(&stdout)
	found := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("git archive %s: %w", treeish, err)
		}
		name := path.Clean(h.Name)
		if h.Typeflag != tar.TypeReg || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		if !filepath.IsLocal(name) {
			return fmt.Errorf("git archive %s: unexpected path %q", treeish, h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
		found = true
	}
	if !found {
		return fmt.Errorf("git tree %s holds no *.yaml files", treeish)
	}
	return nil
}

// limitedWriter fails once more than n bytes are written.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, fmt.Errorf("archive larger than %d bytes", maxArchive)
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// git runs a git command in dir and returns its trimmed output, or an error
// carrying git's own message.
func git(dir string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", errors.New(msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}
