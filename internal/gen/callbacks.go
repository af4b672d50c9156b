package gen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// callbacksEmitter writes, per callback, the plaintext structs and, for
// APIv3 (json) callbacks, the typed events, their decoders and the
// http.Handler. Verification, decryption, duplicate protection and the
// replies are runtime/notify's; the generated code only routes event types
// to types and callbacks.
type callbacksEmitter struct{}

func (callbacksEmitter) suffix() string { return "callbacks" }

func (callbacksEmitter) emit(p *ir.Package, g *jen.File) bool {
	if len(p.Callbacks) == 0 {
		return false
	}
	for _, cb := range p.Callbacks {
		if cb.Data != nil {
			declare(g, cb.Data)
		}
		if cb.JSON == nil {
			continue // form callbacks (MD5-signed, 小微聚付) have their own emitter
		}
		c := &jsonCallback{pkg: p, cb: cb, cs: cb.Spec, JSONCallback: cb.JSON}
		c.emit(g)
	}
	return true
}

// jsonCallback renders one APIv3 callback.
type jsonCallback struct {
	*ir.JSONCallback
	pkg *ir.Package
	cb  *ir.Callback
	cs  *spec.Callback
}

func (c *jsonCallback) emit(g *jen.File) {
	for _, d := range c.Decoders {
		if d.Data != c.cb.Data {
			declare(g, d.Data) // an event's own plaintext
		}
	}
	for _, d := range c.Decoders {
		c.unmarshalJSON(g, d.Data)
		c.decodeData(g, d)
	}
	if c.MaxBody != "" {
		doc(g, 0, fmt.Sprintf("%s is the body limit of the %s notification: resource.ciphertext is at most "+
			"%d characters (base64, one byte each), plus notify.EnvelopeMarginBytes for the rest of the envelope.",
			c.MaxBody, c.cb.Spec.Title, c.MaxCT))
		g.Const().Id(c.MaxBody).Op("=").Lit(c.MaxCT).Op("+").Qual(pkgNotify, "EnvelopeMarginBytes")
		g.Line()
	}
	c.eventTypes(g)
	c.eventDecl(g)
	c.decodeEvent(g)
	c.parseFunc(g)
	c.handlerDecl(g)
}

// unmarshalJSON writes an UnmarshalJSON that accepts every alias of a field
// (the doc's mch_id for mchid) in one pass: a wire struct holds the fields
// and the alias members side by side, and notify.MergeAlias folds them in.
func (c *jsonCallback) unmarshalJSON(g *jen.File, s *ir.Struct) {
	for _, child := range s.Children {
		c.unmarshalJSON(g, child)
	}
	if len(s.Aliases) == 0 {
		return
	}
	var spellings, errata []string
	var members, merges []jen.Code
	for _, a := range s.Aliases {
		f := a.Field
		spellings = append(spellings, a.Alias+" for "+f.Wire)
		members = append(members, jen.Id(a.Member).Add(fieldType(f)).Tag(map[string]string{"json": a.Alias}))
		merges = append(merges, jen.Qual(pkgNotify, "MergeAlias").Call(
			jen.Lit(f.Wire), jen.Op("&").Id("r").Dot(f.Name), jen.Lit(a.Alias), jen.Id("wire").Dot(a.Member)))
		if f.Spec.Erratum != "" && !slices.Contains(errata, f.Spec.Erratum) {
			errata = append(errata, f.Spec.Erratum)
		}
	}
	text := fmt.Sprintf("UnmarshalJSON decodes %s, also accepting the other spellings the doc uses: %s",
		s.Name, strings.Join(spellings, ", "))
	if len(errata) > 0 {
		text += " (see erratum " + strings.Join(errata, ", ") + ")"
	}
	doc(g, 0, text+". Both spellings with different values is a *notify.AliasConflictError.")
	var wireFields, copyBack []jen.Code
	for _, f := range s.Fields {
		wireFields = append(wireFields, jen.Id(f.Name).Add(fieldType(f)).Tag(map[string]string{"json": f.Tag}))
		copyBack = append(copyBack, kv(f.Name, jen.Id("wire").Dot(f.Name)))
	}
	body := []jen.Code{
		jen.Var().Id("wire").Struct(append(wireFields, members...)...),
		returnErr(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("wire"))),
		jen.Op("*").Id("r").Op("=").Id(s.Name).Add(ordered(copyBack...)),
	}
	for _, m := range merges[:len(merges)-1] {
		body = append(body, returnErr(m))
	}
	body = append(body, jen.Return(merges[len(merges)-1]))
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(body...)
	g.Line()
}

