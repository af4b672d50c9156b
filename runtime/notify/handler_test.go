package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// handlerEnv bundles a handler with its fixture, a log capture and a counter
// of dispatch calls.
type handlerEnv struct {
	f     *fixture
	h     http.Handler
	logs  *logCapture
	calls atomic.Int32
	body  []byte // one valid notification, redelivered by send
	// dispatch is called by the handler after counting the call.
	dispatch func(ctx context.Context, n *notify.Notification, call int32) error
}

func newHandlerEnv(t *testing.T, store dedupe.Store, dispatch func(context.Context, *notify.Notification, int32) error, opts ...notify.HandlerOption) *handlerEnv {
	t.Helper()
	e := &handlerEnv{f: newFixture(t), dispatch: dispatch}
	e.body = e.f.body(t)
	logger, logs := newLogCapture()
	e.logs = logs
	opts = append([]notify.HandlerOption{notify.WithLogger(logger)}, opts...)
	e.h = notify.NewHandler(e.f.parser, store, func(ctx context.Context, n *notify.Notification) error {
		call := e.calls.Add(1)
		if !bytes.Equal(n.Plaintext, e.f.plaintext) {
			t.Errorf("dispatch got plaintext %q", n.Plaintext)
		}
		if e.dispatch == nil {
			return nil
		}
		return e.dispatch(ctx, n, call)
	}, opts...)
	t.Cleanup(func() {
		assertNoSecrets(t, "log", e.logs.String(), e.f.secrets(e.body))
	})
	return e
}

// send delivers e.body (the same notification every time) and returns the reply.
func (e *handlerEnv) send(t *testing.T) *httptest.ResponseRecorder {
	t.Helper()
	return e.serve(e.f.request(t, e.body))
}

func (e *handlerEnv) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func (e *handlerEnv) wantCalls(t *testing.T, n int32) {
	t.Helper()
	if got := e.calls.Load(); got != n {
		t.Fatalf("dispatch called %d times, want %d", got, n)
	}
}

// wantSuccess checks an empty-bodied success reply.
func wantSuccess(t *testing.T, w *httptest.ResponseRecorder, status int) {
	t.Helper()
	if w.Code != status || w.Body.Len() != 0 {
		t.Fatalf("reply = %d %q, want %d with an empty body", w.Code, w.Body.String(), status)
	}
}

// wantFail checks a FAIL reply byte for byte.
func wantFail(t *testing.T, w *httptest.ResponseRecorder, status int, message string) {
	t.Helper()
	want := `{"code":"FAIL","message":"` + message + `"}`
	if w.Code != status || w.Body.String() != want {
		t.Fatalf("reply = %d %s, want %d %s", w.Code, w.Body.String(), status, want)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
}

func (e *handlerEnv) wantLog(t *testing.T, substr string) {
	t.Helper()
	if !strings.Contains(e.logs.String(), substr) {
		t.Errorf("log lacks %q:\n%s", substr, e.logs.String())
	}
}

func TestHandlerSuccessAndSequentialDuplicate(t *testing.T) {
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), nil)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 1)
	// Redeliveries (new signature nonce, same notification id) are acknowledged.
	for range 3 {
		wantSuccess(t, e.send(t), http.StatusNoContent)
	}
	e.wantCalls(t, 1)
	e.wantLog(t, "duplicate")
	e.wantLog(t, "event_id=EV-2018022511223320873")
}

func TestHandlerSuccessStatus200(t *testing.T) {
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), nil, notify.WithSuccessStatus(http.StatusOK))
	wantSuccess(t, e.send(t), http.StatusOK)
	wantSuccess(t, e.send(t), http.StatusOK)
	e.wantCalls(t, 1)
}

func TestHandlerNoStore(t *testing.T) {
	e := newHandlerEnv(t, nil, nil)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 2)
}

func TestHandlerConcurrentSameNotification(t *testing.T) {
	release := make(chan struct{})
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), func(context.Context, *notify.Notification, int32) error {
		<-release
		return nil
	})
	const n = 100
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = e.f.request(t, e.body)
	}
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for _, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := e.serve(r)
			if w.Code == http.StatusServiceUnavailable && w.Body.String() != `{"code":"FAIL","message":"in progress"}` {
				t.Errorf("503 body = %s", w.Body.String())
			}
			codes <- w.Code
		}()
	}
	// The one delivery that acquired the id blocks in dispatch until all
	// others have been turned away.
	counts := map[int]int{}
	timeout := time.After(20 * time.Second)
