package gen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// callbacksEmitter writes, per callback, the plaintext struct and, for
// APIv3 (json) callbacks, the typed events, their decoders and the
// http.Handler. Verification, decryption, duplicate protection and the
// replies are runtime/notify's; the generated code only routes event types
// to types and callbacks.
type callbacksEmitter struct{}

func (callbacksEmitter) suffix() string { return "callbacks" }

func (callbacksEmitter) emit(p *Package, g *jen.File) (bool, error) {
	if len(p.Callbacks) == 0 {
		return false, nil
	}
	plan := p.types()
	names := takenNames(p)
	for _, cb := range p.Callbacks {
		data := plan.Callbacks[cb]
		data.declare(g)
		if cb.Encoding != "json" {
			continue // form callbacks (MD5-signed, 小微聚付) have their own emitter
		}
		c, err := newJSONCallback(p, cb, data, names)
		if err != nil {
			return false, err
		}
		if err := c.emit(g); err != nil {
			return false, err
		}
	}
	return true, nil
}

// jsonCallback holds the names generated for one APIv3 callback, so every
// declaration refers to the others by the same name.
type jsonCallback struct {
	pkg      *Package
	cb       *spec.Callback
	data     *goStruct
	events   []jsonEvent
	iface    string // AuthorizationNotifyEvent
	decData  string // DecodeAuthorizationNotifyData
	decEvent string // DecodeAuthorizationNotifyEvent
	parse    string // ParseAuthorizationNotify
	handlers string // AuthorizationNotifyHandlers
	newH     string // NewAuthorizationNotifyHandler
	maxBody  string // AuthorizationNotifyMaxBodyBytes, "" when the spec gives no ciphertext limit
	maxCT    int    // ciphertext max_length
	only200  bool   // the doc accepts 200 but not the runtime's default 204
	// originalTypes are the documented resource.original_type values.
	originalTypes []string
}

type jsonEvent struct {
	ev       *spec.Event
	constant string // UserOpenServiceEventType
	typ      string // UserOpenServiceEvent
	field    string // OnUserOpenService
	// status is the plaintext field that repeats the event type
	// (user_service_status), and statusValue its value for this event; nil
	// when the spec has none.
	status      *goField
	statusValue string
}

func newJSONCallback(p *Package, cb *spec.Callback, data *goStruct, names map[string]string) (*jsonCallback, error) {
	base := cb.Ident()
	c := &jsonCallback{
		pkg: p, cb: cb, data: data,
		iface:    base + "Event",
		decData:  "Decode" + data.Name,
		decEvent: "Decode" + base + "Event",
		parse:    "Parse" + base,
		handlers: base + "Handlers",
		newH:     "New" + base + "Handler",
	}
	if len(cb.Events) == 0 {
		return nil, fmt.Errorf("%s:%d:%d: callback %s: a json callback needs events", cb.Pos.File, cb.Line, cb.Col, cb.ID)
	}
	if a := cb.Ack; a != nil {
		if a.SuccessBody != "" {
			return nil, fmt.Errorf("%s:%d:%d: callback %s: ack.success_body %q: APIv3 callbacks answer with no body",
				a.Pos.File, a.Line, a.Col, cb.ID, a.SuccessBody)
		}
		for _, st := range a.SuccessStatuses {
			if st != 200 && st != 204 {
				return nil, fmt.Errorf("%s:%d:%d: callback %s: ack.success_statuses: runtime/notify answers 200 or 204, not %d",
					a.Pos.File, a.Line, a.Col, cb.ID, st)
			}
		}
		c.only200 = len(a.SuccessStatuses) > 0 && !slices.Contains(a.SuccessStatuses, 204)
	}
	if res := spec.FieldNamed(cb.Envelope, "resource"); res != nil {
		if ct := spec.FieldNamed(res.Fields, "ciphertext"); ct != nil && ct.MaxLength != nil {
			c.maxBody, c.maxCT = base+"MaxBodyBytes", *ct.MaxLength
		}
		if ot := spec.FieldNamed(res.Fields, "original_type"); ot != nil {
			for _, v := range ot.Enum {
				c.originalTypes = append(c.originalTypes, v.Value)
			}
		}
	}
	for _, ev := range cb.Events {
		c.events = append(c.events, jsonEvent{
			ev:       ev,
			constant: ev.Ident() + "EventType",
			typ:      ev.Ident() + "Event",
			field:    "On" + ev.Ident(),
		})
	}
	c.matchStatuses()
	claim := func(at spec.Pos, what string, ns ...string) error {
		for _, n := range ns {
			if n == "" {
				continue
			}
			if prev, taken := names[n]; taken {
				return fmt.Errorf("%s:%d:%d: %s: generated name %s is already used by %s; set go_name",
					at.File, at.Line, at.Col, what, n, prev)
			}
			names[n] = what
		}
		return nil
	}
	what := "callback " + cb.ID
	if err := claim(cb.At("id"), what, c.iface, c.decData, c.decEvent, c.parse, c.handlers, c.newH, c.maxBody); err != nil {
		return nil, err
	}
	fields := map[string]bool{"Default": true, "OnInvalid": true}
	for _, e := range c.events {
		if err := claim(e.ev.Pos, what+" event "+e.ev.Type, e.constant, e.typ); err != nil {
			return nil, err
		}
		if fields[e.field] {
			return nil, fmt.Errorf("%s:%d:%d: callback %s event %s: the callback field %s is taken; set go_name",
				e.ev.Pos.File, e.ev.Pos.Line, e.ev.Pos.Col, cb.ID, e.ev.Type, e.field)
		}
		fields[e.field] = true
	}
	return c, nil
}

