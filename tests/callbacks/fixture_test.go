// Package callbacks_test drives the generated 授权/解除授权服务回调通知 decoder and
// handler (generated/payscore) end to end: real RSA keys and a real APIv3
// key made per test binary, notifications built and signed by notifytest
// the way WeChat sends them.
package callbacks_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

const pubKeyID = "PUB_KEY_ID_0114232134912410000000000000"

// now is the clock of the parser and of the signer (unless a test moves it).
var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// keys are the platform key WeChat signs with and one nobody trusts.
func keys(tb testing.TB) (platform, stranger *rsa.PrivateKey) {
	tb.Helper()
	return testkit.Key("platform"), testkit.Key("stranger")
}

type mode int

const (
	publicKeyMode   mode = iota // Wechatpay-Serial is a public key ID
	certificateMode             // Wechatpay-Serial is a platform certificate serial
)

func (m mode) String() string {
	if m == certificateMode {
		return "platform certificate"
	}
	return "public key"
}

// fixture is one merchant: an APIv3 key, a verifier trusting the platform
// key, a parser, a log capture and the user data of its notifications.
type fixture struct {
	apiV3Key string
	signer   *notifytest.Signer
	verifier auth.Verifier
	parser   *notify.Parser
	logs     *logCapture
	logger   *slog.Logger
	tb       testing.TB

	// User data, random per fixture so a leak cannot hide behind a common value.
	openID, subOpenID, authCode string
}

type parserOption func(*notify.Config)

func newFixture(tb testing.TB, m mode, opts ...parserOption) *fixture {
	tb.Helper()
	key, _ := keys(tb)
	f := &fixture{
		apiV3Key:  notifytest.RandomString(32),
		openID:    "oUpF8u" + notifytest.RandomString(22),
		subOpenID: "oSUB8u" + notifytest.RandomString(22),
		authCode:  "AC" + notifytest.RandomString(18),
		signer:    &notifytest.Signer{PrivateKey: key, Now: func() time.Time { return now }},
		tb:        tb,
	}
	switch m {
	case publicKeyMode:
		f.signer.Serial = pubKeyID
		f.verifier = verifiers.NewSHA256WithRSAPubkeyVerifier(pubKeyID, key.PublicKey)
	case certificateMode:
		cert := selfSignedCert(tb, key)
		f.signer.Serial = utils.GetCertificateSerialNumber(*cert)
		f.verifier = verifiers.NewSHA256WithRSAVerifier(core.NewCertificateMapWithList([]*x509.Certificate{cert}))
	}
	cfg := notify.Config{APIv3Key: f.apiV3Key, Verifier: f.verifier, Now: func() time.Time { return now }}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := notify.NewParser(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	f.parser = p
	f.logger, f.logs = newLogCapture()
	return f
}

// selfSignedCert is a platform certificate for key, as the certificate
// download API would return it.
func selfSignedCert(tb testing.TB, key *rsa.PrivateKey) *x509.Certificate {
	tb.Helper()
	cert, err := testkit.PlatformCertificate(key, now)
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

// openPlaintext is a 授权成功 resource with the field table's spelling
// (mchid, sub_mchid) and openid.
func (f *fixture) openPlaintext() []byte {
	return []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_appid":"wxd678efh567hg6786",` +
		`"sub_mchid":"1900000109","channel_id":"1230000111","service_id":"500001","openid":"` + f.openID + `",` +
		`"user_service_status":"USER_OPEN_SERVICE","openorclose_time":"20180225112233",` +
		`"authorization_code":"` + f.authCode + `"}`)
}

// closePlaintext is a 解除授权 resource with the JSON example's spelling
// (mch_id, sub_mch_id, no channel_id) and sub_openid.
func (f *fixture) closePlaintext() []byte {
	return []byte(`{"appid":"wxd678efh567hg6787","mch_id":"1230000109","sub_appid":"wxd678efh567hg6786",` +
		`"sub_mch_id":"1900000109","service_id":"500001","sub_openid":"` + f.subOpenID + `",` +
		`"user_service_status":"USER_CLOSE_SERVICE","openorclose_time":"20190730163659",` +
		`"authorization_code":"` + f.authCode + `"}`)
}

func envelope(id, eventType string) notify.Envelope {
	summary := "授权成功"
	if eventType == acquiringbank.UserCloseServiceEventType {
		summary = "解除授权成功"
	}
	return notify.Envelope{
		ID:           id,
		CreateTime:   "2015-05-20T13:29:35+08:00",
		EventType:    eventType,
		ResourceType: "encrypt-resource",
		Summary:      summary,
	}
}

// seal encrypts plaintext into env with f's APIv3 key and returns the body.
func (f *fixture) seal(tb testing.TB, env notify.Envelope, plaintext []byte) []byte {
	tb.Helper()
	body, err := notifytest.SealEnvelope(f.apiV3Key, env, plaintext)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// request signs body with f.signer, as WeChat delivers it (each delivery
// gets its own Wechatpay-Nonce and signature).
func (f *fixture) request(tb testing.TB, body []byte) *http.Request {
	tb.Helper()
	h, err := f.signer.Headers(body)
	if err != nil {
		tb.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/payscore/notify", bytes.NewReader(body))
	for k, v := range h {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}

// secrets lists what must not appear in any error, log line or reply.
func (f *fixture) secrets(bodies ...[]byte) []string {
	s := []string{f.apiV3Key, f.openID, f.subOpenID, f.authCode,
		string(f.openPlaintext()), string(f.closePlaintext())}
	for _, b := range bodies {
		s = append(s, string(b))
		var env notify.Envelope
		if json.Unmarshal(b, &env) == nil && len(env.Resource.Ciphertext) >= 16 {
			s = append(s, env.Resource.Ciphertext)
		}
	}
	return s
}

func assertNoSecrets(tb testing.TB, where, text string, secrets []string) {
	tb.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			tb.Errorf("%s leaks a secret (%d bytes): %.300s", where, len(s), text)
		}
	}
}

// recorder counts callback runs and keeps the events.
type recorder struct {
	open, close atomic.Int32
	mu          sync.Mutex
	opens       []*acquiringbank.UserOpenServiceEvent
	closes      []*acquiringbank.UserCloseServiceEvent
}

func (rec *recorder) handlers() acquiringbank.AuthorizationNotifyHandlers {
	return acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			rec.open.Add(1)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.opens = append(rec.opens, ev)
			return nil
		},
		OnUserCloseService: func(_ context.Context, ev *acquiringbank.UserCloseServiceEvent) error {
			rec.close.Add(1)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.closes = append(rec.closes, ev)
			return nil
		},
	}
}

