package spec

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadDir loads and checks every *.yaml file under dir. Problems are
// reported with paths as dir/relative/file.yaml. The error, when not nil, is
// Problems holding every problem found in every file.
func LoadDir(dir string) (*Spec, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	return LoadFS(os.DirFS(dir), filepath.ToSlash(dir))
}

// LoadFS loads and checks every *.yaml file of fsys; prefix is prepended to
// file names in problems.
func LoadFS(fsys fs.FS, prefix string) (*Spec, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("no *.yaml spec files in " + prefix)
	}
	sort.Strings(names)

	r := &reporter{}
	s := &Spec{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		display := name
		if prefix != "" && prefix != "." {
			display = path.Join(prefix, name)
		}
		if f := parseFile(display, data, r); f != nil {
			f.Path = name
			s.Files = append(s.Files, f)
		}
	}
	check(s, r)
	if len(r.problems) > 0 {
		r.problems.Sort()
		return s, r.problems
	}
	return s, nil
}

// Parse decodes one file without the cross-file checks; it is what the
// fuzz target drives.
func Parse(name string, data []byte) (*File, Problems) {
	r := &reporter{}
	f := parseFile(name, data, r)
	r.problems.Sort()
	return f, r.problems
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func parseFile(name string, data []byte, r *reporter) *File {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		pos := Pos{File: name, Line: 1, Col: 1}
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = m[2]
			if isParserError(msg) {
				pos.Line++ // yaml.v3 prints parser (not scanner) errors with 0-based lines
			}
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		r.add(pos, "invalid YAML: %s", msg)
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		r.add(Pos{File: name, Line: 1, Col: 1}, "empty spec file")
		return nil
	}
	root := resolve(doc.Content[0])
	d := &decoder{file: name, r: r}
	if root.Kind != yaml.MappingNode {
		r.add(d.pos(root), "expected a mapping at the top of the file, found %s", describe(root))
		return nil
	}
	f := &File{}
	d.decodeStruct(root, reflectValue(f))
	return f
}

// isParserError reports whether a yaml.v3 message comes from its parser,
// whose line numbers are 0-based (its scanner's are 1-based).
func isParserError(msg string) bool {
	for _, prefix := range []string{"did not find expected", "found duplicate %", "found incompatible YAML", "found undefined tag handle"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