// matchStatuses finds the plaintext field that states the event again: an
// enum field with, for every event type, the value its last dotted part
// names (PAYSCORE.USER_OPEN_SERVICE and user_service_status
// USER_OPEN_SERVICE, both documented as 授权成功). Decoders then refuse a
// resource whose status contradicts its event_type. Without one field that
// matches every event, no check is generated.
func (c *jsonCallback) matchStatuses() {
	var field *goField
	for _, e := range c.events {
		word := e.ev.Type[strings.LastIndex(e.ev.Type, ".")+1:]
		var found *goField
		for _, f := range c.data.Fields {
			for _, v := range f.Spec.Enum {
				if f.Kind == kindEnum && v.Value == word {
					if found != nil && found != f {
						return // two candidates: ambiguous
					}
					found = f
				}
			}
		}
		if found == nil || (field != nil && found != field) {
			return
		}
		field = found
	}
	for i := range c.events {
		c.events[i].status = field
		c.events[i].statusValue = c.events[i].ev.Type[strings.LastIndex(c.events[i].ev.Type, ".")+1:]
	}
}

// takenNames lists the package-level names other emitters declare from the
// plan, so a callback cannot silently shadow one of them.
func takenNames(p *Package) map[string]string {
	names := map[string]string{}
	var walk func(s *goStruct)
	walk = func(s *goStruct) {
		names[s.Name] = "struct " + s.Name
		for _, c := range s.Children {
			walk(c)
		}
	}
	for _, s := range p.types().All {
		walk(s)
	}
	for _, e := range p.enums.order {
		names[e.Name] = "enum " + e.Name
		names[e.Name+"Values"] = "enum " + e.Name
		for _, v := range e.Field.Enum {
			names[e.Name+v.Ident()] = "enum " + e.Name
		}
	}
	return names
}

func (c *jsonCallback) emit(g *jen.File) error {
	if err := c.unmarshalJSON(g, c.data); err != nil {
		return err
	}
	c.decodeData(g)
	if c.maxBody != "" {
		doc(g, fmt.Sprintf("%s is the body limit of the %s notification: resource.ciphertext is at most "+
			"%d characters (base64, one byte each), plus notify.EnvelopeMarginBytes for the rest of the envelope.",
			c.maxBody, c.cb.Title, c.maxCT))
		g.Const().Id(c.maxBody).Op("=").Lit(c.maxCT).Op("+").Qual(pkgNotify, "EnvelopeMarginBytes")
		g.Line()
	}
	c.eventTypes(g)
	c.eventDecl(g)
	c.decodeEvent(g)
	c.parseFunc(g)
	c.handlerDecl(g)
	return nil
}

