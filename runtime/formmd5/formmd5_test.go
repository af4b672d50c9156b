package formmd5_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/formmd5"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

const key jumpsign.Secret = "k3y-for-tests"

func TestCheckOrder(t *testing.T) {
	want := formmd5.Order{MchID: "M1", TotalFee: 100}
	var me *formmd5.MismatchError
	for name, tc := range map[string]struct {
		want  formmd5.Order
		mchID string
		fee   int64
		field string // "" when it matches
	}{
		"match":          {want, "M1", 100, ""},
		"other mchid":    {want, "M2", 100, "mchid"},
		"other amount":   {want, "M1", 101, "total_fee"},
		"empty record":   {formmd5.Order{}, "", 0, "mchid"},
		"no amount kept": {formmd5.Order{MchID: "M1"}, "M1", 0, "total_fee"},
	} {
		err := formmd5.CheckOrder(tc.want, tc.mchID, tc.fee)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !errors.As(err, &me) || me.Field != tc.field || strings.Contains(err.Error(), "M2") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// note is a minimal notification type: the order number only.
type note struct{ id string }

func newHandler(t *testing.T, store dedupe.Store, logs io.Writer, process func(context.Context, note) error) http.Handler {
	t.Helper()
	return formmd5.NewHandler(formmd5.Notification[note]{
		Name: "test notify", Key: key, Algorithm: jumpsign.MD5Algo, SuccessBody: "success", Deadline: 10 * time.Millisecond,
		Decode: func(m map[string]string) (note, error) {
			if m["order_no"] == "" {
				return note{}, errors.New("order_no: required")
			}
			return note{id: m["order_no"]}, nil
		},
		ID:      func(n note) string { return n.id },
		Check:   func(context.Context, note) error { return nil },
		Process: process,
	}, store, formmd5.WithLogger(slog.New(slog.NewTextHandler(logs, nil))), formmd5.WithMaxBodyBytes(1024))
}

func signedBody(fields map[string]string) string {
	fields["sign"] = jumpsign.MD5(fields, key)
	v := url.Values{}
	for k, x := range fields {
		v.Set(k, x)
	}
	return v.Encode()
}

func post(h http.Handler, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/n", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type brokenStore struct{ state dedupe.State }

func (s brokenStore) Begin(_ context.Context, id string) (dedupe.Claim, error) {
	if s.state == 0 {
		return dedupe.Claim{}, errors.New("store offline")
	}
	return dedupe.Claim{ID: id, State: s.state, Token: "t", Deadline: time.Now().Add(time.Minute)}, nil
}
func (brokenStore) Complete(context.Context, dedupe.Claim) error { return errors.New("store offline") }
func (brokenStore) Release(context.Context, dedupe.Claim) error  { return nil }

func TestHandlerStoreFailures(t *testing.T) {
	ok := func(context.Context, note) error { return nil }
	var logs bytes.Buffer
	body := signedBody(map[string]string{"order_no": "O1", "total_fee": "1"})
	if rec := post(newHandler(t, brokenStore{}, &logs, ok), body); rec.Code != 500 || rec.Body.String() != "fail" {
		t.Errorf("store error: %d %q", rec.Code, rec.Body.String())
	}
	if rec := post(newHandler(t, brokenStore{state: 42}, &logs, ok), body); rec.Code != 500 {
		t.Errorf("invalid state: %d", rec.Code)
	}
	// Processed, but Complete fails: still acknowledged, and logged.
	if rec := post(newHandler(t, brokenStore{state: dedupe.Acquired}, &logs, ok), body); rec.Code != 200 || rec.Body.String() != "success" {
		t.Errorf("complete error: %d %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "recording the notification as done failed") {
		t.Error("the failed Complete is not logged")
	}
	if strings.Contains(logs.String(), string(key)) {
		t.Error("logs carry the key")
	}
}

func TestHandlerDeadlineAndIDs(t *testing.T) {
	var logs bytes.Buffer
	slow := func(context.Context, note) error { time.Sleep(20 * time.Millisecond); return nil }
	h := newHandler(t, dedupe.NewMemoryStore(), &logs, slow)
	if rec := post(h, signedBody(map[string]string{"order_no": "O1"})); rec.Code != 200 {
		t.Fatalf("slow: %d", rec.Code)
	}
	if !strings.Contains(logs.String(), "answered after the sender's deadline") || !strings.Contains(logs.String(), "id=O1") {
		t.Errorf("logs = %s", logs.String())
	}
	// The dedupe id is prefixed with the notification's name.
	store := dedupe.NewMemoryStore()
	h = newHandler(t, store, &logs, func(context.Context, note) error { return nil })
	post(h, signedBody(map[string]string{"order_no": "O2"}))
	if c, _ := store.Begin(context.Background(), "test notify:O2"); c.State != dedupe.Done {
		t.Errorf("store state of test notify:O2 = %v", c.State)
	}
	if rec := post(h, strings.Repeat("a", 2048)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("body over WithMaxBodyBytes: %d", rec.Code)
	}
}

func TestNewHandlerPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic without Decode")
		}
	}()
	formmd5.NewHandler(formmd5.Notification[note]{Key: key}, nil)
}

func TestCallerPost(t *testing.T) {
	var gotPath, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotPath, gotBody = r.URL.Path, string(b)
		if r.URL.Path == "/big" {
			_, _ = w.Write(bytes.Repeat([]byte(" "), formmd5.MaxResponseBytes+1))
			return
		}
		_, _ = io.WriteString(w, `{"a":"1"}`)
	}))
	defer srv.Close()
	c := &formmd5.Caller{BaseURL: srv.URL + "/", Key: key, Algorithm: jumpsign.MD5Algo}
	sign, err := c.Sign(map[string]string{"b": "2", "a": "x y"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Post(context.Background(), "op", "/path", map[string]string{"b": "2", "a": "x y", "empty": "", "sign": sign})
	if err != nil || m["a"] != "1" {
		t.Fatalf("Post = %v, %v", m, err)
	}
	if gotPath != "/path" || gotBody != "a=x+y&b=2&sign="+sign {
		t.Errorf("sent %s %s", gotPath, gotBody)
	}
	if _, err := c.Post(context.Background(), "op", "/big", nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("large response: %v", err)
	}
	if _, err := (&formmd5.Caller{}).Sign(nil); !errors.Is(err, formmd5.ErrEmptyKey) {
		t.Errorf("empty key: %v", err)
	}
}
