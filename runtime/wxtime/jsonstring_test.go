package wxtime

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The fast path reads exactly what json.Unmarshal reads, or steps aside.
func TestJSONStringAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{`"20180225112233"`, `"2015-05-20T13:29:35+08:00"`, `""`, `"a\"b"`, `"a\\b"`,
		`"\u0032015"`, `"中文"`, "\"a\x01b\"", `"a"b"`, `"abc`, `"`, ` "20180225112233" `, `"a\/b"`, "\"\xff\""} {
		got, isNull, err := jsonString([]byte(in), "x")
		var want string
		wantErr := json.Unmarshal(bytes.TrimSpace([]byte(in)), &want)
		if (err != nil) != (wantErr != nil) || isNull || (err == nil && got != want) {
			t.Errorf("%q: %q, %v; encoding/json %q, %v", in, got, err, want, wantErr)
		}
	}
}

func FuzzJSONString(f *testing.F) {
	f.Add(`"20180225112233"`)
	f.Add(`"a\"b"`)
	f.Fuzz(func(t *testing.T, in string) {
		if t := bytes.TrimSpace([]byte(in)); len(t) == 0 || t[0] != '"' || string(t) == "null" {
			return
		}
		got, _, err := jsonString([]byte(in), "x")
		var want string // jsonString trims as bytes.TrimSpace does
		wantErr := json.Unmarshal(bytes.TrimSpace([]byte(in)), &want)
		if (err != nil) != (wantErr != nil) || (err == nil && got != want) {
			t.Errorf("%q: %q, %v; encoding/json %q, %v", in, got, err, want, wantErr)
		}
	})
}
