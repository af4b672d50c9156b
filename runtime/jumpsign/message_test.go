package jumpsign_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// reference signs the WxJava way with the standard library.
func reference(hmacSign bool, pairs [][2]string, key string) string {
	var parts []string
	for _, p := range pairs {
		if p[1] != "" {
			parts = append(parts, p[0]+"="+p[1])
		}
	}
	parts = append(parts, "key="+key)
	msg := []byte(strings.Join(parts, "&"))
	if hmacSign {
		m := hmac.New(sha256.New, []byte(key))
		m.Write(msg)
		return strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
	}
	sum := md5.Sum(msg)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func build(buf []byte, pairs [][2]string) []byte {
	m := jumpsign.Begin(buf)
	for _, p := range pairs {
		m = jumpsign.Append(m, p[0], p[1])
	}
	return m
}

func TestMessageAgreesWithStandardLibrary(t *testing.T) {
	confirm := [][2]string{{"mch_id", "1230000109"}, {"nonce_str", "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"},
		{"package", "AAQAAOPaq4FCvQlD"}, {"sign_type", "HMAC-SHA256"}, {"timestamp", "1530097563"}}
	tests := []struct {
		name  string
		pairs [][2]string
		key   string
	}{
		{"confirm order", confirm, "192006250b4c09247ec02edce69f6a2d"},
		{"no pairs", nil, "K"},
		{"only empty values", [][2]string{{"a", ""}, {"b", ""}}, "K"},
		{"empty in the middle", [][2]string{{"a", "1"}, {"b", ""}, {"c", "3"}}, "K"},
		{"key of one block", confirm, strings.Repeat("k", 64)},
		{"key longer than a block", confirm, strings.Repeat("k", 65)},
		{"long key", confirm, strings.Repeat("密钥", 100)},
		{"empty key", confirm, ""},
		{"utf8 and spaces", [][2]string{{"body", "测试 a+b&c=d"}, {"mch_id", "1"}}, "密钥"},
		{"longer than the buffer", [][2]string{{"attach", strings.Repeat("附", 600)}, {"mchid", "1"}}, "k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf [jumpsign.BufferSize]byte
			h := jumpsign.SumHMACSHA256(build(buf[:0], tt.pairs), jumpsign.Secret(tt.key))
			if got, want := string(h[:]), reference(true, tt.pairs, tt.key); got != want {
				t.Errorf("HMAC-SHA256 %s, crypto/hmac %s", got, want)
			}
			m := jumpsign.SumMD5(build(buf[:0], tt.pairs), jumpsign.Secret(tt.key))
			if got, want := string(m[:]), reference(false, tt.pairs, tt.key); got != want {
				t.Errorf("MD5 %s, crypto/md5 %s", got, want)
			}
			// The map API signs the same message.
			params := map[string]string{}
			for _, p := range tt.pairs {
				params[p[0]] = p[1]
			}
			if got := jumpsign.HMACSHA256(params, jumpsign.Secret(tt.key)); got != string(h[:]) {
				t.Errorf("HMACSHA256(map) %s, SumHMACSHA256 %s", got, h)
			}
		})
	}
}

func FuzzSumHMACSHA256(f *testing.F) {
	f.Add("1230000109", "测试", "key", int64(7))
	f.Add("", "", "", int64(0))
	f.Add(strings.Repeat("x", 2000), "y", strings.Repeat("k", 100), int64(-1))
	f.Fuzz(func(t *testing.T, a, b, key string, n int64) {
		pairs := [][2]string{{"a", a}, {"b", b}, {"n", strconv.FormatInt(n, 10)}}
		if n == 0 {
			pairs[2][1] = ""
		}
		var buf [jumpsign.BufferSize]byte
		m := jumpsign.Append(jumpsign.Append(jumpsign.Begin(buf[:0]), "a", a), "b", b)
		m = jumpsign.AppendInt(m, "n", n)
		m2 := bytes.Clone(m)
		h := jumpsign.SumHMACSHA256(m, jumpsign.Secret(key))
		if got, want := string(h[:]), reference(true, pairs, key); got != want {
			t.Errorf("HMAC-SHA256 %s, crypto/hmac %s", got, want)
		}
		s := jumpsign.SumMD5(m2, jumpsign.Secret(key))
		if got, want := string(s[:]), reference(false, pairs, key); got != want {
			t.Errorf("MD5 %s, crypto/md5 %s", got, want)
		}
	})
}

// The key does not stay in the caller's buffer.
func TestSumWipesKey(t *testing.T) {
	key := "secret-key-0123456789"
	for _, sum := range []func([]byte, jumpsign.Secret){
		func(m []byte, k jumpsign.Secret) { jumpsign.SumMD5(m, k) },
		func(m []byte, k jumpsign.Secret) { jumpsign.SumHMACSHA256(m, k) },
	} {
		var buf [jumpsign.BufferSize]byte
		sum(jumpsign.Append(jumpsign.Begin(buf[:0]), "a", "1"), jumpsign.Secret(key))
		if bytes.Contains(buf[:], []byte(key)) || bytes.Contains(buf[:], []byte("secret")) {
			t.Error("key left in the buffer")
		}
	}
}

func TestSumWithoutBeginPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	jumpsign.SumMD5([]byte("a=1"), "k")
}

func TestEqualHex(t *testing.T) {
	want := []byte("D284B39BA646EB978DF4FF1F5E59D2AD")
	for sign, ok := range map[string]bool{
		"D284B39BA646EB978DF4FF1F5E59D2AD":    true,
		"d284b39ba646eb978df4ff1f5e59d2ad":    true,
		"D284b39BA646EB978DF4FF1F5E59D2aD":    true,
		"D284B39BA646EB978DF4FF1F5E59D2AE":    false,
		"D284B39BA646EB978DF4FF1F5E59D2A":     false,
		"D284B39BA646EB978DF4FF1F5E59D2ADD":   false,
		"":                                    false,
		"D284B39BA646EB978DF4FF1F5E59D2A\x0d": false, // 'M'^0x60 style folds must not match
		"D284B39BA646EB978DF4FF1F5E59D2A\xcd": false,
	} {
		if got := jumpsign.EqualHex(want, sign); got != ok {
			t.Errorf("EqualHex(%q) = %v, want %v", sign, got, ok)
		}
	}
}

func TestMessageAllocatesNothing(t *testing.T) {
	var buf [jumpsign.BufferSize]byte
	m := jumpsign.Append(jumpsign.Begin(buf[:0]), "mch_id", "1230000109")
	h := jumpsign.SumHMACSHA256(jumpsign.AppendInt(m, "total_fee", 100), "key")
	sign := strings.ToLower(string(h[:]))
	n := testing.AllocsPerRun(100, func() {
		var buf [jumpsign.BufferSize]byte
		m := jumpsign.Begin(buf[:0])
		m = jumpsign.Append(m, "mch_id", "1230000109")
		m = jumpsign.AppendInt(m, "total_fee", 100)
		h := jumpsign.SumHMACSHA256(m, "key")
		if !jumpsign.EqualHex(h[:], sign) {
			t.Fatal("not equal")
		}
		m = jumpsign.Append(jumpsign.Begin(buf[:0]), "mch_id", "1230000109")
		_ = jumpsign.SumMD5(m, "key")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
