package sim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/sim"
)

// View's upcoming attempts follow the documented schedule from where the
// delivery is, and every change closes the Changed channel.
func TestViewFollowsTheSchedule(t *testing.T) {
	m := newMerchant(t, func(int) int { return http.StatusInternalServerError })
	s := newSim(t, m)
	apply(t, s, "AUTH-VIEW-1", m.notifyURL())
	ch := s.Changed()
	if _, err := s.Authorize("AUTH-VIEW-1", "oViewUser_0000000000000001"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("Authorize did not signal a change")
	}
	s.Advance(15 * time.Second) // attempt 2, also failing

	v := s.View()
	if len(v.Deliveries) != 1 || len(v.Authorizations) != 1 || v.Authorizations[0].TokenUsable {
		t.Fatalf("view: %d deliveries, authorizations %+v", len(v.Deliveries), v.Authorizations)
	}
	d := v.Deliveries[0]
	all := s.Schedule(d.CreateTime)
	if d.ScheduledAttempts != 2 || len(d.Upcoming) != sim.UpcomingAttempts || d.Callback != "authorization_notify" {
		t.Fatalf("delivery view: %+v", d)
	}
	for i, at := range d.Upcoming {
		if !at.Equal(all[2+i]) {
			t.Errorf("upcoming[%d] = %s, schedule says %s", i, at, all[2+i])
		}
	}
	if !d.NextAttempt.Equal(d.Upcoming[0]) {
		t.Errorf("next attempt %s, first upcoming %s", d.NextAttempt, d.Upcoming[0])
	}
	var cbs []string
	for _, c := range v.Callbacks {
		cbs = append(cbs, c.ID)
	}
	if len(cbs) < 2 || cbs[0] != "authorization_notify" || cbs[1] != "order_notify" || v.Callbacks[0].Retry.MaxAge != 72*time.Hour {
		t.Errorf("callbacks: %v %+v", cbs, v.Callbacks[0].Retry)
	}

	// Faults: edit through the view's indexes; each edit is a change.
	if err := s.InjectFault(sim.Fault{Operation: "query_authorization", Code: "SYSTEM_ERROR"}); err != nil {
		t.Fatal(err)
	}
	ch = s.Changed()
	if err := s.SetFaultCount("query_authorization", 0, 3); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Error("SetFaultCount did not signal a change")
	}
	if fs := s.View().Faults; len(fs) != 1 || fs[0].Count != 3 || fs[0].Index != 0 {
		t.Fatalf("faults: %+v", fs)
	}
	if err := s.SetFaultCount("query_authorization", 0, 0); err != nil || len(s.Faults()) != 0 {
		t.Fatalf("count 0 removes: %v %+v", err, s.Faults())
	}
	if err := s.RemoveFault("query_authorization", 0); err == nil {
		t.Error("removing a fault that is not there succeeded")
	}
}

func TestMount(t *testing.T) {
	s := newSim(t, nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	if err := s.Mount("GET /{$}", h); err != nil {
		t.Fatal(err)
	}
	if err := s.Mount("GET /{$}", h); err == nil {
		t.Error("mounting the same pattern twice succeeded")
	}
	resp, err := http.Get(s.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("GET /: %d", resp.StatusCode)
	}
	select {
	case <-s.Done():
		t.Fatal("Done closed before Close")
	default:
	}
	_ = s.Close()
	<-s.Done()
}
