// Package pgstore is a dedupe.Store in PostgreSQL, shared by every instance
// that receives notifications, and a dedupe.TxStore: the merchant's own
// update and the "processed" mark can commit in one transaction.
//
// The table (Schema; New creates it unless WithoutMigrate) has one row per
// notification id: state 'claimed' with a random token, or 'done', and the
// time the row expires (claim timeout or retention). Begin inserts a claim
// or takes over an expired row in one statement; Complete marks the row
// done; Release deletes it while it still holds the caller's token. Expired
// rows are deleted in batches by Purge, which Begin starts in the background
// at most every purge interval.
//
// With the handler in package notify, the callback runs inside RunInTx: the
// transaction is Tx(ctx). Do the merchant's update in it and the row is
// marked done by the same commit; a crash or an error rolls back both, so a
// redelivery finds nothing done and processes the notification again, and
// never twice.
package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
)

// DefaultTable is the table name.
const DefaultTable = "payscoregen_dedupe"

// DefaultPurgeInterval is how often Begin starts a Purge of expired rows.
const DefaultPurgeInterval = 10 * time.Minute

// Schema is the migration that creates the table: {table} is DefaultTable
// or the name given to WithTable, {index} its unqualified name plus
// "_expires_at". New runs it (idempotently, under an
// advisory lock) unless WithoutMigrate; run it yourself with your migration
// tool otherwise.
const Schema = `CREATE TABLE IF NOT EXISTS {table} (
	id         text        PRIMARY KEY,
	state      text        NOT NULL CHECK (state IN ('claimed', 'done')),
	token      text,
	expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS {index} ON {table} (expires_at);`

// DB is what the store needs of a connection pool: *pgxpool.Pool.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Option configures New.
type Option func(*Store)

// WithTable sets the table name (default DefaultTable): lower-case letters,
// digits and underscores, optionally schema-qualified ("billing.dedupe").
func WithTable(name string) Option { return func(s *Store) { s.table = name } }

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

// WithPurgeInterval sets how often Begin starts a background Purge (default
// DefaultPurgeInterval); a negative value turns that off (run Purge
// yourself, e.g. from a cron job).
func WithPurgeInterval(d time.Duration) Option { return func(s *Store) { s.purgeEvery = d } }

// WithoutMigrate leaves creating the table to you (see Schema).
func WithoutMigrate() Option { return func(s *Store) { s.migrate = false } }

// Store is a dedupe.TxStore in PostgreSQL. It is safe for concurrent use.
type Store struct {
	db         DB
	table      string
	claim      time.Duration
	retention  time.Duration
	purgeEvery time.Duration
	migrate    bool

	qBegin, qComplete, qRelease, qDone, qPurge string

	nextPurge atomic.Int64
	purging   sync.Mutex
}

var _ dedupe.TxStore = (*Store)(nil)

var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$`)

// New returns a Store on db and, unless WithoutMigrate, creates its table.
func New(ctx context.Context, db DB, opts ...Option) (*Store, error) {
	s := &Store{db: db, table: DefaultTable, claim: dedupe.DefaultClaimTimeout, retention: dedupe.DefaultRetention,
		purgeEvery: DefaultPurgeInterval, migrate: true}
	for _, opt := range opts {
		opt(s)
	}
	if db == nil {
		return nil, errors.New("pgstore: nil DB")
	}
	if !tableName.MatchString(s.table) {
		return nil, fmt.Errorf("pgstore: table name %q: use lower-case letters, digits and _, optionally schema.table", s.table)
	}
	t := s.table
	// Begin: claim a new id or take over an expired row, else report the
	// row's state. When a concurrent insert committed after this
	// statement's snapshot, neither part returns a row: try again.
	s.qBegin = `WITH claimed AS (
	INSERT INTO ` + t + ` AS d (id, state, token, expires_at)
	VALUES ($1, 'claimed', $2, now() + $3 * interval '1 millisecond')
	ON CONFLICT (id) DO UPDATE SET state = 'claimed', token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
	WHERE d.expires_at <= now()
	RETURNING 'acquired'::text AS state
)
SELECT state FROM claimed
UNION ALL
SELECT state FROM ` + t + ` WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`
	s.qComplete = `WITH old AS (
	SELECT state = 'claimed' AND token = $2 AND expires_at > now() AS held FROM ` + t + ` WHERE id = $1 FOR UPDATE
), upsert AS (
	INSERT INTO ` + t + ` AS d (id, state, token, expires_at)
	VALUES ($1, 'done', NULL, now() + $3 * interval '1 millisecond')
	ON CONFLICT (id) DO UPDATE SET state = 'done', token = NULL, expires_at = EXCLUDED.expires_at
)
SELECT coalesce((SELECT held FROM old), false)`
	s.qRelease = `DELETE FROM ` + t + ` WHERE id = $1 AND state = 'claimed' AND token = $2`
	s.qDone = `UPDATE ` + t + ` SET state = 'done', token = NULL, expires_at = now() + $3 * interval '1 millisecond'
