// Package jumps_test exercises the generated Pay Score jump builders, the
// signature checks and the return-data parsers (generated/payscore).
package jumps_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

const apiV2Key jumpsign.Secret = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"

func fixedClock(unix int64) jumps.Option {
	return jumps.WithClock(func() time.Time { return time.Unix(unix, 0) })
}

func fixedNonce(n string) jumps.Option {
	return jumps.WithNonce(func() (string, error) { return n, nil })
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fieldErr returns the leaf error recorded for path, or nil.
func fieldErr(err error, path string) error {
	var ve *validate.Errors
	if !errors.As(err, &ve) {
		return nil
	}
	for _, f := range ve.Fields {
		if f.Path == path {
			return f.Err
		}
	}
	return nil
}

func TestConstantsComeFromTheSpec(t *testing.T) {
	for name, got := range map[string]any{
		"ConfirmOrderOpenBusinessViewBusinessType":     payscore.ConfirmOrderOpenBusinessViewBusinessType,
		"ConfirmOrderNavigateAppID":                    payscore.ConfirmOrderNavigateAppID,
		"ConfirmOrderNavigatePath":                     payscore.ConfirmOrderNavigatePath,
		"ConfirmOrderOpenBusinessViewMinBaseLibrary":   payscore.ConfirmOrderOpenBusinessViewMinBaseLibrary,
		"ConfirmOrderOpenBusinessViewMinWeChat":        payscore.ConfirmOrderOpenBusinessViewMinWeChat,
		"ConfirmOrderOpenBusinessViewReturnScene":      payscore.ConfirmOrderOpenBusinessViewReturnScene,
		"ConfirmOrderOpenBusinessViewReferrerAppID":    payscore.ConfirmOrderOpenBusinessViewReferrerAppID,
		"ConfirmOrderOpenBusinessViewSignType":         payscore.ConfirmOrderOpenBusinessViewSignType,
		"ConfirmOrderNavigateCountsTowardJumpLimit":    payscore.ConfirmOrderNavigateCountsTowardJumpLimit,
		"ConfirmOrderOpenBusinessViewCountsTowardJump": payscore.ConfirmOrderOpenBusinessViewCountsTowardJumpLimit,
		"AuthorizeMiniprogramNavigatePath":             payscore.AuthorizeMiniprogramNavigatePath,
		"AuthorizeAppBusinessType":                     payscore.AuthorizeAppBusinessType,
		"AuthorizeAppDefaultExtInfo":                   payscore.AuthorizeAppDefaultExtInfo,
		"AuthorizeAppMinOpenSDKAndroid":                payscore.AuthorizeAppMinOpenSDKAndroid,
		"AuthorizeAppMinOpenSDKIOS":                    payscore.AuthorizeAppMinOpenSDKIOS,
		"AuthorizeJSAPIMinWeChat":                      payscore.AuthorizeJSAPIMinWeChat,
		"AuthorizeJSAPIMinJSSDK":                       payscore.AuthorizeJSAPIMinJSSDK,
	} {
		want := map[string]any{
			"ConfirmOrderOpenBusinessViewBusinessType":     "wxpayScoreUse",
			"ConfirmOrderNavigateAppID":                    "wxd8f3793ea3b935b8",
			"ConfirmOrderNavigatePath":                     "pages/use/use",
			"ConfirmOrderOpenBusinessViewMinBaseLibrary":   "2.6.0",
			"ConfirmOrderOpenBusinessViewMinWeChat":        "7.0.3",
			"ConfirmOrderOpenBusinessViewReturnScene":      1038,
			"ConfirmOrderOpenBusinessViewReferrerAppID":    "wxd8f3793ea3b935b8",
			"ConfirmOrderOpenBusinessViewSignType":         "HMAC-SHA256",
			"ConfirmOrderNavigateCountsTowardJumpLimit":    true,
			"ConfirmOrderOpenBusinessViewCountsTowardJump": false,
			"AuthorizeMiniprogramNavigatePath":             "pages/use/enable",
			"AuthorizeAppBusinessType":                     "wxpayScoreEnable",
			"AuthorizeAppDefaultExtInfo":                   `{"miniProgramType":0}`,
			"AuthorizeAppMinOpenSDKAndroid":                "5.3.1",
			"AuthorizeAppMinOpenSDKIOS":                    "1.8.4",
			"AuthorizeJSAPIMinWeChat":                      "7.0.5",
			"AuthorizeJSAPIMinJSSDK":                       "1.5.0",
		}[name]
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

// The HMAC-SHA256 vectors were computed outside this code with OpenSSL 3:
//
//	K=a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb
//	printf '%s' "mch_id=1230000109&nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&package=AAQ+bc/Zy9=&sign_type=HMAC-SHA256&timestamp=1700000000&key=$K" \
//	  | openssl dgst -sha256 -hmac "$K"
//
// and checked with python3 hmac.new(K, msg, hashlib.sha256) (same digest),
// then uppercased. package holds '+', '/' and '=' to prove values are signed
// raw, not URL-encoded.
const confirmOrderSign = "6167DEA2D8366EDDF4CDA43B17D3D80765976FB214CF26C3A6BE0866D9ACC0EF"

func TestConfirmOrderSignedVector(t *testing.T) {
	data := payscore.ConfirmOrderData{MchID: "1230000109", Package: "AAQ+bc/Zy9=",
		// Replaced by the builder: what the caller left here must not leak into the signature.
		Timestamp: "1", NonceStr: "stale", SignType: "MD5", Sign: "stale"}
	opts := []jumps.Option{fixedClock(1700000000), fixedNonce("5K8264ILTKCH16CQ2502SI8ZNMTM67VS")}

	obv, err := payscore.NewConfirmOrderOpenBusinessView(data, apiV2Key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if obv.ExtraData.Sign != confirmOrderSign {
		t.Fatalf("sign = %s, want %s", obv.ExtraData.Sign, confirmOrderSign)
	}
	wantOBV := `{"businessType":"wxpayScoreUse","extraData":{"mch_id":"1230000109","package":"AAQ+bc/Zy9=",` +
		`"timestamp":"1700000000","nonce_str":"5K8264ILTKCH16CQ2502SI8ZNMTM67VS","sign_type":"HMAC-SHA256",` +
		`"sign":"` + confirmOrderSign + `"}}`
	if got := mustJSON(t, obv); got != wantOBV {
		t.Errorf("JSON:\n got %s\nwant %s", got, wantOBV)
	}

	nav, err := payscore.NewConfirmOrderNavigate(payscore.ConfirmOrderData{MchID: "1230000109", Package: "AAQ+bc/Zy9="}, apiV2Key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	wantNav := `{"appId":"wxd8f3793ea3b935b8","path":"pages/use/use","extraData":{"mch_id":"1230000109","package":"AAQ+bc/Zy9=",` +
		`"timestamp":"1700000000","nonce_str":"5K8264ILTKCH16CQ2502SI8ZNMTM67VS","sign_type":"HMAC-SHA256",` +
		`"sign":"` + confirmOrderSign + `"}}`
	if got := mustJSON(t, nav); got != wantNav {
		t.Errorf("JSON:\n got %s\nwant %s", got, wantNav)
	}

	// Verification: constant-time jumpsign.Verify over the received fields.
	if !obv.ExtraData.VerifySign(apiV2Key) || !nav.ExtraData.VerifySign(apiV2Key) {
		t.Fatal("VerifySign(right key) = false")
	}
	lower := obv.ExtraData
	lower.Sign = strings.ToLower(lower.Sign)
	if !lower.VerifySign(apiV2Key) {
		t.Error("VerifySign rejects a lowercase hex sign")
	}
	if obv.ExtraData.VerifySign(apiV2Key+"x") || obv.ExtraData.VerifySign("") {
		t.Error("VerifySign accepts another or an empty key")
	}
	for name, tamper := range map[string]func(d *payscore.ConfirmOrderData){
		"package":   func(d *payscore.ConfirmOrderData) { d.Package = "AAQ bc/Zy9=" },
		"timestamp": func(d *payscore.ConfirmOrderData) { d.Timestamp = "1700000001" },
		"nonce":     func(d *payscore.ConfirmOrderData) { d.NonceStr = "X" },
		"sign":      func(d *payscore.ConfirmOrderData) { d.Sign = d.Sign[:63] + "0" },
		"no sign":   func(d *payscore.ConfirmOrderData) { d.Sign = "" },
	} {
		d := obv.ExtraData
		tamper(&d)
		if d.VerifySign(apiV2Key) {
			t.Errorf("VerifySign after changing %s = true", name)
		}
	}
}

func TestConfirmOrderDefaultClockAndNonce(t *testing.T) {
	before := time.Now().Unix()
	p, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: "1230000109", Package: "P"}, apiV2Key)
	if err != nil {
		t.Fatal(err)
	}
	q, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: "1230000109", Package: "P"}, apiV2Key)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.ExtraData.NonceStr) != 32 || p.ExtraData.NonceStr == q.ExtraData.NonceStr {
		t.Errorf("nonces %q, %q: want two different 32-character nonces", p.ExtraData.NonceStr, q.ExtraData.NonceStr)
	}
	var ts int64
	if err := json.Unmarshal([]byte(p.ExtraData.Timestamp), &ts); err != nil || ts < before || ts > time.Now().Unix() {
		t.Errorf("timestamp %q is not the current Unix time in seconds", p.ExtraData.Timestamp)
	}
	if !p.ExtraData.VerifySign(apiV2Key) {
		t.Error("default-option sign does not verify")
	}
}

