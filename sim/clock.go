package sim

import (
	"slices"
	"sync"
	"time"
)

// Clock is the simulator's business time: token expiry, authorization and
// cancellation times, notification create_time and openorclose_time, and the
// callback retry schedule. Tests advance it instead of sleeping.
//
// Signature timestamps (the merchant's Authorization header, Wechatpay-Timestamp
// on responses and notifications) always use the real wall clock, because
// wechatpay-go and notification parsers check them against time.Now.
type Clock struct {
	mu        sync.Mutex
	wall      bool          // real time plus offset; else a manual clock at now
	now       time.Time     // manual clocks
	offset    time.Duration // wall clocks
	listeners map[int]func()
	nextID    int
}

// NewClock returns a manual clock stopped at start: only Advance moves it,
// which makes every schedule deterministic.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// WallClock returns a clock that follows real time; Advance adds to it. It is
// the simulator's default (what `payscoregen sim` uses).
func WallClock() *Clock {
	return &Clock{wall: true}
}

// Now returns the current simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wall {
		return time.Now().Add(c.offset)
	}
	return c.now
}

// Advance moves the clock forward by d, then runs what became due in every
// simulator using the clock (callback retries) before returning. A negative d
// panics: time does not go back.
func (c *Clock) Advance(d time.Duration) {
	if d < 0 {
		panic("sim: Clock.Advance with a negative duration")
	}
	c.mu.Lock()
	if c.wall {
		c.offset += d
	} else {
		c.now = c.now.Add(d)
	}
	ids := make([]int, 0, len(c.listeners))
	for id := range c.listeners {
		ids = append(ids, id)
	}
	slices.Sort(ids) // registration order
	fs := make([]func(), len(ids))
	for i, id := range ids {
		fs[i] = c.listeners[id]
	}
	c.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// isWall reports whether the clock follows real time (and so needs a
// background loop to deliver retries when they fall due).
func (c *Clock) isWall() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall
}

// listen registers f to run after every Advance; the returned func removes it.
func (c *Clock) listen(f func()) (remove func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.listeners == nil {
		c.listeners = map[int]func(){}
	}
	id := c.nextID
	c.nextID++
	c.listeners[id] = f
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.listeners, id)
	}
}
