package e2e

// The acquiring-bank service-order lifecycle against the simulator, on
// wechatpay-go's core.Client (real request signatures, real response
// verification) and the runtime notification handler (verify, decrypt,
// dedupe, acknowledge).
//
// Missing here until the generator emits typed order clients (arrays,
// shared types and cross-package error codes, see the orders branch
// report): the requests are JSON maps rather than acquiringbank.*Request
// values, and notifications are dispatched by event_type rather than by
// acquiringbank.OrderNotifyHandlers.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"
)

const (
	orderServiceID = "500001"
	orderAppID     = "wxd678efh567hg6787"
	orderSubMchID  = "1900000110"
	orderSubAppID  = "wxd678efh567hg6786"
	orderChannelID = "1230000109"
)

// orderMerchant receives the order notifications behind a gateway that drops
// the first request (so the retry schedule is exercised).
type orderMerchant struct {
	srv      *httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	got      map[string][]json.RawMessage // plaintext by event_type
}

func newOrderMerchant(t *testing.T) *orderMerchant {
	t.Helper()
	keys(t)
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platformKey.PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &orderMerchant{got: map[string][]json.RawMessage{}}
	h := notify.NewHandler(parser, dedupe.NewMemoryStore(), func(_ context.Context, n *notify.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.got[n.Envelope.EventType] = append(m.got[n.Envelope.EventType], n.Plaintext)
		return nil
	}, notify.WithLogger(nil))
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.requests.Add(1) == 1 {
			notify.WriteFail(w, http.StatusServiceUnavailable, "starting up")
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *orderMerchant) events(event string) []json.RawMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]json.RawMessage(nil), m.got[event]...)
}

type orderAPI struct {
	t    *testing.T
	c    *core.Client
	base string
}

func newOrderAPI(t *testing.T, s *sim.Simulator) *orderAPI {
	t.Helper()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(mchID, serial, merchantKey, publicKeyID, &platformKey.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return &orderAPI{t: t, c: c, base: s.URL() + "/v3/payscore/acquiringbank/serviceorder"}
}

// call makes a request and returns the status, body and, for an error
// answer, its code.
func (a *orderAPI) call(method, path string, body map[string]any) (int, []byte, string) {
	a.t.Helper()
	var res *core.APIResult
	var err error
	if method == http.MethodGet {
		res, err = a.c.Get(context.Background(), a.base+path)
	} else {
		res, err = a.c.Post(context.Background(), a.base+path, body)
	}
	var apiErr *core.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode, []byte(apiErr.Body), apiErr.Code
	}
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Response.Body.Close()
	var b []byte
	if res.Response.StatusCode != http.StatusNoContent {
		var raw json.RawMessage
		if err := json.NewDecoder(res.Response.Body).Decode(&raw); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
		b = raw
	}
	return res.Response.StatusCode, b, ""
}

func (a *orderAPI) must(method, path string, body map[string]any, want int) []byte {
	a.t.Helper()
	status, b, code := a.call(method, path, body)
	if status != want {
		a.t.Fatalf("%s %s: %d %s %s, want %d", method, path, status, code, b, want)
	}
	return b
}

func (a *orderAPI) refuse(method, path string, body map[string]any, wantStatus int, wantCode string) {
	a.t.Helper()
	status, b, code := a.call(method, path, body)
	if status != wantStatus || code != wantCode {
		a.t.Errorf("%s %s: %d %s %s, want %d %s", method, path, status, code, b, wantStatus, wantCode)
	}
}

