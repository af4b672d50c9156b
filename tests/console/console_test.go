package console_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/sim"
)

// The user authorizes in the console; the merchant's generated
// USER_OPEN_SERVICE handler runs with the user the console chose. Then the
// user revokes, and USER_CLOSE_SERVICE runs.
func TestAuthorizeInConsoleRunsMerchantHandler(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	w := newWorld(t)
	const code, openid = "AUTH-CONSOLE-1", "oConsoleUser_00000000000001"
	w.apply(t, code)

	b := openTab(t, w.sim.URL())
	b.open("/console/authorizations")
	b.waitText("#auth-"+code, "UNBINDUSER", "usable")
	b.setValue("openid-"+code, openid)
	b.submit("authorize-" + code)
	b.waitText("#flash", code+" authorized by "+openid+" (AVAILABLE)",
		"PAYSCORE.USER_OPEN_SERVICE delivered: the merchant answered 204")

	opened, _ := w.merchant.events()
	if len(opened) != 1 {
		t.Fatalf("the merchant's USER_OPEN_SERVICE handler ran %d times, want 1", len(opened))
	}
	if d := opened[0].Data; d.AuthorizationCode != code || d.SubOpenID != openid || d.UserServiceStatus != "USER_OPEN_SERVICE" ||
		!d.OpenorcloseTime.Equal(w.clock.Now()) {
		t.Fatalf("USER_OPEN_SERVICE as the merchant received it: %+v", d)
	}
	b.waitText("#auth-"+code, "AVAILABLE", openid, "PAYSCORE.USER_OPEN_SERVICE", "delivered", "204")

	// The generated client sees what the console did.
	got, _, err := w.client.QueryAuthorization(t.Context(), &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: code, ServiceID: serviceID, ChannelID: channelID, SubMchID: subMchID,
	})
	if err != nil || got.AuthorizationState != acquiringbank.AuthorizationStateAvailable || got.SubOpenID != openid {
		t.Fatalf("QueryAuthorization after the console's authorize: %+v, %v", got, err)
	}

	b.submit("revoke-" + code)
	b.waitText("#flash", code+" revoked by the user (UNAVAILABLE)", "PAYSCORE.USER_CLOSE_SERVICE delivered")
	if _, closed := w.merchant.events(); len(closed) != 1 || closed[0].Data.AuthorizationCode != code {
		t.Fatalf("USER_CLOSE_SERVICE handler runs: %d", len(closed))
	}
	b.waitText("#auth-"+code, "UNAVAILABLE", "used or expired")
}

// A merchant endpoint that fails: the notifications page shows each
// attempt's status and body, and the next attempts on the documented
// schedule; the clock buttons make retries fall due; the page follows
// deliveries made outside it by itself.
func TestFailingMerchantShowsRetrySchedule(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	w := newWorld(t)
	const code = "AUTH-RETRY-1"
	w.apply(t, code)
	w.merchant.failing.Store(true)
	// The clock is at 2025-06-01 09:30:00 China time (01:30:00 UTC).
	if _, err := w.sim.Authorize(code, "oRetryUser_000000000000001"); err != nil {
		t.Fatal(err)
	}
	id := w.sim.Deliveries()[0].ID

	b := openTab(t, w.sim.URL())
	b.open("/console/deliveries")
	b.waitText("#schedule-authorization_notify", "授权/解除授权服务回调通知", "PAYSCORE.USER_OPEN_SERVICE",
		"0s, 15s, 15s, 30s, 3m, 30m ×4, 1h, then every 1h, for up to 72h")
	b.waitText("#schedule-order_notify", "PAYSCORE.USER_CONFIRM", "for up to 4h")
	art := "#" + id
	b.waitText(art, "PAYSCORE.USER_OPEN_SERVICE", "pending",
		"POST "+w.merchant.srv.URL+"/payscore/notify",
		"#1", "2025-06-01 09:30:00 China", "01:30:00 UTC", "500", `{"code":"FAIL","message":"database unavailable"}`,
		// attempt 2 at +15s, then +15s, +30s, +3m, +30m
		"attempt 2 (retry 1 of the schedule) 2025-06-01 09:30:15 China", "01:30:15 UTC",
		"2025-06-01 09:30:30 China", "2025-06-01 09:31:00 China", "2025-06-01 09:34:00 China", "2025-06-01 10:04:00 China")

	b.submit("advance-15s")
	b.waitText("#flash", "Clock advanced by 15s", "1 delivery attempt(s) fell due")
	b.waitText(art, "#2", "2025-06-01 09:30:15 China", "attempt 3 (retry 2 of the schedule) 2025-06-01 09:30:30 China")

	// The merchant recovers; the next retry is made outside the page, which
	// updates by itself.
	w.merchant.failing.Store(false)
	b.waitJS(`document.getElementById('live-status').dataset.state === 'live'`, "the live connection")
	w.sim.Advance(15 * time.Second)
	b.waitJS(`document.getElementById(`+jsString(id)+`).dataset.state === 'delivered'`, "the page to show the delivery")
	b.waitText(art, "#3", "2025-06-01 09:30:30 China", "204", "none: delivered")
	if opened, _ := w.merchant.events(); len(opened) != 1 {
		t.Fatalf("USER_OPEN_SERVICE handler runs: %d, want 1", len(opened))
	}

	// A redelivery is a duplicate: the generated handler answers 204 without
	// running the callback again.
	b.submit("redeliver-" + id)
	b.waitText("#flash", id+" redelivered (attempt 4): the merchant answered 204")
	b.waitText(art, "#4", "redelivery")
	if opened, _ := w.merchant.events(); len(opened) != 1 {
		t.Fatalf("USER_OPEN_SERVICE handler runs after a redelivery: %d, want 1", len(opened))
	}
}