// aliasFields are the fields of s that the doc also spells another way.
func aliasFields(s *goStruct) []*goField {
	var out []*goField
	for _, f := range s.Fields {
		if len(f.Spec.Aliases) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// unmarshalJSON writes an UnmarshalJSON that accepts every alias of a field
// (the doc's mch_id for mchid) in one pass: a wire struct holds the fields
// and the alias members side by side, and notify.MergeAlias folds them in.
func (c *jsonCallback) unmarshalJSON(g *jen.File, s *goStruct) error {
	for _, child := range s.Children {
		if err := c.unmarshalJSON(g, child); err != nil {
			return err
		}
	}
	fields := aliasFields(s)
	if len(fields) == 0 {
		return nil
	}
	var spellings, errata, memberNames []string
	var members []jen.Code
	var merges []jen.Code
	for _, f := range fields {
		if f.Kind == kindObject {
			return fmt.Errorf("%s:%d:%d: callback %s: plaintext.%s: aliases of an object field are not supported",
				f.Spec.Pos.File, f.Spec.Line, f.Spec.Col, c.cb.ID, f.Wire)
		}
		for _, a := range f.Spec.Aliases {
			spellings = append(spellings, a+" for "+f.Wire)
			member := naming.Go(a) + "Alias"
			if slices.Contains(memberNames, member) {
				return fmt.Errorf("%s:%d:%d: callback %s: plaintext.%s: alias %s has the Go name %s of another alias",
					f.Spec.Pos.File, f.Spec.Line, f.Spec.Col, c.cb.ID, f.Wire, a, member)
			}
			memberNames = append(memberNames, member)
			members = append(members, jen.Id(member).Add(f.goType()).Tag(map[string]string{"json": a}))
			merges = append(merges, jen.Qual(pkgNotify, "MergeAlias").Call(
				jen.Lit(f.Wire), jen.Op("&").Id("r").Dot(f.Name), jen.Lit(a), jen.Id("wire").Dot(member)))
		}
		if f.Spec.Erratum != "" && !slices.Contains(errata, f.Spec.Erratum) {
			errata = append(errata, f.Spec.Erratum)
		}
	}
	text := fmt.Sprintf("UnmarshalJSON decodes %s, also accepting the other spellings the doc uses: %s",
		s.Name, strings.Join(spellings, ", "))
	if len(errata) > 0 {
		text += " (see erratum " + strings.Join(errata, ", ") + ")"
	}
	doc(g, text+". Both spellings with different values is a *notify.AliasConflictError.")
	var wireFields []jen.Code
	copyBack := jen.Dict{}
	for _, f := range s.Fields {
		wireFields = append(wireFields, jen.Id(f.Name).Add(f.goType()).Tag(f.tag()))
		copyBack[jen.Id(f.Name)] = jen.Id("wire").Dot(f.Name)
	}
	body := []jen.Code{
		jen.Var().Id("wire").Struct(append(wireFields, members...)...),
		returnErr(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Op("&").Id("wire"))),
		jen.Op("*").Id("r").Op("=").Id(s.Name).Values(copyBack),
	}
	for _, m := range merges[:len(merges)-1] {
		body = append(body, returnErr(m))
	}
	body = append(body, jen.Return(merges[len(merges)-1]))
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(body...)
	g.Line()
	return nil
}

// returnErr is `if err := call; err != nil { return results..., err }`.
func returnErr(call jen.Code, results ...jen.Code) jen.Code {
	return jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(append(results, jen.Err())...))
}

func (c *jsonCallback) decodeData(g *jen.File) {
	doc(g, fmt.Sprintf("%s decodes the decrypted resource of a %s notification and checks every "+
		"documented limit (Validate)%s. Errors are *notify.PlaintextError (errors.Is notify.ErrInvalidPlaintext) "+
		"and never quote the plaintext.", c.decData, c.cb.Title, oneOfText(c.cb)))
	g.Func().Id(c.decData).Params(jen.Id("plaintext").Index().Byte()).Params(jen.Op("*").Id(c.data.Name), jen.Error()).Block(
		jen.Id("d").Op(":=").New(jen.Id(c.data.Name)),
		returnErr(jen.Qual(pkgNotify, "DecodePlaintext").Call(jen.Id("plaintext"), jen.Id("d")), jen.Nil()),
		jen.Return(jen.Id("d"), jen.Nil()),
	)
	g.Line()
}

// oneOfText names the one-of groups: ", including that exactly one of openid, sub_openid is present".
func oneOfText(cb *spec.Callback) string {
	var parts []string
	for _, o := range cb.OneOf {
		parts = append(parts, "exactly one of "+strings.Join(o.Fields, ", ")+" is present")
	}
	if len(parts) == 0 {
		return ""
	}
	return ", including that " + strings.Join(parts, " and ")
}

func (c *jsonCallback) eventTypes(g *jen.File) {
	g.Commentf("Event types (event_type) of the %s notification.", c.cb.Title)
	g.Const().DefsFunc(func(d *jen.Group) {
		for _, e := range c.events {
			d.Comment(oneLine(e.ev.Summary))
			d.Id(e.constant).Op("=").Lit(e.ev.Type)
		}
	})
	g.Line()
}

