package spec

import "strings"

// rules checks cross-field rules over the fields of one level.
func (c *checker) rules(rules []*Rule, level []*Field, where string) {
	for _, r := range rules {
		kinds := 0
		for _, set := range []bool{r.ExactlyOneOf != nil, r.AtMostOneOf != nil, r.RequiredWith != nil, r.Sum != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			c.r.add(r.Pos, "%s rules: a rule has exactly one of exactly_one_of, at_most_one_of, required_with, sum", where)
			continue
		}
		switch {
		case r.ExactlyOneOf != nil:
			c.group(r.At("exactly_one_of"), where, "exactly_one_of", r.ExactlyOneOf, level)
		case r.AtMostOneOf != nil:
			c.group(r.At("at_most_one_of"), where, "at_most_one_of", r.AtMostOneOf, level)
		case r.RequiredWith != nil:
			rw := r.RequiredWith
			f := c.member(rw.At("field"), where, "required_with", rw.Field, level)
			c.member(rw.At("when"), where, "required_with", rw.When, level)
			if rw.Field == rw.When {
				c.r.add(rw.Pos, "%s rules: required_with: a field cannot depend on itself", where)
			}
			if f != nil && f.Required {
				c.r.add(rw.At("field"), "%s rules: required_with: %s is already required", where, rw.Field)
			}
		case r.Sum != nil:
			c.sum(r.Sum, where, level)
		}
	}
}

// group checks the members of a one-of group: at least two, each a field of
// the level, none required on its own.
func (c *checker) group(pos Pos, where, kind string, names []string, level []*Field) {
	if len(names) < 2 {
		c.r.add(pos, "%s rules: %s needs at least two fields", where, kind)
	}
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			c.r.add(pos, "%s rules: %s lists %q twice", where, kind, name)
		}
		seen[name] = true
		if f := c.member(pos, where, kind, name, level); f != nil && f.Required {
			c.r.add(f.At("required"), "%s.%s is in %s, so it cannot be required on its own", where, name, kind)
		}
	}
}

func (c *checker) member(pos Pos, where, kind, name string, level []*Field) *Field {
	f := FieldNamed(level, name)
	if f == nil {
		c.r.add(pos, "%s rules: %s: %q is not a field at this level", where, kind, name)
	}
	return f
}

// sum checks field = Σplus − Σminus: the field an integer, each term an
// integer field or array.member with an integer member.
func (c *checker) sum(s *Sum, where string, level []*Field) {
	if f := c.member(s.At("field"), where, "sum", s.Field, level); f != nil && f.Type != KindInteger {
		c.r.add(s.At("field"), "%s rules: sum: %s is %s, not an integer", where, s.Field, f.Type)
	}
	if s.Plus == "" && s.Minus == "" {
		c.r.add(s.Pos, "%s rules: sum needs plus or minus", where)
	}
	for _, term := range []struct{ key, path string }{{"plus", s.Plus}, {"minus", s.Minus}} {
		if term.path == "" {
			continue
		}
		if msg := SumTerm(term.path, level); msg != "" {
			c.r.add(s.At(term.key), "%s rules: sum: %s %q %s", where, term.key, term.path, msg)
		}
	}
}

// SumTerm says why a sum term (field or array.member) does not name an
// integer at level, or "" when it does.
func SumTerm(term string, level []*Field) string {
	head, member, nested := strings.Cut(term, ".")
	f := FieldNamed(level, head)
	switch {
	case f == nil:
		return "is not a field at this level"
	case !nested && f.Type != KindInteger:
		return "is not an integer"
	case !nested:
		return ""
	}
	var members []*Field
	switch {
	case f.Type == KindArray && f.Items != nil:
		members = f.Items.Members()
	case f.Type == KindObject:
		members = f.Members()
	default:
		return "does not start with an array or object"
	}
	m := FieldNamed(members, member)
	switch {
	case m == nil:
		return "names no member of " + head
	case m.Type != KindInteger:
		return "is not an integer member"
	}
	return ""
}
