package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/payscoregen/payscoregen/internal/naming"
)

// fields checks a list of sibling fields and, recursively, their members.
func (c *checker) fields(list []*Field, where string) {
	names := map[string]*Field{}
	idents := map[string]*Field{}
	for _, f := range list {
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			if prev, dup := names[n]; dup {
				c.r.add(f.Pos, "%s: field name %q is already used at line %d", where, n, prev.Line)
			} else {
				names[n] = f
			}
		}
		if prev, dup := idents[f.Ident()]; dup && prev != f {
			c.r.add(f.Pos, "%s: field %s has the Go name %s, like %s at line %d", where, f.Name, f.Ident(), prev.Name, prev.Line)
		} else {
			idents[f.Ident()] = f
		}
		c.field(f, where)
	}
}

func (c *checker) field(f *Field, where string) {
	path := where + "." + f.Name
	switch {
	case f.Name == "":
		c.r.add(f.At("name"), "%s: a field needs a non-empty name", where)
	case f.GoName != "":
		if !naming.IsGoIdent(f.GoName) {
			c.r.add(f.At("go_name"), "%s: go_name %q is not an exported Go identifier", path, f.GoName)
		}
	case !naming.Derivable(f.Name):
		c.r.add(f.At("name"), "%s: the name %q does not make an exported Go name; set go_name", path, f.Name)
	}
	c.schema(&f.Schema, f.Pos, path)
}

