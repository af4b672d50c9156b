// Package bench_test measures payscoregen's paths side by side with their
// baselines in the same run: `make bench` turns the results into the ratios
// of BENCHMARKS.md. Nothing here asserts a duration.
package bench_test

import (
	"context"
	"crypto/rsa"
	"fmt"
	"github.com/payscoregen/payscoregen/internal/testkit"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/internal/gen"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/runtime/apiauth"
)

// keys are the merchant's key and the platform key.
func keys() (*rsa.PrivateKey, *rsa.PrivateKey) {
	return testkit.Key("merchant"), testkit.Key("platform")
}

// signedServer answers every request with one body signed once up front, so
// the server's own cost is small and equal for both clients measured.
func signedServer(b *testing.B, status int, body string) *httptest.Server {
	_, plat := keys()
	h := http.Header{}
	if err := (&apiauth.Signer{Key: plat, Serial: "PUB_KEY_ID_BENCH"}).Sign(h, []byte(body)); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func coreClient(b *testing.B) *core.Client {
	m, plat := keys()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher("1230000109", "SERIAL", m, "PUB_KEY_ID_BENCH", &plat.PublicKey))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

const queryAnswer = `{"appid":"wxd678efh567hg6787","authorization_code":"1234323JKHDFE1243252","authorization_state":"AVAILABLE","authorization_success_time":"2015-05-20T13:29:35+08:00","channel_id":"1230000109","mchid":"1230000109","notify_url":"https://www.weixin.com","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":"500001","sub_mchid":"1230000109","user_label":"A"}`

// BenchmarkClientCall/generated is a generated client call: validation,
// signing, the loopback round trip, signature check and typed decoding.
// BenchmarkClientCall/raw_core is the same request through core.Client
// with a hand-written struct, what a wechatpay-go user writes today.
func BenchmarkClientCall(b *testing.B) {
	srv := signedServer(b, 200, queryAnswer)
	req := &acquiringbank.QueryAuthorizationRequest{AuthorizationCode: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1230000109"}
	b.Run("generated", func(b *testing.B) {
		client := acquiringbank.NewClient(coreClient(b), acquiringbank.WithBaseURL(srv.URL))
		b.ReportAllocs()
		for b.Loop() {
			resp, _, err := client.QueryAuthorization(context.Background(), req)
			if err != nil || resp.AuthorizationState != acquiringbank.AuthorizationStateAvailable {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw_core", func(b *testing.B) {
		c := coreClient(b)
		type answer struct {
			AuthorizationState       string `json:"authorization_state"`
			AuthorizationSuccessTime string `json:"authorization_success_time"`
			UserLabel                string `json:"user_label"`
		}
		b.ReportAllocs()
		for b.Loop() {
			q := map[string][]string{"service_id": {req.ServiceID}, "channel_id": {req.ChannelID}, "sub_mchid": {req.SubMchID}}
			result, err := c.Request(context.Background(), "GET",
				srv.URL+"/v3/payscore/acquiringbank/permissions/authorization-code/"+req.AuthorizationCode, nil, q, nil, "")
			if err != nil {
				b.Fatal(err)
			}
			var a answer
			if err := core.UnMarshalResponse(result.Response, &a); err != nil || a.AuthorizationState != "AVAILABLE" {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPair/client_call interleaves the two calls above for a ratio
// that machine load cannot skew.
func BenchmarkPairClientCall(b *testing.B) {
	srv := signedServer(b, 200, queryAnswer)
	req := &acquiringbank.QueryAuthorizationRequest{AuthorizationCode: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1230000109"}
	client := acquiringbank.NewClient(coreClient(b), acquiringbank.WithBaseURL(srv.URL))
	raw := coreClient(b)
	pair(b, func() {
		if _, _, err := client.QueryAuthorization(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}, func() {
		q := map[string][]string{"service_id": {req.ServiceID}, "channel_id": {req.ChannelID}, "sub_mchid": {req.SubMchID}}
		result, err := raw.Request(context.Background(), "GET",
			srv.URL+"/v3/payscore/acquiringbank/permissions/authorization-code/"+req.AuthorizationCode, nil, q, nil, "")
		if err != nil {
			b.Fatal(err)
		}
		var a struct {
			AuthorizationState string `json:"authorization_state"`
		}
		if err := core.UnMarshalResponse(result.Response, &a); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	valid := &acquiringbank.ApplyPermissionsRequest{ServiceID: "500001", ChannelID: "1230000109", AppID: "wxd678efh567hg6787",
		SubAppID: "wxd678efh567hg6787", SubMchID: "1230000109", AuthorizationCode: "1234323JKHDFE1243252",
		NotifyURL: "https://merchant.example.com/payscore/notify"}
	long := strings.Repeat("x", 40)
	allWrong := &acquiringbank.ApplyPermissionsRequest{ServiceID: long, ChannelID: long, AppID: long, SubAppID: long,
		SubMchID: long, AuthorizationCode: long, NotifyURL: "http://a/?q"}
	b.Run("valid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := valid.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("every_field_wrong", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := allWrong.Validate(); err == nil {
				b.Fatal("invalid request accepted")
			}
		}
	})
}

// BenchmarkGenerate regenerates the shipped spec, then synthetic specs of
// growing size: ns/op divided by the endpoint count shows how generation
// time grows with the spec.
func BenchmarkGenerate(b *testing.B) {
	shipped, err := spec.LoadDir("../../spec")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("shipped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gen.Generate(shipped, gen.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, n := range []int{10, 100, 1000} {
		fsys := SyntheticSpec(n)
		b.Run(fmt.Sprintf("synthetic_%d_endpoints", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := spec.LoadFS(fsys, "synthetic")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := gen.Generate(s, gen.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// SyntheticSpec writes a spec of n endpoints, ten per file, each with path,
// query and body parameters, an enum response and the common error set.
func SyntheticSpec(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	common := `package: synth
page: {title: 公共错误码, updated: 2022.06.09, seed: synthetic}
errors:
  - {code: SYSTEM_ERROR, status: 500, description: 系统错误, solution: 稍后重试, advice: retry_same_params}
  - {code: PARAM_ERROR, status: 400, description: 参数错误, solution: 修正参数, advice: fix_request}
error_sets:
  - {id: common, codes: [SYSTEM_ERROR, PARAM_ERROR]}
`
	fsys["common.yaml"] = &fstest.MapFile{Data: []byte(common)}
	for file := 0; file*10 < n; file++ {
		var sb strings.Builder
		sb.WriteString("package: synth\npage: {title: 合成页面, updated: 2022.06.09, seed: synthetic}\n")
		sb.WriteString("api: {style: wechatpay-v3, base_url: https://api.mch.weixin.qq.com, version_prefix: /v3/}\nendpoints:\n")
		for i := file * 10; i < n && i < file*10+10; i++ {
			fmt.Fprintf(&sb, `  - id: op_%[1]d
    title: 操作%[1]d
    summary: 合成操作%[1]d
    method: POST
    path: /v3/synth/things_%[1]d/{code}
    success_status: 200
    request:
      - {name: code, in: path, type: string, required: true, max_length: 32, pattern: '^[0-9A-Za-z_\-|*]+$'}
      - {name: channel_id, in: query, type: string, required: true, min_length: 1, max_length: 32}
      - {name: service_id, in: body, type: string, required: true, min_length: 1, max_length: 32}
      - {name: reason, in: body, type: string, max_length: 50, reject_4byte_utf8: true}
      - {name: amount, in: body, type: integer, required: true, minimum: 1}
    response:
      - name: state_%[1]d
        type: string
        required: true
        enum: [{value: AVAILABLE, description: 可用}, {value: UNAVAILABLE, description: 不可用}]
      - {name: success_time, type: string, format: rfc3339}
    error_sets: [common]
`, i)
		}
		fsys[fmt.Sprintf("page_%04d.yaml", file)] = &fstest.MapFile{Data: []byte(sb.String())}
	}
	return fsys
}