// returnErr is `if err := call; err != nil { return results..., err }`.
func returnErr(call jen.Code, results ...jen.Code) jen.Code {
	return jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(append(results, jen.Err())...))
}

func (c *jsonCallback) decodeData(g *jen.File, d *ir.Decoder) {
	rules := ""
	if len(d.OneOf) > 0 {
		rules = ", including that " + strings.Join(d.OneOf, " and ")
	}
	doc(g, 0, fmt.Sprintf("%s decodes the decrypted resource of a %s notification and checks every "+
		"documented limit (Validate)%s. Errors are *notify.PlaintextError (errors.Is notify.ErrInvalidPlaintext) "+
		"and never quote the plaintext.", d.Name, c.cs.Title, rules))
	g.Func().Id(d.Name).Params(jen.Id("plaintext").Index().Byte()).Params(jen.Op("*").Id(d.Data.Name), jen.Error()).Block(
		jen.Id("d").Op(":=").New(jen.Id(d.Data.Name)),
		returnErr(jen.Qual(pkgNotify, "DecodePlaintext").Call(jen.Id("plaintext"), jen.Id("d")), jen.Nil()),
		jen.Return(jen.Id("d"), jen.Nil()),
	)
	g.Line()
}

func (c *jsonCallback) eventTypes(g *jen.File) {
	doc(g, 0, "Event types (event_type) of the "+c.cs.Title+" notification.")
	g.Const().DefsFunc(func(d *jen.Group) {
		for _, e := range c.Events {
			doc(d, 1, oneLine(e.Spec.Summary))
			d.Id(e.Const).Op("=").Lit(e.Spec.Type)
		}
	})
	g.Line()
}

func (c *jsonCallback) eventDecl(g *jen.File) {
	doc(g, 0, fmt.Sprintf("%s is a verified, decrypted and validated %s notification: %s. Use a type switch.",
		c.Iface, c.cs.Title, c.typeList()))
	g.Type().Id(c.Iface).Interface(jen.Id(c.marker()).Params())
	g.Line()
	for _, e := range c.Events {
		paras := append([]string{fmt.Sprintf("%s is a %s notification of %s.", e.Type, e.Spec.Type, c.cs.Title)},
			ir.Lines(e.Spec.Summary)...)
		doc(g, 0, append(paras, pageLine(c.cs.File))...)
		g.Type().Id(e.Type).StructFunc(func(st *jen.Group) {
			doc(st, 1, "Envelope is the notification as sent: "+c.envelopeText()+". Its Resource is still the ciphertext.")
			st.Id("Envelope").Qual(pkgNotify, "Envelope")
			doc(st, 1, "Data is the decrypted resource, validated.")
			st.Id("Data").Id(e.Decoder.Data.Name)
		})
		g.Line()
		g.Func().Params(jen.Op("*").Id(e.Type)).Id(c.marker()).Params().Block()
		g.Line()
	}
}

