// Package client_test drives the generated payscore client against a
// loopback server that verifies the merchant's Authorization signature and
// signs its answers with a platform key, as WeChat Pay does: wechatpay-go's
// verifier checks every success response for real.
package client_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/runtime/apiclient"
	"github.com/payscoregen/payscoregen/runtime/apierror"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

const (
	mchID      = "1230000109"
	certSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	pubKeyID   = "PUB_KEY_ID_0112345678901234567890123456"
)

// keys are the merchant's key and the platform key, shared by the test binary.
func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	return testkit.Key("merchant"), testkit.Key("platform")
}

// exchange is what the fake server saw and what it answers.
type exchange struct {
	Method, Path, RawPath, Query string
	Body                         []byte
}

type fakeWeChat struct {
	t       testing.TB
	srv     *httptest.Server
	calls   atomic.Int32
	mu      sync.Mutex
	last    exchange
	status  int
	body    string
	tamper  bool // change the body after signing
	noSign  bool // answer without Wechatpay-* headers
	signErr error
}

func newFake(t testing.TB) *fakeWeChat {
	merchant, plat := keys(t)
	f := &fakeWeChat{t: t, status: http.StatusOK, body: `{}`}
	verifier := &apiauth.Verifier{Keys: func(mch, serial string) *rsa.PublicKey {
		if mch == mchID && serial == certSerial {
			return &merchant.PublicKey
		}
		return nil
	}}
	signer := &apiauth.Signer{Key: plat, Serial: pubKeyID}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.last = exchange{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), Query: r.URL.RawQuery, Body: body}
		status, answer, tamper, noSign := f.status, f.body, f.tamper, f.noSign
		f.mu.Unlock()
		if _, err := verifier.Verify(r, body); err != nil {
			f.mu.Lock()
			f.signErr = err
			f.mu.Unlock()
			status, answer = http.StatusUnauthorized, `{"code":"SIGN_ERROR","message":"签名错误"}`
		}
		if status == http.StatusNoContent {
			answer = ""
		}
		if !noSign {
			if err := signer.Sign(w.Header(), []byte(answer)); err != nil {
				t.Errorf("sign: %v", err)
			}
		}
		if tamper {
			answer = strings.Replace(answer, "AVAILABLE", "UNAVAILABLE", 1)
		}
		if answer != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.Header().Set("Request-Id", "08F78BB5AF0610D3")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeWeChat) answer(status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body = status, body
}

func (f *fakeWeChat) seen() exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.signErr != nil {
		f.t.Errorf("server refused the merchant signature: %v", f.signErr)
	}
	return f.last
}

