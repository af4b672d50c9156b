package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/wxtime"
	"github.com/payscoregen/payscoregen/sim"
)

func TestSignatureRefused(t *testing.T) {
	s := newSim(t, nil)
	path := queryPath("CODE1")
	reused := "NONCE-used-twice-0123456789abcdef"
	if r := do(t, s, signedRequest{method: "GET", path: path, nonce: reused}); r.status != 404 {
		t.Fatalf("first use of the nonce: %d %s, want 404 ORDER_NOT_EXIST", r.status, r.body)
	}
	tests := []struct {
		name string
		req  signedRequest
		want string // in the message
	}{
		{"wrong key", signedRequest{key: badKey}, "does not verify"},
		{"stale timestamp", signedRequest{timestamp: time.Now().Add(-6 * time.Minute).Unix()}, "timestamp"},
		{"future timestamp", signedRequest{timestamp: time.Now().Add(6 * time.Minute).Unix()}, "timestamp"},
		{"unknown serial", signedRequest{serial: "0000"}, "serial_no"},
		{"unknown mchid", signedRequest{mchID: "1900000999"}, "mchid"},
		{"missing header", signedRequest{noAuth: true}, "missing"},
		{"reused nonce", signedRequest{nonce: reused}, "nonce_str"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.method, tt.req.path = "GET", path
			r := do(t, s, tt.req) // do verifies the answer's signature
			if r.status != http.StatusUnauthorized || r.code != "SIGN_ERROR" {
				t.Fatalf("got %d %s, want 401 SIGN_ERROR", r.status, r.body)
			}
			if !strings.Contains(r.msg, tt.want) {
				t.Errorf("message %q does not mention %q", r.msg, tt.want)
			}
		})
	}
}

func TestTamperedBody(t *testing.T) {
	s := newSim(t, nil)
	keys(t)
	// Sign one body, send another.
	body := applyBody("C1", "https://127.0.0.1/n")
	req, _ := http.NewRequest("POST", s.URL()+"/v3/payscore/acquiringbank/permissions", strings.NewReader(strings.Replace(body, "C1", "C2", 1)))
	req.Header.Set("Authorization", authHeader(t, signedRequest{method: "POST", path: "/v3/payscore/acquiringbank/permissions", body: body}))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("tampered body: %d, want 401", resp.StatusCode)
	}
}

func TestParamErrorNamesField(t *testing.T) {
	s := newSim(t, nil)
	tests := []struct {
		name       string
		method     string
		path, body string
		fields     []string // named in the message; the first is detail.field
		location   string
	}{
		{"http notify_url and missing sub_appid", "POST", "/v3/payscore/acquiringbank/permissions",
			strings.Replace(applyBody("C1", "http://127.0.0.1/n"), `"sub_appid":"`+subAppID+`",`, "", 1),
			[]string{"sub_appid", "notify_url"}, "body"},
		{"number instead of string", "POST", "/v3/payscore/acquiringbank/permissions",
			strings.Replace(applyBody("C1", "https://127.0.0.1/n"), `"service_id":"500001"`, `"service_id":500001`, 1),
			[]string{"service_id"}, "body"},
		{"33 characters", "POST", "/v3/payscore/acquiringbank/permissions",
			applyBody(strings.Repeat("9", 33), "https://127.0.0.1/n"), []string{"authorization_code"}, "body"},
		{"not JSON", "POST", "/v3/payscore/acquiringbank/permissions", "{", nil, ""},
		{"path pattern", "GET", queryPath("AB%21CD"), "", []string{"authorization_code"}, "path"},
		{"missing query parameter", "GET", "/v3/payscore/acquiringbank/permissions/authorization-code/C1?service_id=1&channel_id=2", "",
			[]string{"sub_mchid"}, "query"},
		{"emoji in reason", "POST", terminatePath("C1"), terminateBody("用户要求😀"), []string{"reason"}, "body"},
		{"51 characters", "POST", terminatePath("C1"), terminateBody(strings.Repeat("撤", 51)), []string{"reason"}, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, signedRequest{method: tt.method, path: tt.path, body: tt.body})
			if r.status != 400 || r.code != "PARAM_ERROR" {
				t.Fatalf("got %d %s, want 400 PARAM_ERROR", r.status, r.body)
			}
			for _, f := range tt.fields {
				if !strings.Contains(r.msg, f+": ") {
					t.Errorf("message %q does not name %s", r.msg, f)
				}
			}
			if len(tt.fields) > 0 && (r.detail["field"] != tt.fields[0] || r.detail["location"] != tt.location) {
				t.Errorf("detail %v, want field %s in %s", r.detail, tt.fields[0], tt.location)
			}
		})
	}
	// Limits count characters, not bytes: 50 Chinese characters (150 bytes)
	// are a valid reason; the terminate then fails only on the unknown code.
	r := do(t, s, signedRequest{method: "POST", path: terminatePath("C1"), body: terminateBody(strings.Repeat("撤", 50))})
	if r.status != 404 || r.code != "ORDER_NOT_EXIST" {
		t.Fatalf("50-character reason: %d %s, want 404 ORDER_NOT_EXIST", r.status, r.body)
	}
}

