package xiaoweijufu_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/formmd5"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// Any body posted to the notify endpoint gets a well-formed answer and
// never reaches the merchant's code unless its MD5 sign verifies.
func FuzzNotifyForm(f *testing.F) {
	const key = jumpsign.Secret("fuzz-merchant-key")
	valid := map[string]string{"status": "1", "total_fee": "1", "out_trade_no": "T1", "order_no": "O1",
		"transaction_id": "W1", "time_end": "2020-01-01 00:00:00", "openid": "o1", "attach": "", "mchid": "12345"}
	sign, err := jumpsign.Sign(jumpsign.MD5Algo, valid, key)
	if err != nil {
		f.Fatal(err)
	}
	form := url.Values{}
	for k, v := range valid {
		form.Set(k, v)
	}
	form.Set("sign", sign)
	for _, seed := range []string{form.Encode(), "", "a=1&a=2", "sign=%zz", "status=1&sign=ABC", string(bytes.Repeat([]byte("x=1&"), 100))} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		processed := false
		h := xiaoweijufu.NewNotifyHandler(key,
			func(context.Context, *xiaoweijufu.NotifyData) (formmd5.Order, error) {
				return formmd5.Order{MchID: "12345", TotalFee: 1}, nil
			},
			dedupe.NewMemoryStore(),
			func(context.Context, *xiaoweijufu.NotifyData) error { processed = true; return nil },
			formmd5.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
		if processed {
			fields, err := url.ParseQuery(string(body))
			if err != nil {
				t.Fatalf("processed a body that is not a form: %q", body)
			}
			params := map[string]string{}
			for k, v := range fields {
				params[k] = v[0]
			}
			if !jumpsign.Verify(jumpsign.MD5Algo, params, key, params["sign"]) {
				t.Fatalf("processed a notification whose sign does not verify: %q", body)
			}
			if w.Code != 200 || w.Body.String() != "success" {
				t.Fatalf("processed but answered %d %q", w.Code, w.Body)
			}
		}
	})
}
