package ir

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// Callback is a notification the package receives.
type Callback struct {
	Spec *spec.Callback
	Name string // Go name stem: AuthorizationNotify
	// Data is the plaintext struct (the decrypted resource or the form
	// fields); nil when every event carries its own.
	Data *Struct
	JSON *JSONCallback // APIv3 callbacks (encoding json)
	Form *FormNotify   // MD5-signed form callbacks
}

// JSONCallback holds the names generated for an APIv3 callback, so every
// declaration refers to the others by the same name.
type JSONCallback struct {
	Iface      string // AuthorizationNotifyEvent
	DecEvent   string // DecodeAuthorizationNotifyEvent
	Parse      string // ParseAuthorizationNotify
	Handlers   string // AuthorizationNotifyHandlers
	NewHandler string // NewAuthorizationNotifyHandler
	MaxBody    string // AuthorizationNotifyMaxBodyBytes, "" without a ciphertext limit
	MaxCT      int    // resource.ciphertext max_length
	Only200    bool   // the doc accepts 200 but not the runtime's default 204
	// OriginalTypes are the documented resource.original_type values; the
	// parser refuses any other.
	OriginalTypes []string
	Events        []*Event
	// Decoders are the data structs with a Decode function, each once.
	Decoders []*Decoder
}

// Event is one event_type of an APIv3 callback.
type Event struct {
	Spec    *spec.Event
	Const   string // UserOpenServiceEventType
	Type    string // UserOpenServiceEvent
	Field   string // OnUserOpenService
	Decoder *Decoder
	// Status is the plaintext enum field that states the event again
	// (user_service_status), and StatusValue its value for this event; nil
	// when the callback has none (see matchStatuses).
	Status      *Field
	StatusValue string
}

// Decoder is Decode<Data>: plaintext to a validated struct.
type Decoder struct {
	Name string
	Data *Struct
	// OneOf describes the exactly-one rules it checks, for its doc.
	OneOf []string
}

// AliasMember is another spelling of a field the doc uses (mch_id for
// mchid), accepted when decoding JSON.
type AliasMember struct {
	Field  *Field
	Alias  string
	Member string // the Go name of the wire struct member holding it
}

// FormNotify is the handler plan of an MD5-signed form callback.
type FormNotify struct {
	Lookup, Handler string
	ID              *Field // the dedupe id (order number)
	OutTradeNo      *Field // the merchant's order number, for the lookup's doc
	MchID, Amount   *Field
	// Status says whether the payment succeeded, SuccessValue its value
	// for success; nil when the plaintext has no status field.
	Status       *Field
	SuccessValue string
	Deadline     time.Duration
}

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

// handlerFields are the members of every <Callback>Handlers struct besides
// the per-event callbacks; an event's On<Event> must not collide with them.
var handlerFields = []string{"Default", "OnInvalid"}

func (pkg *Package) callback(cb *spec.Callback) {
	c := &Callback{Spec: cb, Name: cb.Ident()}
	what := "callback " + cb.ID
	if len(cb.Plaintext) > 0 {
		c.Data = pkg.newStruct(cb.Pos, c.Name+"Data", append([]string{
			fmt.Sprintf("%sData is the content of the %s notification (%s).", c.Name, cb.Title, dataWord(cb))},
			paragraphs(cb.Summary)...), cb.File)
		rules := append(oneOfRules(cb.OneOf), cb.Rules...)
		pkg.fill(c.Data, cb.Plaintext, rules, "plaintext")
		pkg.addStruct(c.Data)
	}
	switch cb.Encoding {
	case "json":
		c.JSON = pkg.jsonCallback(c, what)
	case "form":
		c.Form = pkg.formNotify(c, what)
	}
	pkg.Callbacks = append(pkg.Callbacks, c)
}

// oneOfRules turns the callback's one_of groups into exactly_one_of rules.
func oneOfRules(groups []*spec.OneOf) []*spec.Rule {
	var out []*spec.Rule
	for _, g := range groups {
		out = append(out, &spec.Rule{Pos: g.Pos, ExactlyOneOf: g.Fields, Description: g.Description})
	}
	return out
}

func dataWord(cb *spec.Callback) string {
	if cb.Encoding == "form" {
		return "its form fields"
	}
	return "the decrypted resource"
}

