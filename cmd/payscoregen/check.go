package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "check [-spec DIR] [-out DIR]", stderr)
	dir := fs.String("spec", "spec", "spec directory")
	out := fs.String("out", "generated", "output directory generate would write (for the import paths between packages)")
	importBase := fs.String("import", "", "import path of the output directory (default: from the go.mod above -out)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	prog, err := loadProgram(*dir, *out, *importBase, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d files, %s: ok\n", *dir, len(prog.Spec.Files), prog.Spec.Summary())
	return nil
}

// loadProgram loads dir and builds its IR, so it reports everything
// generate would refuse; on problems the error lists them all and counts
// them, followed by consequence (such as "nothing was written") when given.
func loadProgram(dir, out, importBase, consequence string) (*ir.Program, error) {
	if importBase == "" {
		importBase = moduleImportPath(out)
	}
	return loadProgramOpts(dir, ir.Options{ImportBase: importBase}, consequence)
}

// loadProgramOpts is loadProgram with every IR option (generate -pkg).
func loadProgramOpts(dir string, opts ir.Options, consequence string) (*ir.Program, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	prog, err := ir.Load(os.DirFS(dir), filepath.ToSlash(dir), opts)
	var problems spec.Problems
	if errors.As(err, &problems) {
		msg := fmt.Sprintf("%d problem(s) in %s", len(problems), dir)
		if consequence != "" {
			msg += "; " + consequence
		}
		return nil, fmt.Errorf("%w\n%s", problems, msg)
	}
	return prog, err
}

// loadSpec loads dir without building the IR (for errata).
func loadSpec(dir string) (*spec.Spec, error) {
	prog, err := loadProgram(dir, "generated", "generated", "")
	if err != nil {
		return nil, err
	}
	return prog.Spec, nil
}

// moduleImportPath is the import path of dir: the module path of the
// go.mod above it joined with dir's path below the module root. Without a
// go.mod it is dir's base name.
func moduleImportPath(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Base(dir)
	}
	for root := abs; ; {
		if data, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if mod, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					rel, err := filepath.Rel(root, abs)
					if err != nil {
						break
					}
					return strings.Trim(strings.TrimSpace(mod), `"`) + strings.TrimPrefix("/"+filepath.ToSlash(rel), "/.")
				}
			}
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			break
		}
		root = parent
	}
	return filepath.Base(abs)
}
