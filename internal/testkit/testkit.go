// Package testkit holds what tests across the module share: RSA-2048 keys
// made once per test binary (generating them is the slowest step of most
// tests, more so under -race), and a log capture that shows attribute values
// unescaped, so a leaked secret cannot hide behind quoting.
package testkit

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"time"
)

var (
	keysMu sync.Mutex
	keys   = map[string]*rsa.PrivateKey{}
)

// Key returns the RSA-2048 key called name, made on first use: tests ask
// for "merchant", "platform", "stranger" and get the same key each time
// within one test binary, and a different key for each name.
func Key(name string) *rsa.PrivateKey {
	keysMu.Lock()
	defer keysMu.Unlock()
	if k, ok := keys[name]; ok {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("testkit: " + err.Error()) // the system's randomness failed: no test can run
	}
	keys[name] = k
	return k
}

// LogCapture is a slog.Handler recording each line as "LEVEL message
// key=value ...", values unescaped.
type LogCapture struct {
	mu    *sync.Mutex
	lines *[]string
	attrs []slog.Attr
}

// NewLogCapture returns a logger and the capture behind it.
func NewLogCapture() (*slog.Logger, *LogCapture) {
	c := &LogCapture{mu: new(sync.Mutex), lines: new([]string)}
	return slog.New(c), c
}

// Enabled records every level.
func (c *LogCapture) Enabled(context.Context, slog.Level) bool { return true }

// Handle records one line.
func (c *LogCapture) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	write := func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.Resolve().String())
		return true
	}
	for _, a := range c.attrs {
		write(a)
	}
	r.Attrs(write)
	c.mu.Lock()
	defer c.mu.Unlock()
	*c.lines = append(*c.lines, b.String())
	return nil
}

// WithAttrs returns a handler that records attrs on every line, into the same capture.
func (c *LogCapture) WithAttrs(as []slog.Attr) slog.Handler {
	n := *c
	n.attrs = append(append([]slog.Attr(nil), c.attrs...), as...)
	return &n
}

// WithGroup ignores groups: the capture is for searching, not structure.
func (c *LogCapture) WithGroup(string) slog.Handler { return c }

// Lines returns the lines recorded so far.
func (c *LogCapture) Lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), *c.lines...)
}

// String is every line, newline-separated.
func (c *LogCapture) String() string { return strings.Join(c.Lines(), "\n") }

// PlatformCertificate is a self-signed certificate for key, valid a year
// around now, as WeChat Pay's certificate download would return it: its
// serial has 40 hex digits (no leading zero byte).
func PlatformCertificate(key *rsa.PrivateKey, now time.Time) (*x509.Certificate, error) {
	serial := make([]byte, 20)
	if _, err := rand.Read(serial); err != nil {
		return nil, err
	}
	serial[0] = serial[0]&0x7f | 0x10
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(serial),
		Subject:      pkix.Name{CommonName: "Tenpay.com Root CA test"},
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