func (pkg *Package) jsonCallback(c *Callback, what string) *JSONCallback {
	cb := c.Spec
	j := &JSONCallback{
		Iface:      c.Name + "Event",
		DecEvent:   "Decode" + c.Name + "Event",
		Parse:      "Parse" + c.Name,
		Handlers:   c.Name + "Handlers",
		NewHandler: "New" + c.Name + "Handler",
	}
	if a := cb.Ack; a != nil {
		if a.SuccessBody != "" {
			pkg.problem(a.At("success_body"), "%s: ack.success_body %q: APIv3 callbacks answer with no body", what, a.SuccessBody)
		}
		for _, st := range a.SuccessStatuses {
			if st != 200 && st != 204 {
				pkg.problem(a.At("success_statuses"), "%s: ack.success_statuses: runtime/notify answers 200 or 204, not %d", what, st)
			}
		}
		j.Only200 = len(a.SuccessStatuses) > 0 && !slices.Contains(a.SuccessStatuses, 204)
	}
	if res := spec.FieldNamed(cb.Envelope, "resource"); res != nil {
		if ct := spec.FieldNamed(res.Members(), "ciphertext"); ct != nil && ct.MaxLength != nil {
			j.MaxBody, j.MaxCT = c.Name+"MaxBodyBytes", *ct.MaxLength
		}
		if ot := spec.FieldNamed(res.Members(), "original_type"); ot != nil {
			for _, v := range ot.Enum {
				j.OriginalTypes = append(j.OriginalTypes, v.Value)
			}
		}
	}
	fields := map[string]bool{}
	for _, f := range handlerFields {
		fields[f] = true
	}
	pkg.claim(cb.At("id"), what, j.Iface, j.DecEvent, j.Parse, j.Handlers, j.NewHandler, j.MaxBody, "is"+j.Iface)
	decoderOf := func(s *Struct, oneOf []string) *Decoder {
		for _, d := range j.Decoders {
			if d.Data == s {
				return d
			}
		}
		d := &Decoder{Name: "Decode" + s.Name, Data: s, OneOf: oneOf}
		pkg.claim(cb.At("id"), what, d.Name)
		pkg.aliases(s, what)
		j.Decoders = append(j.Decoders, d)
		return d
	}
	for _, ev := range cb.Events {
		e := &Event{Spec: ev, Const: ev.Ident() + "EventType", Type: ev.Ident() + "Event", Field: "On" + ev.Ident()}
		evWhat := what + " event " + ev.Type
		switch {
		case ev.Plaintext != nil:
			s := pkg.newStruct(ev.Pos, ev.Ident()+"Data", append([]string{
				fmt.Sprintf("%sData is the content of a %s notification of %s (the decrypted resource).", ev.Ident(), ev.Type, cb.Title)},
				paragraphs(ev.Summary)...), cb.File)
			pkg.fill(s, ev.Plaintext, ev.Rules, "event "+ev.Type+" plaintext")
			pkg.addStruct(s)
			e.Decoder = decoderOf(s, oneOfText(ev.Rules))
		case c.Data != nil:
			if len(ev.Rules) > 0 {
				pkg.problem(ev.At("rules"), "%s: rules of an event apply to its own plaintext; give the event a plaintext or move the rules to the callback", evWhat)
			}
			e.Decoder = decoderOf(c.Data, oneOfText(append(oneOfRules(cb.OneOf), cb.Rules...)))
		default:
			continue // the loader reported it
		}
		pkg.claim(ev.Pos, evWhat, e.Const, e.Type)
		if fields[e.Field] {
			pkg.problem(ev.Pos, "%s: the callback field %s.%s is already used; set go_name", evWhat, j.Handlers, e.Field)
		}
		fields[e.Field] = true
		j.Events = append(j.Events, e)
	}
	matchStatuses(j.Events)
	return j
}

