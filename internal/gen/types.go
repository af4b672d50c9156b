package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// goKind is how a spec field is represented in Go.
type goKind int

const (
	kindString goKind = iota
	kindEnum
	kindRFC3339
	kindChinaTime
	kindInt
	kindBool
	kindObject
)

// goField is a spec field placed in a Go struct.
type goField struct {
	Spec     *spec.Field
	Name     string // Go field name
	Wire     string // JSON / form name
	Kind     goKind
	TypeName string // enum or object type name
	InJSON   bool   // false for path and query parameters
}

// goStruct is a generated struct type.
type goStruct struct {
	Name     string
	Doc      []string
	Fields   []*goField
	Wire     string // qualified name used in validation errors: payscore.X
	OneOf    []*spec.OneOf
	Children []*goStruct // object members, declared after the parent
}

// goEnum is a generated string enum type.
type goEnum struct {
	Name  string
	Field *spec.Field
}

// enumRegistry hands out enum type names: the field's Go name, or the
// parent's name in front when two fields of one package share a name but not
// their values.
type enumRegistry struct {
	byName map[string]*goEnum
	order  []*goEnum
}

func (r *enumRegistry) name(parent string, f *spec.Field) string {
	if r.byName == nil {
		r.byName = map[string]*goEnum{}
	}
	for _, candidate := range []string{f.Ident(), parent + f.Ident()} {
		prev, taken := r.byName[candidate]
		if !taken {
			e := &goEnum{Name: candidate, Field: f}
			r.byName[candidate] = e
			r.order = append(r.order, e)
			return candidate
		}
		if sameEnum(prev.Field, f) {
			return candidate
		}
	}
	panic(fmt.Sprintf("gen: no free enum type name for %s.%s", parent, f.Name))
}

func sameEnum(a, b *spec.Field) bool {
	if len(a.Enum) != len(b.Enum) {
		return false
	}
	for i := range a.Enum {
		if a.Enum[i].Value != b.Enum[i].Value {
			return false
		}
	}
	return true
}

// typesOf builds the Go struct for a list of spec fields. Object members
// become child structs named parent+field.
func (p *Package) typesOf(name string, doc []string, fields []*spec.Field) *goStruct {
	s := &goStruct{Name: name, Doc: doc, Wire: p.Name + "." + name}
	for _, f := range fields {
		gf := &goField{Spec: f, Name: f.Ident(), Wire: f.Name, InJSON: f.In == "" || f.In == "body"}
		switch {
		case f.Type == "object":
			gf.Kind = kindObject
			child := p.typesOf(name+f.Ident(), []string{fmt.Sprintf("%s is the %s member of %s.", name+f.Ident(), f.Name, name)}, f.Fields)
			gf.TypeName = child.Name
			s.Children = append(s.Children, child)
		case f.Type == "integer":
			gf.Kind = kindInt
		case f.Type == "boolean":
			gf.Kind = kindBool
		case len(f.Enum) > 0:
			gf.Kind = kindEnum
			gf.TypeName = p.enums.name(name, f)
		case f.Format == "rfc3339":
			gf.Kind = kindRFC3339
		case f.Format == "yyyyMMddHHmmss":
			gf.Kind = kindChinaTime
		default:
			gf.Kind = kindString
		}
		s.Fields = append(s.Fields, gf)
	}
	return s
}

// goType is the Go type of a field.
func (f *goField) goType() jen.Code {
	switch f.Kind {
	case kindEnum, kindObject:
		return jen.Id(f.TypeName)
	case kindRFC3339:
		return jen.Qual(pkgWxTime, "RFC3339")
	case kindChinaTime:
		return jen.Qual(pkgWxTime, "ChinaTime")
	case kindInt:
		return jen.Int64()
	case kindBool:
		return jen.Bool()
	}
	return jen.String()
}

// tag is the struct tag: json for body members, none for path and query.
func (f *goField) tag() map[string]string {
	if !f.InJSON {
		return map[string]string{"json": "-"}
	}
	opt := ",omitempty"
	switch f.Kind {
	case kindRFC3339, kindChinaTime, kindObject:
		opt = ",omitzero"
	case kindInt, kindBool:
		if f.Spec.Required {
			opt = ""
		}
	}
	return map[string]string{"json": f.Wire + opt}
}

// declare emits the struct, then its children.
func (s *goStruct) declare(g *jen.File) {
	comment(g, s.Doc)
	g.Type().Id(s.Name).StructFunc(func(st *jen.Group) {
		for _, f := range s.Fields {
			for _, line := range fieldDoc(f.Spec) {
				st.Comment(line)
			}
			st.Id(f.Name).Add(f.goType()).Tag(f.tag())
		}
	})
	g.Line()
	for _, c := range s.Children {
		c.declare(g)
	}
}

// fieldDoc is the doc comment of a field: the Chinese title and description,
// then its limits in one line.
func fieldDoc(f *spec.Field) []string {
	var lines []string
	head := f.Title
	if head == "" {
		head = f.Name
	}
	lines = append(lines, head+" ("+f.Name+")")
	for _, l := range strings.Split(strings.TrimSpace(f.Description), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var facts []string
	facts = append(facts, limitText(f))
	if f.Required {
		facts = append(facts, "required")
	} else {
		facts = append(facts, "optional")
	}
	if f.In != "" {
		facts = append(facts, "in "+f.In)
	}
	if f.Format != "" {
		facts = append(facts, "format "+string(f.Format))
	}
	if f.Const != "" {
		facts = append(facts, fmt.Sprintf("fixed %q", f.Const))
	}
	if f.Reject4ByteUTF8 {
		facts = append(facts, "no 4-byte UTF-8 (emoji)")
	}
	if f.Example != "" {
		facts = append(facts, "示例值: "+f.Example)
	}
	if f.Erratum != "" {
		facts = append(facts, "see erratum "+f.Erratum)
	}
	lines = append(lines, strings.Join(facts, "; ")+".")
	return lines
}

// limitText renders a field's type and limits as the doc does: string[1,32].
func limitText(f *spec.Field) string {
	switch f.Type {
	case "string":
		lo, hi := "0", "∞"
		if f.MinLength != nil {
			lo = fmt.Sprint(*f.MinLength)
		}
		if f.MaxLength != nil {
			hi = fmt.Sprint(*f.MaxLength)
		}
		if f.MinLength == nil && f.MaxLength == nil {
			return "string"
		}
		return fmt.Sprintf("string[%s,%s] characters", lo, hi)
	case "integer":
		switch {
		case f.Minimum != nil && f.Maximum != nil:
			return fmt.Sprintf("integer in [%d,%d]", *f.Minimum, *f.Maximum)
		case f.Minimum != nil:
			return fmt.Sprintf("integer >= %d", *f.Minimum)
		case f.Maximum != nil:
			return fmt.Sprintf("integer <= %d", *f.Maximum)
		}
	}
	return string(f.Type)
}

// comment writes doc lines as // comments.
func comment(g *jen.File, lines []string) {
	for _, l := range lines {
		if l == "" {
			g.Comment("")
			continue
		}
		g.Comment(l)
	}
}

// pageDoc is the provenance line of generated doc comments.
func pageDoc(f *spec.File) string {
	s := "Doc page: " + f.Page.Title
	if f.Page.Updated != "" {
		s += ", updated " + f.Page.Updated
	}
	return s + " (seed " + f.Page.Seed + ")."
}

// textLines splits doc text into trimmed, non-empty lines.
func textLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
