package specdiff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// direction says who produces a value, which decides whether tightening or
// widening a limit breaks callers.
type direction int

const (
	// sent: the caller produces it (request parameters, jump data, the
	// callback failure answer). Generated code validates it before sending
	// and the other side validates it again.
	sent direction = iota
	// received: the caller consumes it (responses, callback plaintexts, jump
	// return data). Generated decoders validate it.
	received
)

// tightened is the level of a change that accepts fewer values than before.
func (dir direction) tightened() (Level, string) {
	if dir == sent {
		return Breaking, "request limit tightened: values that were valid are now rejected"
	}
	return Info, "response limit tightened: old decoders accept everything it allows"
}

// widened is the level of a change that accepts more values than before.
func (dir direction) widened() (Level, string) {
	if dir == sent {
		return Warning, "request limit widened: code generated from the old spec rejects values the API now accepts"
	}
	return Breaking, "response limit widened: decoders generated from the old spec may reject what the API now sends"
}

// scope is where a list of fields sits: what to call it in messages, which
// way its values flow, and where in new to point when a field is gone.
type scope struct {
	subject string // "endpoint create_order request"
	dir     direction
	at      spec.Pos // the holder in new (the list's key, or the parent field)
}

func (s scope) name(path string) string { return s.subject + "." + path }

// members returns the fields nested in a schema, as a use sees them: an
// inline object's own, or those of the type it refers to with the use's
// require list folded into their required flags. Array items are walked by
// schema (label "[]").
func members(s *spec.Schema) []*spec.Field {
	if s.RefType == nil || len(s.Require) == 0 {
		return s.Members()
	}
	out := make([]*spec.Field, len(s.RefType.Fields))
	for i, f := range s.RefType.Fields {
		if slices.Contains(s.Require, f.Name) && !f.Required {
			c := *f
			c.Required = true
			f = &c
		}
		out[i] = f
	}
	return out
}

// fieldLists compares two lists of sibling fields, found by wire name.
func (d *differ) fieldLists(sc scope, prefix string, old, new []*spec.Field) {
	oldBy, newBy := map[string]*spec.Field{}, map[string]*spec.Field{}
	for _, f := range old {
		oldBy[f.Name] = f
	}
	for _, f := range new {
		newBy[f.Name] = f
	}
	var gone, added []*spec.Field
	for _, f := range old {
		if n := newBy[f.Name]; n != nil {
			d.field(sc, prefix+f.Name, f, n)
		} else {
			gone = append(gone, f)
		}
	}
	for _, f := range new {
		if oldBy[f.Name] == nil {
			added = append(added, f)
		}
	}
	// A gone field and an added one with the same title and type is a rename.
	for _, g := range gone {
		if i := slices.IndexFunc(added, func(a *spec.Field) bool {
			return g.Title != "" && a.Title == g.Title && a.Type == g.Type
		}); i >= 0 {
			a := added[i]
			added = slices.Delete(added, i, i+1)
			d.add(Breaking, a.Pos, sc.name(prefix+g.Name), "renamed to %s (%s): the wire name and the Go name change", a.Name, a.Title)
			d.field(sc, prefix+a.Name, g, a)
			continue
		}
		what := "request field removed: callers that set it no longer compile"
		if sc.dir == received {
			what = "response field removed: callers that read it no longer compile"
		}
		d.removed(Breaking, &sc.at, g.Pos, sc.name(prefix+g.Name), "%s", what)
	}
	for _, a := range added {
		switch {
		case sc.dir == sent && a.Required:
			d.add(Breaking, a.Pos, sc.name(prefix+a.Name), "new required request field: every caller must now set it")
		case sc.dir == sent:
			d.add(Info, a.Pos, sc.name(prefix+a.Name), "new optional request field")
		default:
			d.add(Info, a.Pos, sc.name(prefix+a.Name), "new response field")
		}
	}
}