func (rec *recorder) calls() int { return int(rec.open.Load() + rec.close.Load()) }

// refused is what the fixture's stand-in hooks return: the delivery fails
// and WeChat would retry.
type refused struct{ what string }

func (e refused) Error() string         { return "test has no " + e.what }
func (e refused) PublicMessage() string { return "invalid notification data" }

// handler is the generated handler with a fresh in-memory store and the
// fixture's log capture. Where h leaves a callback nil (and Default) or
// OnInvalid nil, a stand-in refuses the notification (500), so tests about
// one callback need not set the others.
func (f *fixture) handler(h acquiringbank.AuthorizationNotifyHandlers, opts ...notify.HandlerOption) http.Handler {
	f.tb.Helper()
	if h.Default == nil && (h.OnUserOpenService == nil || h.OnUserCloseService == nil) {
		h.Default = func(context.Context, *notify.Notification) error { return refused{"callback for this event type"} }
	}
	if h.OnInvalid == nil {
		h.OnInvalid = func(context.Context, *notify.Invalid) error { return refused{"OnInvalid"} }
	}
	opts = append([]notify.HandlerOption{notify.WithLogger(f.logger)}, opts...)
	hh, err := acquiringbank.NewAuthorizationNotifyHandler(f.parser, dedupe.NewMemoryStore(), h, opts...)
	if err != nil {
		f.tb.Fatal(err)
	}
	return hh
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// assertSuccess checks WeChat's success reply: the status, no body.
func assertSuccess(tb testing.TB, w *httptest.ResponseRecorder, status int) {
	tb.Helper()
	if w.Code != status || w.Body.Len() != 0 {
		tb.Fatalf("reply %d %q, want %d with no body", w.Code, w.Body.String(), status)
	}
}

// assertFail checks WeChat's failure reply: the status and
// {"code":"FAIL","message":message}.
func assertFail(tb testing.TB, w *httptest.ResponseRecorder, status int, message string) {
	tb.Helper()
	var body struct{ Code, Message string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		tb.Fatalf("reply %d: body %q is not JSON: %v", w.Code, w.Body.String(), err)
	}
	if w.Code != status || body.Code != "FAIL" || body.Message != message {
		tb.Fatalf("reply %d %s, want %d {FAIL %s}", w.Code, w.Body.String(), status, message)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type %q", ct)
	}
}

// logCapture records log lines with values unescaped (testkit.LogCapture).
type logCapture = testkit.LogCapture

func newLogCapture() (*slog.Logger, *logCapture) { return testkit.NewLogCapture() }
