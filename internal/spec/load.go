package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	r := &reporter{}
	display := func(name string) string {
		if prefix != "" && prefix != "." {
			return path.Join(prefix, name)
		}
		return name
	}
	var names []string
	source := map[string]string{} // spec file -> the file to read (a symlink's target)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		isSpec := strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
		switch {
		case d.IsDir():
		case d.Type()&fs.ModeSymlink != 0:
			target, msg := followLink(fsys, p)
			switch {
			case msg != "":
				r.add(Pos{File: display(p), Line: 1, Col: 1}, "%s", msg)
			case target != "" && isSpec:
				names = append(names, p)
				source[p] = target
			}
		case !d.Type().IsRegular():
			if isSpec {
				r.add(Pos{File: display(p), Line: 1, Col: 1}, "not a regular file (%s); a spec file is a regular file", d.Type())
			}
		case isSpec:
			names = append(names, p)
			source[p] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(names) == 0 && len(r.problems) == 0 {
		return nil, errors.New("no *.yaml spec files in " + prefix)
	}
	sort.Strings(names)

	s := &Spec{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, source[name])
		if err != nil {
			return nil, err
		}
		if f := parseFile(display(name), data, r); f != nil {
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

// maxLinks bounds a chain of symbolic links, as the kernel does.
const maxLinks = 40

// followLink resolves the symbolic link p of fsys hop by hop. It returns
// the regular file to read, "" for a link to a directory (not followed),
// or a message saying why the link cannot be used: it leaves the spec
// directory, loops, or dangles. A file outside the spec directory is never
// read.
func followLink(fsys fs.FS, p string) (target, problem string) {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return "", "a symbolic link, which this file system cannot resolve; use a regular file"
	}
	cur := p
	for range maxLinks {
		link, err := rl.ReadLink(cur)
		if err != nil {
			return "", "symbolic link cannot be read: " + err.Error()
		}
		next := path.Clean(path.Join(path.Dir(cur), link))
		if path.IsAbs(link) || next == ".." || strings.HasPrefix(next, "../") {
			return "", fmt.Sprintf("symbolic link to %q, outside the spec directory; it is not read", link)
		}
		fi, err := fs.Lstat(fsys, next)
		switch {
		case err != nil:
			return "", fmt.Sprintf("symbolic link to %q, which does not exist", link)
		case fi.Mode()&fs.ModeSymlink != 0:
			cur = next
			continue
		case fi.IsDir():
			return "", ""
		case !fi.Mode().IsRegular():
			return "", fmt.Sprintf("symbolic link to %q, which is not a regular file", link)
		}
		return next, ""
	}
	return "", "symbolic link loop (more than 40 links); it is not read"
}

// invalidUTF8 returns the position of the first byte of data that is not
// UTF-8, or ok false when all of it is.
func invalidUTF8(data []byte) (line, col int, b byte, ok bool) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col, data[i], true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 0, 0, 0, false
}

func parseFile(name string, data []byte, r *reporter) *File {
	if line, col, b, bad := invalidUTF8(data); bad {
		r.add(Pos{File: name, Line: line, Col: col}, "invalid UTF-8 (byte 0x%02x); spec files are UTF-8 text", b)
		return nil
	}
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
	if d.stop {
		return nil // cut short: its partial content would only add noise to the checks
	}
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
