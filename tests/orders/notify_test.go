package orders

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

const (
	apiV3Key    = "0123456789abcdefghijklmnopqrstuv"
	publicKeyID = "PUB_KEY_ID_0119000001092025010100000000000001"
)

const confirmPlain = `{"service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109","sub_mchid":"1900000109",
"sub_appid":"wxd678efh567hg6999","channel_id":"1230000109","out_order_no":"NO1","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
"state":"DOING","state_description":"USER_CONFIRM","service_introduction":"某某酒店",
"post_payments":[{"name":"就餐费用","amount":40000}],"risk_fund":{"name":"ESTIMATE_ORDER_COST","amount":10000},
"time_range":{"start_time":"20091225091010"},"order_id":"15646546545165651651"}`

const paidPlain = `{"service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109","sub_mchid":"1900000109",
"channel_id":"1230000109","out_order_no":"NO1","out_trade_no":"DEDUCT1","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
"state":"DONE","service_introduction":"某某酒店","total_amount":3900,
"post_payments":[{"name":"就餐费用","amount":4000}],"post_discounts":[{"name":"满20减1元","description":"不与其他优惠叠加","amount":100}],
"risk_fund":{"amount":10000},"time_range":{"start_time":"20091225091010"},"need_collection":true,
"collection":{"state":"USER_PAID","total_amount":3900,"paying_amount":0,"paid_amount":3900,
"details":[{"seq":1,"amount":3900,"paid_type":"NEWTON","paid_time":"20091225091210","transaction_id":"4200000288201909237003262215"}]}}`

const prepayPlain = `{"service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109","sub_mchid":"1900000109",
"out_order_no":"NO1","total_amount":3900,"prepay_req_body":{"device_info":"WEB","nonce_str":"5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
"body":"某某酒店","fee_type":"CNY","time_start":"20091225091010","time_expire":"20091227091010",
"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","trade_type":"JSAPI","limit_pay":"no_credit","need_receipt":false}}`

type received struct {
	mu      sync.Mutex
	confirm []*acquiringbank.UserConfirmEvent
	paid    []*acquiringbank.UserPaidEvent
	prepay  []*acquiringbank.MchPrepayEvent
}

func newHandler(t *testing.T) (http.Handler, *received) {
	t.Helper()
	platform := testkit.Key("platform")
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platform.PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := &received{}
	h, err := acquiringbank.NewOrderNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.OrderNotifyHandlers{
		OnUserConfirm: func(_ context.Context, ev *acquiringbank.UserConfirmEvent) error {
			got.mu.Lock()
			defer got.mu.Unlock()
			got.confirm = append(got.confirm, ev)
			return nil
		},
		OnUserPaid: func(_ context.Context, ev *acquiringbank.UserPaidEvent) error {
			got.mu.Lock()
			defer got.mu.Unlock()
			got.paid = append(got.paid, ev)
			return nil
		},
		OnMchPrepay: func(_ context.Context, ev *acquiringbank.MchPrepayEvent) error {
			got.mu.Lock()
			defer got.mu.Unlock()
			got.prepay = append(got.prepay, ev)
			return nil
		},
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			t.Errorf("invalid notification: %v", inv.Reasons)
			return inv.Err
		},
	}, notify.WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	return h, got
}

