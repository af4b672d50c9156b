package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
)

// Dispatch processes one verified notification. Generated typed handlers
// decode n.Plaintext according to n.Envelope.EventType and call the user's
// callback; for an event type they do not know they return
// ErrUnknownEventType.
//
// A non-nil error makes the handler reply with a failure so WeChat retries.
// The error text is logged as is, so it must not contain secrets or user
// data. If an error in the chain implements PublicMessage() string, that
// message is sent to WeChat in the reply; otherwise the reply says
// "processing failed".
type Dispatch func(ctx context.Context, n *Notification) error

// HandlerOption configures NewHandler.
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
// ErrUnknownEventType. The default is the success status: the notification
// is acknowledged and marked done, since retrying an event this program
// cannot handle only repeats the failure for three days. Use a 4xx or 5xx
// code instead to make WeChat retry (the claim is then released), for
// example while rolling out support for a new event type. Allowed values:
// 200, 204, 400-599; others panic when the handler is built.
func WithUnknownEventStatus(code int) HandlerOption {
	return func(h *handler) {
		if code != http.StatusOK && code != http.StatusNoContent && (code < 400 || code > 599) {
			panic(fmt.Sprintf("notify: WithUnknownEventStatus(%d): must be 200, 204 or 400-599", code))
		}
		h.unknown = code
	}
}

type handler struct {
	parser   *Parser
	store    dedupe.Store
	dispatch Dispatch
	log      *slog.Logger
	success  int
	unknown  int // 0: same as success
}

// NewHandler returns the notification endpoint: it parses the request with
// p, claims Envelope.ID in store (nil disables duplicate protection), calls
// dispatch, and replies as WeChat expects:
//
//   - success (also a duplicate of a processed id): 204 (or 200) with an
//     empty body, after store.Complete;
//   - header, timestamp or signature error: 401; malformed envelope,
//     unsupported algorithm or decryption error: 400; body too large: 413;
//   - another delivery of the id in progress: 503, WeChat retries later;
//   - dispatch error or panic: store.Release, then 500, WeChat retries.
//
// Failures carry the body {"code":"FAIL","message":"..."} with a short,
// generic message. NewHandler panics if p or dispatch is nil.
func NewHandler(p *Parser, store dedupe.Store, dispatch Dispatch, opts ...HandlerOption) http.Handler {
	if p == nil || dispatch == nil {
		panic("notify: NewHandler needs a Parser and a Dispatch")
	}
	h := &handler{
		parser:   p,
		store:    store,
		dispatch: dispatch,
		log:      slog.Default(),
		success:  http.StatusNoContent,
	}
	for _, opt := range opts {
		opt(h)
	}
	if h.unknown == 0 {
		h.unknown = h.success
	}
	return h
}

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
	attrs := []slog.Attr{
		slog.String("event_id", n.Envelope.ID),
		slog.String("event_type", n.Envelope.EventType),
	}

	if h.store != nil {
		st, err := h.store.Begin(ctx, n.Envelope.ID)
		if err == nil && st != dedupe.Acquired && st != dedupe.InProgress && st != dedupe.Done {
			err = fmt.Errorf("dedupe store returned invalid state %v", st)
		}
		if err != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "notify: dedupe store failed",
				append(attrs, slog.String("error", err.Error()))...)
			WriteFail(w, http.StatusInternalServerError, "internal error")
			return
		}
		switch st {
		case dedupe.Done:
			h.log.LogAttrs(ctx, slog.LevelInfo, "notify: duplicate of a processed notification", attrs...)
			w.WriteHeader(h.success)
			return
		case dedupe.InProgress:
			h.log.LogAttrs(ctx, slog.LevelInfo, "notify: notification already in progress", attrs...)
			WriteFail(w, http.StatusServiceUnavailable, "in progress")
			return
		}
	}

	panicked, err := h.call(ctx, n, attrs)
	// Record the outcome even if WeChat hung up: a claim left in progress
	// would block every retry.
	bg := context.WithoutCancel(ctx)
	switch {
	case panicked != nil:
		h.release(bg, n, attrs)
		if panicked == http.ErrAbortHandler {
			panic(panicked) // the server's convention for aborting a response
		}
		WriteFail(w, http.StatusInternalServerError, "internal error")
	case err == nil:
		h.complete(bg, n, attrs)
		w.WriteHeader(h.success)
	case errors.Is(err, ErrUnknownEventType):
		h.log.LogAttrs(ctx, slog.LevelWarn, "notify: unknown event type",
			append(attrs, slog.Int("status", h.unknown), slog.String("error", err.Error()))...)
		if h.unknown < 300 {
			h.complete(bg, n, attrs)
			w.WriteHeader(h.unknown)
			return
		}
		h.release(bg, n, attrs)
		WriteFail(w, h.unknown, "unknown event type")
	default:
		h.release(bg, n, attrs)
		msg := "processing failed"
		var pm interface{ PublicMessage() string }
		if errors.As(err, &pm) && pm.PublicMessage() != "" {
			msg = pm.PublicMessage()
		}
		h.log.LogAttrs(ctx, slog.LevelError, "notify: dispatch failed",
			append(attrs, slog.String("error", err.Error()))...)
		WriteFail(w, http.StatusInternalServerError, msg)
	}
}

// call runs dispatch, turning a panic into a non-nil panicked value. Only
// the panic's type and the stack are logged: the value may quote user data.
func (h *handler) call(ctx context.Context, n *Notification, attrs []slog.Attr) (panicked any, err error) {
	defer func() {
		if v := recover(); v != nil {
			panicked = v
			h.log.LogAttrs(ctx, slog.LevelError, "notify: dispatch panicked",
				append(attrs, slog.String("panic_type", fmt.Sprintf("%T", v)),
					slog.String("stack", string(debug.Stack())))...)
		}
	}()
	return nil, h.dispatch(ctx, n)
}

func (h *handler) complete(ctx context.Context, n *Notification, attrs []slog.Attr) {
	if h.store == nil {
		return
	}
	// The work is done: still acknowledge, or WeChat would redeliver it.
	if err := h.store.Complete(ctx, n.Envelope.ID); err != nil {
		h.log.LogAttrs(ctx, slog.LevelError, "notify: dedupe complete failed",
			append(attrs, slog.String("error", err.Error()))...)
	}
}

func (h *handler) release(ctx context.Context, n *Notification, attrs []slog.Attr) {
	if h.store == nil {
		return
	}
	if err := h.store.Release(ctx, n.Envelope.ID); err != nil {
		h.log.LogAttrs(ctx, slog.LevelError, "notify: dedupe release failed",
			append(attrs, slog.String("error", err.Error()))...)
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
