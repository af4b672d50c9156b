// Package notify verifies and decrypts WeChat Pay APIv3 notifications
// (回调通知) and provides the http.Handler core shared by generated typed
// notification handlers.
//
// A Parser checks the Wechatpay-* headers and the timestamp window, verifies
// the RSA signature over the exact body, and only then decodes the JSON
// envelope and decrypts its AEAD_AES_256_GCM resource. NewHandler adds
// duplicate protection (see package dedupe) and WeChat's reply conventions.
//
// No error string or log line produced here contains the APIv3 key, the
// request body, or the decrypted plaintext.
package notify

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"
)

// Header names and algorithm identifiers used by WeChat Pay APIv3.
const (
	HeaderSignature     = "Wechatpay-Signature"
	HeaderTimestamp     = "Wechatpay-Timestamp"
	HeaderNonce         = "Wechatpay-Nonce"
	HeaderSerial        = "Wechatpay-Serial"
	HeaderSignatureType = "Wechatpay-Signature-Type"

	// SignatureTypeRSA is the only Wechatpay-Signature-Type accepted (the
	// header is optional; absent means this type).
	SignatureTypeRSA = "WECHATPAY2-SHA256-RSA2048"
	// AlgorithmAES256GCM is the only resource encryption algorithm.
	AlgorithmAES256GCM = "AEAD_AES_256_GCM"
)

// Sentinel errors. Parse errors wrap exactly one of the first seven; use
// errors.Is to classify them.
var (
	ErrBodyTooLarge         = errors.New("notify: request body too large")
	ErrReadBody             = errors.New("notify: cannot read request body")
	ErrHeader               = errors.New("notify: invalid Wechatpay header")
	ErrStaleTimestamp       = errors.New("notify: timestamp outside the allowed window")
	ErrSignature            = errors.New("notify: signature verification failed")
	ErrMalformed            = errors.New("notify: malformed notification")
	ErrUnsupportedAlgorithm = errors.New("notify: unsupported resource algorithm")
	ErrDecrypt              = errors.New("notify: cannot decrypt resource")

	// ErrInvalidConfig is wrapped by NewParser errors.
	ErrInvalidConfig = errors.New("notify: invalid config")

	// ErrUnknownEventType is for generated dispatchers to return (wrapped or
	// not) when Envelope.EventType has no handler. The handler passes the
	// notification to its default handler (WithDefault) or, for an event
	// type the spec does not list, to its OnInvalid hook; without either it
	// fails the delivery (WithUnknownEventStatus) so nothing is dropped.
	ErrUnknownEventType = errors.New("notify: unknown event type")
)

// HeaderError reports a missing or invalid Wechatpay-* header. It wraps
// ErrHeader. The header's value is never included.
type HeaderError struct {
	Header string // canonical header name, e.g. "Wechatpay-Nonce"
	Reason string // e.g. "missing", "not an integer"
}

func (e *HeaderError) Error() string {
	return "notify: header " + e.Header + ": " + e.Reason
}

// Unwrap returns ErrHeader.
func (e *HeaderError) Unwrap() error { return ErrHeader }

// TimestampError reports a Wechatpay-Timestamp further than Window from Now,
// in either direction. It wraps ErrStaleTimestamp.
type TimestampError struct {
	Timestamp time.Time
	Now       time.Time
	Window    time.Duration
}

func (e *TimestampError) Error() string {
	return fmt.Sprintf("notify: timestamp %s is more than %s away from now (%s)",
		e.Timestamp.UTC().Format(time.RFC3339), e.Window, e.Now.UTC().Format(time.RFC3339))
}

// Unwrap returns ErrStaleTimestamp.
func (e *TimestampError) Unwrap() error { return ErrStaleTimestamp }

// SignatureError reports a signature that did not verify. It wraps
// ErrSignature.
type SignatureError struct {
	// Serial is the Wechatpay-Serial header: the platform certificate serial
	// or the public key ID the signature claims.
	Serial string
	// Cause is the Verifier's error, for deliberate inspection only. It is
	// neither printed by Error nor returned by Unwrap, because a Verifier may
	// quote the signed message (which contains the body).
	Cause error
}

func (e *SignatureError) Error() string {
	return "notify: signature verification failed for serial " + strconv.Quote(clip(e.Serial, 64))
}

// Unwrap returns ErrSignature.
func (e *SignatureError) Unwrap() error { return ErrSignature }

// Envelope is the notification body. Only Resource is encrypted.
type Envelope struct {
	ID           string   `json:"id"`
	CreateTime   string   `json:"create_time"`
	EventType    string   `json:"event_type"`
	ResourceType string   `json:"resource_type"`
	Resource     Resource `json:"resource"`
	Summary      string   `json:"summary"`
}

