package jumps_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
)

func TestStamp(t *testing.T) {
	s := jumps.NewStamp(jumps.WithClock(func() time.Time { return time.Unix(1530097563, 999) }),
		jumps.WithNonce(func() (string, error) { return "N1", nil }))
	if s.Timestamp() != "1530097563" {
		t.Errorf("Timestamp = %s", s.Timestamp())
	}
	if n, err := s.Nonce(); n != "N1" || err != nil {
		t.Errorf("Nonce = %s, %v", n, err)
	}
	// nil options keep the defaults.
	d := jumps.NewStamp(jumps.WithClock(nil), jumps.WithNonce(nil))
	n, err := d.Nonce()
	if err != nil || len(n) != 32 {
		t.Errorf("default nonce %q, %v", n, err)
	}
	boom := errors.New("boom")
	if _, err := jumps.NewStamp(jumps.WithNonce(func() (string, error) { return "", boom })).Nonce(); !errors.Is(err, boom) {
		t.Errorf("nonce error = %v", err)
	}
}

func TestSign(t *testing.T) {
	if _, err := jumps.Sign(jumpsign.MD5Algo, map[string]string{"a": "1"}, ""); !errors.Is(err, jumps.ErrEmptyKey) {
		t.Errorf("empty key: %v", err)
	}
	// The doc's MD5 vector.
	got, err := jumps.Sign(jumpsign.MD5Algo, map[string]string{"mchid": "12345", "out_trade_no": "123123123123", "total_fee": "1"}, "xxxxxxxxx")
	if err != nil || got != "D284B39BA646EB978DF4FF1F5E59D2AD" {
		t.Errorf("Sign = %s, %v", got, err)
	}
	if _, err := jumps.Sign("SHA1", nil, "k"); err == nil {
		t.Error("unknown algorithm accepted")
	}
}

func TestEncodeAndVerifyQuery(t *testing.T) {
	params := map[string]string{"b": "x y", "a": "1+1=2&", "empty": "", "中": "文"}
	got := jumps.EncodeQuery(params, "b", "empty", "a", "中", "missing")
	if want := "b=x+y&a=1%2B1%3D2%26&%E4%B8%AD=%E6%96%87"; got != want {
		t.Errorf("EncodeQuery = %s, want %s", got, want)
	}
	signed := map[string]string{"mch_id": "1", "service_id": "2 3"}
	sign, _ := jumps.Sign(jumpsign.HMACSHA256Algo, signed, "K")
	signed["sign"] = sign
	q := jumps.EncodeQuery(signed, "mch_id", "service_id", "sign")
	if !jumps.VerifyQuery(jumpsign.HMACSHA256Algo, q, "K") {
		t.Fatal("VerifyQuery = false")
	}
	for name, bad := range map[string]string{
		"other key": "", "tampered": strings.Replace(q, "2+3", "2+4", 1), "repeated": q + "&mch_id=1",
		"no sign": "mch_id=1&service_id=2+3", "malformed": q + "&%zz", "empty": "",
	} {
		key := jumpsign.Secret("K")
		if name == "other key" {
			bad, key = q, "K2"
		}
		if jumps.VerifyQuery(jumpsign.HMACSHA256Algo, bad, key) {
			t.Errorf("VerifyQuery(%s) = true", name)
		}
	}
	if jumps.VerifyQuery(jumpsign.HMACSHA256Algo, q, "") {
		t.Error("VerifyQuery with an empty key = true")
	}
}

func TestReturnFields(t *testing.T) {
	m, err := jumps.ReturnFields([]byte(` {"query_id":"Q","n":1} `))
	if err != nil || m["query_id"] != "Q" || m["n"] != "1" {
		t.Errorf("ReturnFields = %v, %v", m, err)
	}
	for _, in := range []string{"", "  ", "null", "{}", `{"a":null}`} {
		if _, err := jumps.ReturnFields([]byte(in)); !errors.Is(err, jumps.ErrNoReturnData) {
			t.Errorf("%q: %v", in, err)
		}
	}
	var tl *jumps.TooLargeError
	if _, err := jumps.ReturnFields(make([]byte, jumps.MaxReturnBytes+1)); !errors.As(err, &tl) || tl.Size != jumps.MaxReturnBytes+1 {
		t.Errorf("too large: %v", err)
	}
	var se *kv.SyntaxError
	if _, err := jumps.ReturnFields([]byte(`{"a":`)); !errors.As(err, &se) {
		t.Errorf("malformed: %v", err)
	}
}
