package specdiff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// ruleKey names a cross-field rule by what it says, so the same rule is
// found in both specs whatever its position or wording.
func ruleKey(r *spec.Rule) string {
	sorted := func(names []string) string {
		s := slices.Clone(names)
		slices.Sort(s)
		return strings.Join(s, ", ")
	}
	switch {
	case len(r.ExactlyOneOf) > 0:
		return "exactly_one_of [" + sorted(r.ExactlyOneOf) + "]"
	case len(r.AtMostOneOf) > 0:
		return "at_most_one_of [" + sorted(r.AtMostOneOf) + "]"
	case r.RequiredWith != nil:
		return fmt.Sprintf("required_with {field: %s, when: %s}", r.RequiredWith.Field, r.RequiredWith.When)
	case r.Sum != nil:
		return fmt.Sprintf("sum {field: %s, plus: %s, minus: %s}", r.Sum.Field, r.Sum.Plus, r.Sum.Minus)
	}
	return "(empty rule)"
}

// rules compares the cross-field rules of one level. A new rule accepts
// fewer combinations of values; a dropped one accepts more.
func (d *differ) rules(sc scope, at spec.Pos, subject string, old, new []*spec.Rule) {
	oldBy := map[string]*spec.Rule{}
	for _, r := range old {
		oldBy[ruleKey(r)] = r
	}
	newBy := map[string]*spec.Rule{}
	for _, r := range new {
		k := ruleKey(r)
		newBy[k] = r
		switch o := oldBy[k]; {
		case o == nil:
			d.limit(sc, r.Pos, subject, true, "rule "+k+" added")
		case o.Description != r.Description:
			d.add(Info, r.At("description"), subject, "rule %s: description changed", k)
		}
	}
	for _, r := range old {
		if k := ruleKey(r); newBy[k] == nil {
			d.limit(sc, at.At("rules"), subject, false, "rule "+k+" removed")
		}
	}
}

// types reports named types added, removed, renamed in Go or moved to
// another package; their members are compared where they are used.
func (d *differ) types() {
	gone, added := diffKeys(d.old.types, d.new.types)
	for _, id := range gone {
		o := d.old.types[id]
		d.removed(Breaking, d.new.holder(d.old.fileOf[o], "types"), o.Pos, "type "+id, "type removed: the Go type %s no longer exists", o.Ident())
	}
	for _, id := range added {
		d.add(Info, d.new.types[id].Pos, "type "+id, "new type")
	}
	for _, id := range sortedKeys(d.new.types) {
		o, n := d.old.types[id], d.new.types[id]
		if o == nil {
			continue
		}
		subject := "type " + id
		d.moved(o, n, n.Pos, subject)
		d.goName(n.Pos, subject, o.Ident(), n.Ident())
		d.texts(n, subject, []textPair{{"title", o.Title, n.Title}, {"description", o.Description, n.Description}, {"source", o.Source, n.Source}})
	}
}