// field compares one field present in both specs: what belongs to the name
// (location, required, Go name, aliases), then its schema.
func (d *differ) field(sc scope, path string, o, n *spec.Field) {
	subject := sc.name(path)
	if o.In != n.In {
		d.add(Breaking, n.At("in"), subject, "location changed from %s to %s", orNone(o.In), orNone(n.In))
	}
	if o.Ident() != n.Ident() {
		d.add(Breaking, n.Pos, subject, "Go name changed from %s to %s", o.Ident(), n.Ident())
	}
	d.required(sc, subject, o, n)
	d.aliases(sc, subject, o, n)
	d.texts(n, subject, []textPair{
		{"title", o.Title, n.Title}, {"borrowed", o.Borrowed, n.Borrowed}, {"source", o.Source, n.Source},
	})
	d.schema(sc, path, &o.Schema, &n.Schema, n.Pos, 0)
}

// maxTypeDepth bounds the walk through types that refer to each other.
const maxTypeDepth = 16

// schema compares what a value is: its kind, format and limits, and what is
// nested in it (object members, array items, rules). at is the position of
// the new schema's mapping.
func (d *differ) schema(sc scope, path string, o, n *spec.Schema, at spec.Pos, depth int) {
	subject := sc.name(path)
	if o.Type != n.Type {
		d.add(Breaking, at.At("type"), subject, "type changed from %s to %s", orNone(string(o.Type)), orNone(string(n.Type)))
		return // limits of another type do not compare
	}
	if o.Format != n.Format {
		d.add(Breaking, at.At("format"), subject, "format changed from %s to %s", orNone(string(o.Format)), orNone(string(n.Format)))
	}
	d.shapes(sc, at, subject, "formats", formatNames(o.Formats), formatNames(n.Formats))
	d.shapes(sc, at, subject, "literals", o.Literals, n.Literals)
	if o.Ref != n.Ref && o.Ref != "" && n.Ref != "" {
		d.add(Breaking, at.At("ref"), subject, "refers to type %s instead of %s: the Go type changes", n.Ref, o.Ref)
	}
	d.upper(sc, at.At("max_length"), subject, "max_length", length(o.MaxLength, -1), length(n.MaxLength, -1))
	d.lower(sc, at.At("min_length"), subject, "min_length", length(o.MinLength, 0), length(n.MinLength, 0))
	d.upper(sc, at.At("maximum"), subject, "maximum", o.Maximum, n.Maximum)
	d.lower(sc, at.At("minimum"), subject, "minimum", o.Minimum, n.Minimum)
	d.upper(sc, at.At("max_items"), subject, "max_items", length(o.MaxItems, -1), length(n.MaxItems, -1))
	d.lower(sc, at.At("min_items"), subject, "min_items", length(o.MinItems, 0), length(n.MinItems, 0))
	d.enum(sc, at, subject, o, n)
	d.constValue(sc, at, subject, o, n)
	d.pattern(sc, at, subject, o, n)
	if o.Reject4ByteUTF8 != n.Reject4ByteUTF8 {
		d.limit(sc, at.At("reject_4byte_utf8"), subject, n.Reject4ByteUTF8,
			fmt.Sprintf("reject_4byte_utf8 changed from %t to %t", o.Reject4ByteUTF8, n.Reject4ByteUTF8))
	}
	if o.Secret != n.Secret {
		d.add(Warning, at.At("secret"), subject, "secret changed from %t to %t: what errors and logs may show changes", o.Secret, n.Secret)
	}
	d.texts(at, subject, []textPair{
		{"description", o.Description, n.Description}, {"example", o.Example, n.Example},
		{"erratum", o.Erratum, n.Erratum}, {"pattern_text", o.PatternText, n.PatternText},
	})
	if depth >= maxTypeDepth {
		return
	}
	om, nm := members(o), members(n)
	if len(om) > 0 || len(nm) > 0 {
		inner := scope{subject: sc.subject, dir: sc.dir, at: at}
		d.fieldLists(inner, path+".", om, nm)
	}
	d.rules(sc, at, subject, rulesOf(o), rulesOf(n))
	if o.Items != nil && n.Items != nil {
		d.schema(sc, path+"[]", &o.Items.Schema, &n.Items.Schema, n.Items.Pos, depth+1)
	}
}

