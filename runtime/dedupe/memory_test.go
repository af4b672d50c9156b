package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
)

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func begin(t *testing.T, s dedupe.Store, id string, want dedupe.State) {
	t.Helper()
	got, err := s.Begin(context.Background(), id)
	if err != nil {
		t.Fatalf("Begin(%q): %v", id, err)
	}
	if got != want {
		t.Fatalf("Begin(%q) = %v, want %v", id, got, want)
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSequentialDuplicate(t *testing.T) {
	ctx := context.Background()
	s := dedupe.NewMemoryStore()
	begin(t, s, "EV-1", dedupe.Acquired)
	begin(t, s, "EV-1", dedupe.InProgress)
	begin(t, s, "EV-2", dedupe.Acquired)
	mustNil(t, s.Complete(ctx, "EV-1"))
	begin(t, s, "EV-1", dedupe.Done)
	begin(t, s, "EV-1", dedupe.Done)
	// Release must not forget a processed id.
	mustNil(t, s.Release(ctx, "EV-1"))
	begin(t, s, "EV-1", dedupe.Done)
	begin(t, s, "EV-2", dedupe.InProgress)
}

func TestReleaseThenBeginAgain(t *testing.T) {
	ctx := context.Background()
	s := dedupe.NewMemoryStore()
	begin(t, s, "EV-1", dedupe.Acquired)
	mustNil(t, s.Release(ctx, "EV-1"))
	begin(t, s, "EV-1", dedupe.Acquired)
	begin(t, s, "EV-1", dedupe.InProgress)
	// Releasing an unknown id is a no-op.
	mustNil(t, s.Release(ctx, "EV-unknown"))
	if got := s.Len(); got != 1 {
		t.Fatalf("Len = %d, want 1", got)
	}
}

func TestCompleteUnclaimed(t *testing.T) {
	s := dedupe.NewMemoryStore()
	mustNil(t, s.Complete(context.Background(), "EV-1"))
	begin(t, s, "EV-1", dedupe.Done)
}

func TestEmptyID(t *testing.T) {
	ctx := context.Background()
	s := dedupe.NewMemoryStore()
	if _, err := s.Begin(ctx, ""); !errors.Is(err, dedupe.ErrEmptyID) {
		t.Errorf("Begin: err = %v, want ErrEmptyID", err)
	}
	if err := s.Complete(ctx, ""); !errors.Is(err, dedupe.ErrEmptyID) {
		t.Errorf("Complete: err = %v, want ErrEmptyID", err)
	}
	if err := s.Release(ctx, ""); !errors.Is(err, dedupe.ErrEmptyID) {
		t.Errorf("Release: err = %v, want ErrEmptyID", err)
	}
}

func TestConcurrentBeginSameID(t *testing.T) {
	s := dedupe.NewMemoryStore()
	const n = 100
	var acquired, inProgress atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st, err := s.Begin(context.Background(), "EV-same")
			if err != nil {
				t.Error(err)
				return
			}
			switch st {
			case dedupe.Acquired:
				acquired.Add(1)
			case dedupe.InProgress:
				inProgress.Add(1)
			default:
				t.Errorf("unexpected state %v", st)
			}
		}()
	}
	close(start)
	wg.Wait()
	if acquired.Load() != 1 || inProgress.Load() != n-1 {
		t.Fatalf("acquired=%d inProgress=%d, want 1 and %d", acquired.Load(), inProgress.Load(), n-1)
	}
}

func TestConcurrentMixed(t *testing.T) {
	// Exercise every method concurrently for the race detector.
	ctx := context.Background()
	s := dedupe.NewMemoryStore(dedupe.WithMaxEntries(50))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				id := fmt.Sprintf("EV-%d", (i*7+g)%80)
				st, err := s.Begin(ctx, id)
				if errors.Is(err, dedupe.ErrStoreFull) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				if st != dedupe.Acquired {
					continue
				}
				if i%3 == 0 {
					err = s.Release(ctx, id)
				} else {
					err = s.Complete(ctx, id)
				}
				if err != nil {
					t.Error(err)
					return
				}
				_ = s.Len()
			}
		}()
	}
	wg.Wait()
	if got := s.Len(); got > 50 {
		t.Fatalf("Len = %d exceeds the bound 50", got)
	}
}

