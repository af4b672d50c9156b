package dedupe_test

import (
	"context"
	"fmt"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
)

// How a notification handler uses a Store: claim the id, process, then
// Complete (or Release on failure so WeChat's retry is processed).
func ExampleMemoryStore() {
	ctx := context.Background()
	store := dedupe.NewMemoryStore() // one process only; use a database-backed Store for several

	first, _ := store.Begin(ctx, "EV-1")
	second, _ := store.Begin(ctx, "EV-1") // a concurrent duplicate delivery
	fmt.Println(first.State, second.State)

	_ = store.Release(ctx, first) // processing failed: WeChat will retry
	retry, _ := store.Begin(ctx, "EV-1")
	_ = store.Complete(ctx, retry)
	later, _ := store.Begin(ctx, "EV-1") // a redelivery after success
	fmt.Println(retry.State, later.State)
	// Output:
	// Acquired InProgress
	// Acquired Done
}
