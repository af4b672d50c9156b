package callbacks_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

func TestOpenAndCloseEvents(t *testing.T) {
	for _, m := range []mode{publicKeyMode, certificateMode} {
		t.Run(m.String(), func(t *testing.T) {
			f := newFixture(t, m)
			var rec recorder
			h := f.handler(rec.handlers())

			// 授权成功, field table spelling, openid.
			openBody := f.seal(t, envelope("EV-OPEN-1", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
			assertSuccess(t, serve(h, f.request(t, openBody)), http.StatusNoContent)
			// 解除授权, JSON example spelling (mch_id, sub_mch_id), sub_openid, no channel_id.
			closeBody := f.seal(t, envelope("EV-CLOSE-1", acquiringbank.UserCloseServiceEventType), f.closePlaintext())
			assertSuccess(t, serve(h, f.request(t, closeBody)), http.StatusNoContent)

			if len(rec.opens) != 1 || len(rec.closes) != 1 {
				t.Fatalf("callbacks ran %d (open) and %d (close) times, want 1 each", len(rec.opens), len(rec.closes))
			}
			open := rec.opens[0]
			if e := open.Envelope; e.ID != "EV-OPEN-1" || e.EventType != "PAYSCORE.USER_OPEN_SERVICE" ||
				e.Summary != "授权成功" || e.CreateTime != "2015-05-20T13:29:35+08:00" || e.ResourceType != "encrypt-resource" {
				t.Errorf("open envelope %+v", e)
			}
			d := open.Data
			if d.AppID != "wxd678efh567hg6787" || d.MchID != "1230000109" || d.SubMchID != "1900000109" ||
				d.ChannelID != "1230000111" || d.ServiceID != "500001" || d.OpenID != f.openID || d.SubOpenID != "" ||
				d.AuthorizationCode != f.authCode || d.UserServiceStatus != acquiringbank.UserServiceStatusUserOpenService {
				t.Errorf("open data %+v", d)
			}
			// 20180225112233 is China time: 03:22:33 UTC.
			if want := time.Date(2018, 2, 25, 3, 22, 33, 0, time.UTC); !d.OpenorcloseTime.Equal(want) {
				t.Errorf("openorclose_time %v, want %v", d.OpenorcloseTime.Time, want)
			}
			if d.OpenorcloseTime.Location() != wxtime.China || d.OpenorcloseTime.String() != "20180225112233" {
				t.Errorf("openorclose_time not kept in China time: %v", d.OpenorcloseTime.Time)
			}

			cl := rec.closes[0]
			if cl.Envelope.ID != "EV-CLOSE-1" || cl.Envelope.Summary != "解除授权成功" {
				t.Errorf("close envelope %+v", cl.Envelope)
			}
			d = cl.Data
			if d.MchID != "1230000109" || d.SubMchID != "1900000109" || d.SubOpenID != f.subOpenID || d.OpenID != "" ||
				d.ChannelID != "" || d.UserServiceStatus != acquiringbank.UserServiceStatusUserCloseService ||
				!d.OpenorcloseTime.Equal(time.Date(2019, 7, 30, 8, 36, 59, 0, time.UTC)) {
				t.Errorf("close data %+v", d)
			}
			assertNoSecrets(t, "logs", f.logs.String(), f.secrets(openBody, closeBody))
		})
	}
}

func TestBothSpellingsWithTheSameValue(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	var rec recorder
	h := f.handler(rec.handlers())
	pt := bytes.Replace(f.openPlaintext(), []byte(`"mchid":"1230000109",`), []byte(`"mchid":"1230000109","mch_id":"1230000109",`), 1)
	body := f.seal(t, envelope("EV-BOTH", acquiringbank.UserOpenServiceEventType), pt)
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	if rec.calls() != 1 || rec.opens[0].Data.MchID != "1230000109" {
		t.Fatalf("calls %d", rec.calls())
	}
}

func TestSuccessStatus200(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	var rec recorder
	h := f.handler(rec.handlers(), notify.WithSuccessStatus(http.StatusOK))
	body := f.seal(t, envelope("EV-200", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusOK)
	// A duplicate gets the same answer.
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusOK)
	if rec.calls() != 1 {
		t.Fatalf("callback ran %d times", rec.calls())
	}
}

func TestDuplicateDeliveriesRunTheCallbackOnce(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	var rec recorder
	h := f.handler(rec.handlers())
	body := f.seal(t, envelope("EV-DUP", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
	for i := range 3 {
		// Each delivery is signed anew, like a WeChat retry.
		assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
		if rec.calls() != 1 {
			t.Fatalf("after delivery %d the callback ran %d times", i+1, rec.calls())
		}
	}
	// Same id, new encryption (another resource nonce): still the same notification.
	again := f.seal(t, envelope("EV-DUP", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
	assertSuccess(t, serve(h, f.request(t, again)), http.StatusNoContent)
	if rec.calls() != 1 {
		t.Fatalf("re-encrypted duplicate ran the callback: %d runs", rec.calls())
	}
	if !strings.Contains(f.logs.String(), "duplicate of a processed notification") {
		t.Errorf("duplicates are not logged:\n%s", f.logs)
	}
}

func TestConcurrentDuplicatesRunTheCallbackOnce(t *testing.T) {
	const deliveries = 100
	f := newFixture(t, publicKeyMode)
	var rec recorder
	hs := rec.handlers()
	inner := hs.OnUserOpenService
	hs.OnUserOpenService = func(ctx context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
		time.Sleep(50 * time.Millisecond) // keep the claim while the others arrive
		return inner(ctx, ev)
	}
	h := f.handler(hs)
	body := f.seal(t, envelope("EV-CONCURRENT", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
	reqs := make([]*http.Request, deliveries)
	for i := range reqs {
		reqs[i] = f.request(t, body)
	}

	codes := make([]int, deliveries)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Go(func() {
			<-start
			w := serve(h, reqs[i])
			codes[i] = w.Code
			if w.Code == http.StatusServiceUnavailable {
				assertFail(t, w, http.StatusServiceUnavailable, "in progress")
			}
		})
	}
	close(start)
	wg.Wait()

	if got := rec.calls(); got != 1 {
		t.Fatalf("callback ran %d times for %d concurrent deliveries, want 1", got, deliveries)
	}
	var ok, busy int
	for _, c := range codes {
		switch c {
		case http.StatusNoContent:
			ok++
		case http.StatusServiceUnavailable:
			busy++ // WeChat retries it later, and then gets 204
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	if ok == 0 || busy == 0 {
		t.Errorf("%d acknowledged, %d told to retry: want both (the claim must overlap)", ok, busy)
	}
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	if rec.calls() != 1 {
		t.Fatal("a later retry ran the callback again")
	}
}

func TestFailingCallbackIsRunAgainOnRedelivery(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	var runs int
	hs := acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(context.Context, *acquiringbank.UserOpenServiceEvent) error {
			runs++
			if runs == 1 {
				return errors.New("database unavailable")
			}
			return nil
		},
	}
	h := f.handler(hs)
	body := f.seal(t, envelope("EV-RETRY", acquiringbank.UserOpenServiceEventType), f.openPlaintext())

	assertFail(t, serve(h, f.request(t, body)), http.StatusInternalServerError, "processing failed")
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	if runs != 2 {
		t.Fatalf("callback ran %d times, want 2 (failed, then succeeded on redelivery)", runs)
	}
	if !strings.Contains(f.logs.String(), "database unavailable") {
		t.Errorf("the callback's error is not logged:\n%s", f.logs)
	}
}

func TestPanicInCallback(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	var runs int
	hs := acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			runs++
			if runs == 1 {
				panic("cannot handle user " + ev.Data.OpenID) // the panic value quotes user data
			}
			return nil
		},
	}
	h := f.handler(hs)
	body := f.seal(t, envelope("EV-PANIC", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
	w := serve(h, f.request(t, body))
	assertFail(t, w, http.StatusInternalServerError, "internal error")
	logs := f.logs.String()
	if !strings.Contains(logs, "dispatch panicked") {
		t.Errorf("panic not logged:\n%s", logs)
	}
	assertNoSecrets(t, "logs", logs, f.secrets(body))
	// The claim was released: the redelivery runs the callback again.
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	if runs != 2 {
		t.Fatalf("callback ran %d times, want 2", runs)
	}
}

// rejection is a request the handler must refuse without running a callback.
type rejection struct {
	name    string
	status  int
	message string
	// build returns the request and the bodies it carries (for the leak check).
	build func(t *testing.T, f *fixture) (*http.Request, [][]byte)
}

func rejections() []rejection {
	openEnv := func() notify.Envelope { return envelope("EV-BAD", acquiringbank.UserOpenServiceEventType) }
	signed := func(mutate func(f *fixture, env *notify.Envelope, pt []byte) []byte) func(*testing.T, *fixture) (*http.Request, [][]byte) {
		return func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
			env := openEnv()
			pt := mutate(f, &env, f.openPlaintext())
			body := f.seal(t, env, pt)
			return f.request(t, body), [][]byte{body}
		}
	}
	withPlaintext := func(change func(f *fixture, pt []byte) []byte) func(*testing.T, *fixture) (*http.Request, [][]byte) {
		return signed(func(f *fixture, _ *notify.Envelope, pt []byte) []byte { return change(f, pt) })
	}
	replace := func(old, new string) func(*fixture, []byte) []byte {
		return func(_ *fixture, pt []byte) []byte {
			out := bytes.Replace(pt, []byte(old), []byte(new), 1)
			if bytes.Equal(out, pt) {
				panic("replace: " + old + " not found")
			}
			return out
		}
	}
	missingHeader := func(name string) rejection {
		return rejection{"missing " + name, http.StatusUnauthorized, "missing or invalid Wechatpay headers",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				body := f.seal(t, openEnv(), f.openPlaintext())
				r := f.request(t, body)
				r.Header.Del(name)
				return r, [][]byte{body}
			}}
	}
	const invalidData = "invalid notification data"
	return []rejection{
		{"tampered body", http.StatusUnauthorized, "signature verification failed",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				body := f.seal(t, openEnv(), f.openPlaintext())
				r := f.request(t, body)
				tampered := bytes.Replace(body, []byte("EV-BAD"), []byte("EV-BAE"), 1)
				r.Body = nopCloser{bytes.NewReader(tampered)}
				return r, [][]byte{body, tampered}
			}},
		{"wrong signing key", http.StatusUnauthorized, "signature verification failed",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				_, stranger := keys(t)
				f.signer.PrivateKey = stranger
				body := f.seal(t, openEnv(), f.openPlaintext())
				return f.request(t, body), [][]byte{body}
			}},
		{"stale timestamp", http.StatusUnauthorized, "timestamp out of range",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				f.signer.Now = func() time.Time { return now.Add(-6 * time.Minute) }
				body := f.seal(t, openEnv(), f.openPlaintext())
				return f.request(t, body), [][]byte{body}
			}},
		{"future timestamp", http.StatusUnauthorized, "timestamp out of range",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				f.signer.Now = func() time.Time { return now.Add(6 * time.Minute) }
				body := f.seal(t, openEnv(), f.openPlaintext())
				return f.request(t, body), [][]byte{body}
			}},
		{"broken GCM tag", http.StatusBadRequest, "decryption failed",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				var env notify.Envelope
				if err := json.Unmarshal(f.seal(t, openEnv(), f.openPlaintext()), &env); err != nil {
					t.Fatal(err)
				}
				ct, _ := base64.StdEncoding.DecodeString(env.Resource.Ciphertext)
				ct[len(ct)-1] ^= 0x01 // last byte of the 16-byte tag
				env.Resource.Ciphertext = base64.StdEncoding.EncodeToString(ct)
				body, _ := json.Marshal(env)
				return f.request(t, body), [][]byte{body}
			}},
		{"wrong APIv3 key", http.StatusBadRequest, "decryption failed",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				body, err := notifytest.SealEnvelope(strings.Repeat("k", 32), openEnv(), f.openPlaintext())
				if err != nil {
					t.Fatal(err)
				}
				return f.request(t, body), [][]byte{body}
			}},
		{"wrong algorithm", http.StatusBadRequest, "unsupported algorithm",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				var env notify.Envelope
				_ = json.Unmarshal(f.seal(t, openEnv(), f.openPlaintext()), &env)
				env.Resource.Algorithm = "AEAD_AES_128_GCM"
				body, _ := json.Marshal(env)
				return f.request(t, body), [][]byte{body}
			}},
		missingHeader(notify.HeaderSignature),
		missingHeader(notify.HeaderTimestamp),
		missingHeader(notify.HeaderNonce),
		missingHeader(notify.HeaderSerial),
		{"malformed envelope JSON", http.StatusBadRequest, "malformed notification",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				body := []byte(`{"id":"EV-BAD","event_type":"PAYSCORE.USER_OPEN_SERVICE","resource":{"algorithm":"AEAD_AES_256_GCM",}}`)
				return f.request(t, body), [][]byte{body}
			}},
		{"oversized body", http.StatusRequestEntityTooLarge, "request body too large",
			func(t *testing.T, f *fixture) (*http.Request, [][]byte) {
				body := f.seal(t, openEnv(), f.openPlaintext())
				body = append(body, bytes.Repeat([]byte(" "), acquiringbank.AuthorizationNotifyMaxBodyBytes+1-len(body))...)
				return f.request(t, body), nil
			}},
		{"malformed plaintext JSON", http.StatusInternalServerError, invalidData,
			withPlaintext(replace(`"authorization_code"`, `,"authorization_code"`))},
		{"openid and sub_openid", http.StatusInternalServerError, invalidData,
			withPlaintext(func(f *fixture, pt []byte) []byte {
				return replace(`"openid":`, `"sub_openid":"`+f.subOpenID+`","openid":`)(f, pt)
			})},
		{"neither openid nor sub_openid", http.StatusInternalServerError, invalidData,
			withPlaintext(func(f *fixture, pt []byte) []byte {
				return replace(`"openid":"`+f.openID+`",`, ``)(f, pt)
			})},
		{"mchid and mch_id differ", http.StatusInternalServerError, invalidData,
			withPlaintext(replace(`"mchid":"1230000109",`, `"mchid":"1230000109","mch_id":"1230000110",`))},
		{"unknown user_service_status", http.StatusInternalServerError, invalidData,
			withPlaintext(replace(`USER_OPEN_SERVICE`, `USER_PAUSE_SERVICE`))},
		{"openorclose_time not yyyyMMddHHmmss", http.StatusInternalServerError, invalidData,
			withPlaintext(replace(`20180225112233`, `2018-02-25 11:22:33`))},
		{"authorization_code missing", http.StatusInternalServerError, invalidData,
			withPlaintext(func(f *fixture, pt []byte) []byte {
				return replace(`,"authorization_code":"`+f.authCode+`"`, ``)(f, pt)
			})},
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func TestRejectedNotificationsDoNotRunCallbacks(t *testing.T) {
	for _, m := range []mode{publicKeyMode, certificateMode} {
		for _, rj := range rejections() {
			t.Run(m.String()+"/"+rj.name, func(t *testing.T) {
				f := newFixture(t, m)
				var rec recorder
				h := f.handler(rec.handlers())
				r, bodies := rj.build(t, f)
				w := serve(h, r)
				assertFail(t, w, rj.status, rj.message)
				if rec.calls() != 0 {
					t.Fatalf("a callback ran for a rejected notification")
				}
				secrets := f.secrets(bodies...)
				assertNoSecrets(t, "reply", w.Body.String(), secrets)
				assertNoSecrets(t, "logs", f.logs.String(), secrets)
				if f.logs.String() == "" {
					t.Error("rejection not logged")
				}
			})
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	var rec recorder
	r := f.request(t, f.seal(t, envelope("EV-GET", acquiringbank.UserOpenServiceEventType), f.openPlaintext()))
	r.Method = http.MethodGet
	w := serve(f.handler(rec.handlers()), r)
	assertFail(t, w, http.StatusMethodNotAllowed, "method not allowed")
	if rec.calls() != 0 {
		t.Fatal("callback ran for a GET")
	}
}

// Why: event types with no registered callback were acknowledged 204 and
// dropped; a merchant who registered only OnUserOpenService lost every close.
func TestHandlerWithoutACallbackIsRefused(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	onInvalid := func(context.Context, *notify.Invalid) error { return nil }
	_, err := acquiringbank.NewAuthorizationNotifyHandler(f.parser, nil, acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(context.Context, *acquiringbank.UserOpenServiceEvent) error { return nil },
		OnInvalid:         onInvalid,
	})
	if !errors.Is(err, notify.ErrInvalidConfig) || !strings.Contains(err.Error(), "OnUserCloseService (PAYSCORE.USER_CLOSE_SERVICE)") {
		t.Fatalf("err = %v, want ErrInvalidConfig naming OnUserCloseService", err)
	}
	_, err = acquiringbank.NewAuthorizationNotifyHandler(f.parser, nil, acquiringbank.AuthorizationNotifyHandlers{})
	if err == nil || !strings.Contains(err.Error(), "OnUserOpenService") || !strings.Contains(err.Error(), "OnInvalid is nil") {
		t.Fatalf("no callbacks at all: err = %v", err)
	}

	// With a default handler the close reaches user code.
	var defaults []*notify.Notification
	h := f.handler(acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(context.Context, *acquiringbank.UserOpenServiceEvent) error { return nil },
		Default: func(_ context.Context, n *notify.Notification) error {
			defaults = append(defaults, n)
			return nil
		},
	})
	closeBody := f.seal(t, envelope("EV-CLOSE", acquiringbank.UserCloseServiceEventType), f.closePlaintext())
	assertSuccess(t, serve(h, f.request(t, closeBody)), http.StatusNoContent)
	assertSuccess(t, serve(h, f.request(t, closeBody)), http.StatusNoContent)
	if len(defaults) != 1 || defaults[0].Envelope.EventType != acquiringbank.UserCloseServiceEventType || !bytes.Equal(defaults[0].Body, closeBody) {
		t.Fatalf("Default got %v, want the close notification once", defaults)
	}
}

