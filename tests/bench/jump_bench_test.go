package bench_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/generated/xiaoweijufu"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

var (
	fixedClock = jumps.WithClock(func() time.Time { return time.Unix(1530097563, 0) })
	fixedNonce = jumps.WithNonce(func() (string, error) { return "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2", nil })
)

// BenchmarkJumpSign: a generated signed builder (fill, sign, validate every
// limit) against the bare signature of the same fields written directly.
func BenchmarkJumpSign(b *testing.B) {
	const key = "apiv2-key-of-the-merchant-32char"
	b.Run("generated_hmac_sha256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: "1230000109", Package: "XXXXXXXX"},
				jumpsign.Secret(key), fixedClock, fixedNonce); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor_hmac_sha256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			// Keys already in ASCII order: the floor does not even sort.
			msg := "mch_id=1230000109&nonce_str=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2&package=XXXXXXXX&sign_type=HMAC-SHA256&timestamp=1530097563&key=" + key
			m := hmac.New(sha256.New, []byte(key))
			m.Write([]byte(msg))
			if len(strings.ToUpper(hex.EncodeToString(m.Sum(nil)))) != 64 {
				b.Fatal("bad length")
			}
		}
	})
	b.Run("generated_md5", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := xiaoweijufu.NewPay(xiaoweijufu.PayData{MchID: "12345", TotalFee: 1, OutTradeNo: "123123123123"},
				jumpsign.Secret(key), fixedNonce); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor_md5", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sum := md5.Sum([]byte("mchid=12345&nonce=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2&out_trade_no=123123123123&total_fee=1&key=" + key))
			if len(strings.ToUpper(hex.EncodeToString(sum[:]))) != 32 {
				b.Fatal("bad length")
			}
		}
	})
}
