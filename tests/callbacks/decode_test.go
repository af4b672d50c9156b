package callbacks_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// The doc's two decrypted-resource examples, verbatim: mch_id/sub_mch_id,
// sub_openid, no channel_id.
const (
	docOpenExample = `{
  "appid": "wxd678efh567hg6787",
  "mch_id": "1230000109",
  "sub_appid": "wxd678efh567hg6787",
  "sub_mch_id": "1230000109",
  "service_id": "500001",
  "sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
  "user_service_status":"USER_OPEN_SERVICE",
  "openorclose_time":"20180225112233",
  "authorization_code" : "4534323JKHDFE1243252"
}`
	docCloseExample = `{
  "appid": "wxd678efh567hg6787",
  "mch_id": "1230000109",
  "sub_appid": "wxd678efh567hg6786",
  "sub_mch_id": "1230000109",
  "service_id": "500001",
  "sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
  "user_service_status":"USER_CLOSE_SERVICE",
  "openorclose_time":"20180225112233",
  "authorization_code" : "4534323JKHDFE1243252"
}`
	// tableExample uses the field table's spelling and openid.
	tableExample = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","sub_mchid":"1230000109",` +
		`"channel_id":"1230000109","service_id":"500001","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",` +
		`"user_service_status":"USER_OPEN_SERVICE","openorclose_time":"20180225112233","authorization_code":"1275342195190894594"}`
)

const secretOpenID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"