func newClient(t testing.TB, f *fakeWeChat) *acquiringbank.Client {
	merchant, plat := keys(t)
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(mchID, certSerial, merchant, pubKeyID, &plat.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return acquiringbank.NewClient(c, acquiringbank.WithBaseURL(f.srv.URL))
}

func validApply() *acquiringbank.ApplyPermissionsRequest {
	return &acquiringbank.ApplyPermissionsRequest{
		ServiceID:         "500001",
		ChannelID:         "1230000109",
		AppID:             "wxd678efh567hg6787",
		SubAppID:          "wxd678efh567hg6787",
		SubMchID:          "1230000109",
		AuthorizationCode: "1234323JKHDFE1243252",
		NotifyURL:         "https://merchant.example.com/payscore/notify",
	}
}

func TestApplyPermissionsRoundTrip(t *testing.T) {
	f := newFake(t)
	f.answer(200, `{"apply_permissions_token":"token-abc"}`)
	resp, result, err := newClient(t, f).ApplyPermissions(context.Background(), validApply())
	if err != nil {
		t.Fatal(err)
	}
	if resp.ApplyPermissionsToken != "token-abc" {
		t.Errorf("token = %q", resp.ApplyPermissionsToken)
	}
	if result.Response.StatusCode != 200 {
		t.Errorf("status = %d", result.Response.StatusCode)
	}
	got := f.seen()
	if got.Method != "POST" || got.Path != "/v3/payscore/acquiringbank/permissions" || got.Query != "" {
		t.Errorf("request line = %s %s?%s", got.Method, got.Path, got.Query)
	}
	var body map[string]string
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatalf("body %s: %v", got.Body, err)
	}
	want := map[string]string{
		"service_id": "500001", "channel_id": "1230000109", "appid": "wxd678efh567hg6787",
		"sub_appid": "wxd678efh567hg6787", "sub_mchid": "1230000109",
		"authorization_code": "1234323JKHDFE1243252", "notify_url": "https://merchant.example.com/payscore/notify",
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestQueryAuthorizationEscapesAndDecodes(t *testing.T) {
	f := newFake(t)
	f.answer(200, `{"appid":"wxd678efh567hg6787","authorization_code":"AB|CD*12_-","authorization_state":"AVAILABLE",
		"authorization_success_time":"2015-05-20T13:29:35+08:00","cancel_authorization_time":"",
		"channel_id":"1230000109","mchid":"1230000109","notify_url":"https://www.weixin.com",
		"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":"500001","sub_appid":"wxd678efh567hg6787",
		"sub_mchid":"1230000109","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","user_label":"A"}`)
	resp, _, err := newClient(t, f).QueryAuthorization(context.Background(), &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: "AB|CD*12_-", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1230000109",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := f.seen()
	if got.Method != "GET" || got.Path != "/v3/payscore/acquiringbank/permissions/authorization-code/AB|CD*12_-" {
		t.Errorf("path = %s %s", got.Method, got.Path)
	}
	if got.RawPath != "/v3/payscore/acquiringbank/permissions/authorization-code/AB%7CCD%2A12_-" &&
		got.RawPath != "/v3/payscore/acquiringbank/permissions/authorization-code/AB%7CCD*12_-" {
		t.Errorf("escaped path = %s", got.RawPath)
	}
	if got.Query != "channel_id=1230000109&service_id=500001&sub_mchid=1230000109" {
		t.Errorf("query = %s", got.Query)
	}
	if len(got.Body) != 0 {
		t.Errorf("GET sent a body: %s", got.Body)
	}
	if resp.AuthorizationState != acquiringbank.AuthorizationStateAvailable || !resp.AuthorizationState.Valid() {
		t.Errorf("state = %q", resp.AuthorizationState)
	}
	if resp.UserLabel != acquiringbank.UserLabelA {
		t.Errorf("user_label = %q", resp.UserLabel)
	}
	if resp.AuthorizationSuccessTime.Unix() != 1432099775 || !resp.CancelAuthorizationTime.IsZero() {
		t.Errorf("times = %v / %v", resp.AuthorizationSuccessTime, resp.CancelAuthorizationTime)
	}
	if err := resp.Validate(); err != nil {
		t.Errorf("response fails its own limits: %v", err)
	}
}

func TestTerminateAuthorization204(t *testing.T) {
	f := newFake(t)
	f.answer(http.StatusNoContent, "")
	result, err := newClient(t, f).TerminateAuthorization(context.Background(), &acquiringbank.TerminateAuthorizationRequest{
		AuthorizationCode: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109",
		SubMchID: "1230000109", Reason: "撤销原因",
	})
	if err != nil {
		t.Fatal(err)
	}
	if result.Response.StatusCode != 204 {
		t.Errorf("status = %d", result.Response.StatusCode)
	}
	got := f.seen()
	if got.Path != "/v3/payscore/acquiringbank/permissions/authorization-code/1234323JKHDFE1243252/terminate" {
		t.Errorf("path = %s", got.Path)
	}
	var body map[string]string
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"service_id": "500001", "channel_id": "1230000109", "sub_mchid": "1230000109", "reason": "撤销原因"}, body); diff != "" {
		t.Errorf("body (-want +got); the path parameter must not be in it:\n%s", diff)
	}
}

// Every documented code reaches the caller as a typed error that names the
// operation, matches its sentinel through wrapping and carries the doc's advice.
func TestEveryDocumentedErrorCode(t *testing.T) {
	codes := []struct {
		sentinel  *apierror.Code
		retryable bool
		advice    apierror.Advice
	}{
		{payscore.ErrSystemError, true, apierror.AdviceRetrySameParams},
		{payscore.ErrParamError, false, apierror.AdviceFixRequest},
		{payscore.ErrNoAuth, false, apierror.AdviceCheckMerchant},
		{payscore.ErrFrequencyLimited, true, apierror.AdviceBackOff},
		{payscore.ErrInvalidRequest, false, apierror.AdviceFixRequest},
		{payscore.ErrOrderNotExist, false, apierror.AdviceCheckFlow},
		{payscore.ErrInvalidOrderState, false, apierror.AdviceCheckFlow},
		{payscore.ErrOrderCanceled, false, apierror.AdviceNothingToDo},
		{payscore.ErrOrderDone, false, apierror.AdviceNothingToDo},
	}
	f := newFake(t)
	client := newClient(t, f)
	for _, tc := range codes {
		t.Run(tc.sentinel.Code, func(t *testing.T) {
			f.answer(tc.sentinel.Status, fmt.Sprintf(`{"code":%q,"message":"simulated","detail":{"field":"service_id"}}`, tc.sentinel.Code))
			_, _, err := client.ApplyPermissions(context.Background(), validApply())
			wrapped := fmt.Errorf("charge user: %w", fmt.Errorf("authorize: %w", err))
			if !errors.Is(wrapped, tc.sentinel) {
				t.Fatalf("errors.Is(%v, %s) = false", err, tc.sentinel.Code)
			}
			for _, other := range codes {
				if other.sentinel != tc.sentinel && errors.Is(wrapped, other.sentinel) {
					t.Errorf("also matches %s", other.sentinel.Code)
				}
			}
			var apiErr *apierror.Error
			if !errors.As(wrapped, &apiErr) {
				t.Fatal("errors.As *apierror.Error failed")
			}
			if apiErr.Operation != "acquiringbank ApplyPermissions" || apiErr.StatusCode != tc.sentinel.Status ||
				apiErr.Message != "simulated" || apiErr.RequestID != "08F78BB5AF0610D3" || string(apiErr.Detail) != `{"field":"service_id"}` {
				t.Errorf("error = %+v", apiErr)
			}
			if apiErr.Retryable() != tc.retryable || apierror.Retryable(wrapped) != tc.retryable {
				t.Errorf("retryable = %v, want %v", apiErr.Retryable(), tc.retryable)
			}
			if apiErr.Advice() != tc.advice {
				t.Errorf("advice = %v, want %v", apiErr.Advice(), tc.advice)
			}
			var raw *core.APIError
			if !errors.As(wrapped, &raw) || raw.Code != tc.sentinel.Code {
				t.Errorf("wechatpay-go's *core.APIError is not reachable: %v", raw)
			}
			if !strings.Contains(err.Error(), "acquiringbank ApplyPermissions") || !strings.Contains(err.Error(), tc.sentinel.Code) {
				t.Errorf("message does not name operation and code: %q", err)
			}
		})
	}
}

func TestInvalidRequestNeverLeavesTheProcess(t *testing.T) {
	f := newFake(t)
	client := newClient(t, f)
	req := validApply()
	req.ServiceID = ""                                      // required
	req.ChannelID = strings.Repeat("9", 33)                 // over 32
	req.NotifyURL = "http://merchant.example.com/notify?x=" // https and no query string
	_, _, err := client.ApplyPermissions(context.Background(), req)
	var verrs *validate.Errors
	if !errors.As(err, &verrs) {
		t.Fatalf("err = %v, want *validate.Errors", err)
	}
	var paths []string
	for _, fe := range verrs.Fields {
		paths = append(paths, fe.Path)
	}
	if diff := cmp.Diff([]string{"service_id", "channel_id", "notify_url"}, paths); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	var tooLong *validate.MaxLengthError
	if !errors.As(err, &tooLong) || tooLong.Max != 32 || tooLong.Length != 33 {
		t.Errorf("max length leaf = %+v", tooLong)
	}
	var opErr *apierror.OperationError
	if !errors.As(err, &opErr) || opErr.Operation != "acquiringbank ApplyPermissions" {
		t.Errorf("operation error = %v", opErr)
	}
	if _, err := client.TerminateAuthorization(context.Background(), nil); err == nil {
		t.Error("nil request accepted")
	}
	if _, _, err := client.QueryAuthorization(context.Background(), &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: "has space", ServiceID: "1", ChannelID: "1", SubMchID: "1"}); err == nil {
		t.Error("authorization_code outside _-|* and alphanumerics accepted")
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("%d HTTP calls made for invalid requests", n)
	}
}

