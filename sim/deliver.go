package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// Event types of the authorization callback (spec: authorization_notify).
const (
	EventUserOpenService  = "PAYSCORE.USER_OPEN_SERVICE"
	EventUserCloseService = "PAYSCORE.USER_CLOSE_SERVICE"
)

// summaries are the envelope's summary per event, as in the doc's example
// (回调摘要, 示例值 授权成功).
var summaries = map[string]string{
	EventUserOpenService:  "授权成功",
	EventUserCloseService: "解除授权成功",
}

// DeliveryState is where a notification is in its delivery schedule.
type DeliveryState string

const (
	// DeliveryPending: not acknowledged yet; NextAttempt says when the next
	// scheduled attempt is.
	DeliveryPending DeliveryState = "pending"
	// DeliveryDone: the merchant answered a success status (200 or 204).
	DeliveryDone DeliveryState = "delivered"
	// DeliveryAbandoned: not acknowledged within the schedule's max_age (72h).
	DeliveryAbandoned DeliveryState = "abandoned"
)

// Delivery is the log of one notification.
type Delivery struct {
	ID                string          `json:"id"` // the envelope id
	EventType         string          `json:"event_type"`
	MchID             string          `json:"mchid"`
	AuthorizationCode string          `json:"authorization_code,omitempty"`
	OutOrderNo        string          `json:"out_order_no,omitempty"` // order notifications
	URL               string          `json:"notify_url"`
	CreateTime        time.Time       `json:"create_time"`
	Plaintext         json.RawMessage `json:"plaintext"` // the decrypted resource
	State             DeliveryState   `json:"state"`
	NextAttempt       time.Time       `json:"next_attempt,omitzero"` // simulated time; zero unless pending
	Attempts          []Attempt       `json:"attempts"`
}

// Attempt is one POST of a notification.
type Attempt struct {
	N  int       `json:"n"`  // 1-based, in the order made
	At time.Time `json:"at"` // simulated time: the scheduled time of a scheduled attempt
	// Redelivery marks an attempt made by Redeliver, outside the schedule.
	Redelivery bool `json:"redelivery,omitempty"`
	// Status is the merchant's HTTP status, 0 when there was no answer.
	Status int `json:"status"`
	// OK: Status is a success status of the spec's ack (200, 204).
	OK bool `json:"ok"`
	// Error is the transport error or refusal, Reply the start of the
	// merchant's answer body (empty for a 204).
	Error string `json:"error,omitempty"`
	Reply string `json:"reply,omitempty"`
}

// notification is a queued notification and its schedule.
type notification struct {
	Delivery
	cb       *callbackSpec // the callback it belongs to: ack statuses and schedule
	seq      int
	body     []byte // sealed envelope, the same bytes on every attempt
	due      time.Time
	k        int // index of the next scheduled attempt
	inflight bool
}