WHERE id = $1 AND state = 'claimed' AND token = $2`
	s.qPurge = `DELETE FROM ` + t + ` WHERE id IN (SELECT id FROM ` + t + ` WHERE expires_at < now() LIMIT $1)`
	if s.migrate {
		if err := s.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	s.nextPurge.Store(time.Now().Add(s.purgeEvery).UnixNano())
	return s, nil
}

// Migrate creates the table and its index if they do not exist. Instances
// starting together serialise on an advisory lock.
func (s *Store) Migrate(ctx context.Context) error {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "payscoregen/pgstore "+s.table); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	// An index lives in its table's schema: its name is not qualified.
	index := s.table[strings.LastIndex(s.table, ".")+1:] + "_expires_at"
	ddl := strings.NewReplacer("{index}", index, "{table}", s.table).Replace(Schema)
	for stmt := range strings.SplitSeq(ddl, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return nil
}

// Begin implements dedupe.Store.
func (s *Store) Begin(ctx context.Context, id string) (dedupe.Claim, error) {
	if id == "" {
		return dedupe.Claim{}, dedupe.ErrEmptyID
	}
	s.maybePurge(ctx)
	token, err := newToken()
	if err != nil {
		return dedupe.Claim{}, err
	}
	for range 5 {
		deadline := time.Now().Add(s.claim)
		var state string
		err := s.db.QueryRow(ctx, s.qBegin, id, token, s.claim.Milliseconds()).Scan(&state)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // the row committed after this statement's snapshot
		}
		if err != nil {
			return dedupe.Claim{}, fmt.Errorf("pgstore: begin: %w", err)
		}
		switch state {
		case "acquired":
			return dedupe.Claim{ID: id, State: dedupe.Acquired, Token: token, Deadline: deadline}, nil
		case "claimed":
			return dedupe.Claim{ID: id, State: dedupe.InProgress}, nil
		case "done":
			return dedupe.Claim{ID: id, State: dedupe.Done}, nil
		}
		return dedupe.Claim{}, fmt.Errorf("pgstore: begin: unexpected state %q", state)
	}
	return dedupe.Claim{}, errors.New("pgstore: begin: the row kept changing; try again")
}

// Complete implements dedupe.Store.
func (s *Store) Complete(ctx context.Context, c dedupe.Claim) error {
	if c.ID == "" {
		return dedupe.ErrEmptyID
	}
	var held bool
	if err := s.db.QueryRow(ctx, s.qComplete, c.ID, c.Token, s.retention.Milliseconds()).Scan(&held); err != nil {
		return fmt.Errorf("pgstore: complete: %w", err)
	}
	if c.Token != "" && !held {
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
	if _, err := s.db.Exec(ctx, s.qRelease, c.ID, c.Token); err != nil {
		return fmt.Errorf("pgstore: release: %w", err)
	}
	return nil
}

type txKey struct{}

// Tx returns the transaction RunInTx runs the callback in, or nil outside
// one. Callbacks do their updates in it so they commit with the mark.
func Tx(ctx context.Context) pgx.Tx {
	tx, _ := ctx.Value(txKey{}).(pgx.Tx)
	return tx
}

// RunInTx implements dedupe.TxStore: fn runs in a transaction (Tx(ctx)),
// then the row of c is marked done in it, and it commits, all only if fn
// returned nil and c still holds the row. Otherwise everything is rolled
// back: the error is fn's, ErrClaimLost, or the database's. The row is
// locked only from the mark to the commit, so a hung fn does not block a
// takeover after the claim timeout.
func (s *Store) RunInTx(ctx context.Context, c dedupe.Claim, fn func(ctx context.Context) error) error {
	if c.ID == "" {
		return dedupe.ErrEmptyID
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(context.WithValue(ctx, txKey{}, tx)); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, s.qDone, c.ID, c.Token, s.retention.Milliseconds())
	if err != nil {
		return fmt.Errorf("pgstore: mark done: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return dedupe.ErrClaimLost
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	return nil
}

// Purge deletes up to limit expired rows (all of them, in batches, for
// limit <= 0) and returns how many it deleted.
func (s *Store) Purge(ctx context.Context, limit int) (int64, error) {
	const batch = 1000
	var total int64
	for {
		n := batch
		if limit > 0 && limit-int(total) < n {
			n = limit - int(total)
		}
		if n <= 0 {
			return total, nil
		}
		tag, err := s.db.Exec(ctx, s.qPurge, n)
		if err != nil {
			return total, fmt.Errorf("pgstore: purge: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < int64(n) {
			return total, nil
		}
	}
}

func (s *Store) maybePurge(ctx context.Context) {
	if s.purgeEvery <= 0 {
		return
	}
	next := s.nextPurge.Load()
	now := time.Now().UnixNano()
	if now < next || !s.nextPurge.CompareAndSwap(next, now+int64(s.purgeEvery)) {
		return
	}
	go func() {
		if !s.purging.TryLock() {
			return
		}
		defer s.purging.Unlock()
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_, _ = s.Purge(pctx, 100_000)
	}()
}

func newToken() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("pgstore: token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
