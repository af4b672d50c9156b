package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/sim"
)

const orderBase = "/v3/payscore/acquiringbank/serviceorder"

func createBody(no, notifyURL string, change func(map[string]any)) string {
	m := map[string]any{
		"service_id":           serviceID,
		"appid":                appID,
		"sub_mchid":            subMchID,
		"sub_appid":            subAppID,
		"channel_id":           channelID,
		"out_order_no":         no,
		"service_introduction": "某某酒店",
		"post_payments":        []any{map[string]any{"name": "住宿费", "amount": 40000, "count": 1}},
		"risk_fund":            map[string]any{"name": "ESTIMATE_ORDER_COST", "amount": 50000},
		"time_range":           map[string]any{"start_time": "OnAccept"},
		"notify_url":           notifyURL,
	}
	if change != nil {
		change(m)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func orderBody(extra map[string]any) string {
	m := map[string]any{"service_id": serviceID, "sub_mchid": subMchID, "channel_id": channelID}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func completeBody(total int64) string {
	return orderBody(map[string]any{
		"post_payments":  []any{map[string]any{"name": "住宿费", "amount": 40000}},
		"post_discounts": []any{map[string]any{"name": "会员折扣", "description": "会员9折", "amount": 4000}},
		"total_amount":   total,
	})
}

func queryOrderPath(no string) string {
	return orderBase + "?service_id=" + serviceID + "&sub_mchid=" + subMchID + "&channel_id=" + channelID + "&out_order_no=" + no
}

type orderJSON struct {
	OutOrderNo       string `json:"out_order_no"`
	State            string `json:"state"`
	StateDescription string `json:"state_description"`
	OrderID          string `json:"order_id"`
	Package          string `json:"package"`
	SubOpenID        string `json:"sub_openid"`
	OutTradeNo       string `json:"out_trade_no"`
	TotalAmount      *int64 `json:"total_amount"`
	TimeRange        struct {
		StartTime string `json:"start_time"`
	} `json:"time_range"`
	Collection *struct {
		State        string `json:"state"`
		TotalAmount  int64  `json:"total_amount"`
		PayingAmount int64  `json:"paying_amount"`
		PaidAmount   int64  `json:"paid_amount"`
		Details      []struct {
			Seq           int64  `json:"seq"`
			Amount        int64  `json:"amount"`
			PaidType      string `json:"paid_type"`
			PaidTime      string `json:"paid_time"`
			TransactionID string `json:"transaction_id"`
		} `json:"details"`
	} `json:"collection"`
}

func decodeOrder(t *testing.T, b []byte) orderJSON {
	t.Helper()
	var o orderJSON
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return o
}

func wantCode(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || r.code != code {
		t.Fatalf("got %d %s (%s), want %d %s", r.status, r.code, r.msg, status, code)
	}
}

func TestOrderLifecycleOverHTTP(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r := do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O1", m.notifyURL(), nil)})
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	created := decodeOrder(t, r.body)
	if created.State != "CREATED" || created.Package == "" || created.OrderID == "" {
		t.Fatalf("create answer %s", r.body)
	}
	// Same parameters: the same order. Other parameters: INVALID_REQUEST.
	r = do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O1", m.notifyURL(), nil)})
	if again := decodeOrder(t, r.body); r.status != 200 || again.OrderID != created.OrderID {
		t.Fatalf("re-entry: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O1", m.notifyURL(), func(m map[string]any) {
		m["service_introduction"] = "另一家酒店"
	})})
	wantCode(t, r, 400, "INVALID_REQUEST")
	if !strings.Contains(r.msg, "service_introduction") {
		t.Errorf("INVALID_REQUEST does not say what differs: %s", r.msg)
	}

	// Wrong-state calls on a CREATED order.
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/complete", body: completeBody(36000)}), 400, "INVALID_ORDER_STATE")
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/modify", body: orderBody(map[string]any{"total_amount": 1, "reason": "x"})}), 400, "INVALID_ORDER_STATE")
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/sync", body: orderBody(map[string]any{"type": "Order_Paid", "detail": map[string]any{"paid_time": "20250301120000"}})}), 400, "INVALID_ORDER_STATE")
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/NOPE/cancel", body: orderBody(map[string]any{"reason": "x"})}), 404, "ORDER_NOT_EXIST")

	// The user confirms through the jump's package; the jump hands back query_id.
	s.Advance(5 * time.Minute)
	o, err := s.ConfirmOrder(created.Package, openID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r = do(t, s, signedRequest{method: "GET", path: orderBase + "?service_id=" + serviceID + "&sub_mchid=" + subMchID + "&channel_id=" + channelID + "&query_id=" + o.QueryID})
	q := decodeOrder(t, r.body)
	if r.status != 200 || q.State != "DOING" || q.StateDescription != "USER_CONFIRM" || q.SubOpenID != openID || q.TimeRange.StartTime != "20250301180500" {
		t.Fatalf("query by query_id after confirm: %d %s", r.status, r.body)
	}

	s.Advance(time.Hour)
	r = do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/complete", body: completeBody(36000)})
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/complete", body: completeBody(36000)}), 400, "INVALID_ORDER_STATE")
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/modify", body: orderBody(map[string]any{"total_amount": 36000, "reason": "同价"})}), 400, "INVALID_REQUEST")
	if r := do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/modify", body: orderBody(map[string]any{"total_amount": 35000, "reason": "服务补偿"})}); r.status != 204 {
		t.Fatalf("modify: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/registerdeductinfo", body: orderBody(map[string]any{"out_trade_no": "DEDUCT0001", "appid": appID})})
	if r.status != 200 || !strings.Contains(string(r.body), `"description":"某某酒店"`) {
		t.Fatalf("registerdeductinfo: %d %s", r.status, r.body)
	}
	if _, err := s.RequestPrepay(mchID, "O1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayOrder(mchID, "O1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayOrder(mchID, "O1"); !errors.Is(err, sim.ErrInvalidState) || !strings.Contains(err.Error(), "ORDER_DONE") {
		t.Fatalf("paying twice: %v", err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r = do(t, s, signedRequest{method: "GET", path: queryOrderPath("O1")})
	done := decodeOrder(t, r.body)
	if done.State != "DONE" || done.Collection == nil || done.Collection.State != "USER_PAID" || done.Collection.PaidAmount != 35000 ||
		len(done.Collection.Details) != 1 || done.Collection.Details[0].PaidType != "NEWTON" || done.Collection.Details[0].TransactionID == "" {
		t.Fatalf("query after payment: %s", r.body)
	}
	r = do(t, s, signedRequest{method: "GET", path: orderBase + "/deduction?service_id=" + serviceID + "&appid=" + appID + "&sub_mchid=" + subMchID + "&channel_id=" + channelID + "&out_order_no=O1"})
	if r.status != 200 || !strings.Contains(string(r.body), `"out_trade_no":"DEDUCT0001"`) {
		t.Fatalf("deduction: %d %s", r.status, r.body)
	}
	for _, step := range []string{"cancel", "complete", "sync", "modify"} {
		body := completeBody(1)
		switch step {
		case "cancel":
			body = orderBody(map[string]any{"reason": "x"})
		case "sync":
			body = orderBody(map[string]any{"type": "Order_Paid", "detail": map[string]any{"paid_time": "20250301120000"}})
		case "modify":
			body = orderBody(map[string]any{"total_amount": 1, "reason": "x"})
		}
		wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/" + step, body: body}), 400, "ORDER_DONE")
	}

	// A second order, cancelled.
	do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O2", m.notifyURL(), nil)})
	if r := do(t, s, signedRequest{method: "POST", path: orderBase + "/O2/cancel", body: orderBody(map[string]any{"reason": "用户取消"})}); r.status != 204 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O2/cancel", body: orderBody(map[string]any{"reason": "again"})}), 400, "ORDER_CANCELED")
	if _, err := s.ConfirmOrderNo(mchID, "O2", ""); !errors.Is(err, sim.ErrInvalidState) {
		t.Fatalf("confirming a cancelled order: %v", err)
	}

	// Notifications: USER_CONFIRM, MCH_PREPAY, USER_PAID, each verified and decrypted by the merchant.
	got := m.received()
	if len(got) != 3 {
		t.Fatalf("merchant received %d notifications, want 3", len(got))
	}
	for i, want := range []string{sim.EventUserConfirm, sim.EventMchPrepay, sim.EventUserPaid} {
		if got[i].err != nil {
			t.Fatalf("notification %d: %v", i, got[i].err)
		}
		n := got[i].notification
		if n.Envelope.EventType != want || n.Envelope.Resource.OriginalType != "payscore" {
			t.Fatalf("notification %d: %s original_type %q", i, n.Envelope.EventType, n.Envelope.Resource.OriginalType)
		}
	}
	confirm := decodeOrder(t, got[0].notification.Plaintext)
	if confirm.State != "DOING" || confirm.StateDescription != "USER_CONFIRM" || confirm.OutOrderNo != "O1" || confirm.SubOpenID != openID {
		t.Errorf("USER_CONFIRM plaintext %s", got[0].notification.Plaintext)
	}
	var prepay struct {
		TotalAmount int64          `json:"total_amount"`
		Body        map[string]any `json:"prepay_req_body"`
	}
	if err := json.Unmarshal(got[1].notification.Plaintext, &prepay); err != nil || prepay.TotalAmount != 35000 ||
		prepay.Body["trade_type"] != "JSAPI" || prepay.Body["fee_type"] != "CNY" || prepay.Body["body"] != "某某酒店" {
		t.Errorf("MCH_PREPAY plaintext %s", got[1].notification.Plaintext)
	}
	paid := decodeOrder(t, got[2].notification.Plaintext)
	if paid.State != "DONE" || paid.OutTradeNo != "DEDUCT0001" || paid.Collection == nil || paid.Collection.PaidAmount != 35000 ||
		len(paid.Collection.Details) != 1 || paid.Collection.Details[0].Amount != 35000 {
		t.Errorf("USER_PAID plaintext %s", got[2].notification.Plaintext)
	}
	if strings.Contains(string(got[2].notification.Plaintext), "notify_url") {
		t.Errorf("the notification carries notify_url: %s", got[2].notification.Plaintext)
	}
}

func TestOrderNotificationRetriesStopAt4h(t *testing.T) {
	m := newMerchant(t, func(int) int { return http.StatusInternalServerError })
	s := newSim(t, m)
	r := do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O1", m.notifyURL(), nil)})
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	o, err := s.ConfirmOrderNo(mchID, "O1", "")
	if err != nil {
		t.Fatal(err)
	}
	_ = o
	for i := 0; i < 30; i++ {
		s.Advance(15 * time.Minute)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ds := s.Deliveries()
	if len(ds) != 1 || ds[0].EventType != sim.EventUserConfirm || ds[0].OutOrderNo != "O1" {
		t.Fatalf("deliveries %+v", ds)
	}
	d := ds[0]
	// 0s 15s 15s 30s 180s 1800s×4 3600s → 10 attempts within 3h04m; the next,
	// an hour later, would pass the 4h window.
	if d.State != sim.DeliveryAbandoned || len(d.Attempts) != 10 {
		t.Fatalf("state %s after %d attempts, want abandoned after 10", d.State, len(d.Attempts))
	}
	last := d.Attempts[len(d.Attempts)-1].At.Sub(d.CreateTime)
	if last != 3*time.Hour+4*time.Minute {
		t.Errorf("last attempt at +%s, want +3h4m", last)
	}
}

func TestOrderExpiryOnTheClock(t *testing.T) {
	s := newSim(t, nil)
	do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O1", "https://127.0.0.1/n", nil)})
	s.Advance(30*24*time.Hour - time.Minute)
	if o, _ := s.Order(mchID, "O1"); o.State != "CREATED" {
		t.Fatalf("state %s before 30 days", o.State)
	}
	s.Advance(time.Minute)
	r := do(t, s, signedRequest{method: "GET", path: queryOrderPath("O1")})
	if o := decodeOrder(t, r.body); o.State != "EXPIRED" {
		t.Fatalf("state after 30 days: %s", r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/cancel", body: orderBody(map[string]any{"reason": "x"})}), 400, "INVALID_ORDER_STATE")
}

func TestOrderControlAPI(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	r := do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O1", m.notifyURL(), nil)})
	pkg := decodeOrder(t, r.body).Package

	out := control(t, s, "POST", "/sim/orders/confirm", fmt.Sprintf(`{"package":%q}`, pkg), 200)
	var qid string
	_ = json.Unmarshal(out["query_id"], &qid)
	if o, _ := s.Order(mchID, "O1"); qid == "" || qid != o.QueryID || o.State != "DOING" {
		t.Fatalf("confirm via control: query_id %q, order %+v", qid, o)
	}
	control(t, s, "POST", "/sim/orders/confirm", `{"out_order_no":"O1"}`, 409)
	control(t, s, "POST", "/sim/orders/pay", `{"out_order_no":"O1"}`, 409) // not completed yet
	control(t, s, "POST", "/sim/orders/prepay", `{"out_order_no":"O1"}`, 409)
	control(t, s, "POST", "/sim/orders/pay", `{"out_order_no":"NOPE"}`, 404)
	control(t, s, "POST", "/sim/orders/pay", `{}`, 400)
	control(t, s, "POST", "/sim/orders/fly", `{"out_order_no":"O1"}`, 404)
	do(t, s, signedRequest{method: "POST", path: orderBase + "/O1/complete", body: completeBody(36000)})
	out = control(t, s, "POST", "/sim/orders/pay", fmt.Sprintf(`{"out_order_no":"O1","mchid":%q}`, mchID), 200)
	var paid sim.Order
	if err := json.Unmarshal(out["order"], &paid); err != nil || paid.State != "DONE" {
		t.Fatalf("pay via control: %s", out["order"])
	}
	do(t, s, signedRequest{method: "POST", path: orderBase, body: createBody("O2", m.notifyURL(), nil)})
	control(t, s, "POST", "/sim/orders/expire", `{"out_order_no":"O2"}`, 200)
	list := control(t, s, "GET", "/sim/orders", "", 200)
	var orders []sim.Order
	if err := json.Unmarshal(list["orders"], &orders); err != nil || len(orders) != 2 || orders[1].State != "EXPIRED" {
		t.Fatalf("orders: %s", list["orders"])
	}
}
