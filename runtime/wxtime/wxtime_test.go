package wxtime_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

func TestParseChinaTimeDocExample(t *testing.T) {
	got, err := wxtime.ParseChinaTime("20180225112233")
	if err != nil {
		t.Fatal(err)
	}
	// 11:22:33 in China is 03:22:33 UTC.
	if want := time.Date(2018, 2, 25, 3, 22, 33, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ParseChinaTime = %v, want %v", got.Time, want)
	}
	if _, off := got.Zone(); off != 8*3600 {
		t.Errorf("offset = %d, want +8h", off)
	}
	if s := got.String(); s != "20180225112233" {
		t.Errorf("String = %q", s)
	}
	// A time in any zone is written in China time.
	if s := (wxtime.ChinaTime{Time: time.Date(2018, 2, 24, 20, 0, 0, 0, time.UTC)}).String(); s != "20180225040000" {
		t.Errorf("String of a UTC time = %q, want 20180225040000", s)
	}
}

func TestParseChinaTimeInvalid(t *testing.T) {
	for _, s := range []string{"", "2018022511223", "201802251122334", "20180230112233", "20181301000000",
		"2018-02-25 11:22", "2018022511223a", "+0180225112233", "2018-02-25T11:22:33+08:00"} {
		if got, err := wxtime.ParseChinaTime(s); err == nil {
			t.Errorf("ParseChinaTime(%q) = %v, want an error", s, got)
		} else if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error echoes the input: %v", err)
		}
	}
}

type callback struct {
	OpenOrCloseTime wxtime.ChinaTime `json:"openorclose_time"`
	SuccessTime     wxtime.RFC3339   `json:"authorization_success_time"`
}

func TestJSONRoundTrip(t *testing.T) {
	in := `{"openorclose_time":"20180225112233","authorization_success_time":"2015-05-20T13:29:35+08:00"}`
	var c callback
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2015, 5, 20, 5, 29, 35, 0, time.UTC); !c.SuccessTime.Equal(want) {
		t.Errorf("authorization_success_time = %v, want %v", c.SuccessTime.Time, want)
	}
	if want := time.Date(2018, 2, 25, 3, 22, 33, 0, time.UTC); !c.OpenOrCloseTime.Equal(want) {
		t.Errorf("openorclose_time = %v, want %v", c.OpenOrCloseTime.Time, want)
	}
	out, err := json.Marshal(c)
	if err != nil || string(out) != in {
		t.Errorf("Marshal = %s, %v; want %s", out, err, in)
	}
}

func TestJSONEmptyAndNull(t *testing.T) {
	for _, in := range []string{
		`{"openorclose_time":"","authorization_success_time":""}`,
		`{"openorclose_time":null,"authorization_success_time":null}`,
		`{}`,
	} {
		var c callback
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Errorf("%s: %v", in, err)
		}
		if !c.OpenOrCloseTime.IsZero() || !c.SuccessTime.IsZero() {
			t.Errorf("%s: not zero: %+v", in, c)
		}
	}
	// Decoding "" over a set value resets it.
	c := callback{OpenOrCloseTime: wxtime.ChinaTime{Time: time.Now()}, SuccessTime: wxtime.RFC3339{Time: time.Now()}}
	if err := json.Unmarshal([]byte(`{"openorclose_time":"","authorization_success_time":""}`), &c); err != nil ||
		!c.OpenOrCloseTime.IsZero() || !c.SuccessTime.IsZero() {
		t.Errorf("decoding \"\" did not reset: %+v, %v", c, err)
	}
	out, err := json.Marshal(callback{})
	if want := `{"openorclose_time":"","authorization_success_time":""}`; err != nil || string(out) != want {
		t.Errorf("Marshal(zero) = %s, %v; want %s", out, err, want)
	}
}

func TestJSONInvalid(t *testing.T) {
	for _, in := range []string{
		`{"openorclose_time":20180225112233}`,
		`{"openorclose_time":"2018-02-25T11:22:33+08:00"}`,
		`{"openorclose_time":"20180230112233"}`,
		`{"authorization_success_time":"2015-05-20 13:29:35"}`,
		`{"authorization_success_time":1432099775}`,
		`{"authorization_success_time":"20150520132935"}`,
	} {
		var c callback
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("%s: accepted as %+v", in, c)
		}
	}
}

func TestRFC3339(t *testing.T) {
	tests := []struct{ in, out string }{
		{"2015-05-20T13:29:35+08:00", "2015-05-20T13:29:35+08:00"},
		{"2015-05-20T05:29:35Z", "2015-05-20T05:29:35Z"},
		// WeChat writes seconds; fractions are accepted and dropped on output.
		{"2015-05-20T13:29:35.123+08:00", "2015-05-20T13:29:35+08:00"},
	}
	for _, tt := range tests {
		v, err := wxtime.ParseRFC3339(tt.in)
		if err != nil {
			t.Errorf("ParseRFC3339(%q): %v", tt.in, err)
			continue
		}
		if got := v.String(); got != tt.out {
			t.Errorf("ParseRFC3339(%q).String() = %q, want %q", tt.in, got, tt.out)
		}
	}
	if s := (wxtime.RFC3339{}).String(); s != "" {
		t.Errorf("zero String = %q", s)
	}
	if _, err := wxtime.ParseRFC3339("yesterday"); err == nil || strings.Contains(err.Error(), "yesterday") {
		t.Errorf("ParseRFC3339(yesterday) error = %v", err)
	}
}
