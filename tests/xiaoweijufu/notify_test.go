package xiaoweijufu_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/formmd5"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// validNotify is a notification signed outside this code:
//
//	printf '%s' 'attach=a1&mchid=1601234567&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o&order_no=XW202501010001&out_trade_no=T20250101-0001&status=1&time_end=2025-01-01 12:00:00&total_fee=12345&transaction_id=4200001234202501010000000001&key=s3cr3t-K3y' \
//	  | openssl dgst -md5     # uppercased
func validNotify() url.Values {
	return url.Values{
		"attach":         {"a1"},
		"mchid":          {"1601234567"},
		"openid":         {"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
		"order_no":       {"XW202501010001"},
		"out_trade_no":   {"T20250101-0001"},
		"status":         {"1"},
		"time_end":       {"2025-01-01 12:00:00"},
		"total_fee":      {"12345"},
		"transaction_id": {"4200001234202501010000000001"},
		"sign":           {"7AF63CBE0E4BB0CFC96CA1A4294AE9F0"},
	}
}

// resign replaces sign after the test changed fields on purpose (the
// merchant's key signs, so this models a sender that knows the key).
func resign(v url.Values) url.Values {
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	v.Set("sign", jumpsign.MD5(m, merchantKey))
	return v
}

// lockedBuffer collects log output from concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type harness struct {
	t         *testing.T
	h         http.Handler
	logs      *lockedBuffer
	processed atomic.Int32
	got       chan *xiaoweijufu.NotifyData
	fail      atomic.Value // func(*xiaoweijufu.NotifyData) error
	lookupErr error
	// every reply, to check that none carries the key
	mu      sync.Mutex
	replies []string
}

func newHarness(t *testing.T, store dedupe.Store) *harness {
	h := &harness{t: t, logs: &lockedBuffer{}, got: make(chan *xiaoweijufu.NotifyData, 100)}
	orders := map[string]formmd5.Order{"T20250101-0001": {MchID: "1601234567", TotalFee: 12345}}
	lookup := func(_ context.Context, n *xiaoweijufu.NotifyData) (formmd5.Order, error) {
		if h.lookupErr != nil {
			return formmd5.Order{}, h.lookupErr
		}
		o, ok := orders[n.OutTradeNo]
		if !ok {
			return formmd5.Order{}, formmd5.ErrUnknownOrder
		}
		return o, nil
	}
	process := func(_ context.Context, n *xiaoweijufu.NotifyData) error {
		if f, _ := h.fail.Load().(func(*xiaoweijufu.NotifyData) error); f != nil {
			if err := f(n); err != nil {
				return err
			}
		}
		h.processed.Add(1)
		h.got <- n
		return nil
	}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.h = xiaoweijufu.NewNotifyHandler(merchantKey, lookup, store, process, formmd5.WithLogger(logger))
	t.Cleanup(h.checkNoLeak)
	return h
}

