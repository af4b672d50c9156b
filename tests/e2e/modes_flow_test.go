package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/merchant"
	"github.com/payscoregen/payscoregen/generated/partner"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"
)

// The merchant and partner modes end to end: the generated clients on
// wechatpay-go, the simulator, and the generated notification handlers.

const (
	modeAppID     = "wxd678efh567hg6787"
	modeServiceID = "500001"
	modeSubMchID  = "1900000110"
	modeSubAppID  = "wxd678efh567hg6786"
)

// modeApp is the merchant's notification endpoint: the generated order
// handler at /order and authorization handler at /auth of one mode.
type modeApp struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []string // event types with their out_order_no or openid
}

func (m *modeApp) add(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, s)
}

func (m *modeApp) events() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got...)
}

func newModeApp(t *testing.T, order, auth func(*notify.Parser, *modeApp) http.Handler) *modeApp {
	t.Helper()
	keys(t)
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platformKey.PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &modeApp{}
	mux := http.NewServeMux()
	mux.Handle("/order", order(parser, m))
	mux.Handle("/auth", auth(parser, m))
	m.srv = httptest.NewTLSServer(mux)
	t.Cleanup(m.srv.Close)
	return m
}

func coreFor(t *testing.T) *core.Client {
	t.Helper()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(mchID, serial, merchantKey, publicKeyID, &platformKey.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func flush(t *testing.T, s *sim.Simulator) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func wantEvents(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v, want %v", got, want)
		}
	}
}

