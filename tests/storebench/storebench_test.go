// Package storebench measures notifications per second through the
// generated handler with each dedupe store, at 1, 8 and 64 concurrent
// deliveries, against the crypto floor: the same verification, decryption,
// decoding and reply without duplicate protection or checks. Both sides
// run interleaved in one process (alternating which goes first), so load
// on the machine hits both; ratio is ours/floor in time per notification.
//
// Round trips per notification: memory 0; Redis 2 (Begin and Complete, one
// EVALSHA each); PostgreSQL 4 (Begin; BEGIN, mark done, COMMIT of the
// transaction the callback runs in).
package storebench_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
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
	batch    = 256 // distinct notifications per timed pass
	pubKeyID = "PUB_KEY_ID_BENCH"
)

type delivery struct {
	body   []byte
	header http.Header
}

func (d delivery) request() *http.Request {
	r := &http.Request{Method: http.MethodPost, Header: d.header, Body: io.NopCloser(bytes.NewReader(d.body)),
		ContentLength: int64(len(d.body)), RemoteAddr: "127.0.0.1:1"}
	return r.WithContext(context.Background())
}

type fixture struct {
	apiV3Key   string
	verifier   auth.Verifier
	parser     *notify.Parser
	deliveries []delivery
}

var (
	fixOnce sync.Once
	fix     *fixture
)

func getFixture(b *testing.B) *fixture {
	fixOnce.Do(func() {
		platform := testkit.Key("platform")
		f := &fixture{apiV3Key: notifytest.RandomString(32),
			verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(pubKeyID, platform.PublicKey)}
		var err error
		if f.parser, err = notify.NewParser(notify.Config{APIv3Key: f.apiV3Key, Verifier: f.verifier}); err != nil {
			panic(err)
		}
		signer := &notifytest.Signer{PrivateKey: platform, Serial: pubKeyID}
		for i := range batch {
			plaintext := `{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_appid":"wxd678efh567hg6787",` +
				`"sub_mchid":"1230000109","channel_id":"1230000109","service_id":"500001",` +
				`"sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","user_service_status":"USER_OPEN_SERVICE",` +
				`"openorclose_time":"20180225112233","authorization_code":"4534323JKHDFE1243252"}`
			body, err := notifytest.SealEnvelope(f.apiV3Key, notify.Envelope{ID: fmt.Sprintf("EV-BENCH-%06d", i),
				CreateTime: "2015-05-20T13:29:35+08:00", EventType: acquiringbank.UserOpenServiceEventType,
				ResourceType: "encrypt-resource", Summary: "授权成功"}, []byte(plaintext))
			if err != nil {
				panic(err)
			}
			h, err := signer.Headers(body)
			if err != nil {
				panic(err)
			}
			f.deliveries = append(f.deliveries, delivery{body: body, header: h})
		}
		fix = f
	})
	return fix
}

