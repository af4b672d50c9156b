// Package secrets_test audits every error path of the client, the
// notification parser and the jump signers: no error text (with %v, %+v
// or %#v) and no log line may carry the merchant's private key, the APIv3
// key, the APIv2 key or decrypted plaintext.
package secrets_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/notify"
)

// keyFragments are pieces of a private key's PEM and numbers that must never
// appear in output: the PEM header and every 24-character run of its base64.
func keyFragments(t *testing.T, k *rsa.PrivateKey) []string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(der)
	out := []string{"PRIVATE KEY", k.D.String()[:40], k.Primes[0].String()[:40]}
	for i := 0; i+24 <= len(b64); i += 24 {
		out = append(out, b64[i:i+24])
	}
	return out
}

// leak renders err every way a log or a panic would and returns the first
// rendering that contains a secret, or "".
func leak(err error, secrets []string) string {
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				return text
			}
		}
	}
	return ""
}

func audit(t *testing.T, where string, err error, secrets []string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: expected an error", where)
		return
	}
	if text := leak(err, secrets); text != "" {
		t.Errorf("%s leaks a secret: %.200s", where, text)
	}
}

// The audit finds key material however an error carries it.
func TestLeakDetectsKeyMaterial(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	fragments := keyFragments(t, k)
	type wrapped struct{ Key string }
	for name, e := range map[string]error{
		"PEM in the message":    fmt.Errorf("load key: %s", pemText),
		"key in a struct (%#v)": &structErr{Inner: wrapped{Key: pemText[40:120]}},
		"D in the message":      fmt.Errorf("d=%s", k.D),
	} {
		if leak(e, fragments) == "" {
			t.Errorf("%s: not detected", name)
		}
	}
	if leak(fmt.Errorf("HTTP 401 SIGN_ERROR"), fragments) != "" {
		t.Error("false positive")
	}
}

type structErr struct{ Inner any }

func (e *structErr) Error() string { return "struct error" }