func TestMerchantModeFlow(t *testing.T) {
	app := newModeApp(t, func(p *notify.Parser, m *modeApp) http.Handler {
		return mustHandler(t)(merchant.NewServiceOrderNotifyHandler(p, dedupe.NewMemoryStore(), merchant.ServiceOrderNotifyHandlers{
			OnUserConfirm: func(_ context.Context, ev *merchant.UserConfirmEvent) error {
				m.add("USER_CONFIRM " + ev.Data.OutOrderNo + " " + ev.Data.OpenID)
				return nil
			},
			OnUserPaid: func(_ context.Context, ev *merchant.UserPaidEvent) error {
				m.add("USER_PAID " + ev.Data.OutOrderNo + " " + string(ev.Data.State))
				return nil
			},
			OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
				t.Errorf("invalid notification: %v", inv.Reasons)
				return inv.Err
			},
		}, notify.WithLogger(nil)))
	}, func(p *notify.Parser, m *modeApp) http.Handler {
		return mustHandler(t)(merchant.NewAuthorizationNotifyHandler(p, dedupe.NewMemoryStore(), merchant.AuthorizationNotifyHandlers{
			OnUserOpenService: func(_ context.Context, ev *merchant.UserOpenServiceEvent) error {
				m.add("USER_OPEN_SERVICE " + ev.Data.OpenID)
				return nil
			},
			OnUserCloseService: func(_ context.Context, ev *merchant.UserCloseServiceEvent) error {
				m.add("USER_CLOSE_SERVICE " + ev.Data.OpenID)
				return nil
			},
			OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
				t.Errorf("invalid notification: %v", inv.Reasons)
				return inv.Err
			},
		}, notify.WithLogger(nil)))
	})
	s := newSimulator(t, sim.NewClock(time.Now().Truncate(time.Second)), app.srv.Client())
	c := merchant.NewClient(coreFor(t), merchant.WithBaseURL(s.URL()))
	ctx := context.Background()

	created, _, err := c.CreateServiceOrder(ctx, &merchant.CreateServiceOrderRequest{
		OutOrderNo: "MFLOW1", AppID: modeAppID, ServiceID: modeServiceID, ServiceIntroduction: "某某酒店",
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
		RiskFund:     payscore.RiskFund{Name: "ESTIMATE_ORDER_COST", Amount: 50000},
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL:    app.srv.URL + "/order",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmOrder(created.Package, openID); err != nil {
		t.Fatal(err)
	}
	flush(t, s) // deliveries run concurrently: USER_CONFIRM lands before USER_PAID is caused
	completed, _, err := c.CompleteServiceOrder(ctx, &merchant.CompleteServiceOrderRequest{
		OutOrderNo: "MFLOW1", AppID: modeAppID, ServiceID: modeServiceID, TotalAmount: 40000,
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if completed.TotalAmount != 40000 || completed.StateDescription != "MCH_COMPLETE" {
		t.Fatalf("complete answered %+v", completed)
	}
	if _, _, err := c.CollectServiceOrder(ctx, &merchant.CollectServiceOrderRequest{OutOrderNo: "MFLOW1", AppID: modeAppID, ServiceID: modeServiceID}); err != nil {
		t.Fatal(err)
	}
	flush(t, s) // USER_PAID lands before the authorization's notifications are caused
	q, _, err := c.QueryServiceOrder(ctx, &merchant.QueryServiceOrderRequest{OutOrderNo: "MFLOW1", ServiceID: modeServiceID, AppID: modeAppID})
	if err != nil {
		t.Fatal(err)
	}
	if q.State != "DONE" || q.Collection == nil || q.Collection.State != "USER_PAID" {
		t.Fatalf("query answered %+v", q)
	}

	// Authorization by openid.
	applied, _, err := c.ApplyPermissions(ctx, &merchant.ApplyPermissionsRequest{
		ServiceID: modeServiceID, AppID: modeAppID, AuthorizationCode: "MAUTH1", NotifyURL: app.srv.URL + "/auth",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authorize(applied.ApplyPermissionsToken, openID); err != nil {
		t.Fatal(err)
	}
	flush(t, s)
	rec, _, err := c.QueryAuthorizationByOpenID(ctx, &merchant.QueryAuthorizationByOpenIDRequest{OpenID: openID, ServiceID: modeServiceID, AppID: modeAppID})
	if err != nil {
		t.Fatal(err)
	}
	if rec.AuthorizationState != "AVAILABLE" || rec.AuthorizationCode != "MAUTH1" {
		t.Fatalf("authorization record %+v", rec)
	}
	if _, err := c.TerminateAuthorizationByOpenID(ctx, &merchant.TerminateAuthorizationByOpenIDRequest{
		OpenID: openID, ServiceID: modeServiceID, AppID: modeAppID, Reason: "用户要求",
	}); err != nil {
		t.Fatal(err)
	}
	flush(t, s)
	wantEvents(t, app.events(),
		"USER_CONFIRM MFLOW1 "+openID, "USER_PAID MFLOW1 DONE", "USER_OPEN_SERVICE "+openID, "USER_CLOSE_SERVICE "+openID)
}

func TestPartnerModeFlow(t *testing.T) {
	app := newModeApp(t, func(p *notify.Parser, m *modeApp) http.Handler {
		return mustHandler(t)(partner.NewServiceOrderNotifyHandler(p, dedupe.NewMemoryStore(), partner.ServiceOrderNotifyHandlers{
			OnUserConfirm: func(_ context.Context, ev *partner.UserConfirmEvent) error {
				m.add("USER_CONFIRM " + ev.Data.OutOrderNo + " " + ev.Data.SubMchID)
				return nil
			},
			OnUserPaid: func(_ context.Context, ev *partner.UserPaidEvent) error {
				m.add("USER_PAID " + ev.Data.OutOrderNo + " " + string(ev.Data.State))
				return nil
			},
			OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
				t.Errorf("invalid notification: %v", inv.Reasons)
				return inv.Err
			},
		}, notify.WithLogger(nil)))
	}, func(p *notify.Parser, m *modeApp) http.Handler {
		return mustHandler(t)(partner.NewAuthorizationNotifyHandler(p, dedupe.NewMemoryStore(), partner.AuthorizationNotifyHandlers{
			OnUserOpenService: func(_ context.Context, ev *partner.UserOpenServiceEvent) error {
				m.add("USER_OPEN_SERVICE " + ev.Data.SubOpenID)
				return nil
			},
			OnUserCloseService: func(_ context.Context, ev *partner.UserCloseServiceEvent) error {
				m.add("USER_CLOSE_SERVICE " + ev.Data.SubOpenID)
				return nil
			},
			OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
				t.Errorf("invalid notification: %v", inv.Reasons)
				return inv.Err
			},
		}, notify.WithLogger(nil)))
	})
	s := newSimulator(t, sim.NewClock(time.Now().Truncate(time.Second)), app.srv.Client())
	c := partner.NewClient(coreFor(t), partner.WithBaseURL(s.URL()))
	ctx := context.Background()

	created, _, err := c.CreateServiceOrder(ctx, &partner.CreateServiceOrderRequest{
		ServiceID: modeServiceID, AppID: modeAppID, SubMchID: modeSubMchID,
		OutOrderNo: "PFLOW1", ServiceIntroduction: "某某酒店",
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
		RiskFund:     payscore.RiskFund{Name: "ESTIMATE_ORDER_COST", Amount: 50000},
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL:    app.srv.URL + "/order",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmOrder(created.Package, openID); err != nil {
		t.Fatal(err)
	}
	flush(t, s) // deliveries run concurrently: USER_CONFIRM lands before USER_PAID is caused
	// Partner complete and pay answer 204: only the API result comes back.
	result, err := c.CompleteServiceOrder(ctx, &partner.CompleteServiceOrderRequest{
		OutOrderNo: "PFLOW1", ServiceID: modeServiceID, SubMchID: modeSubMchID, TotalAmount: 40000,
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if result.Response.StatusCode != http.StatusNoContent {
		t.Fatalf("complete: status %d", result.Response.StatusCode)
	}
	if _, err := c.CollectServiceOrder(ctx, &partner.CollectServiceOrderRequest{OutOrderNo: "PFLOW1", SubMchID: modeSubMchID}); err != nil {
		t.Fatal(err)
	}
	flush(t, s) // USER_PAID lands before the authorization's notifications are caused
	q, _, err := c.QueryServiceOrder(ctx, &partner.QueryServiceOrderRequest{SubMchID: modeSubMchID, OutOrderNo: "PFLOW1"})
	if err != nil {
		t.Fatal(err)
	}
	if q.State != "DONE" {
		t.Fatalf("query answered %+v", q)
	}

	applied, _, err := c.ApplyPermissions(ctx, &partner.ApplyPermissionsRequest{
		ServiceID: modeServiceID, AppID: modeAppID, SubMchID: modeSubMchID, SubAppID: modeSubAppID,
		AuthorizationCode: "PAUTH1", NotifyURL: app.srv.URL + "/auth",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authorize(applied.ApplyPermissionsToken, openID); err != nil {
		t.Fatal(err)
	}
	flush(t, s)
	rec, _, err := c.QueryAuthorizationByOpenID(ctx, &partner.QueryAuthorizationByOpenIDRequest{
		ServiceID: modeServiceID, AppID: modeAppID, SubMchID: modeSubMchID, SubAppID: modeSubAppID, SubOpenID: openID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec.AuthorizationState != "AVAILABLE" {
		t.Fatalf("authorization record %+v", rec)
	}
	if _, err := c.TerminateAuthorizationByOpenID(ctx, &partner.TerminateAuthorizationByOpenIDRequest{
		ServiceID: modeServiceID, AppID: modeAppID, SubMchID: modeSubMchID, SubAppID: modeSubAppID, SubOpenID: openID, Reason: "用户要求",
	}); err != nil {
		t.Fatal(err)
	}
	flush(t, s)
	wantEvents(t, app.events(),
		"USER_CONFIRM PFLOW1 "+modeSubMchID, "USER_PAID PFLOW1 DONE", "USER_OPEN_SERVICE "+openID, "USER_CLOSE_SERVICE "+openID)
}

// mustHandler unwraps a generated New<Callback>Handler's (h, err).
func mustHandler(t *testing.T) func(http.Handler, error) http.Handler {
	return func(h http.Handler, err error) http.Handler {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
}
