// Package formmd5 is the runtime of the form-encoded, MD5-signed API style
// (spec api.style form-md5, used by 小微聚付): the notification handler and
// the request caller. Generated packages only say which fields mean what.
//
// Signatures use runtime/jumpsign: drop empty values and sign, ASCII-sort,
// join raw k=v with &, append &key=KEY, hash, uppercase hex. Received
// signatures are checked over every received field, not only the documented
// ones, in constant time. No error, log line or reply carries the key.
package formmd5

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
)

// DefaultMaxBodyBytes bounds a notification body. The documented fields
// take a few hundred bytes.
const DefaultMaxBodyBytes = 16 << 10

// Notification describes one form/MD5 notification. T is the generated
// content type (for example *xiaoweijufu.NotifyData).
type Notification[T any] struct {
	// Name identifies the notification in logs and prefixes dedupe ids
	// ("xiaoweijufu notify").
	Name string
	// Key verifies the sign field; Algorithm is jumpsign.MD5Algo.
	Key       jumpsign.Secret
	Algorithm jumpsign.Algorithm
	// SuccessBody is the exact body of the success reply ("success").
	SuccessBody string
	// Deadline is how fast the sender wants an answer; slower replies are
	// logged as warnings. 0 disables the warning.
	Deadline time.Duration
	// Decode turns the verified fields into T and validates it.
	Decode func(fields map[string]string) (T, error)
	// Succeeded reports whether the notification says the payment
	// succeeded. Others are acknowledged (so the sender stops) and logged
	// as a warning, without claiming the id or calling Check and Process:
	// a later successful notification of the same order is still
	// processed. nil treats every notification as a success.
	Succeeded func(T) bool
	// ID returns the dedupe id of a notification (its order number).
	ID func(T) string
	// Check compares the notification with the merchant's own record of the
	// order before anything is processed. Return ErrUnknownOrder or a
	// *MismatchError (see CheckOrder) to refuse it; any other error is a
	// failure on the merchant's side and the sender retries.
	Check func(ctx context.Context, n T) error
	// Process handles a verified, checked notification seen for the first
	// time. An error (or a panic) makes the sender retry.
	Process func(ctx context.Context, n T) error
}

// Order is the merchant's record of the order a notification is about.
type Order struct {
	MchID    string // the merchant number the order was placed with
	TotalFee int64  // the amount the merchant asked for, in fen (分)
}

// ErrUnknownOrder is what a lookup returns when the merchant has no such
// order. The notification is refused.
var ErrUnknownOrder = errors.New("formmd5: unknown order")

// MismatchError says which field of a notification disagrees with the
// merchant's record. It does not say the values.
type MismatchError struct{ Field string }

func (e *MismatchError) Error() string {
	return "formmd5: " + e.Field + " does not match the merchant's record of the order"
}

// CheckOrder compares a notification's merchant number and amount with the
// merchant's record.
func CheckOrder(want Order, mchID string, totalFee int64) error {
	if want.MchID == "" || want.MchID != mchID {
		return &MismatchError{Field: "mchid"}
	}
	if want.TotalFee <= 0 || want.TotalFee != totalFee {
		return &MismatchError{Field: "total_fee"}
	}
	return nil
}

// Option configures NewHandler.
type Option func(*handlerOptions)

type handlerOptions struct {
	log     *slog.Logger
	maxBody int64
}

// WithLogger sets the logger (default slog.Default()); nil discards logs.
// Lines carry the status, the error text and, once the signature is
// verified, the dedupe id; never the key or the body.
func WithLogger(l *slog.Logger) Option {
	return func(o *handlerOptions) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		o.log = l
	}
}

// WithMaxBodyBytes bounds the request body (default DefaultMaxBodyBytes).
// Non-positive values keep the default.
func WithMaxBodyBytes(n int64) Option {
	return func(o *handlerOptions) {
		if n > 0 {
			o.maxBody = n
		}
	}
}

type handler[T any] struct {
	n     Notification[T]
	store dedupe.Store
	handlerOptions
}

