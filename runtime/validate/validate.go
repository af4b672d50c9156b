// Package validate checks field values for generated Validate methods.
//
// Generated code declares one rule per field as a package-level variable and
// feeds every field to a [Collector] held on the stack; the collector keeps
// every violation (not just the first) with its JSON path and a typed leaf
// error, and [Collector.Err] returns them together as an [*Errors]:
//
//	var ruleServiceID = &validate.StringRule{Required: true, MinLength: 1, MaxLength: 32}
//
//	func (r *CompleteRequest) Validate() error {
//		var c validate.Collector
//		r.ValidateInto(&c)
//		return c.Err("acquiringbank.CompleteRequest")
//	}
//
//	func (r *CompleteRequest) ValidateInto(c *validate.Collector) {
//		c.String("service_id", r.ServiceID, ruleServiceID)
//		for i := range r.PostPayments {
//			c.EnterItem("post_payments", i) // paths below: post_payments[i].…
//			r.PostPayments[i].ValidateInto(c)
//			c.Leave()
//		}
//	}
//
// Lengths are counted in characters (runes), as the WeChat Pay docs mean by
// string[a,b]. Checking a valid value allocates nothing; a violation costs
// about one allocation, at any depth. Error messages never contain the
// value, only lengths, limits and indices.
package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Formats understood by [StringRule].Format.
const (
	// FormatRFC3339 is "2015-05-20T13:29:35+08:00" (fraction optional, Z or
	// ±hh:mm offset). Everything it accepts also parses with
	// time.Parse(time.RFC3339, s).
	FormatRFC3339 = "rfc3339"
	// FormatChinaTime is yyyyMMddHHmmss, exactly 14 digits forming a real
	// calendar date and time, e.g. "20180225112233".
	FormatChinaTime = "yyyyMMddHHmmss"
	// FormatUnixSeconds is a Unix time in seconds: 1 to 10 ASCII digits, no
	// sign. Ten digits cover dates up to 2286 and reject millisecond
	// timestamps (13 digits), a common mistake.
	FormatUnixSeconds = "unix_seconds"
	// FormatChinaDate is yyyyMMdd, exactly 8 digits forming a real calendar
	// date, e.g. "20231218".
	FormatChinaDate = "yyyyMMdd"
)

// KnownFormat reports whether name is a format [StringRule] understands.
// Spec checkers call it so that generated code never hits the panic in
// [Collector.String].
func KnownFormat(name string) bool {
	switch name {
	case FormatRFC3339, FormatChinaTime, FormatUnixSeconds, FormatChinaDate:
		return true
	}
	return false
}

func formatExample(name string) string {
	switch name {
	case FormatRFC3339:
		return "2015-05-20T13:29:35+08:00"
	case FormatChinaTime:
		return "20180225112233"
	case FormatUnixSeconds:
		return "1414561699"
	case FormatChinaDate:
		return "20231218"
	}
	return ""
}

// StringRule constrains one string field. The zero value accepts any valid
// UTF-8 string. Rules are meant to be package-level variables shared by all
// calls; they must not be modified while in use.
type StringRule struct {
	// Required makes the empty string a violation. The empty string counts as
	// absent: when Required is false it is accepted without further checks.
	Required bool
	// MinLength and MaxLength bound the length in characters (runes);
	// 0 means unbounded.
	MinLength, MaxLength int
	// Enum, when not empty, lists the only accepted values. A value outside
	// it reports just an *EnumError: other checks would only add noise.
	Enum []string
	// Pattern, when set, must match the whole value (anchor it with ^ and $):
	// a [*Regexp] from [MustCompile], which checks the usual shapes with a
	// byte loop, or a *regexp.Regexp. PatternDescription explains it to
	// humans, e.g. "digits, letters and _-|*"; when empty the pattern source
	// is shown instead.
	Pattern            Pattern
	PatternDescription string
	// Reject4ByteUTF8 rejects characters that take 4 bytes in UTF-8 (emoji
	// and other characters outside the BMP), which APIv3 refuses in many
	// fields.
	Reject4ByteUTF8 bool
	// Format is "" (none) or one of FormatRFC3339, FormatChinaTime,
	// FormatUnixSeconds, FormatChinaDate. Any other name is a programming
	// error and panics.
	Format string
	// Formats, when not empty, accepts a value in any of these formats
	// (yyyyMMddHHmmss or yyyyMMdd); Literals are further accepted values
	// (OnAccept). A value in none is a *FormatsError.
	Formats  []string
	Literals []string
}

// ArrayRule constrains the length of an array field. A required array must
// have at least one item; MinItems and MaxItems of 0 mean unbounded.
type ArrayRule struct {
	Required           bool
	MinItems, MaxItems int
}

