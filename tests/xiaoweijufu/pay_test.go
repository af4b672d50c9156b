// Package xiaoweijufu_test exercises generated/xiaoweijufu: the pay
// extraData builder (MD5), the return-data parser, the notify handler and
// the order-query client.
package xiaoweijufu_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

const merchantKey jumpsign.Secret = "s3cr3t-K3y"

func fixedNonce(n string) jumps.Option {
	return jumps.WithNonce(func() (string, error) { return n, nil })
}

func fieldErr(err error, path string) error {
	var ve *validate.Errors
	if !errors.As(err, &ve) {
		return nil
	}
	for _, f := range ve.Fields {
		if f.Path == path {
			return f.Err
		}
	}
	return nil
}

func TestPayConstants(t *testing.T) {
	if xiaoweijufu.PayAppID != "wx959c8c1fb2d89988" || xiaoweijufu.PayPath != "pages/pay" ||
		xiaoweijufu.PayReturnScene != 1038 || xiaoweijufu.PayReferrerAppID != "wx959c8c1fb2d89988" ||
		!xiaoweijufu.PayCountsTowardJumpLimit {
		t.Errorf("constants: %s %s %d %s %v", xiaoweijufu.PayAppID, xiaoweijufu.PayPath, xiaoweijufu.PayReturnScene,
			xiaoweijufu.PayReferrerAppID, xiaoweijufu.PayCountsTowardJumpLimit)
	}
	// Never PayJS's own appId (erratum xwjf-payjs-copy).
	if xiaoweijufu.PayAppID == "wx959c8c1fb2d877b5" {
		t.Error("PayJS appId")
	}
}

// The doc's vector (签名算法 page): mchid=12345&out_trade_no=123123123123&total_fee=1&key=xxxxxxxxx
// -> D284B39BA646EB978DF4FF1F5E59D2AD, checked through the generated PayData.
func TestDocMD5Vector(t *testing.T) {
	d := xiaoweijufu.PayData{MchID: "12345", OutTradeNo: "123123123123", TotalFee: 1, Sign: "D284B39BA646EB978DF4FF1F5E59D2AD"}
	if !d.VerifySign("xxxxxxxxx") {
		t.Fatal("the doc's vector does not verify")
	}
	d.TotalFee = 2
	if d.VerifySign("xxxxxxxxx") {
		t.Error("verifies with another total_fee")
	}
}

