package sim_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/sim"
)

func TestStartStopsWithTheTest(t *testing.T) {
	var url string
	t.Run("uses it", func(t *testing.T) {
		s := sim.Start(t)
		url = s.URL()
		resp, err := http.Get(url + "/sim/clock")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /sim/clock: %s", resp.Status)
		}
	})
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("URL = %q", url)
	}
	if resp, err := http.Get(url + "/sim/clock"); err == nil {
		resp.Body.Close()
		t.Errorf("the simulator still answers after its test ended")
	}
}

// applyWith applies for code with notify_url on a simulator started with opts,
// authorizes, and returns the first delivery attempt.
func applyWith(t *testing.T, notifyURL string, opts ...sim.Option) sim.Attempt {
	t.Helper()
	s := sim.Start(t, opts...)
	c, err := s.CoreClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
	applied, _, err := client.ApplyPermissions(t.Context(), &acquiringbank.ApplyPermissionsRequest{
		ServiceID: serviceID, ChannelID: channelID, AppID: appID, SubAppID: subAppID, SubMchID: subMchID,
		AuthorizationCode: "C1", NotifyURL: notifyURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authorize(applied.ApplyPermissionsToken, openID); err != nil {
		t.Fatal(err)
	}
	d := s.Deliveries()
	if len(d) != 1 || len(d[0].Attempts) != 1 {
		t.Fatalf("deliveries: %+v", d)
	}
	return d[0].Attempts[0]
}

func TestPlainHTTPCallbacks(t *testing.T) {
	var hits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer plain.Close()
	notifyURL := sim.NotifyURL(plain.URL + "/notify")
	if !strings.HasPrefix(notifyURL, "https://127.0.0.1:") {
		t.Fatalf("NotifyURL = %q", notifyURL)
	}

	// By default an https notify_url is posted with TLS, which a plain server cannot answer.
	if a := applyWith(t, notifyURL); a.OK || !strings.Contains(a.Error, "HTTP response to HTTPS client") {
		t.Errorf("without WithPlainHTTPCallbacks: %+v", a)
	}
	if a := applyWith(t, notifyURL, sim.WithPlainHTTPCallbacks()); !a.OK || a.Status != http.StatusNoContent {
		t.Errorf("with WithPlainHTTPCallbacks: %+v", a)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the plain server got %d requests, want 1", n)
	}
	// Other hosts stay refused: plain http applies to loopback only.
	if a := applyWith(t, "https://pay.example.com/notify", sim.WithPlainHTTPCallbacks()); a.OK || !strings.Contains(a.Error, "not a loopback address") {
		t.Errorf("remote host: %+v", a)
	}
}

func TestCoreClientNeedsTheSimulatorsMerchantKey(t *testing.T) {
	keys(t)
	s := sim.Start(t, sim.WithMerchant(mchID, serial, &merchantKey.PublicKey))
	if _, err := s.CoreClient(context.Background()); !errors.Is(err, sim.ErrNoMerchantKey) {
		t.Errorf("CoreClient with WithMerchant: %v, want ErrNoMerchantKey", err)
	}
}
