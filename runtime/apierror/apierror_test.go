package apierror_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"

	"github.com/payscoregen/payscoregen/runtime/apierror"
)

// The common errors of every Pay Score endpoint (reference/payscore.md),
// declared the way generated packages declare them.
var (
	errSystemError       = &apierror.Code{Code: "SYSTEM_ERROR", Status: 500, Meaning: "系统错误", Advice: apierror.AdviceRetrySameParams}
	errParamError        = &apierror.Code{Code: "PARAM_ERROR", Status: 400, Meaning: "参数错误", Advice: apierror.AdviceFixRequest}
	errNoAuth            = &apierror.Code{Code: "NO_AUTH", Status: 403, Meaning: "商户无权限", Advice: apierror.AdviceCheckMerchant}
	errFrequencyLimited  = &apierror.Code{Code: "FREQUENCY_LIMITED", Status: 429, Meaning: "频率超限", Advice: apierror.AdviceBackOff}
	errInvalidRequest    = &apierror.Code{Code: "INVALID_REQUEST", Status: 400, Meaning: "无效请求", Advice: apierror.AdviceFixRequest}
	errOrderNotExist     = &apierror.Code{Code: "ORDER_NOT_EXIST", Status: 404, Meaning: "订单不存在", Advice: apierror.AdviceCheckFlow}
	errInvalidOrderState = &apierror.Code{Code: "INVALID_ORDER_STATE", Status: 400, Meaning: "订单状态不正确", Advice: apierror.AdviceCheckFlow}
	errOrderCanceled     = &apierror.Code{Code: "ORDER_CANCELED", Status: 400, Meaning: "订单已取消", Advice: apierror.AdviceNothingToDo}
	errOrderDone         = &apierror.Code{Code: "ORDER_DONE", Status: 400, Meaning: "订单已完成", Advice: apierror.AdviceNothingToDo}
)

var commonCodes = map[string]*apierror.Code{}

func init() {
	for _, c := range []*apierror.Code{errSystemError, errParamError, errNoAuth, errFrequencyLimited,
		errInvalidRequest, errOrderNotExist, errInvalidOrderState, errOrderCanceled, errOrderDone} {
		commonCodes[c.Code] = c
	}
}

const op = "payscore ApplyPermissions"

// apiError builds the error exactly as wechatpay-go does for a non-2xx
// response.
func apiError(t *testing.T, status int, body string) error {
	t.Helper()
	resp := &http.Response{
		StatusCode: status,
		Header: http.Header{
			"Request-Id":          {"08F4D8E9B10610A40318C8A0D3AC02200028C07B"},
			"Wechatpay-Signature": {"HEADER-SIGNATURE-VALUE"},
		},
		Body: io.NopCloser(strings.NewReader(body)),
	}
	err := core.CheckResponse(resp)
	if err == nil {
		t.Fatalf("CheckResponse(%d) = nil", status)
	}
	return err
}

func codeBody(code, message string) string {
	return fmt.Sprintf(`{"code":%q,"message":%q}`, code, message)
}