func TestNewPayVectors(t *testing.T) {
	// printf '%s' 'mchid=12345&nonce=abc&out_trade_no=123123123123&total_fee=1&key=xxxxxxxxx' | openssl dgst -md5
	p, err := xiaoweijufu.NewPay(xiaoweijufu.PayData{MchID: "12345", OutTradeNo: "123123123123", TotalFee: 1}, "xxxxxxxxx", fixedNonce("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ExtraData.Sign != "83041D972EA2CD3FBFECCE3D3F73F835" {
		t.Errorf("sign = %s", p.ExtraData.Sign)
	}
	want := `{"appId":"wx959c8c1fb2d89988","path":"pages/pay","extraData":{"mchid":"12345","total_fee":1,` +
		`"out_trade_no":"123123123123","nonce":"abc","sign":"83041D972EA2CD3FBFECCE3D3F73F835"}}`
	if got, _ := json.Marshal(p); string(got) != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}

	// Every optional field, raw UTF-8, spaces, '+', '&'-free JSON and a URL with a query, signed raw:
	// printf '%s' 'attach={"uid":7}&body=测试商品 A+B&mchid=1601234567&nonce=n0nc3&notify_url=https://example.com/notify?x=1&out_trade_no=T20250101-0001&total_fee=12345&key=s3cr3t-K3y' | openssl dgst -md5
	p, err = xiaoweijufu.NewPay(xiaoweijufu.PayData{
		MchID: "1601234567", TotalFee: 12345, OutTradeNo: "T20250101-0001", Body: "测试商品 A+B",
		Attach: `{"uid":7}`, NotifyURL: "https://example.com/notify?x=1",
	}, merchantKey, fixedNonce("n0nc3"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ExtraData.Sign != "6690E10078779D531249F58D317B0D75" {
		t.Errorf("sign = %s", p.ExtraData.Sign)
	}
	if !p.ExtraData.VerifySign(merchantKey) || p.ExtraData.VerifySign("other") {
		t.Error("VerifySign")
	}
}

func TestPayValidation(t *testing.T) {
	valid := func() xiaoweijufu.PayData {
		return xiaoweijufu.PayData{MchID: "1601234567", TotalFee: 100, OutTradeNo: "T1"}
	}
	han := func(n int) string { return strings.Repeat("汉", n) }
	tests := []struct {
		name   string
		modify func(*xiaoweijufu.PayData)
		path   string // "" when valid
		leaf   string
	}{
		{"minimal", func(*xiaoweijufu.PayData) {}, "", ""},
		{"mchid 16", func(d *xiaoweijufu.PayData) { d.MchID = strings.Repeat("1", 16) }, "", ""},
		{"mchid 17", func(d *xiaoweijufu.PayData) { d.MchID = strings.Repeat("1", 17) }, "extraData.mchid", "max"},
		{"mchid missing", func(d *xiaoweijufu.PayData) { d.MchID = "" }, "extraData.mchid", "required"},
		{"out_trade_no 32", func(d *xiaoweijufu.PayData) { d.OutTradeNo = strings.Repeat("o", 32) }, "", ""},
		{"out_trade_no 33", func(d *xiaoweijufu.PayData) { d.OutTradeNo = strings.Repeat("o", 33) }, "extraData.out_trade_no", "max"},
		{"out_trade_no missing", func(d *xiaoweijufu.PayData) { d.OutTradeNo = "" }, "extraData.out_trade_no", "required"},
		{"body 32 Chinese characters (96 bytes)", func(d *xiaoweijufu.PayData) { d.Body = han(32) }, "", ""},
		{"body 33 Chinese characters", func(d *xiaoweijufu.PayData) { d.Body = han(33) }, "extraData.body", "max"},
		{"attach 128", func(d *xiaoweijufu.PayData) { d.Attach = han(128) }, "", ""},
		{"attach 129", func(d *xiaoweijufu.PayData) { d.Attach = strings.Repeat("a", 129) }, "extraData.attach", "max"},
		{"notify_url 255", func(d *xiaoweijufu.PayData) { d.NotifyURL = "https://e.com/" + strings.Repeat("n", 241) }, "", ""},
		{"notify_url 256", func(d *xiaoweijufu.PayData) { d.NotifyURL = "https://e.com/" + strings.Repeat("n", 242) }, "extraData.notify_url", "max"},
		{"total_fee 1 fen", func(d *xiaoweijufu.PayData) { d.TotalFee = 1 }, "", ""},
		{"total_fee 0", func(d *xiaoweijufu.PayData) { d.TotalFee = 0 }, "extraData.total_fee", "minimum"},
		{"total_fee negative", func(d *xiaoweijufu.PayData) { d.TotalFee = -100 }, "extraData.total_fee", "minimum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := valid()
			tt.modify(&d)
			p, err := xiaoweijufu.NewPay(d, merchantKey, fixedNonce("n"))
			if tt.path == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !p.ExtraData.VerifySign(merchantKey) {
					t.Error("sign does not verify")
				}
				return
			}
			leaf := fieldErr(err, tt.path)
			var ok bool
			switch tt.leaf {
			case "max":
				_, ok = leaf.(*validate.MaxLengthError)
			case "required":
				_, ok = leaf.(*validate.RequiredError)
			case "minimum":
				_, ok = leaf.(*validate.MinimumError)
			}
			if !ok {
				t.Fatalf("err = %v; want %s at %s", err, tt.leaf, tt.path)
			}
			if strings.Contains(err.Error(), string(merchantKey)) || strings.Contains(err.Error(), "汉汉") {
				t.Errorf("error leaks the key or a value: %v", err)
			}
		})
	}
	if _, err := xiaoweijufu.NewPay(valid(), ""); !errors.Is(err, jumps.ErrEmptyKey) {
		t.Errorf("empty key: %v", err)
	}
}

func TestParsePayReturn(t *testing.T) {
	r, err := xiaoweijufu.ParsePayReturn([]byte(`{"success":true,"resultCode":"SUCCESS","msg":"支付成功","payjsOrderId":"2019123456"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Success || r.ResultCode != "SUCCESS" || r.Msg != "支付成功" || r.PayjsOrderID != "2019123456" {
		t.Errorf("return = %+v", r)
	}
	// success as text, the doc's defaults (WAITING, 等待支付).
	r, err = xiaoweijufu.ParsePayReturn([]byte(`{"success":"false","resultCode":"WAITING","msg":"等待支付"}`))
	if err != nil || r.Success || r.ResultCode != "WAITING" {
		t.Errorf("return = %+v, %v", r, err)
	}
	_, err = xiaoweijufu.ParsePayReturn([]byte(`{"success":"yes"}`))
	var te *kv.TypeError
	if !errors.As(fieldErr(err, "success"), &te) || te.Want != "boolean" {
		t.Errorf("success=yes: err = %v", err)
	}
	for _, body := range []string{"", "{}", "null"} {
		if _, err := xiaoweijufu.ParsePayReturn([]byte(body)); !errors.Is(err, jumps.ErrNoReturnData) {
			t.Errorf("%q: err = %v, want ErrNoReturnData", body, err)
		}
	}
}
