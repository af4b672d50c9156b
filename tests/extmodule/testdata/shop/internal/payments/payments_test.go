package payments

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"

	"example.com/shop/internal/payscore"
	"example.com/shop/internal/wxpay"
)

// The simulator as a test dependency: a signed call, the user agreeing, and
// the notification reaching the shop's generated handler over plain http.
func TestAuthorizationAgainstTheSimulator(t *testing.T) {
	s := sim.Start(t, sim.WithPlainHTTPCallbacks())
	parser, err := s.NotifyParser()
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan *wxpay.UserOpenServiceEvent, 1)
	h, err := wxpay.NewAuthorizationNotifyHandler(parser, dedupe.NewMemoryStore(),
		wxpay.AuthorizationNotifyHandlers{
			OnUserOpenService: func(_ context.Context, ev *wxpay.UserOpenServiceEvent) error {
				opened <- ev
				return nil
			},
			Default: func(context.Context, *notify.Notification) error { return nil },
			OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
				t.Errorf("invalid notification: %v", inv.Reasons)
				return inv.Err
			},
		})
	if err != nil {
		t.Fatal(err)
	}
	merchant := httptest.NewServer(h)
	defer merchant.Close()

	c, err := s.CoreClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client := wxpay.NewClient(c, wxpay.WithBaseURL(s.URL()))
	token, err := Apply(t.Context(), client, "SHOP-0001", sim.NotifyURL(merchant.URL+"/notify"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authorize(token, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-opened:
		if ev.Data.AuthorizationCode != "SHOP-0001" || ev.Data.UserServiceStatus != wxpay.UserServiceStatusUserOpenService {
			t.Errorf("event %+v", ev.Data)
		}
	default:
		t.Fatalf("no USER_OPEN_SERVICE notification; deliveries: %+v", s.Deliveries())
	}
	state, _, err := client.QueryAuthorization(t.Context(), &wxpay.QueryAuthorizationRequest{
		AuthorizationCode: "SHOP-0001", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000110",
	})
	if err != nil {
		t.Fatal(err)
	}
	if state.AuthorizationState != wxpay.AuthorizationStateAvailable {
		t.Errorf("state %s", state.AuthorizationState)
	}

	// Documented codes match the sentinels of the shop's payscore package.
	_, _, err = client.QueryAuthorization(t.Context(), &wxpay.QueryAuthorizationRequest{
		AuthorizationCode: "NO-SUCH-CODE", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000110",
	})
	if !errors.Is(err, payscore.ErrOrderNotExist) {
		t.Errorf("unknown code: %v, want payscore.ErrOrderNotExist", err)
	}
}
