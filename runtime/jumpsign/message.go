package jumpsign

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"strconv"
)

// Generated builders know the signed field names, so they sign without a map
// or a sort: the k=v pairs are appended, in ASCII key order, into one
// buffer (on the caller's stack), which is hashed in place.
//
//	var buf [jumpsign.BufferSize]byte
//	m := jumpsign.Begin(buf[:0])
//	m = jumpsign.Append(m, "mch_id", d.MchID) // empty values are skipped
//	m = jumpsign.AppendInt(m, "total_fee", d.TotalFee) // 0 is skipped
//	sum := jumpsign.SumMD5(m, key) // uppercase hex, in an array
//
// The message is the one Canonical, MD5 and HMACSHA256 sign.

// BufferSize is a buffer size that holds the messages of the documented
// jumps with every field at its maximum length; longer ones grow onto the
// heap.
const BufferSize = 1024

// header is room for the HMAC-SHA256 key block, filled in by SumHMACSHA256
// just before the message so that the inner hash reads one slice.
const header = sha256.BlockSize

// Begin starts a message in buf (usually buf[:0] of a [BufferSize]byte
// array) and returns it.
func Begin(buf []byte) []byte {
	return append(buf[:0], make([]byte, header)...)
}

// Append adds key=value to message m; an empty value is not signed and adds
// nothing. Keys must come in ASCII (byte) order and must not be "sign".
func Append(m []byte, key, value string) []byte {
	if value == "" {
		return m
	}
	m = append(m, '&')
	m = append(m, key...)
	m = append(m, '=')
	return append(m, value...)
}

// AppendInt adds key=value in decimal; 0 counts as empty (an integer the
// caller did not set), as in the builders' Values maps.
func AppendInt(m []byte, key string, value int64) []byte {
	if value == 0 {
		return m
	}
	m = append(m, '&')
	m = append(m, key...)
	m = append(m, '=')
	return strconv.AppendInt(m, value, 10)
}

// finish appends &key=KEY and returns the whole buffer and the signed text:
// the pairs without their leading & (with no pairs, "key=KEY", as WxJava).
func finish(m []byte, key Secret) (buf, text []byte) {
	if len(m) < header {
		panic("jumpsign: message not started with Begin")
	}
	m = append(m, "&key="...)
	m = append(m, key...)
	return m, m[header+1:]
}

// SumMD5 finishes message m with the key and returns its MD5 in uppercase
// hex. The key is wiped from m.
func SumMD5(m []byte, key Secret) (sum [2 * md5.Size]byte) {
	m, text := finish(m, key)
	d := md5.Sum(text)
	clear(m[len(m)-len(key):])
	upperHexInto(sum[:], d[:])
	return sum
}

// SumHMACSHA256 finishes message m with the key and returns its HMAC-SHA256
// under the key, in uppercase hex. It is RFC 2104 over sha256.Sum256, so it
// allocates nothing (crypto/hmac.New allocates its hashes and pads); tests
// check it against crypto/hmac. The key is wiped from m.
func SumHMACSHA256(m []byte, key Secret) (sum [2 * sha256.Size]byte) {
	m, _ = finish(m, key)
	var k [sha256.BlockSize]byte
	if len(key) > len(k) {
		h := sha256.Sum256(m[len(m)-len(key):])
		copy(k[:], h[:])
	} else {
		copy(k[:], key)
	}
	// The inner hash reads the key block (in the room Begin left) and the
	// text as one slice.
	inner := m[header+1-sha256.BlockSize:]
	for i := range k {
		inner[i] = k[i] ^ 0x36
	}
	ih := sha256.Sum256(inner)
	var outer [sha256.BlockSize + sha256.Size]byte
	for i := range k {
		outer[i] = k[i] ^ 0x5c
	}
	copy(outer[sha256.BlockSize:], ih[:])
	d := sha256.Sum256(outer[:])
	clear(inner[:sha256.BlockSize])
	clear(m[len(m)-len(key):])
	clear(k[:])
	clear(outer[:])
	upperHexInto(sum[:], d[:])
	return sum
}

// EqualHex reports whether sign is the hex signature want (uppercase, from
// SumMD5 or SumHMACSHA256), ignoring the case of sign. It takes a time that
// depends only on the lengths.
func EqualHex(want []byte, sign string) bool {
	if len(sign) != len(want) {
		return false
	}
	var diff byte
	for i := 0; i < len(want); i++ {
		c := sign[i]
		// Fold a-z to A-Z without a branch: lower is 0x20 for a-z, 0 otherwise.
		lower := byte(subtle.ConstantTimeLessOrEq(int('a'), int(c))&subtle.ConstantTimeLessOrEq(int(c), int('z'))) << 5
		diff |= (c ^ lower) ^ want[i]
	}
	return diff == 0
}

func upperHexInto(dst, src []byte) {
	const digits = "0123456789ABCDEF"
	for i, c := range src {
		dst[2*i] = digits[c>>4]
		dst[2*i+1] = digits[c&0x0f]
	}
}
