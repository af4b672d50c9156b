// Package jumps is the runtime of the generated jump builders and return-data
// parsers: the clock and nonce options of signed builders, signing with a
// guard against an empty key, ordered query strings for the App and JSAPI
// carriers, and reading the return data a mini program posts back.
//
// Generated code only lists fields and constants; everything that can go
// wrong is here, tested once. Nothing in this package puts a key or a value
// into an error.
package jumps

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
)

// Option configures a signed builder.
type Option func(*Stamp)

// WithClock replaces time.Now as the source of the timestamp field, for
// tests and replays. nil keeps time.Now.
func WithClock(c jumpsign.Clock) Option {
	return func(s *Stamp) {
		if c != nil {
			s.clock = c
		}
	}
}

// WithNonce replaces jumpsign.RandomNonce as the source of the nonce field,
// for tests. nil keeps the default.
func WithNonce(n jumpsign.Nonce) Option {
	return func(s *Stamp) {
		if n != nil {
			s.nonce = n
		}
	}
}

// Stamp hands a signed builder its timestamp and nonce.
type Stamp struct {
	clock jumpsign.Clock
	nonce jumpsign.Nonce
}

// NewStamp applies opts over the defaults (time.Now, jumpsign.RandomNonce).
func NewStamp(opts ...Option) *Stamp {
	s := &Stamp{clock: time.Now, nonce: jumpsign.RandomNonce}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Timestamp returns the current Unix time in seconds, as a decimal string.
func (s *Stamp) Timestamp() string { return strconv.FormatInt(s.clock().Unix(), 10) }

// Nonce returns a fresh nonce.
func (s *Stamp) Nonce() (string, error) {
	n, err := s.nonce()
	if err != nil {
		return "", fmt.Errorf("jumps: generating a nonce: %w", err)
	}
	return n, nil
}

// ErrEmptyKey is returned when a signing key is empty: the signature would
// look valid and mean nothing.
var ErrEmptyKey = errors.New("jumps: the signing key is empty")

// Sign is jumpsign.Sign that refuses an empty key.
func Sign(alg jumpsign.Algorithm, params map[string]string, key jumpsign.Secret) (string, error) {
	if key == "" {
		return "", ErrEmptyKey
	}
	return jumpsign.Sign(alg, params, key)
}

// EncodeQuery returns params as a query string in the order of keys (the
// doc's order), values URL-encoded (url.QueryEscape, as Java's URLEncoder:
// a space is "+"), empty values left out.
func EncodeQuery(params map[string]string, keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		v := params[k]
		if v == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	return b.String()
}

// VerifyQuery reports whether a query string built by a signed builder
// carries a valid signature: its decoded values, except sign, signed with
// key. Malformed queries, repeated keys and a missing sign give false. The
// comparison takes constant time.
func VerifyQuery(alg jumpsign.Algorithm, query string, key jumpsign.Secret) bool {
	m, err := kv.ParseForm([]byte(query))
	if err != nil || key == "" {
		return false
	}
	sign := m[jumpsign.SignField]
	if sign == "" {
		return false
	}
	return jumpsign.Verify(alg, m, key, sign)
}

// MaxReturnBytes bounds the return data a parser accepts; the documented
// fields fit in well under 1 KiB.
const MaxReturnBytes = 64 << 10

// ErrNoReturnData means the mini program came back without return data. The
// target page hands data back only when the user leaves through its own
// back button; on Pay Score pages the top-left back icon returns without it.
// Ask the back end for the order's state instead of assuming an outcome.
var ErrNoReturnData = errors.New("jumps: no return data (the user left the target page without its in-page back button)")

// TooLargeError reports return data over MaxReturnBytes.
type TooLargeError struct{ Size, Max int }

func (e *TooLargeError) Error() string {
	return "jumps: return data is " + strconv.Itoa(e.Size) + " bytes, maximum " + strconv.Itoa(e.Max)
}

// ReturnFields reads the return data the merchant mini program posts to its
// back end: the JSON object referrerInfo.extraData as received in
// App.onShow. An empty body, null or {} is ErrNoReturnData; other failures
// are a *TooLargeError or the errors of kv.ParseJSONObject.
func ReturnFields(data []byte) (map[string]string, error) {
	if len(data) > MaxReturnBytes {
		return nil, &TooLargeError{Size: len(data), Max: MaxReturnBytes}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, ErrNoReturnData
	}
	m, err := kv.ParseJSONObject(trimmed)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, ErrNoReturnData
	}
	return m, nil
}
