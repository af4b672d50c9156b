package ir

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// Check is what a Validate method checks of one field's value.
type Check struct {
	String *RuleVar // string and enum values
	Int    *RuleVar // integers
	Array  *RuleVar // the number of items of a slice
	Elem   *Check   // each item of a slice
	// Nested: the value is a struct whose Validate runs (a pointer only when set).
	Nested bool
	// Required: a time or a pointer struct that must be present.
	Required bool
	// Require are members of the struct (of each item, for a slice) this
	// use requires besides those the type requires (spec require:).
	Require []*Field
	// Text is the rule of a time value as JSON text, for readers of raw
	// JSON (the simulator); generated code parses times instead.
	Text *validate.StringRule
}

// RuleVar is a validation rule declared once as a package variable and
// shared by every field with the same limits. Exactly one rule is set; the
// simulator uses the same values.
type RuleVar struct {
	Name   string
	String *validate.StringRule
	Int    *validate.IntRule
	Array  *validate.ArrayRule
}

// ruleIndex declares each distinct rule once.
type ruleIndex struct {
	byKey map[any]*RuleVar
	names map[string]any // name -> key
}

// rule returns the variable of a rule, declaring it on first use. name is
// derived from the rule's content, so it does not depend on declaration
// order.
func (pkg *Package) rule(name string, r *RuleVar) *RuleVar {
	idx := &pkg.rules
	if idx.byKey == nil {
		idx.byKey, idx.names = map[any]*RuleVar{}, map[string]any{}
	}
	key := ruleKey(r)
	if v, ok := idx.byKey[key]; ok {
		return v
	}
	if _, clash := idx.names[name]; clash {
		// Two different rules with one content name: only patterns of one
		// struct member can do this, and they are named by member.
		name = fmt.Sprintf("%s%d", name, len(idx.byKey))
	}
	r.Name = name
	idx.byKey[key], idx.names[name] = r, key
	pkg.Rules = append(pkg.Rules, r)
	return r
}

// ruleKey identifies a rule by content: a comparable value (no formatting,
// which took an eighth of the generation time).
func ruleKey(r *RuleVar) any {
	switch {
	case r.String != nil:
		s := r.String
		k := stringKey{required: s.Required, min: s.MinLength, max: s.MaxLength, enum: joinKey(s.Enum),
			desc: s.PatternDescription, reject4: s.Reject4ByteUTF8, format: s.Format,
			formats: joinKey(s.Formats), literals: joinKey(s.Literals)}
		if s.Pattern != nil {
			k.pattern = s.Pattern.String()
		}
		return k
	case r.Int != nil:
		return *r.Int
	}
	return *r.Array
}

// stringKey is the content of a validate.StringRule (which holds slices and
// an interface, so is not comparable itself).
type stringKey struct {
	required, reject4                              bool
	min, max                                       int
	enum, pattern, desc, format, formats, literals string
}

// joinKey joins list unambiguously (values hold no NUL; the count prefix
// tells an empty list from a list of one empty value).
func joinKey(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return strconv.Itoa(len(list)) + "\x00" + strings.Join(list, "\x00")
}

// check plans the validation of a value of type t with schema sc.
// stem names pattern rules: the struct and field (ConfirmOrderDataSign).
func (pkg *Package) check(pos spec.Pos, path, stem string, t *Type, sc *spec.Schema, required, pointer bool) *Check {
	c := &Check{}
	switch t.Kind {
	case String, Enum:
		c.String = pkg.stringRule(t, sc, required, stem)
	case Int:
		c.Int = pkg.intRule(sc, required)
	case RFC3339, ChinaTime:
		c.Required = required
		c.Text, _ = stringRuleOf(&Type{Kind: String}, sc, required, stem)
	case StructK:
		c.Nested = true
		c.Required = required && pointer
		c.Require = pkg.require(pos, path, t.Struct, sc.Require)
	case Slice:
		if required || sc.MinItems != nil || sc.MaxItems != nil {
			ar := &validate.ArrayRule{Required: required}
			name := "ruleArray"
			if required {
				name += "Required"
			}
			if sc.MinItems != nil {
				ar.MinItems = *sc.MinItems
				name += fmt.Sprintf("Min%d", ar.MinItems)
			}
			if sc.MaxItems != nil {
				ar.MaxItems = *sc.MaxItems
				name += fmt.Sprintf("Max%d", ar.MaxItems)
			}
			c.Array = pkg.rule(name, &RuleVar{Array: ar})
		}
		if sc.Items != nil {
			c.Elem = pkg.check(sc.Items.Pos, path+"[]", stem+"Item", t.Elem, &sc.Items.Schema, false, false)
		}
	}
	return c
}

