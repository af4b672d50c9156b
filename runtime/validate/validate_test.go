package validate_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/payscoregen/payscoregen/runtime/validate"
)

// authorizationCodePattern is the authorization_code rule of the acquiring
// bank APIs: digits, letters and _-|* only.
var authorizationCodePattern = regexp.MustCompile(`^[0-9A-Za-z_\-|*]+$`)

var (
	ruleID     = &validate.StringRule{Required: true, MinLength: 1, MaxLength: 32}
	ruleReason = &validate.StringRule{Required: true, MinLength: 1, MaxLength: 50, Reject4ByteUTF8: true}
	ruleCode   = &validate.StringRule{Required: true, MinLength: 1, MaxLength: 32,
		Pattern: authorizationCodePattern, PatternDescription: "digits, letters and _-|*"}
	ruleState = &validate.StringRule{Required: true, MaxLength: 16,
		Enum: []string{"UNAVAILABLE", "AVAILABLE", "UNBINDUSER"}}
	ruleOptional  = &validate.StringRule{MinLength: 3, MaxLength: 5}
	ruleRFC3339   = &validate.StringRule{MaxLength: 64, Format: validate.FormatRFC3339}
	ruleChinaTime = &validate.StringRule{Format: validate.FormatChinaTime}
	ruleUnix      = &validate.StringRule{Required: true, Format: validate.FormatUnixSeconds}
	ruleDigits14  = &validate.StringRule{Pattern: regexp.MustCompile(`^\d{14}$`)}
)

