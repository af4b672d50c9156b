// Package specdiff compares two loaded specs and lists every change in API
// terms, each with a level, in the spirit of oasdiff: a change that breaks
// callers is "breaking", one that needs attention is "warning", the rest is
// "info".
//
// Requests and responses are treated asymmetrically. What the caller sends
// (request parameters, jump data, the callback failure answer) breaks callers
// when it is tightened; what the caller receives (responses, callback
// plaintexts, jump return data) breaks old decoders when it is widened.
package specdiff

import (
	"fmt"
	"sort"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// Level is how much a change matters to callers.
type Level int

const (
	Info Level = iota
	Warning
	Breaking
)

func (l Level) String() string {
	switch l {
	case Breaking:
		return "breaking"
	case Warning:
		return "warning"
	}
	return "info"
}

// ParseLevel reads a level name as printed by String.
func ParseLevel(s string) (Level, error) {
	for _, l := range []Level{Info, Warning, Breaking} {
		if l.String() == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want breaking, warning or info)", s)
}

// Change is one difference between the two specs.
type Change struct {
	Level Level
	// Pos points into the new spec; for something removed with no place
	// left in the new spec, it points into the old one and InOld is set.
	Pos     spec.Pos
	InOld   bool
	Subject string // what changed: "endpoint create_order request.post_payments.name"
	Message string // how, and why it matters
}

func (c Change) String() string {
	return fmt.Sprintf("%s:%d: %s: %s: %s", c.Pos.File, c.Pos.Line, c.Level, c.Subject, c.Message)
}

// Compare lists the changes from old to new, sorted by position in new
// (changes located in old come last).
func Compare(old, new *spec.Spec) []Change {
	d := &differ{old: index(old), new: index(new)}
	d.files()
	d.endpoints()
	d.callbacks()
	d.jumps()
	d.types()
	d.errorCodes()
	d.errata()
	sort.SliceStable(d.changes, func(i, j int) bool {
		a, b := d.changes[i], d.changes[j]
		if a.InOld != b.InOld {
			return !a.InOld
		}
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Level > b.Level
	})
	return d.changes
}

// Highest returns the highest level among changes, and false when there are none.
func Highest(changes []Change) (Level, bool) {
	hi, any := Info, false
	for _, c := range changes {
		if !any || c.Level > hi {
			hi, any = c.Level, true
		}
	}
	return hi, any
}

// Count returns how many changes have each level.
func Count(changes []Change) map[Level]int {
	n := map[Level]int{}
	for _, c := range changes {
		n[c.Level]++
	}
	return n
}

type differ struct {
	old, new *specIndex
	changes  []Change
}

func (d *differ) add(level Level, pos spec.Pos, subject, format string, args ...any) {
	d.changes = append(d.changes, Change{Level: level, Pos: pos, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// removed records something that exists only in old. It points at where in
// new it would have been (the holder), or at old when new has no such place.
func (d *differ) removed(level Level, holder *spec.Pos, oldPos spec.Pos, subject, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if holder != nil {
		d.add(level, *holder, subject, "%s (was at %s:%d)", msg, oldPos.File, oldPos.Line)
		return
	}
	d.changes = append(d.changes, Change{Level: level, Pos: oldPos, InOld: true, Subject: subject, Message: msg})
}

// specIndex finds items of one spec by their identity.
type specIndex struct {
	s         *spec.Spec
	files     map[string]*spec.File // by path relative to the spec directory
	endpoints map[string]*spec.Endpoint
	callbacks map[string]*spec.Callback
	jumps     map[string]*spec.Jump
	types     map[string]*spec.TypeDef
	codes     map[string]*spec.ErrorCode
	sets      map[string]*spec.ErrorSet
	errata    map[string]*spec.Erratum
	fileOf    map[any]*spec.File
}

func index(s *spec.Spec) *specIndex {
	x := &specIndex{
		s: s, files: map[string]*spec.File{}, endpoints: map[string]*spec.Endpoint{},
		callbacks: map[string]*spec.Callback{}, jumps: map[string]*spec.Jump{}, types: map[string]*spec.TypeDef{},
		codes: map[string]*spec.ErrorCode{}, sets: map[string]*spec.ErrorSet{},
		errata: map[string]*spec.Erratum{}, fileOf: map[any]*spec.File{},
	}
	// Endpoint, callback and jump ids are unique within a Go package (each mode
	// has its own query_authorization), so they are keyed package.id.
	for _, f := range s.Files {
		x.files[f.Path] = f
		for _, e := range f.Endpoints {
			x.endpoints[f.Package+"."+e.ID], x.fileOf[e] = e, f
		}
		for _, c := range f.Callbacks {
			x.callbacks[f.Package+"."+c.ID], x.fileOf[c] = c, f
		}
		for _, j := range f.Jumps {
			x.jumps[f.Package+"."+j.ID], x.fileOf[j] = j, f
		}
		for _, c := range f.Errors {
			x.codes[c.Code], x.fileOf[c] = c, f
		}
		for _, t := range f.Types {
			x.types[t.ID], x.fileOf[t] = t, f
		}
		for _, set := range f.ErrorSets {
			x.sets[set.ID] = set
		}
		for _, e := range f.Errata {
			x.errata[e.ID], x.fileOf[e] = e, f
		}
	}
	return x
}

// holder returns where in new an item of old's file would live: the same
// file's key (endpoints, callbacks, ...), or nil when new has no such file.
func (x *specIndex) holder(oldFile *spec.File, key string) *spec.Pos {
	if oldFile == nil {
		return nil
	}
	f := x.files[oldFile.Path]
	if f == nil {
		return nil
	}
	p := f.At(key)
	return &p
}

// sortedKeys returns the keys of m in order, so changes come out deterministically.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