collect:
	for counts[http.StatusServiceUnavailable] < n-1 {
		select {
		case c := <-codes:
			counts[c]++
		case <-timeout:
			t.Errorf("timed out with replies %v", counts)
			break collect
		}
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		counts[c]++
	}
	if counts[http.StatusNoContent] != 1 || counts[http.StatusServiceUnavailable] != n-1 {
		t.Fatalf("replies = %v, want one 204 and %d 503", counts, n-1)
	}
	e.wantCalls(t, 1)

	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 1)
}

type publicError struct{}

func (publicError) Error() string         { return "database unavailable" }
func (publicError) PublicMessage() string { return "temporarily unavailable" }

func TestHandlerDispatchErrorReleases(t *testing.T) {
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), func(_ context.Context, _ *notify.Notification, call int32) error {
		switch call {
		case 1:
			return errors.New("plain failure")
		case 2:
			return fmt.Errorf("saving authorization: %w", publicError{})
		}
		return nil
	})
	wantFail(t, e.send(t), http.StatusInternalServerError, "processing failed")
	wantFail(t, e.send(t), http.StatusInternalServerError, "temporarily unavailable")
	wantSuccess(t, e.send(t), http.StatusNoContent)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 3)
	e.wantLog(t, "plain failure")
	e.wantLog(t, "database unavailable")
}

func TestHandlerPanicReleases(t *testing.T) {
	var plaintext string
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), func(_ context.Context, n *notify.Notification, call int32) error {
		if call == 1 {
			// The panic value quotes user data: it must not be logged.
			panic(fmt.Sprintf("cannot handle %s", n.Plaintext))
		}
		return nil
	})
	plaintext = string(e.f.plaintext)
	wantFail(t, e.send(t), http.StatusInternalServerError, "internal error")
	e.wantLog(t, "dispatch panicked")
	e.wantLog(t, "panic_type=string")
	if strings.Contains(e.logs.String(), plaintext) {
		t.Fatal("panic value logged")
	}
	wantSuccess(t, e.send(t), http.StatusNoContent)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 2)
}

func TestHandlerAbortHandlerPanicPropagates(t *testing.T) {
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), func(_ context.Context, _ *notify.Notification, call int32) error {
		if call == 1 {
			panic(http.ErrAbortHandler)
		}
		return nil
	})
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		e.send(t)
	}()
	// The claim was released before re-panicking.
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 2)
}

// Why: event types without a callback were acknowledged 204 and dropped.
func TestHandlerUnknownEventType(t *testing.T) {
	unknown := func(_ context.Context, n *notify.Notification, _ int32) error {
		return &notify.UnknownEventError{EventType: n.Envelope.EventType, NoCallback: true}
	}
	t.Run("fails by default: WeChat retries", func(t *testing.T) {
		e := newHandlerEnv(t, dedupe.NewMemoryStore(), unknown)
		wantFail(t, e.send(t), http.StatusInternalServerError, "unknown event type")
		wantFail(t, e.send(t), http.StatusInternalServerError, "unknown event type")
		e.wantCalls(t, 2) // released each time
		e.wantLog(t, "ERROR notify: unknown event type and no default handler")
	})
	t.Run("acknowledged only when asked", func(t *testing.T) {
		e := newHandlerEnv(t, dedupe.NewMemoryStore(), unknown, notify.WithUnknownEventStatus(http.StatusOK))
		wantSuccess(t, e.send(t), http.StatusNoContent)
		wantSuccess(t, e.send(t), http.StatusNoContent)
		e.wantCalls(t, 1) // marked done
		e.wantLog(t, "WARN notify: unknown event type")
	})
	t.Run("default handler takes it", func(t *testing.T) {
		var got atomic.Int32
		fail := atomic.Bool{}
		fail.Store(true)
		e := newHandlerEnv(t, dedupe.NewMemoryStore(), unknown, notify.WithDefault(func(_ context.Context, n *notify.Notification) error {
			got.Add(1)
			if n.Envelope.ID != "EV-2018022511223320873" || len(n.Body) == 0 {
				t.Errorf("default handler got %v", n)
			}
			if fail.Swap(false) {
				return errors.New("default failed")
			}
			return nil
		}))
		wantFail(t, e.send(t), http.StatusInternalServerError, "processing failed")
		wantSuccess(t, e.send(t), http.StatusNoContent)
		wantSuccess(t, e.send(t), http.StatusNoContent)
		if got.Load() != 2 {
			t.Fatalf("default handler ran %d times, want 2", got.Load())
		}
	})
	t.Run("an undocumented type goes to OnInvalid", func(t *testing.T) {
		var inv *notify.Invalid
		e := newHandlerEnv(t, dedupe.NewMemoryStore(), func(_ context.Context, n *notify.Notification, _ int32) error {
			return &notify.UnknownEventError{EventType: n.Envelope.EventType}
		}, notify.WithInvalidHandler(func(_ context.Context, i *notify.Invalid) error { inv = i; return nil }))
		wantSuccess(t, e.send(t), http.StatusNoContent)
		if inv == nil || len(inv.Reasons) != 1 || !strings.Contains(inv.Reasons[0], "unknown event type") {
			t.Fatalf("OnInvalid got %v", inv)
		}
	})
}

