package sim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// What a console (package sim/console) reads and does. A console uses only
// this file's API and the exported actions (Authorize, Revoke, Redeliver,
// Advance, InjectFault), the same code the control API runs, so the
// simulator's internals can change without touching the console.

// View is one consistent snapshot of the simulator's state, taken under one
// lock.
type View struct {
	// Now is the simulated time; WallClock says whether it follows real time
	// (payscoregen sim) or only moves when advanced (tests).
	Now       time.Time
	WallClock bool
	// Endpoint is what a client needs besides the keys: base URL (empty
	// before Start), mchid, merchant serial, platform public key id.
	Endpoint       Endpoint
	Authorizations []AuthorizationView
	// Deliveries are the notifications, oldest first.
	Deliveries []DeliveryView
	Faults     []FaultView
	Operations []OperationView
	// Callbacks are the notifications the simulator sends, with their
	// documented retry schedules.
	Callbacks []CallbackView
}

// CallbackView is one callback of the spec: its events and retry schedule.
type CallbackView struct {
	ID     string
	Title  string
	Events []string
	Retry  RetrySchedule
}

// Endpoint is the non-secret part of Config.
type Endpoint struct {
	BaseURL             string
	MchID               string
	MerchantSerial      string
	PlatformPublicKeyID string
}

// AuthorizationView is an authorization and whether its latest
// apply_permissions_token can still be used to authorize (not used, not
// expired).
type AuthorizationView struct {
	Authorization
	TokenUsable bool
}

// DeliveryView is a notification's log with what its schedule does next.
type DeliveryView struct {
	Delivery
	// ScheduledAttempts is how many attempts of the schedule were made
	// (redeliveries are not counted).
	ScheduledAttempts int
	// Callback is the id of the callback (CallbackView) it belongs to.
	Callback string
	// Upcoming are the next scheduled attempts (simulated time), at most
	// UpcomingAttempts; the first is NextAttempt. Empty unless pending.
	Upcoming []time.Time
}

// UpcomingAttempts bounds DeliveryView.Upcoming.
const UpcomingAttempts = 5

// FaultView is a queued fault and its place in its operation's queue.
type FaultView struct {
	Fault
	Index int // 0 is used by the next call
}

// OperationView is an endpoint of the spec.
type OperationView struct {
	ID    string
	Title string
	// Simulated: the simulator has business logic for it; the others
	// validate, then answer SYSTEM_ERROR "not simulated".
	Simulated bool
	// Codes are the error codes the spec documents for it, sorted: the
	// codes a fault may inject.
	Codes []string
}

// RetrySchedule is the callback's retry rule from the spec: the delays
// before the scheduled attempts (the first is 0s), then every Then, until
// MaxAge after the notification was created.
type RetrySchedule struct {
	Intervals []time.Duration
	Then      time.Duration
	MaxAge    time.Duration
}

// View returns a snapshot of the whole state.
func (s *Simulator) View() View {
	v := View{
		WallClock: s.cfg.clock.isWall(),
		Endpoint: Endpoint{
			MchID:               s.cfg.mchID,
			MerchantSerial:      s.cfg.merchantSerial,
			PlatformPublicKeyID: s.cfg.publicKeyID,
		},
	}

	for _, op := range s.ops {
		_, simulated := businessHandlers[op.ep.ID]
		ov := OperationView{ID: op.ep.ID, Title: op.ep.Title, Simulated: simulated}
		for c := range op.codes {
			ov.Codes = append(ov.Codes, c)
		}
		sort.Strings(ov.Codes)
		v.Operations = append(v.Operations, ov)
	}
	sort.Slice(v.Operations, func(i, j int) bool { return v.Operations[i].ID < v.Operations[j].ID })

	s.mu.Lock()
	defer s.mu.Unlock()
	v.Now = s.cfg.clock.Now()
	v.Endpoint.BaseURL = s.baseURL
	for _, a := range s.auths {
		t := a.token
		usable := t != nil && !t.used && v.Now.Before(t.expires)
		v.Authorizations = append(v.Authorizations, AuthorizationView{Authorization: a.Authorization, TokenUsable: usable})
	}
	sort.Slice(v.Authorizations, func(i, j int) bool {
		a, b := v.Authorizations[i], v.Authorizations[j]
		if a.MchID != b.MchID {
			return a.MchID < b.MchID
		}
		return a.AuthorizationCode < b.AuthorizationCode
	})
	for _, n := range s.notes {
		v.Deliveries = append(v.Deliveries, DeliveryView{
			Delivery:          n.snapshot(),
			ScheduledAttempts: n.k,
			Callback:          n.cb.cb.ID,
			Upcoming:          upcoming(n),
		})
	}
	// The simulator's callbacks, and any other a notification was sent on.
	cbs := []*callbackSpec{s.cb, s.orderCB}
	for _, n := range s.notes {
		if !slices.Contains(cbs, n.cb) {
			cbs = append(cbs, n.cb)
		}
	}
	for _, cb := range cbs {
		cv := CallbackView{ID: cb.cb.ID, Title: cb.cb.Title, Retry: cb.schedule()}
		for _, e := range cb.cb.Events {
			cv.Events = append(cv.Events, e.Type)
		}
		v.Callbacks = append(v.Callbacks, cv)
	}
	seen := map[string]bool{} // modes share operation ids (query_authorization), faults are by id
	for _, op := range v.Operations {
		if seen[op.ID] {
			continue
		}
		seen[op.ID] = true
		for i, f := range s.faults[op.ID] {
			v.Faults = append(v.Faults, FaultView{Fault: *f, Index: i})
		}
	}
	return v
}

