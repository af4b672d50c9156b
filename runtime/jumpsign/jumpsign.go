// Package jumpsign signs the parameters of front-end jumps: the signed
// confirm-order, authorization and order-detail jumps of WeChat Pay Score
// (HMAC-SHA256) and the 小微聚付 mini-program payment (MD5).
//
// Both use one scheme (as in WxJava): drop empty values and the sign field,
// sort keys in ASCII order, join raw (not URL-encoded) k=v pairs with &,
// append &key=KEY, hash, uppercase hex. KEY is the merchant's APIv2 key for
// Pay Score jumps, the merchant secret for 小微聚付. Keys are [Secret]s so
// they print as [REDACTED] in logs and errors.
package jumpsign

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"
)

// SignField is the parameter that carries the signature; it is never signed.
const SignField = "sign"

const redacted = "[REDACTED]"

// Secret is a signing key. fmt (every verb, including %#v and inside structs
// printed with %+v), log/slog and encoding/json / encoding.TextMarshaler
// users see "[REDACTED]"; convert with string(s) only where the key is used.
//
// fmt cannot call methods on unexported struct fields, so a Secret stored in
// an unexported field of a printed struct is shown as is: keep it in an
// exported field or do not print the struct.
type Secret string

// String returns "[REDACTED]".
func (Secret) String() string { return redacted }

// GoString returns "[REDACTED]" (for %#v).
func (Secret) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb and flag.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue keeps the key out of log/slog output.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText keeps the key out of JSON (and other text encodings) of
// structs that hold it. Decoding is unaffected: a Secret still decodes from a
// plain JSON string.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Algorithm names a sign_type.
type Algorithm string

const (
	HMACSHA256Algo Algorithm = "HMAC-SHA256" // Pay Score jumps
	MD5Algo        Algorithm = "MD5"         // 小微聚付 payment
)

// Canonical returns the string that is signed, without the key: non-empty
// values only, signField left out, keys sorted in ASCII (byte) order, raw
// k=v pairs joined with &.
func Canonical(params map[string]string, signField string) string {
	m := message(nil, params, signField)
	if len(m) == header {
		return ""
	}
	return string(m[header+1:])
}

// message is Begin and Append over the signed entries of params.
func message(buf []byte, params map[string]string, signField string) []byte {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if v != "" && k != signField {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	m := Begin(buf)
	for _, k := range keys {
		m = Append(m, k, params[k])
	}
	return m
}

// HMACSHA256 returns the uppercase hex HMAC-SHA256, keyed with key, of
// Canonical(params, "sign") + "&key=" + key.
func HMACSHA256(params map[string]string, key Secret) string {
	var buf [BufferSize]byte
	sum := SumHMACSHA256(message(buf[:0], params, SignField), key)
	return string(sum[:])
}

// MD5 returns the uppercase hex MD5 of Canonical(params, "sign") +
// "&key=" + key.
func MD5(params map[string]string, key Secret) string {
	var buf [BufferSize]byte
	sum := SumMD5(message(buf[:0], params, SignField), key)
	return string(sum[:])
}

// Sign signs params with alg. The error only reports an unknown algorithm.
func Sign(alg Algorithm, params map[string]string, key Secret) (string, error) {
	switch alg {
	case HMACSHA256Algo:
		return HMACSHA256(params, key), nil
	case MD5Algo:
		return MD5(params, key), nil
	}
	return "", fmt.Errorf("jumpsign: unsupported sign algorithm %q", string(alg))
}

// Verify reports whether sign is the alg signature of params (a "sign" entry
// in params is ignored, so received parameters can be passed whole). Hex
// case is ignored. The comparison takes constant time; an unknown algorithm
// or an empty sign gives false.
func Verify(alg Algorithm, params map[string]string, key Secret, sign string) bool {
	want, err := Sign(alg, params, key)
	if err != nil {
		return false
	}
	return EqualHex([]byte(want), sign)
}

// Nonce returns a fresh nonce_str. Tests inject a fixed one.
type Nonce func() (string, error)

// Clock returns the current time (time.Now is a Clock). Tests inject a
// fixed one.
type Clock func() time.Time

const nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomNonce is the default Nonce: 32 characters from [A-Za-z0-9], drawn
// uniformly from crypto/rand.
func RandomNonce() (string, error) {
	const n = 32
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", fmt.Errorf("jumpsign: reading random bytes: %w", err)
		}
		for _, b := range buf {
			// 62 letters: keep 6 bits and reject 62 and 63 so every letter
			// is equally likely.
			if c := b & 63; int(c) < len(nonceAlphabet) {
				out = append(out, nonceAlphabet[c])
				if len(out) == n {
					break
				}
			}
		}
	}
	return string(out), nil
}