func TestString(t *testing.T) {
	chinese50 := strings.Repeat("中", 50)
	tests := []struct {
		name  string
		rule  *validate.StringRule
		value string
		want  []error // leaf errors, in order; nil when valid
	}{
		{"required present", ruleID, "1234", nil},
		{"required empty", ruleID, "", []error{&validate.RequiredError{}}},
		{"optional empty skips min length", ruleOptional, "", nil},
		{"optional below min", ruleOptional, "ab", []error{&validate.MinLengthError{Min: 3, Length: 2}}},
		{"optional at min", ruleOptional, "abc", nil},
		{"at max", ruleID, strings.Repeat("a", 32), nil},
		{"over max", ruleID, strings.Repeat("a", 33), []error{&validate.MaxLengthError{Max: 32, Length: 33}}},
		// 50 Chinese characters are 150 bytes: a byte count would reject them.
		{"chinese at max", ruleReason, chinese50, nil},
		{"chinese over max", ruleReason, chinese50 + "中", []error{&validate.MaxLengthError{Max: 50, Length: 51}}},
		{"nil rule accepts anything valid", nil, "😀", nil},
		{"emoji allowed without flag", ruleID, "😀😀", nil},
		{"emoji rejected", ruleReason, "不想用了😀吧", []error{&validate.FourByteUTF8Error{Index: 4}}},
		{"emoji first of two", ruleReason, "a😀b😀", []error{&validate.FourByteUTF8Error{Index: 1}}},
		{"emoji and too long", ruleReason, chinese50 + "😀", []error{
			&validate.MaxLengthError{Max: 50, Length: 51},
			&validate.FourByteUTF8Error{Index: 50},
		}},
		{"3-byte replacement char is valid", ruleReason, "a\uFFFDb", nil},
		{"invalid byte", ruleID, "ab\xffcd", []error{&validate.InvalidUTF8Error{ByteOffset: 2}}},
		{"truncated sequence", ruleReason, "中\xe4\xb8", []error{&validate.InvalidUTF8Error{ByteOffset: 3}}},
		{"invalid reported alone", ruleReason, strings.Repeat("a", 60) + "\x80", []error{&validate.InvalidUTF8Error{ByteOffset: 60}}},
		{"pattern ok", ruleCode, "Ab9_-|*", nil},
		{"pattern space", ruleCode, "ab cd", []error{&validate.PatternError{Description: "digits, letters and _-|*", Index: 2}}},
		{"pattern chinese", ruleCode, "a中", []error{&validate.PatternError{Description: "digits, letters and _-|*", Index: 1}}},
		{"pattern structural", ruleDigits14, "123", []error{&validate.PatternError{Description: `^\d{14}$`, Index: -1}}},
		{"pattern structural bad char", ruleDigits14, "12x", []error{&validate.PatternError{Description: `^\d{14}$`, Index: 2}}},
		{"pattern and length", ruleCode, strings.Repeat("a", 32) + "!", []error{
			&validate.MaxLengthError{Max: 32, Length: 33},
			&validate.PatternError{Description: "digits, letters and _-|*", Index: 32},
		}},
		{"enum ok", ruleState, "AVAILABLE", nil},
		{"enum wrong case", ruleState, "available", []error{
			&validate.EnumError{Allowed: []string{"UNAVAILABLE", "AVAILABLE", "UNBINDUSER"}, Length: 9},
		}},
		{"enum reported alone", ruleState, strings.Repeat("X", 20), []error{
			&validate.EnumError{Allowed: []string{"UNAVAILABLE", "AVAILABLE", "UNBINDUSER"}, Length: 20},
		}},
		{"rfc3339 doc example", ruleRFC3339, "2015-05-20T13:29:35+08:00", nil},
		{"rfc3339 utc fraction", ruleRFC3339, "2015-05-20T13:29:35.123Z", nil},
		{"rfc3339 half-hour offset", ruleRFC3339, "2015-05-20T13:29:35+05:30", nil},
		{"rfc3339 space", ruleRFC3339, "2015-05-20 13:29:35+08:00", []error{&validate.FormatError{Format: "rfc3339", Length: 25}}},
		{"rfc3339 no offset", ruleRFC3339, "2015-05-20T13:29:35", []error{&validate.FormatError{Format: "rfc3339", Length: 19}}},
		{"rfc3339 feb 30", ruleRFC3339, "2015-02-30T13:29:35Z", []error{&validate.FormatError{Format: "rfc3339", Length: 20}}},
		{"china time doc example", ruleChinaTime, "20180225112233", nil},
		{"china time leap day", ruleChinaTime, "20240229000000", nil},
		{"china time not leap", ruleChinaTime, "20230229000000", []error{&validate.FormatError{Format: "yyyyMMddHHmmss", Length: 14}}},
		{"china time short", ruleChinaTime, "2018022511223", []error{&validate.FormatError{Format: "yyyyMMddHHmmss", Length: 13}}},
		{"china time hour 24", ruleChinaTime, "20180225240000", []error{&validate.FormatError{Format: "yyyyMMddHHmmss", Length: 14}}},
		{"china time rfc3339", ruleChinaTime, "2018-02-25T11:22:33Z", []error{&validate.FormatError{Format: "yyyyMMddHHmmss", Length: 20}}},
		{"unix seconds", ruleUnix, "1414561699", nil},
		{"unix milliseconds", ruleUnix, "1414561699000", []error{&validate.FormatError{Format: "unix_seconds", Length: 13}}},
		{"unix negative", ruleUnix, "-1", []error{&validate.FormatError{Format: "unix_seconds", Length: 2}}},
		{"unix empty required", ruleUnix, "", []error{&validate.RequiredError{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c validate.Collector
			c.String("f", tt.value, tt.rule)
			err := c.Err("T")
			if diff := cmp.Diff(tt.want, leaves(t, err, "f")); diff != "" {
				t.Errorf("leaf errors (-want +got):\n%s", diff)
			}
		})
	}
}

// leaves returns the leaf errors of err, checking every one sits at path.
func leaves(t *testing.T, err error, path string) []error {
	t.Helper()
	if err == nil {
		return nil
	}
	var es *validate.Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %T is not *validate.Errors", err)
	}
	var out []error
	for _, f := range es.Fields {
		if f.Path != path {
			t.Errorf("path = %q, want %q", f.Path, path)
		}
		out = append(out, f.Err)
	}
	return out
}

