package modesclient_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// wantSign computes the Pay Score jump signature by hand: the six fields
// sorted by key, k=v joined with &, then &key=KEY, HMAC-SHA256 keyed with KEY,
// upper-case hex.
func wantSign(fields [][2]string, key string) string {
	var parts []string
	for _, f := range fields {
		parts = append(parts, f[0]+"="+f[1])
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(strings.Join(parts, "&") + "&key=" + key))
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

func TestOrderDetailJumps(t *testing.T) {
	const key = "0123456789abcdefghijklmnopqrstuv"
	opts := []jumps.Option{
		jumps.WithClock(func() time.Time { return time.Unix(1530097563, 0) }),
		jumps.WithNonce(func() (string, error) { return "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2", nil }),
	}
	data := payscore.OrderDetailData{MchID: mchID, ServiceID: serviceID, OutOrderNo: "M1"}
	sign := wantSign([][2]string{
		{"mch_id", mchID}, {"nonce_str", "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"}, {"out_order_no", "M1"},
		{"service_id", serviceID}, {"sign_type", "HMAC-SHA256"}, {"timestamp", "1530097563"},
	}, key)

	mini, err := payscore.NewOrderDetailOpenBusinessView(data, jumpsign.Secret(key), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if mini.BusinessType != "wxpayScoreDetail" || mini.ExtraData.Sign != sign || mini.ExtraData.Timestamp != "1530097563" {
		t.Errorf("openBusinessView params %+v, want sign %s", mini, sign)
	}
	if !mini.ExtraData.VerifySign(jumpsign.Secret(key)) || mini.ExtraData.VerifySign(jumpsign.Secret("another key")) {
		t.Error("VerifySign does not tell the right key from a wrong one")
	}

	nav, err := payscore.NewOrderDetailNavigate(data, jumpsign.Secret(key), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if nav.AppID != "wxd8f3793ea3b935b8" || nav.Path != "pages/record/detail" || nav.ExtraData.Sign != sign {
		t.Errorf("navigateToMiniProgram params %+v", nav)
	}

	app, err := payscore.NewOrderDetailApp(data, jumpsign.Secret(key), opts...)
	if err != nil {
		t.Fatal(err)
	}
	q, err := url.ParseQuery(app.Query)
	if err != nil {
		t.Fatal(err)
	}
	if app.BusinessType != "wxpayScoreDetail" || q.Get("sign") != sign || q.Get("out_order_no") != "M1" || q.Get("service_id") != serviceID {
		t.Errorf("App params %+v", app)
	}

	// A missing out_order_no is refused before anything is signed.
	if _, err := payscore.NewOrderDetailOpenBusinessView(payscore.OrderDetailData{MchID: mchID, ServiceID: serviceID}, jumpsign.Secret(key), opts...); err == nil || !strings.Contains(err.Error(), "out_order_no") {
		t.Errorf("a jump without out_order_no: %v", err)
	}
}
