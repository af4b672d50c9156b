// Package multiinstance runs the generated notification handler as two
// instances on two loopback ports sharing one Redis, then one PostgreSQL,
// and delivers notifications the way WeChat does: concurrently, repeatedly,
// to either instance, with failing callbacks and an instance that dies in
// the middle of a callback and is restarted. Every notification must be
// processed exactly once and none lost.
package multiinstance_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/dedupe/pgstore"
	"github.com/payscoregen/payscoregen/runtime/dedupe/redisstore"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
)

const (
	notifications = 25
	deliveries    = 200             // spread over both instances, all at once
	claimTimeout  = 3 * time.Second // a callback takes ~20 ms; generous for a loaded 2-core machine under -race
	retryEvery    = 150 * time.Millisecond
	giveUpAfter   = 60 * time.Second
	pubKeyID      = "PUB_KEY_ID_0114232134912410000000000000"
)

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// backend is a shared store and where the callbacks' effects land.
type backend struct {
	name string
	// transactional: the callback's effect commits with the done mark, so
	// the crash can happen after the effect is written.
	transactional bool
	// newStore connects one instance to the shared store; kill cuts that
	// instance's connections, as a dying process does.
	newStore func(t *testing.T, instance string) (store dedupe.Store, kill func())
	// effect records the merchant's update for id, in ctx's transaction if
	// the store has one.
	effect func(ctx context.Context, id string) error
	// effects counts the committed updates per id.
	effects func(t *testing.T) map[string]int
}

func TestMultiInstanceRedis(t *testing.T) {
	addr := testkit.RedisAddr(t)
	prefix := "mi-" + randomHex(t, 4) + ":"
	var mu sync.Mutex
	done := map[string]int{}
	run(t, backend{
		name: "redis",
		newStore: func(t *testing.T, instance string) (dedupe.Store, func()) {
			rdb := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 32})
			t.Cleanup(func() { _ = rdb.Close() })
			if err := rdb.Ping(context.Background()).Err(); err != nil {
				t.Fatalf("%s is set but Redis does not answer: %v", testkit.EnvRedis, err)
			}
			// Nothing to cut: Redis holds no transaction for a dead process.
			return redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithClaimTimeout(claimTimeout)), func() {}
		},
		effect: func(_ context.Context, id string) error {
			mu.Lock()
			defer mu.Unlock()
			done[id]++
			return nil
		},
		effects: func(*testing.T) map[string]int {
			mu.Lock()
			defer mu.Unlock()
			out := map[string]int{}
			for k, v := range done {
				out[k] = v
			}
			return out
		},
	})
}

func TestMultiInstancePostgres(t *testing.T) {
	dsn := testkit.PostgresDSN(t)
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	if err := admin.Ping(ctx); err != nil {
		t.Fatalf("%s is set but PostgreSQL does not answer: %v", testkit.EnvPostgres, err)
	}
	suffix := randomHex(t, 4)
	table, effects := "mi_dedupe_"+suffix, "mi_effects_"+suffix
	if _, err := admin.Exec(ctx, "CREATE TABLE "+effects+" (id text NOT NULL, instance text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP TABLE IF EXISTS "+effects)
		_, _ = admin.Exec(context.Background(), "DROP TABLE IF EXISTS "+table)
	})
	run(t, backend{
		name:          "postgres",
		transactional: true,
		newStore: func(t *testing.T, instance string) (dedupe.Store, func()) {
			cfg, err := pgxpool.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			app := "mi-" + suffix + "-" + instance
			cfg.ConnConfig.RuntimeParams["application_name"] = app
			cfg.MaxConns = 24
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			s, err := pgstore.New(ctx, pool, pgstore.WithTable(table), pgstore.WithClaimTimeout(claimTimeout))
			if err != nil {
				t.Fatal(err)
			}
			kill := func() {
				// The server side of a dying process: its sessions end and
				// their open transactions roll back.
				if _, err := admin.Exec(context.Background(),
					"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", app); err != nil {
					t.Error(err)
				}
			}
			t.Cleanup(func() { go pool.Close() }) // a crashed callback may still hold a connection
			return s, kill
		},
		effect: func(ctx context.Context, id string) error {
			tx := pgstore.Tx(ctx)
			if tx == nil {
				return errors.New("no transaction in the callback's context")
			}
			_, err := tx.Exec(ctx, "INSERT INTO "+effects+" (id, instance) VALUES ($1, 'x')", id)
			return err
		},
		effects: func(t *testing.T) map[string]int {
			rows, err := admin.Query(context.Background(), "SELECT id, count(*) FROM "+effects+" GROUP BY id")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var id string
				var n int
				if err := rows.Scan(&id, &n); err != nil {
					t.Fatal(err)
				}
				out[id] = n
			}
			return out
		},
	})
}