func formatNames(fs []spec.Format) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// shapes compares the list of shapes a formatted string accepts (formats,
// literals): one dropped accepts fewer values, one added accepts more.
func (d *differ) shapes(sc scope, at spec.Pos, subject, key string, o, n []string) {
	for _, v := range o {
		if !slices.Contains(n, v) {
			d.limit(sc, at.At(key), subject, true, fmt.Sprintf("%s: %s removed", key, v))
		}
	}
	for _, v := range n {
		if !slices.Contains(o, v) {
			d.limit(sc, at.At(key), subject, false, fmt.Sprintf("%s: %s added", key, v))
		}
	}
}

// rulesOf returns the rules of a level: an inline object's, or its type's.
func rulesOf(s *spec.Schema) []*spec.Rule {
	if s.RefType != nil {
		return s.RefType.Rules
	}
	return s.Rules
}

func (d *differ) required(sc scope, subject string, o, n *spec.Field) {
	switch {
	case o.Required == n.Required:
	case sc.dir == sent && n.Required:
		d.add(Breaking, n.At("required"), subject, "request field became required: callers that leave it out are now rejected")
	case sc.dir == sent:
		d.add(Info, n.At("required"), subject, "request field became optional")
	case !n.Required:
		d.add(Breaking, n.At("required"), subject, "response field became optional: callers that rely on it may get nothing")
	default:
		d.add(Info, n.At("required"), subject, "response field became required")
	}
}

// limit reports a change that tightens (or else widens) what the field accepts.
func (d *differ) limit(sc scope, pos spec.Pos, subject string, tighter bool, what string) {
	level, why := sc.dir.widened()
	if tighter {
		level, why = sc.dir.tightened()
	}
	d.add(level, pos, subject, "%s (%s)", what, why)
}

// upper compares an upper bound; nil means unbounded.
func (d *differ) upper(sc scope, pos spec.Pos, subject, key string, o, n *int64) {
	switch {
	case o == nil && n == nil, o != nil && n != nil && *o == *n:
	case o == nil:
		d.limit(sc, pos, subject, true, fmt.Sprintf("%s %d added", key, *n))
	case n == nil:
		d.limit(sc, pos, subject, false, fmt.Sprintf("%s %d removed", key, *o))
	case *n < *o:
		d.limit(sc, pos, subject, true, fmt.Sprintf("%s lowered from %d to %d", key, *o, *n))
	default:
		d.limit(sc, pos, subject, false, fmt.Sprintf("%s raised from %d to %d", key, *o, *n))
	}
}

// lower compares a lower bound; nil means unbounded.
func (d *differ) lower(sc scope, pos spec.Pos, subject, key string, o, n *int64) {
	switch {
	case o == nil && n == nil, o != nil && n != nil && *o == *n:
	case o == nil:
		d.limit(sc, pos, subject, true, fmt.Sprintf("%s %d added", key, *n))
	case n == nil:
		d.limit(sc, pos, subject, false, fmt.Sprintf("%s %d removed", key, *o))
	case *n > *o:
		d.limit(sc, pos, subject, true, fmt.Sprintf("%s raised from %d to %d", key, *o, *n))
	default:
		d.limit(sc, pos, subject, false, fmt.Sprintf("%s lowered from %d to %d", key, *o, *n))
	}
}

// length widens a string length for the bound helpers; a missing
// min_length is 0, which is what it means.
func length(p *int, missing int64) *int64 {
	if p == nil {
		if missing < 0 {
			return nil
		}
		return &missing
	}
	v := int64(*p)
	return &v
}

