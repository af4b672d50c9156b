package notify_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

// The authorization callback: a Parser with your APIv3 key and WeChat Pay's
// public key, and the generated handler, which verifies, decrypts, decodes,
// deduplicates and replies. Here notifytest plays WeChat Pay and delivers the
// same notification twice.
func Example() {
	const apiV3Key = "0123456789abcdefghijklmnopqrstuv" // 32 bytes
	const publicKeyID = "PUB_KEY_ID_0112345678"
	wechatKey, err := rsa.GenerateKey(rand.Reader, 2048) // in production: WeChat Pay's public key from the merchant platform
	if err != nil {
		log.Fatal(err)
	}

	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, wechatKey.PublicKey),
	})
	if err != nil {
		log.Fatal(err)
	}
	handler, err := acquiringbank.NewAuthorizationNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(ctx context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			fmt.Println("authorized:", ev.Data.AuthorizationCode, ev.Data.SubOpenID)
			return nil // an error makes WeChat deliver it again
		},
		Default: func(context.Context, *notify.Notification) error { return nil }, // other event types: acknowledged
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			log.Printf("invalid notification %s: %v", inv.Notification.Envelope.ID, inv.Reasons) // keep it for review
			return nil
		},
	}, notify.WithLogger(nil))
	if err != nil {
		log.Fatal(err)
	}

	// WeChat Pay's side: an encrypted, signed USER_OPEN_SERVICE notification.
	body, err := notifytest.SealEnvelope(apiV3Key, notify.Envelope{
		ID: "EV-2018022511223320873", CreateTime: "2018-06-08T10:34:56+08:00",
		EventType: "PAYSCORE.USER_OPEN_SERVICE", ResourceType: "encrypt-resource", Summary: "授权成功",
	}, []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_appid":"wxd678efh567hg6786",
		"sub_mchid":"1900000110","channel_id":"1230000109","service_id":"500001",
		"sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","user_service_status":"USER_OPEN_SERVICE",
		"openorclose_time":"20180225112233","authorization_code":"1234323JKHDFE1243252"}`))
	if err != nil {
		log.Fatal(err)
	}
	wechat := &notifytest.Signer{PrivateKey: wechatKey, Serial: publicKeyID}
	for range 2 {
		r, err := wechat.NewRequest(context.Background(), "https://merchant.example.com/payscore/notify", body)
		if err != nil {
			log.Fatal(err)
		}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code, http.StatusText(w.Code))
	}
	// Output:
	// authorized: 1234323JKHDFE1243252 oUpF8uMuAJO_M2pxb1Q9zNjWeS6o
	// 204 No Content
	// 204 No Content
}
