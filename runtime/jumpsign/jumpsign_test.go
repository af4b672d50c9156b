package jumpsign_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

func TestMD5DocVector(t *testing.T) {
	// The 小微聚付 doc's example; also checked with
	// printf '%s' 'mchid=12345&out_trade_no=123123123123&total_fee=1&key=xxxxxxxxx' | openssl dgst -md5
	params := map[string]string{"mchid": "12345", "out_trade_no": "123123123123", "total_fee": "1"}
	if got, want := jumpsign.MD5(params, "xxxxxxxxx"), "D284B39BA646EB978DF4FF1F5E59D2AD"; got != want {
		t.Errorf("MD5 = %s, want %s", got, want)
	}
}

func TestVectors(t *testing.T) {
	tests := []struct {
		name   string
		alg    jumpsign.Algorithm
		params map[string]string
		key    jumpsign.Secret
		want   string
	}{
		{
			// printf '%s' 'a=1&b=2&key=K' | openssl dgst -sha256 -hmac K  (OpenSSL 3, then uppercased)
			name: "hmac minimal", alg: jumpsign.HMACSHA256Algo,
			params: map[string]string{"b": "2", "a": "1"}, key: "K",
			want: "E876CF830B3006382756D30BE4B2EE729C4D8DB9FEC634C7B9D33DEF40C7D604",
		},
		{
			// Confirm-order extraData. Computed with
			// printf '%s' 'mch_id=1230000109&nonce_str=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2&package=AAQAAOPaq4FCvQlD&sign_type=HMAC-SHA256&timestamp=1530097563&key=192006250b4c09247ec02edce69f6a2d' \
			//   | openssl dgst -sha256 -hmac 192006250b4c09247ec02edce69f6a2d
			name: "hmac confirm order", alg: jumpsign.HMACSHA256Algo,
			params: map[string]string{
				"mch_id": "1230000109", "package": "AAQAAOPaq4FCvQlD", "timestamp": "1530097563",
				"nonce_str": "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2", "sign_type": "HMAC-SHA256",
				"sign": "ignored", "empty": "",
			},
			key:  "192006250b4c09247ec02edce69f6a2d",
			want: "0C188FC1A89EB2218F722A848909239CE23B9E48A3DE8F8C63A9E6971DAF9E79",
		},
		{
			// Raw UTF-8, spaces and '+' are signed as is (not URL-encoded). Computed with
			// printf '%s' 'body=测试 a+b&mch_id=1&key=密钥' | openssl dgst -sha256 -hmac '密钥'
			// and python3 hmac.new('密钥'.encode(), msg.encode(), hashlib.sha256) (same result).
			name: "hmac raw utf8", alg: jumpsign.HMACSHA256Algo,
			params: map[string]string{"mch_id": "1", "body": "测试 a+b"}, key: "密钥",
			want: "F0205E0D01AF5F15E65DFDCBFB98DC4568A32CC3F8F50AD49FF1E2DA087AD8C1",
		},
		{
			// printf '%s' 'body=测试商品&mchid=12345&out_trade_no=A1&total_fee=100&key=k3y' | openssl dgst -md5
			name: "md5 chinese body", alg: jumpsign.MD5Algo,
			params: map[string]string{"mchid": "12345", "out_trade_no": "A1", "total_fee": "100",
				"body": "测试商品", "attach": "", "sign": "X"},
			key:  "k3y",
			want: "B04E703FA3490AB53BF89B2472900674",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jumpsign.Sign(tt.alg, tt.params, tt.key)
			if err != nil || got != tt.want {
				t.Fatalf("Sign = %q, %v; want %q", got, err, tt.want)
			}
			if !jumpsign.Verify(tt.alg, tt.params, tt.key, tt.want) {
				t.Error("Verify(uppercase) = false")
			}
			if !jumpsign.Verify(tt.alg, tt.params, tt.key, strings.ToLower(tt.want)) {
				t.Error("Verify(lowercase) = false")
			}
			if jumpsign.Verify(tt.alg, tt.params, tt.key+"x", tt.want) {
				t.Error("Verify with another key = true")
			}
			tampered := map[string]string{"extra": "1"}
			for k, v := range tt.params {
				tampered[k] = v
			}
			if jumpsign.Verify(tt.alg, tampered, tt.key, tt.want) {
				t.Error("Verify with an added parameter = true")
			}
			if jumpsign.Verify(tt.alg, tt.params, tt.key, tt.want[:len(tt.want)-1]) {
				t.Error("Verify with a truncated sign = true")
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	params := map[string]string{
		"sign": "S", "b": "2", "a": "1", "empty": "", "B": "upper", "a_b": "x+y z", "sign_type": "MD5",
	}
	// ASCII order: uppercase before lowercase, '_' (0x5F) after uppercase letters.
	want := "B=upper&a=1&a_b=x+y z&b=2&sign_type=MD5"
	if got := jumpsign.Canonical(params, "sign"); got != want {
		t.Errorf("Canonical = %q, want %q", got, want)
	}
	if got := jumpsign.Canonical(params, "sign_type"); !strings.Contains(got, "sign=S") || strings.Contains(got, "sign_type") {
		t.Errorf("Canonical with signField sign_type = %q", got)
	}
	if got := jumpsign.Canonical(nil, "sign"); got != "" {
		t.Errorf("Canonical(nil) = %q", got)
	}
}

func TestEmptyValuesAndSignIgnored(t *testing.T) {
	base := map[string]string{"a": "1", "b": "2"}
	with := map[string]string{"a": "1", "b": "2", "c": "", "sign": "ABC"}
	for _, alg := range []jumpsign.Algorithm{jumpsign.HMACSHA256Algo, jumpsign.MD5Algo} {
		x, _ := jumpsign.Sign(alg, base, "K")
		y, _ := jumpsign.Sign(alg, with, "K")
		if x != y {
			t.Errorf("%s: empty value or sign changed the signature: %s vs %s", alg, x, y)
		}
	}
}

func TestUnknownAlgorithm(t *testing.T) {
	_, err := jumpsign.Sign("SHA1", map[string]string{"a": "1"}, "TOPSECRETKEY")
	if err == nil {
		t.Fatal("Sign with SHA1 succeeded")
	}
	if strings.Contains(err.Error(), "TOPSECRETKEY") {
		t.Errorf("error leaks the key: %v", err)
	}
	if jumpsign.Verify("SHA1", map[string]string{"a": "1"}, "K", "") {
		t.Error("Verify with unknown algorithm = true")
	}
	if jumpsign.Verify(jumpsign.MD5Algo, map[string]string{"a": "1"}, "K", "") {
		t.Error("Verify with empty sign = true")
	}
}

func TestSecretRedacted(t *testing.T) {
	const raw = "192006250b4c09247ec02edce69f6a2d"
	key := jumpsign.Secret(raw)
	type config struct {
		MchID string
		Key   jumpsign.Secret
	}
	cfg := config{MchID: "1230000109", Key: key}
	outputs := map[string]string{
		"%v":          fmt.Sprintf("%v", key),
		"%s":          fmt.Sprintf("%s", key),
		"%q":          fmt.Sprintf("%q", key),
		"%+v":         fmt.Sprintf("%+v", key),
		"%#v":         fmt.Sprintf("%#v", key),
		"%x":          fmt.Sprintf("%x", key),
		"%10.3s":      fmt.Sprintf("%10.3s", key),
		"Sprint":      fmt.Sprint(key),
		"Println":     fmt.Sprintln(key),
		"String":      key.String(),
		"GoString":    key.GoString(),
		"struct %+v":  fmt.Sprintf("%+v", cfg),
		"struct %v":   fmt.Sprintf("%v", cfg),
		"struct %#v":  fmt.Sprintf("%#v", cfg),
		"pointer %+v": fmt.Sprintf("%+v", &cfg),
		"errorf %w":   fmt.Errorf("signing with %s: %w", key, fmt.Errorf("bad")).Error(),
	}
	for name, out := range outputs {
		if strings.Contains(out, raw) || strings.Contains(out, raw[:8]) || !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s printed %q", name, out)
		}
	}
	if got := fmt.Sprintf("%+v", cfg); got != "{MchID:1230000109 Key:[REDACTED]}" {
		t.Errorf("struct %%+v = %q", got)
	}

	j, err := json.Marshal(cfg)
	if err != nil || strings.Contains(string(j), raw) {
		t.Errorf("json = %s, %v", j, err)
	}
	var back config
	if err := json.Unmarshal([]byte(`{"Key":"`+raw+`"}`), &back); err != nil || string(back.Key) != raw {
		t.Errorf("json decoding a Secret: %q, %v", string(back.Key), err)
	}

	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "key", key, "cfg", cfg)
	if strings.Contains(logs.String(), raw) {
		t.Errorf("slog output leaks the key: %s", logs.String())
	}
}

func TestRandomNonce(t *testing.T) {
	var gen jumpsign.Nonce = jumpsign.RandomNonce
	seen := map[string]bool{}
	for range 100 {
		n, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		if len(n) != 32 || strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("nonce %q: want 32 chars of [A-Za-z0-9]", n)
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
	}
}