func TestUnknownCodeIs404(t *testing.T) {
	s := newSim(t, nil)
	for _, r := range []response{
		do(t, s, signedRequest{method: "GET", path: queryPath("NOPE")}),
		do(t, s, signedRequest{method: "POST", path: terminatePath("NOPE"), body: terminateBody("r")}),
	} {
		if r.status != 404 || r.code != "ORDER_NOT_EXIST" {
			t.Fatalf("got %d %s, want 404 ORDER_NOT_EXIST", r.status, r.body)
		}
	}
	// The same code with other ids does not exist either.
	apply(t, s, "C1", "https://127.0.0.1/n")
	path := strings.Replace(queryPath("C1"), "sub_mchid="+subMchID, "sub_mchid=1900000999", 1)
	if r := do(t, s, signedRequest{method: "GET", path: path}); r.status != 404 {
		t.Fatalf("other sub_mchid: %d %s, want 404", r.status, r.body)
	}
	// Unknown paths and methods are refused, signed.
	if r := do(t, s, signedRequest{method: "GET", path: "/v3/payscore/nothing"}); r.status != 404 || r.code != "NOT_FOUND" {
		t.Fatalf("unknown path: %d %s", r.status, r.body)
	}
	if r := do(t, s, signedRequest{method: "DELETE", path: queryPath("C1")}); r.status != 405 {
		t.Fatalf("wrong method: %d %s", r.status, r.body)
	}
}

