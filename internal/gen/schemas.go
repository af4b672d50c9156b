package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// schemasEmitter declares the enum types, the named (shared) types and the
// request and response structs of the endpoints.
type schemasEmitter struct{}

func (schemasEmitter) suffix() string { return "schemas" }

func (schemasEmitter) emit(p *ir.Package, g *jen.File) bool {
	if len(p.Endpoints) == 0 && len(p.Enums) == 0 && len(p.Types) == 0 {
		return false
	}
	for _, e := range p.Enums {
		declareEnum(g, e)
	}
	for _, t := range p.Types {
		declare(g, t)
	}
	for _, e := range p.Endpoints {
		declare(g, e.Request)
		if e.Response != nil {
			declare(g, e.Response)
		}
	}
	return true
}

// declareEnum writes a string type, a constant per value with the doc's
// meaning, and Valid / Description methods.
func declareEnum(g *jen.File, e *ir.EnumType) {
	f := e.Field
	what := f.Name
	if f.Title != "" && f.Title != f.Name {
		what = f.Title + " (" + f.Name + ")"
	}
	doc(g, 0, e.Name+" is the "+what+" enum.")
	g.Type().Id(e.Name).String()
	g.Line()
	g.Const().DefsFunc(func(d *jen.Group) {
		for _, v := range e.Values() {
			docLines(d, 1, v.Description)
			d.Id(e.ConstName(v)).Id(e.Name).Op("=").Lit(v.Value)
		}
	})
	g.Line()
	doc(g, 0, "Valid reports whether v is one of the documented "+f.Name+" values.")
	g.Func().Params(jen.Id("v").Id(e.Name)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(
			jen.CaseFunc(func(c *jen.Group) {
				for _, v := range e.Values() {
					c.Id(e.ConstName(v))
				}
			}).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
	g.Line()
	doc(g, 0, `Description returns the doc's meaning of v, or "" for an undocumented value.`)
	g.Func().Params(jen.Id("v").Id(e.Name)).Id("Description").Params().String().Block(
		jen.Switch(jen.Id("v")).BlockFunc(func(s *jen.Group) {
			for _, v := range e.Values() {
				s.Case(jen.Id(e.ConstName(v))).Block(jen.Return(jen.Lit(v.Description)))
			}
		}),
		jen.Return(jen.Lit("")),
	)
	g.Line()
	doc(g, 0, e.Name+"Values lists the documented values in doc order.")
	g.Var().Id(e.Name + "Values").Op("=").Index().Id(e.Name).ValuesFunc(func(vs *jen.Group) {
		for _, v := range e.Values() {
			vs.Id(e.ConstName(v))
		}
	})
	g.Line()
}
