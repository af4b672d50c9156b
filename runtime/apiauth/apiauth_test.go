package apiauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/credentials"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/signers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
)

func TestParseAuthorization(t *testing.T) {
	good := `WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="c2ln",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`
	a, err := ParseAuthorization(good)
	if err != nil {
		t.Fatal(err)
	}
	if a.MchID != "1900009191" || a.Timestamp != 1554208460 || a.Signature != "c2ln" || a.SerialNo != "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C" {
		t.Errorf("parsed %+v", a)
	}
	for name, h := range map[string]string{
		"empty":          "",
		"other scheme":   strings.Replace(good, "RSA2048", "SM2", 1),
		"no quotes":      strings.Replace(good, `mchid="1900009191"`, `mchid=1900009191`, 1),
		"bad timestamp":  strings.Replace(good, `"1554208460"`, `"soon"`, 1),
		"missing serial": strings.Replace(good, `,serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`, "", 1),
	} {
		if _, err := ParseAuthorization(h); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrMissing) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// A header made by wechatpay-go's own credential verifies; anything off fails
// with the matching sentinel.
func TestVerifyAgainstWechatpayGo(t *testing.T) {
	merchant, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cred := &credentials.WechatPayCredentials{Signer: &signers.SHA256WithRSASigner{MchID: "1900009191", CertificateSerialNo: "SERIAL", PrivateKey: merchant}}
	body := []byte(`{"reason":"撤销原因"}`)
	req := httptest.NewRequest("POST", "/v3/x/y?a=1", nil)
	header, err := cred.GenerateAuthorizationHeader(context.Background(), "POST", "/v3/x/y?a=1", string(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", header)
	keyFor := func(pub *rsa.PublicKey) KeyLookup {
		return func(mch, serial string) *rsa.PublicKey {
			if mch == "1900009191" && serial == "SERIAL" {
				return pub
			}
			return nil
		}
	}
	v := &Verifier{Keys: keyFor(&merchant.PublicKey)}
	if _, err := v.Verify(req, body); err != nil {
		t.Fatalf("valid header refused: %v", err)
	}
	if _, err := v.Verify(req, []byte(`{"reason":"改过"}`)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("changed body: %v", err)
	}
	if _, err := (&Verifier{Keys: keyFor(&other.PublicKey)}).Verify(req, body); !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := (&Verifier{Keys: func(string, string) *rsa.PublicKey { return nil }}).Verify(req, body); !errors.Is(err, ErrUnknownMerch) {
		t.Errorf("unknown merchant: %v", err)
	}
	late := &Verifier{Keys: keyFor(&merchant.PublicKey), Now: func() time.Time { return time.Now().Add(6 * time.Minute) }}
	if _, err := late.Verify(req, body); !errors.Is(err, ErrStale) {
		t.Errorf("stale: %v", err)
	}
}

// Responses signed here verify with wechatpay-go's public-key verifier.
func TestSignerVerifiesWithWechatpayGo(t *testing.T) {
	platform, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &Signer{Key: platform, Serial: "PUB_KEY_ID_01", Nonce: func() string { return "N" }}
	rec := httptest.NewRecorder()
	body := []byte(`{"ok":true}`)
	if err := s.Sign(rec.Header(), body); err != nil {
		t.Fatal(err)
	}
	h := rec.Header()
	msg := h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"
	v := verifiers.NewSHA256WithRSAPubkeyVerifier("PUB_KEY_ID_01", platform.PublicKey)
	if err := v.Verify(context.Background(), h.Get("Wechatpay-Serial"), msg, h.Get("Wechatpay-Signature")); err != nil {
		t.Fatalf("wechatpay-go refuses our signature: %v", err)
	}
	if err := v.Verify(context.Background(), "PUB_KEY_ID_01", msg+"x", h.Get("Wechatpay-Signature")); err == nil {
		t.Fatal("changed message verified")
	}
}
