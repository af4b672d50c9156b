package dedupe

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// DefaultMaxEntries bounds memory use: about 100 bytes per id plus the
	// id itself (see TestMemoryBytesPerEntry), so 100 MiB at the default.
	// One notification per second for the 73 h retention is 263k ids.
	DefaultMaxEntries = 1_000_000
	// DefaultShards is the number of independently locked parts of a
	// MemoryStore, so concurrent deliveries rarely wait on each other.
	DefaultShards = 64
)

// MemoryOption configures a MemoryStore.
type MemoryOption func(*MemoryStore)

// WithRetention sets how long a Done id is remembered. Non-positive values
// keep DefaultRetention.
func WithRetention(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.retention = d
		}
	}
}

// WithClaimTimeout sets how long a claim lasts. Non-positive values keep
// DefaultClaimTimeout.
func WithClaimTimeout(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.claimTimeout = d
		}
	}
}

// WithMaxEntries bounds the number of ids held. Non-positive values keep
// DefaultMaxEntries. The bound is split evenly over the shards.
func WithMaxEntries(n int) MemoryOption {
	return func(s *MemoryStore) {
		if n > 0 {
			s.maxEntries = n
		}
	}
}

// WithShards sets the number of shards, rounded up to a power of two.
// Non-positive values keep DefaultShards. One shard keeps the eviction
// order global (tests); more shards let deliveries proceed in parallel.
func WithShards(n int) MemoryOption {
	return func(s *MemoryStore) {
		if n > 0 {
			p := 1
			for p < n {
				p <<= 1
			}
			s.nshards = p
		}
	}
}

// WithClock replaces time.Now, for tests. nil keeps time.Now.
func WithClock(now func() time.Time) MemoryOption {
	return func(s *MemoryStore) {
		if now != nil {
			s.now = now
		}
	}
}

// WithStoreLogger sets the logger for evictions (default slog.Default());
// nil discards.
func WithStoreLogger(l *slog.Logger) MemoryOption {
	return func(s *MemoryStore) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		s.log = l
	}
}

// MemoryStore is an in-process Store. It only deduplicates within one
// process and forgets everything on restart; use package redisstore or
// pgstore when several instances receive notifications or a restart must
// not run a notification again.
//
// Claims expire after the claim timeout, Done ids after the retention
// period. Expired entries are dropped lazily, so the store starts no
// goroutines. Ids are spread over shards with their own lock. When a shard
// is full its oldest Done id is evicted before its retention ended; each
// eviction is counted (Evicted) and logged as a warning (at most one line a
// minute), since a redelivery of that id would be processed again. Claims
// are never evicted: Begin returns ErrStoreFull instead.
type MemoryStore struct {
	claimTimeout time.Duration
	retention    time.Duration
	maxEntries   int
	nshards      int
	perShard     int
	now          func() time.Time
	log          *slog.Logger

	seq       atomic.Uint64 // claim tokens
	evicted   atomic.Uint64
	lastLog   atomic.Int64 // unix nanos of the last eviction log line
	unlogged  atomic.Uint64
	shards    []memShard
	shardMask uint32
}

type memShard struct {
	mu sync.Mutex
	m  map[string]memEntry
	// Both queues are in expiry order (one duration each, a monotonic
	// clock), so expired entries are at the front. An item whose map entry
	// has changed since is stale and skipped.
	claims memQueue
	done   memQueue
	_      [40]byte // keep shards' locks on separate cache lines
}

// memEntry is 16 bytes: token 0 marks a Done id.
type memEntry struct {
	expires int64 // unix nanoseconds
	token   uint64
}

type memItem struct {
	id      string
	expires int64
}

type memQueue struct {
	items []memItem
	head  int
}

func (q *memQueue) push(id string, expires int64) { q.items = append(q.items, memItem{id, expires}) }

func (q *memQueue) front() (memItem, bool) {
	if q.head == len(q.items) {
		return memItem{}, false
	}
	return q.items[q.head], true
}

