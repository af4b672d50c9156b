package gen

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// formNotifyEmitter writes an http.Handler per form-encoded, MD5-signed
// callback (the 小微聚付 notify). JSON callbacks are callbacks.go's. The
// checking lives in runtime/formmd5; generated code says which field is the
// order number, the merchant number and the amount.
type formNotifyEmitter struct{}

func (formNotifyEmitter) suffix() string { return "formnotify" }

// Field roles of a form notify. The spec has no marker for them; these are
// the wire names the 小微聚付/PayJS notify uses, in order of preference.
var (
	notifyIDFields     = []string{"order_no", "out_trade_no"} // the dedupe id
	notifyMchIDFields  = []string{"mchid", "mch_id"}
	notifyAmountFields = []string{"total_fee"}
	// notifyStatusFields say whether the payment succeeded, with the value
	// meaning success: "1", PayJS's convention, which the 小微聚付 notify
	// follows (it documents no values; see erratum xwjf-notify-status).
	// Other statuses are acknowledged without calling process.
	notifyStatusFields = []string{"status"}
	notifySuccessValue = "1"
)

func (formNotifyEmitter) emit(p *Package, g *jen.File) (bool, error) {
	plan := p.types()
	n := 0
	for _, cb := range p.Callbacks {
		if cb.Encoding != "form" {
			continue
		}
		if err := emitFormNotify(p, g, cb, plan.Callbacks[cb]); err != nil {
			return false, fmt.Errorf("callback %s (%s:%d): %w", cb.ID, cb.File.Path, cb.Line, err)
		}
		n++
	}
	return n > 0, nil
}

func roleField(s *goStruct, names []string, kind goKind) *goField {
	for _, name := range names {
		for _, f := range s.Fields {
			if f.Kind != kind {
				continue
			}
			if f.Wire == name {
				return f
			}
			for _, a := range f.Spec.Aliases {
				if a == name {
					return f
				}
			}
		}
	}
	return nil
}

