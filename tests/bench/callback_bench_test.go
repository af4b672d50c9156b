package bench_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	wxnotify "github.com/wechatpay-apiv3/wechatpay-go/core/notify"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

const benchPlaintext = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_appid":"wxd678efh567hg6787","sub_mchid":"1230000109","channel_id":"1230000109","service_id":"500001","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","user_service_status":"USER_OPEN_SERVICE","openorclose_time":"20180225112233","authorization_code":"4534323JKHDFE1243252"}`

const benchSerial = "PUB_KEY_ID_BENCH"

// notifyKind is one notification the benchmarks deliver: its envelope and
// plaintext, the generated handler for it, and the floor's decoding.
type notifyKind struct {
	eventType, summary, plaintext string
	maxBody                       int64 // the generated handler's body limit
	// ours builds the generated handler; it runs callback for the event
	// after checking that the data was decoded.
	ours func(p *notify.Parser, store dedupe.Store, callback func(), opts ...notify.HandlerOption) (http.Handler, error)
	// floorDecode is the floor's decoding and checking of plain, written by
	// hand for this notification: the same fields, the same rules.
	floorDecode func(plain []byte) bool
}

// onInvalid is the dead-letter hook of the benchmarks' handlers: the
// fixtures are valid, so any call is a failure.
func onInvalid(context.Context, *notify.Invalid) error { return errors.New("invalid") }

// ignoreOther is the handlers' Default: the fixtures carry one event type.
func ignoreOther(context.Context, *notify.Notification) error { return nil }

var authorizationKind = &notifyKind{
	eventType: "PAYSCORE.USER_OPEN_SERVICE", summary: "授权成功", plaintext: benchPlaintext,
	maxBody: notify.DefaultMaxBodyBytes,
	ours: func(p *notify.Parser, store dedupe.Store, callback func(), opts ...notify.HandlerOption) (http.Handler, error) {
		return acquiringbank.NewAuthorizationNotifyHandler(p, store, acquiringbank.AuthorizationNotifyHandlers{
			OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
				if ev.Data.SubOpenID == "" {
					return errors.New("no sub_openid")
				}
				callback()
				return nil
			},
			Default:   ignoreOther,
			OnInvalid: onInvalid,
		}, opts...)
	},
	floorDecode: func(plain []byte) bool {
		var data floorData
		return notify.CheckStrictJSON(plain) == nil && json.Unmarshal(plain, &data) == nil && data.check() &&
			data.SubOpenID != ""
	},
}

// callbackFixture holds signed deliveries with distinct ids, so that duplicate
// protection never short-cuts a delivery, and builds the handlers compared.
type callbackFixture struct {
	kind     *notifyKind
	apiV3Key string
	signer   *notifytest.Signer
	requests []*http.Request // templates: each delivery gets a shallow copy with a fresh body
	bodies   [][]byte
}

func newCallbackFixture(b testing.TB, kind *notifyKind, n int) *callbackFixture {
	_, plat := keys()
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		b.Fatal(err)
	}
	f := &callbackFixture{kind: kind, apiV3Key: fmt.Sprintf("%x", key), signer: &notifytest.Signer{PrivateKey: plat, Serial: benchSerial}}
	for i := range n {
		f.add(b, f.seal(b, f.envelope(i), kind.plaintext))
	}
	return f
}

func (f *callbackFixture) envelope(i int) notify.Envelope {
	return notify.Envelope{ID: fmt.Sprintf("EV-%08d", i), CreateTime: "2015-05-20T13:29:35+08:00",
		EventType: f.kind.eventType, ResourceType: "encrypt-resource", Summary: f.kind.summary}
}

