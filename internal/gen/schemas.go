package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// schemasEmitter declares the enum types and the request and response
// structs of the endpoints.
type schemasEmitter struct{}

func (schemasEmitter) suffix() string { return "schemas" }

func (schemasEmitter) emit(p *Package, g *jen.File) (bool, error) {
	plan := p.types() // registers every enum, including those of callbacks and jumps
	if len(p.Endpoints) == 0 && len(p.enums.order) == 0 {
		return false, nil
	}
	for _, e := range p.enums.order {
		declareEnum(g, e)
	}
	for _, e := range p.Endpoints {
		plan.Requests[e].declare(g)
		if resp := plan.Responses[e]; resp != nil {
			resp.declare(g)
		}
	}
	return true, nil
}

// declareEnum writes a string type, a constant per value with the doc's
// meaning, and Valid / Description methods.
func declareEnum(g *jen.File, e *goEnum) {
	f := e.Field
	title := f.Title
	if title == "" {
		title = f.Name
	}
	g.Commentf("%s is the %s (%s) enum.", e.Name, title, f.Name)
	g.Type().Id(e.Name).String()
	g.Line()
	g.Const().DefsFunc(func(d *jen.Group) {
		for _, v := range f.Enum {
			d.Comment(v.Description)
			d.Id(e.Name + v.Ident()).Id(e.Name).Op("=").Lit(v.Value)
		}
	})
	g.Line()
	g.Commentf("Valid reports whether v is one of the documented %s values.", f.Name)
	g.Func().Params(jen.Id("v").Id(e.Name)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(
			jen.CaseFunc(func(c *jen.Group) {
				for _, v := range f.Enum {
					c.Id(e.Name + v.Ident())
				}
			}).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
	g.Line()
	g.Comment("Description returns the doc's meaning of v, or \"\" for an undocumented value.")
	g.Func().Params(jen.Id("v").Id(e.Name)).Id("Description").Params().String().Block(
		jen.Switch(jen.Id("v")).BlockFunc(func(s *jen.Group) {
			for _, v := range f.Enum {
				s.Case(jen.Id(e.Name + v.Ident())).Block(jen.Return(jen.Lit(v.Description)))
			}
		}),
		jen.Return(jen.Lit("")),
	)
	g.Line()
	g.Comment(fmt.Sprintf("%sValues lists the documented values in doc order.", e.Name))
	g.Var().Id(e.Name + "Values").Op("=").Index().Id(e.Name).ValuesFunc(func(vs *jen.Group) {
		for _, v := range f.Enum {
			vs.Id(e.Name + v.Ident())
		}
	})
	g.Line()
}