// schema checks a field's or an array items' schema at pos.
func (c *checker) schema(s *Schema, pos Pos, path string) {
	c.erratumRef(pos.At("erratum"), s.Erratum)
	if s.Ref != "" {
		c.ref(s, pos, path)
	} else {
		switch {
		case s.Type == "":
			c.r.add(pos, "%s: missing type (or ref to a named type)", path)
		case len(s.Require) > 0:
			c.r.add(pos.At("require"), "%s: require applies to a ref", path)
		}
	}
	isString := s.Type == KindString
	if !isString {
		if s.MinLength != nil || s.MaxLength != nil {
			c.r.add(pos, "%s: min_length/max_length apply to strings, not %s", path, s.Type)
		}
		if len(s.Enum) > 0 || s.Pattern != "" || s.Reject4ByteUTF8 || len(s.Formats) > 0 || len(s.Literals) > 0 {
			c.r.add(pos, "%s: enum, pattern, formats, literals and reject_4byte_utf8 apply to strings, not %s", path, s.Type)
		}
	}
	switch {
	case s.Format == FormatFen && s.Type != KindInteger:
		c.r.add(pos.At("format"), "%s: format fen is an integer amount, not %s", path, s.Type)
	case s.Format != "" && s.Format != FormatFen && !isString:
		c.r.add(pos.At("format"), "%s: format %s applies to strings, not %s", path, s.Format, s.Type)
	}
	if s.Format != "" && len(s.Formats) > 0 {
		c.r.add(pos.At("formats"), "%s: give format or formats, not both", path)
	}
	if len(s.Literals) > 0 && !s.Format.IsTime() && len(s.Formats) == 0 {
		c.r.add(pos.At("literals"), "%s: literals are extra values of a time format; set format or formats", path)
	}
	if s.Type != KindInteger && (s.Minimum != nil || s.Maximum != nil) {
		c.r.add(pos, "%s: minimum/maximum apply to integers, not %s", path, s.Type)
	}
	switch s.Type {
	case KindObject:
		if s.Ref == "" {
			if len(s.Fields) == 0 {
				c.r.add(pos, "%s: an object needs fields (or a ref)", path)
			}
			c.fields(s.Fields, path)
			c.rules(s.Rules, s.Fields, path)
		}
	default:
		if len(s.Fields) > 0 || len(s.Rules) > 0 {
			c.r.add(pos, "%s: only an object has fields and rules", path)
		}
	}
	if s.Type == KindArray {
		if s.Items == nil {
			c.r.add(pos, "%s: an array needs items", path)
		} else {
			if s.Items.Type == KindArray {
				c.r.add(s.Items.Pos, "%s: arrays of arrays are not supported", path)
			}
			c.schema(&s.Items.Schema, s.Items.Pos, path+"[]")
		}
		c.nonNegative(pos, "min_items", path, s.MinItems)
		c.nonNegative(pos, "max_items", path, s.MaxItems)
		if s.MinItems != nil && s.MaxItems != nil && *s.MinItems > *s.MaxItems {
			c.r.add(pos.At("min_items"), "%s: min_items %d is greater than max_items %d", path, *s.MinItems, *s.MaxItems)
		}
		if s.Const != "" || s.Example != "" {
			c.r.add(pos, "%s: const and example apply to scalars; give them on the items", path)
		}
	} else if s.Items != nil || s.MinItems != nil || s.MaxItems != nil {
		c.r.add(pos, "%s: items, min_items and max_items apply to arrays, not %s", path, s.Type)
	}
	if s.Type == KindObject && (s.Const != "" || s.Example != "") {
		c.r.add(pos, "%s: const and example apply to scalars, not objects", path)
	}
	c.nonNegative(pos, "min_length", path, s.MinLength)
	if s.MinLength != nil && s.MaxLength != nil && *s.MinLength > *s.MaxLength {
		c.r.add(pos.At("min_length"), "%s: min_length %d is greater than max_length %d", path, *s.MinLength, *s.MaxLength)
	}
	if s.MaxLength != nil && *s.MaxLength <= 0 {
		c.r.add(pos.At("max_length"), "%s: max_length %d must be positive", path, *s.MaxLength)
	}
	if s.Minimum != nil && s.Maximum != nil && *s.Minimum > *s.Maximum {
		c.r.add(pos.At("minimum"), "%s: minimum %d is greater than maximum %d", path, *s.Minimum, *s.Maximum)
	}
	c.formats(s, pos, path)
	var re *regexp.Regexp
	if s.Pattern != "" {
		var err error
		re, err = regexp.Compile(s.Pattern)
		switch {
		case err != nil:
			c.r.add(pos.At("pattern"), "%s: pattern does not compile: %v", path, err)
		case !strings.HasPrefix(s.Pattern, "^") || !strings.HasSuffix(s.Pattern, "$"):
			c.r.add(pos.At("pattern"), "%s: pattern %q must be anchored with ^ and $", path, s.Pattern)
		}
	}
	switch {
	case s.EnumName != "" && len(s.Enum) == 0:
		c.r.add(pos.At("enum_name"), "%s: enum_name %q without an enum", path, s.EnumName)
	case s.EnumName != "" && !naming.IsGoIdent(s.EnumName):
		c.r.add(pos.At("enum_name"), "%s: enum_name %q is not an exported Go identifier", path, s.EnumName)
	}
	seen := map[string]bool{}
	idents := map[string]bool{}
	for _, ev := range s.Enum {
		if ev.Value == "" {
			c.r.add(ev.Pos, "%s: empty enum value", path)
		}
		if ev.GoName != "" && !naming.IsGoIdent(ev.GoName) {
			c.r.add(ev.At("go_name"), "%s: go_name %q is not an exported Go identifier", path, ev.GoName)
		}
		if seen[ev.Value] {
			c.r.add(ev.Pos, "%s: enum value %q is listed twice", path, ev.Value)
		}
		if idents[ev.Ident()] {
			c.r.add(ev.Pos, "%s: enum value %q has the same Go name as another (%s); set go_name", path, ev.Value, ev.Ident())
		}
		seen[ev.Value] = true
		idents[ev.Ident()] = true
		if reason := s.violation(ev.Value, re, false); reason != "" {
			c.r.add(ev.Pos, "%s: enum value %q %s", path, ev.Value, reason)
		}
	}
	if s.Const != "" {
		if reason := s.violation(s.Const, re, false); reason != "" {
			c.r.add(pos.At("const"), "%s: const %q %s", path, s.Const, reason)
		}
	}
	if s.Example != "" && s.Erratum == "" {
		if reason := s.violation(s.Example, re, true); reason != "" {
			c.r.add(pos.At("example"), "%s: example %q %s; fix it or name the erratum that explains it", path, s.Example, reason)
		}
	}
}