func (h *harness) post(body string, contentType string) (int, string) {
	req := httptest.NewRequest(http.MethodPost, "/notify/xiaoweijufu", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	reply := rec.Body.String()
	h.mu.Lock()
	h.replies = append(h.replies, reply, rec.Header().Get("Content-Type"))
	h.mu.Unlock()
	return rec.Code, reply
}

func (h *harness) send(v url.Values) (int, string) {
	return h.post(v.Encode(), "application/x-www-form-urlencoded")
}

func (h *harness) checkNoLeak() {
	h.mu.Lock()
	defer h.mu.Unlock()
	all := strings.Join(h.replies, "\n") + h.logs.String()
	if strings.Contains(all, string(merchantKey)) {
		h.t.Errorf("the key appears in a reply or a log line")
	}
	if strings.Contains(h.logs.String(), "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o") {
		h.t.Errorf("a log line carries the openid (body data)")
	}
}

func TestNotifyValidThenDuplicate(t *testing.T) {
	h := newHarness(t, dedupe.NewMemoryStore())
	code, body := h.send(validNotify())
	if code != http.StatusOK || body != "success" {
		t.Fatalf("reply = %d %q, want 200 \"success\"", code, body)
	}
	n := <-h.got
	if n.OrderNo != "XW202501010001" || n.OutTradeNo != "T20250101-0001" || n.TotalFee != 12345 || n.MchID != "1601234567" ||
		n.TimeEnd != "2025-01-01 12:00:00" || n.Attach != "a1" || n.Status != "1" {
		t.Errorf("decoded = %+v", n)
	}
	// A repeat (the sender retries on a lost reply) is acknowledged, not processed again.
	for range 3 {
		if code, body := h.send(validNotify()); code != http.StatusOK || body != "success" {
			t.Fatalf("duplicate reply = %d %q", code, body)
		}
	}
	if got := h.processed.Load(); got != 1 {
		t.Errorf("processed %d times, want 1", got)
	}
}

func TestNotifyConcurrentDuplicates(t *testing.T) {
	h := newHarness(t, dedupe.NewMemoryStore())
	release := make(chan struct{})
	h.fail.Store(func(*xiaoweijufu.NotifyData) error { <-release; return nil })
	const n = 20
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := h.send(validNotify())
			codes <- code
		}()
	}
	// Wait until every delivery but the one being processed has answered.
	busy := 0
	for busy < n-1 {
		select {
		case c := <-codes:
			if c != http.StatusServiceUnavailable {
				close(release)
				t.Fatalf("a concurrent duplicate got %d while the first was processing, want 503", c)
			}
			busy++
		case <-time.After(5 * time.Second):
			close(release)
			t.Fatalf("only %d of %d concurrent duplicates were answered while the first was processing", busy, n-1)
		}
	}
	close(release)
	wg.Wait()
	if c := <-codes; c != http.StatusOK {
		t.Errorf("the processing delivery got %d", c)
	}
	if got := h.processed.Load(); got != 1 {
		t.Errorf("processed %d times, want 1", got)
	}
	if code, body := h.send(validNotify()); code != http.StatusOK || body != "success" {
		t.Errorf("retry after processing: %d %q", code, body)
	}
}

