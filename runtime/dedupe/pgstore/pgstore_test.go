package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/dedupe/pgstore"
	"github.com/payscoregen/payscoregen/runtime/dedupe/storetest"
)

// pool connects to PAYSCOREGEN_TEST_POSTGRES, or skips.
func pool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	dsn := testkit.PostgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("%s: %v", testkit.EnvPostgres, err)
	}
	t.Cleanup(p.Close)
	if err := p.Ping(ctx); err != nil {
		t.Fatalf("%s is set but PostgreSQL does not answer: %v", testkit.EnvPostgres, err)
	}
	return p
}

// table is a fresh table name, so runs against a shared server do not meet.
func table(t *testing.T) string {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "dedupe_test_" + hex.EncodeToString(b)
}

func dropTable(t *testing.T, p *pgxpool.Pool, name string) {
	t.Cleanup(func() { _, _ = p.Exec(context.Background(), "DROP TABLE IF EXISTS "+name) })
}

func TestPostgresContract(t *testing.T) {
	p := pool(t)
	name := table(t)
	dropTable(t, p, name)
	storetest.Run(t, func(t *testing.T, claim, retention time.Duration) dedupe.Store {
		s, err := pgstore.New(context.Background(), p, pgstore.WithTable(name),
			pgstore.WithClaimTimeout(claim), pgstore.WithRetention(retention))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestPostgresMigrateTwiceConcurrently(t *testing.T) {
	p := pool(t)
	name := table(t)
	dropTable(t, p, name)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := pgstore.New(context.Background(), p, pgstore.WithTable(name))
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestPostgresBadTableName(t *testing.T) {
	for _, name := range []string{"", "Robert'); DROP TABLE x;--", "a.b.c", "1abc"} {
		if _, err := pgstore.New(context.Background(), nilDB{}, pgstore.WithTable(name)); err == nil {
			t.Errorf("WithTable(%q): no error", name)
		}
	}
}

type nilDB struct{ pgstore.DB }

// The merchant's update and the done mark commit together: a failure, a
// crash or a lost claim leaves neither.
func TestPostgresTxExactlyOnce(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	name := table(t)
	dropTable(t, p, name)
	dropTable(t, p, name+"_effects")
	if _, err := p.Exec(ctx, "CREATE TABLE "+name+"_effects (id text)"); err != nil {
		t.Fatal(err)
	}
	s, err := pgstore.New(ctx, p, pgstore.WithTable(name), pgstore.WithClaimTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	effect := func(ctx context.Context, id string) error {
		tx := pgstore.Tx(ctx)
		if tx == nil {
			return errors.New("no transaction in the context")
		}
		_, err := tx.Exec(ctx, "INSERT INTO "+name+"_effects (id) VALUES ($1)", id)
		return err
	}
	count := func(id string) int {
		var n int
		if err := p.QueryRow(ctx, "SELECT count(*) FROM "+name+"_effects WHERE id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if pgstore.Tx(ctx) != nil {
		t.Fatal("Tx outside RunInTx is not nil")
	}

	// The callback fails after writing: rolled back.
	c := storetest.Begin(t, s, "EV-1", dedupe.Acquired)
	err = s.RunInTx(ctx, c, func(ctx context.Context) error {
		if err := effect(ctx, "EV-1"); err != nil {
			return err
		}
		return errors.New("later step failed")
	})
	if err == nil || count("EV-1") != 0 {
		t.Fatalf("after a failed callback: err = %v, effects = %d, want an error and 0", err, count("EV-1"))
	}
	if err := s.Release(ctx, c); err != nil {
		t.Fatal(err)
	}

	// The processor hangs past the claim timeout; another delivery takes
	// over and commits; the hung one's effect is rolled back.
	hung := storetest.Begin(t, s, "EV-1", dedupe.Acquired)
	err = s.RunInTx(ctx, hung, func(ctx context.Context) error {
		if err := effect(ctx, "EV-1"); err != nil {
			return err
		}
		time.Sleep(time.Until(hung.Deadline) + 200*time.Millisecond)
		next := storetest.Begin(t, s, "EV-1", dedupe.Acquired)
		if err := s.RunInTx(context.Background(), next, func(ctx context.Context) error { return effect(ctx, "EV-1") }); err != nil {
			t.Errorf("takeover: %v", err)
		}
		return nil
	})
	if !errors.Is(err, dedupe.ErrClaimLost) {
		t.Fatalf("hung processor: err = %v, want ErrClaimLost", err)
	}
	if n := count("EV-1"); n != 1 {
		t.Fatalf("effects = %d, want exactly 1", n)
	}
	storetest.Begin(t, s, "EV-1", dedupe.Done)
}

func TestPostgresPurge(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	name := table(t)
	dropTable(t, p, name)
	s, err := pgstore.New(ctx, p, pgstore.WithTable(name), pgstore.WithClaimTimeout(100*time.Millisecond),
		pgstore.WithRetention(100*time.Millisecond), pgstore.WithPurgeInterval(-1))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"A", "B", "C"} {
		c := storetest.Begin(t, s, id, dedupe.Acquired)
		if id != "C" {
			if err := s.Complete(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	time.Sleep(300 * time.Millisecond)
	long, err := pgstore.New(ctx, p, pgstore.WithTable(name), pgstore.WithPurgeInterval(-1))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Begin(t, long, "D", dedupe.Acquired)
	n, err := s.Purge(ctx, 0)
	if err != nil || n != 3 {
		t.Fatalf("Purge = %d, %v; want 3 (A, B done and C claimed, all expired; D kept)", n, err)
	}
	storetest.Begin(t, long, "D", dedupe.InProgress)
}
