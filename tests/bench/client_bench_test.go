// Package bench_test measures payscoregen's paths against baselines doing
// the same observable work, each comparison as interleaved pairs in one
// process (pair_test.go): `make bench` turns the results into
// BENCHMARKS.md. Nothing here asserts a duration.
package bench_test

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/sim"
)

// keys are the merchant's key and the platform key.
func keys() (*rsa.PrivateKey, *rsa.PrivateKey) {
	return testkit.Key("merchant"), testkit.Key("platform")
}

// signedServer answers every request with one body signed once up front, so
// the server's own cost is small and equal for both clients measured.
func signedServer(b testing.TB, status int, body string) *httptest.Server {
	_, plat := keys()
	h := http.Header{}
	if err := (&apiauth.Signer{Key: plat, Serial: benchSerial}).Sign(h, []byte(body)); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func coreClient(b testing.TB) *core.Client {
	m, plat := keys()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher("1230000109", "SERIAL", m, benchSerial, &plat.PublicKey))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

const queryAnswer = `{"appid":"wxd678efh567hg6787","authorization_code":"1234323JKHDFE1243252","authorization_state":"AVAILABLE","authorization_success_time":"2015-05-20T13:29:35+08:00","channel_id":"1230000109","mchid":"1230000109","notify_url":"https://www.weixin.com","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":"500001","sub_mchid":"1230000109","user_label":"A"}`

// rawAnswer is every member of the query answer, as a wechatpay-go user
// declares it by hand.
type rawAnswer struct {
	ServiceID                string `json:"service_id"`
	AppID                    string `json:"appid"`
	MchID                    string `json:"mchid"`
	OpenID                   string `json:"openid"`
	AuthorizationCode        string `json:"authorization_code"`
	AuthorizationState       string `json:"authorization_state"`
	NotifyURL                string `json:"notify_url"`
	CancelAuthorizationTime  string `json:"cancel_authorization_time"`
	AuthorizationSuccessTime string `json:"authorization_success_time"`
	SubMchID                 string `json:"sub_mchid"`
	SubAppID                 string `json:"sub_appid"`
	SubOpenID                string `json:"sub_openid"`
	UserLabel                string `json:"user_label"`
	ChannelID                string `json:"channel_id"`
}

// BenchmarkPairClientCall: a generated client call (validation, signing, the
// loopback round trip, signature check, typed decoding) against the same
// request through core.Client.Request with the same checks written by hand
// and every answer member decoded, times parsed.
func BenchmarkPairClientCall(b *testing.B) {
	srv := signedServer(b, 200, queryAnswer)
	req := &acquiringbank.QueryAuthorizationRequest{AuthorizationCode: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1230000109"}
	client := acquiringbank.NewClient(coreClient(b), acquiringbank.WithBaseURL(srv.URL))
	raw := coreClient(b)
	ctx := context.Background()
	ours := serial(func(int) {
		resp, _, err := client.QueryAuthorization(ctx, req)
		if err != nil || resp.AuthorizationState != acquiringbank.AuthorizationStateAvailable {
			b.Fatal(err)
		}
	})
	base := serial(func(int) {
		if !lenIn(req.AuthorizationCode, true, 32) || !lenIn(req.ServiceID, true, 32) ||
			!lenIn(req.ChannelID, true, 32) || !lenIn(req.SubMchID, true, 32) {
			b.Fatal("invalid request")
		}
		q := map[string][]string{"service_id": {req.ServiceID}, "channel_id": {req.ChannelID}, "sub_mchid": {req.SubMchID}}
		result, err := raw.Request(ctx, "GET",
			srv.URL+"/v3/payscore/acquiringbank/permissions/authorization-code/"+req.AuthorizationCode, nil, q, nil, "")
		if err != nil {
			b.Fatal(err)
		}
		var a rawAnswer
		if err := core.UnMarshalResponse(result.Response, &a); err != nil || a.AuthorizationState != "AVAILABLE" {
			b.Fatal(err)
		}
		if _, err := time.Parse(time.RFC3339, a.AuthorizationSuccessTime); err != nil {
			b.Fatal(err)
		}
	})
	comparePair(b, ours, base)
}

// BenchmarkPairSimulator: the same signed apply_permissions call (POST, same
// client, same request) answered by the simulator (which verifies the
// merchant signature, validates, keeps state and signs each answer) and by a
// static server that replays one answer signed up front.
func BenchmarkPairSimulator(b *testing.B) {
	m, plat := keys()
	s, err := sim.New(sim.WithMerchant("1230000109", "SERIAL", &m.PublicKey), sim.WithPlatformKey(plat, benchSerial))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	static := signedServer(b, 200, `{"apply_permissions_token":"sim_apt_`+fmt.Sprintf("%056d", 7)+`"}`)
	simClient := acquiringbank.NewClient(coreClient(b), acquiringbank.WithBaseURL(s.URL()))
	staticClient := acquiringbank.NewClient(coreClient(b), acquiringbank.WithBaseURL(static.URL))
	apply := func(c *acquiringbank.Client) side {
		return serial(func(i int) {
			_, _, err := c.ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{
				ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6787",
				SubMchID: "1230000109", AuthorizationCode: fmt.Sprintf("BENCH%010d", i), NotifyURL: "https://127.0.0.1:1/notify",
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
	comparePair(b, apply(simClient), apply(staticClient))
}