// IntRule constrains one integer field. Min applies only when HasMin is
// set and Max only when HasMax is set; bools are used instead of pointers so
// that rules stay plain composite literals in generated code.
type IntRule struct {
	Required       bool
	HasMin, HasMax bool
	Min, Max       int64
}

// Collector accumulates violations. Its zero value is ready to use and is
// meant to live on the stack of a Validate method; it allocates only when a
// violation is recorded.
//
// Nested values record into the same Collector: Enter and EnterItem push
// the path of the value being checked (time_range, post_payments[3]), Leave
// pops it, and each violation's path is composed from them once, when it
// is recorded. No intermediate *Errors is built for nested values, so a
// violation costs the same at any depth.
type Collector struct {
	errs   *Errors // allocated with the first violation
	depth  int
	frames [4]frame // the first levels of the current path
	more   []frame  // deeper levels
	paths  strings.Builder
}

// frame is one level of the path: a member (i < 0) or item i of an array.
type frame struct {
	path string
	i    int
}

// Enter makes path (a member holding an object) the prefix of what is
// recorded until the matching Leave.
func (c *Collector) Enter(path string) { c.push(frame{path, -1}) }

// EnterItem is Enter for item i of the array at path: path[i].
func (c *Collector) EnterItem(path string, i int) { c.push(frame{path, i}) }

// Leave undoes the last Enter or EnterItem.
func (c *Collector) Leave() {
	if c.depth == 0 {
		panic("validate: Leave without Enter")
	}
	c.depth--
	if c.depth >= len(c.frames) {
		c.more = c.more[:c.depth-len(c.frames)]
	}
}

func (c *Collector) push(f frame) {
	if c.depth < len(c.frames) {
		c.frames[c.depth] = f
	} else {
		c.more = append(c.more, f)
	}
	c.depth++
}

// fullPath is path (item i of it when i >= 0) under the current prefix:
// time_range.start_time, post_payments[3].name. Composed paths are appended
// to one strings.Builder and returned as substrings of it: the builder only
// ever appends (growing copies into a new buffer), so a returned path never
// changes, and a hundred item paths cost a few buffer growths, not a
// hundred allocations.
func (c *Collector) fullPath(path string, i int) string {
	if c.depth == 0 && i < 0 {
		return path
	}
	if c.paths.Cap() == 0 {
		c.paths.Grow(256)
	}
	start := c.paths.Len()
	for k := range c.depth {
		writeFrame(&c.paths, c.frame(k), c.paths.Len() > start)
	}
	writeFrame(&c.paths, frame{path, i}, c.paths.Len() > start)
	return c.paths.String()[start:]
}

// writeFrame appends one level of a path, after a dot unless it is the
// first level or an index.
func writeFrame(b *strings.Builder, f frame, dot bool) {
	if dot && f.path != "" && f.path[0] != '[' {
		b.WriteByte('.')
	}
	b.WriteString(f.path)
	if f.i >= 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(f.i))
		b.WriteByte(']')
	}
}

func (c *Collector) frame(k int) frame {
	if k < len(c.frames) {
		return c.frames[k]
	}
	return c.more[k-len(c.frames)]
}

// RuneCount returns the number of characters in s, counting each invalid
// UTF-8 byte as one (the same as utf8.RuneCountInString).
func RuneCount(s string) int { return utf8.RuneCountInString(s) }

// String checks value against rule (a nil rule checks only UTF-8 validity).
//
// Order: empty value (RequiredError or nothing), invalid UTF-8 (reported
// alone: the other checks mean nothing on broken text), enum (reported
// alone), then length, 4-byte characters, pattern and format, each reported
// independently.
func (c *Collector) String(path, value string, rule *StringRule) {
	c.stringAt(path, -1, value, rule)
}

// StringItem checks item i of the array at path, as String does; the
// item's path (path[i]) is built only when there is a violation.
func (c *Collector) StringItem(path string, i int, value string, rule *StringRule) {
	c.stringAt(path, i, value, rule)
}

