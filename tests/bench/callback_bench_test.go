package bench_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	wxnotify "github.com/wechatpay-apiv3/wechatpay-go/core/notify"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

const benchPlaintext = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_appid":"wxd678efh567hg6787","sub_mchid":"1230000109","channel_id":"1230000109","service_id":"500001","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","user_service_status":"USER_OPEN_SERVICE","openorclose_time":"20180225112233","authorization_code":"4534323JKHDFE1243252"}`

// signedNotification is one delivery: body and Wechatpay-* headers.
type signedNotification struct {
	body   []byte
	header http.Header
}

func (s signedNotification) request() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/payscore/notify", bytes.NewReader(s.body))
	for k, v := range s.header {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}

type callbackFixture struct {
	apiV3Key      string
	notifications []signedNotification // distinct ids, so dedupe never short-cuts
}

func newCallbackFixture(b *testing.B, n int) *callbackFixture {
	_, plat := keys()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		b.Fatal(err)
	}
	f := &callbackFixture{apiV3Key: fmt.Sprintf("%x", key)[:32]}
	signer := &notifytest.Signer{PrivateKey: plat, Serial: "PUB_KEY_ID_BENCH"}
	for i := range n {
		env := notify.Envelope{ID: fmt.Sprintf("EV-%08d", i), CreateTime: "2015-05-20T13:29:35+08:00",
			EventType: "PAYSCORE.USER_OPEN_SERVICE", ResourceType: "encrypt-resource", Summary: "授权成功"}
		body, err := notifytest.SealEnvelope(f.apiV3Key, env, []byte(benchPlaintext))
		if err != nil {
			b.Fatal(err)
		}
		h, err := signer.Headers(body)
		if err != nil {
			b.Fatal(err)
		}
		f.notifications = append(f.notifications, signedNotification{body: body, header: h})
	}
	return f
}

// rotatingStore hands the handler a fresh memory store for every pass over
// the prepared notifications, so each delivery is a first delivery.
type rotatingStore struct {
	cur atomic.Pointer[dedupe.MemoryStore]
}

func (r *rotatingStore) reset() { r.cur.Store(dedupe.NewMemoryStore()) }
func (r *rotatingStore) Begin(ctx context.Context, id string) (dedupe.State, error) {
	return r.cur.Load().Begin(ctx, id)
}
func (r *rotatingStore) Complete(ctx context.Context, id string) error {
	return r.cur.Load().Complete(ctx, id)
}
func (r *rotatingStore) Release(ctx context.Context, id string) error {
	return r.cur.Load().Release(ctx, id)
}

// ours is the generated handler with duplicate protection, as users mount it.
func (f *callbackFixture) ours(b *testing.B) func(i int) {
	_, plat := keys()
	parser, err := notify.NewParser(notify.Config{APIv3Key: f.apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier("PUB_KEY_ID_BENCH", plat.PublicKey)})
	if err != nil {
		b.Fatal(err)
	}
	store := &rotatingStore{}
	store.reset()
	var seen int
	h := acquiringbank.NewAuthorizationNotifyHandler(parser, store, acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			seen += len(ev.Data.SubOpenID)
			return nil
		},
	}, notify.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	return func(i int) {
		if i%len(f.notifications) == 0 {
			store.reset()
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, f.notifications[i%len(f.notifications)].request())
		if w.Code != http.StatusNoContent {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// wechatpayGo is wechatpay-go's notify.Handler.ParseNotifyRequest into a struct.
func (f *callbackFixture) wechatpayGo(b *testing.B) func(i int) {
	_, plat := keys()
	h, err := wxnotify.NewRSANotifyHandler(f.apiV3Key, verifiers.NewSHA256WithRSAPubkeyVerifier("PUB_KEY_ID_BENCH", plat.PublicKey))
	if err != nil {
		b.Fatal(err)
	}
	return func(i int) {
		var content acquiringbank.AuthorizationNotifyData
		if _, err := h.ParseNotifyRequest(context.Background(), f.notifications[i%len(f.notifications)].request(), &content); err != nil {
			b.Fatal(err)
		}
	}
}

// floor is the least any correct handler does, written directly: read the
// body, RSA-2048 verify, AES-256-GCM open, decode the envelope and the plaintext.
func (f *callbackFixture) floor(b *testing.B) func(i int) {
	_, plat := keys()
	block, err := aes.NewCipher([]byte(f.apiV3Key))
	if err != nil {
		b.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	return func(i int) {
		r := f.notifications[i%len(f.notifications)].request()
		body, err := io.ReadAll(r.Body)
		if err != nil {
			b.Fatal(err)
		}
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("Wechatpay-Signature"))
		if err != nil {
			b.Fatal(err)
		}
		digest := sha256.Sum256([]byte(r.Header.Get("Wechatpay-Timestamp") + "\n" + r.Header.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
		if err := rsa.VerifyPKCS1v15(&plat.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
			b.Fatal(err)
		}
		var env notify.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			b.Fatal(err)
		}
		ct, err := base64.StdEncoding.DecodeString(env.Resource.Ciphertext)
		if err != nil {
			b.Fatal(err)
		}
		plain, err := gcm.Open(nil, []byte(env.Resource.Nonce), ct, []byte(env.Resource.AssociatedData))
		if err != nil {
			b.Fatal(err)
		}
		var data struct {
			AppID, MchID, SubAppID, SubMchID, ChannelID, ServiceID, OpenID, SubOpenID string
			UserServiceStatus                                                         string `json:"user_service_status"`
			OpenOrCloseTime                                                           string `json:"openorclose_time"`
			AuthorizationCode                                                         string `json:"authorization_code"`
		}
		if err := json.Unmarshal(plain, &data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallback(b *testing.B) {
	f := newCallbackFixture(b, 256)
	for _, v := range []struct {
		name string
		fn   func(*testing.B) func(int)
	}{{"generated_handler", f.ours}, {"wechatpay_go", f.wechatpayGo}, {"floor", f.floor}} {
		b.Run(v.name, func(b *testing.B) {
			run := v.fn(b)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				run(i)
				i++
			}
		})
	}
}

func BenchmarkPairCallbackFloor(b *testing.B) {
	f := newCallbackFixture(b, 256)
	ours, floor := f.ours(b), f.floor(b)
	i := 0
	pair(b, func() { ours(i); i++ }, func() { floor(i) })
}

func BenchmarkPairCallbackWechatpayGo(b *testing.B) {
	f := newCallbackFixture(b, 256)
	ours, wx := f.ours(b), f.wechatpayGo(b)
	i := 0
	pair(b, func() { ours(i); i++ }, func() { wx(i) })
}
