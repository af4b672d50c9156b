package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
)

const (
	// DefaultTimestampWindow matches wechatpay-go's 5-minute check.
	DefaultTimestampWindow = 5 * time.Minute

	// DefaultMaxBodyBytes is the largest ciphertext the doc allows
	// (resource.ciphertext is string[1,1048576], base64 so one byte per
	// character) plus EnvelopeMarginBytes for the rest of the envelope.
	DefaultMaxBodyBytes = 1_048_576 + EnvelopeMarginBytes

	// EnvelopeMarginBytes is what a body limit allows beyond the ciphertext.
	// The other fields are bounded at a few hundred bytes even with every
	// character JSON-escaped, so the margin only matters for whitespace and
	// fields WeChat may add later.
	EnvelopeMarginBytes = 64 << 10

	apiV3KeySize = 32
)

// Config configures a Parser.
type Config struct {
	// APIv3Key is the merchant's APIv3 key, exactly 32 bytes.
	APIv3Key string
	// Verifier checks the RSA signature: verifiers.NewSHA256WithRSAPubkeyVerifier
	// (public key mode, serial "PUB_KEY_ID_..."), NewSHA256WithRSAVerifier
	// (platform certificates) or NewSHA256WithRSACombinedVerifier.
	Verifier auth.Verifier
	// TimestampWindow is the largest accepted distance between
	// Wechatpay-Timestamp and Now, in either direction. Zero means
	// DefaultTimestampWindow.
	TimestampWindow time.Duration
	// MaxBodyBytes limits the request body. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// String hides the APIv3 key so a printed Config does not leak it.
func (c Config) String() string {
	return fmt.Sprintf("notify.Config{APIv3Key:<redacted> Verifier:%T TimestampWindow:%s MaxBodyBytes:%d}",
		c.Verifier, c.TimestampWindow, c.MaxBodyBytes)
}

// GoString hides the APIv3 key from %#v.
func (c Config) GoString() string { return c.String() }

// LogValue hides the APIv3 key from slog.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Parser verifies and decrypts notifications. It is safe for concurrent use.
type Parser struct {
	aead          cipher.AEAD
	verifier      auth.Verifier
	window        time.Duration
	maxBody       int64
	now           func() time.Time
	originalTypes []string // allowed resource.original_type values; empty: any
}

// NewParser validates cfg and builds the AES-GCM cipher once.
func NewParser(cfg Config) (*Parser, error) {
	if n := len(cfg.APIv3Key); n != apiV3KeySize {
		return nil, fmt.Errorf("%w: APIv3 key must be %d bytes, got %d", ErrInvalidConfig, apiV3KeySize, n)
	}
	if cfg.Verifier == nil {
		return nil, fmt.Errorf("%w: Verifier is nil", ErrInvalidConfig)
	}
	if cfg.TimestampWindow < 0 {
		return nil, fmt.Errorf("%w: negative TimestampWindow", ErrInvalidConfig)
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("%w: negative MaxBodyBytes", ErrInvalidConfig)
	}
	block, err := aes.NewCipher([]byte(cfg.APIv3Key))
	if err != nil { // unreachable with a 32-byte key; no key in the message
		return nil, fmt.Errorf("%w: AES cipher", ErrInvalidConfig)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%w: AES-GCM", ErrInvalidConfig)
	}
	p := &Parser{
		aead:     aead,
		verifier: cfg.Verifier,
		window:   cfg.TimestampWindow,
		maxBody:  cfg.MaxBodyBytes,
		now:      cfg.Now,
	}
	if p.window == 0 {
		p.window = DefaultTimestampWindow
	}
	if p.maxBody == 0 {
		p.maxBody = DefaultMaxBodyBytes
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// MaxBodyBytes returns the effective body limit.
func (p *Parser) MaxBodyBytes() int64 { return p.maxBody }

// LimitBody returns a Parser sharing p's key and verifier that reads at most
// n bytes of body, or p itself when its own limit is already n or less (or
// n <= 0, or p is nil). Generated handlers pass the limit their spec derives
// from the ciphertext's max_length; the smaller limit wins, so the one set in
// Config stays a cap.
func (p *Parser) LimitBody(n int64) *Parser {
	if p == nil || n <= 0 || n >= p.maxBody {
		return p
	}
	q := *p // cipher.AEAD is safe for concurrent use
	q.maxBody = n
	return &q
}

// ExpectOriginalType returns a Parser sharing p's key and verifier that
// rejects a notification whose resource.original_type is present and not
// one of types (Pay Score sends "payscore"). Generated handlers call it with
// the values their spec lists.
func (p *Parser) ExpectOriginalType(types ...string) *Parser {
	if p == nil || len(types) == 0 {
		return p
	}
	q := *p
	q.originalTypes = append([]string(nil), types...)
	return &q
}

type signedHeaders struct {
	signature string
	timestamp string // as sent: it is part of the signed message
	unix      int64
	nonce     string
	serial    string
}

// Parse reads r's body, verifies the notification and decrypts its resource.
// Nothing from the body is trusted, or even decoded, before the signature is
// verified. The verified body must be strict JSON (no invalid UTF-8, no
// unpaired surrogate escapes, no member name repeated exactly or up to
// case) and the envelope must keep the documented limits (see
// CheckEnvelope). Errors wrap one of ErrBodyTooLarge, ErrReadBody, ErrHeader
// (*HeaderError), ErrStaleTimestamp (*TimestampError), ErrSignature
// (*SignatureError), ErrMalformed (*EnvelopeError for a broken limit),
// ErrUnsupportedAlgorithm or ErrDecrypt.
func (p *Parser) Parse(r *http.Request) (*Notification, error) {
	// Headers and timestamp are checked before reading the body: they are
	// cheap and reject most junk early.
	h, err := readHeaders(r.Header)
	if err != nil {
		return nil, err
	}
	now := p.now()
	ts := time.Unix(h.unix, 0)
	// Sub saturates instead of overflowing, so extreme timestamps are safe.
	if d := now.Sub(ts); d > p.window || d < -p.window {
		return nil, &TimestampError{Timestamp: ts, Now: now, Window: p.window}
	}

	body, err := p.readBody(r)
	if err != nil {
		return nil, err
	}

	var msg strings.Builder
	msg.Grow(len(h.timestamp) + len(h.nonce) + len(body) + 3)
	msg.WriteString(h.timestamp)
	msg.WriteByte('\n')
	msg.WriteString(h.nonce)
	msg.WriteByte('\n')
	msg.Write(body)
	msg.WriteByte('\n')
	if err := p.verifier.Verify(r.Context(), h.serial, msg.String(), h.signature); err != nil {
		return nil, &SignatureError{Serial: h.serial, Cause: err}
	}

	if err := CheckStrictJSON(body); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	n := &Notification{Serial: h.serial, Timestamp: ts, Nonce: h.nonce, Body: body}
	if err := decodeEnvelope(body, &n.Envelope); err != nil {
		return nil, err
	}
	if err := CheckEnvelope(&n.Envelope); err != nil {
		return nil, err
	}
	if t := n.Envelope.Resource.OriginalType; t != "" && len(p.originalTypes) > 0 && !slices.Contains(p.originalTypes, t) {
		return nil, &EnvelopeError{Field: "resource.original_type", Reason: strconv.Quote(clip(t, 32)) + " is not " + strings.Join(p.originalTypes, " or ")}
	}
	if n.Plaintext, err = p.decrypt(&n.Envelope.Resource); err != nil {
		return nil, err
	}
	return n, nil
}

func readHeaders(hdr http.Header) (signedHeaders, error) {
	get := func(name string) (string, error) {
		v := strings.TrimSpace(hdr.Get(name))
		if v == "" {
			return "", &HeaderError{Header: name, Reason: "missing"}
		}
		return v, nil
	}
	var h signedHeaders
	var err error
	if h.signature, err = get(HeaderSignature); err != nil {
		return h, err
	}
	if h.timestamp, err = get(HeaderTimestamp); err != nil {
		return h, err
	}
	if h.nonce, err = get(HeaderNonce); err != nil {
		return h, err
	}
	if h.serial, err = get(HeaderSerial); err != nil {
		return h, err
	}
	// Digits only: ParseInt alone would accept "+123", which would verify
	// against a different signed message than the value it parses to.
	if !isDigits(h.timestamp) {
		return h, &HeaderError{Header: HeaderTimestamp, Reason: "not an integer"}
	}
	if h.unix, err = strconv.ParseInt(h.timestamp, 10, 64); err != nil {
		return h, &HeaderError{Header: HeaderTimestamp, Reason: "out of range"}
	}
	if t := strings.TrimSpace(hdr.Get(HeaderSignatureType)); t != "" && t != SignatureTypeRSA {
		return h, &HeaderError{Header: HeaderSignatureType, Reason: "unsupported"}
	}
	return h, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (p *Parser) readBody(r *http.Request) ([]byte, error) {
	// A func, not a value: formatting the error on every accepted body costs
	// an allocation on the hot path.
	tooLarge := func() error { return fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, p.maxBody) }
	if r.ContentLength > p.maxBody {
		return nil, tooLarge()
	}
	if r.Body == nil {
		return nil, nil
	}
	// One buffer, sized by Content-Length when the sender gives it (one
	// byte more, to see EOF without growing), and reads capped at one byte
	// past the limit to tell "exactly the limit" from "over".
	limit := int(p.maxBody) + 1
	size := 512
	if r.ContentLength > 0 {
		size = int(r.ContentLength) + 1
	}
	buf := make([]byte, 0, min(size, limit))
	for {
		if len(buf) >= limit {
			return nil, tooLarge()
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), limit-len(buf)))
		}
		n, err := r.Body.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, tooLarge()
			}
			return nil, fmt.Errorf("%w: %v", ErrReadBody, err)
		}
	}
	if len(buf) > int(p.maxBody) {
		return nil, tooLarge()
	}
	return buf, nil
}

// decodeEnvelope builds its own error messages: encoding/json's may quote
// bytes of the body.
func decodeEnvelope(body []byte, env *Envelope) error {
	if err := json.Unmarshal(body, env); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, safeJSONError(err))
	}
	return nil
}

func (p *Parser) decrypt(res *Resource) ([]byte, error) {
	if res.Algorithm != AlgorithmAES256GCM {
		return nil, fmt.Errorf("%w %s", ErrUnsupportedAlgorithm, strconv.Quote(clip(res.Algorithm, 32)))
	}
	// cipher.AEAD.Open panics on a nonce of the wrong size.
	if n := len(res.Nonce); n != p.aead.NonceSize() {
		return nil, fmt.Errorf("%w: nonce must be %d bytes, got %d", ErrDecrypt, p.aead.NonceSize(), n)
	}
	ct, err := base64.StdEncoding.DecodeString(res.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not valid base64", ErrDecrypt)
	}
	pt, err := p.aead.Open(ct[:0], []byte(res.Nonce), ct, []byte(res.AssociatedData))
	if err != nil {
		return nil, fmt.Errorf("%w: message authentication failed (wrong APIv3 key or tampered resource)", ErrDecrypt)
	}
	return pt, nil
}
