package sim_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/sim"
)

// The merchant and partner service orders run on the same order book as the
// acquiring bank's, through each mode's own paths, statuses and callbacks.

const (
	merchantBase = "/v3/payscore/serviceorder"
	partnerBase  = "/v3/payscore/partner/serviceorder"
)

func modeCreateBody(partner bool, no, notifyURL string) string {
	m := map[string]any{
		"service_id":           serviceID,
		"appid":                appID,
		"out_order_no":         no,
		"service_introduction": "某某酒店",
		"post_payments":        []any{map[string]any{"name": "住宿费", "amount": 40000, "count": 1}},
		"risk_fund":            map[string]any{"name": "ESTIMATE_ORDER_COST", "amount": 50000},
		"time_range":           map[string]any{"start_time": "OnAccept"},
		"notify_url":           notifyURL,
	}
	if partner {
		m["sub_mchid"] = subMchID
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func jsonBody(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func members(t *testing.T, b []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func TestMerchantOrderLifecycle(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r := do(t, s, signedRequest{method: "POST", path: merchantBase, body: modeCreateBody(false, "M1", m.notifyURL())})
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	created := decodeOrder(t, r.body)
	if created.State != "CREATED" || created.Package == "" {
		t.Fatalf("create answer %s", r.body)
	}
	for _, k := range []string{"sub_mchid", "channel_id", "openid"} {
		if _, ok := members(t, r.body)[k]; ok {
			t.Errorf("merchant create answer carries %s: %s", k, r.body)
		}
	}
	if _, err := s.ConfirmOrder(created.Package, openID); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil { // deliveries run concurrently; keep their order for the checks below
		t.Fatal(err)
	}

	complete := map[string]any{
		"appid": appID, "service_id": serviceID, "total_amount": 36000,
		"post_payments":  []any{map[string]any{"name": "住宿费", "amount": 40000}},
		"post_discounts": []any{map[string]any{"name": "会员折扣", "description": "会员9折", "amount": 4000}},
	}
	// The merchant pages require the appid of create on later calls.
	wrong := map[string]any{}
	for k, v := range complete {
		wrong[k] = v
	}
	wrong["appid"] = "wxd678efh567hg9999"
	wantCode(t, do(t, s, signedRequest{method: "POST", path: merchantBase + "/M1/complete", body: jsonBody(wrong)}), 404, "ORDER_NOT_EXIST")

	// Merchant complete answers 200 with the order.
	r = do(t, s, signedRequest{method: "POST", path: merchantBase + "/M1/complete", body: jsonBody(complete)})
	done := decodeOrder(t, r.body)
	if r.status != 200 || done.State != "DOING" || done.StateDescription != "MCH_COMPLETE" || done.TotalAmount == nil || *done.TotalAmount != 36000 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "POST", path: merchantBase + "/M1/modify", body: jsonBody(map[string]any{
		"appid": appID, "service_id": serviceID, "total_amount": 35000, "reason": "服务补偿",
		"post_payments": []any{map[string]any{"name": "住宿费", "amount": 35000}},
	})})
	if mod := decodeOrder(t, r.body); r.status != 200 || mod.Collection == nil || mod.Collection.PayingAmount != 35000 {
		t.Fatalf("modify: %d %s", r.status, r.body)
	}
	// 催收: the simulator collects at once and notifies USER_PAID.
	r = do(t, s, signedRequest{method: "POST", path: merchantBase + "/M1/pay", body: jsonBody(map[string]any{"appid": appID, "service_id": serviceID})})
	if r.status != 200 || !strings.Contains(string(r.body), `"order_id"`) {
		t.Fatalf("pay: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "GET", path: merchantBase + "?out_order_no=M1&service_id=" + serviceID + "&appid=" + appID})
	q := decodeOrder(t, r.body)
	if r.status != 200 || q.State != "DONE" || q.Collection == nil || q.Collection.State != "USER_PAID" || q.Collection.PaidAmount != 35000 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "POST", path: merchantBase + "/M1/cancel", body: jsonBody(map[string]any{"appid": appID, "reason": "x"})}), 400, "ORDER_DONE")

	// Merchant cancel answers 200 with the order; service_id may be left out.
	do(t, s, signedRequest{method: "POST", path: merchantBase, body: modeCreateBody(false, "M2", m.notifyURL())})
	r = do(t, s, signedRequest{method: "POST", path: merchantBase + "/M2/cancel", body: jsonBody(map[string]any{"appid": appID, "reason": "用户取消"})})
	if r.status != 200 || !strings.Contains(string(r.body), `"out_order_no":"M2"`) {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}

	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := m.received()
	if len(got) != 2 {
		t.Fatalf("merchant received %d notifications, want 2", len(got))
	}
	for i, want := range []string{sim.EventUserConfirm, sim.EventUserPaid} {
		if got[i].err != nil || got[i].notification.Envelope.EventType != want {
			t.Fatalf("notification %d: %v %+v", i, got[i].err, got[i].notification)
		}
		plain := got[i].notification.Plaintext
		for _, k := range []string{"sub_mchid", "channel_id", "notify_url"} {
			if _, ok := members(t, plain)[k]; ok {
				t.Errorf("merchant %s carries %s: %s", want, k, plain)
			}
		}
		if o := decodeOrder(t, plain); o.OutOrderNo != "M1" {
			t.Errorf("%s plaintext %s", want, plain)
		}
	}
	if !strings.Contains(string(got[0].notification.Plaintext), `"openid":"`+openID+`"`) {
		t.Errorf("USER_CONFIRM names no openid: %s", got[0].notification.Plaintext)
	}
}

func TestPartnerOrderLifecycle(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r := do(t, s, signedRequest{method: "POST", path: partnerBase, body: modeCreateBody(true, "P1", m.notifyURL())})
	if r.status != 200 || !strings.Contains(string(r.body), `"sub_mchid":"`+subMchID+`"`) {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if _, err := s.ConfirmOrderNo(mchID, "P1", openID); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil { // deliveries run concurrently; keep their order for the checks below
		t.Fatal(err)
	}
	sub := map[string]any{"service_id": serviceID, "sub_mchid": subMchID}
	with := func(extra map[string]any) string {
		m := map[string]any{}
		for k, v := range sub {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return jsonBody(m)
	}
	// Partner complete, modify and pay answer 204 without a body.
	r = do(t, s, signedRequest{method: "POST", path: partnerBase + "/P1/complete", body: with(map[string]any{
		"total_amount": 40000, "post_payments": []any{map[string]any{"name": "住宿费", "amount": 40000}},
	})})
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	// service_id is optional on the partner modify and query.
	r = do(t, s, signedRequest{method: "POST", path: partnerBase + "/P1/modify", body: jsonBody(map[string]any{
		"sub_mchid": subMchID, "total_amount": 38000, "reason": "服务补偿",
		"post_payments": []any{map[string]any{"amount": 38000}},
	})})
	if r.status != 204 {
		t.Fatalf("modify without service_id: %d %s", r.status, r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "POST", path: partnerBase + "/P1/pay", body: jsonBody(map[string]any{"sub_mchid": "1900000999"})}), 404, "ORDER_NOT_EXIST")
	if r = do(t, s, signedRequest{method: "POST", path: partnerBase + "/P1/pay", body: jsonBody(map[string]any{"sub_mchid": subMchID})}); r.status != 204 {
		t.Fatalf("pay: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "GET", path: partnerBase + "?out_order_no=P1&sub_mchid=" + subMchID})
	q := decodeOrder(t, r.body)
	if r.status != 200 || q.State != "DONE" || q.Collection == nil || q.Collection.PaidAmount != 38000 {
		t.Fatalf("query without service_id: %d %s", r.status, r.body)
	}

	// Sync: collected off-channel (paid_type MCH).
	do(t, s, signedRequest{method: "POST", path: partnerBase, body: modeCreateBody(true, "P2", m.notifyURL())})
	if _, err := s.ConfirmOrderNo(mchID, "P2", openID); err != nil {
		t.Fatal(err)
	}
	do(t, s, signedRequest{method: "POST", path: partnerBase + "/P2/complete", body: with(map[string]any{
		"total_amount": 40000, "post_payments": []any{map[string]any{"name": "住宿费", "amount": 40000}},
	})})
	r = do(t, s, signedRequest{method: "POST", path: partnerBase + "/P2/sync", body: with(map[string]any{
		"type": "Order_Paid", "detail": map[string]any{"seq": 1, "paid_time": "20250301190000", "paid_amount": 40000},
	})})
	if r.status != 204 {
		t.Fatalf("sync: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "GET", path: partnerBase + "?out_order_no=P2&service_id=" + serviceID + "&sub_mchid=" + subMchID})
	if q := decodeOrder(t, r.body); q.State != "DONE" || q.Collection == nil || len(q.Collection.Details) != 1 || q.Collection.Details[0].PaidType != "MCH" {
		t.Fatalf("query after sync: %s", r.body)
	}

	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := m.received()
	if len(got) != 3 { // USER_CONFIRM P1, USER_PAID P1, USER_CONFIRM P2
		t.Fatalf("partner received %d notifications, want 3", len(got))
	}
	for i, n := range got {
		if n.err != nil {
			t.Fatalf("notification %d: %v", i, n.err)
		}
		plain := members(t, n.notification.Plaintext)
		if string(plain["sub_mchid"]) != `"`+subMchID+`"` {
			t.Errorf("partner notification %d has sub_mchid %s", i, plain["sub_mchid"])
		}
		if _, ok := plain["channel_id"]; ok {
			t.Errorf("partner notification %d carries channel_id", i)
		}
	}
	if got[1].notification.Envelope.EventType != sim.EventUserPaid {
		t.Errorf("second notification %s, want USER_PAID", got[1].notification.Envelope.EventType)
	}
}

// A merchant path is served by the merchant's logic, never the acquiring
// bank's, and the operations list names each mode's endpoints apart.
func TestModeOperationsAreDistinct(t *testing.T) {
	s := newSim(t, nil)
	ops := s.Operations()
	for _, name := range []string{"merchant.create_service_order", "partner.cancel_service_order", "merchant.collect_service_order", "create_service_order"} {
		if !ops[name] {
			t.Errorf("operation %s is not simulated (have %v)", name, ops)
		}
	}
	if simulated, listed := ops["merchant.create_pay_on_delivery_order"]; !listed || simulated {
		t.Errorf("merchant.create_pay_on_delivery_order: listed %v, simulated %v; want listed, not simulated", listed, simulated)
	}
}

func decodeJSON(t *testing.T, b []byte) map[string]string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func TestMerchantAuthorizationByOpenID(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r := do(t, s, signedRequest{method: "POST", path: "/v3/payscore/permissions", body: jsonBody(map[string]any{
		"service_id": serviceID, "appid": appID, "authorization_code": "AUTH01", "notify_url": m.notifyURL(),
	})})
	token := decodeJSON(t, r.body)["apply_permissions_token"]
	if r.status != 200 || token == "" {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	if _, err := s.Authorize(token, openID); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil { // deliveries run concurrently; keep their order for the checks below
		t.Fatal(err)
	}
	byOpenID := "/v3/payscore/permissions/openid/" + openID
	r = do(t, s, signedRequest{method: "GET", path: byOpenID + "?service_id=" + serviceID + "&appid=" + appID})
	got := decodeJSON(t, r.body)
	if r.status != 200 || got["authorization_state"] != "AVAILABLE" || got["authorization_code"] != "AUTH01" || got["openid"] != openID || got["sub_mchid"] != "" {
		t.Fatalf("query by openid: %d %s", r.status, r.body)
	}
	r = do(t, s, signedRequest{method: "GET", path: "/v3/payscore/permissions/authorization-code/AUTH01?service_id=" + serviceID})
	if got := decodeJSON(t, r.body); r.status != 200 || got["authorization_state"] != "AVAILABLE" {
		t.Fatalf("query by code: %d %s", r.status, r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "GET", path: "/v3/payscore/permissions/openid/oSomeoneElse0000000000000000?service_id=" + serviceID + "&appid=" + appID}), 404, "ORDER_NOT_EXIST")

	terminate := jsonBody(map[string]any{"service_id": serviceID, "appid": appID, "reason": "用户要求"})
	if r = do(t, s, signedRequest{method: "POST", path: byOpenID + "/terminate", body: terminate}); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("terminate by openid: %d %s", r.status, r.body)
	}
	wantCode(t, do(t, s, signedRequest{method: "POST", path: byOpenID + "/terminate", body: terminate}), 400, "INVALID_ORDER_STATE")
	r = do(t, s, signedRequest{method: "GET", path: byOpenID + "?service_id=" + serviceID + "&appid=" + appID})
	if got := decodeJSON(t, r.body); got["authorization_state"] != "UNAVAILABLE" || got["cancel_authorization_time"] == "" {
		t.Fatalf("query after terminate: %s", r.body)
	}

	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	notes := m.received()
	if len(notes) != 2 {
		t.Fatalf("merchant received %d notifications, want 2", len(notes))
	}
	for i, want := range []string{sim.EventUserOpenService, sim.EventUserCloseService} {
		if notes[i].err != nil || notes[i].notification.Envelope.EventType != want {
			t.Fatalf("notification %d: %v", i, notes[i].err)
		}
		plain := decodeJSON(t, notes[i].notification.Plaintext)
		if plain["openid"] != openID || plain["authorization_code"] != "AUTH01" || plain["sub_mchid"] != "" || plain["channel_id"] != "" {
			t.Errorf("%s plaintext %s", want, notes[i].notification.Plaintext)
		}
	}
}

func TestPartnerAuthorizationByOpenID(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r := do(t, s, signedRequest{method: "POST", path: "/v3/payscore/partner/permissions", body: jsonBody(map[string]any{
		"service_id": serviceID, "appid": appID, "sub_mchid": subMchID, "sub_appid": subAppID,
		"authorization_code": "PAUTH01", "notify_url": m.notifyURL(),
	})})
	token := decodeJSON(t, r.body)["apply_permissions_token"]
	if r.status != 200 || token == "" {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	if _, err := s.Authorize(token, openID); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil { // deliveries run concurrently; keep their order for the checks below
		t.Fatal(err)
	}
	search := "/v3/payscore/partner/permissions/search?service_id=" + serviceID + "&appid=" + appID + "&sub_mchid=" + subMchID + "&sub_appid=" + subAppID
	r = do(t, s, signedRequest{method: "GET", path: search + "&sub_openid=" + openID})
	got := decodeJSON(t, r.body)
	if r.status != 200 || got["authorization_state"] != "AVAILABLE" || got["sub_openid"] != openID || got["sub_mchid"] != subMchID || got["authorization_success_time"] == "" {
		t.Fatalf("search by sub_openid: %d %s", r.status, r.body)
	}
	// Another sub-merchant's search does not see it.
	wantCode(t, do(t, s, signedRequest{method: "GET", path: "/v3/payscore/partner/permissions/search?service_id=" + serviceID + "&appid=" + appID + "&sub_mchid=1900000999&sub_openid=" + openID}), 404, "ORDER_NOT_EXIST")

	r = do(t, s, signedRequest{method: "POST", path: "/v3/payscore/partner/permissions/terminate", body: jsonBody(map[string]any{
		"service_id": serviceID, "appid": appID, "sub_mchid": subMchID, "sub_appid": subAppID, "sub_openid": openID, "reason": "用户要求",
	})})
	if r.status != 204 {
		t.Fatalf("terminate: %d %s", r.status, r.body)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	notes := m.received()
	if len(notes) != 2 {
		t.Fatalf("partner received %d notifications, want 2", len(notes))
	}
	for i, want := range []string{sim.EventUserOpenService, sim.EventUserCloseService} {
		if notes[i].err != nil || notes[i].notification.Envelope.EventType != want {
			t.Fatalf("notification %d: %v", i, notes[i].err)
		}
		plain := decodeJSON(t, notes[i].notification.Plaintext)
		if plain["sub_openid"] != openID || plain["openid"] != "" || plain["sub_mchid"] != subMchID || plain["channel_id"] != "" {
			t.Errorf("%s plaintext %s", want, notes[i].notification.Plaintext)
		}
	}
}