func TestAuthorizationLifecycle(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	token := apply(t, s, "C1", m.notifyURL())

	query := func(wantState string) map[string]string {
		t.Helper()
		r := do(t, s, signedRequest{method: "GET", path: queryPath("C1")})
		if r.status != 200 {
			t.Fatalf("query: %d %s", r.status, r.body)
		}
		var v map[string]string
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		if v["authorization_state"] != wantState {
			t.Fatalf("authorization_state %q, want %q (%s)", v["authorization_state"], wantState, r.body)
		}
		return v
	}
	v := query("UNBINDUSER")
	if v["openid"] != "" || v["authorization_success_time"] != "" || v["mchid"] != mchID || v["notify_url"] != m.notifyURL() {
		t.Errorf("before authorization: %v", v)
	}

	s.Advance(10 * time.Minute)
	if _, err := s.Authorize(token, openID, sim.WithUserLabel("B")); err != nil {
		t.Fatal(err)
	}
	v = query("AVAILABLE")
	wantTime := "2025-03-01T18:10:00+08:00" // start + 10m in China time
	if v["authorization_success_time"] != wantTime || v["sub_openid"] != openID || v["user_label"] != "B" || v["openid"] == "" {
		t.Errorf("after authorization: %v", v)
	}
	if _, err := s.Authorize(token, openID); !errors.Is(err, sim.ErrTokenUsed) {
		t.Errorf("second use of the token: %v, want ErrTokenUsed", err)
	}

	s.Advance(time.Minute)
	r := do(t, s, signedRequest{method: "POST", path: terminatePath("C1"), body: terminateBody("用户要求")})
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("terminate: %d %q", r.status, r.body)
	}
	v = query("UNAVAILABLE")
	if v["cancel_authorization_time"] != "2025-03-01T18:11:00+08:00" || v["user_label"] != "" {
		t.Errorf("after terminate: %v", v)
	}
	if r := do(t, s, signedRequest{method: "POST", path: terminatePath("C1"), body: terminateBody("again")}); r.status != 400 || r.code != "INVALID_ORDER_STATE" {
		t.Fatalf("second terminate: %d %s, want 400 INVALID_ORDER_STATE", r.status, r.body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := m.received()
	if len(got) != 2 {
		t.Fatalf("merchant received %d notifications, want 2", len(got))
	}
	for i, want := range []struct{ event, status, time string }{
		{sim.EventUserOpenService, "USER_OPEN_SERVICE", "20250301181000"},
		{sim.EventUserCloseService, "USER_CLOSE_SERVICE", "20250301181100"},
	} {
		if got[i].err != nil {
			t.Fatalf("notification %d does not verify: %v", i, got[i].err)
		}
		n := got[i].notification
		var p map[string]string
		if err := json.Unmarshal(n.Plaintext, &p); err != nil {
			t.Fatal(err)
		}
		if n.Envelope.EventType != want.event || p["user_service_status"] != want.status || p["openorclose_time"] != want.time ||
			p["sub_openid"] != openID || p["openid"] != "" || p["mchid"] != mchID || p["sub_mchid"] != subMchID ||
			p["channel_id"] != channelID || p["service_id"] != serviceID || p["appid"] != appID ||
			p["sub_appid"] != subAppID || p["authorization_code"] != "C1" {
			t.Errorf("notification %d: %s %s", i, n.Envelope.EventType, n.Plaintext)
		}
		if _, err := wxtime.ParseRFC3339(n.Envelope.CreateTime); err != nil || !strings.HasSuffix(n.Envelope.CreateTime, "+08:00") {
			t.Errorf("create_time %q", n.Envelope.CreateTime)
		}
	}
}

func TestApplySameCodeOtherParams(t *testing.T) {
	s := newSim(t, nil)
	first := apply(t, s, "C1", "https://127.0.0.1/a")
	second := apply(t, s, "C1", "https://127.0.0.1/a") // same parameters: a new token
	if first == second {
		t.Fatal("a second application returned the same token")
	}
	r := do(t, s, signedRequest{method: "POST", path: "/v3/payscore/acquiringbank/permissions", body: applyBody("C1", "https://127.0.0.1/b")})
	if r.status != 400 || r.code != "INVALID_REQUEST" || !strings.Contains(r.msg, "notify_url") {
		t.Fatalf("different notify_url: %d %s, want 400 INVALID_REQUEST naming notify_url", r.status, r.body)
	}
	if _, err := s.Authorize(first, openID); !errors.Is(err, sim.ErrTokenUsed) {
		t.Errorf("superseded token: %v, want ErrTokenUsed", err)
	}
}

func TestTokenExpiry(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	inTime := apply(t, s, "C1", m.notifyURL())
	late := apply(t, s, "C2", m.notifyURL())
	s.Advance(sim.TokenTTL - time.Second)
	if _, err := s.Authorize(inTime, openID); err != nil {
		t.Fatalf("one second before expiry: %v", err)
	}
	s.Advance(time.Second)
	if _, err := s.Authorize(late, openID); !errors.Is(err, sim.ErrTokenExpired) {
		t.Fatalf("at expiry: %v, want ErrTokenExpired", err)
	}
	if _, err := s.Authorize("C2", openID); !errors.Is(err, sim.ErrTokenExpired) {
		t.Fatalf("by authorization_code at expiry: %v, want ErrTokenExpired", err)
	}
	// The control API answers 409 for it.
	resp, err := http.Post(s.URL()+"/sim/authorize", "application/json",
		strings.NewReader(`{"apply_permissions_token":"`+late+`","openid":"`+openID+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("control API: %d, want 409", resp.StatusCode)
	}
	// A new application gives a fresh token.
	fresh := apply(t, s, "C2", m.notifyURL())
	if _, err := s.Authorize(fresh, openID); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
}

func TestFaultInjection(t *testing.T) {
	s := newSim(t, nil)
	apply(t, s, "C1", "https://127.0.0.1/n")
	if err := s.InjectFault(sim.Fault{Operation: "query_authorization", Code: "SYSTEM_ERROR", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.InjectFault(sim.Fault{Operation: "query_authorization", Code: "FREQUENCY_LIMITED"}); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status int
		code   string
	}{{500, "SYSTEM_ERROR"}, {500, "SYSTEM_ERROR"}, {429, "FREQUENCY_LIMITED"}, {200, ""}}
	for i, w := range want {
		r := do(t, s, signedRequest{method: "GET", path: queryPath("C1")})
		if r.status != w.status || r.code != w.code {
			t.Fatalf("call %d: %d %s, want %d %s", i+1, r.status, r.body, w.status, w.code)
		}
	}
	// A refused signature does not use up a fault.
	if err := s.InjectFault(sim.Fault{Operation: "apply_permissions", Code: "SYSTEM_ERROR"}); err != nil {
		t.Fatal(err)
	}
	if r := do(t, s, signedRequest{method: "POST", path: "/v3/payscore/acquiringbank/permissions", body: applyBody("C2", "https://127.0.0.1/n"), key: badKey}); r.status != 401 {
		t.Fatalf("bad signature with a fault queued: %d", r.status)
	}
	if r := do(t, s, signedRequest{method: "POST", path: "/v3/payscore/acquiringbank/permissions", body: applyBody("C2", "https://127.0.0.1/n")}); r.status != 500 {
		t.Fatalf("fault after a refused call: %d %s", r.status, r.body)
	}
	// Latency only.
	if err := s.InjectFault(sim.Fault{Operation: "query_authorization", Latency: 150 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if r := do(t, s, signedRequest{method: "GET", path: queryPath("C1")}); r.status != 200 {
		t.Fatalf("slow call: %d", r.status)
	}
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Fatalf("slow call took %s, want >= 150ms", took)
	}
	if f := s.Faults(); len(f) != 0 {
		t.Fatalf("faults left: %v", f)
	}
	for _, bad := range []sim.Fault{
		{Operation: "nope", Code: "SYSTEM_ERROR"},
		{Operation: "query_authorization", Code: "SIGN_ERROR"}, // not documented for it
		{Operation: "query_authorization"},
		{Operation: "query_authorization", Code: "SYSTEM_ERROR", Count: -1},
	} {
		if err := s.InjectFault(bad); !errors.Is(err, sim.ErrInvalidInput) {
			t.Errorf("InjectFault(%+v) = %v, want ErrInvalidInput", bad, err)
		}
	}
}

func TestRetryScheduleOnFakeClock(t *testing.T) {
	m := newMerchant(t, func(int) int { return 500 }) // never acknowledges
	s := newSim(t, m)
	token := apply(t, s, "C1", m.notifyURL())
	if _, err := s.Authorize(token, openID); err != nil {
		t.Fatal(err)
	}
	d := s.Deliveries()
	if len(d) != 1 || len(d[0].Attempts) != 1 {
		t.Fatalf("after Authorize: %+v", d)
	}
	id, created := d[0].ID, d[0].CreateTime
	// The spec's schedule: 0s, 15s, 15s, 30s, 180s, 1800s x4, 3600s, then
	// every 3600s, for up to 72h.
	offsets := []time.Duration{0, 15 * time.Second, 30 * time.Second, time.Minute, 4 * time.Minute,
		34 * time.Minute, 64 * time.Minute, 94 * time.Minute, 124 * time.Minute, 184 * time.Minute, 244 * time.Minute}
	sched := s.Schedule(created)
	for i, off := range offsets {
		if !sched[i].Equal(created.Add(off)) {
			t.Fatalf("Schedule[%d] = +%s, want +%s", i, sched[i].Sub(created), off)
		}
	}
	last := sched[len(sched)-1]
	if last.Sub(created) > 72*time.Hour || last.Add(time.Hour).Sub(created) <= 72*time.Hour {
		t.Fatalf("last attempt at +%s: not the last hourly attempt within 72h", last.Sub(created))
	}

	// Step through the first attempts: nothing happens a second early.
	for i := 1; i < 5; i++ {
		gap := offsets[i] - offsets[i-1]
		s.Advance(gap - time.Second)
		if n := len(mustDelivery(t, s, id).Attempts); n != i {
			t.Fatalf("a second before attempt %d: %d attempts", i+1, n)
		}
		s.Advance(time.Second)
		dl := mustDelivery(t, s, id)
		if len(dl.Attempts) != i+1 || !dl.Attempts[i].At.Equal(created.Add(offsets[i])) || dl.Attempts[i].Status != 500 {
			t.Fatalf("attempt %d: %+v", i+1, dl.Attempts)
		}
	}
	// One big step replays the rest of the schedule in order, then gives up.
	s.Advance(73 * time.Hour)
	dl := mustDelivery(t, s, id)
	if dl.State != sim.DeliveryAbandoned || len(dl.Attempts) != len(sched) {
		t.Fatalf("after 73h: state %s, %d attempts, want abandoned after %d", dl.State, len(dl.Attempts), len(sched))
	}
	for i, a := range dl.Attempts {
		if !a.At.Equal(sched[i]) || a.OK || a.Status != 500 || !strings.Contains(a.Reply, "FAIL") {
			t.Fatalf("attempt %d: %+v, want at +%s", i+1, a, sched[i].Sub(created))
		}
	}
	if got := len(m.received()); got != len(sched) {
		t.Fatalf("merchant received %d posts, want %d", got, len(sched))
	}
}

func TestRetryStopsOnSuccessAndRedeliver(t *testing.T) {
	m := newMerchant(t, func(n int) int {
		if n <= 2 {
			return 503
		}
		return 0
	})
	s := newSim(t, m)
	token := apply(t, s, "C1", m.notifyURL())
	if _, err := s.Authorize(token, openID); err != nil {
		t.Fatal(err)
	}
	id := s.Deliveries()[0].ID
	s.Advance(time.Hour)
	dl := mustDelivery(t, s, id)
	if dl.State != sim.DeliveryDone || len(dl.Attempts) != 3 || !dl.Attempts[2].OK || dl.Attempts[2].Status != 204 ||
		!dl.Attempts[2].At.Equal(dl.CreateTime.Add(30*time.Second)) {
		t.Fatalf("delivery: %+v", dl)
	}
	a, err := s.Redeliver(id)
	if err != nil || !a.Redelivery || !a.OK || a.N != 4 {
		t.Fatalf("Redeliver: %+v %v", a, err)
	}
	got := m.received()
	if len(got) != 4 || got[3].notification.Envelope.ID != got[0].notification.Envelope.ID ||
		got[3].notification.Nonce == got[0].notification.Nonce {
		t.Fatalf("redelivery is not the same notification with fresh headers: %d received", len(got))
	}
	if _, err := s.Redeliver("EV-nope"); !errors.Is(err, sim.ErrNotFound) {
		t.Fatalf("Redeliver unknown: %v", err)
	}
}

func TestRemoteCallbacksRefused(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	token := apply(t, s, "C1", "https://pay.example.com/notify")
	if _, err := s.Authorize(token, openID); err != nil {
		t.Fatal(err)
	}
	a := s.Deliveries()[0].Attempts[0]
	if a.OK || !strings.Contains(a.Error, "not a loopback address") {
		t.Fatalf("attempt to a remote host: %+v", a)
	}
}

func TestRevoke(t *testing.T) {
	m := newMerchant(t, nil)
	s := newSim(t, m)
	apply(t, s, "C1", m.notifyURL())
	if _, err := s.Revoke("C1"); !errors.Is(err, sim.ErrInvalidState) {
		t.Fatalf("revoke before authorization: %v", err)
	}
	if _, err := s.Authorize("C1", openID); err != nil { // by authorization_code
		t.Fatal(err)
	}
	a, err := s.Revoke(mchID + ":C1")
	if err != nil || a.State != sim.StateUnavailable {
		t.Fatalf("revoke: %+v %v", a, err)
	}
	d := s.Deliveries()
	if len(d) != 2 || d[1].EventType != sim.EventUserCloseService || d[1].State != sim.DeliveryDone {
		t.Fatalf("deliveries: %+v", d)
	}
	if _, err := s.Revoke("C9"); !errors.Is(err, sim.ErrNotFound) {
		t.Fatalf("revoke unknown: %v", err)
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.1:8080": true, "[::1]:0": true, "localhost:0": true,
		"0.0.0.0:0": false, ":8080": false, "192.168.1.2:80": false, "example.com:80": false, "127.0.0.1": false,
	} {
		if err := sim.CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok %v", addr, err, ok)
		}
	}
	if _, err := sim.New(sim.WithAddr("0.0.0.0:0")); err == nil {
		t.Error("WithAddr accepted 0.0.0.0")
	}
}

func TestGeneratedKeysAndConfig(t *testing.T) {
	s, err := sim.New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	c := s.Config()
	if c.BaseURL != s.URL() || !strings.HasPrefix(c.BaseURL, "http://127.0.0.1:") || c.MchID != sim.DefaultMchID ||
		!strings.HasPrefix(c.PlatformPublicKeyID, "PUB_KEY_ID_") || len(c.APIv3Key) != 32 ||
		!strings.Contains(c.MerchantPrivateKeyPEM, "BEGIN PRIVATE KEY") || !strings.Contains(c.PlatformPublicKeyPEM, "BEGIN PUBLIC KEY") {
		t.Fatalf("config: %+v", c)
	}
}

func mustDelivery(t *testing.T, s *sim.Simulator, id string) sim.Delivery {
	t.Helper()
	d, ok := s.Delivery(id)
	if !ok {
		t.Fatalf("no delivery %s", id)
	}
	return d
}
