// Package storetest is the contract every dedupe.Store must meet, as a test
// suite. The shipped stores (memory, Redis, PostgreSQL) all run it; run it
// against your own Store too:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, claim, retention time.Duration) dedupe.Store {
//			return mystore.New(db, mystore.WithClaimTimeout(claim), mystore.WithRetention(retention))
//		})
//	}
//
// The suite uses the real clock with claim timeouts and retentions of about
// a second, so it takes a few seconds.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
)

// Factory returns an empty store with the given claim timeout and retention.
type Factory func(t *testing.T, claimTimeout, retention time.Duration) dedupe.Store

// The durations the suite configures. Generous for a loaded machine: every
// check that a claim still holds runs well within ClaimTimeout.
const (
	ClaimTimeout = 1500 * time.Millisecond
	Retention    = 3 * time.Second
	long         = time.Hour
)

// Run runs the contract. Ids carry a random prefix, so a shared server may
// hold data from other runs.
func Run(t *testing.T, newStore Factory) {
	run := func(name string, f func(t *testing.T, s dedupe.Store, id func(string) string)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prefix := randomPrefix(t)
			f(t, newStore(t, ClaimTimeout, Retention), func(s string) string { return prefix + s })
		})
	}
	run("SequentialDuplicate", sequentialDuplicate)
	run("ReleaseThenBeginAgain", releaseThenBeginAgain)
	run("StaleTokenCannotRelease", staleTokenCannotRelease)
	run("CompleteWithoutClaim", completeWithoutClaim)
	run("EmptyID", emptyID)
	run("ConcurrentBegin", concurrentBegin)
	run("ConcurrentMixed", concurrentMixed)
	run("ClaimTimeoutFreesHungClaim", claimTimeout)
	run("RetentionEnds", retention)
	t.Run("LongRetentionOutlivesClaimTimeout", func(t *testing.T) {
		t.Parallel()
		prefix := randomPrefix(t)
		longRetention(t, newStore(t, ClaimTimeout, long), prefix)
	})
	t.Run("TxStore", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, ClaimTimeout, Retention)
		ts, ok := s.(dedupe.TxStore)
		if !ok {
			t.Skip("not a dedupe.TxStore")
		}
		txStore(t, ts, randomPrefix(t))
	})
}

func randomPrefix(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b) + "-"
}

