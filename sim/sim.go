// Package sim is an offline WeChat Pay Score simulator, driven by the spec.
//
// Nobody can call the real API from a test, and wechatpay-go cannot be pointed
// at a mock: the generated client can (acquiringbank.WithBaseURL). The simulator
// serves the endpoints of the spec (method and path template), and behaves as
// WeChat Pay does where a client can tell:
//
//   - it verifies the merchant's Authorization header (signature, mchid,
//     serial, timestamp window, nonce reuse) and refuses bad ones with
//     401 SIGN_ERROR;
//   - it validates each request against the spec's field rules (types,
//     required, lengths in characters, enums, patterns, 4-byte UTF-8) and
//     answers 400 PARAM_ERROR naming the field, and the other documented codes
//     with their documented HTTP statuses;
//   - it signs every response, 204 and errors included, with the platform key
//     in public-key mode (Wechatpay-Serial PUB_KEY_ID_...), so wechatpay-go
//     verifies it for real;
//   - it keeps the acquiring-bank authorization state (apply permissions,
//     query, terminate), lets a test play the user (Authorize, Revoke), and
//     posts encrypted, signed PAYSCORE.USER_OPEN_SERVICE /
//     PAYSCORE.USER_CLOSE_SERVICE notifications to the notify_url, retrying on
//     the spec's schedule on a clock tests advance;
//   - it keeps the acquiring-bank service orders (sim/orders.go: create,
//     confirm, complete, modify, pay, sync, cancel, expiry, deduction info),
//     answers wrong-state calls with the documented codes, and posts
//     PAYSCORE.USER_CONFIRM / USER_PAID / MCH_PREPAY to the order's notify_url;
//   - it injects faults (SYSTEM_ERROR, FREQUENCY_LIMITED, latency) on demand.
//
// In a Go test, Start builds it, listens on loopback and stops it when the
// test ends; CoreClient and NotifyParser hold the keys it made:
//
//	s := sim.Start(t, sim.WithPlainHTTPCallbacks())
//	c, err := s.CoreClient(ctx)
//	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
//	parser, err := s.NotifyParser() // for the generated notify handlers
//	merchant := httptest.NewServer(handler)
//	... NotifyURL: sim.NotifyURL(merchant.URL + "/notify") ...
//	s.Authorize(token, openid) // the user agrees; USER_OPEN_SERVICE is posted
//
// Options bring your own keys (WithMerchant, WithPlatformKey, WithAPIv3Key)
// and a clock the test advances (WithClock(NewClock(start))). Outside Go,
// `payscoregen sim` (make sim) runs it as a process with a JSON control API.
//
// The simulator is a test tool. Keys it makes are throwaway keys; it listens on
// loopback only and, unless told otherwise, delivers callbacks to loopback
// hosts only.
package sim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

// Defaults used when the options leave a value out.
const (
	// DefaultMchID is the merchant id of the merchant key the simulator makes
	// when no merchant is configured.
	DefaultMchID = "1230000109"
	// DefaultAddr is where Start listens: loopback, any free port.
	DefaultAddr = "127.0.0.1:0"
	// TokenTTL is how long an apply_permissions_token is valid: the jump pages
	// say 有效期为1小时 (spec/jumps/authorize_*.yaml, apply_permissions_token).
	TokenTTL = time.Hour
	// SignatureWindow is the accepted distance between an Authorization
	// timestamp and the wall clock, as WeChat Pay (5 minutes).
	SignatureWindow = 5 * time.Minute
)

// Simulator is a fake WeChat Pay Score server. Its methods are safe for
// concurrent use.
type Simulator struct {
	cfg settings
	ops []*operation
	cb  *callbackSpec // the authorization callback
	// orderCB is the order callback (USER_CONFIRM, USER_PAID, MCH_PREPAY);
	// prepay the MCH_PREPAY plaintext rules.
	orderCB *callbackSpec
	prepay  []*fieldRule
	// modeOrderCB is the order callback of each merchant/partner package.
	modeOrderCB map[string]*callbackSpec
	// modeAuthCB is the authorization callback of each merchant/partner package.
	modeAuthCB map[string]*callbackSpec
	orders     *OrderBook
	txnSeq     int // simulated transaction_id numbers, under mu
	signer     *apiauth.Signer
	notif      *notifytest.Signer
	verify     *apiauth.Verifier
	mux        *http.ServeMux

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every state change
	auths     map[authKey]*authorization
	tokens    map[string]*token
	notes     []*notification
	notesByID map[string]*notification
	inflight  int
	faults    map[string][]*Fault // by operation id
	nonces    map[string]time.Time
	closed    bool

	bg        sync.WaitGroup
	stopLoop  chan struct{}
	unlisten  func()
	srv       *http.Server
	ln        net.Listener
	baseURL   string
	closeOnce sync.Once
}