func (q *memQueue) pop() {
	q.items[q.head] = memItem{}
	q.head++
	switch {
	case q.head == len(q.items):
		q.items, q.head = q.items[:0], 0
	case q.head >= 1024 && q.head*2 >= len(q.items):
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{
		claimTimeout: DefaultClaimTimeout,
		retention:    DefaultRetention,
		maxEntries:   DefaultMaxEntries,
		nshards:      DefaultShards,
		now:          time.Now,
		log:          slog.Default(),
	}
	for _, opt := range opts {
		opt(s)
	}
	for s.nshards > 1 && s.nshards > s.maxEntries { // every shard holds at least one id
		s.nshards >>= 1
	}
	s.perShard = (s.maxEntries + s.nshards - 1) / s.nshards
	s.shards = make([]memShard, s.nshards)
	for i := range s.shards {
		s.shards[i].m = make(map[string]memEntry)
	}
	s.shardMask = uint32(s.nshards - 1)
	return s
}

func (s *MemoryStore) shard(id string) *memShard {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return &s.shards[h&s.shardMask]
}

// Begin implements Store.
func (s *MemoryStore) Begin(_ context.Context, id string) (Claim, error) {
	if id == "" {
		return Claim{}, ErrEmptyID
	}
	sh := s.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	now := s.now()
	nowNs := now.UnixNano()
	sh.sweep(nowNs)
	e, ok := sh.m[id]
	if ok && nowNs < e.expires {
		if e.token == 0 {
			return Claim{ID: id, State: Done}, nil
		}
		return Claim{ID: id, State: InProgress}, nil
	}
	if !ok {
		if err := s.makeRoom(sh, nowNs); err != nil {
			return Claim{}, err
		}
	}
	tok := s.seq.Add(1)
	exp := nowNs + int64(s.claimTimeout)
	sh.m[id] = memEntry{expires: exp, token: tok}
	sh.claims.push(id, exp)
	return Claim{ID: id, State: Acquired, Token: strconv.FormatUint(tok, 10), Deadline: now.Add(s.claimTimeout)}, nil
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, c Claim) error {
	if c.ID == "" {
		return ErrEmptyID
	}
	tok, _ := strconv.ParseUint(c.Token, 10, 64) // a foreign token never matches
	sh := s.shard(c.ID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	nowNs := s.now().UnixNano()
	sh.sweep(nowNs)
	e, ok := sh.m[c.ID]
	held := ok && e.token != 0 && e.token == tok && nowNs < e.expires
	lost := c.Token != "" && !held
	if ok && e.token == 0 && nowNs < e.expires {
		if lost {
			return ErrClaimLost
		}
		return nil
	}
	if !ok {
		if err := s.makeRoom(sh, nowNs); err != nil {
			return err
		}
	}
	exp := nowNs + int64(s.retention)
	sh.m[c.ID] = memEntry{expires: exp}
	sh.done.push(c.ID, exp)
	if lost {
		return ErrClaimLost
	}
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, c Claim) error {
	if c.ID == "" {
		return ErrEmptyID
	}
	tok, err := strconv.ParseUint(c.Token, 10, 64)
	if err != nil || tok == 0 {
		return nil
	}
	sh := s.shard(c.ID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, ok := sh.m[c.ID]; ok && e.token == tok {
		delete(sh.m, c.ID)
	}
	return nil
}

// Len returns the number of unexpired entries.
func (s *MemoryStore) Len() int {
	n := 0
	nowNs := s.now().UnixNano()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		sh.sweep(nowNs)
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

// Evicted returns how many Done ids were forgotten before their retention
// ended because the store was full. Export it as a metric: any value above
// zero means redeliveries of those ids would be processed again, and
// WithMaxEntries should be raised.
func (s *MemoryStore) Evicted() uint64 { return s.evicted.Load() }

// sweep drops expired entries from the front of both queues.
func (sh *memShard) sweep(nowNs int64) {
	for _, q := range []*memQueue{&sh.claims, &sh.done} {
		for {
			it, ok := q.front()
			if !ok || nowNs < it.expires {
				break
			}
			q.pop()
			if e, ok := sh.m[it.id]; ok && e.expires == it.expires {
				delete(sh.m, it.id)
			}
		}
	}
}

// makeRoom evicts the oldest Done ids of sh until one more id fits.
func (s *MemoryStore) makeRoom(sh *memShard, nowNs int64) error {
	for len(sh.m) >= s.perShard {
		it, ok := sh.done.front()
		if !ok {
			return ErrStoreFull
		}
		sh.done.pop()
		e, live := sh.m[it.id]
		if !live || e.token != 0 || e.expires != it.expires {
			continue // stale item
		}
		delete(sh.m, it.id)
		s.evicted.Add(1)
		s.logEviction(it.id, time.Duration(it.expires-nowNs))
	}
	return nil
}

// logEviction logs at most one line a minute, counting the ones it skipped.
func (s *MemoryStore) logEviction(id string, left time.Duration) {
	now := time.Now().UnixNano()
	last := s.lastLog.Load()
	if last != 0 && now-last < int64(time.Minute) || !s.lastLog.CompareAndSwap(last, now) {
		s.unlogged.Add(1)
		return
	}
	s.log.LogAttrs(context.Background(), slog.LevelWarn,
		"dedupe: memory store full, forgot a processed notification id before its retention ended; a redelivery would run it again (raise WithMaxEntries)",
		slog.String("event_id", id), slog.Duration("retention_left", left),
		slog.Uint64("evicted_total", s.evicted.Load()), slog.Uint64("evicted_unlogged", s.unlogged.Swap(0)),
		slog.Int("max_entries", s.maxEntries))
}
