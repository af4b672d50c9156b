package modesclient_test

// The generated merchant and partner clients against a loopback server that
// verifies the merchant's signature and signs its answers as WeChat Pay does:
// each operation's method, path, query and body, 200 with a body versus 204,
// and the documented differences between the modes' validation.

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/merchant"
	"github.com/payscoregen/payscoregen/generated/partner"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

const (
	mchID      = "1230000109"
	certSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	pubKeyID   = "PUB_KEY_ID_0112345678901234567890123456"
	appID      = "wxd678efh567hg6787"
	serviceID  = "500001"
	subMchID   = "1900000109"
	openID     = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
)

// seen is one request as the server got it; Query is the raw query, which
// the client encodes sorted by key (url.Values.Encode).
type seen struct {
	Method, Path, Query string
	Body                map[string]any
}

// fake is WeChat Pay on loopback: it checks the merchant signature, records
// the request and answers status/body, signed with the platform key.
type fake struct {
	srv    *httptest.Server
	calls  atomic.Int32
	mu     sync.Mutex
	last   seen
	status int
	body   string
	bad    error
}

func newFake(t *testing.T) *fake {
	merchantKey, plat := testkit.Key("merchant"), testkit.Key("platform")
	f := &fake{status: http.StatusOK, body: `{}`}
	verifier := &apiauth.Verifier{Keys: func(mch, serial string) *rsa.PublicKey {
		if mch == mchID && serial == certSerial {
			return &merchantKey.PublicKey
		}
		return nil
	}}
	signer := &apiauth.Signer{Key: plat, Serial: pubKeyID}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var body map[string]any
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Errorf("request body is not a JSON object: %s", raw)
			}
		}
		f.mu.Lock()
		f.last = seen{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Body: body}
		status, answer := f.status, f.body
		if _, err := verifier.Verify(r, raw); err != nil {
			f.bad = err
		}
		f.mu.Unlock()
		if status == http.StatusNoContent {
			answer = ""
		}
		if err := signer.Sign(w.Header(), []byte(answer)); err != nil {
			t.Errorf("sign: %v", err)
		}
		if answer != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set("Request-Id", "08F78BB5AF0610D3")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) answer(status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body = status, body
}

func (f *fake) seen(t *testing.T) seen {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bad != nil {
		t.Fatalf("the server refused the merchant signature: %v", f.bad)
	}
	return f.last
}