func TestNotifyRefusals(t *testing.T) {
	oversized := validNotify()
	oversized.Set("attach", strings.Repeat("a", formmd5.DefaultMaxBodyBytes))
	tests := []struct {
		name        string
		body        func() string
		contentType string
		lookupErr   error
		want        int
	}{
		{"wrong sign", func() string {
			v := validNotify()
			v.Set("sign", "7AF63CBE0E4BB0CFC96CA1A4294AE9F1")
			return v.Encode()
		}, "", nil, 401},
		{"amount changed, not re-signed", func() string { v := validNotify(); v.Set("total_fee", "1"); return v.Encode() }, "", nil, 401},
		{"amount differs from the order", func() string { v := validNotify(); v.Set("total_fee", "1"); return resign(v).Encode() }, "", nil, 400},
		{"unknown mchid", func() string { v := validNotify(); v.Set("mchid", "1609999999"); return resign(v).Encode() }, "", nil, 400},
		{"unknown order", func() string { v := validNotify(); v.Set("out_trade_no", "T-unknown"); return resign(v).Encode() }, "", nil, 400},
		{"lookup fails", func() string { return validNotify().Encode() }, "", errors.New("database down"), 500},
		{"missing order_no", func() string { v := validNotify(); v.Del("order_no"); return resign(v).Encode() }, "", nil, 400},
		{"missing mchid", func() string { v := validNotify(); v.Del("mchid"); return resign(v).Encode() }, "", nil, 400},
		{"non-numeric total_fee", func() string { v := validNotify(); v.Set("total_fee", "12.34"); return resign(v).Encode() }, "", nil, 400},
		{"missing sign", func() string { v := validNotify(); v.Del("sign"); return v.Encode() }, "", nil, 400},
		{"field added after signing", func() string { v := validNotify(); v.Set("extra", "x"); return v.Encode() }, "", nil, 401},
		{"repeated key", func() string { return validNotify().Encode() + "&total_fee=1" }, "", nil, 400},
		{"malformed form", func() string { return "total_fee=%zz&" + validNotify().Encode() }, "", nil, 400},
		{"oversized body", func() string { return oversized.Encode() }, "", nil, 413},
		{"JSON content type", func() string { return validNotify().Encode() }, "application/json", nil, 415},
		{"empty body", func() string { return "" }, "", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, dedupe.NewMemoryStore())
			h.lookupErr = tt.lookupErr
			ct := tt.contentType
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			code, body := h.post(tt.body(), ct)
			if code != tt.want || body != "fail" {
				t.Errorf("reply = %d %q, want %d \"fail\"", code, body, tt.want)
			}
			if h.processed.Load() != 0 {
				t.Error("a refused notification was processed")
			}
		})
	}
	t.Run("method GET", func(t *testing.T) {
		h := newHarness(t, nil)
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/notify/xiaoweijufu?"+validNotify().Encode(), nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
			t.Errorf("GET: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	})
}

func TestNotifySignCoversEveryReceivedField(t *testing.T) {
	h := newHarness(t, nil)
	v := validNotify()
	v.Set("undocumented", "kept in the signature")
	if code, body := h.send(resign(v)); code != http.StatusOK || body != "success" {
		t.Fatalf("unknown field, signed: %d %q", code, body)
	}
	// Why: a lowercase but valid sign was rejected (the spec's pattern is
	// ^[0-9A-F]{32}$). The hex case does not change the digest.
	v = validNotify()
	v.Set("order_no", "XW202501010002")
	v = resign(v)
	v.Set("sign", strings.ToLower(v.Get("sign")))
	if code, body := h.send(v); code != http.StatusOK || body != "success" {
		t.Errorf("lowercase sign: %d %q, want 200 success", code, body)
	}
	if got := h.processed.Load(); got != 2 {
		t.Errorf("processed %d, want 2", got)
	}
	// A wrong sign in lower case is still refused.
	v.Set("sign", strings.ToLower(validNotify().Get("sign")))
	if code, _ := h.send(v); code != http.StatusUnauthorized {
		t.Errorf("wrong lowercase sign: %d, want 401", code)
	}
	// The form may be sent without a Content-Type.
	if code, _ := h.post(validNotify().Encode(), ""); code != http.StatusOK {
		t.Errorf("no Content-Type: %d", code)
	}
}

func TestNotifyProcessFailureIsRetried(t *testing.T) {
	h := newHarness(t, dedupe.NewMemoryStore())
	calls := 0
	h.fail.Store(func(*xiaoweijufu.NotifyData) error {
		calls++
		switch calls {
		case 1:
			return errors.New("temporary failure")
		case 2:
			panic("bug with " + string(merchantKey)) // the panic value is not logged
		}
		return nil
	})
	for i, want := range []int{500, 500, 200, 200} {
		code, body := h.send(validNotify())
		if code != want {
			t.Fatalf("delivery %d: %d %q, want %d", i+1, code, body, want)
		}
	}
	if got := h.processed.Load(); got != 1 {
		t.Errorf("processed %d times, want 1", got)
	}
	if !strings.Contains(h.logs.String(), "temporary failure") {
		t.Error("the process error is not logged")
	}
}

func TestNotifyHandlerNeedsItsArguments(t *testing.T) {
	for name, f := range map[string]func(){
		"nil lookup": func() {
			xiaoweijufu.NewNotifyHandler(merchantKey, nil, nil, func(context.Context, *xiaoweijufu.NotifyData) error { return nil })
		},
		"nil process": func() { xiaoweijufu.NewNotifyHandler(merchantKey, lookupNone, nil, nil) },
		"empty key": func() {
			xiaoweijufu.NewNotifyHandler("", lookupNone, nil, func(context.Context, *xiaoweijufu.NotifyData) error { return nil })
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func lookupNone(context.Context, *xiaoweijufu.NotifyData) (formmd5.Order, error) {
	return formmd5.Order{}, formmd5.ErrUnknownOrder
}

// Why: a notify with a status other than success still called process.
func TestNotifyOnlySuccessfulStatusIsProcessed(t *testing.T) {
	h := newHarness(t, dedupe.NewMemoryStore())
	for _, status := range []string{"0", "2", "FAIL"} {
		v := validNotify()
		v.Set("status", status)
		if code, body := h.send(resign(v)); code != http.StatusOK || body != "success" {
			t.Fatalf("status %q: %d %q, want 200 success (acknowledged)", status, code, body)
		}
	}
	if got := h.processed.Load(); got != 0 {
		t.Fatalf("process ran %d times for unsuccessful statuses", got)
	}
	if !strings.Contains(h.logs.String(), "reports no successful payment") {
		t.Errorf("not logged:\n%s", h.logs.String())
	}
	// The same order's successful notification is still processed once.
	for range 2 {
		if code, _ := h.send(validNotify()); code != http.StatusOK {
			t.Fatalf("status 1: %d", code)
		}
	}
	if got := h.processed.Load(); got != 1 {
		t.Fatalf("processed %d, want 1", got)
	}
}