// Begin calls s.Begin and checks the state.
func Begin(t *testing.T, s dedupe.Store, id string, want dedupe.State) dedupe.Claim {
	t.Helper()
	c, err := s.Begin(context.Background(), id)
	if err != nil {
		t.Fatalf("Begin(%q): %v", id, err)
	}
	if c.State != want {
		t.Fatalf("Begin(%q) = %v, want %v", id, c.State, want)
	}
	if c.ID != id {
		t.Fatalf("Begin(%q).ID = %q", id, c.ID)
	}
	if want == dedupe.Acquired && (c.Token == "" || c.Deadline.IsZero()) {
		t.Fatalf("Begin(%q) acquired without a token or deadline: %+v", id, c)
	}
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sequentialDuplicate(t *testing.T, s dedupe.Store, id func(string) string) {
	ctx := context.Background()
	a, b := id("EV-1"), id("EV-2")
	c := Begin(t, s, a, dedupe.Acquired)
	Begin(t, s, a, dedupe.InProgress)
	Begin(t, s, b, dedupe.Acquired)
	must(t, s.Complete(ctx, c))
	Begin(t, s, a, dedupe.Done)
	Begin(t, s, a, dedupe.Done)
	// Release must not forget a processed id.
	must(t, s.Release(ctx, c))
	Begin(t, s, a, dedupe.Done)
	Begin(t, s, b, dedupe.InProgress)
	// Completing twice is harmless.
	if err := s.Complete(ctx, c); err != nil && !errors.Is(err, dedupe.ErrClaimLost) {
		t.Fatal(err)
	}
	Begin(t, s, a, dedupe.Done)
}

func releaseThenBeginAgain(t *testing.T, s dedupe.Store, id func(string) string) {
	ctx := context.Background()
	a := id("EV-1")
	c := Begin(t, s, a, dedupe.Acquired)
	must(t, s.Release(ctx, c))
	c2 := Begin(t, s, a, dedupe.Acquired)
	if c2.Token == c.Token {
		t.Fatalf("a new claim reused the token %q", c.Token)
	}
	Begin(t, s, a, dedupe.InProgress)
	// Releasing an unknown id is a no-op.
	must(t, s.Release(ctx, dedupe.Claim{ID: id("EV-unknown"), State: dedupe.Acquired, Token: "x"}))
	Begin(t, s, a, dedupe.InProgress)
}

func staleTokenCannotRelease(t *testing.T, s dedupe.Store, id func(string) string) {
	ctx := context.Background()
	a := id("EV-1")
	old := Begin(t, s, a, dedupe.Acquired)
	must(t, s.Release(ctx, old))
	cur := Begin(t, s, a, dedupe.Acquired)
	// The first processor releases again (late): the new claim stays.
	must(t, s.Release(ctx, old))
	Begin(t, s, a, dedupe.InProgress)
	// The first processor completes (late): the id is done, and it hears
	// that its claim was lost.
	if err := s.Complete(ctx, old); !errors.Is(err, dedupe.ErrClaimLost) {
		t.Fatalf("Complete with a stale token: err = %v, want ErrClaimLost", err)
	}
	Begin(t, s, a, dedupe.Done)
	if err := s.Complete(ctx, cur); !errors.Is(err, dedupe.ErrClaimLost) {
		t.Fatalf("Complete of a claim whose id another completed: err = %v, want ErrClaimLost", err)
	}
	Begin(t, s, a, dedupe.Done)
}

func completeWithoutClaim(t *testing.T, s dedupe.Store, id func(string) string) {
	a := id("EV-1")
	must(t, s.Complete(context.Background(), dedupe.Claim{ID: a}))
	Begin(t, s, a, dedupe.Done)
}

func emptyID(t *testing.T, s dedupe.Store, _ func(string) string) {
	ctx := context.Background()
	if _, err := s.Begin(ctx, ""); !errors.Is(err, dedupe.ErrEmptyID) {
		t.Errorf("Begin: err = %v, want ErrEmptyID", err)
	}
	if err := s.Complete(ctx, dedupe.Claim{}); !errors.Is(err, dedupe.ErrEmptyID) {
		t.Errorf("Complete: err = %v, want ErrEmptyID", err)
	}
	if err := s.Release(ctx, dedupe.Claim{}); !errors.Is(err, dedupe.ErrEmptyID) {
		t.Errorf("Release: err = %v, want ErrEmptyID", err)
	}
}

func concurrentBegin(t *testing.T, s dedupe.Store, id func(string) string) {
	const n = 40
	a := id("EV-same")
	states := make(chan dedupe.State, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			<-start
			c, err := s.Begin(context.Background(), a)
			if err != nil {
				t.Error(err)
				return
			}
			states <- c.State
		})
	}
	close(start)
	wg.Wait()
	close(states)
	count := map[dedupe.State]int{}
	for st := range states {
		count[st]++
	}
	if count[dedupe.Acquired] != 1 || count[dedupe.InProgress] != n-1 {
		t.Fatalf("states = %v, want one Acquired and %d InProgress", count, n-1)
	}
}

