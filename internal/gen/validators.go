package gen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// validatorsEmitter writes a Validate method for every struct, fed by the
// IR's rules declared once as package variables: generated code only lists
// fields and rules, the checking itself is runtime/validate's.
type validatorsEmitter struct{}

func (validatorsEmitter) suffix() string { return "validators" }

func (validatorsEmitter) emit(p *ir.Package, g *jen.File) bool {
	if len(p.Structs) == 0 {
		return false
	}
	if len(p.Rules) > 0 {
		doc(g, 0, "Rules shared by the Validate methods, one per distinct set of limits.")
		g.Var().DefsFunc(func(d *jen.Group) {
			for _, r := range p.Rules {
				d.Id(r.Name).Op("=").Add(ruleLiteral(r))
			}
		})
		g.Line()
	}
	for _, s := range p.Structs {
		validateMethod(g, s)
		g.Line()
	}
	return true
}

// formatConst names the runtime constant of a format.
var formatConst = map[string]string{
	validate.FormatRFC3339:     "FormatRFC3339",
	validate.FormatChinaTime:   "FormatChinaTime",
	validate.FormatUnixSeconds: "FormatUnixSeconds",
	validate.FormatChinaDate:   "FormatChinaDate",
}

func stringList(list []string, item func(string) jen.Code) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, s := range list {
			g.Add(item(s))
		}
	})
}

func lit(s string) jen.Code { return jen.Lit(s) }

func formatCode(f string) jen.Code { return jen.Qual(pkgValidate, formatConst[f]) }

// ruleLiteral renders a rule as a composite literal, fields in declaration order.
func ruleLiteral(r *ir.RuleVar) jen.Code {
	var kvs []jen.Code
	switch {
	case r.String != nil:
		s := r.String
		if s.Required {
			kvs = append(kvs, kv("Required", jen.True()))
		}
		if s.MinLength > 0 {
			kvs = append(kvs, kv("MinLength", jen.Lit(s.MinLength)))
		}
		if s.MaxLength > 0 {
			kvs = append(kvs, kv("MaxLength", jen.Lit(s.MaxLength)))
		}
		if len(s.Enum) > 0 {
			kvs = append(kvs, kv("Enum", stringList(s.Enum, lit)))
		}
		if s.Pattern != nil {
			kvs = append(kvs, kv("Pattern", jen.Qual(pkgValidate, "MustCompile").Call(jen.Lit(s.Pattern.String()))))
		}
		if s.PatternDescription != "" && s.Pattern != nil {
			kvs = append(kvs, kv("PatternDescription", jen.Lit(s.PatternDescription)))
		}
		if s.Reject4ByteUTF8 {
			kvs = append(kvs, kv("Reject4ByteUTF8", jen.True()))
		}
		if s.Format != "" {
			kvs = append(kvs, kv("Format", formatCode(s.Format)))
		}
		if len(s.Formats) > 0 {
			kvs = append(kvs, kv("Formats", stringList(s.Formats, formatCode)))
		}
		if len(s.Literals) > 0 {
			kvs = append(kvs, kv("Literals", stringList(s.Literals, lit)))
		}
		return jen.Op("&").Qual(pkgValidate, "StringRule").Values(kvs...)
	case r.Int != nil:
		i := r.Int
		if i.Required {
			kvs = append(kvs, kv("Required", jen.True()))
		}
		if i.HasMin {
			kvs = append(kvs, kv("HasMin", jen.True()), kv("Min", jen.Id(strconv.FormatInt(i.Min, 10))))
		}
		if i.HasMax {
			kvs = append(kvs, kv("HasMax", jen.True()), kv("Max", jen.Id(strconv.FormatInt(i.Max, 10))))
		}
		return jen.Op("&").Qual(pkgValidate, "IntRule").Values(kvs...)
	}
	a := r.Array
	if a.Required {
		kvs = append(kvs, kv("Required", jen.True()))
	}
	if a.MinItems > 0 {
		kvs = append(kvs, kv("MinItems", jen.Lit(a.MinItems)))
	}
	if a.MaxItems > 0 {
		kvs = append(kvs, kv("MaxItems", jen.Lit(a.MaxItems)))
	}
	return jen.Op("&").Qual(pkgValidate, "ArrayRule").Values(kvs...)
}