func TestCommonCodes(t *testing.T) {
	tests := []struct {
		code      *apierror.Code
		retryable bool
		// advice when the code is not in the operation's table: only the
		// status and the two common retry codes are known then.
		undocumentedAdvice apierror.Advice
	}{
		{errSystemError, true, apierror.AdviceRetrySameParams},
		{errParamError, false, apierror.AdviceNone},
		{errNoAuth, false, apierror.AdviceNone},
		{errFrequencyLimited, true, apierror.AdviceBackOff},
		{errInvalidRequest, false, apierror.AdviceNone},
		{errOrderNotExist, false, apierror.AdviceNone},
		{errInvalidOrderState, false, apierror.AdviceNone},
		{errOrderCanceled, false, apierror.AdviceNone},
		{errOrderDone, false, apierror.AdviceNone},
	}
	for _, tt := range tests {
		t.Run(tt.code.Code, func(t *testing.T) {
			raw := apiError(t, tt.code.Status, codeBody(tt.code.Code, tt.code.Meaning))
			err := apierror.FromResponse(op, raw, commonCodes)

			var e *apierror.Error
			if !errors.As(err, &e) {
				t.Fatalf("errors.As *Error failed on %v", err)
			}
			if e.Documented != tt.code {
				t.Errorf("Documented = %v, want %v", e.Documented, tt.code)
			}
			if got := e.Advice(); got != tt.code.Advice {
				t.Errorf("Advice() = %v, want %v", got, tt.code.Advice)
			}
			if got := e.Retryable(); got != tt.retryable {
				t.Errorf("Retryable() = %v, want %v", got, tt.retryable)
			}
			if got := apierror.Retryable(fmt.Errorf("ctx: %w", err)); got != tt.retryable {
				t.Errorf("apierror.Retryable = %v, want %v", got, tt.retryable)
			}
			if !errors.Is(err, tt.code) {
				t.Errorf("errors.Is(err, %s) = false", tt.code.Code)
			}
			want := fmt.Sprintf("%s: HTTP %d %s: %s", op, tt.code.Status, tt.code.Code, tt.code.Meaning)
			if err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}

			// Same response, code missing from the operation's table.
			undoc := apierror.FromResponse(op, raw, nil)
			if !errors.As(undoc, &e) || e.Documented != nil {
				t.Fatalf("undocumented: %#v", e)
			}
			if got := e.Advice(); got != tt.undocumentedAdvice {
				t.Errorf("undocumented Advice() = %v, want %v", got, tt.undocumentedAdvice)
			}
			if got := apierror.Retryable(undoc); got != tt.retryable {
				t.Errorf("undocumented Retryable = %v, want %v", got, tt.retryable)
			}
			// errors.Is matches by code string, documented or not.
			if !errors.Is(undoc, tt.code) {
				t.Errorf("undocumented: errors.Is(err, %s) = false", tt.code.Code)
			}
		})
	}
}

func TestWrappingTwoLevels(t *testing.T) {
	raw := apiError(t, 429, `{"code":"FREQUENCY_LIMITED","message":"频率超限","detail":{"field":"x","issue":"y"}}`)
	err := fmt.Errorf("terminate: %w", fmt.Errorf("attempt 3: %w", apierror.FromResponse(op, raw, commonCodes)))

	if !errors.Is(err, errFrequencyLimited) {
		t.Error("errors.Is FREQUENCY_LIMITED failed through two wraps")
	}
	if errors.Is(err, errSystemError) || errors.Is(err, errOrderDone) {
		t.Error("errors.Is matched another code")
	}
	var cause *core.APIError
	if !errors.As(err, &cause) || cause.StatusCode != 429 {
		t.Errorf("errors.As *core.APIError = %v", cause)
	}
	var oe *apierror.OperationError
	if !errors.As(err, &oe) || oe.Operation != op {
		t.Errorf("errors.As *OperationError = %v", oe)
	}
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatal("errors.As *Error failed")
	}
	if e.RequestID != "08F4D8E9B10610A40318C8A0D3AC02200028C07B" {
		t.Errorf("RequestID = %q", e.RequestID)
	}
	if string(e.Detail) != `{"field":"x","issue":"y"}` {
		t.Errorf("Detail = %s", e.Detail)
	}
	if !apierror.Retryable(err) || e.Advice() != apierror.AdviceBackOff {
		t.Errorf("Retryable %v, Advice %v", apierror.Retryable(err), e.Advice())
	}
}

func TestBadGatewayNonJSON(t *testing.T) {
	body := "<html><body>502 Bad Gateway SECRET-BODY</body></html>"
	err := apierror.FromResponse(op, apiError(t, 502, body), commonCodes)
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As *Error failed on %v", err)
	}
	if e.Code != "" || e.Message != "" || e.Detail != nil || e.Documented != nil {
		t.Errorf("fields from a non-JSON body: %+v", e)
	}
	if !e.Retryable() || e.Advice() != apierror.AdviceRetrySameParams {
		t.Errorf("502: Retryable %v Advice %v", e.Retryable(), e.Advice())
	}
	if want := op + ": HTTP 502 (no error code)"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	for _, c := range []*apierror.Code{errSystemError, errParamError} {
		if errors.Is(err, c) {
			t.Errorf("errors.Is(502 without code, %s) = true", c.Code)
		}
	}
}

func TestUndocumentedCode(t *testing.T) {
	err := apierror.FromResponse(op, apiError(t, 400, codeBody("RULE_LIMIT", "规则限制")), commonCodes)
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatal("errors.As *Error failed")
	}
	if e.Documented != nil || e.Code != "RULE_LIMIT" || e.Advice() != apierror.AdviceNone || e.Retryable() {
		t.Errorf("undocumented 400: %+v advice %v", e, e.Advice())
	}
	if got, want := err.Error(), op+": HTTP 400 RULE_LIMIT: 规则限制"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// An unknown 5xx code and a bare 429 get advice from the status.
	for status, want := range map[int]apierror.Advice{503: apierror.AdviceRetrySameParams, 429: apierror.AdviceBackOff} {
		err := apierror.FromResponse(op, apiError(t, status, codeBody("SOMETHING_NEW", "")), commonCodes)
		if !errors.As(err, &e) || e.Advice() != want || !e.Retryable() {
			t.Errorf("status %d: advice %v retryable %v, want %v true", status, e.Advice(), e.Retryable(), want)
		}
	}
}