// Resource is the encrypted part of a notification. Nonce and
// AssociatedData are used as raw bytes (not base64); Ciphertext is standard
// base64 of the AES-256-GCM output including the 16-byte tag.
type Resource struct {
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
	OriginalType   string `json:"original_type"`
}

// Notification is a verified and decrypted notification.
type Notification struct {
	Envelope Envelope
	// Body is the signed request body exactly as received and verified (the
	// envelope, with the resource still encrypted).
	Body      []byte
	Plaintext []byte    // decrypted resource, usually JSON
	Serial    string    // Wechatpay-Serial that verified the signature
	Timestamp time.Time // Wechatpay-Timestamp
	Nonce     string    // Wechatpay-Nonce (not the resource nonce)
}

// String omits the plaintext, which holds user data.
func (n *Notification) String() string {
	return fmt.Sprintf("notify.Notification{ID:%q EventType:%q Serial:%q Timestamp:%s Plaintext:<%d bytes>}",
		n.Envelope.ID, n.Envelope.EventType, n.Serial, n.Timestamp.UTC().Format(time.RFC3339), len(n.Plaintext))
}

// LogValue omits the plaintext, which holds user data.
func (n *Notification) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", n.Envelope.ID),
		slog.String("event_type", n.Envelope.EventType),
		slog.String("serial", n.Serial),
	)
}

// clip shortens attacker-controlled strings before they reach errors or logs.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Limits of the envelope, from the APIv3 notification pages (the same on
// every Pay Score notification; spec/acquiringbank/authorization_notify.yaml
// and a test keep them in step). Lengths count characters.
const (
	MaxIDLength             = 36 // id string[1,36], the dedupe key
	MaxCreateTimeLength     = 32 // create_time string[1,32], RFC 3339
	MaxEventTypeLength      = 32 // event_type string[1,32]
	MaxResourceTypeLength   = 32 // resource_type string[1,32]
	MaxSummaryLength        = 64 // summary string[1,64], optional
	MaxNonceLength          = 16 // resource.nonce string[1,16]
	MaxAssociatedDataLength = 16 // resource.associated_data string[0,16]
	MaxOriginalTypeLength   = 32 // resource.original_type
)

// EnvelopeError reports a verified envelope that breaks a documented
// limit. It wraps ErrMalformed. Reason never quotes the field's value,
// except for resource.original_type, a fixed word.
type EnvelopeError struct {
	Field  string // e.g. "id", "resource.nonce"
	Reason string // e.g. "too long: 40 characters, maximum 36"
}

func (e *EnvelopeError) Error() string {
	return ErrMalformed.Error() + ": " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrMalformed.
func (e *EnvelopeError) Unwrap() error { return ErrMalformed }

// CheckEnvelope checks env against the documented limits: id, create_time
// (RFC 3339), event_type, resource_type and resource.ciphertext and nonce
// present; the lengths above. Parser.Parse calls it; the algorithm is
// checked when decrypting.
func CheckEnvelope(env *Envelope) error {
	type rule struct {
		field    string
		value    string
		required bool
		max      int
	}
	for _, r := range [...]rule{
		{"id", env.ID, true, MaxIDLength},
		{"create_time", env.CreateTime, true, MaxCreateTimeLength},
		{"event_type", env.EventType, true, MaxEventTypeLength},
		{"resource_type", env.ResourceType, true, MaxResourceTypeLength},
		{"summary", env.Summary, false, MaxSummaryLength},
		{"resource.ciphertext", env.Resource.Ciphertext, true, 0},
		{"resource.nonce", env.Resource.Nonce, true, MaxNonceLength},
		{"resource.associated_data", env.Resource.AssociatedData, false, MaxAssociatedDataLength},
		{"resource.original_type", env.Resource.OriginalType, false, MaxOriginalTypeLength},
	} {
		if r.value == "" {
			if r.required {
				return &EnvelopeError{Field: r.field, Reason: "required"}
			}
			continue
		}
		if n := utf8.RuneCountInString(r.value); r.max > 0 && n > r.max {
			return &EnvelopeError{Field: r.field, Reason: fmt.Sprintf("too long: %d characters, maximum %d", n, r.max)}
		}
	}
	if _, err := time.Parse(time.RFC3339, env.CreateTime); err != nil {
		return &EnvelopeError{Field: "create_time", Reason: "not an RFC 3339 time (2015-05-20T13:29:35+08:00)"}
	}
	return nil
}