// world holds what the callbacks of every instance share.
type world struct {
	t        *testing.T
	b        backend
	crashID  string
	failOnce map[string]bool // these ids fail their first run

	mu       sync.Mutex
	runs     map[string]int // callback runs per id, any outcome
	crashed  chan string    // receives the instance that dies mid-callback
	crashing atomic.Bool
	hang     chan struct{} // the dead instance's callback never returns until the test ends
	dead     sync.Map      // instance name -> true once it died: its goroutines write nothing more
}

func (w *world) callback(ctx context.Context, instance, id string) error {
	w.mu.Lock()
	w.runs[id]++
	n := w.runs[id]
	w.mu.Unlock()
	if id == w.crashID && w.crashing.CompareAndSwap(false, true) {
		// With PostgreSQL the update is written (uncommitted) before the
		// process dies; without a transaction it dies before writing.
		if w.b.transactional {
			if err := w.b.effect(ctx, id); err != nil {
				return err
			}
		}
		w.crashed <- instance // the test kills this instance now
		<-w.hang
		return errors.New("this process is dead")
	}
	if w.failOnce[id] && n == 1 {
		return errors.New("database unavailable (first run fails)")
	}
	time.Sleep(time.Duration(2+mrand.IntN(15)) * time.Millisecond) // overlap with concurrent deliveries
	if _, dead := w.dead.Load(instance); dead {
		return errors.New("this process is dead") // a dead process updates nothing
	}
	return w.b.effect(ctx, id)
}

// instance is one running copy of the merchant's server.
type instance struct {
	name string
	url  string
	srv  *http.Server
	kill func()
	dead atomic.Bool
}

func (w *world) start(name string, parser *notify.Parser) *instance {
	t := w.t
	store, kill := w.b.newStore(t, name)
	one := func(ctx context.Context, id string) error { return w.callback(ctx, name, id) }
	h, err := acquiringbank.NewAuthorizationNotifyHandler(parser, store, acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(ctx context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			return one(ctx, ev.Envelope.ID)
		},
		OnUserCloseService: func(ctx context.Context, ev *acquiringbank.UserCloseServiceEvent) error {
			return one(ctx, ev.Envelope.ID)
		},
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			t.Errorf("%s: valid notification reported invalid: %v", name, inv)
			return nil
		},
	}, notify.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{name: name, url: "http://" + ln.Addr().String() + "/payscore/notify", kill: kill,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second}}
	go func() { _ = in.srv.Serve(ln) }()
	t.Cleanup(func() { _ = in.srv.Close() })
	return in
}

// die stops the instance as a crash would: connections cut, store sessions
// ended, nothing recorded.
func (in *instance) die() {
	in.dead.Store(true)
	_ = in.srv.Close()
	in.kill()
}

type tally struct {
	mu       sync.Mutex
	statuses map[string]int // "204", "500", "503", "connection error"
}

func (c *tally) add(k string) {
	c.mu.Lock()
	c.statuses[k]++
	c.mu.Unlock()
}