// require resolves the members a use of a type requires.
func (pkg *Package) require(pos spec.Pos, path string, s *Struct, names []string) []*Field {
	var out []*Field
	for _, name := range names {
		m := s.FieldNamed(name)
		if m == nil {
			continue // the loader reported it
		}
		if !presenceCheckable(m) {
			pkg.problem(pos.At("require"), "%s: require: %s is a %s, whose absence Go cannot tell from its zero value",
				path, name, kindWord(m))
			continue
		}
		out = append(out, m)
	}
	return out
}

// presenceCheckable reports whether absence of f is visible in Go: not for
// booleans and struct values.
func presenceCheckable(f *Field) bool {
	switch f.Type.Kind {
	case Bool:
		return false
	case StructK:
		return f.Pointer
	}
	return true
}

func kindWord(f *Field) string {
	switch f.Type.Kind {
	case Bool:
		return "boolean"
	case StructK:
		return "required object"
	}
	return "value"
}

func (pkg *Package) stringRule(t *Type, sc *spec.Schema, required bool, stem string) *RuleVar {
	r, name := stringRuleOf(t, sc, required, stem)
	return pkg.rule(name, &RuleVar{String: r})
}

// stringRuleOf is the rule of a string value and its content-derived name.
func stringRuleOf(t *Type, sc *spec.Schema, required bool, stem string) (*validate.StringRule, string) {
	r := &validate.StringRule{Required: required, PatternDescription: sc.PatternText, Reject4ByteUTF8: sc.Reject4ByteUTF8}
	var name strings.Builder
	name.WriteString("rule")
	switch {
	case t.Kind == Enum:
		name.WriteString(t.EnumT.Name)
	case sc.Const != "":
		name.WriteString("Fixed" + naming.Go(sc.Const))
	case sc.Pattern != "":
		name.WriteString(stem)
	default:
		name.WriteString("String")
	}
	if required {
		name.WriteString("Required")
	}
	if sc.MinLength != nil && *sc.MinLength > 0 {
		r.MinLength = *sc.MinLength
	}
	if sc.MaxLength != nil {
		r.MaxLength = *sc.MaxLength
	}
	if t.Kind != Enum && sc.Pattern == "" && (sc.MinLength != nil || sc.MaxLength != nil) {
		fmt.Fprintf(&name, "Len%sTo%s", bound(sc.MinLength, "0"), bound(sc.MaxLength, "Any"))
	}
	for _, v := range sc.Enum {
		r.Enum = append(r.Enum, v.Value)
	}
	if sc.Const != "" {
		r.Enum = []string{sc.Const} // a fixed value is an enum of one
	}
	if sc.Pattern != "" {
		// Compiled once, matched by a byte loop for the doc's shapes; the
		// generated rule calls validate.MustCompile with the same source.
		if re, err := compilePattern(sc.Pattern); err == nil {
			r.Pattern = re
		}
	}
	if sc.Reject4ByteUTF8 {
		name.WriteString("NoEmoji")
	}
	if t.Kind == String {
		switch sc.Format {
		case spec.FormatRFC3339, spec.FormatDateTime, spec.FormatUnixSeconds, spec.FormatDate:
			r.Format = string(sc.Format)
			name.WriteString(naming.Go(formatWord(sc.Format)))
		}
		for _, f := range sc.Formats {
			r.Formats = append(r.Formats, string(f))
			name.WriteString(naming.Go(formatWord(f)))
		}
		for _, l := range sc.Literals {
			r.Literals = append(r.Literals, l)
			name.WriteString("Or" + naming.Go(l))
		}
	}
	return r, name.String()
}

// formatWord names a format in rule names: the runtime constant's words.
func formatWord(f spec.Format) string {
	switch f {
	case spec.FormatRFC3339:
		return "rfc3339"
	case spec.FormatDateTime:
		return "china_time"
	case spec.FormatDate:
		return "china_date"
	}
	return string(f)
}

func (pkg *Package) intRule(sc *spec.Schema, required bool) *RuleVar {
	r := &validate.IntRule{Required: required}
	name := "ruleInt"
	if required {
		name += "Required"
	}
	if sc.Minimum != nil {
		r.HasMin, r.Min = true, *sc.Minimum
		name += fmt.Sprintf("Min%d", *sc.Minimum)
	}
	if sc.Maximum != nil {
		r.HasMax, r.Max = true, *sc.Maximum
		name += fmt.Sprintf("Max%d", *sc.Maximum)
	}
	return pkg.rule(strings.ReplaceAll(name, "-", "Neg"), &RuleVar{Int: r})
}

