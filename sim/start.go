package sim

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/runtime/notify"
)

// Start is the way to use the simulator in a Go test: it builds a simulator
// with opts, listens on loopback and stops it when the test ends. It fails the
// test on any error.
//
//	s := sim.Start(t, sim.WithPlainHTTPCallbacks())
//	c, err := s.CoreClient(ctx)
//	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
func Start(t testing.TB, opts ...Option) *Simulator {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// ErrNoMerchantKey is returned by CoreClient when the merchant keys came from
// WithMerchant or WithMerchantKeys: the simulator has only their public keys.
var ErrNoMerchantKey = errors.New("sim: no merchant private key (it is made only when WithMerchant and WithMerchantKeys are left out)")

// CoreClient returns a wechatpay-go client for the simulator's own merchant:
// it signs with the merchant key the simulator made (mchid DefaultMchID) and
// verifies responses with the platform public key, in public-key mode. Pass
// it to the generated NewClient with WithBaseURL(s.URL()).
func (s *Simulator) CoreClient(ctx context.Context) (*core.Client, error) {
	if s.cfg.merchantKey == nil {
		return nil, ErrNoMerchantKey
	}
	return core.NewClient(ctx, option.WithWechatPayPublicKeyAuthCipher(
		s.cfg.mchID, s.cfg.merchantSerial, s.cfg.merchantKey, s.cfg.publicKeyID, &s.cfg.platformKey.PublicKey))
}

// NotifyParser returns a parser that verifies and decrypts the simulator's
// notifications (its platform public key and APIv3 key), for the generated
// notification handlers.
func (s *Simulator) NotifyParser() (*notify.Parser, error) {
	return notify.NewParser(notify.Config{
		APIv3Key: s.cfg.apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(s.cfg.publicKeyID, s.cfg.platformKey.PublicKey),
	})
}

// WithPlainHTTPCallbacks posts notifications for notify_urls on loopback hosts
// over plain http, so a test's notify handler can be an httptest.NewServer
// (or a local server without a certificate). The notify_url itself stays
// https:// as the callback page requires and the generated client checks:
// give https://127.0.0.1:PORT/path for a server listening on
// http://127.0.0.1:PORT. Other hosts are not affected.
func WithPlainHTTPCallbacks() Option {
	return func(s *settings) error {
		s.plainHTTPCallbacks = true
		return nil
	}
}

// NotifyURL turns the URL of a plain-http test server (httptest.NewServer's
// URL plus a path) into the https:// notify_url the API requires; with
// WithPlainHTTPCallbacks the simulator posts to it over http.
func NotifyURL(serverURL string) string {
	if rest, ok := strings.CutPrefix(serverURL, "http://"); ok {
		return "https://" + rest
	}
	return serverURL
}