// An event type the spec does not list is a dead letter, not a silent 204.
func TestUndocumentedEventTypeGoesToOnInvalid(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	body := f.seal(t, envelope("EV-PAID", "PAYSCORE.USER_PAID"), f.openPlaintext())
	var rec recorder
	var got []*notify.Invalid
	hs := rec.handlers()
	hs.OnInvalid = func(_ context.Context, inv *notify.Invalid) error { got = append(got, inv); return nil }
	h := f.handler(hs)
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
	if rec.calls() != 0 || len(got) != 1 {
		t.Fatalf("callbacks %d, OnInvalid %d; want 0 and 1", rec.calls(), len(got))
	}
	var unknown *notify.UnknownEventError
	if !errors.As(got[0].Err, &unknown) || unknown.EventType != "PAYSCORE.USER_PAID" {
		t.Fatalf("Err = %v", got[0].Err)
	}
}

// Why: a verified notification whose content breaks the doc (both or
// neither of openid/sub_openid, mchid != mch_id, a bad time, a repeated
// member) got 500 on every delivery for 3 days and never reached user
// code; and event_type was not checked against user_service_status (CLOSE
// inside an OPEN event ran OnUserOpenService).
func TestContentThatBreaksTheDocGoesToOnInvalid(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	open := string(f.openPlaintext())
	cases := []struct {
		name, eventType, plaintext, reason string
	}{
		{"both openid and sub_openid", acquiringbank.UserOpenServiceEventType,
			strings.Replace(open, `"openid"`, `"sub_openid":"oX","openid"`, 1), "openid"},
		{"neither openid nor sub_openid", acquiringbank.UserOpenServiceEventType,
			strings.Replace(open, `"openid":"`+f.openID+`",`, "", 1), "openid"},
		{"mchid and mch_id differ", acquiringbank.UserOpenServiceEventType,
			strings.Replace(open, `"mchid"`, `"mch_id":"1900000109","mchid"`, 1), "mch_id"},
		{"bad time", acquiringbank.UserOpenServiceEventType,
			strings.Replace(open, `"20180225112233"`, `"2018-02-25 11:22:33"`, 1), "yyyyMMddHHmmss"},
		{"repeated member", acquiringbank.UserOpenServiceEventType,
			strings.Replace(open, `"appid"`, `"APPID":"wx0","appid"`, 1), "repeats"},
		{"CLOSE status in an OPEN event", acquiringbank.UserOpenServiceEventType,
			strings.Replace(open, `"USER_OPEN_SERVICE"`, `"USER_CLOSE_SERVICE"`, 1), "user_service_status"},
		{"OPEN status in a CLOSE event", acquiringbank.UserCloseServiceEventType, open, "user_service_status"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.plaintext == open && tc.eventType == acquiringbank.UserOpenServiceEventType {
				t.Fatal("the case changed nothing")
			}
			var rec recorder
			var got []*notify.Invalid
			keep := errors.New("dead-letter store down")
			hs := rec.handlers()
			hs.OnInvalid = func(_ context.Context, inv *notify.Invalid) error {
				got = append(got, inv)
				if len(got) == 1 {
					return keep
				}
				return nil
			}
			h := f.handler(hs)
			body := f.seal(t, envelope(fmt.Sprintf("EV-BAD-%d", i), tc.eventType), []byte(tc.plaintext))
			// OnInvalid failed: WeChat retries. Then it kept it: acknowledged, done.
			assertFail(t, serve(h, f.request(t, body)), http.StatusInternalServerError, "processing failed")
			assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
			assertSuccess(t, serve(h, f.request(t, body)), http.StatusNoContent)
			if rec.calls() != 0 {
				t.Fatal("a callback ran for content that breaks the doc")
			}
			if len(got) != 2 {
				t.Fatalf("OnInvalid ran %d times, want 2", len(got))
			}
			inv := got[1]
			if !bytes.Equal(inv.Notification.Body, body) || string(inv.Notification.Plaintext) != tc.plaintext {
				t.Error("OnInvalid did not get the verified envelope and plaintext")
			}
			if !strings.Contains(strings.Join(inv.Reasons, "; "), tc.reason) {
				t.Errorf("Reasons = %q, want one about %s", inv.Reasons, tc.reason)
			}
			assertNoSecrets(t, "logs", f.logs.String(), f.secrets(body))
		})
	}
}