func orderKeys(extra map[string]any) map[string]any {
	m := map[string]any{"service_id": orderServiceID, "sub_mchid": orderSubMchID, "channel_id": orderChannelID}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func createOrder(no, notifyURL string) map[string]any {
	return orderKeys(map[string]any{
		"appid":                orderAppID,
		"sub_appid":            orderSubAppID,
		"out_order_no":         no,
		"service_introduction": "共享充电宝",
		"post_payments":        []map[string]any{{"name": "租借费", "amount": 600, "description": "每小时2元", "count": 3}},
		"post_discounts":       []map[string]any{{"name": "新用户优惠", "description": "首单减1元", "amount": 100}},
		"risk_fund":            map[string]any{"name": "DEPOSIT", "amount": 9900, "description": "充电宝押金"},
		"time_range":           map[string]any{"start_time": "OnAccept"},
		"notify_url":           notifyURL,
	})
}

func queryBy(key, value string) string {
	q := url.Values{"service_id": {orderServiceID}, "sub_mchid": {orderSubMchID}, "channel_id": {orderChannelID}, key: {value}}
	return "?" + q.Encode()
}

type orderState struct {
	State            string `json:"state"`
	StateDescription string `json:"state_description"`
	OrderID          string `json:"order_id"`
	Package          string `json:"package"`
	TotalAmount      int64  `json:"total_amount"`
	OutTradeNo       string `json:"out_trade_no"`
	Collection       *struct {
		State      string `json:"state"`
		PaidAmount int64  `json:"paid_amount"`
		Details    []struct {
			Amount   int64  `json:"amount"`
			PaidType string `json:"paid_type"`
		} `json:"details"`
	} `json:"collection"`
}

func decodeState(t *testing.T, b []byte) orderState {
	t.Helper()
	var o orderState
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return o
}

func TestOrderFlow(t *testing.T) {
	merchant := newOrderMerchant(t)
	clock := sim.NewClock(time.Now().Truncate(time.Second))
	s := newSimulator(t, clock, merchant.srv.Client())
	api := newOrderAPI(t, s)
	notifyURL := merchant.srv.URL + "/payscore/orders"
	flush := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// Create; the same call again is the same order; other parameters are refused.
	created := decodeState(t, api.must("POST", "", createOrder("ORDER-1", notifyURL), 200))
	if created.State != sim.OrderCreated || created.Package == "" {
		t.Fatalf("create: %+v", created)
	}
	if again := decodeState(t, api.must("POST", "", createOrder("ORDER-1", notifyURL), 200)); again.OrderID != created.OrderID {
		t.Fatalf("re-entry gave order %s, want %s", again.OrderID, created.OrderID)
	}
	changed := createOrder("ORDER-1", notifyURL)
	changed["service_introduction"] = "共享单车"
	api.refuse("POST", "", changed, 400, "INVALID_REQUEST")

	// Every call that needs a confirmed or completed order is refused while CREATED.
	complete := orderKeys(map[string]any{
		"post_payments":  []map[string]any{{"name": "租借费", "amount": 600}},
		"post_discounts": []map[string]any{{"name": "新用户优惠", "description": "首单减1元", "amount": 100}},
		"total_amount":   500,
	})
	modify := orderKeys(map[string]any{"total_amount": 400, "reason": "归还超时减免"})
	syncPaid := orderKeys(map[string]any{"type": "Order_Paid", "detail": map[string]any{"paid_time": "20250301120000"}})
	register := orderKeys(map[string]any{"appid": orderAppID, "out_trade_no": "DEDUCT-1"})
	deduction := "/deduction?" + url.Values{"service_id": {orderServiceID}, "appid": {orderAppID}, "sub_mchid": {orderSubMchID},
		"channel_id": {orderChannelID}, "out_order_no": {"ORDER-1"}}.Encode()
	for _, c := range []struct {
		path string
		body map[string]any
	}{{"/ORDER-1/complete", complete}, {"/ORDER-1/modify", modify}, {"/ORDER-1/sync", syncPaid}, {"/ORDER-1/registerdeductinfo", register}} {
		api.refuse("POST", c.path, c.body, 400, "INVALID_ORDER_STATE")
	}
	api.refuse("GET", deduction, nil, 400, "INVALID_ORDER_STATE")
	api.refuse("GET", queryBy("out_order_no", "NO-SUCH-ORDER"), nil, 404, "ORDER_NOT_EXIST")
	api.refuse("POST", "/NO-SUCH-ORDER/cancel", orderKeys(map[string]any{"reason": "x"}), 404, "ORDER_NOT_EXIST")

	// The user confirms in the Pay Score mini program opened with the package;
	// the jump hands back query_id, the input of the query.
	clock.Advance(2 * time.Minute)
	confirmed, err := s.ConfirmOrder(created.Package, openID)
	if err != nil {
		t.Fatal(err)
	}
	flush()
	clock.Advance(15 * time.Second) // the gateway's 503: the schedule's second attempt is 15s later
	flush()
	byQueryID := decodeState(t, api.must("GET", queryBy("query_id", confirmed.QueryID), nil, 200))
	if byQueryID.State != sim.OrderDoing || byQueryID.StateDescription != sim.DescUserConfirm {
		t.Fatalf("after confirm: %+v", byQueryID)
	}
	if got := merchant.events(sim.EventUserConfirm); len(got) != 1 {
		t.Fatalf("USER_CONFIRM received %d times, want once", len(got))
	}
	api.refuse("POST", "/ORDER-1/modify", modify, 400, "INVALID_ORDER_STATE")
	api.refuse("POST", "/ORDER-1/sync", syncPaid, 400, "INVALID_ORDER_STATE")

	// Complete, lower the amount, register the deduction number, the user pays.
	clock.Advance(3 * time.Hour)
	api.must("POST", "/ORDER-1/complete", complete, 204)
	api.refuse("POST", "/ORDER-1/complete", complete, 400, "INVALID_ORDER_STATE")
	raise := orderKeys(map[string]any{"total_amount": 800, "reason": "加价"})
	api.refuse("POST", "/ORDER-1/modify", raise, 400, "INVALID_REQUEST")
	api.must("POST", "/ORDER-1/modify", modify, 204)
	api.must("POST", "/ORDER-1/registerdeductinfo", register, 200)
	if _, err := s.PayOrder(mchID, "ORDER-1"); err != nil {
		t.Fatal(err)
	}
	flush()
	done := decodeState(t, api.must("GET", queryBy("out_order_no", "ORDER-1"), nil, 200))
	if done.State != sim.OrderDone || done.TotalAmount != 400 || done.Collection == nil || done.Collection.State != "USER_PAID" ||
		done.Collection.PaidAmount != 400 || len(done.Collection.Details) != 1 || done.Collection.Details[0].PaidType != "NEWTON" {
		t.Fatalf("after payment: %+v", done)
	}
	paid := merchant.events(sim.EventUserPaid)
	if len(paid) != 1 {
		t.Fatalf("USER_PAID received %d times, want once", len(paid))
	}
	if p := decodeState(t, paid[0]); p.State != sim.OrderDone || p.OutTradeNo != "DEDUCT-1" || p.Collection == nil || p.Collection.PaidAmount != 400 {
		t.Fatalf("USER_PAID plaintext: %s", paid[0])
	}
	if b := api.must("GET", deduction, nil, 200); decodeState(t, b).OutTradeNo != "DEDUCT-1" {
		t.Fatalf("deduction: %s", b)
	}
	for _, c := range []struct {
		path string
		body map[string]any
	}{{"/ORDER-1/complete", complete}, {"/ORDER-1/modify", modify}, {"/ORDER-1/sync", syncPaid},
		{"/ORDER-1/cancel", orderKeys(map[string]any{"reason": "x"})}, {"/ORDER-1/registerdeductinfo", register}} {
		api.refuse("POST", c.path, c.body, 400, "ORDER_DONE")
	}

	// A second order, cancelled; then everything on it is refused.
	api.must("POST", "", createOrder("ORDER-2", notifyURL), 200)
	api.must("POST", "/ORDER-2/cancel", orderKeys(map[string]any{"reason": "用户未取走设备"}), 204)
	if q := decodeState(t, api.must("GET", queryBy("out_order_no", "ORDER-2"), nil, 200)); q.State != sim.OrderRevoked {
		t.Fatalf("after cancel: %+v", q)
	}
	for _, c := range []struct {
		path string
		body map[string]any
	}{{"/ORDER-2/cancel", orderKeys(map[string]any{"reason": "x"})}, {"/ORDER-2/complete", complete}, {"/ORDER-2/modify", modify}, {"/ORDER-2/sync", syncPaid}} {
		api.refuse("POST", c.path, c.body, 400, "ORDER_CANCELED")
	}
	if _, err := s.ConfirmOrderNo(mchID, "ORDER-2", ""); !errors.Is(err, sim.ErrInvalidState) {
		t.Errorf("confirming a cancelled order: %v", err)
	}

	// A third order paid off-channel: sync Order_Paid.
	api.must("POST", "", createOrder("ORDER-3", notifyURL), 200)
	if _, err := s.ConfirmOrderNo(mchID, "ORDER-3", openID); err != nil {
		t.Fatal(err)
	}
	api.must("POST", "/ORDER-3/complete", complete, 204)
	api.must("POST", "/ORDER-3/sync", syncPaid, 204)
	if q := decodeState(t, api.must("GET", queryBy("out_order_no", "ORDER-3"), nil, 200)); q.State != sim.OrderDone ||
		q.Collection == nil || len(q.Collection.Details) != 1 || q.Collection.Details[0].PaidType != "MCH" {
		t.Fatalf("after sync: %+v", q)
	}

	// An order left CREATED for 30 days expires.
	api.must("POST", "", createOrder("ORDER-4", notifyURL), 200)
	clock.Advance(30 * 24 * time.Hour)
	if q := decodeState(t, api.must("GET", queryBy("out_order_no", "ORDER-4"), nil, 200)); q.State != sim.OrderExpired {
		t.Fatalf("after 30 days: %+v", q)
	}
	api.refuse("POST", "/ORDER-4/cancel", orderKeys(map[string]any{"reason": "x"}), 400, "INVALID_ORDER_STATE")
	flush()

	// The gateway dropped the first delivery: WeChat retried, the handler saw each notification once.
	if got := len(merchant.events(sim.EventUserConfirm)); got != 2 {
		t.Errorf("USER_CONFIRM received %d times, want 2 (ORDER-1, ORDER-3)", got)
	}
	var retried bool
	for _, d := range s.Deliveries() {
		if d.OutOrderNo == "ORDER-1" && d.EventType == sim.EventUserConfirm {
			retried = len(d.Attempts) == 2 && !d.Attempts[0].OK && d.Attempts[1].OK
		}
	}
	if !retried {
		t.Error("the first USER_CONFIRM delivery was not retried after the 503")
	}
}
