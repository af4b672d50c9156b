package testkit

import (
	"os"
	"testing"
)

// Environment variables naming the servers of the service tests. .ci/run
// (through .ci/services.sh) starts both on loopback and sets all three.
const (
	EnvRedis           = "PAYSCOREGEN_TEST_REDIS"       // host:port
	EnvPostgres        = "PAYSCOREGEN_TEST_POSTGRES"    // a DSN, postgres://user@host:port/db?sslmode=disable
	EnvRequireServices = "PAYSCOREGEN_REQUIRE_SERVICES" // "1": a missing server fails the test instead of skipping it
)

// RedisAddr returns the Redis address of the service tests, or skips t
// (fails it under PAYSCOREGEN_REQUIRE_SERVICES=1) when none is set.
func RedisAddr(t testing.TB) string { return service(t, EnvRedis, "Redis server") }

// PostgresDSN returns the PostgreSQL DSN of the service tests, or skips t
// (fails it under PAYSCOREGEN_REQUIRE_SERVICES=1) when none is set.
func PostgresDSN(t testing.TB) string { return service(t, EnvPostgres, "PostgreSQL server") }

func service(t testing.TB, env, what string) string {
	t.Helper()
	if v := os.Getenv(env); v != "" {
		return v
	}
	if os.Getenv(EnvRequireServices) == "1" {
		t.Fatalf("%s is not set but %s=1: this test needs a %s (.ci/services.sh starts one)", env, EnvRequireServices, what)
	}
	t.Skipf("SKIP: %s is not set, so there is no %s to test against; run `bash .ci/services.sh go test ...` to start one", env, what)
	return ""
}
