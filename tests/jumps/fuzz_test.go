package jumps_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/jumps"
)

// Whatever a mini program posts back, the return parser never panics, and
// what it accepts is within the documented limits.
func FuzzParseConfirmOrderReturn(f *testing.F) {
	for _, seed := range []string{
		`{"query_id":"XXXXXXXX"}`, `{}`, `null`, ``, `{"query_id":""}`, `{"query_id":12}`,
		`{"query_id":"a","query_id":"b"}`, `[1,2]`, `{"query_id":"\ud800"}`, `{"query_id":"单据😀"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := payscore.ParseConfirmOrderReturn(data)
		if err != nil {
			if r != nil {
				t.Fatal("both a result and an error")
			}
			if errors.Is(err, jumps.ErrNoReturnData) && len(data) > 64 && data[0] == '{' && data[len(data)-1] != '}' {
				t.Fatalf("malformed data reported as no data: %q", data)
			}
			return
		}
		if r.QueryID == "" || !utf8.ValidString(r.QueryID) || utf8.RuneCountInString(r.QueryID) > 512 {
			t.Fatalf("accepted query_id out of its limits: %q", r.QueryID)
		}
	})
}
