package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// goType is the Go type of t, qualified when declared in another package.
func goType(t *ir.Type) *jen.Statement {
	switch t.Kind {
	case ir.Enum:
		return jen.Qual(t.EnumT.Pkg.Path, t.EnumT.Name)
	case ir.StructK:
		return jen.Qual(t.Struct.Pkg.Path, t.Struct.Name)
	case ir.Slice:
		return jen.Index().Add(goType(t.Elem))
	case ir.RFC3339:
		return jen.Qual(pkgWxTime, "RFC3339")
	case ir.ChinaTime:
		return jen.Qual(pkgWxTime, "ChinaTime")
	case ir.Int:
		return jen.Int64()
	case ir.Bool:
		return jen.Bool()
	}
	return jen.String()
}

// fieldType is the type of a struct member: *T for optional nested structs.
func fieldType(f *ir.Field) *jen.Statement {
	if f.Pointer {
		return jen.Op("*").Add(goType(f.Type))
	}
	return goType(f.Type)
}

// structRef is the (qualified) name of s.
func structRef(s *ir.Struct) *jen.Statement { return jen.Qual(s.Pkg.Path, s.Name) }

// declare writes the struct and then its children.
func declare(g *jen.File, s *ir.Struct) {
	doc(g, 0, structDoc(s)...)
	g.Type().Id(s.Name).StructFunc(func(st *jen.Group) {
		for _, f := range s.Fields {
			if f.Spec != nil {
				docLines(st, 1, fieldDoc(f.Spec)...)
			}
			st.Id(f.Name).Add(fieldType(f)).Tag(map[string]string{"json": f.Tag})
		}
	})
	g.Line()
	for _, c := range s.Children {
		declare(g, c)
	}
}

// ordered is a multi-line composite literal body whose key: value pairs
// keep declaration order (jen.Dict sorts its keys).
func ordered(pairs ...jen.Code) *jen.Statement {
	return jen.Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, pairs...)
}

// kv is one key: value pair of a composite literal.
func kv(key string, value jen.Code) jen.Code { return jen.Id(key).Op(":").Add(value) }
