package ir

import (
	"strings"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// Code is a documented error code and the package that declares its
// sentinel (the package of the file that defines it).
type Code struct {
	Spec *spec.ErrorCode
	Pkg  *Package
	Name string // ErrFrequencyLimited
}

// CodeMap is a code lookup (wire code -> sentinel) declared once per
// package and shared by the endpoints with the same codes.
type CodeMap struct {
	Name  string
	Doc   string
	Codes []*Code
}

// indexErrors builds the program-wide index of codes and sets, and the
// sentinels each package declares.
func (p *Program) indexErrors() {
	for _, pkg := range p.Packages {
		for _, f := range pkg.Files {
			for _, c := range f.Errors {
				if p.codes[c.Code] != nil {
					continue // the loader reported the duplicate
				}
				code := &Code{Spec: c, Pkg: pkg, Name: "Err" + c.Ident()}
				p.codes[c.Code] = code
				pkg.Errors = append(pkg.Errors, code)
				pkg.claim(c.Pos, "error code "+c.Code, code.Name)
			}
			for _, set := range f.ErrorSets {
				if p.sets[set.ID] == nil {
					p.sets[set.ID] = set
				}
			}
		}
	}
}

// endpointCodes are the codes that apply to an endpoint: its sets, then
// its own codes, each once.
func (p *Program) endpointCodes(e *spec.Endpoint) []*Code {
	var out []*Code
	seen := map[string]bool{}
	add := func(code string) {
		if c := p.codes[code]; c != nil && !seen[code] {
			seen[code] = true
			out = append(out, c)
		}
	}
	for _, id := range e.ErrorSets {
		if set := p.sets[id]; set != nil {
			for _, code := range set.Codes {
				add(code)
			}
		}
	}
	for _, code := range e.ErrorCodes {
		add(code)
	}
	return out
}

// codeMap returns the lookup of codes for e, declaring it on first use.
func (pkg *Package) codeMap(e *spec.Endpoint, codes []*Code) *CodeMap {
	var key []string
	for _, c := range codes {
		key = append(key, c.Spec.Code)
	}
	k := strings.Join(key, ",")
	for _, m := range pkg.CodeMaps {
		var mk []string
		for _, c := range m.Codes {
			mk = append(mk, c.Spec.Code)
		}
		if strings.Join(mk, ",") == k {
			return m
		}
	}
	m := &CodeMap{Name: "errorCodes" + e.Ident(), Doc: "the error codes documented for " + e.Ident(), Codes: codes}
	if len(e.ErrorSets) == 1 && len(e.ErrorCodes) == 0 {
		m.Name, m.Doc = "errorSet"+naming.Go(e.ErrorSets[0]), "the codes of the error set "+e.ErrorSets[0]
	}
	pkg.claim(e.Pos, "endpoint "+e.ID+" error codes", m.Name)
	pkg.CodeMaps = append(pkg.CodeMaps, m)
	return m
}
