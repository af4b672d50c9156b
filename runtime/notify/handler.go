package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// Dispatch processes one verified notification. Generated typed handlers
// decode n.Plaintext according to n.Envelope.EventType and call the user's
// callback; for an event type they have no callback for they return an
// *UnknownEventError, and for a resource that breaks the doc a
// *PlaintextError.
//
// A non-nil error makes the handler reply with a failure so WeChat retries.
// The error text is logged as is, so it must not contain secrets or user
// data. If an error in the chain implements PublicMessage() string, that
// message is sent to WeChat in the reply; otherwise the reply says
// "processing failed".
type Dispatch func(ctx context.Context, n *Notification) error

// Invalid is a verified and decrypted notification whose content breaks
// the doc: a resource that does not decode or validate, or whose status
// field contradicts event_type, or an event type the spec does not list.
// Redelivering it cannot make it valid, so the handler hands it to the
// OnInvalid hook (a dead letter) instead of failing it for three days.
type Invalid struct {
	// Notification is the verified notification: Body is the signed
	// envelope as received, Plaintext the decrypted resource.
	Notification *Notification
	// Reasons lists what is wrong, one line each, with field paths
	// ("openid: exactly one of openid, sub_openid ..."); never values.
	Reasons []string
	// Err is the error behind Reasons, for errors.As (*validate.Errors,
	// *EventStatusError, *UnknownEventError, ...).
	Err error
}

// String omits the plaintext, which holds user data.
func (i *Invalid) String() string {
	return fmt.Sprintf("notify.Invalid{%v Reasons:%q}", i.Notification, i.Reasons)
}

// InvalidFunc receives an Invalid notification. Return nil once it is kept
// (stored for review, an alert raised): the notification is then
// acknowledged and marked processed. An error makes WeChat deliver it again.
type InvalidFunc func(ctx context.Context, inv *Invalid) error

// HandlerOption configures NewHandler and NewEventHandler.
type HandlerOption func(*handler)

// WithLogger sets the logger (default slog.Default()); nil discards logs.
// Lines carry the event id, event type, status and error text, never the
// key, the body or the plaintext.
func WithLogger(l *slog.Logger) HandlerOption {
	return func(h *handler) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		h.log = l
	}
}

// WithSuccessStatus sets the success reply, http.StatusOK or
// http.StatusNoContent (the default); WeChat accepts only these two. Other
// values panic when the handler is built.
func WithSuccessStatus(code int) HandlerOption {
	return func(h *handler) {
		if code != http.StatusOK && code != http.StatusNoContent {
			panic(fmt.Sprintf("notify: WithSuccessStatus(%d): must be 200 or 204", code))
		}
		h.success = code
	}
}

// WithUnknownEventStatus sets the reply when dispatch returns
// ErrUnknownEventType and neither a default handler nor an OnInvalid hook
// takes the notification. The default is 500: WeChat delivers it again,
// and the error is logged, rather than dropping it. 200 or 204 acknowledge
// it (logged as a warning) and mark it processed. Allowed values: 200, 204,
// 400-599; others panic when the handler is built.
func WithUnknownEventStatus(code int) HandlerOption {
	return func(h *handler) {
		if code != http.StatusOK && code != http.StatusNoContent && (code < 400 || code > 599) {
			panic(fmt.Sprintf("notify: WithUnknownEventStatus(%d): must be 200, 204 or 400-599", code))
		}
		h.unknown = code
	}
}

// WithDefault sets the handler of notifications whose event type has no
// callback (dispatch returned ErrUnknownEventType). It receives the
// verified notification undecoded.
func WithDefault(d Dispatch) HandlerOption { return func(h *handler) { h.deflt = d } }

// WithInvalidHandler sets the OnInvalid hook (see Invalid).
func WithInvalidHandler(f InvalidFunc) HandlerOption { return func(h *handler) { h.onInvalid = f } }

type handler struct {
	parser    *Parser
	store     dedupe.Store
	dispatch  Dispatch
	deflt     Dispatch
	onInvalid InvalidFunc
	log       *slog.Logger
	success   int
	unknown   int
}

