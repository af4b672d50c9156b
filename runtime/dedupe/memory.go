package dedupe

import (
	"container/list"
	"context"
	"sync"
	"time"
)

const (
	// DefaultRetention covers WeChat's retry schedule (up to 3 days) plus a
	// margin for clock skew and slow deliveries.
	DefaultRetention = 72*time.Hour + time.Hour
	// DefaultMaxEntries bounds memory use (roughly 100 bytes per entry plus
	// the id).
	DefaultMaxEntries = 100_000
)

// MemoryOption configures a MemoryStore.
type MemoryOption func(*MemoryStore)

// WithRetention sets how long a Done id is remembered. Non-positive values
// keep the default.
func WithRetention(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.retention = d
		}
	}
}

// WithMaxEntries bounds the number of ids held. Non-positive values keep the
// default.
func WithMaxEntries(n int) MemoryOption {
	return func(s *MemoryStore) {
		if n > 0 {
			s.maxEntries = n
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

// MemoryStore is an in-process Store. It only deduplicates within one
// process; use a database-backed Store when several instances receive
// notifications.
//
// Entries expire after the retention period, counted from Complete for Done
// ids and from Begin for claims (so a claim leaked by a caller that never
// called Complete or Release does not block the id forever). Expired entries
// are dropped lazily on access, so the store starts no goroutines. When the
// store is full, the oldest Done entries are evicted first; in-progress
// claims are never evicted, and Begin returns ErrStoreFull if nothing can be
// evicted.
type MemoryStore struct {
	retention  time.Duration
	maxEntries int
	now        func() time.Time

	mu      sync.Mutex
	entries map[string]*entry
	// Both lists are ordered by expiry (given a monotonic clock), so expired
	// entries are always at the front and sweeping them is cheap.
	claims list.List // InProgress entries, oldest claim first
	done   list.List // Done entries, oldest completion first
}

type entry struct {
	id      string
	state   State // InProgress or Done
	expires time.Time
	elem    *list.Element
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{
		retention:  DefaultRetention,
		maxEntries: DefaultMaxEntries,
		now:        time.Now,
		entries:    make(map[string]*entry),
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Begin implements Store.
func (s *MemoryStore) Begin(_ context.Context, id string) (State, error) {
	if id == "" {
		return 0, ErrEmptyID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweep(now)
	if e, ok := s.entries[id]; ok {
		if now.Before(e.expires) {
			return e.state, nil
		}
		s.remove(e)
	}
	if err := s.makeRoom(); err != nil {
		return 0, err
	}
	s.insert(id, InProgress, now)
	return Acquired, nil
}

// Complete implements Store. Completing an id that was never claimed (or
// whose claim expired) records it as Done all the same: the work was done.
func (s *MemoryStore) Complete(_ context.Context, id string) error {
	if id == "" {
		return ErrEmptyID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweep(now)
	if e, ok := s.entries[id]; ok {
		if e.state == Done && now.Before(e.expires) {
			return nil
		}
		s.remove(e)
	} else if err := s.makeRoom(); err != nil {
		return err
	}
	s.insert(id, Done, now)
	return nil
}

// Release implements Store. It leaves Done ids alone.
func (s *MemoryStore) Release(_ context.Context, id string) error {
	if id == "" {
		return ErrEmptyID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[id]; ok && e.state == InProgress {
		s.remove(e)
	}
	return nil
}

// Len returns the number of unexpired entries.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(s.now())
	return len(s.entries)
}

func (s *MemoryStore) list(state State) *list.List {
	if state == Done {
		return &s.done
	}
	return &s.claims
}

func (s *MemoryStore) insert(id string, state State, now time.Time) {
	e := &entry{id: id, state: state, expires: now.Add(s.retention)}
	e.elem = s.list(state).PushBack(e)
	s.entries[id] = e
}

func (s *MemoryStore) remove(e *entry) {
	s.list(e.state).Remove(e.elem)
	delete(s.entries, e.id)
}

// sweep drops expired entries from the front of both lists.
func (s *MemoryStore) sweep(now time.Time) {
	for _, l := range []*list.List{&s.claims, &s.done} {
		for f := l.Front(); f != nil; f = l.Front() {
			e := f.Value.(*entry)
			if now.Before(e.expires) {
				break
			}
			s.remove(e)
		}
	}
}

// makeRoom evicts the oldest Done entries until one more entry fits.
func (s *MemoryStore) makeRoom() error {
	for len(s.entries) >= s.maxEntries {
		f := s.done.Front()
		if f == nil {
			return ErrStoreFull
		}
		s.remove(f.Value.(*entry))
	}
	return nil
}