func TestRetentionExpiry(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now), dedupe.WithRetention(time.Hour))
	begin(t, s, "EV-1", dedupe.Acquired)
	mustNil(t, s.Complete(ctx, "EV-1"))

	clock.Advance(time.Hour - time.Second)
	begin(t, s, "EV-1", dedupe.Done)
	if got := s.Len(); got != 1 {
		t.Fatalf("Len = %d, want 1", got)
	}
	clock.Advance(time.Second)
	if got := s.Len(); got != 0 {
		t.Fatalf("Len after expiry = %d, want 0", got)
	}
	begin(t, s, "EV-1", dedupe.Acquired)

	// A leaked claim expires too, counted from Begin.
	clock.Advance(30 * time.Minute)
	begin(t, s, "EV-1", dedupe.InProgress)
	clock.Advance(30 * time.Minute)
	begin(t, s, "EV-1", dedupe.Acquired)
}

func TestDefaultRetention(t *testing.T) {
	if dedupe.DefaultRetention != 73*time.Hour {
		t.Fatalf("DefaultRetention = %v, want 73h", dedupe.DefaultRetention)
	}
	ctx := context.Background()
	clock := newFakeClock()
	s := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now))
	begin(t, s, "EV-1", dedupe.Acquired)
	mustNil(t, s.Complete(ctx, "EV-1"))
	// Still remembered after WeChat's 3-day retry window.
	clock.Advance(72*time.Hour + 59*time.Minute)
	begin(t, s, "EV-1", dedupe.Done)
	clock.Advance(time.Minute)
	begin(t, s, "EV-1", dedupe.Acquired)
}

func TestBoundedEviction(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now), dedupe.WithMaxEntries(3))

	// Done entries: A (oldest), B. Claim: C.
	for _, id := range []string{"A", "B"} {
		begin(t, s, id, dedupe.Acquired)
		mustNil(t, s.Complete(ctx, id))
		clock.Advance(time.Second)
	}
	begin(t, s, "C", dedupe.Acquired)

	// Full: D evicts the oldest Done entry, A.
	begin(t, s, "D", dedupe.Acquired)
	if got := s.Len(); got != 3 {
		t.Fatalf("Len = %d, want 3", got)
	}
	begin(t, s, "B", dedupe.Done)
	begin(t, s, "C", dedupe.InProgress)
	begin(t, s, "D", dedupe.InProgress)

	// E evicts B, the only Done entry left.
	begin(t, s, "E", dedupe.Acquired)
	begin(t, s, "C", dedupe.InProgress)
	begin(t, s, "D", dedupe.InProgress)
	begin(t, s, "E", dedupe.InProgress)

	// Only claims remain: nothing may be evicted.
	if _, err := s.Begin(ctx, "F"); !errors.Is(err, dedupe.ErrStoreFull) {
		t.Fatalf("Begin on full store: err = %v, want ErrStoreFull", err)
	}
	if err := s.Complete(ctx, "F"); !errors.Is(err, dedupe.ErrStoreFull) {
		t.Fatalf("Complete of new id on full store: err = %v, want ErrStoreFull", err)
	}
	// Completing a held claim needs no room.
	mustNil(t, s.Complete(ctx, "C"))
	begin(t, s, "F", dedupe.Acquired) // evicts C, now the only Done entry
	if got := s.Len(); got != 3 {
		t.Fatalf("Len = %d, want 3", got)
	}
	// C was forgotten to make room, and D, E, F are all claims.
	if _, err := s.Begin(ctx, "C"); !errors.Is(err, dedupe.ErrStoreFull) {
		t.Fatalf("Begin(C): err = %v, want ErrStoreFull", err)
	}
	// Releasing a claim frees room.
	mustNil(t, s.Release(ctx, "D"))
	begin(t, s, "C", dedupe.Acquired)
}

func TestStateString(t *testing.T) {
	for st, want := range map[dedupe.State]string{
		dedupe.Acquired:   "Acquired",
		dedupe.InProgress: "InProgress",
		dedupe.Done:       "Done",
		0:                 "State(0)",
	} {
		if got := st.String(); got != want {
			t.Errorf("String(%d) = %q, want %q", int(st), got, want)
		}
	}
}