func (c *jsonCallback) eventDecl(g *jen.File) {
	doc(g, fmt.Sprintf("%s is a verified, decrypted and validated %s notification: %s. Use a type switch.",
		c.iface, c.cb.Title, c.typeList()))
	g.Type().Id(c.iface).Interface(jen.Id(c.marker()).Params())
	g.Line()
	for _, e := range c.events {
		g.Commentf("%s is a %s notification of %s.", e.typ, e.ev.Type, c.cb.Title)
		g.Comment("")
		for _, l := range textLines(e.ev.Summary) {
			g.Comment(l)
		}
		g.Comment(pageDoc(c.cb.File))
		g.Type().Id(e.typ).StructFunc(func(st *jen.Group) {
			for _, l := range wrap("Envelope is the notification as sent: "+c.envelopeText()+
				". Its Resource is still the ciphertext.", docWidth-4) {
				st.Comment(l)
			}
			st.Id("Envelope").Qual(pkgNotify, "Envelope")
			st.Comment("Data is the decrypted resource, validated.")
			st.Id("Data").Id(c.data.Name)
		})
		g.Line()
		g.Func().Params(jen.Op("*").Id(e.typ)).Id(c.marker()).Params().Block()
		g.Line()
	}
}

// envelopeText lists the plain envelope members with their doc titles.
func (c *jsonCallback) envelopeText() string {
	var parts []string
	for _, f := range c.cb.Envelope {
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

func (c *jsonCallback) marker() string { return "is" + c.iface }

func (c *jsonCallback) typeList() string {
	var ts []string
	for _, e := range c.events {
		ts = append(ts, "*"+e.typ)
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
// event type, and hands the event to use.
func (c *jsonCallback) decodeCase(e jsonEvent, failed func() jen.Code, use func(ev jen.Code) jen.Code) []jen.Code {
	code := []jen.Code{
		jen.List(jen.Id("d"), jen.Err()).Op(":=").Id(c.decData).Call(jen.Id("n").Dot("Plaintext")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(failed())),
	}
	if e.status != nil {
		code = append(code, jen.If(
			jen.Err().Op(":=").Qual(pkgNotify, "CheckEventStatus").Call(eventType(), jen.Lit(e.status.Wire),
				jen.Lit(e.statusValue), jen.String().Call(jen.Id("d").Dot(e.status.Name))),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(failed())))
	}
	return append(code, use(jen.Op("&").Id(e.typ).Values(
		jen.Id("Envelope").Op(":").Id("n").Dot("Envelope"),
		jen.Id("Data").Op(":").Op("*").Id("d"),
	)))
}

// statusCheckText says which status field decoders check, if any.
func (c *jsonCallback) statusCheckText() string {
	if len(c.events) == 0 || c.events[0].status == nil {
		return ""
	}
	return " A resource whose " + c.events[0].status.Wire + " contradicts event_type is a *notify.PlaintextError holding a *notify.EventStatusError."
}

func (c *jsonCallback) decodeEvent(g *jen.File) {
	doc(g, fmt.Sprintf("%s decodes a verified notification (from notify.Parser.Parse) by its event_type. "+
		"An event type the spec does not list is a *notify.UnknownEventError (errors.Is notify.ErrUnknownEventType); "+
		"a resource that does not decode or validate is a *notify.PlaintextError.%s", c.decEvent, c.statusCheckText()))
	g.Func().Id(c.decEvent).Params(jen.Id("n").Op("*").Qual(pkgNotify, "Notification")).Params(jen.Id(c.iface), jen.Error()).Block(
		jen.Switch(eventType()).BlockFunc(func(sw *jen.Group) {
			for _, e := range c.events {
				sw.Case(jen.Id(e.constant)).Block(c.decodeCase(e, func() jen.Code { return jen.List(jen.Nil(), jen.Err()) }, func(ev jen.Code) jen.Code {
					return jen.Return(ev, jen.Nil())
				})...)
			}
		}),
		jen.Return(jen.Nil(), unknownEvent(false)),
	)
	g.Line()
}

func (c *jsonCallback) limitText() string {
	if c.maxBody == "" {
		return "The body limit is p's."
	}
	return "The body limit is " + c.maxBody + " (or p's, if lower)."
}

// parser is p, limited to the spec's body size and original_type values
// when it gives them.
func (c *jsonCallback) parser() jen.Code {
	p := jen.Id("p")
	if c.maxBody != "" {
		p = p.Dot("LimitBody").Call(jen.Id(c.maxBody))
	}
	if len(c.originalTypes) > 0 {
		var vs []jen.Code
		for _, v := range c.originalTypes {
			vs = append(vs, jen.Lit(v))
		}
		p = p.Dot("ExpectOriginalType").Call(vs...)
	}
	return p
}

func (c *jsonCallback) retryText() string {
	r := c.cb.Retry
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
	doc(g,
		fmt.Sprintf("%s verifies, decrypts and decodes a %s request, for routers that do not mount an "+
			"http.Handler. %s", c.parse, c.cb.Title, c.limitText()),
		"n is returned once verification and decryption succeeded, also along an error from decoding. "+
			"Answer an error wrapping notify.ErrUnknownEventType with success ("+c.statusText()+", no body) unless you want "+
			"it again: after a failure "+c.retryText()+".",
		fmt.Sprintf("%s does not deduplicate: claim n.Envelope.ID in a dedupe.Store first, as %s does.", c.parse, c.newH))
	g.Func().Id(c.parse).Params(jen.Id("p").Op("*").Qual(pkgNotify, "Parser"), jen.Id("r").Op("*").Qual("net/http", "Request")).
		Params(jen.Id(c.iface), jen.Op("*").Qual(pkgNotify, "Notification"), jen.Error()).Block(
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Add(c.parser()).Dot("Parse").Call(jen.Id("r")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil(), jen.Err())),
		jen.List(jen.Id("ev"), jen.Err()).Op(":=").Id(c.decEvent).Call(jen.Id("n")),
		jen.Return(jen.Id("ev"), jen.Id("n"), jen.Err()),
	)
	g.Line()
}

func (c *jsonCallback) handlerDecl(g *jen.File) {
	doc(g, fmt.Sprintf("%s holds the callbacks of %s, one per event type. Given a dedupe.Store, a "+
		"callback runs once per notification id; return an error to have WeChat deliver the notification again. "+
		"Its context is canceled at the claim's deadline (the store's claim timeout). With a pgstore.Store it runs "+
		"in the store's transaction, pgstore.Tx(ctx): updates made in it commit with the \"processed\" mark.",
		c.handlers, c.newH),
		"Every event type needs a callback unless Default is set, and OnInvalid is required: "+c.newH+
			" refuses to build a handler that would drop a notification.")
	g.Type().Id(c.handlers).StructFunc(func(st *jen.Group) {
		for _, e := range c.events {
			st.Commentf("%s handles %s: %s", e.field, e.ev.Type, oneLine(e.ev.Summary))
			st.Id(e.field).Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("ev").Op("*").Id(e.typ)).Error()
		}
		st.Comment("Default takes verified notifications of an event type whose callback is nil, undecoded.")
		st.Id("Default").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("n").Op("*").Qual(pkgNotify, "Notification")).Error()
		st.Comment("OnInvalid takes verified notifications that break the doc (a resource that does not decode or")
		st.Comment("validate" + map[bool]string{true: ", a status that contradicts event_type", false: ""}[c.events[0].status != nil] +
			", an event type the spec does not list), with the")
		st.Comment("reasons; they are acknowledged once it returns nil. Required.")
		st.Id("OnInvalid").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("inv").Op("*").Qual(pkgNotify, "Invalid")).Error()
	})
	g.Line()

	doc(g, fmt.Sprintf("Dispatch decodes a verified notification by event type and runs its callback; it is the "+
		"notify.Dispatch of %s. An event type without a callback is a *notify.UnknownEventError, whatever its "+
		"resource holds, which the handler hands to h.Default.", c.newH))
	g.Func().Params(jen.Id("h").Id(c.handlers)).Id("Dispatch").
		Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("n").Op("*").Qual(pkgNotify, "Notification")).Error().Block(
		jen.Switch(eventType()).BlockFunc(func(sw *jen.Group) {
			for _, e := range c.events {
				cb := jen.Id("h").Dot(e.field)
				body := []jen.Code{jen.If(cb.Clone().Op("==").Nil()).Block(jen.Return(unknownEvent(true)))}
				body = append(body, c.decodeCase(e, func() jen.Code { return jen.Err() }, func(ev jen.Code) jen.Code {
					return jen.Return(cb.Clone().Call(jen.Id("ctx"), ev))
				})...)
				sw.Case(jen.Id(e.constant)).Block(body...)
			}
		}),
		jen.Return(unknownEvent(false)),
	)
	g.Line()

	doc(g,
		fmt.Sprintf("%s returns the http.Handler for the %s notification, posted to the notify_url:", c.newH, c.cb.Title),
		c.cb.Summary,
		"It is notify.NewEventHandler with h.Dispatch: it verifies the Wechatpay-Signature with p, decrypts the "+
			"resource, claims Envelope.ID in store (nil disables duplicate protection; share one store between "+
			"instances), decodes and validates the resource and runs the callback of its event type. "+c.limitText(),
		"Replies as the doc asks: "+c.successText()+` with no body on success; 4xx or 5xx with {"code":"FAIL","message":"..."} `+
			"on failure, after which "+c.retryText()+". A callback error or panic is a 500 and releases the claim, so "+
			"the next delivery runs it again.",
		"A verified notification of an event type with a nil callback goes to h.Default; one that breaks the doc "+
			"goes to h.OnInvalid. The error (wrapping notify.ErrInvalidConfig) names every callback that is missing "+
			"when h.Default is nil, and says so when h.OnInvalid is nil.",
		pageDoc(c.cb.File))
	g.Func().Id(c.newH).Params(
		jen.Id("p").Op("*").Qual(pkgNotify, "Parser"),
		jen.Id("store").Qual(pkgDedupe, "Store"),
		jen.Id("h").Id(c.handlers),
		jen.Id("opts").Op("...").Qual(pkgNotify, "HandlerOption"),
	).Params(jen.Qual("net/http", "Handler"), jen.Error()).BlockFunc(func(b *jen.Group) {
		if c.only200 {
			// Options apply in order, so the caller's still win.
			b.Id("opts").Op("=").Append(jen.Index().Qual(pkgNotify, "HandlerOption").Values(
				jen.Qual(pkgNotify, "WithSuccessStatus").Call(jen.Qual("net/http", "StatusOK"))), jen.Id("opts").Op("..."))
		}
		b.Return(jen.Qual(pkgNotify, "NewEventHandler").Call(c.parser(), jen.Id("store"), jen.Qual(pkgNotify, "Events").Values(jen.Dict{
			jen.Id("Dispatch"):  jen.Id("h").Dot("Dispatch"),
			jen.Id("Default"):   jen.Id("h").Dot("Default"),
			jen.Id("OnInvalid"): jen.Id("h").Dot("OnInvalid"),
			jen.Id("Routes"): jen.Index().Qual(pkgNotify, "EventRoute").ValuesFunc(func(rs *jen.Group) {
				for _, e := range c.events {
					rs.Values(jen.Dict{
						jen.Id("EventType"): jen.Id(e.constant),
						jen.Id("Callback"):  jen.Lit(e.field),
						jen.Id("Handled"):   jen.Id("h").Dot(e.field).Op("!=").Nil(),
					})
				}
			}),
		}), jen.Id("opts").Op("...")))
	})
	g.Line()
}

