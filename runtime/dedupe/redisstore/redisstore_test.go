package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/payscoregen/payscoregen/internal/testkit"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/dedupe/redisstore"
	"github.com/payscoregen/payscoregen/runtime/dedupe/storetest"
)

// client connects to PAYSCOREGEN_TEST_REDIS, or skips.
func client(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testkit.RedisAddr(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("%s is set but Redis does not answer: %v", testkit.EnvRedis, err)
	}
	return rdb
}

func TestRedisContract(t *testing.T) {
	rdb := client(t)
	storetest.Run(t, func(t *testing.T, claim, retention time.Duration) dedupe.Store {
		return redisstore.New(rdb, redisstore.WithClaimTimeout(claim), redisstore.WithRetention(retention))
	})
}

// The keys expire in Redis itself: a claim after the claim timeout, a done
// marker after the retention.
func TestRedisKeyTTLs(t *testing.T) {
	rdb := client(t)
	ctx := context.Background()
	s := redisstore.New(rdb, redisstore.WithPrefix("ttl-test:"))
	id := "EV-" + time.Now().Format("150405.000000000")
	c := storetest.Begin(t, s, id, dedupe.Acquired)
	ttl := rdb.PTTL(ctx, "ttl-test:"+id).Val()
	if ttl <= 0 || ttl > dedupe.DefaultClaimTimeout {
		t.Fatalf("claim TTL = %v, want at most %v", ttl, dedupe.DefaultClaimTimeout)
	}
	if err := s.Complete(ctx, c); err != nil {
		t.Fatal(err)
	}
	ttl = rdb.PTTL(ctx, "ttl-test:"+id).Val()
	if ttl < dedupe.DefaultRetention-time.Minute || ttl > dedupe.DefaultRetention {
		t.Fatalf("done TTL = %v, want about %v", ttl, dedupe.DefaultRetention)
	}
	rdb.Del(ctx, "ttl-test:"+id)
}
