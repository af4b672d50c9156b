// Package apiclient is the request path every generated operation shares:
// validate, send through wechatpay-go's core.Client (which signs the request
// and verifies the response signature), map error responses to typed errors,
// and decode the body. Generated methods only name the operation and build
// the URL. Applications use the generated clients, not this package.
package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/consts"

	"github.com/payscoregen/payscoregen/runtime/apierror"
)

// MaxResponseBytes bounds how much of a success body is decoded.
const MaxResponseBytes = 4 << 20

// Operation describes one generated operation.
type Operation struct {
	Name          string // service-qualified, e.g. "payscore ApplyPermissions"
	Method        string
	SuccessStatus int // 200 (a JSON body) or 204 (none)
	Codes         map[string]*apierror.Code
}

// Validator is a request that checks its own documented limits.
type Validator interface{ Validate() error }

// UnexpectedStatusError is a 2xx answer other than the documented one.
type UnexpectedStatusError struct {
	Want, Got int
}

func (e *UnexpectedStatusError) Error() string {
	return fmt.Sprintf("unexpected HTTP status %d, the documented success status is %d", e.Got, e.Want)
}

// Call validates req and, only if it is valid, sends it: query is added to
// requestURL, body (nil for none) is sent as JSON, and a 200 body is decoded
// into out. Every error is an *apierror.OperationError naming the operation.
func Call(ctx context.Context, c *core.Client, op *Operation, requestURL string, query url.Values, req Validator, body any, out any) (*core.APIResult, error) {
	if err := req.Validate(); err != nil {
		return nil, &apierror.OperationError{Operation: op.Name, Err: err}
	}
	var result *core.APIResult
	var err error
	if body == nil {
		result, err = c.Request(ctx, op.Method, requestURL, nil, query, nil, "")
	} else {
		result, err = c.Request(ctx, op.Method, requestURL, nil, query, body, consts.ApplicationJSON)
	}
	if err != nil {
		closeBody(result)
		return result, apierror.FromResponse(op.Name, err, op.Codes)
	}
	defer closeBody(result)
	resp := result.Response
	if resp.StatusCode != op.SuccessStatus {
		return result, &apierror.OperationError{Operation: op.Name, Err: &UnexpectedStatusError{Want: op.SuccessStatus, Got: resp.StatusCode}}
	}
	if op.SuccessStatus == http.StatusNoContent || out == nil {
		return result, nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return result, &apierror.OperationError{Operation: op.Name, Err: fmt.Errorf("read response: %w", err)}
	}
	if len(raw) > MaxResponseBytes {
		return result, &apierror.OperationError{Operation: op.Name, Err: &InvalidResponseError{Operation: op.Name,
			Err: fmt.Errorf("body larger than %d bytes", MaxResponseBytes), Body: raw[:MaxResponseBytes]}}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return result, &apierror.OperationError{Operation: op.Name, Err: &InvalidResponseError{Operation: op.Name,
			Err: fmt.Errorf("decode response: %w", safeJSONError(err)), Body: raw}}
	}
	// A 2xx answer is checked like a request: a missing required member or
	// an undocumented enum value is an error, not a zero value.
	if v, ok := out.(Validator); ok {
		if err := v.Validate(); err != nil {
			return result, &apierror.OperationError{Operation: op.Name, Err: &InvalidResponseError{Operation: op.Name, Err: err, Body: raw}}
		}
	}
	return result, nil
}

// InvalidResponseError is a success response that does not decode or
// breaks the documented limits (a required member missing, an enum value
// the doc does not list). Err is the *validate.Errors (errors.As reaches
// its field errors) or the decoding error; Body is the raw response, which
// Error never prints.
type InvalidResponseError struct {
	Operation string // e.g. "payscore ApplyPermissions"
	Err       error
	Body      []byte
}

func (e *InvalidResponseError) Error() string {
	return "invalid response to " + e.Operation + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *InvalidResponseError) Unwrap() error { return e.Err }

// safeJSONError describes an encoding/json error without quoting the body.
func safeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte offset %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("field %q has the wrong JSON type", typ.Field)
	}
	return err
}

func closeBody(r *core.APIResult) {
	if r != nil && r.Response != nil && r.Response.Body != nil {
		_ = r.Response.Body.Close()
	}
}

// Join appends a path to a base URL such as https://api.mch.weixin.qq.com,
// tolerating a trailing slash on the base.
func Join(base, path string) string {
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	return base + path
}