// Why: a verified notification whose resource breaks the doc got 500 on
// every delivery for 3 days and never reached user code.
func TestHandlerInvalidGoesToOnInvalid(t *testing.T) {
	invalid := func(context.Context, *notify.Notification, int32) error {
		return &notify.PlaintextError{Err: &validate.Errors{Type: "payscore.AuthorizationNotifyData", Fields: []*validate.FieldError{
			{Path: "openid", Err: errors.New("exactly one of openid, sub_openid must be present")},
			{Path: "mch_id", Err: errors.New("differs from mchid")},
		}}}
	}
	t.Run("without a hook it fails, as before", func(t *testing.T) {
		e := newHandlerEnv(t, dedupe.NewMemoryStore(), invalid)
		wantFail(t, e.send(t), http.StatusInternalServerError, "invalid notification data")
	})
	var calls []*notify.Invalid
	hookErr := errors.New("dead-letter table unavailable")
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), invalid, notify.WithInvalidHandler(func(_ context.Context, i *notify.Invalid) error {
		calls = append(calls, i)
		if len(calls) == 1 {
			return hookErr
		}
		return nil
	}))
	// The hook failed: not acknowledged, WeChat retries.
	wantFail(t, e.send(t), http.StatusInternalServerError, "processing failed")
	// The hook kept it: acknowledged and marked processed.
	wantSuccess(t, e.send(t), http.StatusNoContent)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 2)
	if len(calls) != 2 {
		t.Fatalf("OnInvalid ran %d times, want 2", len(calls))
	}
	inv := calls[1]
	if !bytes.Equal(inv.Notification.Body, e.body) || !bytes.Equal(inv.Notification.Plaintext, e.f.plaintext) {
		t.Error("OnInvalid did not get the verified body and plaintext")
	}
	if len(inv.Reasons) != 2 || !strings.HasPrefix(inv.Reasons[0], "openid: ") || !strings.HasPrefix(inv.Reasons[1], "mch_id: ") {
		t.Errorf("Reasons = %q", inv.Reasons)
	}
	if strings.Contains(inv.String(), string(e.f.plaintext)) {
		t.Error("Invalid.String prints the plaintext")
	}
	e.wantLog(t, "WARN notify: verified notification breaks the doc, handing it to OnInvalid")
	e.wantLog(t, "dead-letter table unavailable")
}

func TestNewEventHandlerRefusesToLoseEvents(t *testing.T) {
	f := newFixture(t)
	dispatch := func(context.Context, *notify.Notification) error { return nil }
	onInvalid := func(context.Context, *notify.Invalid) error { return nil }
	routes := []notify.EventRoute{
		{EventType: "PAYSCORE.USER_OPEN_SERVICE", Callback: "OnUserOpenService", Handled: true},
		{EventType: "PAYSCORE.USER_CLOSE_SERVICE", Callback: "OnUserCloseService"},
	}
	_, err := notify.NewEventHandler(f.parser, nil, notify.Events{Dispatch: dispatch, OnInvalid: onInvalid, Routes: routes})
	if !errors.Is(err, notify.ErrInvalidConfig) || !strings.Contains(err.Error(), "OnUserCloseService (PAYSCORE.USER_CLOSE_SERVICE)") {
		t.Fatalf("missing callback: err = %v", err)
	}
	_, err = notify.NewEventHandler(f.parser, nil, notify.Events{Dispatch: dispatch, Routes: routes[:1]})
	if !errors.Is(err, notify.ErrInvalidConfig) || !strings.Contains(err.Error(), "OnInvalid is nil") {
		t.Fatalf("missing OnInvalid: err = %v", err)
	}
	if _, err := notify.NewEventHandler(nil, nil, notify.Events{Dispatch: dispatch, OnInvalid: onInvalid}); err == nil {
		t.Fatal("nil parser accepted")
	}
	if _, err := notify.NewEventHandler(f.parser, nil, notify.Events{OnInvalid: onInvalid}); err == nil {
		t.Fatal("nil dispatch accepted")
	}
	h, err := notify.NewEventHandler(f.parser, nil, notify.Events{Dispatch: dispatch, Default: dispatch, OnInvalid: onInvalid, Routes: routes})
	if err != nil || h == nil {
		t.Fatalf("with a default: %v", err)
	}
}

