// Package wxtime holds the time formats of the WeChat Pay docs: compact
// yyyyMMddHHmmss China time (e.g. openorclose_time) and RFC 3339 (e.g.
// authorization_success_time). Both decode the empty JSON string as the zero
// time and encode the zero time as "", because WeChat sends "" for unset
// times.
package wxtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// ChinaTimeLayout is yyyyMMddHHmmss as a Go layout.
const ChinaTimeLayout = "20060102150405"

// China is China Standard Time, UTC+8 all year (no DST). A fixed zone needs no
// tzdata on the host.
var China = time.FixedZone("CST", 8*3600)

// ChinaTime is a time written as yyyyMMddHHmmss in China time, e.g.
// "20180225112233".
type ChinaTime struct{ time.Time }

// ParseChinaTime parses yyyyMMddHHmmss (exactly 14 digits) as China time.
func ParseChinaTime(s string) (ChinaTime, error) {
	if len(s) != len(ChinaTimeLayout) {
		return ChinaTime{}, formatError("yyyyMMddHHmmss", s)
	}
	t, err := time.ParseInLocation(ChinaTimeLayout, s, China)
	if err != nil {
		return ChinaTime{}, formatError("yyyyMMddHHmmss", s)
	}
	return ChinaTime{t}, nil
}

// String returns yyyyMMddHHmmss in China time, or "" for the zero time.
func (t ChinaTime) String() string {
	if t.IsZero() {
		return ""
	}
	return t.In(China).Format(ChinaTimeLayout)
}

// MarshalJSON encodes a JSON string; the zero time becomes "".
func (t ChinaTime) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, t.String()), nil
}

// UnmarshalJSON decodes a JSON string; "" and null give the zero time.
func (t *ChinaTime) UnmarshalJSON(b []byte) error {
	s, isNull, err := jsonString(b, "yyyyMMddHHmmss")
	if err != nil || isNull {
		return err
	}
	if s == "" {
		*t = ChinaTime{}
		return nil
	}
	v, err := ParseChinaTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// RFC3339 is a time written in RFC 3339, e.g. "2015-05-20T13:29:35+08:00".
// The offset it was parsed with is kept and written back.
type RFC3339 struct{ time.Time }

// ParseRFC3339 parses an RFC 3339 time (fractional seconds allowed).
func ParseRFC3339(s string) (RFC3339, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return RFC3339{}, formatError("RFC 3339", s)
	}
	return RFC3339{t}, nil
}

// String returns the time in RFC 3339 to the second (the precision WeChat
// uses; fractions are dropped), or "" for the zero time.
func (t RFC3339) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// MarshalJSON encodes a JSON string as String does; the zero time becomes "".
func (t RFC3339) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, t.String()), nil
}

// UnmarshalJSON decodes a JSON string; "" and null give the zero time.
func (t *RFC3339) UnmarshalJSON(b []byte) error {
	s, isNull, err := jsonString(b, "RFC 3339")
	if err != nil || isNull {
		return err
	}
	if s == "" {
		*t = RFC3339{}
		return nil
	}
	v, err := ParseRFC3339(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// jsonString decodes a JSON string token. null leaves the value untouched,
// as encoding/json does for other types.
func jsonString(b []byte, format string) (s string, isNull bool, err error) {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return "", true, nil
	}
	if len(b) == 0 || b[0] != '"' {
		return "", false, errors.New("wxtime: " + format + " time must be a JSON string")
	}
	if plain, ok := plainJSONString(b); ok {
		return plain, false, nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return "", false, errors.New("wxtime: " + format + " time must be a JSON string")
	}
	return s, false, nil
}

// plainJSONString reads a quoted JSON string of printable ASCII without
// escapes, as every time WeChat sends is, without the cost of a JSON
// decoder; anything else is left to json.Unmarshal.
func plainJSONString(b []byte) (string, bool) {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	for _, c := range inner {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(inner), true
}

// formatError describes a bad value by its length only: inputs come from the
// network and are not echoed into logs.
func formatError(format, s string) error {
	return errors.New("wxtime: not a valid " + format + " time (" + strconv.Itoa(len(s)) + " bytes)")
}
