package gen

import (
	"fmt"

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
	for _, j := range p.Jumps {
		name := j.Ident() + "Data"
		lines := []string{fmt.Sprintf("%s is the business data (%s) of the %s jump.", name, j.CarrierField, j.Title), ""}
		lines = append(lines, textLines(j.Summary)...)
		t.JumpData[j] = add(p.typesOf(name, append(lines, pageDoc(j.File)), j.Data))
		t.JumpParams[j] = add(p.jumpParams(j, t.JumpData[j]))
		if j.Returns != nil {
			back := j.Ident() + "Return"
			doc := []string{fmt.Sprintf("%s is what the %s jump hands back.", back, j.Title), ""}
			doc = append(doc, textLines(j.Returns.PresentWhen)...)
			t.JumpBack[j] = add(p.typesOf(back, append(doc, pageDoc(j.File)), j.Returns.Fields))
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
