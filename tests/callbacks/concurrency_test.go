package callbacks_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
)

// Many goroutines deliver a mix of the same and different notifications to
// one handler, each retrying like WeChat until it is acknowledged: every
// notification's callback runs exactly once, every delivery ends
// acknowledged, and a callback that fails once is run again.
func TestConcurrentSameAndDifferentNotifications(t *testing.T) {
	const (
		distinct   = 25               // notifications
		deliveries = 8                // concurrent deliveries of each
		patience   = 20 * time.Second // per delivery; WeChat retries for 3 days, a test does not
	)
	f := newFixture(t, publicKeyMode)
	bodies := make([][]byte, distinct)
	for i := range bodies {
		eventType, plain := acquiringbank.UserOpenServiceEventType, f.openPlaintext()
		if i%2 == 1 {
			eventType, plain = acquiringbank.UserCloseServiceEventType, f.closePlaintext()
		}
		bodies[i] = f.seal(t, envelope(fmt.Sprintf("EV-CONC-%03d", i), eventType), plain)
	}

	var mu sync.Mutex
	runs := map[string]int{}
	failedOnce := map[string]bool{}
	var failures atomic.Int32
	record := func(id string) error {
		mu.Lock()
		defer mu.Unlock()
		// The first run of every third notification fails, so its claim
		// must be released and a later delivery must run it again.
		var n int
		fmt.Sscanf(id, "EV-CONC-%d", &n)
		if n%3 == 0 && !failedOnce[id] {
			failedOnce[id] = true
			failures.Add(1)
			return fmt.Errorf("database briefly down")
		}
		runs[id]++
		return nil
	}
	h := f.handler(acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			return record(ev.Envelope.ID)
		},
		OnUserCloseService: func(_ context.Context, ev *acquiringbank.UserCloseServiceEvent) error {
			return record(ev.Envelope.ID)
		},
	})

	// Each notification is signed once; every try is a fresh request with
	// those headers (a retry's new nonce changes nothing the handler checks,
	// and RSA signing under -race is slow).
	signed := make([]*http.Request, distinct)
	for i, body := range bodies {
		signed[i] = f.request(t, body)
	}
	try := func(i int) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/payscore/notify", bytes.NewReader(bodies[i]))
		r.Header = signed[i].Header.Clone()
		return r
	}
	type delivery struct{ notification int }
	all := make([]delivery, 0, distinct*deliveries)
	for i := range bodies {
		for range deliveries {
			all = append(all, delivery{i})
		}
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	unacked := atomic.Int32{}
	statuses := sync.Map{}
	for _, d := range all {
		wg.Add(1)
		go func(d delivery) {
			defer wg.Done()
			<-start
			deadline := time.Now().Add(patience)
			for pause := time.Millisecond; time.Now().Before(deadline); pause = min(2*pause, 50*time.Millisecond) {
				w := serve(h, try(d.notification))
				statuses.Store(w.Code, true)
				if w.Code == http.StatusNoContent {
					return
				}
				if w.Code != http.StatusServiceUnavailable && w.Code != http.StatusInternalServerError {
					t.Errorf("unexpected reply %d %s", w.Code, w.Body)
					return
				}
				time.Sleep(pause) // WeChat waits before it retries, too
			}
			unacked.Add(1)
		}(d)
	}
	close(start)
	wg.Wait()

	if n := unacked.Load(); n != 0 {
		t.Errorf("%d deliveries never acknowledged within %s", n, patience)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != distinct {
		t.Errorf("%d notifications processed, want %d", len(runs), distinct)
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("%s processed %d times", id, n)
		}
	}
	if want := int32((distinct + 2) / 3); failures.Load() != want {
		t.Errorf("%d injected failures, want %d", failures.Load(), want)
	}
	assertNoSecrets(t, "logs", f.logs.String(), f.secrets(bodies...))
}
