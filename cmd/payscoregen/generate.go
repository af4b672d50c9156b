package main

import (
	"flag"
	"fmt"
	"go/token"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/payscoregen/payscoregen/internal/gen"
	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/internal/writer"
)

const generateSynopsis = `generate [-spec DIR] [-out DIR [-import PATH] | -pkg SPECPKG=DIR[:NAME]...] [-js DIR] [-schema FILE]

Two ways to place the output:
  -out DIR      every spec package in DIR/<package>, the JS helper in DIR/js; DIR is replaced as a whole
  -pkg ...      each spec package (the files' package: key) in a directory of your module, under a
                Go package name of your choosing (default: the directory's last element), e.g.
                -pkg acquiringbank=internal/wxpay. Every spec package needs one; the JS helper is written
                only with -js. Each directory must hold only generated files (it is replaced whole).
Nothing is written into the spec directory unless -schema says so.`

// pkgFlag collects -pkg SPECPKG=DIR[:NAME] flags.
type pkgFlag map[string]pkgTarget

type pkgTarget struct{ dir, name string }

func (f pkgFlag) String() string { return "" }

func (f pkgFlag) Set(v string) error {
	specPkg, target, ok := strings.Cut(v, "=")
	if !ok || specPkg == "" || target == "" {
		return fmt.Errorf("want SPECPKG=DIR[:NAME], e.g. acquiringbank=internal/wxpay")
	}
	if _, dup := f[specPkg]; dup {
		return fmt.Errorf("spec package %s is given twice", specPkg)
	}
	dir, name := target, ""
	// The last ':' separates a name, unless what follows is a path (C:\x).
	if i := strings.LastIndex(target, ":"); i > 0 && !strings.ContainsAny(target[i+1:], `/\`) {
		dir, name = target[:i], target[i+1:]
	}
	if name == "" {
		name = filepath.Base(filepath.Clean(dir))
	}
	if !token.IsIdentifier(name) || token.IsKeyword(name) || name == "_" {
		return fmt.Errorf("%q is not a Go package name; name it: %s=%s:NAME", name, specPkg, dir)
	}
	f[specPkg] = pkgTarget{dir: dir, name: name}
	return nil
}

func runGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", generateSynopsis, stderr)
	specDir := fs.String("spec", "spec", "spec directory")
	out := fs.String("out", "generated", "output directory, replaced as a whole (not with -pkg)")
	pkgs := pkgFlag{}
	fs.Var(pkgs, "pkg", "SPECPKG=DIR[:NAME]: generate spec package SPECPKG into DIR as Go package NAME (repeatable)")
	jsDir := fs.String("js", "", "directory of the mini-program JS helper (default <out>/js; with -pkg none); - for none")
	schema := fs.String("schema", "", "also write the spec's JSON Schema to this file, for editors (default: not written)")
	importBase := fs.String("import", "", "import path of -out (default: from the go.mod above it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if len(pkgs) > 0 && (set["out"] || set["import"]) {
		fmt.Fprintln(stderr, "payscoregen generate: -pkg places every package itself; it excludes -out and -import")
		return errUsage
	}

	opts := ir.Options{ImportBase: *importBase}
	if opts.ImportBase == "" {
		opts.ImportBase = moduleImportPath(*out)
	}
	if len(pkgs) > 0 {
		opts.Packages = map[string]ir.PackageOptions{}
		for specPkg, t := range pkgs {
			opts.Packages[specPkg] = ir.PackageOptions{Name: t.name, ImportPath: moduleImportPath(t.dir)}
		}
	}
	prog, err := loadProgramOpts(*specDir, opts, "nothing was written")
	if err != nil {
		return err
	}
	if len(pkgs) > 0 {
		if err := checkPlacement(pkgs, prog); err != nil {
			return err
		}
	}
	files, err := gen.Render(prog, gen.Options{})
	if err != nil {
		return fmt.Errorf("generate: %w; nothing was written", err)
	}
	trees := map[string]map[string][]byte{}
	if len(pkgs) > 0 {
		for _, t := range pkgs {
			trees[t.dir] = map[string][]byte{}
		}
	} else {
		trees[*out] = map[string][]byte{}
	}
	for name, data := range files {
		top, rest, _ := strings.Cut(name, "/")
		switch {
		case top == "js" && *jsDir == "-":
		case top == "js" && *jsDir != "":
			if trees[*jsDir] == nil {
				trees[*jsDir] = map[string][]byte{}
			}
			trees[*jsDir][rest] = data
		case top == "js" && len(pkgs) > 0:
		case len(pkgs) > 0:
			trees[pkgs[top].dir][rest] = data
		default:
			trees[*out][name] = data
		}
	}
	if err := writer.WriteTrees(trees); err != nil {
		return err
	}
	if *schema != "" && *schema != "-" {
		if err := writeFileAtomic(*schema, spec.JSONSchema()); err != nil {
			return err
		}
	}
	dirs := make([]string, 0, len(trees))
	for d := range trees {
		dirs = append(dirs, fmt.Sprintf("%s (%d files)", d, len(trees[d])))
	}
	sort.Strings(dirs)
	fmt.Fprintf(stdout, "%s from %s (%s)\n", strings.Join(dirs, ", "), *specDir, prog.Spec.Summary())
	return nil
}

// checkPlacement checks that -pkg names every spec package, and only those,
// in distinct directories.
func checkPlacement(pkgs pkgFlag, prog *ir.Program) error {
	var names []string
	known := map[string]bool{}
	for _, p := range prog.Packages {
		names = append(names, p.Spec)
		known[p.Spec] = true
	}
	var problems []string
	for n := range pkgs {
		if !known[n] {
			problems = append(problems, fmt.Sprintf("-pkg %s: the spec has no package %s (it has %s)", n, n, strings.Join(names, ", ")))
		}
	}
	for _, n := range names {
		if _, ok := pkgs[n]; !ok {
			problems = append(problems, fmt.Sprintf("spec package %s has no -pkg %s=DIR (with -pkg, every package of the spec is placed; copy only the spec files you want)", n, n))
		}
	}
	byDir := map[string]string{}
	for _, n := range slices.Sorted(maps.Keys(pkgs)) {
		t := pkgs[n]
		abs, err := filepath.Abs(t.dir)
		if err != nil {
			return err
		}
		if other, dup := byDir[abs]; dup {
			problems = append(problems, fmt.Sprintf("-pkg %s and -pkg %s share the directory %s", other, n, t.dir))
		}
		byDir[abs] = n
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("payscoregen generate: %s; nothing was written", strings.Join(problems, "\n"))
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
