// Package e2e runs the acquiring-bank authorization flow end to end against
// the offline simulator, using only public APIs: the generated client on
// wechatpay-go's core.Client (real request signatures, real response
// verification), the generated jump builder, the generated notification
// handler with duplicate protection, and package sim playing WeChat Pay and
// the user.
package e2e

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"github.com/payscoregen/payscoregen/internal/testkit"
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
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/apierror"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"
)

const (
	mchID       = "1900000109"
	serial      = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	publicKeyID = "PUB_KEY_ID_0119000001092025010100000000000001"
	apiV3Key    = "0123456789abcdefghijklmnopqrstuv"
	openID      = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
)

// RSA-2048 keys shared by the test binary: the merchant's API key, the
// platform key of the simulator, and a stranger's.
var merchantKey, platformKey, strange *rsa.PrivateKey

func keys(t *testing.T) {
	t.Helper()
	merchantKey, platformKey, strange = testkit.Key("merchant"), testkit.Key("platform"), testkit.Key("stranger")
}

// merchantApp is the merchant's side: the generated notification handler
// behind a gateway that drops the first request it sees (a 503 before the
// application, as a load balancer does while it starts).
type merchantApp struct {
	srv      *httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	opened   []*acquiringbank.UserOpenServiceEvent
	closed   []*acquiringbank.UserCloseServiceEvent
}

func newMerchantApp(t *testing.T) *merchantApp {
	t.Helper()
	keys(t)
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platformKey.PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &merchantApp{}
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
			t.Errorf("the simulator sent a notification that breaks the doc: %v", inv)
			return nil
		},
	}, notify.WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.requests.Add(1) == 1 {
			notify.WriteFail(w, http.StatusServiceUnavailable, "starting up")
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *merchantApp) events() (opened []*acquiringbank.UserOpenServiceEvent, closed []*acquiringbank.UserCloseServiceEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append(opened, m.opened...), append(closed, m.closed...)
}