// NewHandler returns the notification endpoint: it parses the request with
// p, claims Envelope.ID in store (nil disables duplicate protection), calls
// dispatch, and replies as WeChat expects:
//
//   - success (also a duplicate of a processed id): 204 (or 200) with an
//     empty body, after store.Complete;
//   - header, timestamp or signature error: 401; malformed envelope,
//     unsupported algorithm or decryption error: 400; body too large: 413;
//   - another delivery of the id holds an unexpired claim: 503, WeChat
//     retries later;
//   - dispatch error or panic: store.Release, then 500, WeChat retries.
//
// With a store, dispatch runs under the claim's deadline (the store's claim
// timeout): its context is canceled then, whether or not WeChat has hung up
// meanwhile, and the claim lapses so that a redelivery can take over. With
// a dedupe.TxStore, dispatch runs inside RunInTx: the merchant's update in
// that transaction commits with the "processed" mark.
//
// A resource that breaks the doc goes to the WithInvalidHandler hook, an
// event type without a callback to WithDefault; without them both are
// failures (500) so nothing is dropped silently. NewEventHandler checks
// this when the handler is built. Failures carry the body
// {"code":"FAIL","message":"..."} with a short, generic message. NewHandler
// panics if p or dispatch is nil.
func NewHandler(p *Parser, store dedupe.Store, dispatch Dispatch, opts ...HandlerOption) http.Handler {
	if p == nil || dispatch == nil {
		panic("notify: NewHandler needs a Parser and a Dispatch")
	}
	return newHandler(p, store, dispatch, opts)
}

func newHandler(p *Parser, store dedupe.Store, dispatch Dispatch, opts []HandlerOption) *handler {
	h := &handler{
		parser:   p,
		store:    store,
		dispatch: dispatch,
		log:      slog.Default(),
		success:  http.StatusNoContent,
		unknown:  http.StatusInternalServerError,
	}
	for _, opt := range opts {
		opt(h)
	}
	return h
}

// Events is what NewEventHandler routes: generated handlers fill it from
// their callbacks.
type Events struct {
	// Dispatch decodes by event type and runs the callback.
	Dispatch Dispatch
	// Default takes the event types Routes marks unhandled and those the
	// spec does not list. Optional when every route is handled.
	Default Dispatch
	// OnInvalid takes verified notifications that break the doc. Required.
	OnInvalid InvalidFunc
	// Routes lists the event types the spec documents.
	Routes []EventRoute
}

// EventRoute is one documented event type.
type EventRoute struct {
	EventType string // e.g. "PAYSCORE.USER_OPEN_SERVICE"
	Callback  string // the callback's field name, for errors: "OnUserOpenService"
	Handled   bool   // a callback is set
}

// NewEventHandler is NewHandler for a set of documented event types. It
// refuses to build a handler that would lose notifications: every route
// needs a callback unless ev.Default is set, and ev.OnInvalid must be set.
// Errors wrap ErrInvalidConfig and name the missing callbacks.
func NewEventHandler(p *Parser, store dedupe.Store, ev Events, opts ...HandlerOption) (http.Handler, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: the Parser is nil", ErrInvalidConfig)
	}
	if ev.Dispatch == nil {
		return nil, fmt.Errorf("%w: Dispatch is nil", ErrInvalidConfig)
	}
	var missing []string
	for _, r := range ev.Routes {
		if !r.Handled {
			missing = append(missing, r.Callback+" ("+r.EventType+")")
		}
	}
	var problems []string
	if len(missing) > 0 && ev.Default == nil {
		problems = append(problems, "no callback for "+strings.Join(missing, ", ")+
			" and no Default: set them, or set Default to take these event types")
	}
	if ev.OnInvalid == nil {
		problems = append(problems, "OnInvalid is nil: a verified notification that breaks the doc would have nowhere to go")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(problems, "; "))
	}
	opts = append([]HandlerOption{WithDefault(ev.Default), WithInvalidHandler(ev.OnInvalid)}, opts...)
	return newHandler(p, store, ev.Dispatch, opts), nil
}

// outcome is how processing ended: err nil is success.
type outcome struct {
	err      error
	panicked any
	status   int    // failure reply
	message  string // failure reply message
}