func bound(p *int, none string) string {
	if p == nil {
		return none
	}
	return fmt.Sprint(*p)
}

// RuleKind is the kind of a cross-field rule.
type RuleKind int

// The kinds of cross-field rules.
const (
	ExactlyOneOf RuleKind = iota
	AtMostOneOf
	RequiredWith
	Sum
)

// CrossRule is a rule among the fields of one struct.
type CrossRule struct {
	Kind RuleKind
	// Fields: the group (ExactlyOneOf, AtMostOneOf); [field, when]
	// (RequiredWith); [field] (Sum).
	Fields      []*Field
	Plus, Minus []SumTerm
	Description string
}

// SumTerm is an integer field, or an integer Member of each item of a
// slice (or of a struct) Field.
type SumTerm struct {
	Field  *Field
	Member *Field
}

// Text is the term as written in the spec: post_payments.amount.
func (t SumTerm) Text() string {
	if t.Member == nil {
		return t.Field.Wire
	}
	return t.Field.Wire + "." + t.Member.Wire
}

// TermsText is "a + b - c", for messages.
func (r *CrossRule) TermsText() string {
	var b strings.Builder
	for i, t := range r.Plus {
		if i > 0 {
			b.WriteString(" + ")
		}
		b.WriteString(t.Text())
	}
	for _, t := range r.Minus {
		if b.Len() == 0 {
			b.WriteString("0")
		}
		b.WriteString(" - " + t.Text())
	}
	return b.String()
}

// crossRules plans the rules of a level on its struct.
func (pkg *Package) crossRules(s *Struct, rules []*spec.Rule, where string) {
	for _, r := range rules {
		cr := &CrossRule{Description: r.Description}
		var names []string
		var pos spec.Pos
		switch {
		case r.ExactlyOneOf != nil:
			cr.Kind, names, pos = ExactlyOneOf, r.ExactlyOneOf, r.At("exactly_one_of")
		case r.AtMostOneOf != nil:
			cr.Kind, names, pos = AtMostOneOf, r.AtMostOneOf, r.At("at_most_one_of")
		case r.RequiredWith != nil:
			cr.Kind, names, pos = RequiredWith, []string{r.RequiredWith.Field, r.RequiredWith.When}, r.RequiredWith.Pos
		case r.Sum != nil:
			cr.Kind, names, pos = Sum, []string{r.Sum.Field}, r.Sum.Pos
		default:
			continue
		}
		ok := true
		for _, n := range names {
			f := s.FieldNamed(n)
			if f == nil {
				ok = false // the loader reported it
				continue
			}
			if cr.Kind != Sum && !presenceCheckable(f) {
				pkg.problem(pos, "%s rules: %s is a %s, whose absence Go cannot tell from its zero value", where, n, kindWord(f))
				ok = false
			}
			cr.Fields = append(cr.Fields, f)
		}
		if cr.Kind == Sum {
			cr.Plus, ok = pkg.sumTerms(s, r.Sum.Plus, ok)
			cr.Minus, ok = pkg.sumTerms(s, r.Sum.Minus, ok)
		}
		if ok {
			s.Rules = append(s.Rules, cr)
		}
	}
}

func (pkg *Package) sumTerms(s *Struct, term string, ok bool) ([]SumTerm, bool) {
	if term == "" {
		return nil, ok
	}
	head, member, nested := strings.Cut(term, ".")
	f := s.FieldNamed(head)
	if f == nil {
		return nil, false
	}
	if !nested {
		return []SumTerm{{Field: f}}, ok
	}
	var inner *Struct
	switch {
	case f.Type.Kind == Slice && f.Type.Elem.Kind == StructK:
		inner = f.Type.Elem.Struct
	case f.Type.Kind == StructK:
		inner = f.Type.Struct
	default:
		return nil, false
	}
	m := inner.FieldNamed(member)
	if m == nil || m.Type.Kind != Int {
		return nil, false
	}
	return []SumTerm{{Field: f, Member: m}}, ok
}

// patterns holds each pattern compiled once: the doc's few patterns recur
// on every copy of a field, and a compiled regexp is a few kilobytes.
var patterns sync.Map // source -> *validate.Regexp

func compilePattern(src string) (*validate.Regexp, error) {
	if re, ok := patterns.Load(src); ok {
		return re.(*validate.Regexp), nil
	}
	re, err := validate.Compile(src)
	if err != nil {
		return nil, err
	}
	patterns.Store(src, re)
	return re, nil
}