// matchStatuses finds the plaintext field that states the event again: an
// enum field with, for every event type, the value its last dotted part
// names (PAYSCORE.USER_OPEN_SERVICE and user_service_status
// USER_OPEN_SERVICE, both documented as 授权成功). Decoders then refuse a
// resource whose status contradicts its event_type. Without one field that
// matches every event, no check is generated.
func matchStatuses(events []*Event) {
	var field *Field
	for _, e := range events {
		word := lastDotted(e.Spec.Type)
		var found *Field
		for _, f := range e.Decoder.Data.Fields {
			if f.Type.Kind != Enum {
				continue
			}
			for _, v := range f.Type.EnumT.Values() {
				if v.Value == word {
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
	for _, e := range events {
		e.Status, e.StatusValue = field, lastDotted(e.Spec.Type)
	}
}

func lastDotted(s string) string { return s[strings.LastIndex(s, ".")+1:] }

// oneOfText describes the exactly-one rules: "exactly one of openid, sub_openid is present".
func oneOfText(rules []*spec.Rule) []string {
	var out []string
	for _, r := range rules {
		if r.ExactlyOneOf != nil {
			out = append(out, "exactly one of "+strings.Join(r.ExactlyOneOf, ", ")+" is present")
		}
	}
	return out
}

// aliases plans the alias members of s and its children (JSON decoding of
// callback plaintexts accepts every spelling the doc uses).
func (pkg *Package) aliases(s *Struct, what string) {
	for _, child := range s.Children {
		pkg.aliases(child, what)
	}
	if s.Aliases != nil {
		return
	}
	members := map[string]bool{}
	for _, f := range s.Fields {
		if f.Spec == nil {
			continue
		}
		for _, a := range f.Spec.Aliases {
			if !f.Type.Flat() && f.Type.Kind != RFC3339 && f.Type.Kind != ChinaTime {
				pkg.problem(f.Spec.At("aliases"), "%s: %s.%s: aliases of an object or array field are not supported", what, s.Name, f.Wire)
				break
			}
			m := AliasMember{Field: f, Alias: a, Member: naming.Go(a) + "Alias"}
			if members[m.Member] {
				pkg.problem(f.Spec.At("aliases"), "%s: %s.%s: alias %s has the Go name %s of another alias", what, s.Name, f.Wire, a, m.Member)
				continue
			}
			members[m.Member] = true
			s.Aliases = append(s.Aliases, m)
		}
	}
	if s.Aliases == nil {
		s.Aliases = []AliasMember{}
	}
}

func roleField(s *Struct, names []string, kind Kind) *Field {
	for _, name := range names {
		if f := s.FieldNamed(name); f != nil && f.Type.Kind == kind {
			return f
		}
	}
	return nil
}

func (pkg *Package) formNotify(c *Callback, what string) *FormNotify {
	cb, s := c.Spec, c.Data
	if s == nil {
		return nil
	}
	if cb.Signature != "MD5" {
		pkg.problem(cb.At("signature"), "%s: form callbacks must be MD5-signed, not %s", what, cb.Signature)
	}
	pkg.flat(s, cb.Pos, what+" plaintext")
	fn := &FormNotify{
		Lookup: c.Name + "Lookup", Handler: "New" + c.Name + "Handler",
		ID:     roleField(s, notifyIDFields, String),
		MchID:  roleField(s, notifyMchIDFields, String),
		Amount: roleField(s, notifyAmountFields, Int),
	}
	if fn.ID == nil || fn.MchID == nil || fn.Amount == nil {
		pkg.problem(cb.At("plaintext"), "%s: a form notify needs string fields %s (order number), %s (merchant number) and integer %s (amount)",
			what, strings.Join(notifyIDFields, "|"), strings.Join(notifyMchIDFields, "|"), strings.Join(notifyAmountFields, "|"))
		return nil
	}
	if fn.Status = roleField(s, notifyStatusFields, String); fn.Status != nil {
		fn.SuccessValue = notifySuccessValue
	}
	fn.OutTradeNo = s.FieldNamed("out_trade_no")
	if fn.OutTradeNo == nil {
		fn.OutTradeNo = fn.ID
	}
	if cb.Ack != nil {
		if !slices.Contains(cb.Ack.SuccessStatuses, 200) {
			pkg.problem(cb.Ack.At("success_statuses"), "%s: ack.success_statuses must include 200, the status the handler answers", what)
		}
		if cb.Ack.Deadline != "" {
			fn.Deadline, _ = time.ParseDuration(cb.Ack.Deadline) // the loader checked it
		}
	}
	pkg.claim(cb.At("id"), what, fn.Lookup, fn.Handler)
	return fn
}
