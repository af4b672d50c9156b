// Package apierror turns WeChat Pay error responses into typed errors.
//
// wechatpay-go returns a bare *core.APIError and matches codes with a type
// assertion, so any wrapping defeats it. Generated clients instead pass every
// failure through [FromResponse], which returns an [*OperationError] naming
// the operation; for error responses it holds an [*Error] that
//
//   - matches documented code sentinels with errors.Is
//     (errors.Is(err, payscore.ErrFrequencyLimited)),
//   - still unwraps to *core.APIError for errors.As,
//   - says what to do next ([Error.Advice], [Error.Retryable]).
//
// Error strings carry the operation, status, code and message, never the
// response headers or body.
package apierror

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
)

// Advice says what a caller should do about an error code.
type Advice int

const (
	// AdviceNone: nothing is known about the error.
	AdviceNone Advice = iota
	// AdviceRetrySameParams: a system problem (5xx, SYSTEM_ERROR); retry
	// later with exactly the same parameters.
	AdviceRetrySameParams
	// AdviceBackOff: rate limited (FREQUENCY_LIMITED, 429); slow down, then
	// retry.
	AdviceBackOff
	// AdviceFixRequest: the request is wrong (PARAM_ERROR, INVALID_REQUEST);
	// retrying it unchanged cannot succeed.
	AdviceFixRequest
	// AdviceCheckMerchant: the merchant lacks the permission (NO_AUTH); check
	// its configuration with WeChat Pay.
	AdviceCheckMerchant
	// AdviceCheckFlow: the call does not fit the order's state
	// (INVALID_ORDER_STATE, ORDER_NOT_EXIST); check the business flow.
	AdviceCheckFlow
	// AdviceNothingToDo: the target is already in a final state
	// (ORDER_CANCELED, ORDER_DONE); treat as done.
	AdviceNothingToDo
)

var adviceNames = [...]string{
	AdviceNone:            "none",
	AdviceRetrySameParams: "retry_same_params",
	AdviceBackOff:         "back_off",
	AdviceFixRequest:      "fix_request",
	AdviceCheckMerchant:   "check_merchant",
	AdviceCheckFlow:       "check_flow",
	AdviceNothingToDo:     "nothing_to_do",
}

// String returns the snake_case name used in specs ("retry_same_params", …;
// "none" for AdviceNone).
func (a Advice) String() string {
	if a >= 0 && int(a) < len(adviceNames) {
		return adviceNames[a]
	}
	return "Advice(" + strconv.Itoa(int(a)) + ")"
}

// ParseAdvice parses a spec name: "retry_same_params", "back_off",
// "fix_request", "check_merchant", "check_flow" or "nothing_to_do". It
// rejects "none": a documented code always says what to do.
func ParseAdvice(s string) (Advice, bool) {
	for a := AdviceRetrySameParams; int(a) < len(adviceNames); a++ {
		if adviceNames[a] == s {
			return a, true
		}
	}
	return AdviceNone, false
}

// Code is an error code documented for an API. Generated packages declare
// one sentinel per code and match them with errors.Is:
//
//	var ErrFrequencyLimited = &apierror.Code{Code: "FREQUENCY_LIMITED", Status: 429,
//		Meaning: "频率超限", Solution: "请降低请求接口频率", Advice: apierror.AdviceBackOff}
type Code struct {
	Code     string // e.g. "FREQUENCY_LIMITED"
	Status   int    // documented HTTP status
	Meaning  string // what the docs say it means
	Solution string // what the docs say to do
	Advice   Advice
}

// Error returns "CODE (status): meaning".
func (c *Code) Error() string {
	s := c.Code
	if c.Status != 0 {
		s += " (" + strconv.Itoa(c.Status) + ")"
	}
	if c.Meaning != "" {
		s += ": " + c.Meaning
	}
	return s
}

// Error is an error response from WeChat Pay.
type Error struct {
	Operation  string          // e.g. "payscore ApplyPermissions"
	StatusCode int             // HTTP status
	Code       string          // "code" of the body; empty when the body is not the JSON error form
	Message    string          // "message" of the body
	Detail     json.RawMessage // "detail" of the body as sent; nil when absent
	RequestID  string          // Request-Id response header, for WeChat Pay support
	Documented *Code           // the documented code, nil when the code is not documented
	Cause      *core.APIError  // the wechatpay-go error, with headers and raw body
}

