package notify

import (
	"context"
	"sync"
	"time"
)

// claimContext is the context a callback runs under: its parent's values,
// never its parent's cancellation (WeChat hanging up must not stop the
// work), and the claim's deadline. It is context.WithDeadline without the
// up-front cost: the timer that closes Done is started only when someone
// asks for Done, which most callbacks never do, and Err reads the clock.
// One allocation per notification instead of a timer, a cancel context and
// their closures.
type claimContext struct {
	context.Context // the parent, detached by context.WithoutCancel

	deadline time.Time

	mu    sync.Mutex
	done  chan struct{} // made by the first Done
	timer *time.Timer   // closes done at the deadline
	err   error         // set once: DeadlineExceeded or Canceled
}

func newClaimContext(parent context.Context, deadline time.Time) *claimContext {
	return &claimContext{Context: context.WithoutCancel(parent), deadline: deadline}
}

func (c *claimContext) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *claimContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		switch d := time.Until(c.deadline); {
		case c.err != nil:
			close(c.done)
		case d <= 0:
			c.err = context.DeadlineExceeded
			close(c.done)
		default:
			c.timer = time.AfterFunc(d, func() { c.end(context.DeadlineExceeded) })
		}
	}
	return c.done
}

func (c *claimContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.endLocked(context.DeadlineExceeded)
	}
	return c.err
}

// cancel ends the context when the handler returns, as the cancel func of
// context.WithDeadline does, and stops the timer.
func (c *claimContext) cancel() { c.end(context.Canceled) }

func (c *claimContext) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(err)
}

func (c *claimContext) endLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
	}
}

func (c *claimContext) String() string { return "notify.claimContext" }