func newSimulator(t *testing.T, clock *sim.Clock, callbacks *http.Client) *sim.Simulator {
	t.Helper()
	keys(t)
	s, err := sim.New(
		sim.WithMerchant(mchID, serial, &merchantKey.PublicKey),
		sim.WithPlatformKey(platformKey, publicKeyID),
		sim.WithAPIv3Key(apiV3Key),
		sim.WithClock(clock),
		sim.WithCallbackClient(callbacks),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newClient is the generated client on wechatpay-go in public-key mode: it
// signs with signingKey and verifies responses with platformPub.
func newClient(t *testing.T, s *sim.Simulator, signingKey *rsa.PrivateKey, platformPub *rsa.PublicKey) *acquiringbank.Client {
	t.Helper()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(mchID, serial, signingKey, publicKeyID, platformPub))
	if err != nil {
		t.Fatal(err)
	}
	return acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
}

func TestAuthorizationFlow(t *testing.T) {
	ctx := context.Background()
	merchant := newMerchantApp(t)
	clock := sim.NewClock(time.Now().Truncate(time.Second))
	s := newSimulator(t, clock, merchant.srv.Client())
	client := newClient(t, s, merchantKey, &platformKey.PublicKey)

	ids := struct{ service, channel, subMch, code string }{"500001", "1230000109", "1900000110", "AUTH-2025-0001"}
	notifyURL := merchant.srv.URL + "/payscore/notify"

	// 1. Apply for permissions.
	applied, _, err := client.ApplyPermissions(ctx, &acquiringbank.ApplyPermissionsRequest{
		ServiceID: ids.service, ChannelID: ids.channel, AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6786",
		SubMchID: ids.subMch, AuthorizationCode: ids.code, NotifyURL: notifyURL,
	})
	if err != nil {
		t.Fatalf("ApplyPermissions: %v", err)
	}

	// 2. The server builds the jump for the mini program front end:
	// wx.openBusinessView(params), params JSON-encoded as sent to the page.
	params, err := payscore.NewAuthorizeMiniprogramOpenBusinessView(payscore.AuthorizeMiniprogramData{
		ApplyPermissionsToken: applied.ApplyPermissionsToken,
	})
	if err != nil {
		t.Fatalf("jump: %v", err)
	}
	jumpJSON, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}

	query := func(want acquiringbank.AuthorizationState) *acquiringbank.QueryAuthorizationResponse {
		t.Helper()
		resp, _, err := client.QueryAuthorization(ctx, &acquiringbank.QueryAuthorizationRequest{
			ServiceID: ids.service, ChannelID: ids.channel, SubMchID: ids.subMch, AuthorizationCode: ids.code,
		})
		if err != nil {
			t.Fatalf("QueryAuthorization: %v", err)
		}
		if resp.AuthorizationState != want {
			t.Fatalf("authorization_state %s, want %s", resp.AuthorizationState, want)
		}
		return resp
	}
	query(acquiringbank.AuthorizationState(sim.StateUnbindUser))

	// 3. The user agrees, in the Pay Score mini program that wx.openBusinessView
	// opened with these parameters.
	var opened struct {
		BusinessType string `json:"businessType"`
		ExtraData    struct {
			Token string `json:"apply_permissions_token"`
		} `json:"extraData"`
	}
	if err := json.Unmarshal(jumpJSON, &opened); err != nil {
		t.Fatal(err)
	}
	if opened.BusinessType != "wxpayScoreEnable" || opened.ExtraData.Token != applied.ApplyPermissionsToken {
		t.Fatalf("jump parameters: %s", jumpJSON)
	}
	clock.Advance(2 * time.Minute)
	authorizedAt := clock.Now()
	if _, err := s.Authorize(opened.ExtraData.Token, openID); err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	// The gateway dropped the first delivery; nothing processed yet.
	if openEvents, _ := merchant.events(); len(openEvents) != 0 {
		t.Fatalf("processed %d USER_OPEN_SERVICE before the retry", len(openEvents))
	}
	// WeChat retries 15s later (spec retry schedule), then a duplicate comes.
	clock.Advance(15 * time.Second)
	deliveries := s.Deliveries()
	if len(deliveries) != 1 {
		t.Fatalf("%d notifications, want 1", len(deliveries))
	}
	if _, err := s.Redeliver(deliveries[0].ID); err != nil {
		t.Fatalf("Redeliver: %v", err)
	}
	d, _ := s.Delivery(deliveries[0].ID)
	if d.State != sim.DeliveryDone || len(d.Attempts) != 3 ||
		d.Attempts[0].Status != 503 || d.Attempts[1].Status != 204 || d.Attempts[2].Status != 204 || !d.Attempts[2].Redelivery ||
		!d.Attempts[1].At.Equal(authorizedAt.Add(15*time.Second)) {
		t.Fatalf("delivery log: %+v", d)
	}
	openEvents, _ := merchant.events()
	if len(openEvents) != 1 {
		t.Fatalf("USER_OPEN_SERVICE processed %d times, want exactly once", len(openEvents))
	}
	ev := openEvents[0].Data
	if ev.AuthorizationCode != ids.code || ev.SubOpenID != openID || ev.OpenID != "" || ev.MchID != mchID ||
		ev.UserServiceStatus != "USER_OPEN_SERVICE" || !ev.OpenorcloseTime.Equal(authorizedAt) {
		t.Fatalf("USER_OPEN_SERVICE data: %+v", ev)
	}

	// 4. The merchant sees the authorization.
	got := query(acquiringbank.AuthorizationState(sim.StateAvailable))
	if got.SubOpenID != openID || !got.AuthorizationSuccessTime.Equal(authorizedAt) || got.UserLabel != "A" ||
		got.NotifyURL != notifyURL || !got.CancelAuthorizationTime.IsZero() {
		t.Fatalf("query after authorization: %+v", got)
	}

	// 5. The merchant terminates it: 204, then USER_CLOSE_SERVICE.
	clock.Advance(time.Hour)
	terminatedAt := clock.Now()
	if _, err := client.TerminateAuthorization(ctx, &acquiringbank.TerminateAuthorizationRequest{
		AuthorizationCode: ids.code, ServiceID: ids.service, ChannelID: ids.channel, SubMchID: ids.subMch, Reason: "用户要求解除",
	}); err != nil {
		t.Fatalf("TerminateAuthorization: %v", err)
	}
	flushCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.Flush(flushCtx); err != nil {
		t.Fatal(err)
	}
	openEvents, closed := merchant.events()
	if len(openEvents) != 1 || len(closed) != 1 {
		t.Fatalf("processed %d USER_OPEN_SERVICE and %d USER_CLOSE_SERVICE, want 1 and 1", len(openEvents), len(closed))
	}
	if c := closed[0].Data; c.UserServiceStatus != "USER_CLOSE_SERVICE" || c.AuthorizationCode != ids.code || !c.OpenorcloseTime.Equal(terminatedAt) {
		t.Fatalf("USER_CLOSE_SERVICE data: %+v", c)
	}
	got = query(acquiringbank.AuthorizationState(sim.StateUnavailable))
	if !got.CancelAuthorizationTime.Equal(terminatedAt) {
		t.Fatalf("cancel_authorization_time %v, want %v", got.CancelAuthorizationTime, terminatedAt)
	}

	// Terminating again does not fit the state.
	_, err = client.TerminateAuthorization(ctx, &acquiringbank.TerminateAuthorizationRequest{
		AuthorizationCode: ids.code, ServiceID: ids.service, ChannelID: ids.channel, SubMchID: ids.subMch, Reason: "again",
	})
	if !errors.Is(err, payscore.ErrInvalidOrderState) || apierror.Retryable(err) {
		t.Fatalf("second terminate: %v, want ErrInvalidOrderState, not retryable", err)
	}
}

