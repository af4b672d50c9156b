package bench_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

var (
	validApply = &acquiringbank.ApplyPermissionsRequest{ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787",
		SubAppID: "wxd678efh567hg6787", SubMchID: "1230000109", AuthorizationCode: "1234323JKHDFE1243252",
		NotifyURL: "https://merchant.example.com/payscore/notify"}
	// Every field wrong: six too long, notify_url not https and with a query.
	invalidApply = &acquiringbank.ApplyPermissionsRequest{ServiceID: strings.Repeat("x", 40), ChannelID: strings.Repeat("x", 40),
		AppID: strings.Repeat("x", 40), SubAppID: strings.Repeat("x", 40), SubMchID: strings.Repeat("x", 40),
		AuthorizationCode: strings.Repeat("x", 40), NotifyURL: "http://a/?q"}
)

const invalidApplyViolations = 7

// handErrors is what the hand-written check returns: every violation, with
// its path and what is wrong, as the generated Validate reports them.
type handErrors []handError

type handError struct {
	path, what string
	n          int
}

func (e handErrors) Error() string {
	var b strings.Builder
	for i, f := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.path + ": " + f.what + " (" + strconv.Itoa(f.n) + ")")
	}
	return b.String()
}

// handString checks a required string of 1 to max characters (valid UTF-8).
func handString(errs handErrors, path, v string, max int) handErrors {
	switch {
	case v == "":
		return append(errs, handError{path, "required", 0})
	case !utf8.ValidString(v):
		return append(errs, handError{path, "invalid UTF-8", 0})
	}
	if n := utf8.RuneCountInString(v); n > max {
		return append(errs, handError{path, "too long", n})
	}
	return errs
}

// handValidateApply is ApplyPermissionsRequest's rules written by hand: six
// required strings of 1 to 32 characters, notify_url of 1 to 255
// characters matching ^https://[^?#]+$, every violation reported.
func handValidateApply(r *acquiringbank.ApplyPermissionsRequest) error {
	var errs handErrors
	errs = handString(errs, "service_id", r.ServiceID, 32)
	errs = handString(errs, "channel_id", r.ChannelID, 32)
	errs = handString(errs, "appid", r.AppID, 32)
	errs = handString(errs, "sub_appid", r.SubAppID, 32)
	errs = handString(errs, "sub_mchid", r.SubMchID, 32)
	errs = handString(errs, "authorization_code", r.AuthorizationCode, 32)
	before := len(errs)
	errs = handString(errs, "notify_url", r.NotifyURL, 255)
	if len(errs) == before && r.NotifyURL != "" {
		rest, ok := strings.CutPrefix(r.NotifyURL, "https://")
		if !ok || rest == "" || strings.ContainsAny(rest, "?#") {
			errs = append(errs, handError{"notify_url", "not an https URL without query", -1})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// TestValidateBaselineAgrees: the hand-written check accepts and rejects
// what Validate does, with as many violations.
func TestValidateBaselineAgrees(t *testing.T) {
	if err := handValidateApply(validApply); err != nil {
		t.Fatal(err)
	}
	if err := validApply.Validate(); err != nil {
		t.Fatal(err)
	}
	var hand handErrors
	if !errors.As(handValidateApply(invalidApply), &hand) || len(hand) != invalidApplyViolations {
		t.Fatalf("hand-written check: %v", hand)
	}
	var ours *validate.Errors
	if !errors.As(invalidApply.Validate(), &ours) || len(ours.Fields) != invalidApplyViolations {
		t.Fatalf("Validate: %v", ours)
	}
	for _, u := range []string{"https://a", "https://a/b?c", "https://", "http://a", "https://a#x", "https://例子.cn/通知"} {
		r := *validApply
		r.NotifyURL = u
		if (handValidateApply(&r) == nil) != (r.Validate() == nil) {
			t.Errorf("notify_url %q: hand-written %v, Validate %v", u, handValidateApply(&r), r.Validate())
		}
	}
}

// compareValidate pairs a generated Validate with a hand-written check of
// the same value; valid says whether both must accept it.
func compareValidate(b *testing.B, ours, hand func() error, valid bool) {
	check := func(err error) {
		if (err == nil) != valid {
			b.Fatalf("valid %v, got %v", valid, err)
		}
	}
	comparePair(b, serial(func(int) { check(ours()) }), serial(func(int) { check(hand()) }))
}

func BenchmarkPairValidate(b *testing.B) {
	b.Run("valid", func(b *testing.B) {
		compareValidate(b, validApply.Validate, func() error { return handValidateApply(validApply) }, true)
	})
	b.Run("every_field_wrong", func(b *testing.B) {
		compareValidate(b, invalidApply.Validate, func() error { return handValidateApply(invalidApply) }, false)
	})
}