func TestSignedBuilderFailures(t *testing.T) {
	data := payscore.ConfirmOrderData{MchID: "1230000109", Package: "P"}
	if _, err := payscore.NewConfirmOrderOpenBusinessView(data, ""); !errors.Is(err, jumps.ErrEmptyKey) {
		t.Errorf("empty key: err = %v, want jumps.ErrEmptyKey", err)
	}
	boom := errors.New("entropy exhausted")
	_, err := payscore.NewConfirmOrderOpenBusinessView(data, apiV2Key, jumps.WithNonce(func() (string, error) { return "", boom }))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "payscore.NewConfirmOrderOpenBusinessView") {
		t.Errorf("nonce failure: err = %v", err)
	}
	// An injected nonce is validated like any value: nonce_str is string(32).
	_, err = payscore.NewConfirmOrderOpenBusinessView(data, apiV2Key, fixedNonce(strings.Repeat("n", 33)))
	var tooLong *validate.MaxLengthError
	if !errors.As(fieldErr(err, "extraData.nonce_str"), &tooLong) || tooLong.Max != 32 || tooLong.Length != 33 {
		t.Errorf("33-character nonce: err = %v", err)
	}
}

func TestConfirmOrderValidation(t *testing.T) {
	han32 := strings.Repeat("商", 32) // 32 characters, 96 bytes
	tests := []struct {
		name    string
		mchID   string
		pkg     string
		path    string // "" when valid
		wantErr any
	}{
		{"valid", "1230000109", "AAQ", "", nil},
		{"mch_id 32 characters", strings.Repeat("1", 32), "AAQ", "", nil},
		{"mch_id 32 Chinese characters (96 bytes)", han32, "AAQ", "", nil},
		{"mch_id 33 characters", strings.Repeat("1", 33), "AAQ", "extraData.mch_id", &validate.MaxLengthError{}},
		{"mch_id 33 Chinese characters", han32 + "商", "AAQ", "extraData.mch_id", &validate.MaxLengthError{}},
		{"mch_id missing", "", "AAQ", "extraData.mch_id", &validate.RequiredError{}},
		{"package 128 characters", "1", strings.Repeat("p", 128), "", nil},
		{"package 128 emoji (4 bytes each)", "1", strings.Repeat("😀", 128), "", nil},
		{"package 129 characters", "1", strings.Repeat("p", 129), "extraData.package", &validate.MaxLengthError{}},
		{"package missing", "1", "", "extraData.package", &validate.RequiredError{}},
		{"invalid UTF-8", "1", "\xff", "extraData.package", &validate.InvalidUTF8Error{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{MchID: tt.mchID, Package: tt.pkg},
				apiV2Key, fixedClock(1700000000), fixedNonce("N"))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			leaf := fieldErr(err, tt.path)
			if leaf == nil {
				t.Fatalf("err = %v; want a violation at %s", err, tt.path)
			}
			if want, got := leafKind(tt.wantErr), leafKind(leaf); want != got || got == "other" {
				t.Errorf("%s: %T (%v), want %s", tt.path, leaf, leaf, want)
			}
			if strings.Contains(err.Error(), string(apiV2Key)) {
				t.Errorf("error leaks the key: %v", err)
			}
			if len(tt.mchID) > 3 && strings.Contains(err.Error(), tt.mchID) {
				t.Errorf("error echoes the value: %v", err)
			}
		})
	}
}

