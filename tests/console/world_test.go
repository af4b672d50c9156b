package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"
	"github.com/payscoregen/payscoregen/sim/console"
)

const (
	mchID       = "1900000109"
	serial      = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	publicKeyID = "PUB_KEY_ID_0119000001092025010100000000000001"
	apiV3Key    = "0123456789abcdefghijklmnopqrstuv"
	apiV2Key    = jumpsign.Secret("consoleTestAPIv2Key0123456789abc")
	serviceID   = "500001"
	channelID   = "1230000109"
	subMchID    = "1900000110"
)

// merchant is the merchant's back end: the generated notification handler,
// behind a switch that makes it answer 500 while failing is set.
type merchant struct {
	srv     *httptest.Server
	failing atomic.Bool
	mu      sync.Mutex
	opened  []*acquiringbank.UserOpenServiceEvent
	closed  []*acquiringbank.UserCloseServiceEvent
	orders  []orderEvent // order notifications, verified and decrypted
}

// orderEvent is an order notification as the merchant read it.
type orderEvent struct {
	ID, EventType                  string
	OutOrderNo, State, Description string
}

func newMerchant(t *testing.T) *merchant {
	t.Helper()
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, testkit.Key("platform").PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &merchant{}
	h, err := acquiringbank.NewAuthorizationNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.opened = append(m.opened, ev)
			return nil
		},
		OnUserCloseService: func(_ context.Context, ev *acquiringbank.UserCloseServiceEvent) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.closed = append(m.closed, ev)
			return nil
		},
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			t.Errorf("invalid notification: %v", inv.Reasons)
			return inv.Err
		},
	}, notify.WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	record := func(env notify.Envelope, d *acquiringbank.OrderNotifyData) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.orders = append(m.orders, orderEvent{env.ID, env.EventType, d.OutOrderNo, string(d.State), string(d.StateDescription)})
		return nil
	}
	orderHandler, err := acquiringbank.NewOrderNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.OrderNotifyHandlers{
		OnUserConfirm: func(_ context.Context, ev *acquiringbank.UserConfirmEvent) error {
			return record(ev.Envelope, &ev.Data)
		},
		OnUserPaid: func(_ context.Context, ev *acquiringbank.UserPaidEvent) error { return record(ev.Envelope, &ev.Data) },
		Default: func(_ context.Context, n *notify.Notification) error {
			t.Errorf("unexpected order notification %s", n.Envelope.EventType)
			return nil
		},
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			t.Errorf("invalid order notification: %v", inv.Reasons)
			return inv.Err
		},
	}, notify.WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.failing.Load() {
			notify.WriteFail(w, http.StatusInternalServerError, "database unavailable")
			return
		}
		if r.URL.Path == "/payscore/order-notify" {
			orderHandler.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *merchant) orderEvents() []orderEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]orderEvent(nil), m.orders...)
}

func (m *merchant) events() ([]*acquiringbank.UserOpenServiceEvent, []*acquiringbank.UserCloseServiceEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*acquiringbank.UserOpenServiceEvent(nil), m.opened...), append([]*acquiringbank.UserCloseServiceEvent(nil), m.closed...)
}

// world is a simulator with its console mounted, a merchant, and the
// generated client.
type world struct {
	sim      *sim.Simulator
	console  *console.Console
	clock    *sim.Clock
	merchant *merchant
	client   *acquiringbank.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{merchant: newMerchant(t), clock: sim.NewClock(time.Date(2025, 6, 1, 1, 30, 0, 0, time.UTC))}
	var err error
	w.sim, err = sim.New(
		sim.WithMerchant(mchID, serial, &testkit.Key("merchant").PublicKey),
		sim.WithPlatformKey(testkit.Key("platform"), publicKeyID),
		sim.WithAPIv3Key(apiV3Key),
		sim.WithClock(w.clock),
		sim.WithCallbackClient(w.merchant.srv.Client()),
	)
	if err != nil {
		t.Fatal(err)
	}
	if w.console, err = console.New(w.sim, console.WithAPIv2Key(apiV2Key)); err != nil {
		t.Fatal(err)
	}
	if err := w.console.Mount(); err != nil {
		t.Fatal(err)
	}
	if err := w.sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.sim.Close() })
	c, err := core.NewClient(context.Background(), option.WithWechatPayPublicKeyAuthCipher(
		mchID, serial, testkit.Key("merchant"), publicKeyID, &testkit.Key("platform").PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	w.client = acquiringbank.NewClient(c, acquiringbank.WithBaseURL(w.sim.URL()))
	return w
}

// apply is the merchant's 从业机构预授权 through the generated client; it
// returns the apply_permissions_token.
func (w *world) apply(t *testing.T, code string) string {
	t.Helper()
	resp, _, err := w.client.ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{
		ServiceID: serviceID, ChannelID: channelID, AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6786",
		SubMchID: subMchID, AuthorizationCode: code, NotifyURL: w.merchant.srv.URL + "/payscore/notify",
	})
	if err != nil {
		t.Fatalf("ApplyPermissions: %v", err)
	}
	return resp.ApplyPermissionsToken
}