func emitFormNotify(p *Package, g *jen.File, cb *spec.Callback, s *goStruct) error {
	if cb.Signature != "MD5" {
		return fmt.Errorf("form callbacks must be MD5-signed, not %s", cb.Signature)
	}
	if err := flatKindsOK(s); err != nil {
		return err
	}
	id := roleField(s, notifyIDFields, kindString)
	mchID := roleField(s, notifyMchIDFields, kindString)
	amount := roleField(s, notifyAmountFields, kindInt)
	if id == nil || mchID == nil || amount == nil {
		return fmt.Errorf("a form notify needs string fields %s (order number), %s (merchant number) and integer %s (amount)",
			strings.Join(notifyIDFields, "|"), strings.Join(notifyMchIDFields, "|"), strings.Join(notifyAmountFields, "|"))
	}
	status := roleField(s, notifyStatusFields, kindString)
	ok200 := false
	for _, st := range cb.Ack.SuccessStatuses {
		ok200 = ok200 || st == 200
	}
	if !ok200 {
		return fmt.Errorf("ack.success_statuses must include 200, the status the handler answers")
	}
	var deadline jen.Code = jen.Lit(0)
	if cb.Ack.Deadline != "" {
		d, err := time.ParseDuration(cb.Ack.Deadline)
		if err != nil {
			return fmt.Errorf("ack.deadline: %w", err)
		}
		deadline = durationCode(d)
	}

	base := cb.Ident()
	lookup := base + "Lookup"
	handler := "New" + base + "Handler"
	data := jen.Op("*").Id(s.Name)
	ctxParam := jen.Id("ctx").Qual("context", "Context")

	g.Commentf("%s returns the merchant's record of the order a %s notification is", lookup, cb.Title)
	g.Commentf("about; find it by n.%s, the merchant's own order number. Return", roleFieldName(s, "out_trade_no", id))
	g.Commentf("formmd5.ErrUnknownOrder when there is none. The handler refuses a notification")
	g.Commentf("whose %s or %s differs from the record.", mchID.Wire, amount.Wire)
	g.Type().Id(lookup).Func().Params(ctxParam.Clone(), jen.Id("n").Add(data.Clone())).Params(jen.Qual(pkgFormMD5, "Order"), jen.Error())
	g.Line()

	g.Commentf("%s returns the endpoint of the %s notification: %s, %s-encoded,", handler, cb.Title, cb.Method, cb.Encoding)
	g.Commentf("%s-signed.", cb.Signature)
	g.Comment("")
	for _, l := range textLines(cb.Summary) {
		g.Comment(l)
	}
	if cb.Source != "" {
		g.Comment("Source: " + strings.Join(textLines(cb.Source), " "))
	}
	g.Comment(pageDoc(cb.File))
	g.Comment("")
	g.Comment("merchantKey verifies sign over every received field except sign, in constant time;")
	g.Comment("it is never put into a reply, an error or a log line. lookup supplies the order's")
	g.Commentf("%s and %s, which must match. store (nil disables it) makes each %s", mchID.Wire, amount.Wire, id.Wire)
	g.Comment("processed once: a repeat of a processed notification is acknowledged without calling")
	g.Comment("process again. process handles a verified, checked, first-seen notification; an")
	g.Commentf("error or a panic makes the sender retry (after %s).", strings.Join(cb.Retry.Intervals, ", "))
	if status != nil {
		g.Commentf("Only a notification with %s %q (paid) is processed: any other %s is", status.Wire, notifySuccessValue, status.Wire)
		g.Comment("acknowledged, logged as a warning and not recorded, so a later paid notification of")
		g.Comment("the same order still runs process.")
	}
	g.Comment("")
	g.Commentf("Success is HTTP 200 with the body %q exactly; failures are described at", cb.Ack.SuccessBody)
	g.Comment("formmd5.NewHandler. opts set the logger and the body size limit.")
	for _, n := range cb.Notes {
		g.Comment("Note: " + strings.Join(textLines(n), " "))
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
			jen.Qual(pkgFormMD5, "Notification").Types(data.Clone()).Values(jen.Dict{
				jen.Id("Name"):        jen.Lit(p.Name + " " + cb.ID),
				jen.Id("Key"):         jen.Id("merchantKey"),
				jen.Id("Algorithm"):   jen.Qual(pkgJumpSign, "MD5Algo"),
				jen.Id("SuccessBody"): jen.Lit(cb.Ack.SuccessBody),
				jen.Id("Deadline"):    deadline,
				jen.Id("Decode"):      jen.Id("decode" + s.Name),
				jen.Id("ID"): jen.Func().Params(nn.Clone().Add(data.Clone())).String().Block(
					jen.Return(nn.Clone().Dot(id.Name))),
				jen.Id("Check"): jen.Func().Params(ctxParam.Clone(), nn.Clone().Add(data.Clone())).Error().Block(
					jen.List(jen.Id("want"), jen.Err()).Op(":=").Id("lookup").Call(jen.Id("ctx"), nn.Clone()),
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
					jen.Return(jen.Qual(pkgFormMD5, "CheckOrder").Call(jen.Id("want"), nn.Clone().Dot(mchID.Name), nn.Clone().Dot(amount.Name))),
				),
				jen.Id("Process"): jen.Id("process"),
				jen.Id("Succeeded"): func() jen.Code {
					if status == nil {
						return jen.Nil()
					}
					return jen.Func().Params(nn.Clone().Add(data.Clone())).Bool().Block(
						jen.Return(nn.Clone().Dot(status.Name).Op("==").Lit(notifySuccessValue)))
				}(),
			}),
			jen.Id("store"),
			jen.Id("opts").Op("..."),
		)),
	)
	g.Line()
	emitDecode(p, g, s)
	return nil
}

// roleFieldName is the Go name of the field with the wire name, or fallback's.
func roleFieldName(s *goStruct, wire string, fallback *goField) string {
	for _, f := range s.Fields {
		if f.Wire == wire {
			return f.Name
		}
	}
	return fallback.Name
}

// durationCode renders d as 3 * time.Second (or milliseconds when not whole seconds).
func durationCode(d time.Duration) jen.Code {
	if d%time.Second == 0 {
		return jen.Lit(int(d/time.Second)).Op("*").Qual("time", "Second")
	}
	return jen.Lit(int(d/time.Millisecond)).Op("*").Qual("time", "Millisecond")
}