// Jump payloads built by the generated code, pasted in the console or posted
// by a front end, are recognised, checked field by field, and signed ones
// verified with the APIv2 key.
func TestJumpPayloadPage(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	w := newWorld(t)
	b := openTab(t, w.sim.URL())

	// A signed confirm-order jump, as the back end hands it to the mini program.
	params, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: mchID, Package: "SIM_PACKAGE_0001"}, apiV2Key)
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := json.Marshal(params)
	b.open("/console/jumps")
	b.setValue("jump-payload", string(signed))
	b.submit("jump-check")
	b.waitText("#flash", "Payload #1 read: confirm_order_open_business_view, every field valid, signature valid")
	b.waitText("#jump-1", "confirm_order_open_business_view", "wx.openBusinessView", "Valid: HMAC-SHA256 with the merchant's APIv2 key",
		"SIM_PACKAGE_0001")

	// The same payload with another package: the signature no longer holds.
	b.setValue("jump-payload", strings.Replace(string(signed), "SIM_PACKAGE_0001", "SIM_PACKAGE_0002", 1))
	b.submit("jump-check")
	b.waitText("#jump-2", "problems", "Invalid: HMAC-SHA256", "the payload has "+params.ExtraData.Sign)

	// The App merchant-mode jump's query string alone, with a wrong key.
	app, err := payscore.NewAuthorizeAppMerchantSigned(payscore.AuthorizeAppMerchantSignedData{
		MchID: mchID, ServiceID: serviceID, OutRequestNo: "REQ-0001",
	}, apiV2Key)
	if err != nil {
		t.Fatal(err)
	}
	b.setValue("jump-payload", app.Query)
	b.setValue("jump-key", "notTheMerchantsKey0000000000000")
	b.submit("jump-check")
	b.waitText("#jump-3", "authorize_app_merchant_signed", "query string", "Invalid", "the key entered with this payload")

	// A front end on another origin posts the JSAPI authorization jump; the
	// open page shows it by itself, linked to the authorization of its token.
	token := w.apply(t, "AUTH-JUMP-1")
	jsapi, err := payscore.NewAuthorizeJSAPI(payscore.AuthorizeJSAPIData{ApplyPermissionsToken: token})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(jsapi)
	b.waitJS(`document.getElementById('live-status').dataset.state === 'live'`, "the live connection")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, w.sim.URL()+"/console/jumps", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://127.0.0.1:5173")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rep struct {
		OK        bool   `json:"ok"`
		Jump      string `json:"jump"`
		Signature string `json:"signature"`
	}
	if err := json.Unmarshal(answer, &rep); err != nil || !rep.OK || rep.Jump != "authorize_jsapi" || rep.Signature != "unsigned" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("answer to the front end: %d %s (%v)", resp.StatusCode, answer, err)
	}
	b.waitText("#jump-4", "authorize_jsapi", "posted by http://127.0.0.1:5173", "This jump carries no signature",
		"This token belongs to authorization AUTH-JUMP-1, UNBINDUSER: the user can authorize it there")
}

// The console refuses actions from other sites, and its state is the
// simulator's: a state change made through the JSON control API shows.
func TestConsoleOverviewAndControlAPIAgree(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	w := newWorld(t)
	w.apply(t, "AUTH-OVERVIEW-1")
	b := openTab(t, w.sim.URL())
	b.open("/")
	b.waitText("#count-available", "0")
	b.waitJS(`document.getElementById('live-status').dataset.state === 'live'`, "the live connection")
	resp, err := http.Post(w.sim.URL()+"/sim/authorize", "application/json",
		strings.NewReader(`{"authorization_code":"AUTH-OVERVIEW-1","openid":"oOverviewUser_00000000001"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("control API authorize: %d", resp.StatusCode)
	}
	b.waitText("#count-available", "1")
	if a, err := w.sim.Lookup("AUTH-OVERVIEW-1"); err != nil || a.State != sim.StateAvailable {
		t.Fatalf("state: %+v %v", a, err)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