// leafKind names a leaf error's type, so a table can say which one it expects.
func leafKind(v any) string {
	switch v.(type) {
	case *validate.MaxLengthError:
		return "MaxLengthError"
	case *validate.MinLengthError:
		return "MinLengthError"
	case *validate.RequiredError:
		return "RequiredError"
	case *validate.InvalidUTF8Error:
		return "InvalidUTF8Error"
	}
	return "other"
}

func TestConfirmOrderPackageForm(t *testing.T) {
	long := strings.Repeat("A", 237) // the newer doc's own sample is 237 characters: no upper bound
	obv, err := payscore.NewConfirmOrderPackageOpenBusinessView(payscore.ConfirmOrderPackageData{Package: long})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, obv), `{"businessType":"wxpayScoreUse","extraData":{"package":"`+long+`"}}`; got != want {
		t.Errorf("JSON = %s", got)
	}
	nav, err := payscore.NewConfirmOrderPackageNavigate(payscore.ConfirmOrderPackageData{Package: "P+/="})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, nav), `{"appId":"wxd8f3793ea3b935b8","path":"pages/use/use","extraData":{"package":"P+/="}}`; got != want {
		t.Errorf("JSON = %s", got)
	}
	_, err = payscore.NewConfirmOrderPackageNavigate(payscore.ConfirmOrderPackageData{})
	if _, ok := fieldErr(err, "extraData.package").(*validate.RequiredError); !ok {
		t.Errorf("empty package: err = %v", err)
	}
}