// newNotificationLocked builds, checks and queues a notification about a;
// its first attempt is due now (the schedule's first interval, 0s).
func (s *Simulator) newNotificationLocked(a *authorization, event string, now time.Time) (*notification, error) {
	cb := s.authCallback(a)
	values := map[string]string{
		"appid":               a.AppID,
		"mchid":               a.MchID,
		"sub_appid":           a.SubAppID,
		"sub_mchid":           a.SubMchID,
		"channel_id":          a.ChannelID,
		"service_id":          a.ServiceID,
		"user_service_status": strings.TrimPrefix(event, "PAYSCORE."),
		"openorclose_time":    now.In(wxtime.China).Format(wxtime.ChinaTimeLayout),
		"authorization_code":  a.AuthorizationCode,
	}
	// 传了sub_appid的情况下则只返回sub_openid.
	if a.SubAppID != "" {
		values["sub_openid"] = a.SubOpenID
	} else {
		values["openid"] = a.OpenID
	}
	plaintext, err := encodeStrings("notification plaintext", cb.plaintext, values)
	if err == nil {
		var c validate.Collector
		cb.checkOneOf(&c, values)
		err = c.Err("notification plaintext")
	}
	if err != nil {
		return nil, fmt.Errorf("sim: the notification would break the spec: %w", err)
	}
	id := "EV-" + now.In(wxtime.China).Format("20060102150405") + notifytest.RandomString(12)
	env := notify.Envelope{
		ID:           id,
		CreateTime:   now.In(wxtime.China).Format(time.RFC3339),
		EventType:    event,
		ResourceType: "encrypt-resource",
		Summary:      summaries[event],
	}
	body, err := notifytest.SealEnvelope(s.cfg.apiV3Key, env, plaintext)
	if err != nil {
		return nil, fmt.Errorf("sim: seal notification: %w", err)
	}
	first, _ := cb.delay(0)
	n := &notification{
		cb: cb,
		Delivery: Delivery{
			ID:                id,
			EventType:         event,
			MchID:             a.MchID,
			AuthorizationCode: a.AuthorizationCode,
			URL:               a.NotifyURL,
			CreateTime:        now,
			Plaintext:         plaintext,
			State:             DeliveryPending,
		},
		seq:  len(s.notes),
		body: body,
		due:  now.Add(first),
	}
	s.notes = append(s.notes, n)
	s.notesByID[id] = n
	s.notifyChangedLocked()
	return n, nil
}

// runDue makes every scheduled attempt that is due on the clock, oldest
// first, repeating until nothing is due: an Advance of hours replays the
// whole schedule in order. Attempts of one notification never overlap.
func (s *Simulator) runDue() {
	// Bounded: each round makes at least one attempt, and a notification has
	// fewer than 100 scheduled attempts in 72h.
	for round := 0; round < 1000; round++ {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		now := s.cfg.clock.Now()
		s.expireOrdersLocked(now)
		var due []*notification
		for _, n := range s.notes {
			if n.State == DeliveryPending && !n.inflight && !n.due.After(now) {
				due = append(due, n)
			}
		}
		if len(due) == 0 {
			s.mu.Unlock()
			return
		}
		sort.SliceStable(due, func(i, j int) bool {
			if !due[i].due.Equal(due[j].due) {
				return due[i].due.Before(due[j].due)
			}
			return due[i].seq < due[j].seq
		})
		for _, n := range due {
			n.inflight = true
			s.inflight++
		}
		s.mu.Unlock()
		for _, n := range due {
			s.attempt(n, false)
		}
	}
}

// goRunDue runs runDue in the background (after an API answer).
func (s *Simulator) goRunDue() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.runDue()
	}()
}

// attempt posts n once; n is marked inflight by the caller.
func (s *Simulator) attempt(n *notification, redelivery bool) Attempt {
	at := n.due
	if redelivery {
		at = s.cfg.clock.Now()
	}
	status, reply, err := s.post(n)
	ok := err == nil && slices.Contains(n.cb.success, status)

	s.mu.Lock()
	defer s.mu.Unlock()
	a := Attempt{N: len(n.Attempts) + 1, At: at, Redelivery: redelivery, Status: status, OK: ok}
	if err != nil {
		a.Error = err.Error()
	} else {
		a.Reply = reply
	}
	n.Attempts = append(n.Attempts, a)
	switch {
	case ok:
		n.State = DeliveryDone
	case redelivery:
		// Outside the schedule: a failed redelivery changes nothing.
	default:
		n.k++
		d, more := n.cb.delay(n.k)
		next := n.due.Add(d)
		if !more || next.Sub(n.CreateTime) > n.cb.maxAge && n.cb.maxAge > 0 {
			n.State = DeliveryAbandoned
		} else {
			n.due = next
		}
	}
	n.inflight = false
	s.inflight--
	s.notifyChangedLocked()
	s.cfg.log.Info("sim: notification", slog.String("id", n.ID), slog.String("event_type", n.EventType),
		slog.Int("attempt", a.N), slog.Bool("redelivery", redelivery), slog.Int("status", status),
		slog.Bool("ok", ok), slog.String("error", a.Error))
	return a
}

