package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// errorsEmitter declares a sentinel per documented error code, matched with
// errors.Is through any wrapping. The package of the file defining a code
// declares it; other packages refer to it there.
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

func (errorsEmitter) emit(p *ir.Package, g *jen.File) bool {
	if len(p.Errors) == 0 {
		return false
	}
	doc(g, 0, "Documented error codes. Match them with errors.Is, which works through any "+
		`fmt.Errorf("%w") wrapping (wechatpay-go's core.IsAPIError does not):`)
	g.Comment("")
	g.Comment(fmt.Sprintf("\tif errors.Is(err, %s.%s) { /* back off */ }", p.Name, example(p.Errors)))
	g.Var().DefsFunc(func(d *jen.Group) {
		for _, code := range p.Errors {
			c := code.Spec
			text := fmt.Sprintf("%s: %s (HTTP %d). %s", code.Name, c.Description, c.Status, c.Solution)
			if c.Erratum != "" {
				text += " See erratum " + c.Erratum + "."
			}
			doc(d, 1, text)
			d.Id(code.Name).Op("=").Op("&").Qual(pkgAPIError, "Code").Add(ordered(
				kv("Code", jen.Lit(c.Code)),
				kv("Status", jen.Lit(c.Status)),
				kv("Meaning", jen.Lit(c.Description)),
				kv("Solution", jen.Lit(c.Solution)),
				kv("Advice", jen.Qual(pkgAPIError, adviceConst[c.Advice])),
			))
		}
	})
	return true
}

// example is the sentinel the doc example matches: ErrFrequencyLimited when
// the package declares it, else its first.
func example(codes []*ir.Code) string {
	for _, c := range codes {
		if c.Spec.Code == "FREQUENCY_LIMITED" {
			return c.Name
		}
	}
	return codes[0].Name
}

// codeRef is the sentinel of a code, qualified when another package declares it.
func codeRef(c *ir.Code) *jen.Statement { return jen.Qual(c.Pkg.Path, c.Name) }