// floor does the work no handler can skip: verify the signature over the
// body, decode the envelope, decrypt, decode the same plaintext struct, and
// write the 204.
func (f *fixture) floor() http.Handler {
	block, _ := aes.NewCipher([]byte(f.apiV3Key))
	aead, _ := cipher.NewGCM(block)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, nonce := r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderNonce)
		msg := ts + "\n" + nonce + "\n" + string(body) + "\n"
		if err := f.verifier.Verify(r.Context(), r.Header.Get(notify.HeaderSerial), msg, r.Header.Get(notify.HeaderSignature)); err != nil {
			panic(err)
		}
		var env notify.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			panic(err)
		}
		ct, _ := base64.StdEncoding.DecodeString(env.Resource.Ciphertext)
		pt, err := aead.Open(ct[:0], []byte(env.Resource.Nonce), ct, []byte(env.Resource.AssociatedData))
		if err != nil {
			panic(err)
		}
		var d acquiringbank.AuthorizationNotifyData
		if err := json.Unmarshal(pt, &d); err != nil {
			panic(err)
		}
		if d.SubOpenID == "" {
			panic("decoded nothing")
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// store is a backend: newStore returns a store with no state for the
// batch's ids (reset between passes, untimed).
type store struct {
	name     string
	newStore func(b *testing.B) (s dedupe.Store, reset func())
}

func stores() []store {
	return []store{
		{"memory", func(*testing.B) (dedupe.Store, func()) {
			var cur atomic.Pointer[dedupe.MemoryStore]
			cur.Store(dedupe.NewMemoryStore())
			return rotating{&cur}, func() { cur.Store(dedupe.NewMemoryStore()) }
		}},
		{"redis", func(b *testing.B) (dedupe.Store, func()) {
			addr := os.Getenv(testkit.EnvRedis)
			if addr == "" {
				b.Skipf("SKIP: %s is not set", testkit.EnvRedis)
			}
			rdb := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 80})
			b.Cleanup(func() { _ = rdb.Close() })
			n := 0
			s := &swap{}
			reset := func() {
				n++
				s.cur.Store(redisstore.New(rdb, redisstore.WithPrefix("bench:"+strconv.FormatInt(time.Now().UnixNano(), 36)+":"+strconv.Itoa(n)+":")))
			}
			reset()
			return s, reset
		}},
		{"postgres", func(b *testing.B) (dedupe.Store, func()) {
			dsn := os.Getenv(testkit.EnvPostgres)
			if dsn == "" {
				b.Skipf("SKIP: %s is not set", testkit.EnvPostgres)
			}
			cfg, err := pgxpool.ParseConfig(dsn)
			if err != nil {
				b.Fatal(err)
			}
			cfg.MaxConns = 80
			pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(pool.Close)
			table := "bench_dedupe_" + strconv.FormatInt(time.Now().UnixNano(), 36)
			s, err := pgstore.New(context.Background(), pool, pgstore.WithTable(table), pgstore.WithPurgeInterval(-1))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP TABLE "+table) })
			return s, func() {
				if _, err := pool.Exec(context.Background(), "TRUNCATE "+table); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
}

type rotating struct {
	cur *atomic.Pointer[dedupe.MemoryStore]
}

func (r rotating) Begin(ctx context.Context, id string) (dedupe.Claim, error) {
	return r.cur.Load().Begin(ctx, id)
}
func (r rotating) Complete(ctx context.Context, c dedupe.Claim) error {
	return r.cur.Load().Complete(ctx, c)
}
func (r rotating) Release(ctx context.Context, c dedupe.Claim) error {
	return r.cur.Load().Release(ctx, c)
}

type swap struct {
	cur atomic.Pointer[redisstore.Store]
}

func (s *swap) Begin(ctx context.Context, id string) (dedupe.Claim, error) {
	return s.cur.Load().Begin(ctx, id)
}
func (s *swap) Complete(ctx context.Context, c dedupe.Claim) error {
	return s.cur.Load().Complete(ctx, c)
}
func (s *swap) Release(ctx context.Context, c dedupe.Claim) error {
	return s.cur.Load().Release(ctx, c)
}

// pass delivers the whole batch through h with c concurrent deliveries and
// returns the elapsed time.
func pass(b *testing.B, f *fixture, h http.Handler, c int) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(f.deliveries)) {
					return
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, f.deliveries[i].request())
				if w.Code != http.StatusNoContent {
					b.Errorf("status %d: %s", w.Code, w.Body)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

func BenchmarkNotifyStores(b *testing.B) {
	f := getFixture(b)
	floor := f.floor()
	for _, st := range stores() {
		for _, c := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("%s/c=%d", st.name, c), func(b *testing.B) {
				s, reset := st.newStore(b)
				h, err := acquiringbank.NewAuthorizationNotifyHandler(f.parser, s, acquiringbank.AuthorizationNotifyHandlers{
					OnUserOpenService:  func(context.Context, *acquiringbank.UserOpenServiceEvent) error { return nil },
					OnUserCloseService: func(context.Context, *acquiringbank.UserCloseServiceEvent) error { return nil },
					OnInvalid:          func(context.Context, *notify.Invalid) error { panic("invalid") },
				}, notify.WithLogger(slog.New(slog.DiscardHandler)))
				if err != nil {
					b.Fatal(err)
				}
				pass(b, f, h, c) // warm connections and caches
				reset()
				pass(b, f, floor, c)
				var ours, base time.Duration
				passes := 0
				for b.Loop() {
					if passes%2 == 0 {
						ours += pass(b, f, h, c)
						base += pass(b, f, floor, c)
					} else {
						base += pass(b, f, floor, c)
						ours += pass(b, f, h, c)
					}
					b.StopTimer()
					reset()
					b.StartTimer()
					passes++
				}
				n := float64(passes * len(f.deliveries))
				b.ReportMetric(n/ours.Seconds(), "notif/s")
				b.ReportMetric(n/base.Seconds(), "floor-notif/s")
				b.ReportMetric(float64(ours)/float64(base), "ratio")
				b.ReportMetric(0, "ns/op") // a pass is two batches: per-op time is meaningless here
			})
		}
	}
}
