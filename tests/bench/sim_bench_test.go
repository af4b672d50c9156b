package bench_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/sim"
)

// BenchmarkSimulator is a full signed round trip through the simulator:
// the merchant signature is verified, the request validated against the
// spec, the state updated and the answer signed. Its inverse is the number
// of round trips a second one simulator serves to one client.
func BenchmarkSimulator(b *testing.B) {
	m, plat := keys()
	s, err := sim.New(sim.WithMerchant("1230000109", "SERIAL", &m.PublicKey), sim.WithPlatformKey(plat, "PUB_KEY_ID_BENCH"))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher("1230000109", "SERIAL", m, "PUB_KEY_ID_BENCH", &plat.PublicKey))
	if err != nil {
		b.Fatal(err)
	}
	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
	b.Run("apply_permissions", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_, _, err := client.ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{
				ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6787",
				SubMchID: "1230000109", AuthorizationCode: fmt.Sprintf("BENCH%010d", i), NotifyURL: "https://127.0.0.1:1/notify",
			})
			if err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("query_authorization", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := client.QueryAuthorization(context.Background(), &acquiringbank.QueryAuthorizationRequest{
				AuthorizationCode: "BENCH0000000000", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1230000109",
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
