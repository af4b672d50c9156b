// Package apiauth is the server side of WeChat Pay APIv3 signatures: it
// verifies a merchant's Authorization header and signs responses the way
// WeChat Pay does. The simulator and the round-trip tests use it, so
// wechatpay-go's client is checked against a peer that really verifies, and
// really signs, instead of one that skips the crypto.
package apiauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Scheme is the Authorization scheme of RSA-2048 merchant signatures.
const Scheme = "WECHATPAY2-SHA256-RSA2048"

// Errors a verification can wrap; match them with errors.Is.
var (
	ErrMissing      = errors.New("apiauth: Authorization header missing")
	ErrMalformed    = errors.New("apiauth: Authorization header malformed")
	ErrStale        = errors.New("apiauth: Authorization timestamp outside the allowed window")
	ErrBadSignature = errors.New("apiauth: signature does not verify")
	ErrUnknownMerch = errors.New("apiauth: unknown merchant or certificate serial")
)

// Authorization is a parsed merchant Authorization header.
type Authorization struct {
	MchID     string
	Nonce     string
	Timestamp int64
	SerialNo  string
	Signature string
}

// ParseAuthorization parses `WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",...`.
func ParseAuthorization(header string) (Authorization, error) {
	var a Authorization
	if strings.TrimSpace(header) == "" {
		return a, ErrMissing
	}
	scheme, params, ok := strings.Cut(header, " ")
	if !ok || scheme != Scheme {
		return a, fmt.Errorf("%w: scheme must be %s", ErrMalformed, Scheme)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(params, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return a, fmt.Errorf("%w: parameter %q is not key=\"value\"", ErrMalformed, k)
		}
		v = v[1 : len(v)-1]
		seen[k] = true
		switch k {
		case "mchid":
			a.MchID = v
		case "nonce_str":
			a.Nonce = v
		case "timestamp":
			ts, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return a, fmt.Errorf("%w: timestamp is not an integer", ErrMalformed)
			}
			a.Timestamp = ts
		case "serial_no":
			a.SerialNo = v
		case "signature":
			a.Signature = v
		}
	}
	for _, k := range []string{"mchid", "nonce_str", "timestamp", "serial_no", "signature"} {
		if !seen[k] {
			return a, fmt.Errorf("%w: %s missing", ErrMalformed, k)
		}
	}
	return a, nil
}

// Message is the signed text of a request: method, canonical URL, timestamp,
// nonce and body, each followed by a newline.
func Message(method, canonicalURL string, timestamp int64, nonce string, body []byte) string {
	return method + "\n" + canonicalURL + "\n" + strconv.FormatInt(timestamp, 10) + "\n" + nonce + "\n" + string(body) + "\n"
}

// KeyLookup returns the public key of a merchant's certificate serial, or nil.
type KeyLookup func(mchID, serialNo string) *rsa.PublicKey

// Verifier checks merchant requests.
type Verifier struct {
	Keys   KeyLookup
	Window time.Duration // default 5 minutes, as WeChat Pay
	Now    func() time.Time
}

// Verify checks the Authorization header of r over body (already read) and
// returns the parsed header.
func (v *Verifier) Verify(r *http.Request, body []byte) (Authorization, error) {
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return a, err
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	window := v.Window
	if window == 0 {
		window = 5 * time.Minute
	}
	if d := now().Sub(time.Unix(a.Timestamp, 0)); d > window || d < -window {
		return a, ErrStale
	}
	pub := v.Keys(a.MchID, a.SerialNo)
	if pub == nil {
		return a, ErrUnknownMerch
	}
	sig, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil {
		return a, fmt.Errorf("%w: signature is not base64", ErrMalformed)
	}
	digest := sha256.Sum256([]byte(Message(r.Method, r.URL.RequestURI(), a.Timestamp, a.Nonce, body)))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) != nil {
		return a, ErrBadSignature
	}
	return a, nil
}

// Signer signs responses and notifications as WeChat Pay does.
type Signer struct {
	Key    *rsa.PrivateKey
	Serial string // public key id (PUB_KEY_ID_...) or platform certificate serial
	Now    func() time.Time
	Nonce  func() string
}

// Sign sets Wechatpay-Timestamp, -Nonce, -Serial and -Signature on h for body.
func (s *Signer) Sign(h http.Header, body []byte) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	nonce := ""
	if s.Nonce != nil {
		nonce = s.Nonce()
	} else {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		nonce = fmt.Sprintf("%X", b)
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	digest := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + string(body) + "\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.Key, crypto.SHA256, digest[:])
	if err != nil {
		return err
	}
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", s.Serial)
	h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
	return nil
}
