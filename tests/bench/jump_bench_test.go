package bench_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

const (
	jumpKey   = "apiv2-key-of-the-merchant-32char"
	jumpNonce = "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"
	jumpUnix  = 1530097563
)

var (
	fixedClock = jumps.WithClock(func() time.Time { return time.Unix(jumpUnix, 0) })
	fixedNonce = jumps.WithNonce(func() (string, error) { return jumpNonce, nil })

	confirmOrder = payscore.ConfirmOrderData{MchID: "1230000109", Package: "AAQSSxxxxxx_ABCDEFGH-1234567890"}
	pay          = xiaoweijufu.PayData{MchID: "12345", TotalFee: 1, OutTradeNo: "123123123123", Body: "订单标题",
		NotifyURL: "https://merchant.example.com/xwjf/notify"}
)

var errFloor = errors.New("invalid jump data")

// appendPair appends k=v, after a & unless it is the first pair; empty
// values are not signed.
func appendPair(buf []byte, k, v string) []byte {
	if v == "" {
		return buf
	}
	if len(buf) > 0 {
		buf = append(buf, '&')
	}
	buf = append(buf, k...)
	buf = append(buf, '=')
	return append(buf, v...)
}

// floorConfirmOrder builds what NewConfirmOrderOpenBusinessView builds,
// written directly for these fields: timestamp, nonce and sign_type filled,
// the k=v pairs appended in ASCII key order into one buffer, one
// crypto/hmac HMAC-SHA256, uppercase hex, every limit of the params checked.
func floorConfirmOrder(data payscore.ConfirmOrderData, key string, now func() time.Time, nonce func() (string, error)) (*payscore.ConfirmOrderOpenBusinessViewParams, error) {
	data.Timestamp = strconv.FormatInt(now().Unix(), 10)
	n, err := nonce()
	if err != nil {
		return nil, err
	}
	data.NonceStr = n
	data.SignType = "HMAC-SHA256"
	var arr [512]byte
	buf := appendPair(arr[:0], "mch_id", data.MchID)
	buf = appendPair(buf, "nonce_str", data.NonceStr)
	buf = appendPair(buf, "package", data.Package)
	buf = appendPair(buf, "sign_type", data.SignType)
	buf = appendPair(buf, "timestamp", data.Timestamp)
	buf = append(append(buf, "&key="...), key...)
	m := hmac.New(sha256.New, []byte(key))
	m.Write(buf)
	var sum [sha256.Size]byte
	var sign [2 * sha256.Size]byte
	hex.Encode(sign[:], m.Sum(sum[:0]))
	data.Sign = string(bytes.ToUpper(sign[:]))
	if !lenIn(data.MchID, true, 32) || !lenIn(data.Package, true, 128) || !lenIn(data.NonceStr, true, 32) ||
		len(data.Timestamp) > 10 || !allDigits(data.Timestamp) || !upperHex(data.Sign, 64) {
		return nil, errFloor
	}
	return &payscore.ConfirmOrderOpenBusinessViewParams{BusinessType: "wxpayScoreUse", ExtraData: data}, nil
}

// floorPay builds what xiaoweijufu.NewPay builds, written directly: nonce
// filled, pairs in ASCII key order, one md5.Sum, uppercase hex, every limit
// checked.
func floorPay(data xiaoweijufu.PayData, key string, nonce func() (string, error)) (*xiaoweijufu.PayParams, error) {
	n, err := nonce()
	if err != nil {
		return nil, err
	}
	data.Nonce = n
	var arr [512]byte
	buf := appendPair(arr[:0], "attach", data.Attach)
	buf = appendPair(buf, "body", data.Body)
	buf = appendPair(buf, "mchid", data.MchID)
	buf = appendPair(buf, "nonce", data.Nonce)
	buf = appendPair(buf, "notify_url", data.NotifyURL)
	buf = appendPair(buf, "out_trade_no", data.OutTradeNo)
	if data.TotalFee != 0 {
		buf = strconv.AppendInt(append(buf, "&total_fee="...), data.TotalFee, 10)
	}
	buf = append(append(buf, "&key="...), key...)
	sum := md5.Sum(buf)
	var sign [2 * md5.Size]byte
	hex.Encode(sign[:], sum[:])
	data.Sign = string(bytes.ToUpper(sign[:]))
	if !lenIn(data.MchID, true, 16) || data.TotalFee < 1 || !lenIn(data.OutTradeNo, true, 32) ||
		!lenIn(data.Body, false, 32) || !lenIn(data.Attach, false, 128) || !lenIn(data.NotifyURL, false, 255) ||
		!lenIn(data.Nonce, true, 128) || !upperHex(data.Sign, 32) {
		return nil, errFloor
	}
	return &xiaoweijufu.PayParams{AppID: xiaoweijufu.PayAppID, Path: xiaoweijufu.PayPath, ExtraData: data}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func upperHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func clock() time.Time { return time.Unix(jumpUnix, 0) }

func nonce() (string, error) { return jumpNonce, nil }

// TestJumpFloorsAgree: each floor builds exactly what its builder builds,
// signature included.
func TestJumpFloorsAgree(t *testing.T) {
	ours, err := payscore.NewConfirmOrderOpenBusinessView(confirmOrder, jumpsign.Secret(jumpKey), fixedClock, fixedNonce)
	if err != nil {
		t.Fatal(err)
	}
	floor, err := floorConfirmOrder(confirmOrder, jumpKey, clock, nonce)
	if err != nil || *floor != *ours {
		t.Fatalf("confirm order: floor %+v (%v), builder %+v", floor, err, ours)
	}
	oursPay, err := xiaoweijufu.NewPay(pay, jumpsign.Secret(jumpKey), fixedNonce)
	if err != nil {
		t.Fatal(err)
	}
	floorP, err := floorPay(pay, jumpKey, nonce)
	if err != nil || *floorP != *oursPay {
		t.Fatalf("pay: floor %+v (%v), builder %+v", floorP, err, oursPay)
	}
}

// BenchmarkPairJumpSign: the generated signed builders against their
// floors (above).
func BenchmarkPairJumpSign(b *testing.B) {
	b.Run("hmac_sha256", func(b *testing.B) {
		comparePair(b, serial(func(int) {
			if _, err := payscore.NewConfirmOrderOpenBusinessView(confirmOrder, jumpsign.Secret(jumpKey), fixedClock, fixedNonce); err != nil {
				b.Fatal(err)
			}
		}), serial(func(int) {
			if _, err := floorConfirmOrder(confirmOrder, jumpKey, clock, nonce); err != nil {
				b.Fatal(err)
			}
		}))
	})
	b.Run("md5", func(b *testing.B) {
		comparePair(b, serial(func(int) {
			if _, err := xiaoweijufu.NewPay(pay, jumpsign.Secret(jumpKey), fixedNonce); err != nil {
				b.Fatal(err)
			}
		}), serial(func(int) {
			if _, err := floorPay(pay, jumpKey, nonce); err != nil {
				b.Fatal(err)
			}
		}))
	})
}
