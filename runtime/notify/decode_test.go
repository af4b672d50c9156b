package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// aliased mirrors what the generator emits for a plaintext with an alias
// (mch_id for mchid) and a one-of group.
type aliased struct {
	MchID  string           `json:"mchid"`
	OpenID string           `json:"openid"`
	Count  int64            `json:"count"`
	Time   wxtime.ChinaTime `json:"time"`
}

func (a *aliased) UnmarshalJSON(data []byte) error {
	type plain aliased
	var alias struct {
		MchID string `json:"mch_id"`
	}
	if err := json.Unmarshal(data, (*plain)(a)); err != nil {
		return err
	}
	if err := json.Unmarshal(data, &alias); err != nil {
		return err
	}
	return notify.MergeAlias("mchid", &a.MchID, "mch_id", alias.MchID)
}

var ruleMchID = &validate.StringRule{Required: true, MaxLength: 32}

func (a *aliased) Validate() error {
	var c validate.Collector
	c.String("mchid", a.MchID, ruleMchID)
	c.String("openid", a.OpenID, &validate.StringRule{Required: true})
	return c.Err("test.aliased")
}

func TestDecodePlaintext(t *testing.T) {
	const secret = "oSECRETvalue0123456789"
	tests := []struct {
		name, in string
		want     string // "" means success
		cause    any    // pointer to the error type errors.As must reach
	}{
		{"name", `{"mchid":"1230000109","openid":"` + secret + `"}`, "", nil},
		{"alias", `{"mch_id":"1230000109","openid":"` + secret + `"}`, "", nil},
		{"both equal", `{"mchid":"1","mch_id":"1","openid":"` + secret + `"}`, "", nil},
		{"both differ", `{"mchid":"1","mch_id":"2","openid":"` + secret + `"}`,
			`notify: invalid decrypted resource: fields "mchid" and "mch_id" are two spellings of one field and must not differ`,
			new(*notify.AliasConflictError)},
		{"invalid", `{"mchid":"1","openid":"` + secret + `",}`,
			"notify: invalid decrypted resource: invalid JSON at byte offset 48", nil},
		{"number in string field", `{"mchid":"1","openid":12345678901234567890e999}`,
			`notify: invalid decrypted resource: field "openid" must not be a JSON number`, nil},
		{"number kept out", `{"mchid":"1","openid":"` + secret + `","count":1e999}`,
			`notify: invalid decrypted resource: field "count" must not be a JSON number`, nil},
		{"array", `["` + secret + `"]`, "notify: invalid decrypted resource: the value must not be a JSON array", nil},
		{"bad time", `{"mchid":"1","openid":"` + secret + `","time":"2018-02-25"}`,
			"notify: invalid decrypted resource: wxtime: not a valid yyyyMMddHHmmss time (10 bytes)", nil},
		{"limits", `{"mchid":"123456789012345678901234567890123","openid":""}`,
			"notify: invalid decrypted resource: test.aliased: 2 invalid fields: mchid: too long: 33 characters, maximum 32; openid: required",
			new(*validate.Errors)},
		{"null", `null`, "notify: invalid decrypted resource: test.aliased: 2 invalid fields: mchid: required; openid: required", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got aliased
			err := notify.DecodePlaintext([]byte(tt.in), &got)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got.MchID == "" || got.OpenID != secret {
					t.Fatalf("decoded %+v", got)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %s", tt.in)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
			if !errors.Is(err, notify.ErrInvalidPlaintext) {
				t.Error("error does not match ErrInvalidPlaintext")
			}
			var pm interface{ PublicMessage() string }
			if !errors.As(err, &pm) || pm.PublicMessage() != "invalid notification data" {
				t.Error("no public message for the reply")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "1e999") {
				t.Errorf("error quotes the plaintext: %v", err)
			}
			switch target := tt.cause.(type) {
			case **notify.AliasConflictError:
				if !errors.As(err, target) || (*target).Alias != "mch_id" {
					t.Errorf("errors.As does not reach the *AliasConflictError")
				}
			case **validate.Errors:
				if !errors.As(err, target) || len((*target).Fields) != 2 {
					t.Errorf("errors.As does not reach the *validate.Errors")
				}
			}
		})
	}
}

func TestMergeAlias(t *testing.T) {
	tests := []struct {
		name, v, alias, want string
		conflict             bool
	}{
		{"neither", "", "", "", false},
		{"name only", "a", "", "a", false},
		{"alias only", "", "b", "b", false},
		{"equal", "a", "a", "a", false},
		{"different", "a", "b", "a", true},
	}
	for _, tt := range tests {
		v := tt.v
		err := notify.MergeAlias("mchid", &v, "mch_id", tt.alias)
		if (err != nil) != tt.conflict || v != tt.want {
			t.Errorf("%s: got %q, %v; want %q, conflict %v", tt.name, v, err, tt.want, tt.conflict)
		}
	}
	n := int64(0)
	if err := notify.MergeAlias("total", &n, "total_fee", 7); err != nil || n != 7 {
		t.Errorf("int alias: got %d, %v", n, err)
	}
}

func TestUnknownEventError(t *testing.T) {
	err := error(&notify.UnknownEventError{EventType: "PAYSCORE.USER_PAID"})
	if !errors.Is(err, notify.ErrUnknownEventType) {
		t.Error("does not match ErrUnknownEventType")
	}
	if got, want := err.Error(), `notify: unknown event type "PAYSCORE.USER_PAID"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	err = &notify.UnknownEventError{EventType: strings.Repeat("X", 100), NoCallback: true}
	if got, want := err.Error(), `notify: no callback for event type "`+strings.Repeat("X", 64)+`..."`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestLimitBody(t *testing.T) {
	const limit = 4096
	f := newFixture(t, func(c *notify.Config) { c.MaxBodyBytes = 3 * limit })
	p := f.parser.LimitBody(limit)
	if p.MaxBodyBytes() != limit || f.parser.MaxBodyBytes() != 3*limit {
		t.Fatalf("limits %d (limited), %d (original)", p.MaxBodyBytes(), f.parser.MaxBodyBytes())
	}
	for _, n := range []int64{0, -1, 3 * limit, 4 * limit} {
		if got := f.parser.LimitBody(n); got != f.parser {
			t.Errorf("LimitBody(%d) made a new Parser with limit %d", n, got.MaxBodyBytes())
		}
	}
	if (*notify.Parser)(nil).LimitBody(limit) != nil {
		t.Error("LimitBody on nil is not nil")
	}

	pad := func(n int) []byte {
		b := f.body(t)
		return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
	}
	if _, err := p.Parse(f.request(t, pad(limit))); err != nil {
		t.Fatalf("body of exactly the limit: %v", err)
	}
	_, err := p.Parse(f.request(t, pad(limit+1)))
	if !errors.Is(err, notify.ErrBodyTooLarge) || !strings.Contains(err.Error(), "limit 4096 bytes") {
		t.Fatalf("err = %v, want ErrBodyTooLarge with the lower limit", err)
	}
	// The original keeps its own limit.
	if _, err := f.parser.Parse(f.request(t, pad(limit+1))); err != nil {
		t.Fatalf("original parser: %v", err)
	}
	// The handler answers 413 with the limited parser.
	h := notify.NewHandler(p, nil, func(context.Context, *notify.Notification) error { return nil }, notify.WithLogger(nil))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, f.request(t, pad(limit+1)))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("handler status %d, want 413", w.Code)
	}
}