// seal encrypts plaintext into env with the fixture's APIv3 key.
func (f *callbackFixture) seal(b testing.TB, env notify.Envelope, plaintext string) []byte {
	body, err := notifytest.SealEnvelope(f.apiV3Key, env, []byte(plaintext))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// add signs body as the platform does and appends it as a delivery; it
// returns the delivery's index.
func (f *callbackFixture) add(b testing.TB, body []byte) int {
	h, err := f.signer.Headers(body)
	if err != nil {
		b.Fatal(err)
	}
	h.Set("Content-Type", "application/json")
	r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/payscore/notify", nil)
	if err != nil {
		b.Fatal(err)
	}
	r.Header = h
	r.ContentLength = int64(len(body))
	f.requests = append(f.requests, r)
	f.bodies = append(f.bodies, body)
	return len(f.requests) - 1
}

// delivery is the request of delivery i, as a server hands it to a handler.
// Both sides of a comparison pay this cost (two small allocations).
func (f *callbackFixture) delivery(i int) *http.Request {
	r := new(http.Request)
	*r = *f.requests[i]
	r.Body = io.NopCloser(bytes.NewReader(f.bodies[i]))
	return r
}

// replyRecorder is the smallest http.ResponseWriter that keeps the status,
// reused so the harness allocates nothing per reply.
type replyRecorder struct {
	header http.Header
	code   int
	n      int
}

func (w *replyRecorder) Header() http.Header         { return w.header }
func (w *replyRecorder) WriteHeader(code int)        { w.code = code }
func (w *replyRecorder) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
func (w *replyRecorder) reset() {
	clear(w.header)
	w.code, w.n = 0, 0
}

// deliverer runs deliveries through one handler. rotate replaces the
// handler's duplicate store, so each pass over the fixture is new work.
type deliverer struct {
	f       *callbackFixture
	h       http.Handler
	rotate  func()
	handled atomic.Int64 // callbacks run: the handlers' observable effect
}

// serve panics on a failed delivery: it runs on goroutines other than the
// benchmark's, where b.Fatal is not allowed.
func (d *deliverer) serve(i int, w *replyRecorder) {
	w.reset()
	d.h.ServeHTTP(w, d.f.delivery(i))
	if w.code != http.StatusNoContent {
		panic(fmt.Sprintf("delivery %d: status %d", i, w.code))
	}
}

// serial delivers one notification per operation, walking the fixture and
// starting a fresh store at every pass.
func (d *deliverer) serial() side {
	w := &replyRecorder{header: http.Header{}}
	return serial(func(i int) {
		j := i % len(d.f.requests)
		if j == 0 {
			d.rotate()
		}
		d.serve(j, w)
	})
}

// concurrent runs conc deliveries per operation on conc goroutines that
// share the work, so ns per operation / conc is the time per delivery at
// that concurrency.
func (d *deliverer) concurrent(conc int) side {
	writers := make([]*replyRecorder, conc)
	for g := range writers {
		writers[g] = &replyRecorder{header: http.Header{}}
	}
	return func(n int) {
		total := n * conc
		for total > 0 {
			chunk := min(total, len(d.f.requests))
			total -= chunk
			d.rotate()
			var next atomic.Int64
			var wg sync.WaitGroup
			for g := range conc {
				wg.Go(func() {
					for {
						j := int(next.Add(1) - 1)
						if j >= chunk {
							return
						}
						d.serve(j, writers[g])
					}
				})
			}
			wg.Wait()
		}
	}
}

// rotatingStore is a dedupe.MemoryStore replaced at every pass.
type rotatingStore struct {
	cur atomic.Pointer[dedupe.MemoryStore]
}

func (r *rotatingStore) reset() { r.cur.Store(dedupe.NewMemoryStore()) }
func (r *rotatingStore) Begin(ctx context.Context, id string) (dedupe.Claim, error) {
	return r.cur.Load().Begin(ctx, id)
}
func (r *rotatingStore) Complete(ctx context.Context, c dedupe.Claim) error {
	return r.cur.Load().Complete(ctx, c)
}
func (r *rotatingStore) Release(ctx context.Context, c dedupe.Claim) error {
	return r.cur.Load().Release(ctx, c)
}

func platformVerifier() *verifiers.SHA256WithRSAPubkeyVerifier {
	_, plat := keys()
	return verifiers.NewSHA256WithRSAPubkeyVerifier(benchSerial, plat.PublicKey)
}

// ours is the generated handler as users mount it: duplicate protection in
// a memory store, logs discarded.
func (f *callbackFixture) ours(b testing.TB) *deliverer {
	parser, err := notify.NewParser(notify.Config{APIv3Key: f.apiV3Key, Verifier: platformVerifier()})
	if err != nil {
		b.Fatal(err)
	}
	store := &rotatingStore{}
	store.reset()
	d := &deliverer{f: f, rotate: store.reset}
	h, err := f.kind.ours(parser, store, func() { d.handled.Add(1) }, notify.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	d.h = h
	return d
}

// floorData is the decrypted resource with the same JSON fields the
// generated type decodes, aliases included.
type floorData struct {
	AppID             string `json:"appid"`
	MchID             string `json:"mchid"`
	SubAppID          string `json:"sub_appid"`
	SubMchID          string `json:"sub_mchid"`
	ChannelID         string `json:"channel_id"`
	ServiceID         string `json:"service_id"`
	OpenID            string `json:"openid"`
	SubOpenID         string `json:"sub_openid"`
	UserServiceStatus string `json:"user_service_status"`
	OpenOrCloseTime   string `json:"openorclose_time"`
	AuthorizationCode string `json:"authorization_code"`
	MchIDAlias        string `json:"mch_id"`
	SubMchIDAlias     string `json:"sub_mch_id"`

	openOrClose time.Time
}

// check is the generated Validate's rules, written by hand: required
// fields, lengths in characters, the enum, exactly one of openid and
// sub_openid, and the aliases agreeing.
func (d *floorData) check() bool {
	if !mergeAlias(&d.MchID, d.MchIDAlias) || !mergeAlias(&d.SubMchID, d.SubMchIDAlias) {
		return false
	}
	ok := lenIn(d.AppID, true, 32) && lenIn(d.MchID, true, 32) && lenIn(d.SubAppID, false, 32) &&
		lenIn(d.SubMchID, true, 32) && lenIn(d.ChannelID, false, 32) && lenIn(d.ServiceID, true, 32) &&
		lenIn(d.OpenID, false, 128) && lenIn(d.SubOpenID, false, 128) && lenIn(d.AuthorizationCode, true, 32) &&
		(d.UserServiceStatus == "USER_OPEN_SERVICE" || d.UserServiceStatus == "USER_CLOSE_SERVICE") &&
		(d.OpenID == "") != (d.SubOpenID == "")
	if !ok || len(d.OpenOrCloseTime) != 14 {
		return false
	}
	t, err := time.ParseInLocation(wxtime.ChinaTimeLayout, d.OpenOrCloseTime, wxtime.China)
	d.openOrClose = t
	return err == nil
}

func mergeAlias(v *string, alias string) bool {
	if alias == "" {
		return true
	}
	if *v == "" {
		*v = alias
		return true
	}
	return *v == alias
}

// lenIn: valid UTF-8 of 1 to max characters, or empty when not required.
func lenIn(s string, required bool, max int) bool {
	if s == "" {
		return !required
	}
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max
}

// floorHandler is the least a correct notification endpoint does, written
// directly for this one notification: the same observable work as the
// generated handler (headers and timestamp window checked, body read with a
// limit, RSA-2048 signature verified, body checked as strict JSON, envelope
// decoded and held to its documented limits, AES-256-GCM opened, the
// plaintext checked as strict JSON, the same fields decoded and validated,
// the id claimed for a limited time and completed in a duplicate store, the
// callback run, 204 written), none of its generality. No standard-library
// call refuses repeated member names, so the floor runs the same
// notify.CheckStrictJSON as ours: that cost is equal on both sides.
type floorHandler struct {
	kind     *notifyKind
	pub      *rsa.PublicKey
	gcm      cipher.AEAD
	callback func()

	mu   sync.Mutex
	seen map[string]floorEntry
}

// floorEntry is a claim (done false) or a done mark, each valid until
// its deadline, as the duplicate stores keep them.
type floorEntry struct {
	done  bool
	until int64 // unix nanoseconds
}

// claim takes id for dedupe.DefaultClaimTimeout unless a live claim or
// done mark holds it; it returns the live entry when there is one.
func (h *floorHandler) claim(id string) (floorEntry, bool) {
	now := time.Now().UnixNano()
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.seen[id]; ok && now < e.until {
		return e, false
	}
	h.seen[id] = floorEntry{until: now + int64(dedupe.DefaultClaimTimeout)}
	return floorEntry{}, true
}

func (h *floorHandler) settle(id string, done bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if done {
		h.seen[id] = floorEntry{done: true, until: time.Now().Add(dedupe.DefaultRetention).UnixNano()}
	} else {
		delete(h.seen, id)
	}
}

// envelopeOK is notify.CheckEnvelope's limits written out for the floor.
func envelopeOK(env *notify.Envelope) bool {
	if !lenIn(env.CreateTime, true, notify.MaxCreateTimeLength) || !envelopeLimitsOK(env) {
		return false
	}
	_, err := time.Parse(time.RFC3339, env.CreateTime)
	return err == nil
}

// envelopeLimitsOK is envelopeOK without create_time, which wechatpay-go
// hands back parsed.
func envelopeLimitsOK(env *notify.Envelope) bool {
	return lenIn(env.ID, true, notify.MaxIDLength) && lenIn(env.EventType, true, notify.MaxEventTypeLength) &&
		lenIn(env.ResourceType, true, notify.MaxResourceTypeLength) && lenIn(env.Summary, false, notify.MaxSummaryLength) &&
		env.Resource.Ciphertext != "" && lenIn(env.Resource.Nonce, true, notify.MaxNonceLength) &&
		lenIn(env.Resource.AssociatedData, false, notify.MaxAssociatedDataLength) &&
		lenIn(env.Resource.OriginalType, false, notify.MaxOriginalTypeLength)
}

func (f *callbackFixture) floor(b testing.TB) *deliverer {
	_, plat := keys()
	block, err := aes.NewCipher([]byte(f.apiV3Key))
	if err != nil {
		b.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	d := &deliverer{f: f}
	h := &floorHandler{kind: f.kind, pub: &plat.PublicKey, gcm: gcm, seen: map[string]floorEntry{}}
	h.callback = func() { d.handled.Add(1) }
	d.h = h
	d.rotate = func() {
		h.mu.Lock()
		h.seen = map[string]floorEntry{}
		h.mu.Unlock()
	}
	return d
}

func (h *floorHandler) fail(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"code":"FAIL","message":"rejected"}`)
}

func (h *floorHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.fail(w, http.StatusMethodNotAllowed)
		return
	}
	ts, nonce := r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderNonce)
	sig, serial := r.Header.Get(notify.HeaderSignature), r.Header.Get(notify.HeaderSerial)
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || nonce == "" || sig == "" || serial != benchSerial {
		h.fail(w, http.StatusUnauthorized)
		return
	}
	if d := time.Since(time.Unix(unix, 0)); d > notify.DefaultTimestampWindow || d < -notify.DefaultTimestampWindow {
		h.fail(w, http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.kind.maxBody+1))
	if err != nil || int64(len(body)) > h.kind.maxBody {
		h.fail(w, http.StatusRequestEntityTooLarge)
		return
	}
	rawSig, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		h.fail(w, http.StatusUnauthorized)
		return
	}
	hash := sha256.New()
	_, _ = io.WriteString(hash, ts)
	_, _ = io.WriteString(hash, "\n")
	_, _ = io.WriteString(hash, nonce)
	_, _ = io.WriteString(hash, "\n")
	_, _ = hash.Write(body)
	_, _ = io.WriteString(hash, "\n")
	if rsa.VerifyPKCS1v15(h.pub, crypto.SHA256, hash.Sum(nil), rawSig) != nil {
		h.fail(w, http.StatusUnauthorized)
		return
	}
	var env notify.Envelope
	if notify.CheckStrictJSON(body) != nil || json.Unmarshal(body, &env) != nil || !envelopeOK(&env) ||
		env.Resource.Algorithm != notify.AlgorithmAES256GCM || len(env.Resource.Nonce) != h.gcm.NonceSize() {
		h.fail(w, http.StatusBadRequest)
		return
	}
	ct, err := base64.StdEncoding.DecodeString(env.Resource.Ciphertext)
	if err != nil {
		h.fail(w, http.StatusBadRequest)
		return
	}
	plain, err := h.gcm.Open(ct[:0], []byte(env.Resource.Nonce), ct, []byte(env.Resource.AssociatedData))
	if err != nil {
		h.fail(w, http.StatusBadRequest)
		return
	}
	h.dispatch(w, env.ID, func() bool { return env.EventType == h.kind.eventType && h.kind.floorDecode(plain) })
}

// dispatch runs the callback once per id: a duplicate of a done delivery
// is acknowledged, one still in progress is refused for a retry. decode
// decodes and checks the data after the claim, as the generated handler
// does.
func (h *floorHandler) dispatch(w http.ResponseWriter, id string, decode func() bool) {
	if e, ok := h.claim(id); !ok {
		if e.done {
			w.WriteHeader(http.StatusNoContent)
		} else {
			h.fail(w, http.StatusServiceUnavailable)
		}
		return
	}
	if !decode() {
		h.settle(id, false)
		h.fail(w, http.StatusInternalServerError)
		return
	}
	h.callback()
	h.settle(id, true)
	w.WriteHeader(http.StatusNoContent)
}

// wechatpayGo is the handler a wechatpay-go user writes today around
// notify.Handler.ParseNotifyRequest, with the floor's checks on what that
// API hands back (it decodes the plaintext itself, and leaves the body in
// r.Body for the strict check) and the floor's duplicate store and reply.
func (f *callbackFixture) wechatpayGo(b testing.TB) *deliverer {
	_, plat := keys()
	wx, err := wxnotify.NewRSANotifyHandler(f.apiV3Key, verifiers.NewSHA256WithRSAPubkeyVerifier(benchSerial, plat.PublicKey))
	if err != nil {
		b.Fatal(err)
	}
	d := f.floor(b)
	fl := d.h.(*floorHandler)
	d.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var data floorData
		req, err := wx.ParseNotifyRequest(r.Context(), r, &data)
		if err != nil {
			fl.fail(w, http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(r.Body)
		env := notify.Envelope{ID: req.ID, EventType: req.EventType, ResourceType: req.ResourceType, Summary: req.Summary,
			Resource: notify.Resource{Ciphertext: req.Resource.Ciphertext, Nonce: req.Resource.Nonce,
				AssociatedData: req.Resource.AssociatedData, OriginalType: req.Resource.OriginalType}}
		if err != nil || req.CreateTime == nil || notify.CheckStrictJSON(body) != nil || !envelopeLimitsOK(&env) {
			fl.fail(w, http.StatusBadRequest)
			return
		}
		fl.dispatch(w, req.ID, func() bool {
			return req.EventType == fl.kind.eventType && notify.CheckStrictJSON([]byte(req.Resource.Plaintext)) == nil &&
				data.check() && data.SubOpenID != ""
		})
	})
	return d
}

// TestCallbackSidesAgree makes sure the floor is not cheaper for a wrong
// reason: every side accepts the fixture's deliveries and runs the callback
// once per id, and the floor rejects what the generated handler rejects.
func TestCallbackSidesAgree(t *testing.T) {
	f := newCallbackFixture(t, authorizationKind, 4)
	for name, d := range map[string]*deliverer{"ours": f.ours(t), "floor": f.floor(t), "wechatpay-go": f.wechatpayGo(t)} {
		w := &replyRecorder{header: http.Header{}}
		for i := range f.requests {
			w.reset()
			d.h.ServeHTTP(w, f.delivery(i))
			if w.code != http.StatusNoContent {
				t.Fatalf("%s: delivery %d: status %d", name, i, w.code)
			}
		}
		w.reset()
		d.h.ServeHTTP(w, f.delivery(0)) // a duplicate: acknowledged, not run again
		if w.code != http.StatusNoContent || d.handled.Load() != int64(len(f.requests)) {
			t.Errorf("%s: duplicate: status %d, callbacks %d", name, w.code, d.handled.Load())
		}
		if name == "wechatpay-go" {
			continue
		}
		bad := f.delivery(1)
		bad.Header = bad.Header.Clone()
		bad.Header.Set(notify.HeaderNonce, "other")
		w.reset()
		d.h.ServeHTTP(w, bad)
		if w.code != http.StatusUnauthorized {
			t.Errorf("%s: tampered nonce: status %d, want 401", name, w.code)
		}
	}
}

// TestCallbackSidesRejectAlike: signed deliveries that break the strict
// JSON or the documented limits are refused by every side, and no callback
// runs, so the floors do the generated handler's checks, not fewer.
func TestCallbackSidesRejectAlike(t *testing.T) {
	f := newCallbackFixture(t, authorizationKind, 0)
	cases := map[string]int{}
	envelope := func(i int) notify.Envelope { return f.envelope(1000 + i) }
	body := f.seal(t, envelope(0), benchPlaintext)
	cases["envelope member repeated up to case"] = f.add(t, append([]byte(`{"ID":"EV-other",`), body[1:]...))
	long := envelope(1)
	long.ID = strings.Repeat("E", notify.MaxIDLength+1)
	cases["id over 36 characters"] = f.add(t, f.seal(t, long, benchPlaintext))
	cases["summary over 64 characters"] = f.add(t, f.seal(t, func() notify.Envelope {
		e := envelope(2)
		e.Summary = strings.Repeat("摘", notify.MaxSummaryLength+1)
		return e
	}(), benchPlaintext))
	cases["plaintext member repeated up to case"] = f.add(t, f.seal(t, envelope(3), `{"SUB_OPENID":"x",`+benchPlaintext[1:]))
	cases["plaintext invalid UTF-8"] = f.add(t, f.seal(t, envelope(4), strings.Replace(benchPlaintext, "500001", "5000\xff", 1)))
	cases["plaintext breaks a limit"] = f.add(t, f.seal(t, envelope(5), strings.Replace(benchPlaintext, "500001", strings.Repeat("5", 33), 1)))
	for name, d := range map[string]*deliverer{"ours": f.ours(t), "floor": f.floor(t), "wechatpay-go": f.wechatpayGo(t)} {
		w := &replyRecorder{header: http.Header{}}
		for what, i := range cases {
			w.reset()
			d.h.ServeHTTP(w, f.delivery(i))
			if w.code < 400 {
				t.Errorf("%s: %s: status %d, want a refusal", name, what, w.code)
			}
		}
		if n := d.handled.Load(); n != 0 {
			t.Errorf("%s: %d callbacks ran on refused deliveries", name, n)
		}
	}
}

func BenchmarkPairCallback(b *testing.B) {
	f := newCallbackFixture(b, authorizationKind, 512)
	b.Run("floor", func(b *testing.B) {
		comparePair(b, f.ours(b).serial(), f.floor(b).serial())
	})
	b.Run("wechatpay_go", func(b *testing.B) {
		comparePair(b, f.ours(b).serial(), f.wechatpayGo(b).serial())
	})
	for _, conc := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("throughput_%d", conc), func(b *testing.B) {
			comparePair(b, f.ours(b).concurrent(conc), f.floor(b).concurrent(conc))
		})
	}
}
