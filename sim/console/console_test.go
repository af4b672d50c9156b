package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/sim"
	"github.com/payscoregen/payscoregen/sim/console"
)

// These tests drive the console over HTTP without a browser; tests/console
// clicks through it in Chromium.

const apiV2Key = jumpsign.Secret("unitTestAPIv2Key0123456789abcdef")

type fixture struct {
	sim     *sim.Simulator
	clock   *sim.Clock
	base    string
	status  atomic.Int32 // what the merchant answers
	notify  string
	noRedir *http.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: sim.NewClock(time.Date(2025, 6, 1, 1, 30, 0, 0, time.UTC))}
	f.status.Store(http.StatusNoContent)
	merchant := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(f.status.Load()))
	}))
	t.Cleanup(merchant.Close)
	f.notify = merchant.URL + "/notify"
	var err error
	f.sim, err = sim.New(
		sim.WithMerchant(sim.DefaultMchID, "SERIAL01", &testkit.Key("merchant").PublicKey),
		sim.WithPlatformKey(testkit.Key("platform"), "PUB_KEY_ID_0001"),
		sim.WithClock(f.clock),
		sim.WithCallbackClient(merchant.Client()),
	)
	if err != nil {
		t.Fatal(err)
	}
	c, err := console.New(f.sim, console.WithAPIv2Key(apiV2Key))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Mount(); err != nil {
		t.Fatal(err)
	}
	if err := f.sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.sim.Close() })
	f.base = f.sim.URL()
	f.noRedir = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// apply creates an UNBINDUSER authorization through the API, signed by
