package notify

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

// claimContext must keep context.WithDeadline's contract: Err is nil
// exactly while Done is open, the deadline ends it with DeadlineExceeded,
// cancel with Canceled, values come from the parent and its cancellation
// does not.
func TestClaimContextDeadline(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	c := newClaimContext(parent, time.Now().Add(50*time.Millisecond))
	defer c.cancel()
	cancelParent()
	if c.Err() != nil || c.Value(ctxKey{}) != "v" {
		t.Fatalf("Err %v, value %v: the parent's cancellation must not reach the callback", c.Err(), c.Value(ctxKey{}))
	}
	if d, ok := c.Deadline(); !ok || time.Until(d) > 50*time.Millisecond {
		t.Fatalf("Deadline %v %v", d, ok)
	}
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed at the deadline")
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) || !errors.Is(context.Cause(c), context.DeadlineExceeded) {
		t.Fatalf("Err %v, Cause %v", c.Err(), context.Cause(c))
	}
	c.cancel() // after the deadline: stays DeadlineExceeded
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err after cancel %v", c.Err())
	}
}

func TestClaimContextErrWithoutDone(t *testing.T) {
	c := newClaimContext(context.Background(), time.Now().Add(10*time.Millisecond))
	if c.Err() != nil {
		t.Fatal("ended early")
	}
	time.Sleep(20 * time.Millisecond)
	// Nobody asked for Done: Err reads the clock, and a Done asked for
	// afterwards is already closed.
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err %v", c.Err())
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Done open after Err reported the deadline")
	}
}

func TestClaimContextCancel(t *testing.T) {
	c := newClaimContext(context.Background(), time.Now().Add(time.Hour))
	done := c.Done()
	child, stop := context.WithCancel(c) // propagation through a foreign context type
	defer stop()
	c.cancel()
	select {
	case <-done:
	default:
		t.Fatal("Done open after cancel")
	}
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a child context did not end with it")
	}
	if !errors.Is(c.Err(), context.Canceled) || c.timer == nil || c.timer.Stop() {
		t.Fatalf("Err %v; the timer must exist and be stopped", c.Err())
	}
	late := newClaimContext(context.Background(), time.Now().Add(time.Hour))
	late.cancel()
	select {
	case <-late.Done(): // Done asked for after cancel: closed, no timer started
	default:
		t.Fatal("Done open after cancel")
	}
	if late.timer != nil {
		t.Fatal("a timer was started for an ended context")
	}
}
