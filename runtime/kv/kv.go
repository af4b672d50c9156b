// Package kv reads flat key-value data: form-encoded bodies and top-level
// JSON objects become a map[string]string, and [Decoder] reads typed fields
// from it. Generated code uses it for jump return data, the form/MD5 notify
// and form/MD5 API responses, where every value is signed and checked as the
// text that was received.
//
// Errors carry field names, positions and lengths, never values: a value
// may be personal data or a credential.
package kv

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/payscoregen/payscoregen/runtime/validate"
)

// ErrNotObject is returned by [ParseJSONObject] for JSON that is not an object.
var ErrNotObject = errors.New("kv: JSON value is not an object")

// RepeatedKeyError reports a key that appears twice. Such input is refused:
// whichever copy a reader picks, a signature may cover the other one.
type RepeatedKeyError struct{ Key string }

func (e *RepeatedKeyError) Error() string {
	return "kv: key " + strconv.Quote(e.Key) + " appears more than once"
}

// SyntaxError reports malformed input. It says where, not what was there.
type SyntaxError struct {
	Format string // "form" or "JSON"
	Offset int64  // byte offset, -1 when unknown
}

func (e *SyntaxError) Error() string {
	if e.Offset < 0 {
		return "kv: malformed " + e.Format
	}
	return "kv: malformed " + e.Format + " near byte " + strconv.FormatInt(e.Offset, 10)
}

// ParseForm parses an application/x-www-form-urlencoded body. Keys that
// appear twice are refused with a *RepeatedKeyError.
func ParseForm(body []byte) (map[string]string, error) {
	out := map[string]string{}
	for pair := range strings.SplitSeq(string(body), "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, &SyntaxError{Format: "form", Offset: -1}
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, &SyntaxError{Format: "form", Offset: -1}
		}
		if _, dup := out[key]; dup {
			return nil, &RepeatedKeyError{Key: key}
		}
		out[key] = val
	}
	return out, nil
}

// ParseJSONObject flattens a JSON object: strings as they are, numbers as
// their literal text ("100", "0"), booleans as "true"/"false", nested objects
// and arrays as compact JSON text; null members are left out. Repeated keys
// are refused with a *RepeatedKeyError, anything but one object with
// ErrNotObject or a *SyntaxError.
func ParseJSONObject(data []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, ErrNotObject
	}
	out := map[string]string{}
	seen := map[string]bool{} // includes null members, so a repeat is still caught
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(dec, err)
		}
		key, _ := tok.(string) // object keys are always strings
		if seen[key] {
			return nil, &RepeatedKeyError{Key: key}
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(dec, err)
		}
		v, present, err := flatten(raw)
		if err != nil {
			return nil, syntaxError(dec, err)
		}
		if present {
			out[key] = v
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxError(dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &SyntaxError{Format: "JSON", Offset: dec.InputOffset()}
	}
	return out, nil
}

func flatten(raw json.RawMessage) (value string, present bool, err error) {
	switch raw[0] {
	case 'n':
		return "", false, nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, err
		}
		return s, true, nil
	case '{', '[':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return "", false, err
		}
		return b.String(), true, nil
	}
	// Numbers and booleans: their literal text.
	return string(raw), true, nil
}

func syntaxError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Format: "JSON", Offset: se.Offset}
	}
	return &SyntaxError{Format: "JSON", Offset: dec.InputOffset()}
}

// TypeError reports a value that is not of the field's type.
type TypeError struct {
	Want   string // "integer" or "boolean"
	Length int    // length of the received text in characters
}

func (e *TypeError) Error() string {
	return "not a valid " + e.Want + " (got " + strconv.Itoa(e.Length) + " characters)"
}

// Decoder reads typed fields from a flat map and collects every failure.
// Strings need no decoding: generated code reads them from the map directly.
type Decoder struct {
	fields []*validate.FieldError
}

// Int returns the decimal integer under name, 0 when it is absent or empty.
func (d *Decoder) Int(m map[string]string, name string) int64 {
	s := m[name]
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		d.fields = append(d.fields, &validate.FieldError{Path: name, Err: &TypeError{Want: "integer", Length: validate.RuneCount(s)}})
		return 0
	}
	return n
}

// Bool returns the boolean under name ("true" or "false"; "1" and "0" are
// accepted too), false when it is absent or empty.
func (d *Decoder) Bool(m map[string]string, name string) bool {
	s := m[name]
	if s == "" {
		return false
	}
	switch s {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	d.fields = append(d.fields, &validate.FieldError{Path: name, Err: &TypeError{Want: "boolean", Length: validate.RuneCount(s)}})
	return false
}

// Err returns nil, or a *validate.Errors for typeName listing every field
// that could not be decoded.
func (d *Decoder) Err(typeName string) error {
	if len(d.fields) == 0 {
		return nil
	}
	return &validate.Errors{Type: typeName, Fields: d.fields}
}

// FormatInt is the wire text of an integer field: decimal, and "" for 0 so
// that an unset field is left out of signatures and query strings, like an
// empty string.
func FormatInt(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}
