package gen

import (
	"github.com/dave/jennifer/jen"
)

// errorsEmitter declares a sentinel per documented error code, matched with
// errors.Is through any wrapping, and the lookup the client uses.
type errorsEmitter struct{}

func (errorsEmitter) suffix() string { return "errors" }

var adviceConst = map[string]string{
	"retry_same_params": "AdviceRetrySameParams",
	"back_off":          "AdviceBackOff",
	"fix_request":       "AdviceFixRequest",
	"check_merchant":    "AdviceCheckMerchant",
	"check_flow":        "AdviceCheckFlow",
	"nothing_to_do":     "AdviceNothingToDo",
}

func (errorsEmitter) emit(p *Package, g *jen.File) (bool, error) {
	if len(p.Errors) == 0 {
		return false, nil
	}
	g.Comment("Documented error codes. Match them with errors.Is, which works through any")
	g.Comment("fmt.Errorf(\"%w\") wrapping (wechatpay-go's core.IsAPIError does not):")
	g.Comment("")
	g.Comment("\tif errors.Is(err, " + p.Name + ".ErrFrequencyLimited) { /* back off */ }")
	g.Var().DefsFunc(func(d *jen.Group) {
		for _, c := range p.Errors {
			d.Commentf("Err%s: %s (HTTP %d). %s", c.Ident(), c.Description, c.Status, c.Solution)
			if c.Erratum != "" {
				d.Commentf("See erratum %s.", c.Erratum)
			}
			d.Id("Err"+c.Ident()).Op("=").Op("&").Qual(pkgAPIError, "Code").Values(jen.Dict{
				jen.Id("Code"):     jen.Lit(c.Code),
				jen.Id("Status"):   jen.Lit(c.Status),
				jen.Id("Meaning"):  jen.Lit(c.Description),
				jen.Id("Solution"): jen.Lit(c.Solution),
				jen.Id("Advice"):   jen.Qual(pkgAPIError, adviceConst[c.Advice]),
			})
		}
	})
	return true, nil
}