func TestAuthorizeMiniProgram(t *testing.T) {
	obv, err := payscore.NewAuthorizeMiniprogramOpenBusinessView(payscore.AuthorizeMiniprogramData{ApplyPermissionsToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, obv), `{"businessType":"wxpayScoreEnable","extraData":{"apply_permissions_token":"tok"}}`; got != want {
		t.Errorf("JSON = %s", got)
	}
	nav, err := payscore.NewAuthorizeMiniprogramNavigate(payscore.AuthorizeMiniprogramData{ApplyPermissionsToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, nav), `{"appId":"wxd8f3793ea3b935b8","path":"pages/use/enable","extraData":{"apply_permissions_token":"tok"}}`; got != want {
		t.Errorf("JSON = %s", got)
	}
	// [1,2048] characters.
	if _, err := payscore.NewAuthorizeMiniprogramNavigate(payscore.AuthorizeMiniprogramData{ApplyPermissionsToken: strings.Repeat("令", 2048)}); err != nil {
		t.Errorf("2048-character token: %v", err)
	}
	_, err = payscore.NewAuthorizeMiniprogramNavigate(payscore.AuthorizeMiniprogramData{ApplyPermissionsToken: strings.Repeat("t", 2049)})
	if _, ok := fieldErr(err, "extraData.apply_permissions_token").(*validate.MaxLengthError); !ok {
		t.Errorf("2049-character token: err = %v", err)
	}
}

func TestAuthorizeApp(t *testing.T) {
	p, err := payscore.NewAuthorizeApp(payscore.AuthorizeAppData{ApplyPermissionsToken: "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"businessType":"wxpayScoreEnable","query":"apply_permissions_token=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2","extInfo":"{\"miniProgramType\":0}"}`
	if got := mustJSON(t, p); got != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
	// Values are URL-encoded (UrlEncode处理).
	p, err = payscore.NewAuthorizeApp(payscore.AuthorizeAppData{ApplyPermissionsToken: "a+b/c=d&e f令"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "apply_permissions_token=a%2Bb%2Fc%3Dd%26e+f%E4%BB%A4"; p.Query != want {
		t.Errorf("Query = %s, want %s", p.Query, want)
	}
	// query is itself string[1,2048]: the encoded form must fit.
	prefix := len("apply_permissions_token=")
	if _, err := payscore.NewAuthorizeApp(payscore.AuthorizeAppData{ApplyPermissionsToken: strings.Repeat("t", 2048-prefix)}); err != nil {
		t.Errorf("query of exactly 2048 characters: %v", err)
	}
	_, err = payscore.NewAuthorizeApp(payscore.AuthorizeAppData{ApplyPermissionsToken: strings.Repeat("t", 2048-prefix+1)})
	if _, ok := fieldErr(err, "query").(*validate.MaxLengthError); !ok {
		t.Errorf("query of 2049 characters: err = %v", err)
	}
	_, err = payscore.NewAuthorizeApp(payscore.AuthorizeAppData{})
	if _, ok := fieldErr(err, "apply_permissions_token").(*validate.RequiredError); !ok {
		t.Errorf("no token: err = %v", err)
	}
}

func TestAuthorizeJSAPI(t *testing.T) {
	p, err := payscore.NewAuthorizeJSAPI(payscore.AuthorizeJSAPIData{ApplyPermissionsToken: "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"businessType":"wxpayScoreEnable","queryString":"apply_permissions_token=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"}`
	if got := mustJSON(t, p); got != want {
		t.Errorf("JSON = %s", got)
	}
}

// Computed with OpenSSL 3:
//
//	printf '%s' "mch_id=1230000109&nonce_str=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2&out_request_no=1234323JKHDFE1243252&service_id=88888888000011&sign_type=HMAC-SHA256&timestamp=1530097563&key=$K" \
//	  | openssl dgst -sha256 -hmac "$K"      # K=a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb, uppercased
const merchantSignedSign = "A208C33F4C4907F9D2CBC3FAB9049138909B62417B64108885FE9B4B63A7740E"

func TestAuthorizeAppMerchantSignedVector(t *testing.T) {
	p, err := payscore.NewAuthorizeAppMerchantSigned(payscore.AuthorizeAppMerchantSignedData{
		MchID: "1230000109", ServiceID: "88888888000011", OutRequestNo: "1234323JKHDFE1243252",
	}, apiV2Key, fixedClock(1530097563), fixedNonce("zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2"))
	if err != nil {
		t.Fatal(err)
	}
	// The doc's field order, as in the Android sample.
	wantQuery := "mch_id=1230000109&service_id=88888888000011&out_request_no=1234323JKHDFE1243252&timestamp=1530097563" +
		"&nonce_str=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2&sign_type=HMAC-SHA256&sign=" + merchantSignedSign
	if p.Query != wantQuery {
		t.Fatalf("Query:\n got %s\nwant %s", p.Query, wantQuery)
	}
	if p.BusinessType != "wxpayScoreEnable" || p.ExtInfo != `{"miniProgramType":0}` {
		t.Errorf("params = %+v", p)
	}
	if !p.VerifySign(apiV2Key) {
		t.Error("VerifySign = false")
	}
	for name, q := range map[string]string{
		"tampered service_id": strings.Replace(p.Query, "88888888000011", "88888888000012", 1),
		"added field":         p.Query + "&x=1",
		"repeated field":      p.Query + "&service_id=88888888000011",
		"no sign":             strings.Split(p.Query, "&sign=")[0],
	} {
		bad := *p
		bad.Query = q
		if bad.VerifySign(apiV2Key) {
			t.Errorf("VerifySign with %s = true", name)
		}
	}
	if p.VerifySign("other") || p.VerifySign("") {
		t.Error("VerifySign with another or empty key = true")
	}
	// service_id [1,32].
	_, err = payscore.NewAuthorizeAppMerchantSigned(payscore.AuthorizeAppMerchantSignedData{
		MchID: "1230000109", ServiceID: strings.Repeat("8", 33), OutRequestNo: "R",
	}, apiV2Key, fixedNonce("N"))
	if _, ok := fieldErr(err, "service_id").(*validate.MaxLengthError); !ok {
		t.Errorf("33-character service_id: err = %v", err)
	}
}

func TestParseConfirmOrderReturn(t *testing.T) {
	ok := func(body string) *payscore.ConfirmOrderReturn {
		t.Helper()
		r, err := payscore.ParseConfirmOrderReturn([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return r
	}
	if r := ok(`{"query_id":"XXXXXXXX"}`); r.QueryID != "XXXXXXXX" {
		t.Errorf("QueryID = %q", r.QueryID)
	}
	// Up to 512 characters (erratum confirm-order-query-id-length), not the seed's 64.
	if r := ok(`{"query_id":"` + strings.Repeat("q", 65) + `"}`); len(r.QueryID) != 65 {
		t.Error("65-character query_id rejected")
	}
	if r := ok(` {"query_id":"` + strings.Repeat("单", 512) + `","other":{"nested":[1]}} `); len([]rune(r.QueryID)) != 512 {
		t.Error("512-character query_id rejected")
	}
	// A number is read as its text.
	if r := ok(`{"query_id":12345}`); r.QueryID != "12345" {
		t.Errorf("numeric query_id = %q", r.QueryID)
	}

	for name, tc := range map[string]struct {
		body  string
		check func(error) bool
	}{
		"empty body":       {"", func(e error) bool { return errors.Is(e, jumps.ErrNoReturnData) }},
		"whitespace":       {" \n", func(e error) bool { return errors.Is(e, jumps.ErrNoReturnData) }},
		"null":             {"null", func(e error) bool { return errors.Is(e, jumps.ErrNoReturnData) }},
		"empty object":     {"{}", func(e error) bool { return errors.Is(e, jumps.ErrNoReturnData) }},
		"only null member": {`{"query_id":null}`, func(e error) bool { return errors.Is(e, jumps.ErrNoReturnData) }},
		"513 characters": {`{"query_id":"` + strings.Repeat("q", 513) + `"}`, func(e error) bool {
			var m *validate.MaxLengthError
			return errors.As(fieldErr(e, "query_id"), &m) && m.Max == 512 && m.Length == 513
		}},
		"missing query_id": {`{"other":"x"}`, func(e error) bool { _, ok := fieldErr(e, "query_id").(*validate.RequiredError); return ok }},
		"malformed":        {`{"query_id":"x"`, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"trailing data":    {`{"query_id":"x"} {}`, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"array":            {`["x"]`, func(e error) bool { return errors.Is(e, kv.ErrNotObject) }},
		"repeated key":     {`{"query_id":"a","query_id":"b"}`, func(e error) bool { var r *kv.RepeatedKeyError; return errors.As(e, &r) && r.Key == "query_id" }},
		"too large":        {`{"query_id":"` + strings.Repeat("q", jumps.MaxReturnBytes) + `"}`, func(e error) bool { var tl *jumps.TooLargeError; return errors.As(e, &tl) }},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := payscore.ParseConfirmOrderReturn([]byte(tc.body))
			if err == nil || r != nil || !tc.check(err) {
				t.Fatalf("Parse(%.40q) = %v, %v", tc.body, r, err)
			}
			if strings.Contains(err.Error(), "qqqqqqqq") {
				t.Errorf("error echoes the value: %.200s", err)
			}
		})
	}
	// The four confirm-order jumps share the return data.
	for _, parse := range []func([]byte) (string, error){
		func(b []byte) (string, error) {
			r, err := payscore.ParseConfirmOrderReturn(b)
			return ptrQ(r), err
		},
		func(b []byte) (string, error) {
			r, err := payscore.ParseConfirmOrderReturn(b)
			return ptrQ2(r), err
		},
		func(b []byte) (string, error) {
			r, err := payscore.ParseConfirmOrderReturn(b)
			return ptrQ3(r), err
		},
	} {
		if q, err := parse([]byte(`{"query_id":"Q1"}`)); err != nil || q != "Q1" {
			t.Errorf("parse = %q, %v", q, err)
		}
	}
}

func ptrQ(r *payscore.ConfirmOrderReturn) string {
	if r == nil {
		return ""
	}
	return r.QueryID
}

func ptrQ2(r *payscore.ConfirmOrderReturn) string {
	if r == nil {
		return ""
	}
	return r.QueryID
}

func ptrQ3(r *payscore.ConfirmOrderReturn) string {
	if r == nil {
		return ""
	}
	return r.QueryID
}

func TestParseAppAndJSAPIReturns(t *testing.T) {
	app, err := payscore.ParseAuthorizeAppReturn([]byte(`{"extMsg":"m","errStr":"","businessType":"wxpayScoreEnable"}`))
	if err != nil || app.ExtMsg != "m" || app.BusinessType != "wxpayScoreEnable" || app.ErrStr != "" {
		t.Errorf("App return = %+v, %v", app, err)
	}
	// err_code arrives as a number or a string (the sample parses it with parseInt).
	for _, body := range []string{`{"err_code":0}`, `{"err_code":"0"}`} {
		r, err := payscore.ParseAuthorizeJSAPIReturn([]byte(body))
		if err != nil || r.ErrCode != "0" {
			t.Errorf("%s: %+v, %v", body, r, err)
		}
	}
	if r, err := payscore.ParseAuthorizeJSAPIReturn([]byte(`{"err_code":-1}`)); err != nil || r.ErrCode != "-1" {
		t.Errorf("err_code -1: %+v, %v", r, err)
	}
}