// envelopeText lists the plain envelope members with their doc titles.
func (c *jsonCallback) envelopeText() string {
	var parts []string
	for _, f := range c.cs.Envelope {
		if f.Type == "object" {
			continue
		}
		var notes []string
		if f.Title != "" {
			notes = append(notes, f.Title)
		}
		if f.Name == "id" {
			notes = append(notes, "duplicate deliveries share it")
		}
		s := f.Name
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, "; ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func (c *jsonCallback) marker() string { return "is" + c.Iface }

func (c *jsonCallback) typeList() string {
	var ts []string
	for _, e := range c.Events {
		ts = append(ts, "*"+e.Type)
	}
	switch len(ts) {
	case 1:
		return ts[0]
	case 2:
		return ts[0] + " or " + ts[1]
	}
	return strings.Join(ts[:len(ts)-1], ", ") + " or " + ts[len(ts)-1]
}

// eventType is n.Envelope.EventType.
func eventType() *jen.Statement { return jen.Id("n").Dot("Envelope").Dot("EventType") }

func unknownEvent(noCallback bool) jen.Code {
	fields := []jen.Code{jen.Id("EventType").Op(":").Add(eventType())}
	if noCallback {
		fields = append(fields, jen.Id("NoCallback").Op(":").True())
	}
	return jen.Op("&").Qual(pkgNotify, "UnknownEventError").Values(fields...)
}

// decodeCase decodes the data of event e, checks its status against the
// event type, and hands the event to use. The data is decoded in place into
// the event (what the Decode function does, without its own allocation and
// a copy of the whole data).
func (c *jsonCallback) decodeCase(e *ir.Event, failed func() jen.Code, use func(ev jen.Code) jen.Code) []jen.Code {
	data := func() *jen.Statement { return jen.Id("ev").Dot("Data") }
	code := []jen.Code{
		jen.Id("ev").Op(":=").Op("&").Id(e.Type).Values(jen.Id("Envelope").Op(":").Id("n").Dot("Envelope")),
		jen.If(
			jen.Err().Op(":=").Qual(pkgNotify, "DecodePlaintext").Call(jen.Id("n").Dot("Plaintext"), jen.Op("&").Add(data())),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(failed())),
	}
	if e.Status != nil {
		code = append(code, jen.If(
			jen.Err().Op(":=").Qual(pkgNotify, "CheckEventStatus").Call(eventType(), jen.Lit(e.Status.Wire),
				jen.Lit(e.StatusValue), jen.String().Call(data().Dot(e.Status.Name))),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(failed())))
	}
	return append(code, use(jen.Id("ev")))
}

// hasStatus reports whether decoders check a status field against the event type.
func (c *jsonCallback) hasStatus() bool { return len(c.Events) > 0 && c.Events[0].Status != nil }

// statusCheckText says which status field decoders check, if any.
func (c *jsonCallback) statusCheckText() string {
	if !c.hasStatus() {
		return ""
	}
	return " A resource whose " + c.Events[0].Status.Wire + " contradicts event_type is a *notify.PlaintextError holding a *notify.EventStatusError."
}

func (c *jsonCallback) decodeEvent(g *jen.File) {
	doc(g, 0, fmt.Sprintf("%s decodes a verified notification (from notify.Parser.Parse) by its event_type. "+
		"An event type the spec does not list is a *notify.UnknownEventError (errors.Is notify.ErrUnknownEventType); "+
		"a resource that does not decode or validate is a *notify.PlaintextError.%s", c.DecEvent, c.statusCheckText()))
	g.Func().Id(c.DecEvent).Params(jen.Id("n").Op("*").Qual(pkgNotify, "Notification")).Params(jen.Id(c.Iface), jen.Error()).Block(
		jen.Switch(eventType()).BlockFunc(func(sw *jen.Group) {
			for _, e := range c.Events {
				sw.Case(jen.Id(e.Const)).Block(c.decodeCase(e, func() jen.Code { return jen.List(jen.Nil(), jen.Err()) }, func(ev jen.Code) jen.Code {
					return jen.Return(ev, jen.Nil())
				})...)
			}
		}),
		jen.Return(jen.Nil(), unknownEvent(false)),
	)
	g.Line()
}

func (c *jsonCallback) limitText() string {
	if c.MaxBody == "" {
		return "The body limit is p's."
	}
	return "The body limit is " + c.MaxBody + " (or p's, if lower)."
}

// parser is p, limited to the spec's body size and original_type values
// when it gives them.
func (c *jsonCallback) parser() jen.Code {
	p := jen.Id("p")
	if c.MaxBody != "" {
		p = p.Dot("LimitBody").Call(jen.Id(c.MaxBody))
	}
	if len(c.OriginalTypes) > 0 {
		var vs []jen.Code
		for _, v := range c.OriginalTypes {
			vs = append(vs, jen.Lit(v))
		}
		p = p.Dot("ExpectOriginalType").Call(vs...)
	}
	return p
}

func (c *jsonCallback) retryText() string {
	r := c.cs.Retry
	if r == nil || len(r.Intervals) == 0 {
		return "WeChat delivers it again"
	}
	s := "WeChat delivers it again on the schedule " + strings.Join(r.Intervals, ", ")
	if r.Then != "" {
		s += ", then every " + r.Then
	}
	if r.MaxAge != "" {
		s += ", for up to " + r.MaxAge
	}
	return s
}

func (c *jsonCallback) parseFunc(g *jen.File) {
	doc(g, 0,
		fmt.Sprintf("%s verifies, decrypts and decodes a %s request, for routers that do not mount an "+
			"http.Handler. %s", c.Parse, c.cs.Title, c.limitText()),
		"n is returned once verification and decryption succeeded, also along an error from decoding. "+
			"Answer an error wrapping notify.ErrUnknownEventType with success ("+c.statusText()+", no body) unless you want "+
			"it again: after a failure "+c.retryText()+".",
		fmt.Sprintf("%s does not deduplicate: claim n.Envelope.ID in a dedupe.Store first, as %s does.", c.Parse, c.NewHandler))
	g.Func().Id(c.Parse).Params(jen.Id("p").Op("*").Qual(pkgNotify, "Parser"), jen.Id("r").Op("*").Qual("net/http", "Request")).
		Params(jen.Id(c.Iface), jen.Op("*").Qual(pkgNotify, "Notification"), jen.Error()).Block(
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Add(c.parser()).Dot("Parse").Call(jen.Id("r")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err())),
		jen.List(jen.Id("ev"), jen.Err()).Op(":=").Id(c.DecEvent).Call(jen.Id("n")),
		jen.Return(jen.Id("ev"), jen.Id("n"), jen.Err()),
	)
	g.Line()
}

func (c *jsonCallback) handlerDecl(g *jen.File) {
	doc(g, 0, fmt.Sprintf("%s holds the callbacks of %s, one per event type. Given a dedupe.Store, a "+
		"callback runs once per notification id; return an error to have WeChat deliver the notification again. "+
		"Its context is canceled at the claim's deadline (the store's claim timeout). With a pgstore.Store it runs "+
		"in the store's transaction, pgstore.Tx(ctx): updates made in it commit with the \"processed\" mark.",
		c.Handlers, c.NewHandler),
		"Every event type needs a callback unless Default is set, and OnInvalid is required: "+c.NewHandler+
			" refuses to build a handler that would drop a notification.")
	g.Type().Id(c.Handlers).StructFunc(func(st *jen.Group) {
		for _, e := range c.Events {
			doc(st, 1, fmt.Sprintf("%s handles %s: %s", e.Field, e.Spec.Type, oneLine(e.Spec.Summary)))
			st.Id(e.Field).Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("ev").Op("*").Id(e.Type)).Error()
		}
		doc(st, 1, "Default takes verified notifications of an event type whose callback is nil, undecoded.")
		st.Id("Default").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("n").Op("*").Qual(pkgNotify, "Notification")).Error()
		statusWords := ""
		if c.hasStatus() {
			statusWords = ", a status that contradicts event_type"
		}
		doc(st, 1, "OnInvalid takes verified notifications that break the doc (a resource that does not decode or "+
			"validate"+statusWords+", an event type the spec does not list), with the reasons; they are "+
			"acknowledged once it returns nil. Required.")
		st.Id("OnInvalid").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("inv").Op("*").Qual(pkgNotify, "Invalid")).Error()
	})
	g.Line()

	doc(g, 0, fmt.Sprintf("Dispatch decodes a verified notification by event type and runs its callback; it is the "+
		"notify.Dispatch of %s. An event type without a callback is a *notify.UnknownEventError, whatever its "+
		"resource holds, which the handler hands to h.Default.", c.NewHandler))
	g.Func().Params(jen.Id("h").Id(c.Handlers)).Id("Dispatch").
		Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("n").Op("*").Qual(pkgNotify, "Notification")).Error().Block(
		jen.Switch(eventType()).BlockFunc(func(sw *jen.Group) {
			for _, e := range c.Events {
				cb := jen.Id("h").Dot(e.Field)
				body := []jen.Code{jen.If(cb.Clone().Op("==").Nil()).Block(jen.Return(unknownEvent(true)))}
				body = append(body, c.decodeCase(e, func() jen.Code { return jen.Err() }, func(ev jen.Code) jen.Code {
					return jen.Return(cb.Clone().Call(jen.Id("ctx"), ev))
				})...)
				sw.Case(jen.Id(e.Const)).Block(body...)
			}
		}),
		jen.Return(unknownEvent(false)),
	)
	g.Line()

	doc(g, 0,
		fmt.Sprintf("%s returns the http.Handler for the %s notification, posted to the notify_url:", c.NewHandler, c.cs.Title),
		c.cs.Summary,
		"It is notify.NewEventHandler with h.Dispatch: it verifies the Wechatpay-Signature with p, decrypts the "+
			"resource, claims Envelope.ID in store (nil disables duplicate protection; share one store between "+
			"instances), decodes and validates the resource and runs the callback of its event type. "+c.limitText(),
		"Replies as the doc asks: "+c.successText()+` with no body on success; 4xx or 5xx with {"code":"FAIL","message":"..."} `+
			"on failure, after which "+c.retryText()+". A callback error or panic is a 500 and releases the claim, so "+
			"the next delivery runs it again.",
		"A verified notification of an event type with a nil callback goes to h.Default; one that breaks the doc "+
			"goes to h.OnInvalid. The error (wrapping notify.ErrInvalidConfig) names every callback that is missing "+
			"when h.Default is nil, and says so when h.OnInvalid is nil.",
		pageLine(c.cs.File))
	g.Func().Id(c.NewHandler).Params(
		jen.Id("p").Op("*").Qual(pkgNotify, "Parser"),
		jen.Id("store").Qual(pkgDedupe, "Store"),
		jen.Id("h").Id(c.Handlers),
		jen.Id("opts").Op("...").Qual(pkgNotify, "HandlerOption"),
	).Params(jen.Qual("net/http", "Handler"), jen.Error()).BlockFunc(func(b *jen.Group) {
		if c.Only200 {
			// Options apply in order, so the caller's still win.
			b.Id("opts").Op("=").Append(jen.Index().Qual(pkgNotify, "HandlerOption").Values(
				jen.Qual(pkgNotify, "WithSuccessStatus").Call(jen.Qual("net/http", "StatusOK"))), jen.Id("opts").Op("..."))
		}
		var routes []jen.Code
		for _, e := range c.Events {
			routes = append(routes, ordered(
				kv("EventType", jen.Id(e.Const)),
				kv("Callback", jen.Lit(e.Field)),
				kv("Handled", jen.Id("h").Dot(e.Field).Op("!=").Nil()),
			))
		}
		b.Return(jen.Qual(pkgNotify, "NewEventHandler").Call(c.parser(), jen.Id("store"), jen.Qual(pkgNotify, "Events").Add(ordered(
			kv("Dispatch", jen.Id("h").Dot("Dispatch")),
			kv("Default", jen.Id("h").Dot("Default")),
			kv("OnInvalid", jen.Id("h").Dot("OnInvalid")),
			kv("Routes", jen.Index().Qual(pkgNotify, "EventRoute").Values(routes...)),
		)), jen.Id("opts").Op("...")))
	})
	g.Line()
}

// statusText lists the documented success statuses: "200 or 204".
func (c *jsonCallback) statusText() string {
	if c.cs.Ack == nil || len(c.cs.Ack.SuccessStatuses) == 0 {
		return "204"
	}
	var ss []string
	for _, st := range c.cs.Ack.SuccessStatuses {
		ss = append(ss, fmt.Sprint(st))
	}
	return strings.Join(ss, " or ")
}

// successText is the success reply, from the documented statuses.
func (c *jsonCallback) successText() string {
	switch {
	case c.Only200:
		return "200"
	case c.cs.Ack != nil && slices.Contains(c.cs.Ack.SuccessStatuses, 200):
		return "200 or 204 (204 unless notify.WithSuccessStatus(200))"
	}
	return "204"
}
