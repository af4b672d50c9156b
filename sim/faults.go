package sim

import (
	"fmt"
	"sort"
	"time"
)

// Fault makes the next Count calls of an operation fail or slow down. Faults
// apply after the signature check: a call that is refused with SIGN_ERROR
// does not use one up.
type Fault struct {
	// Operation is the spec's endpoint id: "apply_permissions",
	// "query_authorization", "terminate_authorization".
	Operation string
	// Code is an error code the spec documents for the operation, answered
	// with its documented status: "SYSTEM_ERROR" (500), "FREQUENCY_LIMITED"
	// (429), ... Empty: the call only gets Latency, then proceeds.
	Code string
	// Count is how many calls the fault affects (0 means 1).
	Count int
	// Latency is added before answering (real time: it is network latency).
	Latency time.Duration
}

// InjectFault queues f for its operation; queued faults are used in order.
func (s *Simulator) InjectFault(f Fault) error {
	var op *operation
	for _, o := range s.ops {
		if o.ep.ID == f.Operation {
			op = o
		}
	}
	switch {
	case op == nil:
		return fmt.Errorf("%w: %w %q", ErrInvalidInput, errUnknownOperation, f.Operation)
	case f.Count < 0 || f.Latency < 0:
		return fmt.Errorf("%w: negative count or latency", ErrInvalidInput)
	case f.Code == "" && f.Latency == 0:
		return fmt.Errorf("%w: a fault needs a code or a latency", ErrInvalidInput)
	case f.Code != "" && op.codes[f.Code] == nil:
		return fmt.Errorf("%w: the spec does not document %s for %s", ErrInvalidInput, f.Code, f.Operation)
	}
	if f.Count == 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[f.Operation] = append(s.faults[f.Operation], &f)
	s.notifyChangedLocked()
	return nil
}

// Faults returns the faults still queued, by operation.
func (s *Simulator) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Fault
	for _, q := range s.faults {
		for _, f := range q {
			out = append(out, *f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Operation < out[j].Operation })
	return out
}

// ClearFaults drops every queued fault.
func (s *Simulator) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*Fault{}
	s.notifyChangedLocked()
}

// takeFault uses up one call of the operation's first queued fault.
func (s *Simulator) takeFault(opID string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[opID]
	if len(q) == 0 {
		return nil
	}
	f := *q[0]
	q[0].Count--
	if q[0].Count <= 0 {
		s.faults[opID] = q[1:]
	}
	s.notifyChangedLocked()
	return &f
}