func (c *Collector) stringAt(path string, i int, value string, rule *StringRule) {
	if rule == nil {
		rule = &noRule
	}
	if value == "" {
		if rule.Required {
			recordAt(c, path, i, RequiredError{})
		}
		return
	}
	n, first4, bad := scan(value)
	if bad >= 0 {
		recordAt(c, path, i, InvalidUTF8Error{ByteOffset: bad})
		return
	}
	if len(rule.Enum) > 0 && !contains(rule.Enum, value) {
		// Shared with the rule, not copied (a copy would be a second
		// allocation); the full slice expression keeps appends off it.
		recordAt(c, path, i, EnumError{Allowed: rule.Enum[:len(rule.Enum):len(rule.Enum)], Length: n})
		return
	}
	if rule.MinLength > 0 && n < rule.MinLength {
		recordAt(c, path, i, MinLengthError{Min: rule.MinLength, Length: n})
	}
	if rule.MaxLength > 0 && n > rule.MaxLength {
		recordAt(c, path, i, MaxLengthError{Max: rule.MaxLength, Length: n})
	}
	if rule.Reject4ByteUTF8 && first4 >= 0 {
		recordAt(c, path, i, FourByteUTF8Error{Index: first4})
	}
	if rule.Pattern != nil && !rule.Pattern.MatchString(value) {
		desc := rule.PatternDescription
		if desc == "" {
			desc = rule.Pattern.String()
		}
		recordAt(c, path, i, PatternError{Description: desc, Index: disallowedIndex(rule.Pattern, value)})
	}
	if rule.Format != "" && !validFormat(rule.Format, value) {
		recordAt(c, path, i, FormatError{Format: rule.Format, Length: n})
	}
	if len(rule.Formats) > 0 && !anyFormat(rule.Formats, rule.Literals, value) {
		// Shared with the rule, as Enum above.
		recordAt(c, path, i, FormatsError{Formats: rule.Formats[:len(rule.Formats):len(rule.Formats)],
			Literals: rule.Literals[:len(rule.Literals):len(rule.Literals)], Length: n})
	}
}

var noRule StringRule

// Int checks an integer field. present tells whether the field was set
// (generated code passes ptr != nil for optional fields, true otherwise); an
// absent field is only a violation when rule.Required.
func (c *Collector) Int(path string, value int64, present bool, rule *IntRule) {
	if rule == nil {
		return
	}
	if !present {
		if rule.Required {
			c.add(path, &RequiredError{})
		}
		return
	}
	if rule.HasMin && value < rule.Min {
		recordAt(c, path, -1, MinimumError{Min: rule.Min, Value: value})
	}
	if rule.HasMax && value > rule.Max {
		recordAt(c, path, -1, MaximumError{Max: rule.Max, Value: value})
	}
}

// IntItem checks item i of the integer array at path (always present).
func (c *Collector) IntItem(path string, i int, value int64, rule *IntRule) {
	if rule == nil {
		return
	}
	if rule.HasMin && value < rule.Min {
		recordAt(c, path, i, MinimumError{Min: rule.Min, Value: value})
	}
	if rule.HasMax && value > rule.Max {
		recordAt(c, path, i, MaximumError{Max: rule.Max, Value: value})
	}
}

// Array checks the number of items n of the array at path.
func (c *Collector) Array(path string, n int, rule *ArrayRule) {
	switch {
	case n == 0 && rule.Required:
		c.add(path, &RequiredError{})
	case rule.MinItems > 0 && n < rule.MinItems && n > 0:
		c.add(path, &MinItemsError{Min: rule.MinItems, Items: n})
	case rule.MaxItems > 0 && n > rule.MaxItems:
		c.add(path, &MaxItemsError{Max: rule.MaxItems, Items: n})
	}
}

// Item records err (a nested value's Validate result) for item i of the
// array at path: "post_payments" + 3 + "name" gives "post_payments[3].name".
func (c *Collector) Item(path string, i int, err error) {
	if err == nil {
		return
	}
	c.Add(Index(path, i), err)
}

// Index is the path of item i of the array at path: path[i].
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Required records a *RequiredError at path unless present: for members a
// use of a shared type requires (require: in the spec).
func (c *Collector) Required(path string, present bool) {
	if !present {
		c.add(path, &RequiredError{})
	}
}

// RequiredItem is Required for member of item i of the array at path
// (post_payments[3].name); the path is built only on a violation.
func (c *Collector) RequiredItem(path string, i int, member string, present bool) {
	if !present {
		c.EnterItem(path, i)
		c.add(member, &RequiredError{})
		c.Leave()
	}
}

// AtMostOneOf records a violation when more than one of the fields is
// present (e.g. openid / sub_openid); paths and present are parallel.
func (c *Collector) AtMostOneOf(paths []string, present []bool) {
	if len(paths) != len(present) {
		panic("validate: AtMostOneOf called with " + strconv.Itoa(len(paths)) + " paths and " +
			strconv.Itoa(len(present)) + " presence flags")
	}
	count := 0
	for _, p := range present {
		if p {
			count++
		}
	}
	if count <= 1 {
		return
	}
	e := &AtMostOneOfError{Fields: append([]string(nil), paths...)}
	for i, p := range present {
		if p {
			e.Present = append(e.Present, paths[i])
		}
	}
	c.add(strings.Join(paths, "|"), e)
}