func TestInt(t *testing.T) {
	rule := &validate.IntRule{Required: true, HasMin: true, Min: 1, HasMax: true, Max: 100}
	optional := &validate.IntRule{HasMin: true, Min: 1}
	tests := []struct {
		name    string
		rule    *validate.IntRule
		value   int64
		present bool
		want    []error
	}{
		{"in range", rule, 1, true, nil},
		{"at max", rule, 100, true, nil},
		{"below min", rule, 0, true, []error{&validate.MinimumError{Min: 1, Value: 0}}},
		{"above max", rule, 101, true, []error{&validate.MaximumError{Max: 100, Value: 101}}},
		{"required absent", rule, 0, false, []error{&validate.RequiredError{}}},
		{"optional absent", optional, 0, false, nil},
		{"optional present below", optional, -5, true, []error{&validate.MinimumError{Min: 1, Value: -5}}},
		{"no max", optional, 1 << 62, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c validate.Collector
			c.Int("f", tt.value, tt.present, tt.rule)
			if diff := cmp.Diff(tt.want, leaves(t, c.Err("T"), "f")); diff != "" {
				t.Errorf("leaf errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOneOf(t *testing.T) {
	paths := []string{"openid", "sub_openid"}
	tests := []struct {
		present []bool
		want    []error
	}{
		{[]bool{true, false}, nil},
		{[]bool{false, true}, nil},
		{[]bool{false, false}, []error{&validate.OneOfError{Fields: paths}}},
		{[]bool{true, true}, []error{&validate.OneOfError{Fields: paths, Present: paths}}},
	}
	for _, tt := range tests {
		var c validate.Collector
		c.OneOf(paths, tt.present)
		if diff := cmp.Diff(tt.want, leaves(t, c.Err("T"), "openid|sub_openid")); diff != "" {
			t.Errorf("present %v: leaf errors (-want +got):\n%s", tt.present, diff)
		}
	}
	var c validate.Collector
	c.OneOf(paths, []bool{false, false})
	if got, want := c.Err("T").Error(), "T: 1 invalid field: openid|sub_openid: exactly one of openid, sub_openid must be set, got none"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("OneOf with mismatched slices did not panic")
		}
	}()
	c.OneOf(paths, []bool{true})
}

func TestErrorsCollectsEverything(t *testing.T) {
	var c validate.Collector
	c.String("service_id", "", ruleID)
	c.String("authorization_code", "ab cd", ruleCode)
	c.String("reason", strings.Repeat("中", 51), ruleReason)
	c.String("channel_id", "ok", ruleID)
	err := c.Err("payscore.TerminateRequest")
	want := "payscore.TerminateRequest: 3 invalid fields: service_id: required; " +
		"authorization_code: character at index 2 is not allowed: only digits, letters and _-|*; " +
		"reason: too long: 51 characters, maximum 50"
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v\nwant       %s", err, want)
	}

	// errors.As reaches leaves through Errors and two levels of %w.
	wrapped := fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", err))
	var maxErr *validate.MaxLengthError
	if !errors.As(wrapped, &maxErr) || maxErr.Length != 51 {
		t.Errorf("errors.As MaxLengthError = %v", maxErr)
	}
	var fe *validate.FieldError
	if !errors.As(wrapped, &fe) || fe.Path != "service_id" {
		t.Errorf("errors.As FieldError = %v", fe)
	}
	var req *validate.RequiredError
	if !errors.As(wrapped, &req) {
		t.Error("errors.As RequiredError failed")
	}
	var enumErr *validate.EnumError
	if errors.As(wrapped, &enumErr) {
		t.Error("errors.As found an EnumError that was never recorded")
	}
}

func TestNoErrorsIsUntypedNil(t *testing.T) {
	var c validate.Collector
	c.String("service_id", "x", ruleID)
	if err := c.Err("T"); err != nil {
		t.Fatalf("Err = %#v, want nil", err)
	}
}

func TestAddNested(t *testing.T) {
	var child validate.Collector
	child.String("nonce", "", ruleID)
	child.Add("", nil) // ignored
	childErr := child.Err("Resource")

	var item validate.Collector
	item.String("id", strings.Repeat("a", 40), ruleID)

	var c validate.Collector
	c.Add("resource", childErr)
	c.Add("items", indexErr(0, item.Err("Item")))
	c.Add("summary", errors.New("custom rule broken"))
	err := c.Err("Notification")

	var es *validate.Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %T", err)
	}
	var paths []string
	for _, f := range es.Fields {
		paths = append(paths, f.Path)
	}
	if diff := cmp.Diff([]string{"resource.nonce", "items[0].id", "summary"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

// TestEnterPaths: violations recorded inside Enter/EnterItem carry the
// whole path, at any depth (past the frames kept in place too), and Leave
// restores the outer path.
func TestEnterPaths(t *testing.T) {
	var c validate.Collector
	c.Enter("time_range")
	c.String("start_time", "", ruleID)
	c.Leave()
	c.EnterItem("post_payments", 3)
	c.String("name", strings.Repeat("a", 40), ruleID)
	c.Int("count", 0, true, &validate.IntRule{HasMin: true, Min: 1})
	c.Leave()
	c.RequiredItem("post_payments", 12, "name", false)
	c.Enter("collection")
	c.EnterItem("details", 0)
	c.EnterItem("promotion_detail", 1)
	c.EnterItem("goods_detail", 2)
	c.Enter("deeper")
	c.StringItem("tags", 4, "", ruleID)
	c.Add("x", errors.New("custom"))
	c.Leave()
	c.Leave()
	c.Leave()
	c.Leave()
	c.Leave()
	c.String("top", "", ruleID)
	var es *validate.Errors
	if !errors.As(c.Err("Order"), &es) {
		t.Fatal("no errors")
	}
	var paths []string
	for _, f := range es.Fields {
		paths = append(paths, f.Path)
	}
	want := []string{"time_range.start_time", "post_payments[3].name", "post_payments[3].count", "post_payments[12].name",
		"collection.details[0].promotion_detail[1].goods_detail[2].deeper.tags[4]",
		"collection.details[0].promotion_detail[1].goods_detail[2].deeper.x", "top"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	defer func() {
		if recover() == nil {
			t.Error("Leave without Enter did not panic")
		}
	}()
	c.Leave()
}

// indexErr prefixes the paths of a nested *Errors with an array index, as
// generated code does for slices.
func indexErr(i int, err error) error {
	var c validate.Collector
	c.Add(fmt.Sprintf("[%d]", i), err)
	return c.Err("")
}

// TestMessagesOmitValue guards the rule that violations never echo the value,
// which may be personal data or a token.
func TestMessagesOmitValue(t *testing.T) {
	const secret = "TOKEN-s3cr3t-😀-value!"
	rules := []*validate.StringRule{ruleID, ruleReason, ruleCode, ruleState, ruleOptional,
		ruleRFC3339, ruleChinaTime, ruleUnix, ruleDigits14}
	var c validate.Collector
	for i, r := range rules {
		c.String(fmt.Sprint("f", i), secret+strings.Repeat("x", 40), r)
		c.String(fmt.Sprint("g", i), secret+"\xff", r)
	}
	c.Int("n", 987654321, true, &validate.IntRule{HasMax: true, Max: 1})
	msg := c.Err("T").Error()
	for _, leak := range []string{"TOKEN", "s3cr3t", "😀", "987654321"} {
		if strings.Contains(msg, leak) {
			t.Errorf("message contains %q: %s", leak, msg)
		}
	}
}

func TestRuneCount(t *testing.T) {
	for _, s := range []string{"", "abc", "中文", "😀", "a\xffb", "\xe4\xb8"} {
		if got, want := validate.RuneCount(s), utf8.RuneCountInString(s); got != want {
			t.Errorf("RuneCount(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestUnknownFormatPanics(t *testing.T) {
	if validate.KnownFormat("date") || !validate.KnownFormat(validate.FormatRFC3339) {
		t.Error("KnownFormat disagrees with the Format constants")
	}
	defer func() {
		if recover() == nil {
			t.Error("unknown format did not panic")
		}
	}()
	var c validate.Collector
	c.String("f", "x", &validate.StringRule{Format: "date"})
}

// Every rule kind at once on a valid value: the path generated code hits on
// every request.
var (
	ruleAll = &validate.StringRule{Required: true, MinLength: 1, MaxLength: 64, Reject4ByteUTF8: true,
		Pattern: authorizationCodePattern, PatternDescription: "digits, letters and _-|*"}
	intRule = &validate.IntRule{Required: true, HasMin: true, Min: 1, HasMax: true, Max: 100}
)

func validateValid() error {
	var c validate.Collector
	c.String("authorization_code", "1234567890abcdef_-|*", ruleAll)
	c.String("reason", "用户主动解除授权，不再使用该服务", ruleReason)
	c.String("authorization_state", "AVAILABLE", ruleState)
	c.String("authorization_success_time", "2015-05-20T13:29:35+05:30", ruleRFC3339)
	c.String("openorclose_time", "20180225112233", ruleChinaTime)
	c.String("timestamp", "1414561699", ruleUnix)
	c.String("optional", "", ruleOptional)
	c.Int("total_fee", 1, true, intRule)
	c.OneOf([]string{"openid", "sub_openid"}, []bool{true, false})
	return c.Err("payscore.Request")
}

func TestValidPathAllocatesNothing(t *testing.T) {
	if err := validateValid(); err != nil {
		t.Fatalf("fixture is not valid: %v", err)
	}
	if n := testing.AllocsPerRun(1000, func() { _ = validateValid() }); n != 0 {
		t.Errorf("valid path: %v allocations per run, want 0", n)
	}
}

func BenchmarkStringValid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var c validate.Collector
		c.String("authorization_code", "1234567890abcdef_-|*", ruleAll)
		c.String("reason", "用户主动解除授权，不再使用该服务", ruleReason)
		if c.Err("T") != nil {
			b.Fatal("unexpected violation")
		}
	}
}

func BenchmarkRequestValid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if validateValid() != nil {
			b.Fatal("unexpected violation")
		}
	}
}

func BenchmarkStringInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var c validate.Collector
		c.String("authorization_code", "1234567890 abcdef", ruleAll)
		if c.Err("T") == nil {
			b.Fatal("expected a violation")
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "abc", strings.Repeat("中", 51), "a😀b", "ab\xffc", "\xe4\xb8",
		"AVAILABLE", "2015-05-20T13:29:35+08:00", "20180225112233", "1414561699", "a b"} {
		f.Add(s)
	}
	rules := []*validate.StringRule{ruleID, ruleReason, ruleCode, ruleState, ruleOptional,
		ruleRFC3339, ruleChinaTime, ruleUnix, ruleDigits14, ruleAll, nil}
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		for _, rule := range rules {
			var c validate.Collector
			c.String("f", s, rule)
			err := c.Err("T")
			if err != nil {
				_ = err.Error()
			}
			for _, leaf := range leaves(t, err, "f") {
				switch e := leaf.(type) {
				case *validate.MinLengthError:
					checkLen(t, e.Length, n)
				case *validate.MaxLengthError:
					checkLen(t, e.Length, n)
				case *validate.EnumError:
					checkLen(t, e.Length, n)
				case *validate.FormatError:
					checkLen(t, e.Length, n)
				case *validate.FourByteUTF8Error:
					r := []rune(s)
					if e.Index < 0 || e.Index >= len(r) || utf8.RuneLen(r[e.Index]) != 4 {
						t.Errorf("FourByteUTF8Error index %d wrong for %q", e.Index, s)
					}
				case *validate.PatternError:
					if e.Index >= n {
						t.Errorf("PatternError index %d beyond %d runes", e.Index, n)
					}
				case *validate.InvalidUTF8Error:
					if utf8.ValidString(s) || !utf8.ValidString(s[:e.ByteOffset]) {
						t.Errorf("InvalidUTF8Error offset %d wrong for %q", e.ByteOffset, s)
					}
				}
			}
			if !utf8.ValidString(s) && err == nil {
				t.Errorf("invalid UTF-8 %q accepted", s)
			}
		}
	})
}

func checkLen(t *testing.T, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("reported length %d, utf8.RuneCountInString %d", got, want)
	}
}
