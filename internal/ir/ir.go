// Package ir is the intermediate representation between the spec model and
// the emitters: built in one pass from a loaded spec, it makes every
// generation-time decision (Go names and their collisions, type plans,
// shared types, enums, validation rules, error-set index, jump and callback
// plans) and reports every problem as a positioned spec.Problem. The
// emitters in internal/gen only render it; the simulator reads its rules.
package ir

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// Options tune a build.
type Options struct {
	// ImportBase is the import path of the output directory: package p is
	// imported as ImportBase/p by the other generated packages. Empty
	// means "generated" (only single-package specs build without it).
	ImportBase string
	// Packages places spec packages (the files' package: key) elsewhere: a
	// Go package name and import path of the user's choosing (payscoregen
	// generate -pkg). A spec package left out is ImportBase/<package>.
	Packages map[string]PackageOptions
}

// PackageOptions place one spec package's Go code.
type PackageOptions struct {
	Name       string // Go package name, e.g. wxpay (default: the spec package)
	ImportPath string // e.g. example.com/shop/internal/wxpay (default: ImportBase/<spec package>)
}

// Program is the whole generation: one Package per Go package of the spec.
type Program struct {
	Spec     *spec.Spec
	Packages []*Package

	byName   map[string]*Package
	named    map[*spec.TypeDef]*Struct
	codes    map[string]*Code // every error code by wire code
	sets     map[string]*spec.ErrorSet
	problems spec.Problems
}

// Package is everything generated into one Go package, in spec order (files
// sorted by path, items in file order), so output is deterministic.
type Package struct {
	Name string
	Path string // import path
	// Spec is the files' package: key (Name unless Options.Packages renames it).
	Spec string
	// Files of the spec that generate into the package.
	Files     []*spec.File
	Endpoints []*Endpoint
	Callbacks []*Callback
	Jumps     []*Jump
	// Errors are the sentinels declared here: the codes its files define.
	Errors []*Code
	// CodeMaps are the code lookups its endpoints use, each declared once.
	CodeMaps []*CodeMap
	Enums    []*EnumType
	// Types are the named types (spec types:) its files declare.
	Types []*Struct
	// Structs lists every struct declared in the package (children after
	// their parent), which all get a Validate method.
	Structs []*Struct
	// Rules are the validation rules, one variable per distinct rule.
	Rules []*RuleVar
	// BaseURL is the API origin of the package's endpoints ("" without any).
	BaseURL string
	// FormClient is set when the package's endpoints are form-md5.
	FormClient *FormClient
	// FlatDecoders are the structs read from flat data (decode<Struct>).
	FlatDecoders []*Struct
	// JS is the mini-program helper of the package's jumps, nil without any.
	JS *JSModule

	prog  *Program
	names names
	rules ruleIndex
	enums map[string]*EnumType
}

// Build turns a loaded spec into a Program. Its error, when not nil, is
// spec.Problems listing every problem found.
func Build(s *spec.Spec, opts Options) (*Program, error) {
	base := opts.ImportBase
	if base == "" {
		base = "generated"
	}
	p := &Program{
		Spec: s, byName: map[string]*Package{}, named: map[*spec.TypeDef]*Struct{},
		codes: map[string]*Code{}, sets: map[string]*spec.ErrorSet{},
	}
	for _, f := range s.Files {
		pkg := p.byName[f.Package]
		if pkg == nil {
			pkg = &Package{Name: f.Package, Path: path.Join(base, f.Package), Spec: f.Package, prog: p, enums: map[string]*EnumType{}}
			if po := opts.Packages[f.Package]; po.Name != "" || po.ImportPath != "" {
				pkg.Name = cmp.Or(po.Name, pkg.Name)
				pkg.Path = cmp.Or(po.ImportPath, pkg.Path)
			}
			pkg.names.init()
			p.byName[f.Package] = pkg
			p.Packages = append(p.Packages, pkg)
		}
		pkg.Files = append(pkg.Files, f)
		if f.API != nil && pkg.BaseURL == "" {
			pkg.BaseURL = f.API.BaseURL
		}
	}
	p.indexErrors()
	// Named types first: any struct of any package may refer to them.
	for _, pkg := range p.Packages {
		for _, f := range pkg.Files {
			for _, td := range f.Types {
				p.declareNamed(pkg, td)
			}
		}
	}
	for _, pkg := range p.Packages {
		for _, td := range pkg.fileTypes() {
			pkg.fillNamed(p.named[td])
		}
	}
	for _, pkg := range p.Packages {
		pkg.build()
	}
	if len(p.problems) > 0 {
		p.problems.Sort()
		return p, p.problems
	}
	return p, nil
}

func (pkg *Package) fileTypes() []*spec.TypeDef {
	var out []*spec.TypeDef
	for _, f := range pkg.Files {
		out = append(out, f.Types...)
	}
	return out
}

// build plans the package's endpoints, callbacks and jumps.
func (pkg *Package) build() {
	for _, f := range pkg.Files {
		for _, e := range f.Endpoints {
			pkg.endpoint(e)
		}
	}
	pkg.formClient()
	for _, f := range pkg.Files {
		for _, cb := range f.Callbacks {
			pkg.callback(cb)
		}
	}
	pkg.jumps()
	pkg.js()
}

// problem records a positioned problem of the build.
func (p *Program) problem(pos spec.Pos, format string, args ...any) {
	p.problems = append(p.problems, spec.Problem{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

func (pkg *Package) problem(pos spec.Pos, format string, args ...any) {
	pkg.prog.problem(pos, format, args...)
}

// Package returns the package named name, or nil.
func (p *Program) Package(name string) *Package { return p.byName[name] }

// Load loads and checks the spec files of fsys (see spec.LoadFS) and builds
// the IR, so one call reports every problem of the loader, the checks and
// the IR at once. The error, when not nil and not an I/O error, is
// spec.Problems.
func Load(fsys fs.FS, prefix string, opts Options) (*Program, error) {
	s, err := spec.LoadFS(fsys, prefix)
	var loadProblems spec.Problems
	if err != nil && !errors.As(err, &loadProblems) {
		return nil, err
	}
	prog, err := buildAfter(s, opts, loadProblems)
	if err != nil {
		return nil, err
	}
	return prog, nil
}

// buildAfter builds the IR of a spec the loader may have found problems in.
// A spec with problems can be incomplete in ways the IR does not expect;
// should building it fail, the loader's problems already say why.
func buildAfter(s *spec.Spec, opts Options, loaded spec.Problems) (prog *Program, err error) {
	if len(loaded) > 0 {
		defer func() {
			if recover() != nil {
				prog, err = nil, loaded
			}
		}()
	}
	prog, err = Build(s, opts)
	var built spec.Problems
	errors.As(err, &built)
	all := append(append(spec.Problems(nil), loaded...), built...)
	if len(all) == 0 {
		return prog, nil
	}
	all.Sort()
	return nil, all
}
