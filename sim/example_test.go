package sim_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"testing"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"
)

// The whole authorization flow against the simulator, in one process: a real,
// signed client call, the user agreeing on the authorization page, and the
// USER_OPEN_SERVICE notification arriving at the merchant's generated
// handler (on plain http, thanks to WithPlainHTTPCallbacks).
func Example() {
	ctx := context.Background()
	s, err := sim.New(sim.WithPlainHTTPCallbacks())
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Start(); err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// The merchant's notify_url: the generated handler verifies, decrypts,
	// deduplicates and acknowledges.
	parser, err := s.NotifyParser()
	if err != nil {
		log.Fatal(err)
	}
	opened := make(chan *acquiringbank.UserOpenServiceEvent, 1)
	h, err := acquiringbank.NewAuthorizationNotifyHandler(parser, dedupe.NewMemoryStore(),
		acquiringbank.AuthorizationNotifyHandlers{
			OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
				opened <- ev
				return nil
			},
			Default: func(context.Context, *notify.Notification) error { return nil }, // USER_CLOSE_SERVICE: not used here
			OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
				log.Printf("invalid notification %s: %v", inv.Notification.Envelope.ID, inv.Reasons) // keep it for review
				return nil
			},
		})
	if err != nil {
		log.Fatal(err)
	}
	merchant := httptest.NewServer(h)
	defer merchant.Close()

	// The generated client, signing with the merchant key the simulator made.
	c, err := s.CoreClient(ctx)
	if err != nil {
		log.Fatal(err)
	}
	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
	applied, _, err := client.ApplyPermissions(ctx, &acquiringbank.ApplyPermissionsRequest{
		ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787",
		SubAppID: "wxd678efh567hg6786", SubMchID: "1900000110", AuthorizationCode: "CODE-0001",
		NotifyURL: sim.NotifyURL(merchant.URL + "/payscore/notify"), // https://127.0.0.1:PORT/payscore/notify
	})
	if err != nil {
		log.Fatal(err)
	}

	// The user agrees: the simulator posts USER_OPEN_SERVICE before Authorize returns.
	if _, err := s.Authorize(applied.ApplyPermissionsToken, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"); err != nil {
		log.Fatal(err)
	}
	ev := <-opened
	fmt.Println(ev.Envelope.EventType, ev.Data.AuthorizationCode, ev.Data.UserServiceStatus)

	state, _, err := client.QueryAuthorization(ctx, &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: "CODE-0001", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000110",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(state.AuthorizationState, state.SubOpenID)
	// Output:
	// PAYSCORE.USER_OPEN_SERVICE CODE-0001 USER_OPEN_SERVICE
	// AVAILABLE oUpF8uMuAJO_M2pxb1Q9zNjWeS6o
}

// In a test, Start does New, Start and Close (when the test ends) and fails
// the test on an error. The rest is as in the package example.
func ExampleStart() {
	var t *testing.T // your test's t
	s := sim.Start(t, sim.WithPlainHTTPCallbacks())
	c, err := s.CoreClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
	_ = client
}
