package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/dedupe/storetest"
)

func TestMemoryContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, claim, retention time.Duration) dedupe.Store {
		return dedupe.NewMemoryStore(dedupe.WithClaimTimeout(claim), dedupe.WithRetention(retention))
	})
}

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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var begin = storetest.Begin

func TestDefaults(t *testing.T) {
	if dedupe.DefaultRetention < 72*time.Hour+time.Hour {
		t.Errorf("DefaultRetention = %v, want at least WeChat's 72h retry window plus a margin", dedupe.DefaultRetention)
	}
	// WeChat retries 15 s after the first failed delivery.
	if dedupe.DefaultClaimTimeout > 12*time.Second || dedupe.DefaultClaimTimeout < 3*time.Second {
		t.Errorf("DefaultClaimTimeout = %v, want well under the 15 s retry", dedupe.DefaultClaimTimeout)
	}
}

// Why: a claim used to last the whole 73 h retention, so a hung callback
// made every redelivery of its id a 503 for three days.
func TestHungClaimFreedAfterClaimTimeoutNotRetention(t *testing.T) {
	clock := newFakeClock()
	s := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now))
	hung := begin(t, s, "EV-1", dedupe.Acquired)
	if got := hung.Deadline.Sub(clock.Now()); got != dedupe.DefaultClaimTimeout {
		t.Fatalf("Deadline - now = %v, want %v", got, dedupe.DefaultClaimTimeout)
	}
	clock.Advance(dedupe.DefaultClaimTimeout - time.Millisecond)
	begin(t, s, "EV-1", dedupe.InProgress)
	clock.Advance(time.Millisecond)
	// WeChat's retry 15 s later is processed.
	next := begin(t, s, "EV-1", dedupe.Acquired)
	must(t, s.Complete(context.Background(), next))
	clock.Advance(dedupe.DefaultRetention - time.Second)
	begin(t, s, "EV-1", dedupe.Done)
	clock.Advance(time.Second)
	begin(t, s, "EV-1", dedupe.Acquired)
}

// Why: the old default cap of 100k evicted processed ids silently, long
// before 73 h (150k ids at about one a second, 42 h, and id-0 ran again).
func TestNoSilentEarlyEviction(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	logger, logs := testkit.NewLogCapture()
	s := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now), dedupe.WithStoreLogger(logger))
	// 150k ids, one a second: still within the retention, none forgotten.
	for i := range 150_000 {
		id := fmt.Sprintf("id-%d", i)
		must(t, s.Complete(ctx, begin(t, s, id, dedupe.Acquired)))
		clock.Advance(time.Second)
	}
	begin(t, s, "id-0", dedupe.Done)
	if s.Evicted() != 0 || logs.String() != "" {
		t.Fatalf("evicted %d, logs %q", s.Evicted(), logs.String())
	}

	// When the bound does force an eviction, it is counted and logged.
	small := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now), dedupe.WithStoreLogger(logger),
		dedupe.WithMaxEntries(2), dedupe.WithShards(1))
	for _, id := range []string{"A", "B", "C"} {
		must(t, small.Complete(ctx, begin(t, small, id, dedupe.Acquired)))
	}
	begin(t, small, "A", dedupe.Acquired) // forgotten: it runs again
	if small.Evicted() != 2 {             // A, then B to make room for A's new claim
		t.Fatalf("Evicted = %d, want 2", small.Evicted())
	}
	log := logs.String()
	if !strings.Contains(log, "WARN dedupe: memory store full") || !strings.Contains(log, "event_id=A") {
		t.Fatalf("no eviction warning naming the id:\n%s", log)
	}
}

func TestBoundedEviction(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := dedupe.NewMemoryStore(dedupe.WithClock(clock.Now), dedupe.WithMaxEntries(3), dedupe.WithShards(1),
		dedupe.WithStoreLogger(nil))
	for _, id := range []string{"A", "B"} {
		must(t, s.Complete(ctx, begin(t, s, id, dedupe.Acquired)))
		clock.Advance(time.Second)
	}
	begin(t, s, "C", dedupe.Acquired)
	// Full: D evicts the oldest Done entry, A.
	d := begin(t, s, "D", dedupe.Acquired)
	begin(t, s, "B", dedupe.Done)
	begin(t, s, "C", dedupe.InProgress)
	// E evicts B; then only claims remain and nothing may be evicted.
	begin(t, s, "E", dedupe.Acquired)
	if _, err := s.Begin(ctx, "F"); !errors.Is(err, dedupe.ErrStoreFull) {
		t.Fatalf("Begin on a store full of claims: err = %v, want ErrStoreFull", err)
	}
	// Releasing a claim frees room.
	must(t, s.Release(ctx, d))
	begin(t, s, "F", dedupe.Acquired)
	if got := s.Len(); got != 3 {
		t.Fatalf("Len = %d, want 3", got)
	}
	// Claims lapse after the claim timeout and free their room too.
	clock.Advance(dedupe.DefaultClaimTimeout)
	if got := s.Len(); got != 0 {
		t.Fatalf("Len after the claims lapsed = %d, want 0", got)
	}
	if s.Evicted() != 2 {
		t.Fatalf("Evicted = %d, want 2", s.Evicted())
	}
}

// Why: 1M ids used 206 MiB (216 B each).
func TestMemoryBytesPerEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 200k entries")
	}
	const n = 200_000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("EV-%020d", i) // 23 bytes, like EV-2018022511223320873
	}
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := dedupe.NewMemoryStore(dedupe.WithStoreLogger(nil))
	for _, id := range ids {
		c, err := s.Begin(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		must(t, s.Complete(ctx, c))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.0f bytes per processed id (ids of 23 bytes held by the caller too)", per)
	if per > 140 {
		t.Fatalf("%.0f bytes per id, want at most 140", per)
	}
	runtime.KeepAlive(s)
	runtime.KeepAlive(ids)
}

// Why: under 64 concurrent deliveries about 90% of the waiting was on the
// store's single lock. Distinct ids now land on different shards.
func TestShardsSpreadIDs(t *testing.T) {
	s := dedupe.NewMemoryStore(dedupe.WithShards(64), dedupe.WithMaxEntries(64*16), dedupe.WithStoreLogger(nil))
	// 64 shards of 16 ids: 256 ids fit only if the hash spreads them.
	for i := range 256 {
		if _, err := s.Begin(context.Background(), fmt.Sprintf("EV-2025%014d", i)); err != nil {
			t.Fatalf("id %d: %v (ids do not spread over the shards)", i, err)
		}
	}
}

func BenchmarkMemoryStore(b *testing.B) {
	for _, shards := range []int{1, dedupe.DefaultShards} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			s := dedupe.NewMemoryStore(dedupe.WithShards(shards), dedupe.WithStoreLogger(nil))
			ctx := context.Background()
			b.SetParallelism(32) // 64 goroutines on 2 cores
			var seq sync.Mutex
			n := 0
			b.RunParallel(func(pb *testing.PB) {
				seq.Lock()
				g := n
				n++
				seq.Unlock()
				i := 0
				for pb.Next() {
					i++
					c, err := s.Begin(ctx, fmt.Sprintf("EV-%d-%d", g, i))
					if err != nil {
						b.Fatal(err)
					}
					if err := s.Complete(ctx, c); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
