package notify_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

const pubKeyID = "PUB_KEY_ID_0114232134912410000000000000"

var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// rsaKeys are the platform key and one nobody trusts, shared by the test binary.
func rsaKeys(tb testing.TB) (signing, other *rsa.PrivateKey) {
	tb.Helper()
	return testkit.Key("platform"), testkit.Key("stranger")
}

type fixture struct {
	apiV3Key  string
	signer    *notifytest.Signer
	verifier  auth.Verifier
	parser    *notify.Parser
	plaintext []byte
	// sensitive values inside plaintext, searched for separately because
	// loggers may escape the plaintext's quotes.
	openID, authCode string
}

type fixtureOption func(*notify.Config)

// newFixture uses public key mode (Wechatpay-Serial is a public key ID).
func newFixture(tb testing.TB, opts ...fixtureOption) *fixture {
	tb.Helper()
	key, _ := rsaKeys(tb)
	f := &fixture{
		apiV3Key: notifytest.RandomString(32),
		signer: &notifytest.Signer{
			PrivateKey: key,
			Serial:     pubKeyID,
			Now:        func() time.Time { return fixedNow },
		},
		verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(pubKeyID, key.PublicKey),
	}
	f.init(tb, opts)
	return f
}

// newCertFixture uses platform certificate mode (Wechatpay-Serial is the
// serial of a self-signed certificate).
func newCertFixture(tb testing.TB, opts ...fixtureOption) *fixture {
	tb.Helper()
	key, _ := rsaKeys(tb)
	cert, err := testkit.PlatformCertificate(key, fixedNow)
	if err != nil {
		tb.Fatal(err)
	}
	serial := utils.GetCertificateSerialNumber(*cert)
	f := &fixture{
		apiV3Key: notifytest.RandomString(32),
		signer: &notifytest.Signer{
			PrivateKey: key,
			Serial:     serial,
			Now:        func() time.Time { return fixedNow },
		},
		verifier: verifiers.NewSHA256WithRSAVerifier(core.NewCertificateMapWithList([]*x509.Certificate{cert})),
	}
	f.init(tb, opts)
	return f
}

func (f *fixture) init(tb testing.TB, opts []fixtureOption) {
	tb.Helper()
	f.openID = "oUpF8u" + notifytest.RandomString(22)
	f.authCode = "AC" + notifytest.RandomString(18)
	f.plaintext = []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","service_id":"500001",` +
		`"openid":"` + f.openID + `","user_service_status":"USER_OPEN_SERVICE",` +
		`"openorclose_time":"20180225112233","authorization_code":"` + f.authCode + `"}`)
	cfg := notify.Config{
		APIv3Key: f.apiV3Key,
		Verifier: f.verifier,
		Now:      func() time.Time { return fixedNow },
	}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := notify.NewParser(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	f.parser = p
}

func (f *fixture) envelope(tb testing.TB) notify.Envelope {
	tb.Helper()
	res, err := notifytest.Encrypt(f.apiV3Key, f.plaintext, "", notifytest.RandomString(12))
	if err != nil {
		tb.Fatal(err)
	}
	return notify.Envelope{
		ID:           "EV-2018022511223320873",
		CreateTime:   "2015-05-20T13:29:35+08:00",
		EventType:    "PAYSCORE.USER_OPEN_SERVICE",
		ResourceType: "encrypt-resource",
		Resource:     res,
		Summary:      "授权成功",
	}
}

func marshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// body returns a valid notification body.
func (f *fixture) body(tb testing.TB) []byte {
	tb.Helper()
	return marshal(tb, f.envelope(tb))
}

// request returns body signed by f.signer.
func (f *fixture) request(tb testing.TB, body []byte) *http.Request {
	tb.Helper()
	h, err := f.signer.Headers(body)
	if err != nil {
		tb.Fatal(err)
	}
	return requestWith(body, h)
}

func requestWith(body []byte, h http.Header) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	for k, v := range h {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}

// secrets lists what must never appear in errors or logs.
func (f *fixture) secrets(body []byte) []string {
	s := []string{f.apiV3Key, string(f.plaintext), f.openID, f.authCode}
	if len(body) > 0 {
		s = append(s, string(body))
	}
	var env notify.Envelope
	if json.Unmarshal(body, &env) == nil && len(env.Resource.Ciphertext) >= 16 {
		s = append(s, env.Resource.Ciphertext)
	}
	return s
}

func assertNoSecrets(tb testing.TB, where, text string, secrets []string) {
	tb.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			tb.Errorf("%s leaks a secret (%d bytes): %s", where, len(s), clip(text))
		}
	}
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// logCapture records log lines with values unescaped (testkit.LogCapture).
type logCapture = testkit.LogCapture

func newLogCapture() (*slog.Logger, *logCapture) { return testkit.NewLogCapture() }
