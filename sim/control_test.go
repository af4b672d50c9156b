package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/sim"
)

// control calls the control API and decodes the answer.
func control(t *testing.T, s *sim.Simulator, method, path, body string, wantStatus int) map[string]json.RawMessage {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, wantStatus)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: %s: %v", method, path, b, err)
	}
	return out
}

func TestControlAPI(t *testing.T) {
	m := newMerchant(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 0
	})
	s := newSim(t, m)
	token := apply(t, s, "C1", m.notifyURL())

	out := control(t, s, "POST", "/sim/authorize", `{"apply_permissions_token":"`+token+`","openid":"`+openID+`","user_label":"C"}`, 200)
	var a sim.Authorization
	if err := json.Unmarshal(out["authorization"], &a); err != nil || a.State != sim.StateAvailable || a.UserLabel != "C" || a.SubOpenID != openID {
		t.Fatalf("authorize: %s %v", out["authorization"], err)
	}
	var ds []sim.Delivery
	if err := json.Unmarshal(out["deliveries"], &ds); err != nil || len(ds) != 1 || ds[0].Attempts[0].Status != 500 {
		t.Fatalf("authorize deliveries: %s", out["deliveries"])
	}

	out = control(t, s, "POST", "/sim/clock/advance", `{"duration":"15s"}`, 200)
	if string(out["now"]) != `"2025-03-01T18:00:15+08:00"` {
		t.Fatalf("advance: now %s", out["now"])
	}
	if d := mustDelivery(t, s, ds[0].ID); d.State != sim.DeliveryDone || len(d.Attempts) != 2 {
		t.Fatalf("after advance: %+v", d)
	}
	out = control(t, s, "POST", "/sim/redeliver", `{"id":"`+ds[0].ID+`"}`, 200)
	var at sim.Attempt
	if err := json.Unmarshal(out["attempt"], &at); err != nil || !at.Redelivery || at.Status != 204 {
		t.Fatalf("redeliver: %s", out["attempt"])
	}

	control(t, s, "POST", "/sim/faults", `{"operation":"query_authorization","code":"FREQUENCY_LIMITED","count":2,"latency":"1ms"}`, 200)
	out = control(t, s, "GET", "/sim/faults", "", 200)
	if !strings.Contains(string(out["faults"]), `"count": 2`) {
		t.Fatalf("faults: %s", out["faults"])
	}
	if r := do(t, s, signedRequest{method: "GET", path: queryPath("C1")}); r.status != 429 {
		t.Fatalf("query with a fault: %d", r.status)
	}
	control(t, s, "DELETE", "/sim/faults", "", 200)
	if r := do(t, s, signedRequest{method: "GET", path: queryPath("C1")}); r.status != 200 {
		t.Fatalf("query after DELETE /sim/faults: %d", r.status)
	}

	out = control(t, s, "POST", "/sim/revoke", `{"authorization_code":"C1"}`, 200)
	if err := json.Unmarshal(out["authorization"], &a); err != nil || a.State != sim.StateUnavailable {
		t.Fatalf("revoke: %s", out["authorization"])
	}
	control(t, s, "POST", "/sim/flush", "", 200)
	out = control(t, s, "GET", "/sim/deliveries", "", 200)
	if err := json.Unmarshal(out["deliveries"], &ds); err != nil || len(ds) != 2 || ds[1].EventType != sim.EventUserCloseService || ds[1].State != sim.DeliveryDone {
		t.Fatalf("deliveries: %s", out["deliveries"])
	}
	out = control(t, s, "GET", "/sim/authorizations", "", 200)
	if !strings.Contains(string(out["authorizations"]), `"authorization_state": "UNAVAILABLE"`) {
		t.Fatalf("authorizations: %s", out["authorizations"])
	}

	// Bad input.
	control(t, s, "POST", "/sim/authorize", `{"openid":"x"}`, 400)
	control(t, s, "POST", "/sim/authorize", `{"authorization_code":"NOPE","openid":"x"}`, 404)
	control(t, s, "POST", "/sim/authorize", `{"authorization_code":"C1","openid":""}`, 400)
	control(t, s, "POST", "/sim/revoke", `{"authorization_code":"C1"}`, 409)
	control(t, s, "POST", "/sim/faults", `{"operation":"query_authorization","code":"ORDER_PAID"}`, 400)
	control(t, s, "POST", "/sim/clock/advance", `{"duration":"-1s"}`, 400)
	control(t, s, "POST", "/sim/redeliver", `{"id":"EV-nope"}`, 404)
	control(t, s, "GET", "/sim/nothing", "", 404)
	control(t, s, "POST", "/sim/authorize", `not json`, 400)
}

func TestWallClockRetries(t *testing.T) {
	m := newMerchant(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 0
	})
	keys(t)
	s, err := sim.New(sim.WithMerchant(mchID, serial, &merchantKey.PublicKey), sim.WithPlatformKey(platformKey, publicKeyID),
		sim.WithAPIv3Key(apiV3Key), sim.WithCallbackClient(m.srv.Client())) // default: WallClock
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	token := apply(t, s, "C1", m.notifyURL())
	if _, err := s.Authorize(token, openID); err != nil {
		t.Fatal(err)
	}
	if now := s.Clock().Now(); now.Before(before) || now.Sub(before) > time.Minute {
		t.Fatalf("wall clock at %s, real time %s", now, before)
	}
	s.Advance(15 * time.Second)
	d := s.Deliveries()[0]
	if d.State != sim.DeliveryDone || len(d.Attempts) != 2 || s.Clock().Now().Sub(time.Now()) < 14*time.Second {
		t.Fatalf("after Advance(15s) on a wall clock: %+v", d)
	}
}

func TestClock(t *testing.T) {
	c := sim.NewClock(start)
	c.Advance(90 * time.Second)
	if !c.Now().Equal(start.Add(90 * time.Second)) {
		t.Fatalf("Now = %s", c.Now())
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Advance(-1s) did not panic")
		}
	}()
	c.Advance(-time.Second)
}
