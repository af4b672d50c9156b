// Package notifytest builds WeChat Pay APIv3 notifications the way WeChat
// sends them: AES-256-GCM encrypted resources and RSA-SHA256 signed
// Wechatpay-* headers. Tests and the simulator use it; it is ordinary
// (non-test) code so other packages can import it.
package notifytest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/payscoregen/payscoregen/runtime/notify"
)

// Encrypt seals plaintext for a notification resource. apiV3Key must be 32
// bytes and nonce 12 bytes; both are used as raw bytes, like associatedData.
func Encrypt(apiV3Key string, plaintext []byte, associatedData string, nonce string) (notify.Resource, error) {
	if len(apiV3Key) != 32 {
		return notify.Resource{}, fmt.Errorf("notifytest: APIv3 key must be 32 bytes, got %d", len(apiV3Key))
	}
	block, err := aes.NewCipher([]byte(apiV3Key))
	if err != nil {
		return notify.Resource{}, errors.New("notifytest: AES cipher")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return notify.Resource{}, errors.New("notifytest: AES-GCM")
	}
	if len(nonce) != aead.NonceSize() {
		return notify.Resource{}, fmt.Errorf("notifytest: nonce must be %d bytes, got %d", aead.NonceSize(), len(nonce))
	}
	sealed := aead.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))
	return notify.Resource{
		Algorithm:      notify.AlgorithmAES256GCM,
		Ciphertext:     base64.StdEncoding.EncodeToString(sealed),
		AssociatedData: associatedData,
		Nonce:          nonce,
	}, nil
}

// SealEnvelope encrypts plaintext into env.Resource with a random 12-byte
// nonce, keeping env.Resource.AssociatedData and OriginalType, and returns
// the JSON body.
func SealEnvelope(apiV3Key string, env notify.Envelope, plaintext []byte) ([]byte, error) {
	res, err := Encrypt(apiV3Key, plaintext, env.Resource.AssociatedData, RandomString(12))
	if err != nil {
		return nil, err
	}
	res.OriginalType = env.Resource.OriginalType
	env.Resource = res
	return json.Marshal(env)
}

// Signer signs notification bodies as WeChat Pay does.
type Signer struct {
	PrivateKey *rsa.PrivateKey
	// Serial is sent as Wechatpay-Serial: a public key ID ("PUB_KEY_ID_...")
	// or a platform certificate serial.
	Serial string
	Now    func() time.Time // default time.Now
	Nonce  func() string    // default RandomString(32)
}

// Sign returns the base64 RSA-SHA256 (PKCS #1 v1.5) signature of
// timestamp + "\n" + nonce + "\n" + body + "\n".
func (s *Signer) Sign(timestamp, nonce string, body []byte) (string, error) {
	if s.PrivateKey == nil {
		return "", errors.New("notifytest: Signer has no PrivateKey")
	}
	h := sha256.New()
	h.Write([]byte(timestamp + "\n" + nonce + "\n"))
	h.Write(body)
	h.Write([]byte("\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.PrivateKey, crypto.SHA256, h.Sum(nil))
	if err != nil {
		return "", fmt.Errorf("notifytest: sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Headers returns the signed Wechatpay-* headers for body:
// Wechatpay-Signature, -Timestamp, -Nonce, -Serial and, as WeChat also
// sends it, Wechatpay-Signature-Type.
func (s *Signer) Headers(body []byte) (http.Header, error) {
	if s.Serial == "" {
		return nil, errors.New("notifytest: Signer has no Serial")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	nonce := RandomString(32)
	if s.Nonce != nil {
		nonce = s.Nonce()
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	sig, err := s.Sign(ts, nonce, body)
	if err != nil {
		return nil, err
	}
	h := make(http.Header)
	h.Set(notify.HeaderSignature, sig)
	h.Set(notify.HeaderTimestamp, ts)
	h.Set(notify.HeaderNonce, nonce)
	h.Set(notify.HeaderSerial, s.Serial)
	h.Set(notify.HeaderSignatureType, notify.SignatureTypeRSA)
	return h, nil
}

// NewRequest returns a signed POST of body to url.
func (s *Signer) NewRequest(ctx context.Context, url string, body []byte) (*http.Request, error) {
	h, err := s.Headers(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomString returns n random alphanumeric characters, the shape of
// WeChat's nonces.
func RandomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		// 62 divides 256 unevenly; retry the high values to stay uniform.
		for {
			var c [1]byte
			_, _ = rand.Read(c[:]) // never fails (crypto/rand)
			if c[0] < 248 {
				b[i] = alphanumeric[int(c[0])%len(alphanumeric)]
				break
			}
		}
	}
	return string(b)
}
