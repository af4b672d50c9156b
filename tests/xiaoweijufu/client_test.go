package xiaoweijufu_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/apierror"
	"github.com/payscoregen/payscoregen/runtime/formmd5"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

const accessKey = "AK-9f8e7d"

// Both signatures were computed outside this code:
//
//	printf '%s' 'access_key=AK-9f8e7d&order_no=XW202501010001&key=s3cr3t-K3y' | openssl dgst -md5
//	printf '%s' 'mchid=1601234567&order_no=XW202501010001&out_trade_no=T20250101-0001&status=1&total_fee=12345&key=s3cr3t-K3y' | openssl dgst -md5
const (
	wantRequestBody = "access_key=AK-9f8e7d&order_no=XW202501010001&sign=A9F959317ED06CFF52AE9D70ACA0EE70"
	signedResponse  = `{"status":"1","total_fee":12345,"out_trade_no":"T20250101-0001","order_no":"XW202501010001",` +
		`"mchid":"1601234567","sign":"FF7BF92EA4F443CB84CCB4E84C7EEE09"}`
)

// queryServer checks each request like 小微聚付 would and answers with reply.
func queryServer(t *testing.T, status int, reply string) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.Method != http.MethodPost || r.URL.Path != "/order/info" || r.URL.RawQuery != "":
			t.Errorf("request %s %s", r.Method, r.URL)
		case r.Header.Get("Content-Type") != "application/x-www-form-urlencoded":
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		case string(body) != wantRequestBody:
			t.Errorf("body:\n got %s\nwant %s", body, wantRequestBody)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func noKeys(t *testing.T, err error) {
	t.Helper()
	if err != nil && (strings.Contains(err.Error(), accessKey) || strings.Contains(err.Error(), string(merchantKey))) {
		t.Errorf("error leaks a key: %v", err)
	}
}

