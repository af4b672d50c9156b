package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a spec, at a position.
type Problem struct {
	Pos     Pos
	Message string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.Pos.File, p.Pos.Line, p.Pos.Col, p.Message)
}

// Problems is every problem found in one load, sorted by position.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file, line and column.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// maxProblemsPerFile bounds what one file can report: past it the rest
// are noise from the same mistakes, and a hostile file could report millions.
const maxProblemsPerFile = 100

// reporter collects problems; the zero value is ready to use.
type reporter struct {
	problems Problems
	perFile  map[string]int
}

func (r *reporter) add(pos Pos, format string, args ...any) {
	if r.perFile == nil {
		r.perFile = map[string]int{}
	}
	n := r.perFile[pos.File]
	r.perFile[pos.File] = n + 1
	switch {
	case n < maxProblemsPerFile:
		r.problems = append(r.problems, Problem{Pos: pos, Message: fmt.Sprintf(format, args...)})
	case n == maxProblemsPerFile:
		r.problems = append(r.problems, Problem{Pos: pos, Message: fmt.Sprintf(
			"too many problems in this file; the first %d are listed, fix those first", maxProblemsPerFile)})
	}
}

// always records a problem past the file's limit: for the one that says
// the file was not read to its end.
func (r *reporter) always(pos Pos, msg string) {
	r.problems = append(r.problems, Problem{Pos: pos, Message: msg})
}

// full reports whether file has reached its problem limit.
func (r *reporter) full(file string) bool { return r.perFile[file] > maxProblemsPerFile }
