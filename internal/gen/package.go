package gen

import (
	"github.com/payscoregen/payscoregen/internal/spec"
)

// Package is everything the spec puts into one Go package, in spec order
// (files sorted by path, items in file order), so output is deterministic.
type Package struct {
	// Name is the Go package name: the files' package: key unless
	// Options.Packages renames it.
	Name string
	// ImportPath is where the package's Go code is imported from.
	ImportPath string
	Files      []*spec.File
	Endpoints  []*spec.Endpoint
	Callbacks  []*spec.Callback
	Jumps      []*spec.Jump
	Errors     []*spec.ErrorCode // codes defined in this package's files
	// codes resolves any code or set id an endpoint of this package names.
	codes map[string]*spec.ErrorCode
	sets  map[string]*spec.ErrorSet
	enums enumRegistry
	plan  *typePlan
}

// Packages groups the spec's files by Go package, in order of first appearance.
func Packages(s *spec.Spec) []*Package {
	codes := map[string]*spec.ErrorCode{}
	sets := map[string]*spec.ErrorSet{}
	for _, f := range s.Files {
		for _, c := range f.Errors {
			codes[c.Code] = c
		}
		for _, set := range f.ErrorSets {
			sets[set.ID] = set
		}
	}
	var out []*Package
	byName := map[string]*Package{}
	for _, f := range s.Files {
		p := byName[f.Package]
		if p == nil {
			p = &Package{Name: f.Package, codes: codes, sets: sets}
			byName[f.Package] = p
			out = append(out, p)
		}
		p.Files = append(p.Files, f)
		p.Endpoints = append(p.Endpoints, f.Endpoints...)
		p.Callbacks = append(p.Callbacks, f.Callbacks...)
		p.Jumps = append(p.Jumps, f.Jumps...)
		p.Errors = append(p.Errors, f.Errors...)
	}
	return out
}

// EndpointCodes returns the codes that apply to an endpoint: its sets, then
// its own codes, each once.
func (p *Package) EndpointCodes(e *spec.Endpoint) []*spec.ErrorCode {
	var out []*spec.ErrorCode
	seen := map[string]bool{}
	addCode := func(code string) {
		if c := p.codes[code]; c != nil && !seen[code] {
			seen[code] = true
			out = append(out, c)
		}
	}
	for _, id := range e.ErrorSets {
		if set := p.sets[id]; set != nil {
			for _, code := range set.Codes {
				addCode(code)
			}
		}
	}
	for _, code := range e.ErrorCodes {
		addCode(code)
	}
	return out
}

// BaseURL is the API origin of the package's endpoints ("" when it has none).
func (p *Package) BaseURL() string {
	for _, f := range p.Files {
		if f.API != nil {
			return f.API.BaseURL
		}
	}
	return ""
}