func TestOrderInfo(t *testing.T) {
	if xiaoweijufu.DefaultBaseURL != "https://mch.xiaoweijufu.com" {
		t.Errorf("DefaultBaseURL = %s", xiaoweijufu.DefaultBaseURL)
	}
	srv, calls := queryServer(t, 200, signedResponse)
	var viaCustomClient atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		viaCustomClient.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := xiaoweijufu.NewClient(accessKey, merchantKey, xiaoweijufu.WithBaseURL(srv.URL), xiaoweijufu.WithHTTPClient(hc))
	req := &xiaoweijufu.OrderInfoRequest{OrderNo: "XW202501010001", AccessKey: "ignored", Sign: "ignored"}
	resp, err := c.OrderInfo(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != "1" || resp.TotalFee != 12345 || resp.OutTradeNo != "T20250101-0001" || resp.MchID != "1601234567" || resp.OrderNo != "XW202501010001" {
		t.Errorf("response = %+v", resp)
	}
	if calls.Load() != 1 || viaCustomClient.Load() != 1 {
		t.Errorf("server calls %d, custom client calls %d", calls.Load(), viaCustomClient.Load())
	}
	if req.AccessKey != "ignored" || req.Sign != "ignored" {
		t.Error("OrderInfo modified the caller's request")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestOrderInfoResponseChecks(t *testing.T) {
	tampered := strings.Replace(signedResponse, `"total_fee":12345`, `"total_fee":1`, 1)
	tests := []struct {
		name   string
		status int
		reply  string
		opts   []xiaoweijufu.ClientOption
		check  func(error) bool
	}{
		{"tampered signed response", 200, tampered, nil, func(e error) bool { return errors.Is(e, formmd5.ErrResponseSign) }},
		{"tampered, check off", 200, tampered, []xiaoweijufu.ClientOption{xiaoweijufu.WithoutResponseSignCheck()}, func(e error) bool { return e == nil }},
		{"unsigned response, unknown members", 200, `{"status":"1","total_fee":100,"unknown":{"x":[1]},"n":null}`, nil, func(e error) bool { return e == nil }},
		{"HTTP 500", 500, `{"msg":"` + accessKey + `"}`, nil, func(e error) bool {
			var se *formmd5.StatusError
			return errors.As(e, &se) && se.StatusCode == 500 && strings.Contains(string(se.Body), "msg")
		}},
		{"malformed JSON", 200, `{"status":`, nil, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		{"non-numeric total_fee", 200, `{"total_fee":"12.5"}`, nil, func(e error) bool { var te *kv.TypeError; return errors.As(e, &te) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := queryServer(t, tt.status, tt.reply)
			c := xiaoweijufu.NewClient(accessKey, merchantKey, append([]xiaoweijufu.ClientOption{xiaoweijufu.WithBaseURL(srv.URL)}, tt.opts...)...)
			resp, err := c.OrderInfo(context.Background(), &xiaoweijufu.OrderInfoRequest{OrderNo: "XW202501010001"})
			if !tt.check(err) {
				t.Fatalf("OrderInfo = %+v, %v", resp, err)
			}
			if err != nil {
				var oe *apierror.OperationError
				if !errors.As(err, &oe) || oe.Operation != "xiaoweijufu OrderInfo" || resp != nil {
					t.Errorf("err = %#v", err)
				}
			}
			noKeys(t, err)
		})
	}
}

func TestOrderInfoNeverSendsAnInvalidRequest(t *testing.T) {
	srv, calls := queryServer(t, 200, signedResponse)
	for name, tc := range map[string]struct {
		access, key string
		req         *xiaoweijufu.OrderInfoRequest
		check       func(error) bool
	}{
		"no order_no": {accessKey, string(merchantKey), &xiaoweijufu.OrderInfoRequest{}, func(e error) bool {
			_, ok := fieldErr(e, "order_no").(*validate.RequiredError)
			return ok
		}},
		"nil request": {accessKey, string(merchantKey), nil, func(e error) bool { return fieldErr(e, "order_no") != nil }},
		"no access key": {"", string(merchantKey), &xiaoweijufu.OrderInfoRequest{OrderNo: "X"}, func(e error) bool {
			_, ok := fieldErr(e, "access_key").(*validate.RequiredError)
			return ok
		}},
		"no merchant key": {accessKey, "", &xiaoweijufu.OrderInfoRequest{OrderNo: "X"}, func(e error) bool { return errors.Is(e, formmd5.ErrEmptyKey) }},
	} {
		c := xiaoweijufu.NewClient(jumpsign.Secret(tc.access), jumpsign.Secret(tc.key), xiaoweijufu.WithBaseURL(srv.URL))
		_, err := c.OrderInfo(context.Background(), tc.req)
		if !tc.check(err) {
			t.Errorf("%s: err = %v", name, err)
		}
		noKeys(t, err)
	}
	if calls.Load() != 0 {
		t.Errorf("%d invalid requests reached the server", calls.Load())
	}
}

func TestOrderInfoTransportError(t *testing.T) {
	srv, _ := queryServer(t, 200, signedResponse)
	srv.Close()
	c := xiaoweijufu.NewClient(accessKey, merchantKey, xiaoweijufu.WithBaseURL(srv.URL))
	_, err := c.OrderInfo(context.Background(), &xiaoweijufu.OrderInfoRequest{OrderNo: "XW202501010001"})
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	noKeys(t, err)
}

// Why: fmt.Printf("%+v", client) printed the access key and the merchant key.
func TestClientPrintsNoKeys(t *testing.T) {
	c := xiaoweijufu.NewClient(accessKey, merchantKey, xiaoweijufu.WithBaseURL("http://127.0.0.1:1"))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{c, *c, []any{c}} {
			got := fmt.Sprintf(verb, v)
			if strings.Contains(got, accessKey) || strings.Contains(got, string(merchantKey)) ||
				strings.Contains(got, fmt.Sprintf("%x", accessKey)) || strings.Contains(got, fmt.Sprintf("%x", string(merchantKey))) {
				t.Errorf("Sprintf(%q, %T) = %s: carries a key", verb, v, got)
			}
		}
	}
	if got := c.String(); !strings.Contains(got, "xiaoweijufu.Client") || !strings.Contains(got, "127.0.0.1:1") {
		t.Errorf("String() = %q", got)
	}
}
