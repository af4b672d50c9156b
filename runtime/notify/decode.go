package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Helpers for generated decoders of the decrypted resource. They keep the
// generated code to a list of fields; the rules live here, tested once.

// ErrInvalidPlaintext is wrapped (through a *PlaintextError) by
// DecodePlaintext errors: the decrypted resource is not JSON of the
// documented shape, spells one field two ways with different values, or
// breaks a documented limit.
var ErrInvalidPlaintext = errors.New("notify: invalid decrypted resource")

// PlaintextError reports a decrypted resource that could not be accepted.
// errors.Is matches ErrInvalidPlaintext; errors.As reaches the cause, e.g.
// a *validate.Errors or an *AliasConflictError. Its text never quotes the
// plaintext.
type PlaintextError struct {
	Err error
}

func (e *PlaintextError) Error() string { return ErrInvalidPlaintext.Error() + ": " + e.Err.Error() }

// Unwrap returns ErrInvalidPlaintext and the cause.
func (e *PlaintextError) Unwrap() []error { return []error{ErrInvalidPlaintext, e.Err} }

// PublicMessage is the message NewHandler sends to WeChat with the failure.
func (e *PlaintextError) PublicMessage() string { return "invalid notification data" }

// DecodePlaintext unmarshals the JSON plaintext into v and then runs
// v.Validate. Unknown members are ignored, since WeChat adds members over
// time; invalid UTF-8, unpaired surrogate escapes and member names repeated
// exactly or up to case are refused. Errors are *PlaintextError.
//
// encoding/json errors are rewritten without the input (a type error names
// the member and the JSON kind only); other errors from UnmarshalJSON
// methods are kept as they are, so v must only hold types whose errors do
// not quote their input (the generated types, package wxtime).
func DecodePlaintext(plaintext []byte, v interface{ Validate() error }) error {
	// The same strictness as the envelope: the MAC covers bytes, and a
	// repeated or case-variant member would be read one way here and
	// maybe another elsewhere.
	if err := CheckStrictJSON(plaintext); err != nil {
		return &PlaintextError{Err: err}
	}
	var err error
	if u, ok := v.(json.Unmarshaler); ok {
		// Straight to the type's own decoder: json.Unmarshal would first
		// scan the whole plaintext once more only to hand it over.
		err = u.UnmarshalJSON(plaintext)
	} else {
		err = json.Unmarshal(plaintext, v)
	}
	if err != nil {
		return &PlaintextError{Err: safeJSONError(err)}
	}
	if err := v.Validate(); err != nil {
		return &PlaintextError{Err: err}
	}
	return nil
}

// safeJSONError describes an encoding/json error without the bytes it
// quotes: a SyntaxError names the character, an UnmarshalTypeError may carry
// the number ("number 1e999").
func safeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte offset %d", syn.Offset)
	case errors.As(err, &typ):
		kind, _, _ := strings.Cut(typ.Value, " ")
		if typ.Field == "" {
			return fmt.Errorf("the value must not be a JSON %s", kind)
		}
		return fmt.Errorf("field %q must not be a JSON %s", clip(typ.Field, 64), kind)
	}
	// The rest are value-free: *json.InvalidUnmarshalError (a programming
	// error) and the errors of UnmarshalJSON methods.
	return err
}

// AliasConflictError reports a member sent under two spellings the doc uses
// for one field (mchid and mch_id) with different values. The values are
// not included.
type AliasConflictError struct {
	Name  string // the spelling of the field table, e.g. "mchid"
	Alias string // the other spelling, e.g. "mch_id"
}

func (e *AliasConflictError) Error() string {
	return "fields " + strconv.Quote(e.Name) + " and " + strconv.Quote(e.Alias) +
		" are two spellings of one field and must not differ"
}

// MergeAlias folds the value read under an alias (aliasValue, from the
// member alias) into the value read under the field's name (*v, from the
// member name). A zero value counts as absent, as in Validate: the alias
// fills an absent field, and two present values must be equal, otherwise
// the error is an *AliasConflictError. Generated UnmarshalJSON methods call
// it once per alias.
func MergeAlias[T comparable](name string, v *T, alias string, aliasValue T) error {
	var zero T
	switch {
	case aliasValue == zero:
	case *v == zero:
		*v = aliasValue
	case *v != aliasValue:
		return &AliasConflictError{Name: name, Alias: alias}
	}
	return nil
}

// EventStatusError reports a decrypted resource whose status field
// contradicts the envelope's event_type (a USER_CLOSE_SERVICE status in a
// PAYSCORE.USER_OPEN_SERVICE notification). Generated decoders return it
// inside a *PlaintextError.
type EventStatusError struct {
	EventType string // envelope event_type
	Field     string // e.g. "user_service_status"
	Want, Got string // documented status for EventType, and the one sent
}

func (e *EventStatusError) Error() string {
	return "event_type " + strconv.Quote(clip(e.EventType, 64)) + " needs " + e.Field + " " + strconv.Quote(e.Want) +
		", got " + strconv.Quote(clip(e.Got, 64))
}

// CheckEventStatus returns a *PlaintextError holding an *EventStatusError
// when got, the resource's field, is not want, the status documented for
// eventType; nil otherwise.
func CheckEventStatus(eventType, field, want, got string) error {
	if got == want {
		return nil
	}
	return &PlaintextError{Err: &EventStatusError{EventType: eventType, Field: field, Want: want, Got: got}}
}

// UnknownEventError is what generated dispatchers return for an event type
// they have no callback for. It wraps ErrUnknownEventType, so the handler
// runs its default handler or, for an event type the spec does not list,
// its OnInvalid hook (see NewEventHandler and WithUnknownEventStatus).
type UnknownEventError struct {
	EventType string
	// NoCallback is true when the event type is documented but the callback
	// for it was left nil.
	NoCallback bool
}

func (e *UnknownEventError) Error() string {
	et := strconv.Quote(clip(e.EventType, 64))
	if e.NoCallback {
		return "notify: no callback for event type " + et
	}
	return "notify: unknown event type " + et
}

// Unwrap returns ErrUnknownEventType.
func (e *UnknownEventError) Unwrap() error { return ErrUnknownEventType }