// NewHandler returns the notification endpoint. For each POST it
//
//  1. reads at most the body limit (413 beyond it) as a form (415 for another
//     content type, 400 when malformed or a key repeats);
//  2. verifies sign over every received field except sign (401 on mismatch;
//     either hex case is accepted);
//  3. decodes and validates the fields (400); a notification that reports
//     no successful payment (Succeeded) is acknowledged here, unprocessed;
//  4. runs Check (400 for ErrUnknownOrder or a *MismatchError, 500 otherwise);
//  5. claims the id in store (nil disables duplicate protection): a duplicate
//     of a processed notification is answered with success without
//     processing it again, one being processed right now with 503;
//  6. runs Process: success is HTTP 200 with exactly SuccessBody; an error or
//     a panic releases the claim and answers 500.
//
// Failures answer "fail" (text/plain) so the sender retries. NewHandler
// panics when Decode, ID, Check or Process is nil or Key is empty.
func NewHandler[T any](n Notification[T], store dedupe.Store, opts ...Option) http.Handler {
	if n.Decode == nil || n.ID == nil || n.Check == nil || n.Process == nil {
		panic("formmd5: NewHandler needs Decode, ID, Check and Process")
	}
	if n.Key == "" {
		panic("formmd5: NewHandler needs a non-empty key")
	}
	h := &handler[T]{n: n, store: store, handlerOptions: handlerOptions{log: slog.Default(), maxBody: DefaultMaxBodyBytes}}
	for _, opt := range opts {
		opt(&h.handlerOptions)
	}
	return h
}

// failure is a refused notification: the status and the log text.
type failure struct {
	status int
	err    error
}

func (h *handler[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := r.Context()
	attrs := []slog.Attr{slog.String("notification", h.n.Name)}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(ctx, w, attrs, failure{http.StatusMethodNotAllowed, errors.New("method " + r.Method + " not allowed")})
		return
	}
	fields, f := h.read(w, r)
	if f != nil {
		attrs = append(attrs, slog.String("remote_addr", r.RemoteAddr))
		h.fail(ctx, w, attrs, *f)
		return
	}
	sign := fields[jumpsign.SignField]
	if sign == "" {
		h.fail(ctx, w, attrs, failure{http.StatusBadRequest, errors.New("no sign field")})
		return
	}
	if !jumpsign.Verify(h.n.Algorithm, fields, h.n.Key, sign) {
		h.fail(ctx, w, append(attrs, slog.String("remote_addr", r.RemoteAddr)),
			failure{http.StatusUnauthorized, errors.New("signature mismatch")})
		return
	}
	// Verify ignores the hex case; the decoded field keeps the documented
	// upper case so Validate's pattern accepts a valid lower-case sign.
	fields[jumpsign.SignField] = strings.ToUpper(sign)
	n, err := h.n.Decode(fields)
	if err != nil {
		h.fail(ctx, w, attrs, failure{http.StatusBadRequest, err})
		return
	}
	id := h.n.ID(n)
	attrs = append(attrs, slog.String("id", id))
	if id == "" {
		h.fail(ctx, w, attrs, failure{http.StatusBadRequest, errors.New("empty notification id")})
		return
	}
	if h.n.Succeeded != nil && !h.n.Succeeded(n) {
		h.log.LogAttrs(ctx, slog.LevelWarn, "formmd5: the notification reports no successful payment; acknowledged without processing it", attrs...)
		h.succeed(w)
		return
	}
	if err := h.n.Check(ctx, n); err != nil {
		var mismatch *MismatchError
		status := http.StatusInternalServerError
		if errors.Is(err, ErrUnknownOrder) || errors.As(err, &mismatch) {
			status = http.StatusBadRequest
		}
		h.fail(ctx, w, attrs, failure{status, fmt.Errorf("order check: %w", err)})
		return
	}

	key := h.n.Name + ":" + id
	var claim dedupe.Claim
	if h.store != nil {
		claim, err = h.store.Begin(ctx, key)
		if err == nil && claim.State != dedupe.Acquired && claim.State != dedupe.InProgress && claim.State != dedupe.Done {
			err = fmt.Errorf("dedupe store returned invalid state %v", claim.State)
		}
		if err != nil {
			h.fail(ctx, w, attrs, failure{http.StatusInternalServerError, fmt.Errorf("dedupe store: %w", err)})
			return
		}
		switch claim.State {
		case dedupe.Done:
			h.log.LogAttrs(ctx, slog.LevelInfo, "formmd5: duplicate of a processed notification", attrs...)
			h.succeed(w)
			return
		case dedupe.InProgress:
			h.fail(ctx, w, attrs, failure{http.StatusServiceUnavailable, errors.New("another delivery is being processed")})
			return
		}
	}

	// Record the outcome even if the sender hung up; with a claim, stop at
	// its deadline, when a redelivery may take over.
	bg := context.WithoutCancel(ctx)
	pctx := ctx
	if h.store != nil {
		var cancel context.CancelFunc
		pctx, cancel = context.WithDeadline(bg, claim.Deadline)
		defer cancel()
	}
	panicked, err := h.process(pctx, n, attrs)
	if panicked != nil || err != nil {
		if h.store != nil {
			if rerr := h.store.Release(bg, claim); rerr != nil {
				h.log.LogAttrs(ctx, slog.LevelError, "formmd5: releasing the claim failed",
					append(attrs, slog.String("error", rerr.Error()))...)
			}
		}
		if panicked == http.ErrAbortHandler {
			panic(panicked)
		}
		if err == nil {
			err = errors.New("process panicked")
		}
		h.fail(ctx, w, attrs, failure{http.StatusInternalServerError, err})
		return
	}
	if h.store != nil {
		if cerr := h.store.Complete(bg, claim); cerr != nil {
			// Processed but not recorded: a redelivery would be processed
			// again. Still acknowledge: the work is done.
			h.log.LogAttrs(ctx, slog.LevelError, "formmd5: recording the notification as done failed",
				append(attrs, slog.String("error", cerr.Error()))...)
		}
	}
	if elapsed := time.Since(start); h.n.Deadline > 0 && elapsed > h.n.Deadline {
		h.log.LogAttrs(ctx, slog.LevelWarn, "formmd5: answered after the sender's deadline",
			append(attrs, slog.Duration("elapsed", elapsed), slog.Duration("deadline", h.n.Deadline))...)
	}
	h.log.LogAttrs(ctx, slog.LevelInfo, "formmd5: notification processed", attrs...)
	h.succeed(w)
}