func run(t *testing.T, b backend) {
	started := time.Now()
	platform := testkit.Key("platform")
	apiV3Key := notifytest.RandomString(32)
	parser, err := notify.NewParser(notify.Config{APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(pubKeyID, platform.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	signer := &notifytest.Signer{PrivateKey: platform, Serial: pubKeyID}

	run := randomHex(t, 3)
	ids := make([]string, notifications)
	bodies := map[string][]byte{}
	for i := range ids {
		ids[i] = fmt.Sprintf("EV-%s-%03d", run, i)
		event, status := acquiringbank.UserOpenServiceEventType, "USER_OPEN_SERVICE"
		if i%3 == 2 {
			event, status = acquiringbank.UserCloseServiceEventType, "USER_CLOSE_SERVICE"
		}
		plaintext := `{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_mchid":"1900000109","service_id":"500001",` +
			`"openid":"oUpF8u` + notifytest.RandomString(22) + `","user_service_status":"` + status + `",` +
			`"openorclose_time":"20250101120000","authorization_code":"AC` + notifytest.RandomString(18) + `"}`
		body, err := notifytest.SealEnvelope(apiV3Key, notify.Envelope{ID: ids[i], CreateTime: "2025-01-01T12:00:00+08:00",
			EventType: event, ResourceType: "encrypt-resource", Summary: "授权成功",
			Resource: notify.Resource{OriginalType: "payscore"}}, []byte(plaintext))
		if err != nil {
			t.Fatal(err)
		}
		bodies[ids[i]] = body
	}
	w := &world{t: t, b: b, crashID: ids[7], runs: map[string]int{}, crashed: make(chan string, 1), hang: make(chan struct{}),
		failOnce: map[string]bool{ids[0]: true, ids[3]: true, ids[11]: true, ids[17]: true, ids[24]: true}}
	defer close(w.hang)

	var mu sync.Mutex
	live := []*instance{w.start("A", parser), w.start("B", parser)}
	pick := func() *instance {
		mu.Lock()
		defer mu.Unlock()
		return live[mrand.IntN(len(live))]
	}
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	t.Cleanup(client.CloseIdleConnections)
	counts := &tally{statuses: map[string]int{}}
	acked := sync.Map{}
	deliver := func(ctx context.Context, id string, in *instance) {
		req, err := signer.NewRequest(ctx, in.url, bodies[id])
		if err != nil {
			t.Error(err)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			counts.add("connection error")
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		counts.add(fmt.Sprint(resp.StatusCode))
		if resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusOK {
			acked.Store(id, true)
		}
	}

	// The crash: the instance running the crash id's callback dies, and a
	// new one takes its place on another port (a restart).
	restarted := make(chan string, 1)
	go func() {
		name, ok := <-w.crashed
		if !ok {
			return
		}
		mu.Lock()
		for i, in := range live {
			if in.name == name {
				w.dead.Store(name, true)
				in.die()
				live[i] = w.start(name+"'", parser)
				break
			}
		}
		mu.Unlock()
		restarted <- name
	}()

	// 200 concurrent deliveries: 8 of each notification, to either instance.
	plan := make([]string, 0, deliveries)
	for i := range deliveries {
		plan = append(plan, ids[i%notifications])
	}
	mrand.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	ctx := context.Background()
	startGun := make(chan struct{})
	var wg sync.WaitGroup
	for _, id := range plan {
		in := pick()
		wg.Go(func() {
			<-startGun
			deliver(ctx, id, in)
		})
	}
	close(startGun)
	wg.Wait()
	burst := time.Since(started)

	// WeChat's retries: every notification not acknowledged yet is sent
	// again, to either live instance, until it is.
	retries := 0
	deadline := time.Now().Add(giveUpAfter)
	for {
		var pending []string
		for _, id := range ids {
			if _, ok := acked.Load(id); !ok {
				pending = append(pending, id)
			}
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications never acknowledged: %v (statuses %v)", len(pending), pending, counts.statuses)
		}
		time.Sleep(retryEvery)
		for _, id := range pending {
			retries++
			wg.Go(func() { deliver(ctx, id, pick()) })
		}
		wg.Wait()
	}
	select {
	case name := <-restarted:
		t.Logf("instance %s died in the callback of %s and was restarted as %s'", name, w.crashID, name)
	default:
		t.Fatal("the crash never happened")
	}

	// Every later redelivery, to any instance, is a duplicate.
	before := b.effects(t)
	for _, id := range ids {
		mu.Lock()
		targets := append([]*instance(nil), live...)
		mu.Unlock()
		for _, in := range targets {
			deliver(ctx, id, in)
		}
	}

	got := b.effects(t)
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("%s processed %d times, want exactly 1", id, got[id])
		}
	}
	if len(got) != notifications {
		t.Errorf("%d ids have effects, want %d", len(got), notifications)
	}
	for id, n := range before {
		if got[id] != n {
			t.Errorf("%s: a redelivery after the acknowledgement was processed again", id)
		}
	}
	w.mu.Lock()
	runs := 0
	for _, n := range w.runs {
		runs += n
	}
	w.mu.Unlock()
	keys := make([]string, 0, len(counts.statuses))
	for k := range counts.statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, counts.statuses[k]))
	}
	t.Logf("%s: %d notifications, %d concurrent deliveries over 2 instances (burst %v), %d WeChat-style retries, "+
		"%d duplicate redeliveries; replies %s; %d callback runs (5 failed first runs, 1 crash); "+
		"effects: %d ids x exactly 1; total %v",
		b.name, notifications, deliveries, burst.Round(time.Millisecond), retries, notifications*2,
		strings.Join(parts, " "), runs, len(got), time.Since(started).Round(time.Millisecond))
}
