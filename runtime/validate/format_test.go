package validate

import (
	"testing"
	"time"
)

// The format checks are hand-written for speed; time.Parse is the reference.
// Everything accepted here must parse with time.Parse (runtime/wxtime decodes
// these fields with it), and the ordinary forms must be accepted.
func TestFormatsAgreeWithTimeParse(t *testing.T) {
	tests := []struct {
		format, layout, value string
		want                  bool
	}{
		{FormatRFC3339, time.RFC3339, "2015-05-20T13:29:35+08:00", true},
		{FormatRFC3339, time.RFC3339, "2015-05-20T13:29:35Z", true},
		{FormatRFC3339, time.RFC3339, "2015-05-20T13:29:35.999999999-03:30", true},
		{FormatRFC3339, time.RFC3339, "2000-02-29T23:59:59+14:00", true},
		{FormatRFC3339, time.RFC3339, "1900-02-29T00:00:00Z", false},
		{FormatRFC3339, time.RFC3339, "2015-05-20T13:29:60Z", false},
		{FormatRFC3339, time.RFC3339, "2015-05-20T13:29:35+0800", false},
		{FormatRFC3339, time.RFC3339, "2015-05-20T13:29:35.Z", false},
		{FormatRFC3339, time.RFC3339, "2015-5-20T13:29:35Z", false},
		{FormatChinaTime, "20060102150405", "20180225112233", true},
		{FormatChinaTime, "20060102150405", "20001231235959", true},
		{FormatChinaTime, "20060102150405", "21000229000000", false},
		{FormatChinaTime, "20060102150405", "20180225112260", false},
		{FormatChinaTime, "20060102150405", "2018022511223 ", false},
	}
	for _, tt := range tests {
		got := validFormat(tt.format, tt.value)
		_, err := time.Parse(tt.layout, tt.value)
		if got != tt.want || got != (err == nil) {
			t.Errorf("%s %q: validate %v, time.Parse err %v, want %v", tt.format, tt.value, got, err, tt.want)
		}
	}
}

func FuzzFormats(f *testing.F) {
	for _, s := range []string{"2015-05-20T13:29:35+08:00", "2015-05-20T13:29:35.1Z", "20180225112233", "1414561699"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isRFC3339(s) {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				t.Errorf("rfc3339 accepted %q, time.Parse: %v", s, err)
			}
		}
		if isChinaTime(s) {
			if _, err := time.Parse("20060102150405", s); err != nil {
				t.Errorf("yyyyMMddHHmmss accepted %q, time.Parse: %v", s, err)
			}
		}
	})
}
