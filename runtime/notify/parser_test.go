package notify_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"

	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

func TestParseValid(t *testing.T) {
	for _, mode := range []struct {
		name string
		new  func(testing.TB, ...fixtureOption) *fixture
	}{
		{"public key", newFixture},
		{"platform certificate", newCertFixture},
	} {
		t.Run(mode.name, func(t *testing.T) {
			f := mode.new(t)
			env := f.envelope(t)
			body := marshal(t, env)
			req := f.request(t, body)
			n, err := f.parser.Parse(req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(env, n.Envelope); diff != "" {
				t.Errorf("Envelope mismatch (-want +got):\n%s", diff)
			}
			if !bytes.Equal(n.Plaintext, f.plaintext) {
				t.Errorf("Plaintext = %q, want %q", n.Plaintext, f.plaintext)
			}
			if n.Serial != f.signer.Serial {
				t.Errorf("Serial = %q, want %q", n.Serial, f.signer.Serial)
			}
			if !n.Timestamp.Equal(fixedNow) {
				t.Errorf("Timestamp = %v, want %v", n.Timestamp, fixedNow)
			}
			if n.Nonce != req.Header.Get(notify.HeaderNonce) || n.Nonce == "" {
				t.Errorf("Nonce = %q, want the header's %q", n.Nonce, req.Header.Get(notify.HeaderNonce))
			}
			// Printing a Notification must not print user data.
			for _, s := range []string{fmt.Sprint(n), fmt.Sprintf("%+v", n)} {
				assertNoSecrets(t, "Notification.String", s, f.secrets(body))
				if !strings.Contains(s, env.ID) {
					t.Errorf("String() = %q lacks the event id", s)
				}
			}
		})
	}
}

func TestParseAssociatedData(t *testing.T) {
	f := newFixture(t)
	for _, ad := range []string{"", "certificate", "fifteen-bytes!!"} {
		t.Run(strconv.Quote(ad), func(t *testing.T) {
			env := f.envelope(t)
			res, err := notifytest.Encrypt(f.apiV3Key, f.plaintext, ad, notifytest.RandomString(12))
			if err != nil {
				t.Fatal(err)
			}
			env.Resource = res
			n, err := f.parser.Parse(f.request(t, marshal(t, env)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(n.Plaintext, f.plaintext) {
				t.Errorf("Plaintext = %q", n.Plaintext)
			}
		})
	}
}

func TestParseTimestampWindow(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{
		{0, true},
		{-5 * time.Minute, true},
		{5 * time.Minute, true},
		{-5*time.Minute - time.Second, false}, // stale
		{5*time.Minute + time.Second, false},  // future
		{-24 * time.Hour, false},
		{365 * 24 * time.Hour, false},
	} {
		t.Run(tc.offset.String(), func(t *testing.T) {
			s := *f.signer
			s.Now = func() time.Time { return fixedNow.Add(tc.offset) }
			body := f.body(t)
			h, err := s.Headers(body)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.parser.Parse(requestWith(body, h))
			if tc.ok {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var te *notify.TimestampError
			if !errors.As(err, &te) || !errors.Is(err, notify.ErrStaleTimestamp) {
				t.Fatalf("err = %v, want *TimestampError wrapping ErrStaleTimestamp", err)
			}
			want := notify.TimestampError{Timestamp: fixedNow.Add(tc.offset), Now: fixedNow, Window: 5 * time.Minute}
			if !te.Timestamp.Equal(want.Timestamp) || !te.Now.Equal(want.Now) || te.Window != want.Window {
				t.Errorf("TimestampError = %+v, want %+v", *te, want)
			}
		})
	}
}

func TestParseCustomWindow(t *testing.T) {
	f := newFixture(t, func(c *notify.Config) { c.TimestampWindow = time.Minute })
	s := *f.signer
	s.Now = func() time.Time { return fixedNow.Add(-2 * time.Minute) }
	body := f.body(t)
	h, err := s.Headers(body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.parser.Parse(requestWith(body, h)); !errors.Is(err, notify.ErrStaleTimestamp) {
		t.Fatalf("err = %v, want ErrStaleTimestamp", err)
	}
}

// errorCase builds a request that Parse must reject.
type errorCase struct {
	name  string
	build func(t *testing.T, f *fixture) (*http.Request, []byte)
	want  error
	check func(t *testing.T, err error) // optional
}

func withHeader(name, value string) func(*testing.T, *fixture) (*http.Request, []byte) {
	return func(t *testing.T, f *fixture) (*http.Request, []byte) {
		body := f.body(t)
		r := f.request(t, body)
		if value == "" {
			r.Header.Del(name)
		} else {
			r.Header.Set(name, value)
		}
		return r, body
	}
}

func headerIs(name, reason string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var he *notify.HeaderError
		if !errors.As(err, &he) {
			t.Fatalf("err = %v, want *HeaderError", err)
		}
		if he.Header != name || he.Reason != reason {
			t.Errorf("HeaderError = %+v, want {%s %s}", *he, name, reason)
		}
	}
}

// signedEnvelope encrypts and signs a valid envelope after mutate changed it.
func signedEnvelope(mutate func(t *testing.T, f *fixture, env *notify.Envelope)) func(*testing.T, *fixture) (*http.Request, []byte) {
	return func(t *testing.T, f *fixture) (*http.Request, []byte) {
		env := f.envelope(t)
		mutate(t, f, &env)
		body := marshal(t, env)
		return f.request(t, body), body
	}
}

// signedBody signs an arbitrary body.
func signedBody(body string) func(*testing.T, *fixture) (*http.Request, []byte) {
	return func(t *testing.T, f *fixture) (*http.Request, []byte) {
		return f.request(t, []byte(body)), []byte(body)
	}
}

func parseErrorCases() []errorCase {
	cases := []errorCase{
		{
			name: "tampered body",
			build: func(t *testing.T, f *fixture) (*http.Request, []byte) {
				body := f.body(t)
				r := f.request(t, body)
				tampered := bytes.Replace(body, []byte("USER_OPEN_SERVICE"), []byte("USER_CLOSE_SERVICE"), 1)
				if bytes.Equal(tampered, body) {
					t.Fatal("tampering changed nothing")
				}
				return requestWith(tampered, r.Header), tampered
			},
			want: notify.ErrSignature,
			check: func(t *testing.T, err error) {
				var se *notify.SignatureError
				if !errors.As(err, &se) || se.Serial != pubKeyID || se.Cause == nil {
					t.Errorf("err = %#v, want *SignatureError{Serial: %q} with a Cause", err, pubKeyID)
				}
			},
		},
		{
			name: "wrong signing key",
			build: func(t *testing.T, f *fixture) (*http.Request, []byte) {
				_, other := rsaKeys(t)
				s := *f.signer
				s.PrivateKey = other
				body := f.body(t)
				h, err := s.Headers(body)
				if err != nil {
					t.Fatal(err)
				}
				return requestWith(body, h), body
			},
			want: notify.ErrSignature,
		},
		{
			// The signature is checked before the body is decoded.
			name: "unsigned malformed body",
			build: func(t *testing.T, f *fixture) (*http.Request, []byte) {
				r := f.request(t, f.body(t))
				return requestWith([]byte(`{"id":`), r.Header), []byte(`{"id":`)
			},
			want: notify.ErrSignature,
		},
		{name: "unknown serial", build: withHeader(notify.HeaderSerial, "PUB_KEY_ID_OTHER"), want: notify.ErrSignature},
		{name: "signature not base64", build: withHeader(notify.HeaderSignature, "!!!"), want: notify.ErrSignature},
		{
			name: "nonce header changed",
			build: func(t *testing.T, f *fixture) (*http.Request, []byte) {
				body := f.body(t)
				r := f.request(t, body)
				r.Header.Set(notify.HeaderNonce, r.Header.Get(notify.HeaderNonce)+"x")
				return r, body
			},
			want: notify.ErrSignature,
		},
		{
			name:  "non-integer timestamp",
			build: withHeader(notify.HeaderTimestamp, "1748779200a"),
			want:  notify.ErrHeader,
			check: headerIs(notify.HeaderTimestamp, "not an integer"),
		},
		{
			name:  "signed timestamp",
			build: withHeader(notify.HeaderTimestamp, "+1748779200"),
			want:  notify.ErrHeader,
			check: headerIs(notify.HeaderTimestamp, "not an integer"),
		},
		{
			name:  "timestamp overflow",
			build: withHeader(notify.HeaderTimestamp, "99999999999999999999999"),
			want:  notify.ErrHeader,
			check: headerIs(notify.HeaderTimestamp, "out of range"),
		},
		{
			name:  "unsupported signature type",
			build: withHeader(notify.HeaderSignatureType, "WECHATPAY2-SM2-WITH-SM3"),
			want:  notify.ErrHeader,
			check: headerIs(notify.HeaderSignatureType, "unsupported"),
		},
		{name: "malformed JSON", build: signedBody(`{"id":"EV-1",`), want: notify.ErrMalformed},
		{name: "empty body", build: signedBody(``), want: notify.ErrMalformed},
		{name: "trailing comma as in the doc example", build: signedBody(`{"id":"EV-1","resource":{"algorithm":"AEAD_AES_256_GCM",},}`), want: notify.ErrMalformed},
		{name: "wrong field type", build: signedBody(`{"id":"EV-1","resource":"AEAD_AES_256_GCM"}`), want: notify.ErrMalformed},
		{name: "number for string", build: signedBody(`{"id":12345678901234567890}`), want: notify.ErrMalformed},
		{name: "trailing data", build: signedBody(`{"id":"EV-1"} {}`), want: notify.ErrMalformed},
		{name: "missing id", build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.ID = "" }), want: notify.ErrMalformed},
		{
			name:  "wrong algorithm",
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.Resource.Algorithm = "AEAD_AES_128_GCM" }),
			want:  notify.ErrUnsupportedAlgorithm,
		},
		{
			name:  "missing resource",
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.Resource = notify.Resource{} }),
			want:  notify.ErrMalformed,
			check: envelopeFieldIs("resource.ciphertext"),
		},
		{
			name: "broken GCM tag",
			build: signedEnvelope(func(t *testing.T, _ *fixture, e *notify.Envelope) {
				ct, err := base64.StdEncoding.DecodeString(e.Resource.Ciphertext)
				if err != nil {
					t.Fatal(err)
				}
				ct[len(ct)-1] ^= 1
				e.Resource.Ciphertext = base64.StdEncoding.EncodeToString(ct)
			}),
			want: notify.ErrDecrypt,
		},
		{
			name:  "wrong associated data",
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.Resource.AssociatedData = "certificate" }),
			want:  notify.ErrDecrypt,
		},
		{
			name:  "wrong resource nonce",
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.Resource.Nonce = "000000000000" }),
			want:  notify.ErrDecrypt,
		},
		{
			name:  "ciphertext shorter than the tag",
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.Resource.Ciphertext = "AAAA" }),
			want:  notify.ErrDecrypt,
		},
		{
			name:  "ciphertext not base64",
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { e.Resource.Ciphertext = "not base64!" }),
			want:  notify.ErrDecrypt,
		},
		{
			name: "body read error",
			build: func(t *testing.T, f *fixture) (*http.Request, []byte) {
				body := f.body(t)
				r := f.request(t, body)
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:10]), iotest.ErrReader(errors.New("connection reset"))))
				r.ContentLength = -1
				return r, body
			},
			want: notify.ErrReadBody,
		},
	}
	// The doc example's nonce "fdasflkja484w" has 13 bytes; GCM needs 12.
	// The 12-byte one is the right size but not the nonce used to encrypt.
	for _, nonce := range []string{"fdasflkja484", "fdasflkja484w", "fdasflkja48"} {
		cases = append(cases, errorCase{
			name: fmt.Sprintf("resource nonce of %d bytes", len(nonce)),
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) {
				e.Resource.Nonce = nonce
			}),
			want: notify.ErrDecrypt,
		})
	}
	cases = append(cases, envelopeLimitCases()...)
	cases = append(cases, strictJSONCases()...)
	for _, h := range []string{notify.HeaderSignature, notify.HeaderTimestamp, notify.HeaderNonce, notify.HeaderSerial} {
		cases = append(cases,
			errorCase{name: "missing " + h, build: withHeader(h, ""), want: notify.ErrHeader, check: headerIs(h, "missing")},
			errorCase{name: "blank " + h, build: withHeader(h, " \t "), want: notify.ErrHeader, check: headerIs(h, "missing")},
		)
	}
	return cases
}

func TestParseErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range parseErrorCases() {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.build(t, f)
			n, err := f.parser.Parse(r)
			if err == nil {
				t.Fatalf("Parse succeeded: %v", n)
			}
			if n != nil {
				t.Errorf("Parse returned a Notification with error %v", err)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want errors.Is %v", err, tc.want)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
			assertErrorClean(t, err, f.secrets(body))
		})
	}
}

// assertErrorClean checks every rendering of err for secrets.
func assertErrorClean(t *testing.T, err error, secrets []string) {
	t.Helper()
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
		assertNoSecrets(t, "error", s, secrets)
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		assertNoSecrets(t, "wrapped error", e.Error(), secrets)
	}
}

func TestParseWrongAPIv3Key(t *testing.T) {
	f := newFixture(t)
	other := notifytest.RandomString(32)
	p, err := notify.NewParser(notify.Config{APIv3Key: other, Verifier: f.verifier, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	body := f.body(t)
	_, err = p.Parse(f.request(t, body))
	if !errors.Is(err, notify.ErrDecrypt) {
		t.Fatalf("err = %v, want ErrDecrypt", err)
	}
	assertErrorClean(t, err, append(f.secrets(body), other))
}

func TestParseCertificateModeUnknownSerial(t *testing.T) {
	f := newCertFixture(t)
	body := f.body(t)
	r := f.request(t, body)
	r.Header.Set(notify.HeaderSerial, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1")
	_, err := f.parser.Parse(r)
	if !errors.Is(err, notify.ErrSignature) {
		t.Fatalf("err = %v, want ErrSignature", err)
	}
	assertErrorClean(t, err, f.secrets(body))
}

func TestParseBodyLimit(t *testing.T) {
	const limit = 4096
	f := newFixture(t, func(c *notify.Config) { c.MaxBodyBytes = limit })
	if got := f.parser.MaxBodyBytes(); got != limit {
		t.Fatalf("MaxBodyBytes = %d, want %d", got, limit)
	}
	// Trailing whitespace keeps the JSON valid, so the size is the only variable.
	pad := func(n int) []byte {
		b := f.body(t)
		return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
	}
	// The declared length is a hint only: unknown, or understated (the
	// reader sizes its buffer by it), the limit holds the same.
	for _, declared := range []string{"exact", "unknown", "understated"} {
		t.Run("length "+declared, func(t *testing.T) {
			req := func(body []byte) *http.Request {
				r := f.request(t, body)
				switch declared {
				case "unknown":
					r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body)))
					r.ContentLength = -1
				case "understated":
					r.ContentLength = 10
				}
				return r
			}
			if _, err := f.parser.Parse(req(pad(limit))); err != nil {
				t.Fatalf("body of exactly the limit: %v", err)
			}
			body := pad(limit + 1)
			_, err := f.parser.Parse(req(body))
			if !errors.Is(err, notify.ErrBodyTooLarge) {
				t.Fatalf("err = %v, want ErrBodyTooLarge", err)
			}
			assertErrorClean(t, err, f.secrets(body))
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	if notify.DefaultMaxBodyBytes != 1_048_576+65_536 {
		t.Errorf("DefaultMaxBodyBytes = %d", notify.DefaultMaxBodyBytes)
	}
	f := newFixture(t)
	if got := f.parser.MaxBodyBytes(); got != notify.DefaultMaxBodyBytes {
		t.Errorf("MaxBodyBytes = %d, want the default", got)
	}
	// A resource with the largest ciphertext the doc allows must fit.
	pt := bytes.Repeat([]byte("a"), 1_048_576/4*3-16)
	env := f.envelope(t)
	res, err := notifytest.Encrypt(f.apiV3Key, pt, "", notifytest.RandomString(12))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Ciphertext) != 1_048_576 {
		t.Fatalf("ciphertext has %d characters, want 1048576", len(res.Ciphertext))
	}
	env.Resource = res
	n, err := f.parser.Parse(f.request(t, marshal(t, env)))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Plaintext) != len(pt) {
		t.Errorf("plaintext has %d bytes, want %d", len(n.Plaintext), len(pt))
	}
}

func TestNewParserValidation(t *testing.T) {
	key, _ := rsaKeys(t)
	v := verifiers.NewSHA256WithRSAPubkeyVerifier(pubKeyID, key.PublicKey)
	good := notifytest.RandomString(32)
	for _, tc := range []struct {
		name string
		cfg  notify.Config
	}{
		{"short key", notify.Config{APIv3Key: good[:31], Verifier: v}},
		{"long key", notify.Config{APIv3Key: good + "X", Verifier: v}},
		{"empty key", notify.Config{Verifier: v}},
		{"nil verifier", notify.Config{APIv3Key: good}},
		{"negative window", notify.Config{APIv3Key: good, Verifier: v, TimestampWindow: -time.Second}},
		{"negative body limit", notify.Config{APIv3Key: good, Verifier: v, MaxBodyBytes: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := notify.NewParser(tc.cfg)
			if err == nil || p != nil {
				t.Fatalf("NewParser = %v, %v; want an error", p, err)
			}
			if !errors.Is(err, notify.ErrInvalidConfig) {
				t.Errorf("err = %v, want ErrInvalidConfig", err)
			}
			assertNoSecrets(t, "error", err.Error(), []string{good, good[:31], good + "X"})
		})
	}
}

func TestConfigRedactsKey(t *testing.T) {
	key := notifytest.RandomString(32)
	cfg := notify.Config{APIv3Key: key}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(&cfg)} {
		if strings.Contains(s, key) {
			t.Errorf("formatted Config leaks the key: %s", s)
		}
	}
}

