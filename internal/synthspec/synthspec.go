// Package synthspec builds large specs for the generation benchmarks out of
// the shipped one, so that they exercise every kind of generated file the
// shipped spec does and follow its format as it changes.
//
// A synthetic spec of n endpoints is the shipped spec's definitions (error
// codes, error sets, errata, named types; its own endpoints, callbacks and
// jumps removed) plus copies of its operation pages (endpoints, callbacks,
// jumps) without their definitions, each copy in new packages (acquiringbank
// becomes acquiringbankx1, x2, ...), until there are n endpoints; the last
// copy keeps only the endpoints still needed. Callbacks and jumps come along
// in the shipped proportion.
package synthspec

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Operation keys hold what a copy multiplies; definition keys hold what is
// global to a spec and must be declared once.
var (
	operationKeys  = []string{"endpoints", "callbacks", "jumps"}
	definitionKeys = []string{"errors", "error_sets", "errata", "types"}
)

// Spec is a synthetic spec: its files by slash path, and what it holds.
type Spec struct {
	Files                       map[string][]byte
	Endpoints, Callbacks, Jumps int
	Copies                      int
}

// Build makes a spec of n endpoints (n > 0) from the shipped spec in fsys
// (the spec/ directory: *.yaml files at any depth).
func Build(fsys fs.FS, n int) (*Spec, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := &Spec{Files: map[string][]byte{}}
	var pages []string // files with operations
	perCopy := 0
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		doc, top, err := parse(name, data)
		if err != nil {
			return nil, err
		}
		ops := 0
		for _, k := range operationKeys {
			if v := value(top, k); v != nil {
				ops += len(v.Content)
				if k == "endpoints" {
					perCopy += len(v.Content)
				}
			}
		}
		if ops > 0 {
			pages = append(pages, name)
		}
		remove(top, operationKeys...)
		if out.Files[name], err = encode(doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if perCopy == 0 {
		return nil, fmt.Errorf("synthspec: the spec has no endpoints to copy")
	}
	pages = roundRobin(pages)
	for k := 1; out.Endpoints < n; k++ {
		out.Copies = k
		for _, name := range pages {
			data, _ := fs.ReadFile(fsys, name)
			doc, top, err := parse(name, data)
			if err != nil {
				return nil, err
			}
			remove(top, definitionKeys...)
			pkg := value(top, "package")
			if pkg == nil {
				return nil, fmt.Errorf("%s: no package", name)
			}
			pkg.Value = fmt.Sprintf("%sx%d", pkg.Value, k)
			if eps := value(top, "endpoints"); eps != nil {
				eps.Content = eps.Content[:min(len(eps.Content), n-out.Endpoints)]
				out.Endpoints += len(eps.Content)
				if len(eps.Content) == 0 {
					remove(top, "endpoints")
				}
			}
			if v := value(top, "callbacks"); v != nil {
				out.Callbacks += len(v.Content)
			}
			if v := value(top, "jumps"); v != nil {
				out.Jumps += len(v.Content)
			}
			if out.Files[path.Join(fmt.Sprintf("x%d", k), name)], err = encode(doc); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return out, nil
}

func parse(name string, data []byte) (*yaml.Node, *yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s: not a YAML mapping", name)
	}
	return &doc, doc.Content[0], nil
}

func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func remove(m *yaml.Node, keys ...string) {
	kept := m.Content[:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		drop := false
		for _, k := range keys {
			drop = drop || m.Content[i].Value == k
		}
		if !drop {
			kept = append(kept, m.Content[i], m.Content[i+1])
		}
	}
	m.Content = kept
}

func encode(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// roundRobin orders pages one folder at a time (the first page of every
// folder, then the second, ...), so that a small n still copies a page of
// every folder: every kind of generated file (the 小微聚付 form client lives
// in the last folder) appears well before the whole spec is copied once.
func roundRobin(pages []string) []string {
	var dirs []string
	byDir := map[string][]string{}
	for _, name := range pages {
		d := path.Dir(name)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], name)
	}
	out := make([]string, 0, len(pages))
	for i := 0; len(out) < len(pages); i++ {
		for _, d := range dirs {
			if i < len(byDir[d]) {
				out = append(out, byDir[d][i])
			}
		}
	}
	return out
}
