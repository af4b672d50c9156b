package ir

import (
	"github.com/payscoregen/payscoregen/internal/spec"
)

// Kind is how a value is represented in Go.
type Kind int

// The kinds of Go values.
const (
	String    Kind = iota // string
	Enum                  // a named string type with constants (EnumT)
	RFC3339               // wxtime.RFC3339
	ChinaTime             // wxtime.ChinaTime
	Int                   // int64 (integers and fen amounts)
	Bool                  // bool
	StructK               // a struct (Struct), by value or pointer (Field.Pointer)
	Slice                 // []Elem
)

// Type is a Go type.
type Type struct {
	Kind   Kind
	EnumT  *EnumType // Enum
	Struct *Struct   // StructK
	Elem   *Type     // Slice
}

// Flat reports whether a value of t is a string, enum, integer or boolean:
// what form fields, signed data and query strings can carry.
func (t *Type) Flat() bool {
	switch t.Kind {
	case String, Enum, Int, Bool:
		return true
	}
	return false
}

// Struct is a generated struct type.
type Struct struct {
	Name string
	Pkg  *Package
	// Doc is the doc comment's paragraphs; Page, when set, is the doc page
	// it comes from (rendered as the provenance line).
	Doc  []string
	Page *spec.File
	// Fields in declaration order.
	Fields []*Field
	// Wire is the name violations report: package.Name.
	Wire string
	// Rules are the cross-field rules among the fields.
	Rules []*CrossRule
	// Children are the inline object (and inline array item) structs,
	// declared right after this one.
	Children []*Struct
	// Named is the spec type the struct is generated from, if any.
	Named *spec.TypeDef
	// Aliases, when not empty, are other spellings UnmarshalJSON accepts.
	Aliases []AliasMember
}

// Field is a struct member.
type Field struct {
	Spec *spec.Field // nil for none
	Name string      // Go name
	Wire string      // JSON or form name
	Type *Type
	// Pointer: an optional nested struct is *T, so absent is nil.
	Pointer bool
	// InJSON is false for path and query parameters.
	InJSON bool
	// Tag is the json struct tag value ("-" for path and query parameters).
	Tag string
	// Check is what Validate checks of the field's value.
	Check *Check
}

// Required reports whether the spec marks the field required.
func (f *Field) Required() bool { return f.Spec != nil && f.Spec.Required }

// FieldNamed returns the field with the wire name or one of its aliases.
func (s *Struct) FieldNamed(wire string) *Field {
	for _, f := range s.Fields {
		if f.Wire == wire {
			return f
		}
		if f.Spec != nil {
			for _, a := range f.Spec.Aliases {
				if a == wire {
					return f
				}
			}
		}
	}
	return nil
}

// EnumType is a named string type with a constant per documented value.
type EnumType struct {
	Name  string
	Pkg   *Package
	Field *spec.Field // the first field that uses it: title and name for docs
}

// Values are the documented values in doc order.
func (e *EnumType) Values() []*spec.EnumValue { return e.Field.Enum }

// ConstName is the Go name of a value's constant.
func (e *EnumType) ConstName(v *spec.EnumValue) string { return e.Name + v.Ident() }

// newStruct declares a struct named name in the package.
func (pkg *Package) newStruct(pos spec.Pos, name string, doc []string, page *spec.File) *Struct {
	return pkg.newStructFor(pos, "struct "+name, name, doc, page)
}

// newStructFor is newStruct naming the spec item it is generated for.
func (pkg *Package) newStructFor(pos spec.Pos, what, name string, doc []string, page *spec.File) *Struct {
	s := &Struct{Name: name, Pkg: pkg, Doc: doc, Page: page, Wire: pkg.Name + "." + name}
	pkg.claim(pos, what, name)
	return s
}

// addStruct lists s (and later its children) among the package's structs.
func (pkg *Package) addStruct(s *Struct) {
	pkg.Structs = append(pkg.Structs, s)
	for _, c := range s.Children {
		pkg.addStruct(c)
	}
}

// declareNamed creates the struct of a spec type, to be filled once every
// named type exists.
func (p *Program) declareNamed(pkg *Package, td *spec.TypeDef) {
	doc := []string{td.Ident() + " is " + td.Title + " (" + td.ID + "), a type shared by every use."}
	doc = append(doc, paragraphs(td.Description)...)
	if td.Source != "" {
		doc = append(doc, "Source: "+oneLine(td.Source))
	}
	s := pkg.newStructFor(td.Pos, "type "+td.ID, td.Ident(), doc, td.File)
	s.Named = td
	p.named[td] = s
	pkg.Types = append(pkg.Types, s)
}

func (pkg *Package) fillNamed(s *Struct) {
	pkg.fill(s, s.Named.Fields, s.Named.Rules, "type "+s.Named.ID)
	pkg.addStruct(s)
}