var errPanicked = errors.New("notify: callback panicked")

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		WriteFail(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if r.Body != nil {
		// Lets the server close the connection instead of draining a huge body.
		r.Body = http.MaxBytesReader(w, r.Body, h.parser.maxBody)
	}
	n, err := h.parser.Parse(r)
	if err != nil {
		status, msg := parseFailure(err)
		h.log.LogAttrs(ctx, slog.LevelWarn, "notify: rejected notification",
			slog.Int("status", status), slog.String("error", err.Error()),
			slog.String("remote_addr", r.RemoteAddr))
		WriteFail(w, status, msg)
		return
	}
	if h.store == nil {
		o := h.process(ctx, n)
		h.reply(w, o)
		return
	}

	claim, err := h.store.Begin(ctx, n.Envelope.ID)
	if err == nil && claim.State != dedupe.Acquired && claim.State != dedupe.InProgress && claim.State != dedupe.Done {
		err = fmt.Errorf("dedupe store returned invalid state %v", claim.State)
	}
	if err != nil {
		h.logEvent(ctx, slog.LevelError, "notify: dedupe store failed", n, slog.String("error", err.Error()))
		WriteFail(w, http.StatusInternalServerError, "internal error")
		return
	}
	switch claim.State {
	case dedupe.Done:
		h.logEvent(ctx, slog.LevelInfo, "notify: duplicate of a processed notification", n)
		w.WriteHeader(h.success)
		return
	case dedupe.InProgress:
		h.logEvent(ctx, slog.LevelInfo, "notify: notification already in progress", n)
		WriteFail(w, http.StatusServiceUnavailable, "in progress")
		return
	}

	// The callback keeps running if WeChat hangs up, until the claim's
	// deadline: finishing is better than leaving work for the retry.
	dctx := newClaimContext(ctx, claim.Deadline)
	defer dctx.cancel()
	bg := dctx.Context
	var o outcome
	if ts, ok := h.store.(dedupe.TxStore); ok {
		err := ts.RunInTx(dctx, claim, func(ctx context.Context) error {
			o = h.process(ctx, n)
			return o.err
		})
		switch {
		case err == nil:
		case o.err != nil: // the callback failed: rolled back
			h.release(bg, claim, n)
		case errors.Is(err, dedupe.ErrClaimLost):
			h.logEvent(ctx, slog.LevelWarn, "notify: the claim lapsed before the callback finished; its transaction was rolled back, another delivery took over", n, slog.Time("deadline", claim.Deadline))
			o = outcome{err: err, status: http.StatusServiceUnavailable, message: "in progress"}
		default: // the store's transaction failed
			h.logEvent(ctx, slog.LevelError, "notify: dedupe transaction failed", n, slog.String("error", err.Error()))
			h.release(bg, claim, n)
			o = outcome{err: err, status: http.StatusInternalServerError, message: "internal error"}
		}
	} else {
		o = h.process(dctx, n)
		if o.err == nil {
			h.complete(bg, claim, n)
		} else {
			h.release(bg, claim, n)
		}
	}
	h.reply(w, o)
}

func (h *handler) reply(w http.ResponseWriter, o outcome) {
	if o.panicked == http.ErrAbortHandler {
		panic(o.panicked) // the server's convention for aborting a response
	}
	if o.err == nil {
		w.WriteHeader(h.success)
		return
	}
	WriteFail(w, o.status, o.message)
}

// process runs dispatch and routes what it cannot handle to the default
// handler or the OnInvalid hook.
func (h *handler) process(ctx context.Context, n *Notification) outcome {
	o := h.call(ctx, "dispatch", n, func() error { return h.dispatch(ctx, n) })
	if o.err == nil || o.panicked != nil {
		return o
	}
	err := o.err
	var unknown *UnknownEventError
	switch {
	case errors.Is(err, ErrUnknownEventType) && h.deflt != nil:
		h.logEvent(ctx, slog.LevelInfo, "notify: no callback for the event type, running the default handler", n)
		return h.call(ctx, "default handler", n, func() error { return h.deflt(ctx, n) })
	case errors.As(err, &unknown) && !unknown.NoCallback && h.onInvalid != nil,
		errors.Is(err, ErrInvalidPlaintext) && h.onInvalid != nil:
		inv := &Invalid{Notification: n, Reasons: reasons(err), Err: err}
		h.logEvent(ctx, slog.LevelWarn, "notify: verified notification breaks the doc, handing it to OnInvalid", n, slog.Any("reasons", inv.Reasons))
		return h.call(ctx, "OnInvalid", n, func() error { return h.onInvalid(ctx, inv) })
	case errors.Is(err, ErrUnknownEventType):
		level := slog.LevelError
		if h.unknown < 300 {
			level = slog.LevelWarn
		}
		h.logEvent(ctx, level, "notify: unknown event type and no default handler", n, slog.Int("status", h.unknown), slog.String("error", err.Error()))
		if h.unknown < 300 {
			return outcome{}
		}
		return outcome{err: err, status: h.unknown, message: "unknown event type"}
	}
	h.logEvent(ctx, slog.LevelError, "notify: dispatch failed", n, slog.String("error", err.Error()))
	return o
}