func envelopeFieldIs(field string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ee *notify.EnvelopeError
		if !errors.As(err, &ee) || ee.Field != field {
			t.Fatalf("err = %v, want an *EnvelopeError for %s", err, field)
		}
	}
}

// Why: envelope limits were not enforced (id <= 36, create_time RFC 3339,
// resource_type, resource.original_type, nonce, associated_data).
func envelopeLimitCases() []errorCase {
	type mut = func(e *notify.Envelope)
	cases := []struct {
		name, field string
		m           mut
	}{
		{"id of 37 characters", "id", func(e *notify.Envelope) { e.ID = "EV-" + strings.Repeat("1", 34) }},
		{"no id", "id", func(e *notify.Envelope) { e.ID = "" }},
		{"create_time yyyyMMddHHmmss", "create_time", func(e *notify.Envelope) { e.CreateTime = "20150520132935" }},
		{"create_time without zone", "create_time", func(e *notify.Envelope) { e.CreateTime = "2015-05-20T13:29:35" }},
		{"no create_time", "create_time", func(e *notify.Envelope) { e.CreateTime = "" }},
		{"no event_type", "event_type", func(e *notify.Envelope) { e.EventType = "" }},
		{"event_type of 33 characters", "event_type", func(e *notify.Envelope) { e.EventType = strings.Repeat("E", 33) }},
		{"no resource_type", "resource_type", func(e *notify.Envelope) { e.ResourceType = "" }},
		{"resource_type of 33 characters", "resource_type", func(e *notify.Envelope) { e.ResourceType = strings.Repeat("r", 33) }},
		{"summary of 65 characters", "summary", func(e *notify.Envelope) { e.Summary = strings.Repeat("授", 65) }},
		{"resource nonce of 0 bytes", "resource.nonce", func(e *notify.Envelope) { e.Resource.Nonce = "" }},
		{"resource nonce of 100 bytes", "resource.nonce", func(e *notify.Envelope) { e.Resource.Nonce = strings.Repeat("n", 100) }},
		{"associated_data of 17 bytes", "resource.associated_data", func(e *notify.Envelope) { e.Resource.AssociatedData = strings.Repeat("a", 17) }},
		{"original_type of 33 bytes", "resource.original_type", func(e *notify.Envelope) { e.Resource.OriginalType = strings.Repeat("o", 33) }},
	}
	var out []errorCase
	for _, c := range cases {
		out = append(out, errorCase{
			name:  c.name,
			build: signedEnvelope(func(_ *testing.T, _ *fixture, e *notify.Envelope) { c.m(e) }),
			want:  notify.ErrMalformed,
			check: envelopeFieldIs(c.field),
		})
	}
	return out
}

