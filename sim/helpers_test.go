package sim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/sim"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
)

const (
	mchID       = "1900000109"
	serial      = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	publicKeyID = "PUB_KEY_ID_0119000001092025010100000000000001"
	apiV3Key    = "0123456789abcdefghijklmnopqrstuv"
	serviceID   = "500001"
	channelID   = "1230000109"
	appID       = "wxd678efh567hg6787"
	subAppID    = "wxd678efh567hg6786"
	subMchID    = "1900000110"
	openID      = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
)

// RSA-2048 keys shared by the test binary: the merchant's, the platform's,
// and a stranger's for forged signatures.
var merchantKey, platformKey, badKey *rsa.PrivateKey

func keys(t testing.TB) {
	t.Helper()
	merchantKey, platformKey, badKey = testkit.Key("merchant"), testkit.Key("platform"), testkit.Key("stranger")
}

var start = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// merchant is a notify_url server that records deliveries; fail decides the
// status of each (0: 204).
type merchant struct {
	srv   *httptest.Server
	mu    sync.Mutex
	got   []received
	fail  func(n int) int
	count atomic.Int32
}

type received struct {
	notification *notify.Notification
	err          error
}

func newMerchant(t *testing.T, fail func(n int) int) *merchant {
	t.Helper()
	keys(t)
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platformKey.PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &merchant{fail: fail}
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(m.count.Add(1))
		got, err := parser.Parse(r)
		m.mu.Lock()
		m.got = append(m.got, received{got, err})
		m.mu.Unlock()
		if err != nil {
			notify.WriteFail(w, http.StatusUnauthorized, "bad notification")
			return
		}
		if m.fail != nil {
			if st := m.fail(n); st != 0 {
				notify.WriteFail(w, st, "try again")
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *merchant) received() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

func (m *merchant) notifyURL() string { return m.srv.URL + "/payscore/notify" }

// newSim starts a simulator with the test keys and a manual clock at start.
func newSim(t *testing.T, m *merchant, opts ...sim.Option) *sim.Simulator {
	t.Helper()
	keys(t)
	base := []sim.Option{
		sim.WithMerchant(mchID, serial, &merchantKey.PublicKey),
		sim.WithPlatformKey(platformKey, publicKeyID),
		sim.WithAPIv3Key(apiV3Key),
		sim.WithClock(sim.NewClock(start)),
	}
	if m != nil {
		base = append(base, sim.WithCallbackClient(m.srv.Client()))
	}
	s, err := sim.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// signedRequest is a merchant request signed by hand, so tests control the
// key, serial, timestamp and nonce.
type signedRequest struct {
	method, path string
	body         string
	key          *rsa.PrivateKey
	mchID        string
	serial       string
	timestamp    int64
	nonce        string
	noAuth       bool
}

type response struct {
	status int
	header http.Header
	body   []byte
	code   string
	msg    string
	detail map[string]string
}

// authHeader signs r with its key (default the merchant's) as wechatpay-go
// does, filling in the defaults.
func authHeader(t *testing.T, r signedRequest) string {
	t.Helper()
	keys(t)
	if r.key == nil {
		r.key = merchantKey
	}
	if r.mchID == "" {
		r.mchID = mchID
	}
	if r.serial == "" {
		r.serial = serial
	}
	if r.timestamp == 0 {
		r.timestamp = time.Now().Unix()
	}
	if r.nonce == "" {
		r.nonce = notifytest.RandomString(32)
	}
	u, err := url.Parse(r.path)
	if err != nil {
		t.Fatal(err)
	}
	msg := apiauth.Message(r.method, u.RequestURI(), r.timestamp, r.nonce, []byte(r.body))
	digest := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, r.key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`%s mchid="%s",nonce_str="%s",timestamp="%d",serial_no="%s",signature="%s"`,
		apiauth.Scheme, r.mchID, r.nonce, r.timestamp, r.serial, base64.StdEncoding.EncodeToString(sig))
}

// do sends the request and checks the response's Wechatpay-* signature with
// the platform key: every answer, 204 and errors included, must verify.
func do(t *testing.T, s *sim.Simulator, r signedRequest) response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), r.method, s.URL()+r.path, bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	if !r.noAuth {
		req.Header.Set("Authorization", authHeader(t, r))
	}
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	verifyResponse(t, resp.Header, body)
	out := response{status: resp.StatusCode, header: resp.Header, body: body}
	if resp.StatusCode >= 400 {
		var e struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Detail  map[string]string `json:"detail"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("error body %q: %v", body, err)
		}
		out.code, out.msg, out.detail = e.Code, e.Message, e.Detail
	}
	return out
}

// verifyResponse checks the signature as wechatpay-go does, with its own
// public-key verifier.
func verifyResponse(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	if got := h.Get("Wechatpay-Serial"); got != publicKeyID {
		t.Fatalf("Wechatpay-Serial = %q, want %q", got, publicKeyID)
	}
	ts, err := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Fatalf("Wechatpay-Timestamp %q is not the wall-clock time", h.Get("Wechatpay-Timestamp"))
	}
	v := verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platformKey.PublicKey)
	msg := h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"
	if err := v.Verify(context.Background(), h.Get("Wechatpay-Serial"), msg, h.Get("Wechatpay-Signature")); err != nil {
		t.Fatalf("response signature does not verify: %v", err)
	}
}

func applyBody(code, notifyURL string) string {
	b, _ := json.Marshal(map[string]string{
		"service_id":         serviceID,
		"channel_id":         channelID,
		"appid":              appID,
		"sub_appid":          subAppID,
		"sub_mchid":          subMchID,
		"authorization_code": code,
		"notify_url":         notifyURL,
	})
	return string(b)
}

// apply applies for permissions and returns the token.
func apply(t *testing.T, s *sim.Simulator, code, notifyURL string) string {
	t.Helper()
	r := do(t, s, signedRequest{method: "POST", path: "/v3/payscore/acquiringbank/permissions", body: applyBody(code, notifyURL)})
	if r.status != 200 {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	var out struct {
		Token string `json:"apply_permissions_token"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.Token == "" {
		t.Fatalf("apply: body %s: %v", r.body, err)
	}
	return out.Token
}

func queryPath(code string) string {
	return "/v3/payscore/acquiringbank/permissions/authorization-code/" + code +
		"?service_id=" + serviceID + "&channel_id=" + channelID + "&sub_mchid=" + subMchID
}

func terminateBody(reason string) string {
	b, _ := json.Marshal(map[string]string{"service_id": serviceID, "channel_id": channelID, "sub_mchid": subMchID, "reason": reason})
	return string(b)
}

func terminatePath(code string) string {
	return "/v3/payscore/acquiringbank/permissions/authorization-code/" + code + "/terminate"
}