// deliver seals plaintext as WeChat Pay does (AES-256-GCM with the APIv3 key,
// signed with the platform key) and posts it to h.
func deliver(t *testing.T, h http.Handler, id, event, plaintext string, key string) *httptest.ResponseRecorder {
	t.Helper()
	env := notify.Envelope{ID: id, CreateTime: time.Now().Format(time.RFC3339), EventType: event,
		ResourceType: "encrypt-resource", Summary: "s", Resource: notify.Resource{OriginalType: "payscore"}}
	body, err := notifytest.SealEnvelope(apiV3Key, env, []byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	signer := &notifytest.Signer{PrivateKey: testkit.Key(key), Serial: publicKeyID}
	req, err := signer.NewRequest(context.Background(), "https://merchant.example/payscore/orders", body)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestOrderNotifications(t *testing.T) {
	h, got := newHandler(t)
	for _, tc := range []struct{ id, event, plain string }{
		{"EV-1", "PAYSCORE.USER_CONFIRM", confirmPlain},
		{"EV-2", "PAYSCORE.USER_PAID", paidPlain},
		{"EV-3", "PAYSCORE.MCH_PREPAY", prepayPlain},
	} {
		w := deliver(t, h, tc.id, tc.event, tc.plain, "platform")
		if w.Code != http.StatusNoContent && w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Fatalf("%s: answered %d %q, want 2xx without a body", tc.event, w.Code, w.Body)
		}
		// A duplicate delivery is acknowledged and not processed again.
		if w := deliver(t, h, tc.id, tc.event, tc.plain, "platform"); w.Code >= 300 {
			t.Fatalf("%s duplicate: %d", tc.event, w.Code)
		}
	}
	if len(got.confirm) != 1 || len(got.paid) != 1 || len(got.prepay) != 1 {
		t.Fatalf("processed confirm %d, paid %d, prepay %d; want once each", len(got.confirm), len(got.paid), len(got.prepay))
	}
	c := got.confirm[0].Data
	if c.State != acquiringbank.StateDoing || c.StateDescription != acquiringbank.StateDescriptionUserConfirm ||
		c.SubOpenID != "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" || c.RiskFund.Name != payscore.RiskFundNameEstimateOrderCost || got.confirm[0].Envelope.ID != "EV-1" {
		t.Errorf("USER_CONFIRM data %+v", c)
	}
	p := got.paid[0].Data
	if p.State != acquiringbank.StateDone || p.OutTradeNo != "DEDUCT1" || p.Collection == nil || p.Collection.PaidAmount != 3900 ||
		len(p.Collection.Details) != 1 || p.Collection.Details[0].PaidType != payscore.PaidTypeNewton ||
		p.Collection.Details[0].PaidTime.String() != "20091225091210" {
		t.Errorf("USER_PAID data %+v", p)
	}
	pp := got.prepay[0].Data
	if pp.TotalAmount != 3900 || pp.PrepayReqBody.TradeType != acquiringbank.TradeTypeJSAPI || pp.PrepayReqBody.LimitPay != acquiringbank.LimitPayNoCredit ||
		pp.PrepayReqBody.TimeExpire.String() != "20091227091010" {
		t.Errorf("MCH_PREPAY data %+v", pp)
	}
}

func TestOrderNotificationsRefused(t *testing.T) {
	h, got := newHandler(t)
	for _, tc := range []struct {
		name, event, plain, key string
		wantStatus              int
	}{
		{"forged signature", "PAYSCORE.USER_CONFIRM", confirmPlain, "stranger", http.StatusUnauthorized},
		{"USER_PAID detail without paid_time", "PAYSCORE.USER_PAID",
			strings.Replace(paidPlain, `"paid_time":"20091225091210",`, "", 1), "platform", http.StatusBadRequest},
		{"USER_CONFIRM without post_payments", "PAYSCORE.USER_CONFIRM",
			strings.Replace(confirmPlain, `"post_payments":[{"name":"就餐费用","amount":40000}],`, "", 1), "platform", http.StatusBadRequest},
		{"MCH_PREPAY trade_type outside the enum", "PAYSCORE.MCH_PREPAY",
			strings.Replace(prepayPlain, `"trade_type":"JSAPI"`, `"trade_type":"MWEB"`, 1), "platform", http.StatusBadRequest},
		{"MCH_PREPAY notify_url with a query string", "PAYSCORE.MCH_PREPAY",
			strings.Replace(prepayPlain, `pay.php"`, `pay.php?a=1"`, 1), "platform", http.StatusBadRequest},
	} {
		w := deliver(t, h, "EV-"+tc.name, tc.event, tc.plain, tc.key)
		if w.Code < 400 || (tc.wantStatus == http.StatusUnauthorized && w.Code != http.StatusUnauthorized) {
			t.Errorf("%s: answered %d, want a failure (%d)", tc.name, w.Code, tc.wantStatus)
		}
		if !strings.Contains(w.Body.String(), `"code":"FAIL"`) {
			t.Errorf("%s: failure body %q", tc.name, w.Body)
		}
	}
	if len(got.confirm)+len(got.paid)+len(got.prepay) != 0 {
		t.Errorf("a refused notification reached a callback")
	}
}
