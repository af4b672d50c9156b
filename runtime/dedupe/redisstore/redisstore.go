// Package redisstore is a dedupe.Store in Redis, shared by every instance
// that receives notifications.
//
// One key per notification id: Begin sets "claim:TOKEN" with the claim
// timeout as its expiry, unless the key exists (SET NX semantics, in one
// Lua script so the state is read in the same round trip); Complete
// replaces it with "done" expiring after the retention; Release deletes it
// only while it still holds the caller's token. Each call is one round trip.
//
// A processed id is remembered only as long as Redis keeps the key: a Redis
// without persistence (no AOF or RDB, no replica) forgets every processed id
// when it restarts, and WeChat's redeliveries are then processed again.
// Enable appendonly, or use package pgstore, when that matters; and keep
// maxmemory-policy at noeviction (or a volatile-* policy with room to
// spare), so Redis does not evict done markers to make room.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
)

// DefaultPrefix starts every key.
const DefaultPrefix = "payscoregen:dedupe:"

const doneValue = "done"

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the key prefix (default DefaultPrefix), e.g. to keep two
// merchants apart in one Redis.
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithClaimTimeout sets how long a claim lasts (default
// dedupe.DefaultClaimTimeout). Non-positive values keep the default.
func WithClaimTimeout(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.claim = d
		}
	}
}

// WithRetention sets how long a processed id is remembered (default
// dedupe.DefaultRetention). Non-positive values keep the default.
func WithRetention(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.retention = d
		}
	}
}

// Store is a dedupe.Store in Redis. It is safe for concurrent use.
type Store struct {
	rdb       redis.Scripter
	prefix    string
	claim     time.Duration
	retention time.Duration
}

var _ dedupe.Store = (*Store)(nil)

// New returns a Store on rdb: a *redis.Client, *redis.ClusterClient (every
// script touches one key) or *redis.Ring.
func New(rdb redis.Scripter, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix, claim: dedupe.DefaultClaimTimeout, retention: dedupe.DefaultRetention}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// begin returns 0 (acquired), 1 (in progress) or 2 (done).
var begin = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
	return 0
end
if v == 'done' then return 2 end
return 1
`)

// complete returns 1 when the key held the caller's claim.
var complete = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
if v == ARGV[1] then return 1 end
return 0
`)

var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Begin implements dedupe.Store.
func (s *Store) Begin(ctx context.Context, id string) (dedupe.Claim, error) {
	if id == "" {
		return dedupe.Claim{}, dedupe.ErrEmptyID
	}
	token, err := newToken()
	if err != nil {
		return dedupe.Claim{}, err
	}
	deadline := time.Now().Add(s.claim)
	n, err := begin.Run(ctx, s.rdb, []string{s.prefix + id}, claimValue(token), s.claim.Milliseconds()).Int()
	if err != nil {
		return dedupe.Claim{}, fmt.Errorf("redisstore: begin: %w", err)
	}
	switch n {
	case 0:
		return dedupe.Claim{ID: id, State: dedupe.Acquired, Token: token, Deadline: deadline}, nil
	case 1:
		return dedupe.Claim{ID: id, State: dedupe.InProgress}, nil
	case 2:
		return dedupe.Claim{ID: id, State: dedupe.Done}, nil
	}
	return dedupe.Claim{}, fmt.Errorf("redisstore: begin: unexpected reply %d", n)
}

// Complete implements dedupe.Store.
func (s *Store) Complete(ctx context.Context, c dedupe.Claim) error {
	if c.ID == "" {
		return dedupe.ErrEmptyID
	}
	want := ""
	if c.Token != "" {
		want = claimValue(c.Token)
	}
	held, err := complete.Run(ctx, s.rdb, []string{s.prefix + c.ID}, want, s.retention.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("redisstore: complete: %w", err)
	}
	if c.Token != "" && held != 1 {
		return dedupe.ErrClaimLost
	}
	return nil
}

// Release implements dedupe.Store.
func (s *Store) Release(ctx context.Context, c dedupe.Claim) error {
	if c.ID == "" {
		return dedupe.ErrEmptyID
	}
	if c.Token == "" {
		return nil
	}
	if err := release.Run(ctx, s.rdb, []string{s.prefix + c.ID}, claimValue(c.Token)).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}

func claimValue(token string) string { return "claim:" + token }

func newToken() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("redisstore: token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