func TestDecodeTheDocExamples(t *testing.T) {
	for name, in := range map[string]string{"open": docOpenExample, "close": docCloseExample, "table": tableExample} {
		d, err := acquiringbank.DecodeAuthorizationNotifyData([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.MchID != "1230000109" || d.SubMchID != "1230000109" || d.OpenorcloseTime.String() != "20180225112233" {
			t.Errorf("%s: %+v", name, d)
		}
		if (d.OpenID == "") == (d.SubOpenID == "") {
			t.Errorf("%s: openid %q, sub_openid %q", name, d.OpenID, d.SubOpenID)
		}
	}
}

// Plain encoding/json goes through the generated UnmarshalJSON too.
func TestUnmarshalJSONAcceptsAliases(t *testing.T) {
	var d acquiringbank.AuthorizationNotifyData
	if err := json.Unmarshal([]byte(docCloseExample), &d); err != nil {
		t.Fatal(err)
	}
	if d.MchID != "1230000109" || d.SubMchID != "1230000109" || d.UserServiceStatus != acquiringbank.UserServiceStatusUserCloseService {
		t.Fatalf("%+v", d)
	}
	// Encoding writes the field table's spelling.
	out, _ := json.Marshal(d)
	if !strings.Contains(string(out), `"mchid":"1230000109"`) || strings.Contains(string(out), "mch_id") {
		t.Errorf("encoded %s", out)
	}
}

func TestDecodeRejects(t *testing.T) {
	mod := func(old, new string) string {
		out := strings.Replace(tableExample, old, new, 1)
		if out == tableExample {
			t.Fatalf("%s not found", old)
		}
		return out
	}
	tests := []struct {
		name, in, want string
		leaf           any // pointer to the leaf error type errors.As must reach
	}{
		{"openid and sub_openid", mod(`"openid"`, `"sub_openid":"`+secretOpenID+`x","openid"`),
			"notify: invalid decrypted resource: acquiringbank.AuthorizationNotifyData: 1 invalid field: openid|sub_openid: " +
				"exactly one of openid, sub_openid must be set, got 2: openid, sub_openid", new(*validate.OneOfError)},
		{"neither", mod(`"openid":"`+secretOpenID+`",`, ``),
			"notify: invalid decrypted resource: acquiringbank.AuthorizationNotifyData: 1 invalid field: openid|sub_openid: " +
				"exactly one of openid, sub_openid must be set, got none", new(*validate.OneOfError)},
		{"mchid and mch_id differ", mod(`"mchid":"1230000109"`, `"mchid":"1230000109","mch_id":"1230000119"`),
			`notify: invalid decrypted resource: fields "mchid" and "mch_id" are two spellings of one field and must not differ`,
			new(*notify.AliasConflictError)},
		{"sub_mchid and sub_mch_id differ", mod(`"sub_mchid":"1230000109"`, `"sub_mch_id":"9","sub_mchid":"1230000109"`),
			`notify: invalid decrypted resource: fields "sub_mchid" and "sub_mch_id" are two spellings of one field and must not differ`,
			new(*notify.AliasConflictError)},
		{"openid too long", mod(secretOpenID, strings.Repeat("用", 129)),
			"notify: invalid decrypted resource: acquiringbank.AuthorizationNotifyData: 1 invalid field: openid: too long: 129 characters, maximum 128",
			new(*validate.MaxLengthError)},
		{"unknown status", mod("USER_OPEN_SERVICE", "USER_OPENED"),
			"notify: invalid decrypted resource: acquiringbank.AuthorizationNotifyData: 1 invalid field: user_service_status: " +
				"not one of the allowed values [USER_OPEN_SERVICE, USER_CLOSE_SERVICE] (got 11 characters)",
			new(*validate.EnumError)},
		{"time format", mod("20180225112233", "2018-02-25T11:22:33+08:00"),
			"notify: invalid decrypted resource: wxtime: not a valid yyyyMMddHHmmss time (25 bytes)", nil},
		{"required fields", `{"openid":"` + secretOpenID + `"}`,
			"notify: invalid decrypted resource: acquiringbank.AuthorizationNotifyData: 7 invalid fields: appid: required; mchid: required; " +
				"sub_mchid: required; service_id: required; user_service_status: required; openorclose_time: required; " +
				"authorization_code: required", nil},
		{"number", mod(`"`+secretOpenID+`"`, `1e999`),
			`notify: invalid decrypted resource: field "openid" must not be a JSON number`, nil},
		{"trailing comma (as in the doc's envelope examples)", mod(`}`, `,}`),
			"notify: invalid decrypted resource: invalid JSON at byte offset 286", nil},
		{"not an object", `"` + secretOpenID + `"`,
			"notify: invalid decrypted resource: the value must not be a JSON string", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := acquiringbank.DecodeAuthorizationNotifyData([]byte(tt.in))
			if err == nil || d != nil {
				t.Fatalf("accepted: %+v", d)
			}
			if !errors.Is(err, notify.ErrInvalidPlaintext) {
				t.Errorf("%v does not match notify.ErrInvalidPlaintext", err)
			}
			if strings.Contains(err.Error(), secretOpenID) || strings.Contains(err.Error(), "1230000119") {
				t.Errorf("error quotes the plaintext: %v", err)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %v", err, tt.want)
			}
			if tt.leaf != nil && !errors.As(err, tt.leaf) {
				t.Errorf("errors.As does not reach %T", tt.leaf)
			}
		})
	}
}

func FuzzDecodeAuthorizationNotifyData(f *testing.F) {
	for _, s := range []string{
		docOpenExample, docCloseExample, tableExample,
		strings.Replace(tableExample, `"mchid":"1230000109"`, `"mchid":"1","mch_id":"2"`, 1),
		strings.Replace(tableExample, `"openid"`, `"sub_openid":"o#x","openid"`, 1),
		strings.Replace(tableExample, `"20180225112233"`, `"20180231250000"`, 1),
		strings.Replace(tableExample, secretOpenID, "用户\u00e9#@!", 1),
		`{"mch_id":null,"mchid":"1"}`, `{"openorclose_time":7}`, `[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := acquiringbank.DecodeAuthorizationNotifyData(in)
		if err != nil {
			if d != nil {
				t.Fatal("data returned with an error")
			}
			if !errors.Is(err, notify.ErrInvalidPlaintext) {
				t.Fatalf("%v does not match ErrInvalidPlaintext", err)
			}
			assertNoValues(t, err.Error(), in)
			return
		}
		// Accepted: every documented rule holds and the value survives a round trip.
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid value: %v", err)
		}
		if d.MchID == "" || d.SubMchID == "" || (d.OpenID == "") == (d.SubOpenID == "") || !d.UserServiceStatus.Valid() {
			t.Fatalf("accepted %+v", d)
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		again, err := acquiringbank.DecodeAuthorizationNotifyData(out)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		if !reflect.DeepEqual(d, again) {
			t.Fatalf("round trip changed the value:\n%+v\n%+v", d, again)
		}
	})
}

// assertNoValues fails if msg quotes a string value of the input. Errors are
// ASCII and made of field names, limits and fixed words, so a value with a
// character outside that vocabulary showing up in msg can only be a leak.
func assertNoValues(t *testing.T, msg string, in []byte) {
	t.Helper()
	for i := 0; i < len(msg); i++ {
		if msg[i] >= utf8.RuneSelf || msg[i] < ' ' {
			t.Fatalf("error is not printable ASCII: %q", msg)
		}
	}
	var obj map[string]any
	if json.Unmarshal(in, &obj) != nil {
		return
	}
	for _, v := range obj {
		s, ok := v.(string)
		if ok && len(s) >= 4 && strings.ContainsFunc(s, outsideVocabulary) && strings.Contains(msg, s) {
			t.Fatalf("error quotes the value %q: %s", s, msg)
		}
	}
}

func outsideVocabulary(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune(` _.,:;|()[]"'-`, r)
}