// RequiredWith records a *RequiredWithError at path when the field is
// absent but the field named when is present.
func (c *Collector) RequiredWith(path string, present bool, when string, whenPresent bool) {
	if whenPresent && !present {
		c.add(path, &RequiredWithError{When: when})
	}
}

// Sum records a *SumError at path unless value equals want, the sum the
// rule (described by terms, e.g. "post_payments.amount - post_discounts.amount")
// computes from the other fields.
func (c *Collector) Sum(path string, value, want int64, terms string) {
	if value != want {
		c.add(path, &SumError{Terms: terms, Value: value, Want: want})
	}
}

// OneOf records a violation unless exactly one of the fields is present
// (e.g. openid / sub_openid). paths and present are parallel slices; a length
// mismatch is a programming error and panics. The violation's path is the
// paths joined with "|".
func (c *Collector) OneOf(paths []string, present []bool) {
	if len(paths) != len(present) {
		panic("validate: OneOf called with " + strconv.Itoa(len(paths)) + " paths and " +
			strconv.Itoa(len(present)) + " presence flags")
	}
	count := 0
	for _, p := range present {
		if p {
			count++
		}
	}
	if count == 1 {
		return
	}
	// Copy so the caller's slices do not escape on the valid path.
	e := &OneOfError{Fields: append([]string(nil), paths...)}
	for i, p := range present {
		if p {
			e.Present = append(e.Present, paths[i])
		}
	}
	c.add(strings.Join(paths, "|"), e)
}

// Add records err at path; a nil err is ignored. When err is an *Errors
// (from a nested value's Validate), its fields are added with path as a
// prefix: "resource" + "nonce" gives "resource.nonce", "items" + "[0].id"
// gives "items[0].id".
func (c *Collector) Add(path string, err error) {
	if err == nil {
		return
	}
	if nested, ok := err.(*Errors); ok {
		for _, f := range nested.Fields {
			c.add(joinPath(path, f.Path), f.Err)
		}
		return
	}
	c.add(path, err)
}

// Err returns nil when nothing was recorded, otherwise an *Errors naming
// typeName (e.g. "payscore.ApplyPermissionsRequest") with every violation in
// the order recorded.
func (c *Collector) Err(typeName string) error {
	if c.errs == nil {
		return nil
	}
	e := c.errs
	e.Type = typeName
	e.Fields = e.Fields[:len(e.Fields):len(e.Fields)]
	return e
}

func (c *Collector) add(path string, err error) {
	c.append(&FieldError{Path: c.fullPath(path, -1), Err: err})
}

// recordAt is record at path[i] when i >= 0.
func recordAt[T any, PT interface {
	*T
	error
}](c *Collector, path string, i int, leaf T) {
	record[T, PT](c, c.fullPath(path, i), leaf)
}

// record adds the leaf error of one of this package's types at path in a
// single allocation: the FieldError and its leaf share it.
func record[T any, PT interface {
	*T
	error
}](c *Collector, path string, leaf T) {
	v := &struct {
		f    FieldError
		leaf T
	}{leaf: leaf}
	v.f = FieldError{Path: path, Err: PT(&v.leaf)}
	c.append(&v.f)
}

// append keeps the first violations in the Errors value itself, so one
// allocation holds up to len(Errors.first) of them.
func (c *Collector) append(f *FieldError) {
	if c.errs == nil {
		c.errs = new(Errors)
		c.errs.Fields = c.errs.first[:0]
	}
	c.errs.Fields = append(c.errs.Fields, f)
}

func joinPath(prefix, p string) string {
	switch {
	case prefix == "":
		return p
	case p == "":
		return prefix
	case p[0] == '[':
		return prefix + p
	}
	return prefix + "." + p
}

// scan walks s once and returns its rune count, the rune index of the first
// 4-byte character (-1 if none) and the byte offset of the first invalid
// UTF-8 byte (-1 if none). Invalid bytes count as one rune each, as in
// utf8.RuneCountInString.
func scan(s string) (n, first4, bad int) {
	first4, bad = -1, -1
	i := 0
	// ASCII, the usual case, eight bytes at a time.
	for ; i+8 <= len(s); i += 8 {
		if load64(s[i:i+8])&0x8080808080808080 != 0 {
			break
		}
	}
	for n = i; i < len(s); n++ {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if bad < 0 {
				bad = i
			}
		} else if size == 4 && first4 < 0 {
			first4 = n
		}
		i += size
	}
	return n, first4, bad
}

// load64 reads eight bytes as one little-endian word (one load once compiled).
func load64(b string) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
