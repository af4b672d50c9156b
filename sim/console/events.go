package console

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Live updates: GET /console/events is a server-sent event stream with one
// "change" event after each change of the simulator's state (coalesced over
// changeSettle); the page's script then fetches itself again.

const (
	changeSettle = 50 * time.Millisecond
	heartbeat    = 15 * time.Second
)

func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// Watch before answering: a change made once the client sees the stream
	// open must not be missed.
	simCh, ownCh := c.sim.Changed(), c.changes()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	fmt.Fprint(w, "retry: 1000\n\n")
	fl.Flush()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	n := 0
	for {
		select {
		case <-simCh:
		case <-ownCh:
		case <-beat.C:
			fmt.Fprint(w, ": ping\n\n")
			fl.Flush()
			continue
		case <-r.Context().Done():
			return
		case <-c.sim.Done():
			return
		}
		// Several changes usually come together (an attempt and its retry).
		t := time.NewTimer(changeSettle)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		simCh, ownCh = c.sim.Changed(), c.changes()
		n++
		fmt.Fprintf(w, "event: change\ndata: %d\n\n", n)
		fl.Flush()
	}
}

// changes returns a channel closed at the console's own next change (the
// jump inbox).
func (c *Console) changes() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}

func (c *Console) touch() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed != nil {
		close(c.changed)
	}
	c.changed = make(chan struct{})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
