package validate

import (
	"strconv"
	"strings"
)

// FieldError is one violation: the JSON path of the field and a typed leaf
// error (one of the *…Error types of this package, or any error given to
// [Collector.Add]).
type FieldError struct {
	Path string
	Err  error
}

// Error returns "path: leaf message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

// Unwrap returns the leaf error so errors.As reaches it.
func (e *FieldError) Unwrap() error { return e.Err }

// Errors lists every violation found in one value of type Type.
type Errors struct {
	Type   string // Go type that was validated, e.g. "payscore.ApplyPermissionsRequest"
	Fields []*FieldError

	first [8]*FieldError // backs Fields while a Collector fills it: one allocation for both
}

// Error returns "Type: N invalid fields: path: msg; path: msg".
func (e *Errors) Error() string {
	var b strings.Builder
	if e.Type != "" {
		b.WriteString(e.Type)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(len(e.Fields)))
	if len(e.Fields) == 1 {
		b.WriteString(" invalid field: ")
	} else {
		b.WriteString(" invalid fields: ")
	}
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns the field errors, so errors.As reaches both *FieldError and
// the leaf errors below them.
func (e *Errors) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// Leaf errors. Their messages carry lengths, limits and indices only: never
// the value itself, which may be personal data or a credential.

// RequiredError reports a required field that is absent or empty.
type RequiredError struct{}

func (*RequiredError) Error() string { return "required" }

// MinLengthError reports a string shorter than Min characters (runes).
type MinLengthError struct{ Min, Length int }

func (e *MinLengthError) Error() string {
	return "too short: " + strconv.Itoa(e.Length) + " characters, minimum " + strconv.Itoa(e.Min)
}

// MaxLengthError reports a string longer than Max characters (runes).
type MaxLengthError struct{ Max, Length int }

func (e *MaxLengthError) Error() string {
	return "too long: " + strconv.Itoa(e.Length) + " characters, maximum " + strconv.Itoa(e.Max)
}

// EnumError reports a value that is not one of Allowed. Length is the
// value's length in characters. Allowed is the rule's own list: read it,
// do not modify its elements.
type EnumError struct {
	Allowed []string
	Length  int
}

func (e *EnumError) Error() string {
	return "not one of the allowed values [" + strings.Join(e.Allowed, ", ") + "] (got " +
		strconv.Itoa(e.Length) + " characters)"
}

// PatternError reports a value that does not match the field's pattern.
// Index is the rune index of the first character that does not match the
// pattern on its own, or -1 when every character is allowed but the value
// as a whole still does not match (a structural pattern).
type PatternError struct {
	Description string // human text, e.g. "digits, letters and _-|*"
	Index       int
}

func (e *PatternError) Error() string {
	if e.Index < 0 {
		return "does not match the allowed form: " + e.Description
	}
	return "character at index " + strconv.Itoa(e.Index) + " is not allowed: only " + e.Description
}

// FourByteUTF8Error reports a character outside the Basic Multilingual Plane
// (4 bytes in UTF-8, e.g. an emoji), which WeChat Pay APIv3 rejects in many
// fields. Index is its rune index.
type FourByteUTF8Error struct{ Index int }

func (e *FourByteUTF8Error) Error() string {
	return "4-byte UTF-8 character (e.g. emoji) at index " + strconv.Itoa(e.Index) + " is not allowed"
}

// InvalidUTF8Error reports bytes that are not valid UTF-8, starting at
// ByteOffset.
type InvalidUTF8Error struct{ ByteOffset int }

func (e *InvalidUTF8Error) Error() string {
	return "invalid UTF-8 at byte offset " + strconv.Itoa(e.ByteOffset)
}

// MinimumError reports an integer below Min. Value is kept for programs but
// left out of the message.
type MinimumError struct{ Min, Value int64 }

func (e *MinimumError) Error() string {
	return "below minimum " + strconv.FormatInt(e.Min, 10)
}

// MaximumError reports an integer above Max. Value is kept for programs but
// left out of the message.
type MaximumError struct{ Max, Value int64 }

func (e *MaximumError) Error() string {
	return "above maximum " + strconv.FormatInt(e.Max, 10)
}

// OneOfError reports that not exactly one of Fields is present. Present
// lists the fields that were set (empty when none was).
type OneOfError struct {
	Fields  []string
	Present []string
}

func (e *OneOfError) Error() string {
	msg := "exactly one of " + strings.Join(e.Fields, ", ") + " must be set, "
	if len(e.Present) == 0 {
		return msg + "got none"
	}
	return msg + "got " + strconv.Itoa(len(e.Present)) + ": " + strings.Join(e.Present, ", ")
}

// FormatError reports a string that is not in Format (see the Format*
// constants). Length is the value's length in characters.
type FormatError struct {
	Format string
	Length int
}

func (e *FormatError) Error() string {
	msg := "not a valid " + e.Format + " value (got " + strconv.Itoa(e.Length) + " characters"
	if ex := formatExample(e.Format); ex != "" {
		msg += ", want e.g. " + ex
	}
	return msg + ")"
}

// FormatsError reports a string in none of Formats and not one of Literals.
type FormatsError struct {
	Formats  []string
	Literals []string
	Length   int
}

func (e *FormatsError) Error() string {
	want := append(append([]string(nil), e.Formats...), e.Literals...)
	return "not a valid " + strings.Join(want, " or ") + " value (got " + strconv.Itoa(e.Length) + " characters)"
}

// MinItemsError reports an array with fewer items than Min.
type MinItemsError struct{ Min, Items int }

func (e *MinItemsError) Error() string {
	return "too few items: " + strconv.Itoa(e.Items) + ", minimum " + strconv.Itoa(e.Min)
}

// MaxItemsError reports an array with more items than Max.
type MaxItemsError struct{ Max, Items int }

func (e *MaxItemsError) Error() string {
	return "too many items: " + strconv.Itoa(e.Items) + ", maximum " + strconv.Itoa(e.Max)
}

// AtMostOneOfError reports that more than one of Fields is present.
type AtMostOneOfError struct {
	Fields  []string
	Present []string
}

func (e *AtMostOneOfError) Error() string {
	return "at most one of " + strings.Join(e.Fields, ", ") + " may be set, got " +
		strconv.Itoa(len(e.Present)) + ": " + strings.Join(e.Present, ", ")
}

// RequiredWithError reports a field that is required because When is set.
type RequiredWithError struct{ When string }

func (e *RequiredWithError) Error() string { return "required when " + e.When + " is set" }

// SumError reports an amount that is not the sum of its terms.
type SumError struct {
	Terms       string
	Value, Want int64
}

func (e *SumError) Error() string {
	return "must equal " + e.Terms // amounts are values: not in the message
}