var collector = jen.Id("c")

// present is the Go expression that says v (of field f) is set.
func present(f *ir.Field, v *jen.Statement) *jen.Statement {
	switch f.Type.Kind {
	case ir.String, ir.Enum:
		return v.Op("!=").Lit("")
	case ir.Int:
		return v.Op("!=").Lit(0)
	case ir.Slice:
		return jen.Len(v).Op(">").Lit(0)
	case ir.RFC3339, ir.ChinaTime:
		return jen.Op("!").Add(v).Dot("IsZero").Call()
	}
	return v.Op("!=").Nil()
}

// validateMethod writes Validate for one struct, and ValidateInto, which
// does the checking into a caller's collector: a value nested in another
// records its violations straight into the outer one.
func validateMethod(g *jen.File, s *ir.Struct) {
	doc(g, 0, "Validate checks every documented limit of "+s.Name+" and returns a *validate.Errors "+
		"listing each violation with its field path, or nil. It makes no network call.")
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("Validate").Params().Error().Block(
		jen.Var().Id("c").Qual(pkgValidate, "Collector"),
		jen.Id("r").Dot("ValidateInto").Call(jen.Op("&").Id("c")),
		jen.Return(collector.Clone().Dot("Err").Call(jen.Lit(s.Wire))),
	)
	g.Line()
	body := []jen.Code{
		jen.If(jen.Id("r").Op("==").Nil()).Block(jen.Id("r").Op("=").New(jen.Id(s.Name))),
	}
	for _, f := range s.Fields {
		body = append(body, checkField(f)...)
	}
	for _, r := range s.Rules {
		body = append(body, crossRule(r)...)
	}
	doc(g, 0, "ValidateInto records every violation of "+s.Name+" in c, under the path c is in (see "+
		"validate.Collector.Enter): Validate uses it, and so does the Validate of every type holding a "+s.Name+".")
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("ValidateInto").Params(jen.Id("c").Op("*").Qual(pkgValidate, "Collector")).Block(body...)
}

// nested checks a value of a generated type at path: entered, checked into
// the same collector, left. enter is Enter(path) or EnterItem(path, i).
func nested(enter *jen.Statement, v *jen.Statement) []jen.Code {
	return []jen.Code{enter, v.Dot("ValidateInto").Call(collector), collector.Clone().Dot("Leave").Call()}
}

func checkField(f *ir.Field) []jen.Code {
	v := func() *jen.Statement { return jen.Id("r").Dot(f.Name) }
	ck := f.Check
	var out []jen.Code
	switch {
	case ck.String != nil:
		val := v()
		if f.Type.Kind == ir.Enum {
			val = jen.String().Parens(v())
		}
		out = append(out, collector.Clone().Dot("String").Call(jen.Lit(f.Wire), val, jen.Id(ck.String.Name)))
	case ck.Int != nil:
		isSet := v().Op("!=").Lit(0)
		if f.ZeroIsSent() {
			isSet = jen.True()
		}
		out = append(out, collector.Clone().Dot("Int").Call(jen.Lit(f.Wire), v(), isSet, jen.Id(ck.Int.Name)))
	case ck.Nested:
		checks := nested(collector.Clone().Dot("Enter").Call(jen.Lit(f.Wire)), v())
		for _, m := range ck.Require {
			checks = append(checks, collector.Clone().Dot("Required").Call(jen.Lit(f.Wire+"."+m.Wire), present(m, v().Dot(m.Name))))
		}
		if !f.Pointer {
			return checks
		}
		st := jen.If(v().Op("!=").Nil()).Block(checks...)
		if ck.Required {
			st.Else().Block(collector.Clone().Dot("Required").Call(jen.Lit(f.Wire), jen.False()))
		}
		return []jen.Code{st}
	case ck.Required:
		out = append(out, collector.Clone().Dot("Required").Call(jen.Lit(f.Wire), present(f, v())))
	}
	if f.Type.Kind == ir.Slice {
		if ck.Array != nil {
			out = append(out, collector.Clone().Dot("Array").Call(jen.Lit(f.Wire), jen.Len(v()), jen.Id(ck.Array.Name)))
		}
		if items := itemChecks(f, v); len(items) > 0 {
			out = append(out, jen.For(jen.Id("i").Op(":=").Range().Add(v())).Block(items...))
		}
	}
	return out
}