// settings are the options after defaults.
type settings struct {
	merchants       map[merchantKey]*rsa.PublicKey
	merchantLookup  apiauth.KeyLookup
	mchID           string // generated merchant, for Config
	merchantSerial  string
	merchantKey     *rsa.PrivateKey // only when generated
	platformKey     *rsa.PrivateKey
	publicKeyID     string
	apiV3Key        string
	clock           *Clock
	callbackClient  *http.Client
	remoteCallbacks bool
	addr            string
	log             *slog.Logger
	specFS          fs.FS

	plainHTTPCallbacks bool // WithPlainHTTPCallbacks
}

type merchantKey struct{ mchID, serial string }

// Option configures a Simulator.
type Option func(*settings) error

// WithMerchant registers a merchant's API certificate (or key) serial and
// public key; requests signed by that mchid and serial verify with it. Use it
// once per merchant key. Without WithMerchant or WithMerchantKeys the
// simulator makes a merchant key pair (mchid DefaultMchID) and reports it in
// Config.
func WithMerchant(mchID, serial string, pub *rsa.PublicKey) Option {
	return func(s *settings) error {
		if mchID == "" || serial == "" || pub == nil {
			return errors.New("sim: WithMerchant needs a mchid, a serial and a public key")
		}
		if s.merchants == nil {
			s.merchants = map[merchantKey]*rsa.PublicKey{}
		}
		s.merchants[merchantKey{mchID, serial}] = pub
		if s.mchID == "" {
			s.mchID, s.merchantSerial = mchID, serial
		}
		return nil
	}
}

// WithMerchantKeys sets a lookup of merchant public keys by mchid and serial,
// consulted after the keys of WithMerchant.
func WithMerchantKeys(lookup apiauth.KeyLookup) Option {
	return func(s *settings) error {
		s.merchantLookup = lookup
		return nil
	}
}

// WithPlatformKey sets the platform private key that signs responses and
// notifications, and its public key id (PUB_KEY_ID_...), sent as
// Wechatpay-Serial: wechatpay-go's public-key mode
// (option.WithWechatPayPublicKeyAuthCipher) verifies with the matching public
// key. Without it the simulator makes one.
func WithPlatformKey(key *rsa.PrivateKey, publicKeyID string) Option {
	return func(s *settings) error {
		if key == nil || !strings.HasPrefix(publicKeyID, "PUB_KEY_ID_") {
			return errors.New("sim: WithPlatformKey needs a key and a public key id PUB_KEY_ID_...")
		}
		s.platformKey, s.publicKeyID = key, publicKeyID
		return nil
	}
}

// WithAPIv3Key sets the 32-byte APIv3 key that encrypts notification
// resources. Without it the simulator makes one.
func WithAPIv3Key(key string) Option {
	return func(s *settings) error {
		if len(key) != 32 {
			return fmt.Errorf("sim: the APIv3 key must be 32 bytes, got %d", len(key))
		}
		s.apiV3Key = key
		return nil
	}
}

// WithClock sets the business clock. The default, WallClock(), follows real
// time; tests use NewClock(start) and Advance it.
func WithClock(c *Clock) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("sim: WithClock(nil)")
		}
		s.clock = c
		return nil
	}
}

// WithCallbackClient sets the HTTP client that delivers notifications, for
// example the Client() of an httptest.NewTLSServer so its certificate is
// trusted (notify_url must be https).
func WithCallbackClient(c *http.Client) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("sim: WithCallbackClient(nil)")
		}
		s.callbackClient = c
		return nil
	}
}

// WithRemoteCallbacks lets notifications go to non-loopback hosts. By default
// a notify_url whose host is not a loopback address is recorded as a failed
// delivery and never contacted, so a test cannot reach the internet by
// accident.
func WithRemoteCallbacks() Option {
	return func(s *settings) error {
		s.remoteCallbacks = true
		return nil
	}
}

// WithAddr sets where Start listens; it must be a loopback address
// (default DefaultAddr).
func WithAddr(addr string) Option {
	return func(s *settings) error {
		if err := CheckLoopback(addr); err != nil {
			return err
		}
		s.addr = addr
		return nil
	}
}

