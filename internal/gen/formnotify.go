package gen

import (
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// formNotifyEmitter writes the handler of MD5-signed form callbacks
// (小微聚付 pay notify), on runtime/formmd5.
type formNotifyEmitter struct{}

func (formNotifyEmitter) suffix() string { return "formnotify" }

func (formNotifyEmitter) emit(p *ir.Package, file *jen.File) bool {
	g := &docFile{File: file}
	n := 0
	for _, cb := range p.Callbacks {
		if cb.Form != nil {
			emitFormNotify(p, g, cb)
			n++
		}
	}
	return n > 0
}

func emitFormNotify(p *ir.Package, g *docFile, c *ir.Callback) {
	cb, s, fn := c.Spec, c.Data, c.Form
	id, mchID, amount := fn.ID, fn.MchID, fn.Amount
	var deadline jen.Code = jen.Lit(0)
	if fn.Deadline > 0 {
		deadline = durationCode(fn.Deadline)
	}
	lookup, handler := fn.Lookup, fn.Handler
	data := jen.Op("*").Id(s.Name)
	ctxParam := jen.Id("ctx").Qual("context", "Context")

	g.Commentf("%s returns the merchant's record of the order a %s notification is", lookup, cb.Title)
	g.Commentf("about; find it by n.%s, the merchant's own order number. Return", fn.OutTradeNo.Name)
	g.Commentf("formmd5.ErrUnknownOrder when there is none. The handler refuses a notification")
	g.Commentf("whose %s or %s differs from the record.", mchID.Wire, amount.Wire)
	g.Type().Id(lookup).Func().Params(ctxParam.Clone(), jen.Id("n").Add(data.Clone())).Params(jen.Qual(pkgFormMD5, "Order"), jen.Error())
	g.Line()

	g.Commentf("%s returns the endpoint of the %s notification: %s, %s-encoded,", handler, cb.Title, cb.Method, cb.Encoding)
	g.Commentf("%s-signed.", cb.Signature)
	g.Comment("")
	for _, l := range ir.Lines(cb.Summary) {
		g.Comment(l)
	}
	if cb.Source != "" {
		g.Comment("Source: " + strings.Join(ir.Lines(cb.Source), " "))
	}
	g.Comment(pageLine(cb.File))
	g.Comment("")
	g.Comment("merchantKey verifies sign over every received field except sign, in constant time;")
	g.Comment("it is never put into a reply, an error or a log line. lookup supplies the order's")
	g.Commentf("%s and %s, which must match. store (nil disables it) makes each %s", mchID.Wire, amount.Wire, id.Wire)
	g.Comment("processed once: a repeat of a processed notification is acknowledged without calling")
	g.Comment("process again. process handles a verified, checked, first-seen notification; an")
	g.Commentf("error or a panic makes the sender retry (after %s).", strings.Join(cb.Retry.Intervals, ", "))
	if st := fn.Status; st != nil {
		g.Commentf("Only a notification with %s %q (paid) is processed: any other %s is", st.Wire, fn.SuccessValue, st.Wire)
		g.Comment("acknowledged, logged as a warning and not recorded, so a later paid notification of")
		g.Comment("the same order still runs process.")
	}
	g.Comment("")
	g.Commentf("Success is HTTP 200 with the body %q exactly; failures are described at", cb.Ack.SuccessBody)
	g.Comment("formmd5.NewHandler. opts set the logger and the body size limit.")
	for _, n := range cb.Notes {
		g.Comment("Note: " + strings.Join(ir.Lines(n), " "))
	}
	nn := jen.Id("n")
	g.Func().Id(handler).Params(
		jen.Id("merchantKey").Qual(pkgJumpSign, "Secret"),
		jen.Id("lookup").Id(lookup),
		jen.Id("store").Qual(pkgDedupe, "Store"),
		jen.Id("process").Func().Params(ctxParam.Clone(), jen.Id("n").Add(data.Clone())).Error(),
		jen.Id("opts").Op("...").Qual(pkgFormMD5, "Option"),
	).Qual("net/http", "Handler").Block(
		jen.If(jen.Id("lookup").Op("==").Nil().Op("||").Id("process").Op("==").Nil()).Block(
			jen.Panic(jen.Lit(p.Name+"."+handler+": lookup and process must not be nil")),
		),
		jen.Return(jen.Qual(pkgFormMD5, "NewHandler").Call(
			jen.Qual(pkgFormMD5, "Notification").Types(data.Clone()).Add(ordered(
				kv("Name", jen.Lit(p.Name+" "+cb.ID)),
				kv("Key", jen.Id("merchantKey")),
				kv("Algorithm", jen.Qual(pkgJumpSign, "MD5Algo")),
				kv("SuccessBody", jen.Lit(cb.Ack.SuccessBody)),
				kv("Deadline", deadline),
				kv("Decode", jen.Id("decode"+s.Name)),
				kv("ID", jen.Func().Params(nn.Clone().Add(data.Clone())).String().Block(
					jen.Return(nn.Clone().Dot(id.Name)))),
				kv("Check", jen.Func().Params(ctxParam.Clone(), nn.Clone().Add(data.Clone())).Error().Block(
					jen.List(jen.Id("want"), jen.Err()).Op(":=").Id("lookup").Call(jen.Id("ctx"), nn.Clone()),
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
					jen.Return(jen.Qual(pkgFormMD5, "CheckOrder").Call(jen.Id("want"), nn.Clone().Dot(mchID.Name), nn.Clone().Dot(amount.Name))),
				)),
				kv("Process", jen.Id("process")),
				kv("Succeeded", func() jen.Code {
					if fn.Status == nil {
						return jen.Nil()
					}
					return jen.Func().Params(nn.Clone().Add(data.Clone())).Bool().Block(
						jen.Return(nn.Clone().Dot(fn.Status.Name).Op("==").Lit(fn.SuccessValue)))
				}()),
			)),
			jen.Id("store"),
			jen.Id("opts").Op("..."),
		)),
	)
	g.Line()
	emitDecode(g.File, s)
}

// durationCode renders d as 3 * time.Second (or milliseconds when not whole seconds).
func durationCode(d time.Duration) jen.Code {
	if d%time.Second == 0 {
		return jen.Lit(int(d/time.Second)).Op("*").Qual("time", "Second")
	}
	return jen.Lit(int(d/time.Millisecond)).Op("*").Qual("time", "Millisecond")
}