func TestErrorOmitsHeadersAndBody(t *testing.T) {
	body := `{"code":"PARAM_ERROR","message":"参数错误","detail":{"value":"BODY-DETAIL-SECRET"}}`
	msg := fmt.Sprint(apierror.FromResponse(op, apiError(t, 400, body), commonCodes))
	for _, leak := range []string{"HEADER-SIGNATURE-VALUE", "08F4D8E9B1", "BODY-DETAIL-SECRET", "Header"} {
		if strings.Contains(msg, leak) {
			t.Errorf("Error() leaks %q: %s", leak, msg)
		}
	}
}

func TestNonAPIErrors(t *testing.T) {
	if err := apierror.FromResponse(op, nil, commonCodes); err != nil {
		t.Errorf("FromResponse(nil) = %v", err)
	}
	transport := fmt.Errorf("post: %w", context.DeadlineExceeded)
	err := apierror.FromResponse(op, transport, commonCodes)
	var oe *apierror.OperationError
	if !errors.As(err, &oe) || oe.Err != transport {
		t.Fatalf("transport error not wrapped as is: %#v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("errors.Is(DeadlineExceeded) failed")
	}
	var e *apierror.Error
	if errors.As(err, &e) {
		t.Error("transport error became an *Error")
	}
	if apierror.Retryable(err) {
		t.Error("transport error reported retryable")
	}
	if got, want := err.Error(), op+": post: context deadline exceeded"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// Wrapping twice does not stack operation names.
	if again := apierror.FromResponse(op, err, commonCodes); again != err {
		t.Errorf("FromResponse re-wrapped an *OperationError: %v", again)
	}
	// A wrapped *core.APIError is still found.
	wrapped := fmt.Errorf("call: %w", apiError(t, 500, codeBody("SYSTEM_ERROR", "系统错误")))
	if !apierror.Retryable(wrapped) || !errors.Is(apierror.FromResponse(op, wrapped, nil), errSystemError) {
		t.Error("wrapped *core.APIError not recognised")
	}
}

func TestErrorWithoutCause(t *testing.T) {
	e := &apierror.Error{Operation: op, StatusCode: 500}
	if e.Unwrap() != nil {
		t.Error("Unwrap returned a typed nil")
	}
	var cause *core.APIError
	if errors.As(e, &cause) {
		t.Error("errors.As found a cause that is not there")
	}
}

func TestAdvice(t *testing.T) {
	for a := apierror.AdviceRetrySameParams; a <= apierror.AdviceNothingToDo; a++ {
		got, ok := apierror.ParseAdvice(a.String())
		if !ok || got != a {
			t.Errorf("ParseAdvice(%q) = %v, %v", a.String(), got, ok)
		}
	}
	names := map[string]apierror.Advice{
		"retry_same_params": apierror.AdviceRetrySameParams,
		"back_off":          apierror.AdviceBackOff,
		"fix_request":       apierror.AdviceFixRequest,
		"check_merchant":    apierror.AdviceCheckMerchant,
		"check_flow":        apierror.AdviceCheckFlow,
		"nothing_to_do":     apierror.AdviceNothingToDo,
	}
	for name, want := range names {
		if got, ok := apierror.ParseAdvice(name); !ok || got != want {
			t.Errorf("ParseAdvice(%q) = %v, %v", name, got, ok)
		}
	}
	for _, bad := range []string{"", "none", "RETRY_SAME_PARAMS", "retry"} {
		if _, ok := apierror.ParseAdvice(bad); ok {
			t.Errorf("ParseAdvice(%q) accepted", bad)
		}
	}
	if got := apierror.Advice(42).String(); got != "Advice(42)" {
		t.Errorf("String of unknown advice = %q", got)
	}
}

func TestCodeError(t *testing.T) {
	if got, want := errFrequencyLimited.Error(), "FREQUENCY_LIMITED (429): 频率超限"; got != want {
		t.Errorf("Code.Error() = %q, want %q", got, want)
	}
}