// itemChecks are the checks of item i of a slice field.
func itemChecks(f *ir.Field, v func() *jen.Statement) []jen.Code {
	e := f.Check.Elem
	if e == nil {
		return nil
	}
	item := func() *jen.Statement { return v().Index(jen.Id("i")) }
	path, i := jen.Lit(f.Wire), jen.Id("i")
	var out []jen.Code
	switch {
	case e.String != nil:
		val := item()
		if f.Type.Elem.Kind == ir.Enum {
			val = jen.String().Parens(item())
		}
		out = append(out, collector.Clone().Dot("StringItem").Call(path, i, val, jen.Id(e.String.Name)))
	case e.Int != nil:
		out = append(out, collector.Clone().Dot("IntItem").Call(path, i, item(), jen.Id(e.Int.Name)))
	case e.Nested:
		out = append(out, nested(collector.Clone().Dot("EnterItem").Call(path, i), item())...)
		for _, m := range e.Require {
			out = append(out, collector.Clone().Dot("RequiredItem").Call(path, i, jen.Lit(m.Wire), present(m, item().Dot(m.Name))))
		}
	}
	return out
}

func crossRule(r *ir.CrossRule) []jen.Code {
	field := func(f *ir.Field) *jen.Statement { return jen.Id("r").Dot(f.Name) }
	switch r.Kind {
	case ir.ExactlyOneOf, ir.AtMostOneOf:
		var paths, flags []jen.Code
		for _, f := range r.Fields {
			paths = append(paths, jen.Lit(f.Wire))
			flags = append(flags, present(f, field(f)))
		}
		method := "OneOf"
		if r.Kind == ir.AtMostOneOf {
			method = "AtMostOneOf"
		}
		return []jen.Code{collector.Clone().Dot(method).Call(jen.Index().String().Values(paths...), jen.Index().Bool().Values(flags...))}
	case ir.RequiredWith:
		f, when := r.Fields[0], r.Fields[1]
		return []jen.Code{collector.Clone().Dot("RequiredWith").Call(jen.Lit(f.Wire), present(f, field(f)), jen.Lit(when.Wire), present(when, field(when)))}
	}
	f := r.Fields[0]
	sum := jen.Id("sum" + f.Name)
	block := []jen.Code{sum.Clone().Op(":=").Int64().Call(jen.Lit(0))}
	add := func(terms []ir.SumTerm, op string) {
		for _, t := range terms {
			switch {
			case t.Member == nil:
				block = append(block, sum.Clone().Op(op).Add(field(t.Field)))
			case t.Field.Type.Kind == ir.Slice:
				block = append(block, jen.For(jen.Id("i").Op(":=").Range().Add(field(t.Field))).Block(
					sum.Clone().Op(op).Add(field(t.Field)).Index(jen.Id("i")).Dot(t.Member.Name)))
			case t.Field.Pointer:
				block = append(block, jen.If(field(t.Field).Op("!=").Nil()).Block(sum.Clone().Op(op).Add(field(t.Field)).Dot(t.Member.Name)))
			default:
				block = append(block, sum.Clone().Op(op).Add(field(t.Field)).Dot(t.Member.Name))
			}
		}
	}
	add(r.Plus, "+=")
	add(r.Minus, "-=")
	block = append(block, collector.Clone().Dot("Sum").Call(jen.Lit(f.Wire), field(f), sum, jen.Lit(r.TermsText())))
	cond := field(f).Op("!=").Lit(0)
	if f.Required() {
		return []jen.Code{jen.Block(block...)}
	}
	return []jen.Code{jen.If(cond).Block(block...)}
}