// post sends the notification with fresh Wechatpay-* headers, signed with
// the platform key at the wall-clock time (parsers check it against
// time.Now).
func (s *Simulator) post(n *notification) (status int, reply string, err error) {
	u, err := url.Parse(n.URL)
	if err != nil {
		return 0, "", fmt.Errorf("bad notify_url: %w", err)
	}
	if !s.cfg.remoteCallbacks && !isLoopbackHost(u.Hostname()) {
		return 0, "", fmt.Errorf("refused: notify_url host %q is not a loopback address (see sim.WithRemoteCallbacks)", u.Hostname())
	}
	if s.cfg.plainHTTPCallbacks && u.Scheme == "https" && isLoopbackHost(u.Hostname()) {
		u.Scheme = "http" // WithPlainHTTPCallbacks
	}
	ctx, cancel := context.WithTimeout(context.Background(), n.cb.deadline)
	defer cancel()
	req, err := s.notif.NewRequest(ctx, u.String(), n.body)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("User-Agent", "payscoregen-sim")
	resp, err := s.cfg.callbackClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, string(b), nil
}

// Redeliver sends notification id once more, outside the schedule, to
// exercise the merchant's duplicate handling: the same body (same id) with
// fresh signature headers. A success also ends a pending schedule.
func (s *Simulator) Redeliver(id string) (Attempt, error) {
	deadline := time.Now().Add(max(s.cb.deadline, s.orderCB.deadline) + time.Second)
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return Attempt{}, ErrClosed
		}
		n := s.notesByID[id]
		if n == nil {
			s.mu.Unlock()
			return Attempt{}, fmt.Errorf("%w: notification %q", ErrNotFound, id)
		}
		if !n.inflight {
			n.inflight = true
			s.inflight++
			s.mu.Unlock()
			return s.attempt(n, true), nil
		}
		ch := s.changed
		s.mu.Unlock()
		wait := time.Until(deadline)
		if wait <= 0 {
			return Attempt{}, ErrDeliveryBusy
		}
		t := time.NewTimer(wait)
		select {
		case <-ch:
			t.Stop()
		case <-t.C:
		}
	}
}

// Flush makes every attempt that is due and waits until no delivery is in
// flight, e.g. after a terminate call, whose notification is sent in the
// background as WeChat does.
func (s *Simulator) Flush(ctx context.Context) error {
	for {
		s.runDue()
		s.mu.Lock()
		busy := s.inflight > 0
		ch := s.changed
		s.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Deliveries returns the delivery log, oldest notification first.
func (s *Simulator) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.notes))
	for i, n := range s.notes {
		out[i] = n.snapshot()
	}
	return out
}

// Delivery returns the log of one notification.
func (s *Simulator) Delivery(id string) (Delivery, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.notesByID[id]
	if n == nil {
		return Delivery{}, false
	}
	return n.snapshot(), true
}

func (n *notification) snapshot() Delivery {
	d := n.Delivery
	d.Attempts = slices.Clone(n.Attempts)
	d.Plaintext = slices.Clone(n.Plaintext)
	if d.State == DeliveryPending {
		d.NextAttempt = n.due
	}
	return d
}

// Schedule returns the simulated times of the scheduled attempts of a
// notification created at created, as the spec's retry rules give them
// (intervals, then every `then`, up to max_age).
func (s *Simulator) Schedule(created time.Time) []time.Time {
	var out []time.Time
	t := created
	for k := 0; k < 10000; k++ {
		d, more := s.cb.delay(k)
		if !more {
			break
		}
		t = t.Add(d)
		if s.cb.maxAge > 0 && t.Sub(created) > s.cb.maxAge {
			break
		}
		out = append(out, t)
	}
	return out
}

func (s *Simulator) notifyChangedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