// statusText lists the documented success statuses: "200 or 204".
func (c *jsonCallback) statusText() string {
	if c.cb.Ack == nil || len(c.cb.Ack.SuccessStatuses) == 0 {
		return "204"
	}
	var ss []string
	for _, st := range c.cb.Ack.SuccessStatuses {
		ss = append(ss, fmt.Sprint(st))
	}
	return strings.Join(ss, " or ")
}

// successText is the success reply, from the documented statuses.
func (c *jsonCallback) successText() string {
	switch {
	case c.only200:
		return "200"
	case c.cb.Ack != nil && slices.Contains(c.cb.Ack.SuccessStatuses, 200):
		return "200 or 204 (204 unless notify.WithSuccessStatus(200))"
	}
	return "204"
}

func oneLine(s string) string { return strings.Join(textLines(s), " ") }

// docWidth is where generated doc comments wrap.
const docWidth = 100

// doc writes paragraphs as one doc comment, each wrapped at docWidth and
// separated by an empty comment line.
func doc(g *jen.File, paragraphs ...string) {
	for i, para := range paragraphs {
		if i > 0 {
			g.Comment("")
		}
		for _, l := range wrap(para, docWidth) {
			g.Comment(l)
		}
	}
}

// wrap breaks s at spaces into lines of at most width bytes where it can;
// explicit newlines are kept. Chinese text has no spaces and stays whole.
func wrap(s string, width int) []string {
	var out []string
	for _, para := range textLines(s) {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case len(line)+1+len(w) > width:
				out = append(out, line)
				line = w
			default:
				line += " " + w
			}
		}
		out = append(out, line)
	}
	return out
}
