// Package console is the simulator's web console: a developer plays the
// WeChat user (authorize, revoke, confirm and pay orders), watches every
// notification delivery and its retry schedule, moves the clock, edits
// injected faults, and decodes the jump payloads a front end sends.
//
// Pages are rendered on the server with html/template; the CSS and the small
// script (live updates over server-sent events) are embedded, so nothing is
// fetched or built at run time. Every action goes through the simulator's
// exported methods, the same code as the JSON control API.
//
// The console is a test tool on loopback: it answers only requests whose Host
// is a loopback name, and accepts state-changing requests only from its own
// pages (same origin), so a web page elsewhere cannot drive it. The one
// exception is the jump inbox (POST /console/jumps), which any front end may
// post to: it only records and decodes what it is given.
package console

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/sim"
	specfs "github.com/payscoregen/payscoregen/spec"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Console serves the web console of one simulator.
type Console struct {
	sim      *sim.Simulator
	orders   Orders
	apiV2Key jumpsign.Secret
	jumps    *jumpChecker
	pages    map[string]*template.Template
	mux      *http.ServeMux

	mu      sync.Mutex
	inbox   []*checkedJump // newest first, at most inboxSize
	seq     int
	changed chan struct{} // closed on a change of the inbox
}

// Option configures a Console.
type Option func(*Console) error

// WithOrders sets the service-order state machine the orders page shows and
// acts on; the default is the simulator's own.
func WithOrders(o Orders) Option {
	return func(c *Console) error {
		c.orders = o
		return nil
	}
}

// WithAPIv2Key sets the merchant's APIv2 key the jump page checks signed
// jumps with (WeChat Pay knows it; the simulator plays WeChat Pay). Without
// it New makes one: read it with APIv2Key and give it to the back end that
// signs the jumps.
func WithAPIv2Key(key jumpsign.Secret) Option {
	return func(c *Console) error {
		if key == "" {
			return errors.New("console: WithAPIv2Key needs a key")
		}
		c.apiV2Key = key
		return nil
	}
}

// New builds the console of s. Mount it on s (Mount) or serve Handler.
func New(s *sim.Simulator, opts ...Option) (*Console, error) {
	if s == nil {
		return nil, errors.New("console: New(nil)")
	}
	c := &Console{sim: s}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.orders == nil {
		c.orders = simOrders{s}
	}
	if c.apiV2Key == "" {
		k, err := jumpsign.RandomNonce() // 32 characters of [A-Za-z0-9], like an APIv2 key
		if err != nil {
			return nil, fmt.Errorf("console: make an APIv2 key: %w", err)
		}
		c.apiV2Key = jumpsign.Secret(k)
	}
	model, err := spec.LoadFS(specfs.FS(), "spec")
	if err != nil {
		return nil, fmt.Errorf("console: load spec: %w", err)
	}
	c.jumps = newJumpChecker(model)
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

// APIv2Key returns the key the jump page checks signatures with.
func (c *Console) APIv2Key() jumpsign.Secret { return c.apiV2Key }

// Handler serves the console: GET / and everything under /console/.
func (c *Console) Handler() http.Handler { return c.guard(c.mux) }

// Mount serves the console on the simulator's own listener: GET / and
// /console/, beside the API and the control API.
func (c *Console) Mount() error {
	h := c.Handler()
	if err := c.sim.Mount("GET /{$}", h); err != nil {
		return err
	}
	return c.sim.Mount("/console/", h)
}

// Paths of the pages, for links and redirects.
const (
	pathOverview       = "/"
	pathAuthorizations = "/console/authorizations"
	pathOrders         = "/console/orders"
	pathDeliveries     = "/console/deliveries"
	pathFaults         = "/console/faults"
	pathJumps          = "/console/jumps"
	pathEvents         = "/console/events"
)

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", c.page("overview", c.overview))
	m.HandleFunc("GET "+pathAuthorizations, c.page("authorizations", c.authorizationsPage))
	m.HandleFunc("POST "+pathAuthorizations+"/authorize", c.actAuthorize)
	m.HandleFunc("POST "+pathAuthorizations+"/revoke", c.actRevoke)
	m.HandleFunc("GET "+pathOrders, c.page("orders", c.ordersPage))
	m.HandleFunc("POST "+pathOrders+"/{action}", c.actOrder)
	m.HandleFunc("GET "+pathDeliveries, c.page("deliveries", c.deliveriesPage))
	m.HandleFunc("POST "+pathDeliveries+"/redeliver", c.actRedeliver)
	m.HandleFunc("POST /console/clock/advance", c.actAdvance)
	m.HandleFunc("GET "+pathFaults, c.page("faults", c.faultsPage))
	m.HandleFunc("POST "+pathFaults+"/{action}", c.actFault)
	m.HandleFunc("GET "+pathJumps, c.page("jumps", c.jumpsPage))
	m.HandleFunc("POST "+pathJumps, c.postJump)
	m.HandleFunc("OPTIONS "+pathJumps, c.jumpPreflight)
	m.HandleFunc("GET "+pathEvents, c.events)
	static, _ := fs.Sub(staticFiles, "static")
	m.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	m.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such console page; start at /", http.StatusNotFound)
	})
	c.mux = m
}

// guard refuses requests that did not come from a loopback name (DNS
// rebinding) and state changes from other sites (CSRF), except the jump inbox.
func (c *Console) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "the console answers only on a loopback address (127.0.0.1, ::1, localhost)", http.StatusForbidden)
			return
		}
		inbox := r.URL.Path == pathJumps
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !inbox && !sameOrigin(r) {
			http.Error(w, "the console accepts actions only from its own pages", http.StatusForbidden)
			return
		}
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Content-Security-Policy",
			"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin: browsers send Sec-Fetch-Site; older ones Origin. A request
// with neither (curl, tests) is not a cross-site browser request.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}