// Why: a claim lasted the whole retention, so a hung callback whose
// delivery WeChat gave up on made every redelivery a 503 for 3 days.
func TestHandlerHungCallbackFreesTheIDAtTheClaimDeadline(t *testing.T) {
	store := dedupe.NewMemoryStore(dedupe.WithClaimTimeout(300 * time.Millisecond))
	hung := make(chan struct{})
	var deadlineSeen atomic.Bool
	e := newHandlerEnv(t, store, func(ctx context.Context, _ *notify.Notification, call int32) error {
		if call == 1 {
			<-ctx.Done() // canceled at the claim's deadline
			deadlineSeen.Store(errors.Is(ctx.Err(), context.DeadlineExceeded))
			<-hung // and then it hangs on regardless
			return nil
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- e.serve(e.f.request(t, e.body).WithContext(ctx)) }()
	time.Sleep(100 * time.Millisecond)
	wantFail(t, e.send(t), http.StatusServiceUnavailable, "in progress")
	cancel() // WeChat hangs up
	time.Sleep(350 * time.Millisecond)
	// The redelivery 15 s later (here: after the 300 ms claim) is processed.
	wantSuccess(t, e.send(t), http.StatusNoContent)
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 2)
	if !deadlineSeen.Load() {
		t.Error("the hung callback's context was not canceled at the claim deadline")
	}
	close(hung)
	<-first
	e.wantLog(t, "the claim lapsed before the callback finished")
}

// txStore is a dedupe.TxStore over the memory store that records what ran
// inside its transactions.
type txStore struct {
	*dedupe.MemoryStore
	committed, rolledBack atomic.Int32
}

type txMark struct{}

func (s *txStore) RunInTx(ctx context.Context, c dedupe.Claim, fn func(context.Context) error) error {
	if err := fn(context.WithValue(ctx, txMark{}, true)); err != nil {
		s.rolledBack.Add(1)
		return err
	}
	if err := s.Complete(ctx, c); err != nil {
		s.rolledBack.Add(1)
		return err
	}
	s.committed.Add(1)
	return nil
}

func TestHandlerRunsCallbacksInTheStoresTransaction(t *testing.T) {
	store := &txStore{MemoryStore: dedupe.NewMemoryStore()}
	var inInvalid atomic.Bool
	e := newHandlerEnv(t, store, func(ctx context.Context, _ *notify.Notification, call int32) error {
		if ctx.Value(txMark{}) == nil {
			t.Error("dispatch ran outside the transaction")
		}
		switch call {
		case 1:
			return errors.New("failed")
		case 2:
			return &notify.PlaintextError{Err: errors.New("bad")}
		}
		return nil
	}, notify.WithInvalidHandler(func(ctx context.Context, _ *notify.Invalid) error {
		inInvalid.Store(ctx.Value(txMark{}) != nil)
		return nil
	}))
	wantFail(t, e.send(t), http.StatusInternalServerError, "processing failed")
	wantSuccess(t, e.send(t), http.StatusNoContent) // OnInvalid kept it, in the transaction
	wantSuccess(t, e.send(t), http.StatusNoContent) // Done
	e.wantCalls(t, 2)
	if store.committed.Load() != 1 || store.rolledBack.Load() != 1 || !inInvalid.Load() {
		t.Fatalf("committed %d, rolled back %d, OnInvalid in tx %v", store.committed.Load(), store.rolledBack.Load(), inInvalid.Load())
	}
}

func TestHandlerOptionValidation(t *testing.T) {
	f := newFixture(t)
	dispatch := func(context.Context, *notify.Notification) error { return nil }
	for _, tc := range []struct {
		name string
		opt  notify.HandlerOption
	}{
		{"success 201", notify.WithSuccessStatus(http.StatusCreated)},
		{"success 500", notify.WithSuccessStatus(http.StatusInternalServerError)},
		{"unknown 302", notify.WithUnknownEventStatus(http.StatusFound)},
		{"unknown 202", notify.WithUnknownEventStatus(http.StatusAccepted)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			notify.NewHandler(f.parser, nil, dispatch, tc.opt)
		})
	}
}

// ctxStore wraps a Store and fails when called with a done context, as a
// database-backed store would.
type ctxStore struct {
	dedupe.Store
	beginErr error
	state    dedupe.State
}

func (s *ctxStore) Begin(ctx context.Context, id string) (dedupe.Claim, error) {
	if s.beginErr != nil || s.state != 0 {
		return dedupe.Claim{ID: id, State: s.state}, s.beginErr
	}
	if err := ctx.Err(); err != nil {
		return dedupe.Claim{}, err
	}
	return s.Store.Begin(ctx, id)
}