// wechatpay-go, and returns its token.
func (f *fixture) apply(t *testing.T, code string) string {
	t.Helper()
	c, err := core.NewClient(context.Background(), option.WithWechatPayPublicKeyAuthCipher(
		sim.DefaultMchID, "SERIAL01", testkit.Key("merchant"), "PUB_KEY_ID_0001", &testkit.Key("platform").PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Post(context.Background(), f.base+"/v3/payscore/acquiringbank/permissions", map[string]string{
		"service_id": "500001", "channel_id": "1230000109", "appid": "wxd678efh567hg6787", "sub_appid": "wxd678efh567hg6786",
		"sub_mchid": "1900000110", "authorization_code": code, "notify_url": f.notify,
	})
	if err != nil {
		t.Fatalf("apply permissions: %v", err)
	}
	defer res.Response.Body.Close()
	var out struct {
		Token string `json:"apply_permissions_token"`
	}
	if err := json.NewDecoder(res.Response.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("apply permissions answer: %v", err)
	}
	return out.Token
}

// post submits a console form as its own page would (same origin) and
// returns the redirect's outcome.
func (f *fixture) post(t *testing.T, path string, form url.Values) (done, failed string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.noRedir.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d, want 303", path, resp.StatusCode)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("done"), u.Query().Get("error")
}

func TestAuthorizeRevokeAndFaultsThroughForms(t *testing.T) {
	f := newFixture(t)
	f.apply(t, "AUTH-UNIT-1")
	ref := sim.DefaultMchID + ":AUTH-UNIT-1"

	if _, failed := f.post(t, "/console/authorizations/authorize", url.Values{"ref": {ref}, "openid": {""}}); !strings.Contains(failed, "openid") {
		t.Errorf("authorize without openid: error %q, want one naming openid", failed)
	}
	done, failed := f.post(t, "/console/authorizations/authorize", url.Values{"ref": {ref}, "openid": {"oUnitUser_0000000000000001"}, "user_label": {"B"}})
	if failed != "" || !strings.Contains(done, "PAYSCORE.USER_OPEN_SERVICE delivered: the merchant answered 204") {
		t.Fatalf("authorize: done %q, error %q", done, failed)
	}
	if a, _ := f.sim.Lookup(ref); a.State != sim.StateAvailable || a.UserLabel != "B" || a.SubOpenID != "oUnitUser_0000000000000001" {
		t.Fatalf("after authorize: %+v", a)
	}
	if _, failed := f.post(t, "/console/authorizations/authorize", url.Values{"ref": {ref}, "openid": {"oUnitUser_0000000000000001"}}); failed == "" {
		t.Error("authorizing twice with one token succeeded")
	}
	f.status.Store(http.StatusServiceUnavailable)
	done, _ = f.post(t, "/console/authorizations/revoke", url.Values{"ref": {ref}})
	if !strings.Contains(done, "attempt 1: the merchant answered 503") {
		t.Errorf("revoke against a failing merchant: %q", done)
	}
	if a, _ := f.sim.Lookup(ref); a.State != sim.StateUnavailable {
		t.Fatalf("after revoke: %s", a.State)
	}

	// The failed USER_CLOSE_SERVICE is retried 15s later; "next" jumps there.
	f.status.Store(http.StatusOK)
	done, failed = f.post(t, "/console/clock/advance", url.Values{"duration": {"next"}})
	if failed != "" || !strings.Contains(done, "Clock advanced by 15s") || !strings.Contains(done, "1 delivery attempt(s)") {
		t.Fatalf("advance to the next retry: done %q, error %q", done, failed)
	}
	if _, failed := f.post(t, "/console/clock/advance", url.Values{"duration": {"next"}}); failed != "no retry is pending" {
		t.Errorf("advance with nothing pending: %q", failed)
	}
	if _, failed := f.post(t, "/console/clock/advance", url.Values{"duration": {"-5s"}}); failed == "" {
		t.Error("a negative advance was accepted")
	}
	if _, failed := f.post(t, "/console/deliveries/redeliver", url.Values{"id": {"EV-nope"}}); failed == "" {
		t.Error("redelivering an unknown id succeeded")
	}

	// Faults: add, change the count, remove, clear.
	if _, failed := f.post(t, "/console/faults/add", url.Values{"operation": {"query_authorization"}, "code": {"SYSTEM_ERROR"}, "count": {"2"}}); failed != "" {
		t.Fatal(failed)
	}
	if _, failed := f.post(t, "/console/faults/add", url.Values{"operation": {"query_authorization"}, "latency": {"20ms"}}); failed != "" {
		t.Fatal(failed)
	}
	if _, failed := f.post(t, "/console/faults/add", url.Values{"operation": {"query_authorization"}, "code": {"NOT_A_CODE"}}); failed == "" {
		t.Error("an undocumented code was accepted")
	}
	if _, failed := f.post(t, "/console/faults/count", url.Values{"operation": {"query_authorization"}, "index": {"0"}, "count": {"5"}}); failed != "" {
		t.Fatal(failed)
	}
	if fs := f.sim.Faults(); len(fs) != 2 || fs[0].Count != 5 || fs[0].Code != "SYSTEM_ERROR" || fs[1].Latency != 20*time.Millisecond {
		t.Fatalf("faults after add and count: %+v", fs)
	}
	if _, failed := f.post(t, "/console/faults/remove", url.Values{"operation": {"query_authorization"}, "index": {"0"}}); failed != "" {
		t.Fatal(failed)
	}
	if fs := f.sim.Faults(); len(fs) != 1 || fs[0].Latency == 0 {
		t.Fatalf("faults after remove: %+v", fs)
	}
	if _, failed := f.post(t, "/console/faults/remove", url.Values{"operation": {"query_authorization"}, "index": {"3"}}); failed == "" {
		t.Error("removing a fault that is not queued succeeded")
	}
	f.post(t, "/console/faults/clear", nil)
	if fs := f.sim.Faults(); len(fs) != 0 {
		t.Fatalf("faults after clear: %+v", fs)
	}
}

// The console answers loopback names only, and takes actions only from its
// own pages; the jump inbox takes posts from anywhere.
func TestGuard(t *testing.T) {
	f := newFixture(t)
	do := func(method, path, host string, hdr map[string]string) int {
		req, _ := http.NewRequest(method, f.base+path, strings.NewReader("duration=1h"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if host != "" {
			req.Host = host
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := f.noRedir.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	before := f.clock.Now()
	for _, c := range []struct {
		name         string
		method, path string
		host         string
		hdr          map[string]string
		want         int
	}{
		{"page", "GET", "/", "", nil, 200},
		{"page via localhost", "GET", "/console/deliveries", "localhost:1234", nil, 200},
		{"DNS rebinding", "GET", "/", "attacker.example:80", nil, 403},
		{"cross-site action", "POST", "/console/clock/advance", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"other origin", "POST", "/console/clock/advance", "", map[string]string{"Origin": "http://evil.example"}, 403},
		{"jump inbox from another origin", "POST", "/console/jumps", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://127.0.0.1:5173"}, 200},
		{"unknown page", "GET", "/console/nope", "", nil, 404},
	} {
		if got := do(c.method, c.path, c.host, c.hdr); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if !f.clock.Now().Equal(before) {
		t.Error("a refused action moved the clock")
	}
	// The API and the control API are still the simulator's.
	if got := do("GET", "/sim/clock", "", nil); got != 200 {
		t.Errorf("control API: %d", got)
	}
	if got := do("GET", "/v3/nothing", "", nil); got != 404 {
		t.Errorf("unknown API path: %d", got)
	}
}

type jumpAnswer struct {
	OK        bool     `json:"ok"`
	Jump      string   `json:"jump"`
	Format    string   `json:"format"`
	Error     string   `json:"error"`
	Problems  []string `json:"problems"`
	Signature string   `json:"signature"`
}

func (f *fixture) postJump(t *testing.T, payload string) jumpAnswer {
	t.Helper()
	resp, err := http.Post(f.base+"/console/jumps", "application/json", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a jumpAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

func mustJSON(t *testing.T, v any, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every jump the generated builders make is recognised and valid; broken
// ones name what is wrong.
func TestJumpInbox(t *testing.T) {
	f := newFixture(t)
	confirm, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: "1230000109", Package: "PKG"}, apiV2Key)
	confirmJSON := mustJSON(t, confirm, err)
	extraData := mustJSON(t, confirm.ExtraData, nil)
	nav, err := payscore.NewConfirmOrderNavigate(payscore.ConfirmOrderData{MchID: "1230000109", Package: "PKG"}, apiV2Key)
	navJSON := mustJSON(t, nav, err)
	pkg, err := payscore.NewConfirmOrderPackageOpenBusinessView(payscore.ConfirmOrderPackageData{Package: "PKG"})
	pkgJSON := mustJSON(t, pkg, err)
	mini, err := payscore.NewAuthorizeMiniprogramNavigate(payscore.AuthorizeMiniprogramData{ApplyPermissionsToken: "TOKEN"})
	miniJSON := mustJSON(t, mini, err)
	jsapi, err := payscore.NewAuthorizeJSAPI(payscore.AuthorizeJSAPIData{ApplyPermissionsToken: "TOKEN"})
	jsapiJSON := mustJSON(t, jsapi, err)
	app, err := payscore.NewAuthorizeApp(payscore.AuthorizeAppData{ApplyPermissionsToken: "TOKEN"})
	appJSON := mustJSON(t, app, err)
	signedApp, err := payscore.NewAuthorizeAppMerchantSigned(payscore.AuthorizeAppMerchantSignedData{MchID: "1230000109", ServiceID: "500001", OutRequestNo: "R1"}, apiV2Key)
	if err != nil {
		t.Fatal(err)
	}
	pay, err := xiaoweijufu.NewPay(xiaoweijufu.PayData{MchID: "1601234567", TotalFee: 12345, OutTradeNo: "T1", Body: "测试商品", NotifyURL: "https://example.com/n"}, "merchantSecret")
	payJSON := mustJSON(t, pay, err)

	for _, c := range []struct {
		name, payload, jump, signature string
	}{
		{"confirm, whole call", confirmJSON, "confirm_order_open_business_view", "valid"},
		{"confirm, navigate", navJSON, "confirm_order_navigate", "valid"},
		{"confirm, extraData alone", extraData, "confirm_order_open_business_view", "valid"},
		{"confirm by package", pkgJSON, "confirm_order_package_open_business_view", "unsigned"},
		{"authorize, mini program", miniJSON, "authorize_miniprogram_navigate", "unsigned"},
		{"authorize, JSAPI", jsapiJSON, "authorize_jsapi", "unsigned"},
		{"authorize, App", appJSON, "authorize_app", "unsigned"},
		{"authorize, App signed query", signedApp.Query, "authorize_app_merchant_signed", "valid"},
		{"authorize, App signed query as a URL", "weixin://open?" + signedApp.Query, "authorize_app_merchant_signed", "valid"},
	} {
		a := f.postJump(t, c.payload)
		if !a.OK || a.Jump != c.jump || a.Signature != c.signature {
			t.Errorf("%s: %+v, want ok %s with signature %s", c.name, a, c.jump, c.signature)
		}
	}

	// 小微聚付 signs with the merchant secret, which the console does not know.
	if a := f.postJump(t, payJSON); a.OK || a.Jump != "pay" || a.Signature != "no key" {
		t.Errorf("小微聚付 pay without its key: %+v", a)
	}

	for _, c := range []struct {
		name, payload, jump string
		problem             string
	}{
		{"tampered", strings.Replace(confirmJSON, `"PKG"`, `"PKG2"`, 1), "confirm_order_open_business_view", "signature invalid"},
		{"missing package", strings.Replace(confirmJSON, `"package":"PKG",`, ``, 1), "confirm_order_open_business_view", "package: required"},
		{"package too long", strings.Replace(confirmJSON, `"PKG"`, `"`+strings.Repeat("x", 129)+`"`, 1), "confirm_order_open_business_view", "package: too long: 129 characters, maximum 128"},
		{"wrong businessType", strings.Replace(jsapiJSON, "wxpayScoreEnable", "wxpayScoreUse", 1), "authorize_jsapi", "businessType:"},
		{"an extra member", strings.Replace(jsapiJSON, `{`, `{"debug":true,`, 1), "authorize_jsapi", "debug: not a member of this jump"},
	} {
		a := f.postJump(t, c.payload)
		if a.OK || a.Jump != c.jump || !strings.Contains(strings.Join(a.Problems, "\n"), c.problem) {
			t.Errorf("%s: %+v, want %s with a problem containing %q", c.name, a, c.jump, c.problem)
		}
	}
	for _, c := range []struct{ name, payload, err string }{
		{"empty", "  ", "nothing to read"},
		{"bad JSON", `{"businessType":`, "not a JSON object"},
		{"repeated key", `{"package":"a","package":"b"}`, "appears more than once"},
		{"unrelated", `{"hello":"world"}`, "no jump of the spec has these members"},
		{"too large", strings.Repeat("a=b&", 20000), "the console reads at most"},
	} {
		if a := f.postJump(t, c.payload); a.OK || !strings.Contains(a.Error, c.err) {
			t.Errorf("%s: %+v, want error containing %q", c.name, a, c.err)
		}
	}

	// The key entered with a pasted payload checks the 小微聚付 signature.
	form := url.Values{"payload": {payJSON}, "key": {"merchantSecret"}}
	done, _ := f.post(t, "/console/jumps", form)
	if !strings.Contains(done, "pay, every field valid, signature valid") {
		t.Errorf("pasted 小微聚付 pay with its key: %q", done)
	}
	// The page lists what came in, says which references it does not know,
	// and never shows the key.
	page := f.get(t, "/console/jumps")
	for _, want := range []string{"No authorization has this apply_permissions_token", "No order has this package"} {
		if !strings.Contains(page, want) {
			t.Errorf("the jumps page lacks %q", want)
		}
	}
	if !strings.Contains(page, "confirm_order_open_business_view") || strings.Contains(page, "merchantSecret") || strings.Contains(page, string(apiV2Key)) {
		t.Error("the jumps page lacks a received payload or shows a key")
	}
}

func (f *fixture) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(f.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// Every page renders, says what it shows, and shows times in China time and
// UTC.
func TestPagesRender(t *testing.T) {
	f := newFixture(t)
	f.apply(t, "AUTH-PAGES-1")
	f.status.Store(http.StatusInternalServerError)
	if _, err := f.sim.Authorize("AUTH-PAGES-1", "oPagesUser_00000000000001"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, lede string }{
		{"/", "What this simulator is holding right now"},
		{"/console/authorizations", "Every authorization_code a merchant applied for"},
		{"/console/orders", "Every service order"},
		{"/console/deliveries", "Every notification the simulator sent"},
		{"/console/faults", "Faults make the next calls"},
		{"/console/jumps", "What the merchant&#39;s front end passes to a Pay Score jump"},
	} {
		page := f.get(t, c.path)
		for _, want := range []string{`<p class="lede">` + c.lede, "2025-06-01 09:30:00", "China", "01:30:00", "UTC", "/console/static/console.js"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", c.path, want)
			}
		}
	}
	d := f.get(t, "/console/deliveries")
	for _, want := range []string{"0s, 15s, 15s, 30s, 3m, 30m ×4, 1h, then every 1h, for up to 72h", "attempt 2 (retry 1 of the schedule)", "09:30:15"} {
		if !strings.Contains(d, want) {
			t.Errorf("deliveries page lacks %q", want)
		}
	}
	for _, asset := range []string{"/console/static/console.css", "/console/static/console.js"} {
		f.get(t, asset)
	}
}

// The event stream announces changes, and ends when the simulator closes.
func TestEventsStream(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.base+"/console/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	if err := f.sim.InjectFault(sim.Fault{Operation: "apply_permissions", Code: "SYSTEM_ERROR"}); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		if lines.Text() == "event: change" {
			break
		}
	}
	if lines.Err() != nil {
		t.Fatalf("no change event: %v", lines.Err())
	}
	start := time.Now()
	if err := f.sim.Close(); err != nil {
		t.Fatalf("Close with an open event stream: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Close took %s with an open event stream", took)
	}
}

func (f *fixture) createOrder(t *testing.T, no string) string {
	t.Helper()
	c, err := core.NewClient(context.Background(), option.WithWechatPayPublicKeyAuthCipher(
		sim.DefaultMchID, "SERIAL01", testkit.Key("merchant"), "PUB_KEY_ID_0001", &testkit.Key("platform").PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Post(context.Background(), f.base+"/v3/payscore/acquiringbank/serviceorder", map[string]any{
		"service_id": "500001", "appid": "wxd678efh567hg6787", "sub_mchid": "1900000110", "channel_id": "1230000109",
		"out_order_no": no, "service_introduction": "充电宝",
		"post_payments": []map[string]any{{"name": "充电宝租借", "amount": 400, "count": 1}}, "risk_fund": map[string]any{"name": "DEPOSIT", "amount": 9900},
		"time_range": map[string]any{"start_time": "OnAccept"}, "notify_url": f.notify,
	})
	if err != nil {
		t.Fatalf("create order: %v", err)
	}
	defer res.Response.Body.Close()
	var out struct {
		Package string `json:"package"`
	}
	if err := json.NewDecoder(res.Response.Body).Decode(&out); err != nil || out.Package == "" {
		t.Fatalf("create order answer: %v", err)
	}
	return out.Package
}

func TestOrderActionsThroughForms(t *testing.T) {
	f := newFixture(t)
	pkg := f.createOrder(t, "ORDER-UNIT-1")
	f.createOrder(t, "ORDER-UNIT-2")
	ref1, ref2 := sim.DefaultMchID+":ORDER-UNIT-1", sim.DefaultMchID+":ORDER-UNIT-2"

	// The confirm-order jump with this order's package links to the order.
	params, err := payscore.NewConfirmOrderPackageOpenBusinessView(payscore.ConfirmOrderPackageData{Package: pkg})
	if a := f.postJump(t, mustJSON(t, params, err)); !a.OK {
		t.Fatalf("confirm jump by package: %+v", a)
	}
	if page := f.get(t, "/console/jumps"); !strings.Contains(page, "This package belongs to order") ||
		!strings.Contains(page, "the user can confirm it there") {
		t.Error("the jumps page does not link the package to its order")
	}

	if _, failed := f.post(t, "/console/orders/pay", url.Values{"ref": {ref1}}); failed == "" {
		t.Error("paying a CREATED order succeeded")
	}
	if _, failed := f.post(t, "/console/orders/prepay", url.Values{"ref": {ref1}}); failed == "" {
		t.Error("MCH_PREPAY for a CREATED order succeeded")
	}
	if _, failed := f.post(t, "/console/orders/confirm", url.Values{"ref": {"ORDER-UNIT-1"}}); !strings.Contains(failed, "MCHID:OUT_ORDER_NO") {
		t.Errorf("confirm with a bad ref: %q", failed)
	}
	done, failed := f.post(t, "/console/orders/confirm", url.Values{"ref": {ref1}, "openid": {"oOrderUnit_00000000000001"}})
	if failed != "" || !strings.Contains(done, "DOING/USER_CONFIRM") || !strings.Contains(done, "PAYSCORE.USER_CONFIRM delivered: the merchant answered 204") {
		t.Fatalf("confirm: done %q, error %q", done, failed)
	}
	if o, _ := f.sim.Order(sim.DefaultMchID, "ORDER-UNIT-1"); o.State != sim.OrderDoing || o.QueryID == "" || !strings.Contains(done, o.QueryID) {
		t.Fatalf("after confirm: %+v (flash %q)", o, done)
	}
	if done, failed = f.post(t, "/console/orders/expire", url.Values{"ref": {ref2}}); failed != "" || !strings.Contains(done, "EXPIRED") {
		t.Fatalf("expire: done %q, error %q", done, failed)
	}
	page := f.get(t, "/console/orders")
	for _, want := range []string{`id="order-ORDER-UNIT-1" data-state="DOING"`, `id="order-ORDER-UNIT-2" data-state="EXPIRED"`, "¥99.00", "referrerInfo"} {
		if !strings.Contains(page, want) {
			t.Errorf("orders page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="confirm-ORDER-UNIT-2"`) {
		t.Error("the page offers to confirm an expired order")
	}
}
