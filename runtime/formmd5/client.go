package formmd5

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/apierror"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
)

// MaxResponseBytes bounds how much of a response is read.
const MaxResponseBytes = 1 << 20

// DefaultTimeout is the timeout of the HTTP client used when none is given.
const DefaultTimeout = 10 * time.Second

// ErrEmptyKey is returned when the signing key is empty.
var ErrEmptyKey = errors.New("formmd5: the signing key is empty")

// ErrResponseSign means a response carried a sign field that does not match
// its other fields.
var ErrResponseSign = errors.New("formmd5: the response's sign does not match its fields")

// StatusError is a response with a status other than 200. Body holds at most
// the first 4 KiB of the response for diagnosis; Error does not print it.
type StatusError struct {
	StatusCode int
	Body       []byte
}

func (e *StatusError) Error() string {
	return "unexpected HTTP status " + strconv.Itoa(e.StatusCode) + ", want 200"
}

// Caller posts signed forms to one API origin.
type Caller struct {
	// HTTPClient sends the requests; nil uses a client with DefaultTimeout.
	HTTPClient *http.Client
	// BaseURL is the API origin, e.g. https://mch.xiaoweijufu.com.
	BaseURL string
	// Key signs requests and verifies signed responses; Algorithm is
	// jumpsign.MD5Algo.
	Key       jumpsign.Secret
	Algorithm jumpsign.Algorithm
	// SkipResponseSign turns off the check of a response's sign field. By
	// default a response that carries a non-empty sign must match it.
	SkipResponseSign bool
}

var defaultHTTPClient = &http.Client{Timeout: DefaultTimeout}

// Sign returns the signature of params (a sign entry is ignored).
func (c *Caller) Sign(params map[string]string) (string, error) {
	if c.Key == "" {
		return "", ErrEmptyKey
	}
	return jumpsign.Sign(c.Algorithm, params, c.Key)
}

// Post sends form (already signed and validated) as
// application/x-www-form-urlencoded to BaseURL+path and returns the
// response's JSON object flattened by kv.ParseJSONObject. Every error is an
// *apierror.OperationError naming op; the form values are never in it.
func (c *Caller) Post(ctx context.Context, op, path string, form map[string]string) (map[string]string, error) {
	fail := func(err error) (map[string]string, error) {
		return nil, &apierror.OperationError{Operation: op, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+path, strings.NewReader(encodeForm(form)))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	hc := c.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fail(err) // a *url.Error: method, URL and cause, no body
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return fail(err)
	}
	if resp.StatusCode != http.StatusOK {
		if len(body) > 4<<10 {
			body = body[:4<<10]
		}
		return fail(&StatusError{StatusCode: resp.StatusCode, Body: body})
	}
	if len(body) > MaxResponseBytes {
		return fail(errors.New("response larger than " + strconv.Itoa(MaxResponseBytes) + " bytes"))
	}
	m, err := kv.ParseJSONObject(body)
	if err != nil {
		return fail(err)
	}
	if sign := m[jumpsign.SignField]; sign != "" && !c.SkipResponseSign {
		if !jumpsign.Verify(c.Algorithm, m, c.Key, sign) {
			return fail(ErrResponseSign)
		}
	}
	return m, nil
}

// encodeForm encodes non-empty values, keys sorted, so requests are
// reproducible byte for byte.
func encodeForm(form map[string]string) string {
	keys := make([]string, 0, len(form))
	for k, v := range form {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	v := url.Values{}
	for _, k := range keys {
		v.Set(k, form[k])
	}
	return v.Encode()
}

// FormatRedacted writes what fmt prints for a generated client of type
// typeName (every verb, %+v and %#v included): the type and the base URL,
// never a key. Generated clients keep their keys in unexported fields,
// which fmt would print raw, so they implement fmt.Formatter with this.
func FormatRedacted(f fmt.State, typeName, baseURL string) {
	_, _ = fmt.Fprintf(f, "%s{BaseURL:%q Keys:[REDACTED]}", typeName, baseURL)
}