func TestEventStatusMismatchIsTyped(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	body := f.seal(t, envelope("EV-MISMATCH", acquiringbank.UserCloseServiceEventType), f.openPlaintext())
	_, n, err := acquiringbank.ParseAuthorizationNotify(f.parser, f.request(t, body))
	var se *notify.EventStatusError
	if n == nil || !errors.Is(err, notify.ErrInvalidPlaintext) || !errors.As(err, &se) ||
		se.Field != "user_service_status" || se.Want != "USER_CLOSE_SERVICE" || se.Got != "USER_OPEN_SERVICE" {
		t.Fatalf("err = %v (%+v)", err, se)
	}
}

// The envelope limits of runtime/notify are the spec's: one parser serves
// every callback, so each limit is the largest any page documents
// (original_type: 32 on the authorization pages, 16 on the order page).
func TestEnvelopeLimitsMatchTheSpec(t *testing.T) {
	sp, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"id": notify.MaxIDLength, "create_time": notify.MaxCreateTimeLength, "event_type": notify.MaxEventTypeLength,
		"resource_type": notify.MaxResourceTypeLength, "summary": notify.MaxSummaryLength,
		"resource.nonce": notify.MaxNonceLength, "resource.associated_data": notify.MaxAssociatedDataLength,
		"resource.original_type": notify.MaxOriginalTypeLength,
	}
	n := 0
	largest := map[string]int{}
	for _, file := range sp.Files {
		for _, cb := range file.Callbacks {
			if cb.Encoding != "json" {
				continue
			}
			var walk func(prefix string, fields []*spec.Field)
			walk = func(prefix string, fields []*spec.Field) {
				for _, fl := range fields {
					path := prefix + fl.Name
					if max, ok := want[path]; ok && fl.MaxLength != nil {
						n++
						if *fl.MaxLength > max {
							t.Errorf("%s %s: spec max_length %d, runtime/notify only %d", file.Path, path, *fl.MaxLength, max)
						}
						largest[path] = maxInt(largest[path], *fl.MaxLength)
					}
					walk(path+".", fl.Fields)
				}
			}
			walk("", cb.Envelope)
		}
	}
	if n < len(want) {
		t.Fatalf("compared %d limits, want at least %d", n, len(want))
	}
	for path, max := range want {
		if largest[path] != max {
			t.Errorf("%s: runtime/notify allows %d, the largest spec max_length is %d", path, max, largest[path])
		}
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// The spec's ciphertext max_length (1048576) sets the body limit even when
// the Parser would read more.
func TestBodyLimitComesFromTheSpec(t *testing.T) {
	if acquiringbank.AuthorizationNotifyMaxBodyBytes != 1_048_576+notify.EnvelopeMarginBytes {
		t.Fatalf("AuthorizationNotifyMaxBodyBytes = %d", acquiringbank.AuthorizationNotifyMaxBodyBytes)
	}
	f := newFixture(t, publicKeyMode, func(c *notify.Config) { c.MaxBodyBytes = 4 << 20 })
	var rec recorder
	h := f.handler(rec.handlers())
	pad := func(id string, n int) []byte {
		b := f.seal(t, envelope(id, acquiringbank.UserOpenServiceEventType), f.openPlaintext())
		return append(b, bytes.Repeat([]byte(" "), n-len(b))...) // still valid JSON
	}
	assertSuccess(t, serve(h, f.request(t, pad("EV-AT-LIMIT", acquiringbank.AuthorizationNotifyMaxBodyBytes))), http.StatusNoContent)
	assertFail(t, serve(h, f.request(t, pad("EV-OVER", acquiringbank.AuthorizationNotifyMaxBodyBytes+1))),
		http.StatusRequestEntityTooLarge, "request body too large")
	if rec.calls() != 1 {
		t.Fatalf("callback ran %d times, want 1", rec.calls())
	}
	// A lower limit in the Config still wins.
	small := newFixture(t, publicKeyMode, func(c *notify.Config) { c.MaxBodyBytes = 8 << 10 })
	assertFail(t, serve(small.handler(rec.handlers()), small.request(t, pad("EV-SMALL", 8<<10+1))),
		http.StatusRequestEntityTooLarge, "request body too large")
}