// Why: duplicate and case-variant keys were accepted ("id":"A","ID":"B"
// gave id B) and invalid UTF-8 ids were replaced with U+FFFD.
func strictJSONCases() []errorCase {
	edit := func(name string, f func(body string) string, wantText string) errorCase {
		return errorCase{
			name: name,
			build: func(t *testing.T, fx *fixture) (*http.Request, []byte) {
				body := []byte(f(string(fx.body(t))))
				return fx.request(t, body), body
			},
			want: notify.ErrMalformed,
			check: func(t *testing.T, err error) {
				t.Helper()
				if !strings.Contains(err.Error(), wantText) {
					t.Fatalf("err = %v, want it to say %q", err, wantText)
				}
			},
		}
	}
	repeat := func(member string) func(string) string {
		return func(b string) string { return strings.Replace(b, "{", "{"+member+",", 1) }
	}
	return []errorCase{
		edit("id repeated", repeat(`"id":"EV-A"`), "repeats an earlier member"),
		edit("ID beside id", repeat(`"ID":"EV-B"`), "repeats an earlier member"),
		edit("Id escaped beside id", repeat(`"\u0049d":"EV-B"`), "repeats an earlier member"),
		edit("Kelvin-sign case variant", repeat(`"\u212Aey":1,"key":2`), "repeats an earlier member"),
		edit("nested repeat", func(b string) string {
			return strings.Replace(b, `"resource":{`, `"resource":{"Nonce":"x",`, 1)
		}, "repeats an earlier member"),
		edit("invalid UTF-8 in id", func(b string) string {
			return strings.Replace(b, `"EV-2018022511223320873"`, "\"EV-\xff\"", 1)
		}, "invalid UTF-8"),
		edit("lone surrogate escape in id", func(b string) string {
			return strings.Replace(b, `"EV-2018022511223320873"`, `"EV-\ud800"`, 1)
		}, "unpaired surrogate"),
	}
}