func (c *checker) nonNegative(pos Pos, key, path string, n *int) {
	if n != nil && *n < 0 {
		c.r.add(pos.At(key), "%s: %s %d is negative", path, key, *n)
	}
}

// formats checks formats and literals: no repeats, literals that no format
// would accept anyway.
func (c *checker) formats(s *Schema, pos Pos, path string) {
	seen := map[Format]bool{}
	for _, f := range s.Formats {
		if seen[f] {
			c.r.add(pos.At("formats"), "%s: format %s is listed twice", path, f)
		}
		seen[f] = true
	}
	lits := map[string]bool{}
	for _, l := range s.Literals {
		if l == "" || lits[l] {
			c.r.add(pos.At("literals"), "%s: literal %q is empty or listed twice", path, l)
		}
		lits[l] = true
	}
}

// ref resolves a use of a named type and checks its require list.
func (c *checker) ref(s *Schema, pos Pos, path string) {
	if s.Type != "" && s.Type != KindObject {
		c.r.add(pos.At("type"), "%s: a ref is an object; leave type out (found %s)", path, s.Type)
	}
	if len(s.Fields) > 0 || len(s.Rules) > 0 {
		c.r.add(pos.At("ref"), "%s: a ref takes its fields and rules from the type; list none here", path)
	}
	s.Type = KindObject
	td := c.types[s.Ref]
	if td == nil {
		msg := fmt.Sprintf("%s: unknown type %q", path, s.Ref)
		if guess := closest(s.Ref, c.typeIDs()); guess != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", guess)
		}
		c.r.add(pos.At("ref"), "%s", msg)
		return
	}
	s.RefType = td
	seen := map[string]bool{}
	for _, name := range s.Require {
		m := FieldNamed(td.Fields, name)
		switch {
		case seen[name]:
			c.r.add(pos.At("require"), "%s: require lists %q twice", path, name)
		case m == nil:
			c.r.add(pos.At("require"), "%s: require: type %s has no member %q", path, td.ID, name)
		case m.Required:
			c.r.add(pos.At("require"), "%s: require: %s.%s is required by the type itself", path, td.ID, name)
		}
		seen[name] = true
	}
}

func (c *checker) typeIDs() []string {
	ids := make([]string, 0, len(c.types))
	for id := range c.types {
		ids = append(ids, id)
	}
	return ids
}

// violation says how a value breaks the schema's own constraints, or "".
func (s *Schema) violation(v string, re *regexp.Regexp, checkEnumConst bool) string {
	switch s.Type {
	case KindInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "is not an integer"
		}
		if s.Minimum != nil && n < *s.Minimum {
			return fmt.Sprintf("is below the minimum %d", *s.Minimum)
		}
		if s.Maximum != nil && n > *s.Maximum {
			return fmt.Sprintf("is above the maximum %d", *s.Maximum)
		}
		return ""
	case KindBoolean:
		if v != "true" && v != "false" {
			return "is not true or false"
		}
		return ""
	case KindObject, KindArray, "":
		return ""
	}
	n := utf8.RuneCountInString(v)
	if s.MinLength != nil && n < *s.MinLength {
		return fmt.Sprintf("is %d characters, under min_length %d", n, *s.MinLength)
	}
	if s.MaxLength != nil && n > *s.MaxLength {
		return fmt.Sprintf("is %d characters, over max_length %d", n, *s.MaxLength)
	}
	if re != nil && !re.MatchString(v) {
		return fmt.Sprintf("does not match pattern %s", s.Pattern)
	}
	if checkEnumConst {
		if len(s.Enum) > 0 && !s.hasEnum(v) {
			return "is not one of the enum values"
		}
		if s.Const != "" && v != s.Const {
			return fmt.Sprintf("differs from const %q", s.Const)
		}
	}
	return ""
}

func (s *Schema) hasEnum(v string) bool {
	for _, ev := range s.Enum {
		if ev.Value == v {
			return true
		}
	}
	return false
}

// Members returns the fields of an object schema: its own, or its type's.
func (s *Schema) Members() []*Field {
	if s.RefType != nil {
		return s.RefType.Fields
	}
	return s.Fields
}
