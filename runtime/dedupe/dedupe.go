// Package dedupe protects notification handlers from duplicate deliveries.
//
// WeChat Pay may deliver the same notification several times, sometimes
// concurrently and to different instances, and retries failed deliveries for
// up to three days. A Store claims a notification id before the handler
// processes it, so each id is processed successfully at most once.
//
// Three stores ship: MemoryStore (one process), package redisstore (several
// instances sharing a Redis) and package pgstore (several instances sharing a
// PostgreSQL database; it can also commit the merchant's own update and the
// "processed" mark in one transaction, see TxStore).
//
// Every store keeps two durations apart:
//
//   - the claim timeout (DefaultClaimTimeout): how long a claim blocks other
//     deliveries of the id. A processor that hangs or dies frees the id when
//     it lapses, well before WeChat's next retry;
//   - the retention (DefaultRetention): how long a processed id is
//     remembered, longer than WeChat's whole retry window.
package dedupe

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const (
	// DefaultClaimTimeout is how long a claim lasts unless completed or
	// released. WeChat's retries come 15 s apart at the start (0s, 15s,
	// 15s, 30s, ...), so a claim left by a hung or killed processor has
	// lapsed by the next retry. Handlers cancel the callback's context at
	// the claim's deadline.
	DefaultClaimTimeout = 10 * time.Second
	// DefaultRetention covers WeChat's retry window (3 days) plus a margin
	// for clock skew and slow deliveries.
	DefaultRetention = 72*time.Hour + time.Hour
)

// State is the outcome of Store.Begin.
type State int

// The zero State is deliberately invalid, so a Store that returns a zero
// Claim with an error is never mistaken for a successful claim.
const (
	// Acquired: the caller now owns the id and must process it, then call
	// Complete on success or Release on failure, before Claim.Deadline.
	Acquired State = iota + 1
	// InProgress: another delivery of this id holds an unexpired claim.
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

// Claim is the outcome of Store.Begin.
type Claim struct {
	ID    string
	State State
	// Token identifies an Acquired claim. Complete and Release take it, so a
	// processor whose claim lapsed and was taken over by another delivery
	// cannot release the new owner's claim.
	Token string
	// Deadline is when an Acquired claim lapses (the store's clock may run
	// slightly behind: Deadline is computed before the claim is made).
	// Zero for the other states.
	Deadline time.Time
}

// Store records which notification ids are being or have been processed.
//
// Implementations must be safe for concurrent use, also from several
// processes for a shared store, and Begin must be atomic: of any number of
// concurrent Begin calls for one id, exactly one returns Acquired.
type Store interface {
	// Begin claims id for the claim timeout, unless it is Done or claimed
	// by an unexpired claim. An expired claim is taken over.
	Begin(ctx context.Context, id string) (Claim, error)
	// Complete records c.ID as processed for the retention period. If c
	// was Acquired but its claim lapsed or was taken over meanwhile, the id
	// is recorded all the same (the work was done) and the error is
	// ErrClaimLost: another delivery may have processed it too. A Claim
	// with an empty Token records the id without that check.
	Complete(ctx context.Context, c Claim) error
	// Release forgets c's claim after processing failed, so that WeChat's
	// retry is processed. It does nothing when the id is Done or claimed
	// by another token.
	Release(ctx context.Context, c Claim) error
}

// TxStore is a Store that can make the merchant's own update and the
// "processed" mark one transaction (package pgstore). RunInTx runs fn in a
// transaction that fn reaches through its context (pgstore.Tx), then marks
// c done in that transaction and commits, only if fn returned nil and c is
// still held. A crash or an error before the commit rolls both back, so the
// effect happens exactly once. If c was taken over meanwhile, everything is
// rolled back and the error is ErrClaimLost.
type TxStore interface {
	Store
	RunInTx(ctx context.Context, c Claim, fn func(ctx context.Context) error) error
}

var (
	// ErrStoreFull is returned by MemoryStore when it holds the maximum
	// number of entries and none of them can be evicted.
	ErrStoreFull = errors.New("dedupe: store is full")
	// ErrEmptyID is returned for an empty notification id.
	ErrEmptyID = errors.New("dedupe: empty id")
	// ErrClaimLost means a claim lapsed or was taken over by another
	// delivery before it was completed.
	ErrClaimLost = errors.New("dedupe: the claim lapsed or was taken over before it was completed")
)