// A success body that does not match its signature is refused, not decoded.
func TestTamperedResponseIsRefused(t *testing.T) {
	f := newFake(t)
	f.answer(200, `{"authorization_state":"AVAILABLE","authorization_code":"1"}`)
	f.tamper = true
	resp, _, err := newClient(t, f).QueryAuthorization(context.Background(), &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: "1", ServiceID: "1", ChannelID: "1", SubMchID: "1"})
	if err == nil || resp != nil {
		t.Fatalf("tampered response accepted: %+v", resp)
	}
	f.tamper, f.noSign = false, true
	if _, _, err := newClient(t, f).QueryAuthorization(context.Background(), &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: "1", ServiceID: "1", ChannelID: "1", SubMchID: "1"}); err == nil {
		t.Fatal("unsigned response accepted")
	}
}

func TestUnexpectedSuccessStatus(t *testing.T) {
	f := newFake(t)
	f.answer(200, `{}`)
	_, err := newClient(t, f).TerminateAuthorization(context.Background(), &acquiringbank.TerminateAuthorizationRequest{
		AuthorizationCode: "1", ServiceID: "1", ChannelID: "1", SubMchID: "1", Reason: "r"})
	var unexpected *apiclient.UnexpectedStatusError
	if !errors.As(err, &unexpected) || unexpected.Got != 200 || unexpected.Want != 204 {
		t.Fatalf("err = %v", err)
	}
}

