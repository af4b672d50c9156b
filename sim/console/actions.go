package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/wxtime"
	"github.com/payscoregen/payscoregen/sim"
)

// Actions are HTML form posts answered with a redirect back to the page
// (303), carrying a one-line outcome in ?done= or ?error=, so they work
// without the script and a reload never repeats them.

// maxForm bounds a form body; the largest is a pasted jump payload.
const maxForm = maxJumpInput + 4<<10

func (c *Console) form(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "console: cannot read the form: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// back redirects to the page named by the form's "back" (a path of this
// console), with the outcome.
func back(w http.ResponseWriter, r *http.Request, fallback, done string, err error) {
	to := r.PostFormValue("back")
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.ContainsAny(to, "\\?#") {
		to = fallback
	}
	q := url.Values{}
	if err != nil {
		q.Set("error", err.Error())
	} else {
		q.Set("done", done)
	}
	frag := r.PostFormValue("anchor")
	if frag != "" && !strings.ContainsAny(frag, "\"<> #") {
		frag = "#" + frag
	} else {
		frag = ""
	}
	http.Redirect(w, r, to+"?"+q.Encode()+frag, http.StatusSeeOther)
}

func (c *Console) actAuthorize(w http.ResponseWriter, r *http.Request) {
	if !c.form(w, r) {
		return
	}
	ref := r.PostFormValue("ref")
	openid := strings.TrimSpace(r.PostFormValue("openid"))
	opts := []sim.UserOption{sim.WithUserLabel(r.PostFormValue("user_label"))}
	a, err := c.sim.Authorize(ref, openid, opts...)
	if err != nil {
		back(w, r, pathAuthorizations, "", err)
		return
	}
	back(w, r, pathAuthorizations, fmt.Sprintf("%s authorized by %s (AVAILABLE). %s",
		a.AuthorizationCode, openid, c.firstAttempt(a, sim.EventUserOpenService)), nil)
}

func (c *Console) actRevoke(w http.ResponseWriter, r *http.Request) {
	if !c.form(w, r) {
		return
	}
	a, err := c.sim.Revoke(r.PostFormValue("ref"))
	if err != nil {
		back(w, r, pathAuthorizations, "", err)
		return
	}
	back(w, r, pathAuthorizations, fmt.Sprintf("%s revoked by the user (UNAVAILABLE). %s",
		a.AuthorizationCode, c.firstAttempt(a, sim.EventUserCloseService)), nil)
}

// firstAttempt describes the latest notification of event about a.
func (c *Console) firstAttempt(a sim.Authorization, event string) string {
	ds := c.sim.Deliveries()
	for i := len(ds) - 1; i >= 0; i-- {
		d := ds[i]
		if d.MchID != a.MchID || d.AuthorizationCode != a.AuthorizationCode || d.EventType != event {
			continue
		}
		return event + " " + attemptText(d)
	}
	return ""
}

func attemptText(d sim.Delivery) string {
	if len(d.Attempts) == 0 {
		return "is queued."
	}
	at := d.Attempts[len(d.Attempts)-1]
	switch {
	case at.OK:
		return fmt.Sprintf("delivered: the merchant answered %d.", at.Status)
	case at.Error != "":
		return fmt.Sprintf("attempt %d failed (%s); see Notifications for the retries.", at.N, at.Error)
	default:
		return fmt.Sprintf("attempt %d: the merchant answered %d; see Notifications for the retries.", at.N, at.Status)
	}
}

func (c *Console) actRedeliver(w http.ResponseWriter, r *http.Request) {
	if !c.form(w, r) {
		return
	}
	id := r.PostFormValue("id")
	a, err := c.sim.Redeliver(id)
	if err != nil {
		back(w, r, pathDeliveries, "", err)
		return
	}
	outcome := fmt.Sprintf("the merchant answered %d", a.Status)
	if a.Error != "" {
		outcome = "it failed: " + a.Error
	}
	back(w, r, pathDeliveries, fmt.Sprintf("%s redelivered (attempt %d): %s.", id, a.N, outcome), nil)
}

func (c *Console) actAdvance(w http.ResponseWriter, r *http.Request) {
	if !c.form(w, r) {
		return
	}
	in := strings.TrimSpace(r.PostFormValue("duration"))
	var d time.Duration
	if in == "next" {
		v := c.sim.View()
		var next time.Time
		for _, dv := range v.Deliveries {
			if dv.State == sim.DeliveryPending && (next.IsZero() || dv.NextAttempt.Before(next)) {
				next = dv.NextAttempt
			}
		}
		if next.IsZero() {
			back(w, r, pathDeliveries, "", errors.New("no retry is pending"))
			return
		}
		d = max(next.Sub(v.Now), 0)
	} else {
		var err error
		if d, err = time.ParseDuration(in); err != nil || d < 0 {
			back(w, r, pathDeliveries, "", fmt.Errorf(`duration %q: give a non-negative duration such as 15s, 3m or 1h30m`, in))
			return
		}
	}
	before := attemptsMade(c.sim.Deliveries())
	c.sim.Advance(d)
	made := attemptsMade(c.sim.Deliveries()) - before
	back(w, r, pathDeliveries, fmt.Sprintf("Clock advanced by %s to %s (China time); %d delivery attempt(s) fell due and were made.",
		shortDur(d), c.sim.Clock().Now().In(wxtime.China).Format("2006-01-02 15:04:05"), made), nil)
}

func attemptsMade(ds []sim.Delivery) int {
	n := 0
	for _, d := range ds {
		n += len(d.Attempts)
	}
	return n
}

func (c *Console) actFault(w http.ResponseWriter, r *http.Request) {
	if !c.form(w, r) {
		return
	}
	op := r.PostFormValue("operation")
	var err error
	var done string
	switch r.PathValue("action") {
	case "add":
		f := sim.Fault{Operation: op, Code: r.PostFormValue("code")}
		if f.Count, err = formInt(r, "count", 1); err == nil {
			if l := strings.TrimSpace(r.PostFormValue("latency")); l != "" {
				if f.Latency, err = time.ParseDuration(l); err != nil {
					err = fmt.Errorf("latency %q: give a duration such as 200ms or 2s", l)
				}
			}
		}
		if err == nil {
			err = c.sim.InjectFault(f)
		}
		done = fmt.Sprintf("Queued for %s: %s", op, faultText(f))
	case "count":
		var i, n int
		if i, err = formInt(r, "index", 0); err == nil {
			if n, err = formInt(r, "count", 0); err == nil {
				err = c.sim.SetFaultCount(op, i, n)
			}
		}
		done = fmt.Sprintf("The fault now affects the next %d call(s) of %s.", n, op)
	case "remove":
		var i int
		if i, err = formInt(r, "index", 0); err == nil {
			err = c.sim.RemoveFault(op, i)
		}
		done = "Fault removed from " + op + "."
	case "clear":
		c.sim.ClearFaults()
		done = "Every fault cleared."
	default:
		http.NotFound(w, r)
		return
	}
	back(w, r, pathFaults, done, err)
}

func faultText(f sim.Fault) string {
	var parts []string
	if f.Code != "" {
		parts = append(parts, f.Code)
	}
	if f.Latency > 0 {
		parts = append(parts, "latency "+f.Latency.String())
	}
	return fmt.Sprintf("%s for %d call(s).", strings.Join(parts, " after "), max(f.Count, 1))
}

func formInt(r *http.Request, name string, def int) (int, error) {
	s := strings.TrimSpace(r.PostFormValue(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a whole number", name, s)
	}
	return n, nil
}

func (c *Console) actOrder(w http.ResponseWriter, r *http.Request) {
	if !c.form(w, r) {
		return
	}
	if c.orders == nil {
		back(w, r, pathOrders, "", errNoOrders)
		return
	}
	ref := r.PostFormValue("ref")
	var o Order
	var err error
	var done string
	switch r.PathValue("action") {
	case "confirm":
		if o, err = c.orders.ConfirmOrder(ref, strings.TrimSpace(r.PostFormValue("openid"))); err == nil {
			done = fmt.Sprintf("%s confirmed by the user (%s/%s). The confirm-order jump hands {\"query_id\":%q} back to the merchant's mini program. %s",
				o.OutOrderNo, o.State, o.StateDescription, o.QueryID, c.orderAttempt(o, sim.EventUserConfirm))
		}
	case "pay":
		if o, err = c.orders.PayOrder(ref); err == nil {
			done = fmt.Sprintf("%s paid by the user (%s). %s", o.OutOrderNo, o.State, c.orderAttempt(o, sim.EventUserPaid))
		}
	case "expire":
		o, err = c.orders.ExpireOrder(ref)
		done = fmt.Sprintf("%s expired (%s).", o.OutOrderNo, o.State)
	case "prepay":
		err = c.orders.RequestPrepay(ref)
		done = "PAYSCORE.MCH_PREPAY queued for " + ref + "; see Notifications."
	default:
		http.NotFound(w, r)
		return
	}
	back(w, r, pathOrders, done, err)
}

// orderAttempt describes the latest notification of event about o, once its
// first attempt is made: the simulator sends order notifications in the
// background, after answering.
func (c *Console) orderAttempt(o Order, event string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	_ = c.sim.Flush(ctx) // on timeout the text says the notification is queued
	ds := c.sim.Deliveries()
	for i := len(ds) - 1; i >= 0; i-- {
		if d := ds[i]; d.MchID == o.MchID && d.OutOrderNo == o.OutOrderNo && d.EventType == event {
			return event + " " + attemptText(d)
		}
	}
	return ""
}