func coreClient(t *testing.T) *core.Client {
	merchantKey, plat := testkit.Key("merchant"), testkit.Key("platform")
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(mchID, certSerial, merchantKey, pubKeyID, &plat.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func clients(t *testing.T) (*fake, *merchant.Client, *partner.Client) {
	f := newFake(t)
	c := coreClient(t)
	return f, merchant.NewClient(c, merchant.WithBaseURL(f.srv.URL)), partner.NewClient(c, partner.WithBaseURL(f.srv.URL))
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

const orderAnswer = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_order_no":"M1","service_id":"500001",
"service_introduction":"某某酒店","state":"CREATED","order_id":"15646546545165651651","package":"DJIOSQPYWDxsjdldeuwhdodwxasd_dDiodnwjh9we",
"risk_fund":{"name":"ESTIMATE_ORDER_COST","amount":50000},"time_range":{"start_time":"OnAccept"},"notify_url":"https://api.test.com"}`

func TestMerchantPlacement(t *testing.T) {
	f, mc, _ := clients(t)
	ctx := context.Background()

	f.answer(200, orderAnswer)
	created, _, err := mc.CreateServiceOrder(ctx, &merchant.CreateServiceOrderRequest{
		OutOrderNo: "M1", AppID: appID, ServiceID: serviceID, ServiceIntroduction: "某某酒店",
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
		RiskFund:     payscore.RiskFund{Name: "ESTIMATE_ORDER_COST", Amount: 50000},
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL:    "https://api.test.com/notify",
		Device:       &payscore.Device{StartDeviceID: "HG123456"},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := f.seen(t)
	if s.Method != "POST" || s.Path != "/v3/payscore/serviceorder" || s.Query != "" {
		t.Errorf("create sent %s %s?%s", s.Method, s.Path, s.Query)
	}
	if diff := cmp.Diff([]string{"appid", "device", "notify_url", "out_order_no", "post_payments", "risk_fund", "service_id", "service_introduction", "time_range"}, keysOf(s.Body)); diff != "" {
		t.Errorf("create body members (-want +got):\n%s", diff)
	}
	if created.Package == "" || created.State != "CREATED" {
		t.Errorf("create answer decoded as %+v", created)
	}

	f.answer(200, orderAnswer)
	if _, _, err := mc.QueryServiceOrder(ctx, &merchant.QueryServiceOrderRequest{OutOrderNo: "M1", ServiceID: serviceID, AppID: appID}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Method != "GET" || s.Path != "/v3/payscore/serviceorder" || s.Body != nil ||
		s.Query != "appid=wxd678efh567hg6787&out_order_no=M1&service_id=500001" {
		t.Errorf("query sent %s %s?%s %v", s.Method, s.Path, s.Query, s.Body)
	}

	// Merchant cancel and 催收 answer 200 with a body.
	f.answer(200, `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_order_no":"M/1","service_id":"500001","order_id":"15646546545165651651"}`)
	cancelled, _, err := mc.CancelServiceOrder(ctx, &merchant.CancelServiceOrderRequest{OutOrderNo: "M/1", AppID: appID, Reason: "用户取消"})
	if err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/serviceorder/M%2F1/cancel" || cmp.Diff([]string{"appid", "reason"}, keysOf(s.Body)) != "" {
		t.Errorf("cancel sent %s %v", s.Path, s.Body)
	}
	if cancelled.OrderID != "15646546545165651651" {
		t.Errorf("cancel answer decoded as %+v", cancelled)
	}
	if _, _, err := mc.CollectServiceOrder(ctx, &merchant.CollectServiceOrderRequest{OutOrderNo: "M1"}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Method != "POST" || s.Path != "/v3/payscore/serviceorder/M1/pay" {
		t.Errorf("pay sent %s %s", s.Method, s.Path)
	}

	// Messages and terminate answer 204; the generated method has no body to return.
	f.answer(204, "")
	if _, err := mc.SendPrepaidMessage(ctx, &merchant.SendPrepaidMessageRequest{
		OutOrderNo: "M1", ServiceID: serviceID, TotalAmount: 40000, PrepaidTime: "20231218",
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
	}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/serviceorder/M1/send-prepaidmessage" || s.Body["prepaid_time"] != "20231218" || s.Body["appid"] != nil {
		t.Errorf("send-prepaidmessage sent %s %v", s.Path, s.Body)
	}
	if _, err := mc.TerminateAuthorizationByOpenID(ctx, &merchant.TerminateAuthorizationByOpenIDRequest{
		OpenID: openID, ServiceID: serviceID, AppID: appID, Reason: "用户要求",
	}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/permissions/openid/"+openID+"/terminate" || cmp.Diff([]string{"appid", "reason", "service_id"}, keysOf(s.Body)) != "" {
		t.Errorf("terminate by openid sent %s %v", s.Path, s.Body)
	}

	f.answer(200, `{"service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109","openid":"`+openID+`","authorization_state":"AVAILABLE","user_risk_level":2}`)
	auth, _, err := mc.QueryAuthorizationByOpenID(ctx, &merchant.QueryAuthorizationByOpenIDRequest{OpenID: openID, ServiceID: serviceID, AppID: appID})
	if err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Method != "GET" || s.Path != "/v3/payscore/permissions/openid/"+openID || s.Query != "appid=wxd678efh567hg6787&service_id=500001" {
		t.Errorf("query by openid sent %s %s?%s", s.Method, s.Path, s.Query)
	}
	if auth.AuthorizationState != "AVAILABLE" {
		t.Errorf("query by openid decoded as %+v", auth)
	}
}

func TestPartnerPlacement(t *testing.T) {
	f, _, pc := clients(t)
	ctx := context.Background()

	completeTime, err := wxtime.ParseRFC3339("2019-11-11T16:24:05+08:00")
	if err != nil {
		t.Fatal(err)
	}
	// Partner cancel, complete, pay answer 204 and send no appid.
	f.answer(204, "")
	if _, err := pc.CancelServiceOrder(ctx, &partner.CancelServiceOrderRequest{OutOrderNo: "P1", ServiceID: serviceID, SubMchID: subMchID, Reason: "用户取消"}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/partner/serviceorder/P1/cancel" || cmp.Diff([]string{"reason", "service_id", "sub_mchid"}, keysOf(s.Body)) != "" {
		t.Errorf("cancel sent %s %v", s.Path, s.Body)
	}
	if _, err := pc.CompleteServiceOrder(ctx, &partner.CompleteServiceOrderRequest{
		OutOrderNo: "P1", ServiceID: serviceID, SubMchID: subMchID, TotalAmount: 36000,
		PostPayments:  []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
		PostDiscounts: []payscore.PostDiscount{{Name: "会员折扣", Description: "会员9折", Amount: 4000}},
		CompleteTime:  completeTime,
	}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/partner/serviceorder/P1/complete" || s.Body["complete_time"] != "2019-11-11T16:24:05+08:00" || s.Body["total_amount"] != 36000.0 {
		t.Errorf("complete sent %s %v", s.Path, s.Body)
	}
	if _, err := pc.CollectServiceOrder(ctx, &partner.CollectServiceOrderRequest{OutOrderNo: "P1", SubMchID: subMchID}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/partner/serviceorder/P1/pay" || cmp.Diff([]string{"sub_mchid"}, keysOf(s.Body)) != "" {
		t.Errorf("pay sent %s %v", s.Path, s.Body)
	}
	if _, err := pc.TerminateAuthorizationByOpenID(ctx, &partner.TerminateAuthorizationByOpenIDRequest{
		ServiceID: serviceID, AppID: appID, SubMchID: subMchID, OpenID: openID, Reason: "用户要求",
	}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/partner/permissions/terminate" || s.Body["openid"] != openID {
		t.Errorf("terminate by openid sent %s %v", s.Path, s.Body)
	}

	// service_id is optional on the partner query.
	f.answer(200, strings.Replace(orderAnswer, `"mchid":"1230000109",`, `"mchid":"1230000109","sub_mchid":"1900000109",`, 1))
	if _, _, err := pc.QueryServiceOrder(ctx, &partner.QueryServiceOrderRequest{SubMchID: subMchID, OutOrderNo: "P1"}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Method != "GET" || s.Path != "/v3/payscore/partner/serviceorder" || s.Query != "out_order_no=P1&sub_mchid=1900000109" {
		t.Errorf("query sent %s %s?%s", s.Method, s.Path, s.Query)
	}
	f.answer(200, `{"service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109","sub_mchid":"1900000109","sub_openid":"`+openID+`","authorization_state":"AVAILABLE","authorization_success_time":"2015-05-20T13:29:35.120+08:00"}`)
	if _, _, err := pc.QueryAuthorizationByOpenID(ctx, &partner.QueryAuthorizationByOpenIDRequest{ServiceID: serviceID, AppID: appID, SubMchID: subMchID, SubOpenID: openID}); err != nil {
		t.Fatal(err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/partner/permissions/search" || s.Query != "appid=wxd678efh567hg6787&service_id=500001&sub_mchid=1900000109&sub_openid="+openID {
		t.Errorf("search sent %s?%s", s.Path, s.Query)
	}
}

// paths lists the field paths of a validation error.
func paths(t *testing.T, err error) []string {
	t.Helper()
	var verrs *validate.Errors
	if !errors.As(err, &verrs) {
		t.Fatalf("err = %v, want *validate.Errors", err)
	}
	var out []string
	for _, fe := range verrs.Fields {
		out = append(out, fe.Path)
	}
	return out
}

func TestModeValidation(t *testing.T) {
	f, mc, pc := clients(t)
	ctx := context.Background()
	noName := []payscore.PostPayment{{Amount: 30000}}

	// post_payments[].name: required on the merchant modify, optional on the partner modify.
	_, _, err := mc.ModifyServiceOrder(ctx, &merchant.ModifyServiceOrderRequest{
		OutOrderNo: "M1", AppID: appID, ServiceID: serviceID, PostPayments: noName, TotalAmount: 30000, Reason: "补偿",
	})
	if diff := cmp.Diff([]string{"post_payments[0].name"}, paths(t, err)); diff != "" {
		t.Errorf("merchant modify (-want +got):\n%s", diff)
	}
	// service_id: required on the merchant query, optional on the partner query.
	_, _, err = mc.QueryServiceOrder(ctx, &merchant.QueryServiceOrderRequest{OutOrderNo: "M1", AppID: appID})
	if diff := cmp.Diff([]string{"service_id"}, paths(t, err)); diff != "" {
		t.Errorf("merchant query (-want +got):\n%s", diff)
	}
	// Exactly one of out_order_no and query_id.
	_, _, err = mc.QueryServiceOrder(ctx, &merchant.QueryServiceOrderRequest{OutOrderNo: "M1", QueryID: "q", ServiceID: serviceID, AppID: appID})
	if got := paths(t, err); len(got) != 1 {
		t.Errorf("both keys: %v", got)
	}
	_, _, err = pc.QueryServiceOrder(ctx, &partner.QueryServiceOrderRequest{SubMchID: subMchID})
	if got := paths(t, err); len(got) != 1 {
		t.Errorf("neither key: %v", got)
	}
	// total_amount = Σ post_payments.amount − Σ post_discounts.amount.
	_, err = pc.ModifyServiceOrder(ctx, &partner.ModifyServiceOrderRequest{
		OutOrderNo: "P1", SubMchID: subMchID, PostPayments: noName, TotalAmount: 29999, Reason: "补偿",
	})
	if got := paths(t, err); len(got) != 1 || !strings.Contains(got[0], "total_amount") {
		t.Errorf("sum rule: %v", got)
	}
	// A create without risk_fund.name (required at this use, not by the type).
	_, _, err = mc.CreateServiceOrder(ctx, &merchant.CreateServiceOrderRequest{
		OutOrderNo: "M1", AppID: appID, ServiceID: serviceID, ServiceIntroduction: "某某酒店",
		RiskFund: payscore.RiskFund{Amount: 50000}, TimeRange: payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL: "https://api.test.com/notify",
	})
	if diff := cmp.Diff([]string{"risk_fund.name"}, paths(t, err)); diff != "" {
		t.Errorf("create (-want +got):\n%s", diff)
	}
	// prepaid_time is yyyyMMdd.
	_, err = mc.SendPendingMessage(ctx, &merchant.SendPendingMessageRequest{
		OutOrderNo: "M1", ServiceID: serviceID, TotalAmount: 1, PrepaidTime: "20231318", // month 13
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 1}},
	})
	if diff := cmp.Diff([]string{"prepaid_time"}, paths(t, err)); diff != "" {
		t.Errorf("pending message (-want +got):\n%s", diff)
	}
	// The partner search names its user by exactly one of openid and sub_openid.
	_, _, err = pc.QueryAuthorizationByOpenID(ctx, &partner.QueryAuthorizationByOpenIDRequest{ServiceID: serviceID, AppID: appID, SubMchID: subMchID})
	if got := paths(t, err); len(got) != 1 {
		t.Errorf("search without a user: %v", got)
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("%d HTTP calls made for invalid requests", n)
	}

	// The same partner modify with a name-less item is valid.
	f.answer(204, "")
	if _, err := pc.ModifyServiceOrder(ctx, &partner.ModifyServiceOrderRequest{
		OutOrderNo: "P1", SubMchID: subMchID, PostPayments: noName, TotalAmount: 30000, Reason: "补偿",
	}); err != nil {
		t.Fatalf("partner modify without item name: %v", err)
	}
	if s := f.seen(t); s.Path != "/v3/payscore/partner/serviceorder/P1/modify" || s.Body["service_id"] != nil {
		t.Errorf("partner modify sent %s %v", s.Path, s.Body)
	}
}