// read returns the body's form fields, or the failure to answer.
func (h *handler[T]) read(w http.ResponseWriter, r *http.Request) (map[string]string, *failure) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, &failure{http.StatusUnsupportedMediaType, errors.New("content type is not application/x-www-form-urlencoded")}
		}
	}
	if r.Body == nil {
		return nil, &failure{http.StatusBadRequest, errors.New("empty body")}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &failure{http.StatusRequestEntityTooLarge, errors.New("body larger than " + strconv.FormatInt(h.maxBody, 10) + " bytes")}
		}
		return nil, &failure{http.StatusBadRequest, fmt.Errorf("reading the body: %w", err)}
	}
	fields, err := kv.ParseForm(body)
	if err != nil {
		return nil, &failure{http.StatusBadRequest, err}
	}
	return fields, nil
}

// process runs Process, turning a panic into a non-nil panicked value. Only
// the panic's type and the stack are logged: the value may quote user data.
func (h *handler[T]) process(ctx context.Context, n T, attrs []slog.Attr) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
			if p != http.ErrAbortHandler {
				h.log.LogAttrs(ctx, slog.LevelError, "formmd5: process panicked",
					append(attrs, slog.String("panic_type", fmt.Sprintf("%T", p)), slog.String("stack", string(debug.Stack())))...)
			}
		}
	}()
	return nil, h.n.Process(ctx, n)
}

func (h *handler[T]) succeed(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, h.n.SuccessBody)
}

func (h *handler[T]) fail(ctx context.Context, w http.ResponseWriter, attrs []slog.Attr, f failure) {
	level := slog.LevelWarn
	if f.status >= 500 {
		level = slog.LevelError
	}
	h.log.LogAttrs(ctx, level, "formmd5: notification refused",
		append(attrs, slog.Int("status", f.status), slog.String("error", f.err.Error()))...)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, "fail")
}