func concurrentMixed(t *testing.T, s dedupe.Store, id func(string) string) {
	// Every method concurrently, for the race detector and for atomicity:
	// an id completed once is never acquired again.
	ctx := context.Background()
	var mu sync.Mutex
	completed := map[string]bool{}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range 60 {
				a := id(fmt.Sprintf("EV-%d", (i*7+g)%25))
				c, err := s.Begin(ctx, a)
				if err != nil {
					t.Error(err)
					return
				}
				if c.State != dedupe.Acquired {
					continue
				}
				mu.Lock()
				again := completed[a]
				mu.Unlock()
				if again {
					t.Errorf("%s acquired after it was completed", a)
					return
				}
				if i%3 == 0 {
					err = s.Release(ctx, c)
				} else {
					mu.Lock()
					completed[a] = true
					mu.Unlock()
					err = s.Complete(ctx, c)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func claimTimeout(t *testing.T, s dedupe.Store, id func(string) string) {
	ctx := context.Background()
	a := id("EV-hung")
	before := time.Now()
	hung := Begin(t, s, a, dedupe.Acquired)
	if d := hung.Deadline.Sub(before); d < ClaimTimeout-50*time.Millisecond || d > ClaimTimeout+time.Second {
		t.Fatalf("Deadline is %v after Begin, want about %v", d, ClaimTimeout)
	}
	Begin(t, s, a, dedupe.InProgress)
	time.Sleep(time.Until(hung.Deadline) + 300*time.Millisecond)
	// The hung processor never came back: the next delivery takes over.
	next := Begin(t, s, a, dedupe.Acquired)
	if next.Token == hung.Token {
		t.Fatal("the takeover reused the hung claim's token")
	}
	must(t, s.Release(ctx, hung)) // late release of the hung claim: no effect
	Begin(t, s, a, dedupe.InProgress)
	must(t, s.Complete(ctx, next))
	Begin(t, s, a, dedupe.Done)
}

func retention(t *testing.T, s dedupe.Store, id func(string) string) {
	ctx := context.Background()
	a := id("EV-1")
	must(t, s.Complete(ctx, Begin(t, s, a, dedupe.Acquired)))
	done := time.Now()
	// Done outlives the claim timeout...
	time.Sleep(ClaimTimeout + 200*time.Millisecond)
	if time.Since(done) < Retention-300*time.Millisecond {
		Begin(t, s, a, dedupe.Done)
	}
	// ...and ends with the retention.
	time.Sleep(time.Until(done.Add(Retention + 500*time.Millisecond)))
	Begin(t, s, a, dedupe.Acquired)
}

func longRetention(t *testing.T, s dedupe.Store, prefix string) {
	ctx := context.Background()
	a := prefix + "EV-1"
	must(t, s.Complete(ctx, Begin(t, s, a, dedupe.Acquired)))
	time.Sleep(ClaimTimeout + 300*time.Millisecond)
	Begin(t, s, a, dedupe.Done)
}

func txStore(t *testing.T, s dedupe.TxStore, prefix string) {
	ctx := context.Background()
	boom := errors.New("callback failed")

	a := prefix + "EV-ok"
	c := Begin(t, s, a, dedupe.Acquired)
	ran := false
	must(t, s.RunInTx(ctx, c, func(context.Context) error { ran = true; return nil }))
	if !ran {
		t.Fatal("RunInTx did not run fn")
	}
	Begin(t, s, a, dedupe.Done)

	b := prefix + "EV-fail"
	c = Begin(t, s, b, dedupe.Acquired)
	if err := s.RunInTx(ctx, c, func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("RunInTx = %v, want the callback's error", err)
	}
	Begin(t, s, b, dedupe.InProgress) // still claimed: the handler releases it
	must(t, s.Release(ctx, c))
	c = Begin(t, s, b, dedupe.Acquired)

	// Taken over while running: nothing is committed.
	err := s.RunInTx(ctx, c, func(context.Context) error {
		must(t, s.Release(ctx, c))
		Begin(t, s, b, dedupe.Acquired)
		return nil
	})
	if !errors.Is(err, dedupe.ErrClaimLost) {
		t.Fatalf("RunInTx after a takeover = %v, want ErrClaimLost", err)
	}
	Begin(t, s, b, dedupe.InProgress)
}
