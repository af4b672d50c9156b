// Package dedupe protects notification handlers from duplicate deliveries.
//
// WeChat Pay may deliver the same notification several times, sometimes
// concurrently, and retries failed deliveries for up to three days. A Store
// claims a notification id before the handler processes it, so each id is
// processed successfully at most once.
package dedupe

import (
	"context"
	"errors"
	"fmt"
)

// State is the result of Store.Begin.
type State int

// The zero State is deliberately invalid, so a Store that returns (0, err)
// is never mistaken for a successful claim.
const (
	// Acquired: the caller now owns the id and must process it, then call
	// Complete on success or Release on failure.
	Acquired State = iota + 1
	// InProgress: another delivery of this id is being processed right now.
	InProgress
	// Done: the id has already been processed successfully.
	Done
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case Acquired:
		return "Acquired"
	case InProgress:
		return "InProgress"
	case Done:
		return "Done"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Store records which notification ids are being or have been processed.
//
// Implementations must be safe for concurrent use, and Begin must be atomic:
// of any number of concurrent Begin calls for one id, exactly one returns
// Acquired.
//
// A database-backed Store uses a table with a unique key on the id and a
// state column: Begin inserts (id, 'in_progress') and, on a unique-key
// conflict, reads the existing state; Complete updates the row to 'done'
// (keep it for the retention period, then delete it); Release deletes the
// row only while it is still 'in_progress'. Give rows a claim timestamp so a
// claim left behind by a crashed process can be taken over after a timeout.
type Store interface {
	// Begin atomically claims id.
	Begin(ctx context.Context, id string) (State, error)
	// Complete marks id as processed. It is kept for the retention period so
	// redeliveries are acknowledged without processing them again.
	Complete(ctx context.Context, id string) error
	// Release forgets an in-progress claim after processing failed, so that
	// WeChat's retry is processed. It must not forget a Done id.
	Release(ctx context.Context, id string) error
}

var (
	// ErrStoreFull is returned by MemoryStore when it holds the maximum
	// number of entries and none of them can be evicted.
	ErrStoreFull = errors.New("dedupe: store is full")
	// ErrEmptyID is returned for an empty notification id.
	ErrEmptyID = errors.New("dedupe: empty id")
)