func TestWronglySignedRequestRefused(t *testing.T) {
	s := newSimulator(t, sim.NewClock(time.Now()), http.DefaultClient)
	client := newClient(t, s, strange, &platformKey.PublicKey) // signs with a key the simulator does not know
	_, _, err := client.ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{
		ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6786",
		SubMchID: "1900000110", AuthorizationCode: "AUTH-1", NotifyURL: "https://127.0.0.1/notify",
	})
	var apiErr *apierror.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "SIGN_ERROR" {
		t.Fatalf("err = %v, want a typed HTTP 401 SIGN_ERROR", err)
	}
	if apierror.Retryable(err) {
		t.Error("SIGN_ERROR reported retryable")
	}
	if len(s.Authorizations()) != 0 {
		t.Error("a refused request changed the state")
	}
}

func TestResponsesAreVerifiedForReal(t *testing.T) {
	s := newSimulator(t, sim.NewClock(time.Now()), http.DefaultClient)
	// The client expects another platform key: the simulator's signature on
	// a 200 must fail wechatpay-go's verification.
	client := newClient(t, s, merchantKey, &strange.PublicKey)
	_, _, err := client.ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{
		ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6786",
		SubMchID: "1900000110", AuthorizationCode: "AUTH-1", NotifyURL: "https://127.0.0.1/notify",
	})
	var apiErr *apierror.Error
	if err == nil || errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want a response verification failure", err)
	}
}

func TestInjectedFaultsAreTypedErrors(t *testing.T) {
	ctx := context.Background()
	s := newSimulator(t, sim.NewClock(time.Now()), http.DefaultClient)
	client := newClient(t, s, merchantKey, &platformKey.PublicKey)
	req := &acquiringbank.QueryAuthorizationRequest{ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000110", AuthorizationCode: "AUTH-1"}

	for _, f := range []struct {
		code     string
		sentinel error
		status   int
	}{
		{"SYSTEM_ERROR", payscore.ErrSystemError, 500},
		{"FREQUENCY_LIMITED", payscore.ErrFrequencyLimited, 429},
	} {
		if err := s.InjectFault(sim.Fault{Operation: "query_authorization", Code: f.code}); err != nil {
			t.Fatal(err)
		}
		_, _, err := client.QueryAuthorization(ctx, req)
		var apiErr *apierror.Error
		if !errors.Is(err, f.sentinel) || !apierror.Retryable(err) || !errors.As(err, &apiErr) || apiErr.StatusCode != f.status {
			t.Fatalf("injected %s: err = %v, want errors.Is %v, retryable, HTTP %d", f.code, err, f.sentinel, f.status)
		}
	}
	// The fault is used up: the retry reaches the simulator's logic, which
	// does not know the code.
	_, _, err := client.QueryAuthorization(ctx, req)
	if !errors.Is(err, payscore.ErrOrderNotExist) || apierror.Retryable(err) || errors.Is(err, payscore.ErrSystemError) {
		t.Fatalf("after the faults: err = %v, want ErrOrderNotExist, not retryable", err)
	}
}

func TestExpiredTokenRefused(t *testing.T) {
	clock := sim.NewClock(time.Now())
	s := newSimulator(t, clock, http.DefaultClient)
	client := newClient(t, s, merchantKey, &platformKey.PublicKey)
	applied, _, err := client.ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{
		ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6786",
		SubMchID: "1900000110", AuthorizationCode: "AUTH-1", NotifyURL: "https://127.0.0.1/notify",
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := s.Authorize(applied.ApplyPermissionsToken, openID); !errors.Is(err, sim.ErrTokenExpired) {
		t.Fatalf("Authorize after 1h: %v, want ErrTokenExpired", err)
	}
}