// fill adds the fields of a spec level to s, with their checks and the
// level's cross-field rules.
func (pkg *Package) fill(s *Struct, fields []*spec.Field, rules []*spec.Rule, where string) {
	for _, f := range fields {
		gf := &Field{Spec: f, Name: f.Ident(), Wire: f.Name, InJSON: f.In == "" || f.In == "body"}
		gf.Type = pkg.typeOf(s, f.Ident(), f, &f.Schema, f.Pos)
		gf.Pointer = gf.Type.Kind == StructK && !f.Required && gf.InJSON
		gf.Tag = tagOf(gf)
		gf.Check = pkg.check(f.Pos, where+"."+f.Name, s.Name+f.Ident(), gf.Type, &f.Schema, f.Required, gf.Pointer)
		s.Fields = append(s.Fields, gf)
	}
	pkg.crossRules(s, rules, where)
}

// typeOf plans the Go type of a schema; inline objects become children of
// parent named parent.Name+stem.
func (pkg *Package) typeOf(parent *Struct, stem string, f *spec.Field, sc *spec.Schema, pos spec.Pos) *Type {
	switch sc.Type {
	case spec.KindObject:
		if sc.RefType != nil {
			if named := pkg.prog.named[sc.RefType]; named != nil {
				return &Type{Kind: StructK, Struct: named}
			}
			return &Type{Kind: String} // unresolved: the loader reported it
		}
		name := parent.Name + stem
		child := pkg.newStruct(pos, name, []string{name + " is the " + wireOf(f, stem) + " member of " + parent.Name + "."}, nil)
		pkg.fill(child, sc.Fields, sc.Rules, parent.Name+"."+wireOf(f, stem))
		parent.Children = append(parent.Children, child)
		return &Type{Kind: StructK, Struct: child}
	case spec.KindArray:
		if sc.Items == nil {
			return &Type{Kind: Slice, Elem: &Type{Kind: String}}
		}
		return &Type{Kind: Slice, Elem: pkg.typeOf(parent, stem+"Item", f, &sc.Items.Schema, sc.Items.Pos)}
	case spec.KindInteger:
		return &Type{Kind: Int}
	case spec.KindBoolean:
		return &Type{Kind: Bool}
	}
	switch {
	case len(sc.Enum) > 0:
		return &Type{Kind: Enum, EnumT: pkg.enum(parent.Name, stem, f, sc, pos)}
	case sc.Format == spec.FormatRFC3339:
		return &Type{Kind: RFC3339}
	case sc.Format == spec.FormatDateTime:
		return &Type{Kind: ChinaTime}
	}
	return &Type{Kind: String}
}

func wireOf(f *spec.Field, stem string) string {
	if f != nil {
		return f.Name
	}
	return stem
}

// enum hands out the enum type of a field: its Go name, or the parent's
// name in front when another field of the package has the name but other
// values. Equal value lists share one type.
func (pkg *Package) enum(parent, stem string, f *spec.Field, sc *spec.Schema, pos spec.Pos) *EnumType {
	candidates := []string{stem, parent + stem}
	if sc.EnumName != "" {
		candidates = []string{sc.EnumName}
	}
	for _, candidate := range candidates {
		prev, taken := pkg.enums[candidate]
		if !taken {
			// An enum of items has no field of its own: lend it the schema.
			holder := f
			if f == nil || &f.Schema != sc {
				holder = &spec.Field{Pos: pos, Name: stem, Schema: *sc}
				if f != nil {
					holder.Name, holder.Title = f.Name, f.Title
				}
			}
			e := &EnumType{Name: candidate, Pkg: pkg, Field: holder}
			pkg.enums[candidate] = e
			names := []string{candidate, candidate + "Values"}
			for _, v := range sc.Enum {
				names = append(names, e.ConstName(v))
			}
			pkg.claim(pos, "enum "+candidate, names...)
			pkg.Enums = append(pkg.Enums, e)
			return e
		}
		if sameValues(prev.Values(), sc.Enum) {
			return prev
		}
	}
	if sc.EnumName != "" {
		pkg.problem(pos, "enum %s: enum_name %s is taken by an enum with other values", stem, sc.EnumName)
	} else {
		pkg.problem(pos, "enum %s: the Go names %s and %s are taken by enums with other values; set enum_name", stem, stem, parent+stem)
	}
	return &EnumType{Name: stem, Pkg: pkg, Field: &spec.Field{Name: stem, Schema: *sc}}
}

func sameValues(a, b []*spec.EnumValue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}

// tagOf is the json tag: body members only, omitted when absent.
func tagOf(f *Field) string {
	if !f.InJSON {
		return "-"
	}
	opt := ",omitempty"
	switch f.Type.Kind {
	case RFC3339, ChinaTime:
		opt = ",omitzero"
	case StructK:
		if !f.Pointer {
			opt = ",omitzero"
		}
	case Int, Bool, Slice:
		if f.ZeroIsSent() {
			opt = ""
		}
	}
	return f.Wire + opt
}

// ZeroIsSent reports whether the zero value of f goes on the wire: a required
// JSON integer, boolean or array has no omitempty, so its 0, false or [] is a
// value (total_amount 0 after discounts), not an absence. Validators rely on
// it as much as the json tag does.
func (f *Field) ZeroIsSent() bool {
	switch f.Type.Kind {
	case Int, Bool, Slice:
		return f.InJSON && f.Required()
	}
	return false
}