func (s *ctxStore) Complete(ctx context.Context, c dedupe.Claim) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.Store.Complete(ctx, c)
}

func (s *ctxStore) Release(ctx context.Context, c dedupe.Claim) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.Store.Release(ctx, c)
}

func TestHandlerReleasesAfterClientGone(t *testing.T) {
	var cancel context.CancelFunc
	e := newHandlerEnv(t, &ctxStore{Store: dedupe.NewMemoryStore()}, func(_ context.Context, _ *notify.Notification, call int32) error {
		if call == 1 {
			cancel() // WeChat hung up while we were processing
			return errors.New("aborted")
		}
		return nil
	})
	var ctx context.Context
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	wantFail(t, e.serve(e.f.request(t, e.body).WithContext(ctx)), http.StatusInternalServerError, "processing failed")
	// Had Release used the canceled context, the id would stay in progress.
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 2)
}

func TestHandlerStoreFailure(t *testing.T) {
	for _, store := range []*ctxStore{
		{beginErr: errors.New("connection refused")},
		{state: dedupe.State(42)},
	} {
		e := newHandlerEnv(t, store, nil)
		wantFail(t, e.send(t), http.StatusInternalServerError, "internal error")
		e.wantCalls(t, 0)
		e.wantLog(t, "dedupe store failed")
	}
}

func TestHandlerRejects(t *testing.T) {
	type reject struct {
		status  int
		message string
	}
	want := map[error]reject{
		notify.ErrHeader:               {401, "missing or invalid Wechatpay headers"},
		notify.ErrStaleTimestamp:       {401, "timestamp out of range"},
		notify.ErrSignature:            {401, "signature verification failed"},
		notify.ErrMalformed:            {400, "malformed notification"},
		notify.ErrUnsupportedAlgorithm: {400, "unsupported algorithm"},
		notify.ErrDecrypt:              {400, "decryption failed"},
		notify.ErrReadBody:             {400, "cannot read request body"},
	}
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), nil)
	for _, tc := range parseErrorCases() {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := tc.build(t, e.f)
			wantFail(t, e.serve(r), want[tc.want].status, want[tc.want].message)
		})
	}
	t.Run("stale timestamp", func(t *testing.T) {
		s := *e.f.signer
		s.Now = func() time.Time { return fixedNow.Add(-time.Hour) }
		h, err := s.Headers(e.body)
		if err != nil {
			t.Fatal(err)
		}
		wantFail(t, e.serve(requestWith(e.body, h)), 401, "timestamp out of range")
	})
	t.Run("too large", func(t *testing.T) {
		body := append(bytes.Clone(e.body), bytes.Repeat([]byte(" "), notify.DefaultMaxBodyBytes)...)
		r := e.f.request(t, body)
		r.ContentLength = -1 // force reading through http.MaxBytesReader
		wantFail(t, e.serve(r), http.StatusRequestEntityTooLarge, "request body too large")
	})
	t.Run("GET", func(t *testing.T) {
		r := e.f.request(t, e.body)
		r.Method = http.MethodGet
		w := e.serve(r)
		wantFail(t, w, http.StatusMethodNotAllowed, "method not allowed")
		if got := w.Header().Get("Allow"); got != http.MethodPost {
			t.Errorf("Allow = %q", got)
		}
	})
	e.wantCalls(t, 0)
	e.wantLog(t, "rejected notification")
	// A valid delivery still works after all the rejections.
	wantSuccess(t, e.send(t), http.StatusNoContent)
	e.wantCalls(t, 1)
}

func TestHandlerOverRealServer(t *testing.T) {
	e := newHandlerEnv(t, dedupe.NewMemoryStore(), nil)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	do := func(body []byte) *http.Response {
		t.Helper()
		req, err := e.f.signer.NewRequest(context.Background(), srv.URL, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := do(e.body); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	big := append(bytes.Clone(e.body), bytes.Repeat([]byte(" "), notify.DefaultMaxBodyBytes)...)
	if resp := do(big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized: status = %d", resp.StatusCode)
	}
	e.wantCalls(t, 1)
}

func TestWriteFail(t *testing.T) {
	w := httptest.NewRecorder()
	notify.WriteFail(w, http.StatusBadRequest, `bad "input" <x>`)
	if w.Code != 400 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("reply = %d %v", w.Code, w.Header())
	}
	if got, want := w.Body.String(), `{"code":"FAIL","message":"bad \"input\" \u003cx\u003e"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}
