package notifytest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

// The builders are checked against wechatpay-go, an independent
// implementation of the receiving side.

func TestEncryptDecryptsWithWechatpayGo(t *testing.T) {
	key := notifytest.RandomString(32)
	plaintext := `{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`
	for _, ad := range []string{"", "certificate"} {
		res, err := notifytest.Encrypt(key, []byte(plaintext), ad, "fdasflkja484")
		if err != nil {
			t.Fatal(err)
		}
		if res.Algorithm != notify.AlgorithmAES256GCM || res.Nonce != "fdasflkja484" || res.AssociatedData != ad {
			t.Errorf("Resource = %+v", res)
		}
		got, err := utils.DecryptAES256GCM(key, res.AssociatedData, res.Nonce, res.Ciphertext)
		if err != nil {
			t.Fatal(err)
		}
		if got != plaintext {
			t.Errorf("decrypted %q, want %q", got, plaintext)
		}
	}
}

func TestEncryptRejects(t *testing.T) {
	key := notifytest.RandomString(32)
	for _, tc := range []struct{ key, nonce string }{
		{key[:16], "fdasflkja484"},
		{key, "fdasflkja484w"},
		{key, ""},
	} {
		_, err := notifytest.Encrypt(tc.key, []byte("x"), "", tc.nonce)
		if err == nil {
			t.Errorf("Encrypt(key of %d, nonce %q) succeeded", len(tc.key), tc.nonce)
			continue
		}
		if strings.Contains(err.Error(), tc.key) {
			t.Errorf("error leaks the key: %v", err)
		}
	}
}

func TestHeadersVerifyWithWechatpayGo(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s := &notifytest.Signer{
		PrivateKey: key,
		Serial:     "PUB_KEY_ID_1",
		Now:        func() time.Time { return now },
		Nonce:      func() string { return "n0nce" },
	}
	body := []byte(`{"id":"EV-1"}`)
	h, err := s.Headers(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		notify.HeaderTimestamp:     strconv.FormatInt(now.Unix(), 10),
		notify.HeaderNonce:         "n0nce",
		notify.HeaderSerial:        "PUB_KEY_ID_1",
		notify.HeaderSignatureType: notify.SignatureTypeRSA,
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	v := verifiers.NewSHA256WithRSAPubkeyVerifier("PUB_KEY_ID_1", key.PublicKey)
	msg := h.Get(notify.HeaderTimestamp) + "\n" + "n0nce\n" + string(body) + "\n"
	if err := v.Verify(context.Background(), "PUB_KEY_ID_1", msg, h.Get(notify.HeaderSignature)); err != nil {
		t.Fatalf("wechatpay-go rejects the signature: %v", err)
	}
	if err := v.Verify(context.Background(), "PUB_KEY_ID_1", msg+"x", h.Get(notify.HeaderSignature)); err == nil {
		t.Fatal("signature verifies a different message")
	}

	req, err := s.NewRequest(context.Background(), "https://merchant.example/notify", body)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.Header.Get(notify.HeaderSignature) != h.Get(notify.HeaderSignature) {
		t.Errorf("NewRequest = %s %v", req.Method, req.Header)
	}

	if _, err := (&notifytest.Signer{Serial: "x"}).Headers(body); err == nil {
		t.Error("Headers without a key succeeded")
	}
	if _, err := (&notifytest.Signer{PrivateKey: key}).Headers(body); err == nil {
		t.Error("Headers without a serial succeeded")
	}
}

func TestSealEnvelope(t *testing.T) {
	key := notifytest.RandomString(32)
	body, err := notifytest.SealEnvelope(key, notify.Envelope{
		ID:       "EV-1",
		Resource: notify.Resource{AssociatedData: "ad", OriginalType: "payscore"},
	}, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	var env notify.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	r := env.Resource
	if env.ID != "EV-1" || r.OriginalType != "payscore" || r.AssociatedData != "ad" || len(r.Nonce) != 12 {
		t.Errorf("envelope = %+v", env)
	}
	got, err := utils.DecryptAES256GCM(key, r.AssociatedData, r.Nonce, r.Ciphertext)
	if err != nil || got != "hello" {
		t.Errorf("decrypted %q, %v", got, err)
	}
}

func TestRandomString(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := notifytest.RandomString(12)
		if len(s) != 12 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("RandomString(12) = %q", s)
		}
		if seen[s] {
			t.Fatalf("repeated %q", s)
		}
		seen[s] = true
	}
}