// Lengths count characters: a 50-character Chinese reason fits, 51 does
// not, and an emoji is refused wherever the API refuses 4-byte UTF-8.
func TestTerminateReasonLimits(t *testing.T) {
	base := acquiringbank.TerminateAuthorizationRequest{AuthorizationCode: "1", ServiceID: "1", ChannelID: "1", SubMchID: "1"}
	cases := []struct {
		name   string
		reason string
		leaf   error
	}{
		{"50 Chinese characters", strings.Repeat("撤", 50), nil},
		{"51 Chinese characters", strings.Repeat("撤", 51), &validate.MaxLengthError{Max: 50, Length: 51}},
		{"150 bytes but 50 characters", strings.Repeat("销", 50), nil},
		{"emoji", "用户撤销😀", &validate.FourByteUTF8Error{Index: 4}},
		{"empty", "", &validate.RequiredError{}},
		{"invalid UTF-8", "bad\xff", &validate.InvalidUTF8Error{ByteOffset: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := base
			req.Reason = tc.reason
			err := req.Validate()
			if tc.leaf == nil {
				if err != nil {
					t.Fatalf("valid reason refused: %v", err)
				}
				return
			}
			var verrs *validate.Errors
			if !errors.As(err, &verrs) || len(verrs.Fields) != 1 || verrs.Fields[0].Path != "reason" {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tc.leaf, verrs.Fields[0].Err); diff != "" {
				t.Errorf("leaf (-want +got):\n%s", diff)
			}
			if tc.reason != "" && strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error echoes the value: %q", err)
			}
		})
	}
}

// Validate on a valid request allocates nothing: checking limits is free
// on the happy path.
func TestValidateAllocatesNothing(t *testing.T) {
	req := validApply()
	if n := testing.AllocsPerRun(100, func() { _ = req.Validate() }); n != 0 {
		t.Errorf("Validate allocates %v times per call", n)
	}
}

// Why: the client never checked responses: a {} answer to ApplyPermissions
// returned an empty token and a nil error, and authorization_state "WEIRD"
// was accepted.
func TestInvalidSuccessResponseIsAnError(t *testing.T) {
	query := &acquiringbank.QueryAuthorizationRequest{AuthorizationCode: "AC1", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1230000109"}
	cases := []struct {
		name, body, op, field string
		call                  func(c *acquiringbank.Client) (any, error)
	}{
		{"empty ApplyPermissions answer", `{}`, "acquiringbank ApplyPermissions", "apply_permissions_token",
			func(c *acquiringbank.Client) (any, error) {
				r, _, err := c.ApplyPermissions(context.Background(), validApply())
				return r, err
			}},
		{"undocumented authorization_state", `{"authorization_code":"AC1","authorization_state":"WEIRD"}`,
			"acquiringbank QueryAuthorization", "authorization_state",
			func(c *acquiringbank.Client) (any, error) {
				r, _, err := c.QueryAuthorization(context.Background(), query)
				return r, err
			}},
		{"no authorization_code", `{"authorization_state":"AVAILABLE"}`, "acquiringbank QueryAuthorization", "authorization_code",
			func(c *acquiringbank.Client) (any, error) {
				r, _, err := c.QueryAuthorization(context.Background(), query)
				return r, err
			}},
		{"not JSON", `{"authorization_code":`, "acquiringbank QueryAuthorization", "",
			func(c *acquiringbank.Client) (any, error) {
				r, _, err := c.QueryAuthorization(context.Background(), query)
				return r, err
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.answer(200, tc.body)
			resp, err := tc.call(newClient(t, f))
			var inv *apiclient.InvalidResponseError
			if !errors.As(err, &inv) {
				t.Fatalf("resp = %+v, err = %v; want an *apiclient.InvalidResponseError", resp, err)
			}
			if inv.Operation != tc.op || string(inv.Body) != tc.body {
				t.Errorf("Operation = %q, Body = %q", inv.Operation, inv.Body)
			}
			var op *apierror.OperationError
			if !errors.As(err, &op) || op.Operation != tc.op {
				t.Errorf("not an *apierror.OperationError naming %s: %v", tc.op, err)
			}
			if tc.field != "" {
				var fe *validate.FieldError
				if !errors.As(err, &fe) || fe.Path != tc.field || !strings.Contains(err.Error(), tc.field) {
					t.Errorf("err = %v, want it to name %s", err, tc.field)
				}
				if strings.Contains(err.Error(), "WEIRD") {
					t.Errorf("the error quotes the value: %v", err)
				}
			}
		})
	}
}