func (cs *callbackSpec) schedule() RetrySchedule {
	return RetrySchedule{Intervals: slices.Clone(cs.intervals), Then: cs.then, MaxAge: cs.maxAge}
}

// upcoming lists the next scheduled attempts of a pending notification, on
// its callback's schedule. Call with s.mu held.
func upcoming(n *notification) []time.Time {
	if n.State != DeliveryPending {
		return nil
	}
	out := []time.Time{n.due}
	t := n.due
	for k := n.k + 1; len(out) < UpcomingAttempts; k++ {
		d, more := n.cb.delay(k)
		if !more {
			break
		}
		t = t.Add(d)
		if n.cb.maxAge > 0 && t.Sub(n.CreateTime) > n.cb.maxAge {
			break
		}
		out = append(out, t)
	}
	return out
}

// Changed returns a channel closed at the next change of state: an API call
// or user action that changes an authorization, a delivery attempt, a fault
// queued or used, a clock advance. Take a new channel after each change.
func (s *Simulator) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Done returns a channel closed when Close begins, so long-lived handlers
// mounted on the simulator (server-sent events) end and let it shut down.
func (s *Simulator) Done() <-chan struct{} { return s.stopLoop }

// Mount serves h for pattern (http.ServeMux syntax) beside the API and the
// control API, e.g. a console at "GET /{$}" and "/console/". It fails on a
// pattern that conflicts with one already served.
func (s *Simulator) Mount(pattern string, h http.Handler) (err error) {
	if h == nil {
		return errors.New("sim: Mount with a nil handler")
	}
	defer func() {
		if r := recover(); r != nil { // ServeMux panics on a conflicting pattern
			err = fmt.Errorf("sim: mount %q: %v", pattern, r)
		}
	}()
	s.mux.Handle(pattern, h)
	return nil
}

// RemoveFault drops the fault at index of operation's queue (FaultView).
func (s *Simulator) RemoveFault(operation string, index int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[operation]
	if index < 0 || index >= len(q) {
		return fmt.Errorf("%w: no fault %d queued for %q", ErrNotFound, index, operation)
	}
	s.faults[operation] = slices.Delete(slices.Clone(q), index, index+1)
	s.notifyChangedLocked()
	return nil
}

// SetFaultCount changes how many more calls the fault at index of
// operation's queue affects; 0 removes it.
func (s *Simulator) SetFaultCount(operation string, index, count int) error {
	if count < 0 {
		return fmt.Errorf("%w: negative count", ErrInvalidInput)
	}
	if count == 0 {
		return s.RemoveFault(operation, index)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[operation]
	if index < 0 || index >= len(q) {
		return fmt.Errorf("%w: no fault %d queued for %q", ErrNotFound, index, operation)
	}
	q[index].Count = count
	s.notifyChangedLocked()
	return nil
}

// afterAdvance runs after every clock advance: deliver what fell due, and
// tell watchers that the time moved.
func (s *Simulator) afterAdvance() {
	s.runDue()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyChangedLocked()
}
