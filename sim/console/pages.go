package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/wxtime"
	"github.com/payscoregen/payscoregen/sim"
)

// page is what every page template gets.
type page struct {
	Name  string // the template, also the nav entry
	Title string
	// Lede says what the page shows, in a sentence or two.
	Lede  string
	View  sim.View
	NowMS int64 // simulated now, for the script's clock
	Done  string
	Error string
	Back  string // this page's path, for the forms' redirect
	// Body is the page's own data.
	Body any
}

func (c *Console) page(name string, fill func(r *http.Request, p *page)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := c.sim.View()
		p := &page{
			Name:  name,
			View:  v,
			NowMS: v.Now.UnixMilli(),
			Done:  r.URL.Query().Get("done"),
			Error: r.URL.Query().Get("error"),
			Back:  r.URL.Path,
		}
		fill(r, p)
		var buf bytes.Buffer
		if err := c.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
			log.Printf("console: render %s: %v", name, err)
			http.Error(w, "console: cannot render the page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	}
}

// overview is the home page: the clock, the endpoint, counts, recent events.
type overviewBody struct {
	Authorized, Unbound, Ended int
	Pending, Delivered, Failed int
	Orders, OrdersOpen         int
	OrdersWired                bool
	Recent                     []sim.DeliveryView
}

func (c *Console) overview(r *http.Request, p *page) {
	p.Title = "Overview"
	p.Lede = "What this simulator is holding right now: its address, the simulated clock, how many authorizations " +
		"and orders exist in each state, and the latest notifications. Every page updates by itself."
	b := overviewBody{OrdersWired: c.orders != nil}
	if c.orders != nil {
		for _, o := range c.orders.ServiceOrders() {
			b.Orders++
			if o.State == sim.OrderCreated || o.State == sim.OrderDoing {
				b.OrdersOpen++
			}
		}
	}
	for _, a := range p.View.Authorizations {
		switch a.State {
		case sim.StateAvailable:
			b.Authorized++
		case sim.StateUnbindUser:
			b.Unbound++
		default:
			b.Ended++
		}
	}
	for _, d := range p.View.Deliveries {
		switch d.State {
		case sim.DeliveryPending:
			b.Pending++
		case sim.DeliveryDone:
			b.Delivered++
		default:
			b.Failed++
		}
	}
	n := len(p.View.Deliveries)
	for i := n - 1; i >= 0 && i >= n-5; i-- {
		b.Recent = append(b.Recent, p.View.Deliveries[i])
	}
	p.Body = b
}

type authRow struct {
	sim.AuthorizationView
	Ref           string // MCHID:CODE
	DefaultOpenID string
	Deliveries    []sim.DeliveryView
}

func (c *Console) authorizationsPage(r *http.Request, p *page) {
	p.Title = "Authorizations"
	p.Lede = "Every authorization_code a merchant applied for with 从业机构预授权 (apply_permissions), its state " +
		"(UNBINDUSER → AVAILABLE → UNAVAILABLE), the user, and the notifications it caused. Authorize plays the user " +
		"who agrees on the Pay Score authorization page (PAYSCORE.USER_OPEN_SERVICE is posted to notify_url); Revoke " +
		"plays the user who ends it in WeChat (PAYSCORE.USER_CLOSE_SERVICE)."
	var rows []authRow
	for _, a := range p.View.Authorizations {
		row := authRow{AuthorizationView: a, Ref: a.MchID + ":" + a.AuthorizationCode, DefaultOpenID: userOpenID(a.Authorization)}
		for _, d := range p.View.Deliveries {
			if d.MchID == a.MchID && d.AuthorizationCode == a.AuthorizationCode {
				row.Deliveries = append(row.Deliveries, d)
			}
		}
		rows = append(rows, row)
	}
	p.Body = rows
}

// userOpenID is a stable 28-character openid for the user of an
// authorization, so the form has a sensible default.
func userOpenID(a sim.Authorization) string {
	if a.SubOpenID != "" {
		return a.SubOpenID
	}
	sum := sha256.Sum256([]byte(a.MchID + "\x00" + a.AuthorizationCode))
	return "oSim" + base64.RawURLEncoding.EncodeToString(sum[:])[:24]
}

type deliveriesBody struct {
	Schedules []scheduleRow
	// NextDue is the earliest pending attempt, zero when none.
	NextDue time.Time
	Rows    []sim.DeliveryView
}

func (c *Console) deliveriesPage(r *http.Request, p *page) {
	p.Title = "Notifications"
	p.Lede = "Every notification the simulator sent to a merchant's notify_url, newest first: event type, target URL, " +
		"each attempt with the merchant's status code and answer body, and when the documented retry schedule tries " +
		"next. Redeliver sends one again now (same id, fresh signature); the clock buttons move simulated time so " +
		"retries fall due without waiting."
	var b deliveriesBody
	for _, cb := range p.View.Callbacks {
		b.Schedules = append(b.Schedules, scheduleRow{Title: cb.Title, Events: strings.Join(cb.Events, ", "), Text: scheduleText(cb.Retry), ID: cb.ID})
	}
	for i := len(p.View.Deliveries) - 1; i >= 0; i-- {
		d := p.View.Deliveries[i]
		b.Rows = append(b.Rows, d)
		if d.State == sim.DeliveryPending && (b.NextDue.IsZero() || d.NextAttempt.Before(b.NextDue)) {
			b.NextDue = d.NextAttempt
		}
	}
	p.Body = b
}

type scheduleRow struct{ ID, Title, Events, Text string }

// scheduleText writes the retry rule as the docs do: "0s, 15s, 15s, 30s,
// 3m0s, 30m0s ×4, 1h0m0s, then every 1h0m0s, for up to 72h0m0s".
func scheduleText(rs sim.RetrySchedule) string {
	var parts []string
	for i := 0; i < len(rs.Intervals); {
		j := i
		for j < len(rs.Intervals) && rs.Intervals[j] == rs.Intervals[i] {
			j++
		}
		// Repeats of 2 read better written out (15s, 15s).
		if n := j - i; n > 2 {
			parts = append(parts, fmt.Sprintf("%s ×%d", shortDur(rs.Intervals[i]), n))
		} else {
			for k := i; k < j; k++ {
				parts = append(parts, shortDur(rs.Intervals[k]))
			}
		}
		i = j
	}
	s := strings.Join(parts, ", ")
	if rs.Then > 0 {
		s += ", then every " + shortDur(rs.Then)
	}
	if rs.MaxAge > 0 {
		s += ", for up to " + shortDur(rs.MaxAge)
	}
	return s
}

type faultsBody struct {
	Operations []sim.OperationView
	Faults     []sim.FaultView
}

func (c *Console) faultsPage(r *http.Request, p *page) {
	p.Title = "Faults"
	p.Lede = "Faults make the next calls of an API operation fail with a code the spec documents for it (answered " +
		"with its documented HTTP status) or answer late. Each queued fault is used by one call at a time, in order, " +
		"after the signature check. Add, change the count of, or remove faults here; the list shows what is still queued."
	p.Body = faultsBody{Operations: p.View.Operations, Faults: p.View.Faults}
}

type jumpsBody struct {
	Inbox   []*checkedJump
	Post    string // the inbox URL, for the front-end snippet
	Example string
	Auths   map[string]*sim.AuthorizationView // by token
	Orders  map[string]*Order                 // by package
}

func (c *Console) jumpsPage(r *http.Request, p *page) {
	p.Title = "Jump payloads"
	p.Lede = "What the merchant's front end passes to a Pay Score jump (wx.openBusinessView, wx.navigateToMiniProgram, " +
		"the JSAPI or App OpenSDK call), read as the WeChat page would: which jump of the spec it is, every parameter " +
		"and extraData or query-string field checked against the spec, and the signature of signed jumps checked " +
		"with the merchant's key. Paste a payload below, or have the front end POST it to this page."
	c.mu.Lock()
	inbox := slices.Clone(c.inbox)
	c.mu.Unlock()
	b := jumpsBody{
		Inbox:   inbox,
		Post:    "http://" + r.Host + pathJumps,
		Example: `{"businessType":"wxpayScoreUse","extraData":{"mch_id":"1230000109","package":"...","timestamp":"...","nonce_str":"...","sign_type":"HMAC-SHA256","sign":"..."}}`,
		Auths:   map[string]*sim.AuthorizationView{},
		Orders:  map[string]*Order{},
	}
	for _, a := range p.View.Authorizations {
		b.Auths[a.Token] = &a
	}
	if c.orders != nil {
		for _, o := range c.orders.ServiceOrders() {
			if o.Package != "" {
				b.Orders[o.Package] = &o
			}
		}
	}
	p.Body = b
}

type ordersBody struct {
	Wired  bool
	Orders []Order
}

func (c *Console) ordersPage(r *http.Request, p *page) {
	p.Title = "Service orders"
	p.Lede = "Every service order (支付分订单) merchants created, newest first: state and state_description, amounts, " +
		"collection (收款信息) and the history the simulator recorded. The buttons act as the user in the Pay Score " +
		"mini program: confirm the order (the confirm-order jump, which hands a query_id back to the merchant's mini " +
		"program; PAYSCORE.USER_CONFIRM is notified), pay a completed order (PAYSCORE.USER_PAID), or let an " +
		"unconfirmed order expire; and as WeChat asking for a cashier pre-order (PAYSCORE.MCH_PREPAY)."
	b := ordersBody{Wired: c.orders != nil}
	if c.orders != nil {
		b.Orders = c.orders.ServiceOrders()
		slices.Reverse(b.Orders)
	}
	p.Body = b
}

// --- formatting helpers for the templates ---

type navItem struct{ Name, Path, Label string }

var nav = []navItem{
	{"overview", pathOverview, "Overview"},
	{"authorizations", pathAuthorizations, "Authorizations"},
	{"orders", pathOrders, "Orders"},
	{"deliveries", pathDeliveries, "Notifications"},
	{"faults", pathFaults, "Faults"},
	{"jumps", pathJumps, "Jump payloads"},
}

var funcs = template.FuncMap{
	"navItems":   func() []navItem { return nav },
	"chinaClock": func(t time.Time) string { return t.In(wxtime.China).Format("2006-01-02 15:04:05") },
	"utcClock":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") },
	"when":       when,
	"rel":        rel,
	"ms":         func(t time.Time) int64 { return t.UnixMilli() },
	"dur":        shortDur,
	"short":      short,
	"pretty":     prettyJSON,
	"fen":        fen,
	"plus1":      func(n int) int { return n + 1 },
	"add":        func(a, b int) int { return a + b },
	"last":       lastAttempt,
	"tail":       func(ts []time.Time) []time.Time { return ts[min(1, len(ts)):] },
	"lower":      strings.ToLower,
	"inc":        strconv.Itoa,
	"stateCls":   stateClass,
	"sigCls": func(s string) string {
		switch s {
		case sigValid:
			return "ok"
		case sigInvalid:
			return "bad"
		}
		return "muted"
	},
}

// when shows a time in China time and in UTC.
func when(t time.Time) template.HTML {
	if t.IsZero() {
		return `<span class="muted">–</span>`
	}
	cn := t.In(wxtime.China)
	u := t.UTC()
	utc := u.Format("15:04:05")
	if u.Format("2006-01-02") != cn.Format("2006-01-02") {
		utc = u.Format("2006-01-02 15:04:05")
	}
	return template.HTML(fmt.Sprintf(`<time datetime="%s" title="%s"><span class="cn">%s <small>China</small></span> <span class="utc">%s <small>UTC</small></span></time>`,
		t.Format(time.RFC3339), template.HTMLEscapeString(cn.Format(time.RFC3339)),
		cn.Format("2006-01-02 15:04:05"), utc))
}

// rel shows how far t is from now; the script keeps it current.
func rel(t, now time.Time) template.HTML {
	if t.IsZero() {
		return ""
	}
	return template.HTML(fmt.Sprintf(`<span class="rel" data-at="%d">%s</span>`, t.UnixMilli(), relText(t.Sub(now))))
}

func relText(d time.Duration) string {
	switch {
	case d > -time.Second && d < time.Second:
		return "now"
	case d > 0:
		return "in " + shortDur(d.Truncate(time.Second))
	default:
		return shortDur((-d).Truncate(time.Second)) + " ago"
	}
}

// shortDur writes 15s, 3m, 30m, 1h, 72h, 1h30m5s.
func shortDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// fen writes an amount in fen as yuan.
func fen(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, n/100, n%100)
}

func lastAttempt(as []sim.Attempt) *sim.Attempt {
	if len(as) == 0 {
		return nil
	}
	return &as[len(as)-1]
}

func stateClass(s string) string {
	switch s {
	case sim.StateAvailable, string(sim.DeliveryDone), sim.OrderDone, sim.CollectionPaid, "valid":
		return "ok"
	case sim.StateUnavailable, string(sim.DeliveryAbandoned), sim.OrderRevoked, sim.OrderExpired, "invalid":
		return "bad"
	case string(sim.DeliveryPending), sim.OrderDoing, sim.CollectionPaying:
		return "warn"
	}
	return "muted"
}
