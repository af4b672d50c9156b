package notify_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/notify"
)

// acceptAll lets the fuzzer past signature verification, so the JSON and
// decryption paths see arbitrary input too.
type acceptAll struct{}

func (acceptAll) Verify(context.Context, string, string, string) error { return nil }
func (acceptAll) GetSerial(context.Context) (string, error)            { return pubKeyID, nil }

func FuzzParse(f *testing.F) {
	fx := newFixture(f)
	open, err := notify.NewParser(notify.Config{
		APIv3Key: fx.apiV3Key,
		Verifier: acceptAll{},
		Now:      func() time.Time { return fixedNow },
	})
	if err != nil {
		f.Fatal(err)
	}
	body := fx.body(f)
	req := fx.request(f, body)
	ts := strconv.FormatInt(fixedNow.Unix(), 10)
	f.Add(body, req.Header.Get(notify.HeaderSignature), ts, req.Header.Get(notify.HeaderNonce), pubKeyID)
	f.Add([]byte(`{"id":"EV-1","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"123456789012","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}}`), "c2ln", ts, "n", "s")
	f.Add([]byte(`{"id":"EV-1","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"1","ciphertext":""}}`), "c2ln", ts, "n", "s")
	f.Add([]byte(`{"id":1e999}`), "x", "-1", "", " ")
	f.Add([]byte{}, "", "99999999999999999999", "\x00", "PUB_KEY_ID_\xff")

	f.Fuzz(func(t *testing.T, body []byte, sig, ts, nonce, serial string) {
		for _, p := range []*notify.Parser{fx.parser, open} {
			r := requestWith(body, nil)
			r.Header.Set(notify.HeaderSignature, sig)
			r.Header.Set(notify.HeaderTimestamp, ts)
			r.Header.Set(notify.HeaderNonce, nonce)
			r.Header.Set(notify.HeaderSerial, serial)
			n, err := p.Parse(r)
			if err != nil {
				if n != nil {
					t.Fatal("Notification returned with an error")
				}
				if strings.Contains(err.Error(), fx.apiV3Key) {
					t.Fatal("error contains the APIv3 key")
				}
				// The serial is echoed on purpose; a body equal to it is no leak.
				echo := strings.TrimSpace(serial)
				if len(echo) > 64 {
					echo = echo[:64] + "..."
				}
				rest := strings.ReplaceAll(err.Error(), strconv.Quote(echo), "")
				if len(body) > 20 && strings.Contains(rest, string(body)) {
					t.Fatalf("error contains the body: %v", err)
				}
				continue
			}
			if n.Envelope.ID == "" {
				t.Fatal("accepted a notification without id")
			}
		}
	})
}