// WithLogger logs each API call, refusal and delivery (default: nothing).
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.log = l
		return nil
	}
}

// WithSpecFS serves the spec files of fsys (laid out as spec/) instead of the
// spec embedded in this module, e.g. a fork with a newer doc page.
func WithSpecFS(fsys fs.FS) Option {
	return func(s *settings) error {
		s.specFS = fsys
		return nil
	}
}

// New builds a simulator from the spec. It does not listen: call Start, or
// mount Handler on a server of your own.
func New(opts ...Option) (*Simulator, error) {
	cfg := settings{addr: DefaultAddr}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	var err error
	if cfg.merchants == nil && cfg.merchantLookup == nil {
		if cfg.merchantKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("sim: merchant key: %w", err)
		}
		cfg.mchID, cfg.merchantSerial = DefaultMchID, strings.ToUpper(randomHex(20))
		cfg.merchants = map[merchantKey]*rsa.PublicKey{{cfg.mchID, cfg.merchantSerial}: &cfg.merchantKey.PublicKey}
	}
	if cfg.platformKey == nil {
		if cfg.platformKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("sim: platform key: %w", err)
		}
		cfg.publicKeyID = "PUB_KEY_ID_" + strings.ToUpper(randomHex(16))
	}
	if cfg.apiV3Key == "" {
		cfg.apiV3Key = notifytest.RandomString(32)
	}
	if cfg.clock == nil {
		cfg.clock = WallClock()
	}
	if cfg.callbackClient == nil {
		cfg.callbackClient = &http.Client{}
	}
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}

	var model *ir.Program
	if cfg.specFS != nil {
		model, err = loadSpecFS(cfg.specFS)
	} else {
		model, err = loadEmbedded()
	}
	if err != nil {
		return nil, fmt.Errorf("sim: load spec: %w", err)
	}
	ops, err := buildOperations(model)
	if err != nil {
		return nil, err
	}
	cb, err := findCallback(model, EventUserOpenService)
	if err != nil {
		return nil, err
	}
	orderCB, prepay, err := findOrderCallback(model)
	if err != nil {
		return nil, err
	}
	modeOrderCB, err := findModeOrderCallbacks(model)
	if err != nil {
		return nil, err
	}
	modeAuthCB, err := findModeAuthCallbacks(model)
	if err != nil {
		return nil, err
	}

	s := &Simulator{
		cfg:         cfg,
		ops:         ops,
		cb:          cb,
		orderCB:     orderCB,
		prepay:      prepay,
		modeOrderCB: modeOrderCB,
		modeAuthCB:  modeAuthCB,
		orders:      NewOrderBook(),
		changed:     make(chan struct{}),
		auths:       map[authKey]*authorization{},
		tokens:      map[string]*token{},
		notesByID:   map[string]*notification{},
		faults:      map[string][]*Fault{},
		nonces:      map[string]time.Time{},
		stopLoop:    make(chan struct{}),
	}
	if err := s.checkBusinessCodes(); err != nil {
		return nil, err
	}
	s.signer = &apiauth.Signer{Key: cfg.platformKey, Serial: cfg.publicKeyID}
	s.notif = &notifytest.Signer{PrivateKey: cfg.platformKey, Serial: cfg.publicKeyID}
	s.verify = &apiauth.Verifier{Keys: s.merchantPublicKey, Window: SignatureWindow}
	s.mux = http.NewServeMux()
	s.mux.Handle("/sim/", s.controlHandler())
	s.mux.HandleFunc("/", s.serveAPI)
	s.unlisten = cfg.clock.listen(s.afterAdvance)
	if cfg.clock.isWall() {
		s.bg.Add(1)
		go s.loop()
	}
	return s, nil
}

func (s *Simulator) merchantPublicKey(mchID, serial string) *rsa.PublicKey {
	if k := s.cfg.merchants[merchantKey{mchID, serial}]; k != nil {
		return k
	}
	if s.cfg.merchantLookup != nil {
		return s.cfg.merchantLookup(mchID, serial)
	}
	return nil
}

// loop delivers retries that fall due on a wall clock.
func (s *Simulator) loop() {
	defer s.bg.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stopLoop:
			return
		case <-t.C:
			s.runDue()
		}
	}
}

// Handler returns the simulator's HTTP handler: the spec's endpoints and the
// control API under /sim/.
func (s *Simulator) Handler() http.Handler { return s.mux }