// Error returns "operation: HTTP status CODE: message".
func (e *Error) Error() string {
	if e.Operation == "" {
		return e.describe()
	}
	return e.Operation + ": " + e.describe()
}

// describe is Error without the operation, so OperationError does not print
// the operation twice.
func (e *Error) describe() string {
	s := "HTTP " + strconv.Itoa(e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	} else {
		s += " (no error code)"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is reports whether target is a *Code with the same code string, so that
// errors.Is(err, pkg.ErrFrequencyLimited) works through any wrapping.
func (e *Error) Is(target error) bool {
	c, ok := target.(*Code)
	return ok && c != nil && e.Code != "" && c.Code == e.Code
}

// Unwrap returns the *core.APIError (nil when absent).
func (e *Error) Unwrap() error {
	if e.Cause == nil {
		return nil // not a typed nil
	}
	return e.Cause
}

// Advice returns the documented advice when there is one; otherwise it
// derives one from the common codes and the status: SYSTEM_ERROR or any 5xx
// gives AdviceRetrySameParams, FREQUENCY_LIMITED or 429 gives AdviceBackOff.
func (e *Error) Advice() Advice {
	if e.Documented != nil && e.Documented.Advice != AdviceNone {
		return e.Documented.Advice
	}
	switch {
	case e.Code == "SYSTEM_ERROR" || e.StatusCode >= 500:
		return AdviceRetrySameParams
	case e.Code == "FREQUENCY_LIMITED" || e.StatusCode == 429:
		return AdviceBackOff
	}
	return AdviceNone
}

// Retryable reports whether the same request may succeed later: any 5xx,
// SYSTEM_ERROR, FREQUENCY_LIMITED, or a code whose advice is to retry or back
// off.
func (e *Error) Retryable() bool {
	if e.StatusCode >= 500 {
		return true
	}
	a := e.Advice()
	return a == AdviceRetrySameParams || a == AdviceBackOff
}

// OperationError says which operation failed. Err is an *Error for error
// responses, or the transport, validation or decoding error as is.
type OperationError struct {
	Operation string // service-qualified name, e.g. "payscore ApplyPermissions"
	Err       error
}

// Error returns "operation: err".
func (e *OperationError) Error() string {
	if ae, ok := e.Err.(*Error); ok && (ae.Operation == e.Operation || ae.Operation == "") {
		return e.Operation + ": " + ae.describe()
	}
	if e.Err == nil {
		return e.Operation + ": <nil>"
	}
	return e.Operation + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *OperationError) Unwrap() error { return e.Err }

// FromResponse wraps the error of a call to operation. nil stays nil. An
// error response (*core.APIError anywhere in err's chain) becomes an *Error,
// looked up in codes (the operation's documented codes, keyed by code);
// anything else is kept as is. Either way the result is an *OperationError.
// An err that already is an *OperationError is returned unchanged.
func FromResponse(operation string, err error, codes map[string]*Code) error {
	if err == nil {
		return nil
	}
	if oe, ok := err.(*OperationError); ok {
		return oe
	}
	var apiErr *core.APIError
	if errors.As(err, &apiErr) && apiErr != nil {
		err = newError(operation, apiErr, codes)
	}
	return &OperationError{Operation: operation, Err: err}
}

func newError(operation string, apiErr *core.APIError, codes map[string]*Code) *Error {
	e := &Error{
		Operation:  operation,
		StatusCode: apiErr.StatusCode,
		Code:       apiErr.Code,
		Message:    apiErr.Message,
		RequestID:  apiErr.Header.Get("Request-Id"),
		Documented: codes[apiErr.Code],
		Cause:      apiErr,
	}
	// Keep detail as sent; fall back to re-encoding when only the parsed
	// value is there (an APIError built by hand).
	var body struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal([]byte(apiErr.Body), &body) == nil && len(body.Detail) > 0 && string(body.Detail) != "null" {
		e.Detail = body.Detail
	} else if apiErr.Detail != nil {
		if b, err := json.Marshal(apiErr.Detail); err == nil {
			e.Detail = b
		}
	}
	return e
}

// Retryable reports whether err carries an error response that may succeed
// when retried (see [Error.Retryable]). It is false for every other error,
// including transport errors: whether those are safe to retry depends on the
// operation, which the caller knows.
func Retryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Retryable()
	}
	var apiErr *core.APIError
	if errors.As(err, &apiErr) && apiErr != nil {
		return newError("", apiErr, nil).Retryable()
	}
	return false
}
