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
	fmt.Println(first, second)

	_ = store.Release(ctx, "EV-1") // processing failed: WeChat will retry
	retry, _ := store.Begin(ctx, "EV-1")
	_ = store.Complete(ctx, "EV-1")
	later, _ := store.Begin(ctx, "EV-1") // a redelivery after success
	fmt.Println(retry, later)
	// Output:
	// Acquired InProgress
	// Acquired Done
}