// Start listens on the configured loopback address and serves in the
// background.
func (s *Simulator) Start() error {
	ln, err := net.Listen("tcp", s.cfg.addr)
	if err != nil {
		return fmt.Errorf("sim: listen: %w", err)
	}
	s.mu.Lock()
	if s.closed || s.srv != nil {
		s.mu.Unlock()
		ln.Close()
		return errors.New("sim: Start after Start or Close")
	}
	s.ln = ln
	s.baseURL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	srv := s.srv
	s.mu.Unlock()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		_ = srv.Serve(ln)
	}()
	return nil
}

// URL returns the base URL after Start (http://127.0.0.1:PORT), for
// acquiringbank.WithBaseURL.
func (s *Simulator) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close stops the server and the retry loop and waits for deliveries in
// flight. Pending retries are dropped.
func (s *Simulator) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		srv := s.srv
		s.mu.Unlock()
		s.unlisten()
		close(s.stopLoop)
		if srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = srv.Shutdown(ctx)
			cancel()
		}
		s.bg.Wait()
	})
	return err
}

// Clock returns the simulator's business clock.
func (s *Simulator) Clock() *Clock { return s.cfg.clock }

// Advance moves the clock forward by d and delivers what fell due (see
// Clock.Advance).
func (s *Simulator) Advance(d time.Duration) { s.cfg.clock.Advance(d) }

// PlatformPublicKey returns the public key that verifies the simulator's
// responses and notifications, and its id (PUB_KEY_ID_...).
func (s *Simulator) PlatformPublicKey() (*rsa.PublicKey, string) {
	return &s.cfg.platformKey.PublicKey, s.cfg.publicKeyID
}

// APIv3Key returns the key that encrypts notification resources.
func (s *Simulator) APIv3Key() string { return s.cfg.apiV3Key }

// Config is what a client needs to talk to the simulator. The simulator is a
// test tool: the keys are throwaway keys, shown in full on purpose.
//
// `payscoregen sim -keys FILE` writes it as a JSON object (mode 0600):
//
//	{
//	  "base_url": "http://127.0.0.1:36435",
//	  "mchid": "1230000109",
//	  "merchant_serial": "19DE6903...",
//	  "merchant_private_key": "-----BEGIN PRIVATE KEY-----\n...",
//	  "platform_public_key_id": "PUB_KEY_ID_3B12...",
//	  "platform_public_key": "-----BEGIN PUBLIC KEY-----\n...",
//	  "apiv3_key": "3kuZphLG8YYTdi8iQYJYDNqqcCKpQ6WN"
//	}
//
// The keys are PEM strings: wechatpay-go's utils.LoadPrivateKey and
// utils.LoadPublicKey read them.
type Config struct {
	BaseURL string `json:"base_url"`
	MchID   string `json:"mchid"`
	// MerchantSerial and MerchantPrivateKeyPEM (PKCS #8) are the merchant
	// key the simulator made; the private key is empty when the merchant
	// keys came from WithMerchant or WithMerchantKeys.
	MerchantSerial        string `json:"merchant_serial"`
	MerchantPrivateKeyPEM string `json:"merchant_private_key,omitempty"`
	// PlatformPublicKeyID (PUB_KEY_ID_...) and PlatformPublicKeyPEM (PKIX)
	// verify responses and notifications.
	PlatformPublicKeyID  string `json:"platform_public_key_id"`
	PlatformPublicKeyPEM string `json:"platform_public_key"`
	APIv3Key             string `json:"apiv3_key"`
}

// Config returns the settings and keys a client needs, in PEM. BaseURL is
// empty before Start.
func (s *Simulator) Config() Config {
	c := Config{
		BaseURL:             s.URL(),
		MchID:               s.cfg.mchID,
		MerchantSerial:      s.cfg.merchantSerial,
		PlatformPublicKeyID: s.cfg.publicKeyID,
		APIv3Key:            s.cfg.apiV3Key,
	}
	if pub, err := x509.MarshalPKIXPublicKey(&s.cfg.platformKey.PublicKey); err == nil {
		c.PlatformPublicKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	}
	if s.cfg.merchantKey != nil {
		if der, err := x509.MarshalPKCS8PrivateKey(s.cfg.merchantKey); err == nil {
			c.MerchantPrivateKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		}
	}
	return c
}

// CheckLoopback returns an error unless addr (host:port) names a loopback
// address: 127.0.0.0/8, ::1 or localhost. An empty host (":8080", all
// interfaces) is refused.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sim: address %q: %w", addr, err)
	}
	if isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("sim: address %q is not a loopback address (use 127.0.0.1:PORT)", addr)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
