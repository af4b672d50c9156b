package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// Flat data helpers shared by the jump, form client and form notify
// emitters: values by wire name (signed, form-encoded, put into query
// strings), and decode<Struct> from a flat map.

// emitValues writes method name on s: its fields by wire name, as text.
func emitValues(g *jen.File, s *ir.Struct, name, comment string) {
	doc(g, 0, comment)
	var pairs []jen.Code
	for _, f := range s.Fields {
		pairs = append(pairs, jen.Lit(f.Wire).Op(":").Add(fieldText(jen.Id("r").Dot(f.Name), f)))
	}
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id(name).Params().Map(jen.String()).String().Block(
		jen.Return(jen.Map(jen.String()).String().Add(ordered(pairs...))),
	)
	g.Line()
}

// fieldText is the wire text of a string, enum or integer field.
func fieldText(v *jen.Statement, f *ir.Field) jen.Code {
	switch f.Type.Kind {
	case ir.Enum:
		return jen.String().Parens(v)
	case ir.Int:
		return jen.Qual(pkgKV, "FormatInt").Call(v)
	}
	return v
}

// emitDecode writes decode<Struct>: a flat map (form fields, a flattened
// JSON object) to the struct, then Validate. The IR lists the structs read
// this way (Package.FlatDecoders) and has checked their fields are flat.
func emitDecode(g *jen.File, s *ir.Struct) {
	m := jen.Id("m")
	var pairs []jen.Code
	for _, f := range s.Fields {
		var v jen.Code
		switch f.Type.Kind {
		case ir.Enum:
			v = goType(f.Type).Call(m.Clone().Index(jen.Lit(f.Wire)))
		case ir.Int:
			v = jen.Id("d").Dot("Int").Call(m.Clone(), jen.Lit(f.Wire))
		case ir.Bool:
			v = jen.Id("d").Dot("Bool").Call(m.Clone(), jen.Lit(f.Wire))
		default:
			v = m.Clone().Index(jen.Lit(f.Wire))
		}
		pairs = append(pairs, kv(f.Name, v))
	}
	doc(g, 0, "decode"+s.Name+" reads "+s.Name+" from flat data (see runtime/kv) and validates it.")
	g.Func().Id("decode"+s.Name).Params(m.Clone().Map(jen.String()).String()).Params(jen.Op("*").Id(s.Name), jen.Error()).Block(
		jen.Var().Id("d").Qual(pkgKV, "Decoder"),
		jen.Id("r").Op(":=").Op("&").Id(s.Name).Add(ordered(pairs...)),
		jen.If(jen.Err().Op(":=").Id("d").Dot("Err").Call(jen.Lit(s.Wire)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.Err().Op(":=").Id("r").Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("r"), jen.Nil()),
	)
	g.Line()
}
