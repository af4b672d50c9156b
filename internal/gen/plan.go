package gen

import (
	"fmt"
	"strings"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// typePlan is every struct of a package, built once so that all emitters
// agree on names and enums are registered before the schemas file lists them.
type typePlan struct {
	Requests   map[*spec.Endpoint]*goStruct
	Responses  map[*spec.Endpoint]*goStruct
	Callbacks  map[*spec.Callback]*goStruct // the plaintext (decrypted resource or form)
	JumpData   map[*spec.Jump]*goStruct     // the business data
	JumpParams map[*spec.Jump]*goStruct     // the outer call's parameters (see jumpParams)
	JumpBack   map[*spec.Jump]*goStruct     // the return data, when documented
	// All top-level structs in declaration order, for the validators file.
	All []*goStruct
}

func (p *Package) types() *typePlan {
	if p.plan != nil {
		return p.plan
	}
	t := &typePlan{
		Requests:   map[*spec.Endpoint]*goStruct{},
		Responses:  map[*spec.Endpoint]*goStruct{},
		Callbacks:  map[*spec.Callback]*goStruct{},
		JumpData:   map[*spec.Jump]*goStruct{},
		JumpParams: map[*spec.Jump]*goStruct{},
		JumpBack:   map[*spec.Jump]*goStruct{},
	}
	add := func(s *goStruct) *goStruct { t.All = append(t.All, s); return s }
	for _, e := range p.Endpoints {
		op := e.Ident()
		doc := func(what string) []string {
			lines := []string{fmt.Sprintf("%s%s is the %s of %s (%s %s).", op, what, lowerWord(what), op, e.Method, e.Path), ""}
			lines = append(lines, textLines(e.Summary)...)
			return append(lines, pageDoc(e.File))
		}
		t.Requests[e] = add(p.typesOf(op+"Request", doc("Request"), e.Request))
		if e.SuccessStatus == 200 {
			t.Responses[e] = add(p.typesOf(op+"Response", doc("Response"), e.Response))
		}
	}
	for _, cb := range p.Callbacks {
		name := cb.Ident() + "Data"
		lines := []string{fmt.Sprintf("%s is the content of the %s notification (%s).", name, cb.Title, dataWord(cb)), ""}
		lines = append(lines, textLines(cb.Summary)...)
		s := add(p.typesOf(name, append(lines, pageDoc(cb.File)), cb.Plaintext))
		s.OneOf = cb.OneOf
		t.Callbacks[cb] = s
	}
	// Jumps of one doc page whose data (or return data) are the same fields
	// share one type, named after what their ids share: confirm_order_navigate
	// and confirm_order_open_business_view both carry ConfirmOrderData.
	dataOf := groupJumps(p.Jumps, func(j *spec.Jump) string { return fieldsKey(j.Data) })
	backOf := groupJumps(p.Jumps, func(j *spec.Jump) string {
		if j.Returns == nil {
			return ""
		}
		r := j.Returns
		return fmt.Sprintf("%d|%s|%s|%s", r.Scene, r.ReferrerAppID, r.PresentWhen, fieldsKey(r.Fields))
	})
	shared := map[string]*goStruct{}
	for _, j := range p.Jumps {
		g := dataOf[j]
		name := g.name + "Data"
		if t.JumpData[j] = shared[name]; t.JumpData[j] == nil {
			lines := []string{fmt.Sprintf("%s is the business data (%s) of the %s jump%s.", name, j.CarrierField, j.Title, g.users()), ""}
			if len(g.members) == 1 { // a shared type's summary would name one call only
				lines = append(lines, textLines(j.Summary)...)
			}
			t.JumpData[j] = add(p.typesOf(name, append(lines, pageDoc(j.File)), j.Data))
			shared[name] = t.JumpData[j]
		}
		t.JumpParams[j] = add(p.jumpParams(j, t.JumpData[j]))
		if j.Returns == nil {
			continue
		}
		g = backOf[j]
		back := g.name + "Return"
		if t.JumpBack[j] = shared[back]; t.JumpBack[j] == nil {
			doc := []string{fmt.Sprintf("%s is what the %s jump%s hands back.", back, j.Title, g.users()), ""}
			doc = append(doc, textLines(j.Returns.PresentWhen)...)
			t.JumpBack[j] = add(p.typesOf(back, append(doc, pageDoc(j.File)), j.Returns.Fields))
			shared[back] = t.JumpBack[j]
		}
	}
	p.plan = t
	return t
}

func lowerWord(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

func dataWord(cb *spec.Callback) string {
	if cb.Encoding == "form" {
		return "its form fields"
	}
	return "the decrypted resource"
}

// jumpGroup is the jumps of one page that share a type.
type jumpGroup struct {
	name    string // Go name stem of the shared type
	members []*spec.Jump
}

// users names the jumps of a shared type, for its doc comment.
func (g *jumpGroup) users() string {
	if len(g.members) < 2 {
		return ""
	}
	var names []string
	for _, j := range g.members {
		names = append(names, "New"+j.Ident())
	}
	return "s (" + strings.Join(names, ", ") + ")"
}

// groupJumps groups the jumps of each file by key (an empty key never
// groups) and names each group after the longest run of leading words its
// ids share, or after its only jump.
func groupJumps(jumps []*spec.Jump, key func(*spec.Jump) string) map[*spec.Jump]*jumpGroup {
	byKey := map[string]*jumpGroup{}
	out := map[*spec.Jump]*jumpGroup{}
	for _, j := range jumps {
		k := key(j)
		if k == "" {
			out[j] = &jumpGroup{name: j.Ident(), members: []*spec.Jump{j}}
			continue
		}
		k = j.File.Path + "\x00" + k
		g := byKey[k]
		if g == nil {
			g = &jumpGroup{}
			byKey[k] = g
		}
		g.members = append(g.members, j)
		out[j] = g
	}
	for _, g := range out {
		if g.name != "" {
			continue
		}
		ids := make([]string, len(g.members))
		for i, j := range g.members {
			ids[i] = j.ID
		}
		if g.name = g.members[0].Ident(); len(g.members) > 1 {
			if shared := naming.SharedPrefix(ids); shared != "" {
				g.name = naming.Go(shared)
			}
		}
	}
	return out
}

// fieldsKey renders everything about fields that shapes generated code or
// its docs, so equal keys mean one type serves both.
func fieldsKey(fields []*spec.Field) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "{%s|%s|%s|%s|%s|%s|%s|%v|%s|%s|%s|%v|%v|%s|%s|%s|%s|%s|", f.Name, f.GoName, f.Title, f.In, f.Type, f.Format,
			intText(f.MinLength), f.Required, f.Const, f.Pattern, f.PatternText, f.Reject4ByteUTF8, f.Secret,
			strings.Join(f.Aliases, ","), f.Example, f.Description, f.Erratum, intText(f.MaxLength))
		if f.Minimum != nil || f.Maximum != nil {
			fmt.Fprintf(&b, "%v|%v|", int64Text(f.Minimum), int64Text(f.Maximum))
		}
		for _, e := range f.Enum {
			fmt.Fprintf(&b, "%s=%s=%s;", e.Value, e.GoName, e.Description)
		}
		b.WriteString(fieldsKey(f.Fields))
		b.WriteString("}")
	}
	return b.String()
}

func intText(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func int64Text(p *int64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