func TestClientErrorPathsCarryNoKeyMaterial(t *testing.T) {
	merchant, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	platform, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	wrongPlatform, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	secrets := keyFragments(t, merchant)

	status, body, signWith := 200, `{"apply_permissions_token":"t"}`, platform
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := (&apiauth.Signer{Key: signWith, Serial: "PUB_KEY_ID_AUDIT"}).Sign(w.Header(), []byte(body)); err != nil {
			t.Error(err)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	newClient := func(base string) *acquiringbank.Client {
		c, err := core.NewClient(context.Background(), option.WithWechatPayPublicKeyAuthCipher(
			"1230000109", "SERIAL", merchant, "PUB_KEY_ID_AUDIT", &platform.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		return acquiringbank.NewClient(c, acquiringbank.WithBaseURL(base))
	}
	valid := &acquiringbank.ApplyPermissionsRequest{ServiceID: "500001", ChannelID: "1", AppID: "wx1", SubAppID: "wx2",
		SubMchID: "1", AuthorizationCode: "AC1", NotifyURL: "https://m.example.com/n"}

	_, _, err = newClient(srv.URL).ApplyPermissions(context.Background(), &acquiringbank.ApplyPermissionsRequest{})
	audit(t, "validation error", err, secrets)

	for _, code := range []string{"SYSTEM_ERROR", "PARAM_ERROR", "NO_AUTH", "SIGN_ERROR"} {
		status, body = 400, `{"code":"`+code+`","message":"m"}`
		_, _, err = newClient(srv.URL).ApplyPermissions(context.Background(), valid)
		audit(t, "API error "+code, err, secrets)
	}

	status, body, signWith = 200, `{"apply_permissions_token":"t"}`, wrongPlatform
	_, _, err = newClient(srv.URL).ApplyPermissions(context.Background(), valid)
	audit(t, "response signed by another key", err, secrets)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = newClient(srv.URL).ApplyPermissions(ctx, valid)
	audit(t, "cancelled context", err, secrets)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, _, err = newClient(closed.URL).ApplyPermissions(context.Background(), valid)
	audit(t, "transport error", err, secrets)

	_, _, err = newClient("http://127.0.0.1:1/%zz").ApplyPermissions(context.Background(), valid)
	audit(t, "bad base URL", err, secrets)
}

func TestNotificationConfigAndParseErrorsCarryNoAPIv3Key(t *testing.T) {
	platform, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	verifier := verifiers.NewSHA256WithRSAPubkeyVerifier("PUB_KEY_ID_AUDIT", platform.PublicKey)
	const key = "AUDITaudit0123456789KEYkey012345"

	_, err = notify.NewParser(notify.Config{APIv3Key: key[:31], Verifier: verifier})
	audit(t, "short APIv3 key", err, []string{key[:31], key[:16]})

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	cfg := notify.Config{APIv3Key: key, Verifier: verifier}
	logger.Info("config", "cfg", cfg)
	for _, text := range []string{logs.String(), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg)} {
		if strings.Contains(text, key) {
			t.Errorf("Config prints its APIv3 key: %.200s", text)
		}
	}

	p, err := notify.NewParser(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A body whose resource decrypts with another key, and one that is not
	// JSON but quotes the key: neither error may echo key or body.
	for name, body := range map[string]string{
		"not JSON":    "{" + key + "}",
		"wrong nonce": `{"id":"EV-1","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"` + key + `","nonce":"x"}}`,
	} {
		r := httptest.NewRequest(http.MethodPost, "/n", strings.NewReader(body))
		h := http.Header{}
		if err := (&apiauth.Signer{Key: platform, Serial: "PUB_KEY_ID_AUDIT"}).Sign(h, []byte(body)); err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			r.Header[k] = v
		}
		_, err := p.Parse(r)
		audit(t, "parse "+name, err, []string{key, body})
	}
}

// Jump signers and the 小微聚付 client: the APIv2 key, the merchant key and
// the access key stay out of every error.
func TestJumpAndFormErrorsCarryNoKey(t *testing.T) {
	const apiV2 = "APIV2apiv2KEYkey0123456789abcdef"
	const merchant = "MERCHANTsecretKEY0123456789"
	const access = "ACCESSaccessKEY0123456789"
	secrets := []string{apiV2, merchant, access}

	_, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: strings.Repeat("9", 40)}, apiV2)
	audit(t, "confirm-order builder, invalid data", err, secrets)
	_, err = payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: "1", Package: "p"}, apiV2,
		jumps.WithNonce(func() (string, error) { return "", errors.New("no randomness") }))
	audit(t, "confirm-order builder, nonce failure", err, secrets)
	_, err = payscore.NewAuthorizeAppMerchantSigned(payscore.AuthorizeAppMerchantSignedData{}, apiV2)
	audit(t, "merchant-signed App builder, empty data", err, secrets)
	_, err = xiaoweijufu.NewPay(xiaoweijufu.PayData{MchID: strings.Repeat("1", 17), TotalFee: -1}, merchant)
	audit(t, "小微聚付 pay builder, invalid data", err, secrets)

	status, received := http.StatusInternalServerError, ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received = r.FormValue("access_key")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"return_code":0,"msg":"` + r.FormValue("access_key") + `","sign":"WRONG"}`))
	}))
	defer srv.Close()
	client := xiaoweijufu.NewClient(access, merchant, xiaoweijufu.WithBaseURL(srv.URL))
	_, err = client.OrderInfo(context.Background(), &xiaoweijufu.OrderInfoRequest{OrderNo: "O1"})
	audit(t, "order query, HTTP 500 echoing the access key", err, secrets)
	if received != access {
		t.Fatalf("the server did not get the access key (%d bytes), so the echo proves nothing", len(received))
	}
	status = http.StatusOK
	_, err = client.OrderInfo(context.Background(), &xiaoweijufu.OrderInfoRequest{OrderNo: "O1"})
	audit(t, "order query, wrong response sign", err, secrets)
	_, err = client.OrderInfo(context.Background(), &xiaoweijufu.OrderInfoRequest{})
	audit(t, "order query, invalid request", err, secrets)
}