// call runs fn, turning an error or a panic into a failure outcome. Only a
// panic's type and the stack are logged: the value may quote user data.
func (h *handler) call(ctx context.Context, what string, n *Notification, fn func() error) (o outcome) {
	defer func() {
		if v := recover(); v != nil {
			o = outcome{err: errPanicked, panicked: v, status: http.StatusInternalServerError, message: "internal error"}
			if v != http.ErrAbortHandler {
				h.logEvent(ctx, slog.LevelError, "notify: "+what+" panicked", n, slog.String("panic_type", fmt.Sprintf("%T", v)),
					slog.String("stack", string(debug.Stack())))
			}
		}
	}()
	if err := fn(); err != nil {
		msg := "processing failed"
		var pm interface{ PublicMessage() string }
		if errors.As(err, &pm) && pm.PublicMessage() != "" {
			msg = pm.PublicMessage()
		}
		if what != "dispatch" {
			h.logEvent(ctx, slog.LevelError, "notify: "+what+" failed", n, slog.String("error", err.Error()))
		}
		return outcome{err: err, status: http.StatusInternalServerError, message: msg}
	}
	return outcome{}
}

// reasons lists the field errors of err, or its text.
func reasons(err error) []string {
	var ve *validate.Errors
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		out := make([]string, len(ve.Fields))
		for i, f := range ve.Fields {
			out[i] = f.Error()
		}
		return out
	}
	var pe *PlaintextError
	if errors.As(err, &pe) {
		return []string{pe.Err.Error()}
	}
	return []string{err.Error()}
}

// logEvent logs msg with the notification's id and event type and extra,
// building the attributes only when the level is enabled: the success path
// logs nothing and should not pay for them.
func (h *handler) logEvent(ctx context.Context, level slog.Level, msg string, n *Notification, extra ...slog.Attr) {
	if !h.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 2+len(extra))
	attrs = append(attrs, slog.String("event_id", n.Envelope.ID), slog.String("event_type", n.Envelope.EventType))
	h.log.LogAttrs(ctx, level, msg, append(attrs, extra...)...)
}

func (h *handler) complete(ctx context.Context, c dedupe.Claim, n *Notification) {
	// The work is done: acknowledge even if recording it fails, or WeChat
	// would redeliver it.
	err := h.store.Complete(ctx, c)
	switch {
	case err == nil:
	case errors.Is(err, dedupe.ErrClaimLost):
		h.logEvent(ctx, slog.LevelWarn, "notify: the claim lapsed before the callback finished; another delivery may have run it too (use a dedupe.TxStore, or a callback that finishes before the claim timeout)", n, slog.Time("deadline", c.Deadline))
	default:
		h.logEvent(ctx, slog.LevelError, "notify: dedupe complete failed", n, slog.String("error", err.Error()))
	}
}

func (h *handler) release(ctx context.Context, c dedupe.Claim, n *Notification) {
	if err := h.store.Release(ctx, c); err != nil {
		h.logEvent(ctx, slog.LevelError, "notify: dedupe release failed", n, slog.String("error", err.Error()))
	}
}

// parseFailure maps a Parse error to a status and a generic reply message.
func parseFailure(err error) (int, string) {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, "request body too large"
	case errors.Is(err, ErrHeader):
		return http.StatusUnauthorized, "missing or invalid Wechatpay headers"
	case errors.Is(err, ErrStaleTimestamp):
		return http.StatusUnauthorized, "timestamp out of range"
	case errors.Is(err, ErrSignature):
		return http.StatusUnauthorized, "signature verification failed"
	case errors.Is(err, ErrMalformed):
		return http.StatusBadRequest, "malformed notification"
	case errors.Is(err, ErrUnsupportedAlgorithm):
		return http.StatusBadRequest, "unsupported algorithm"
	case errors.Is(err, ErrDecrypt):
		return http.StatusBadRequest, "decryption failed"
	case errors.Is(err, ErrReadBody):
		return http.StatusBadRequest, "cannot read request body"
	}
	return http.StatusInternalServerError, "internal error"
}

// WriteFail writes WeChat's failure reply: status with the JSON body
// {"code":"FAIL","message":message}.
func WriteFail(w http.ResponseWriter, status int, message string) {
	body, err := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"FAIL", message})
	if err != nil { // cannot happen for two strings
		body = []byte(`{"code":"FAIL","message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