func (d *differ) enum(sc scope, at spec.Pos, subject string, o, n *spec.Schema) {
	switch {
	case len(o.Enum) == 0 && len(n.Enum) == 0:
		return
	case len(o.Enum) == 0:
		d.limit(sc, at.At("enum"), subject, true, fmt.Sprintf("enum added (%s)", enumValues(n.Enum)))
		return
	case len(n.Enum) == 0:
		d.limit(sc, at, subject, false, fmt.Sprintf("enum removed (was %s)", enumValues(o.Enum)))
		return
	}
	oldBy := map[string]*spec.EnumValue{}
	for _, v := range o.Enum {
		oldBy[v.Value] = v
	}
	newBy := map[string]*spec.EnumValue{}
	for _, v := range n.Enum {
		newBy[v.Value] = v
		ov := oldBy[v.Value]
		switch {
		case ov == nil:
			d.limit(sc, v.Pos, subject, false, fmt.Sprintf("enum value %s added", v.Value))
		case ov.Ident() != v.Ident():
			d.add(Breaking, v.Pos, subject, "enum value %s: Go name changed from %s to %s", v.Value, ov.Ident(), v.Ident())
		case ov.Description != v.Description:
			d.add(Info, v.At("description"), subject, "enum value %s: description changed", v.Value)
		}
	}
	for _, v := range o.Enum {
		if newBy[v.Value] == nil {
			d.limit(sc, at.At("enum"), subject, true, fmt.Sprintf("enum value %s removed", v.Value))
		}
	}
}

func enumValues(vs []*spec.EnumValue) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.Value
	}
	return strings.Join(s, ", ")
}

func (d *differ) constValue(sc scope, at spec.Pos, subject string, o, n *spec.Schema) {
	switch {
	case o.Const == n.Const:
	case o.Const == "":
		d.limit(sc, at.At("const"), subject, true, fmt.Sprintf("const %q added", n.Const))
	case n.Const == "":
		d.limit(sc, at, subject, false, fmt.Sprintf("const %q removed", o.Const))
	default:
		d.add(Breaking, at.At("const"), subject, "const changed from %q to %q: old and new values exclude each other", o.Const, n.Const)
	}
}

func (d *differ) pattern(sc scope, at spec.Pos, subject string, o, n *spec.Schema) {
	switch {
	case o.Pattern == n.Pattern:
	case o.Pattern == "":
		d.limit(sc, at.At("pattern"), subject, true, fmt.Sprintf("pattern %s added", n.Pattern))
	case n.Pattern == "":
		d.limit(sc, at, subject, false, fmt.Sprintf("pattern %s removed", o.Pattern))
	default:
		// Whether one RE2 expression accepts a subset of another is not
		// decided here: a changed pattern may narrow either way.
		d.add(Breaking, at.At("pattern"), subject, "pattern changed from %s to %s (it may be narrower in either direction)", o.Pattern, n.Pattern)
	}
}

func (d *differ) aliases(sc scope, subject string, o, n *spec.Field) {
	for _, a := range o.Aliases {
		if !slices.Contains(n.Aliases, a) {
			level, why := Info, "callers no longer send it"
			if sc.dir == received {
				level, why = Breaking, "decoders no longer accept that spelling"
			}
			d.add(level, n.Pos, subject, "alias %s removed (%s)", a, why)
		}
	}
	for _, a := range n.Aliases {
		if !slices.Contains(o.Aliases, a) {
			d.add(Info, n.At("aliases"), subject, "alias %s added", a)
		}
	}
}

type textPair struct{ key, old, new string }

// texts reports changed wording as one info change per key.
func (d *differ) texts(at interface{ At(string) spec.Pos }, subject string, pairs []textPair) {
	for _, p := range pairs {
		if p.old != p.new {
			d.add(Info, at.At(p.key), subject, "%s changed", p.key)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
