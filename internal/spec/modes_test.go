package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModeOfPath(t *testing.T) {
	for path, want := range map[string]string{
		"/v3/payscore/serviceorder":                         "merchant",
		"/v3/payscore/permissions/openid/{openid}":          "merchant",
		"/v3/payscore/partner/serviceorder":                 "partner",
		"/v3/payscore/plan/partner/payscore-plans":          "partner",
		"/v3/payscore/plan/payscore-plans":                  "merchant",
		"/v3/payscore/acquiringbank/serviceorder":           "acquiringbank",
		"/v3/payscore/partnerx/serviceorder":                "merchant", // a prefix ends at a segment
		"/v3/payscore/oversea/partner/serviceorder":         "oversea",
		"/v3/pay/transactions/jsapi":                        "",
		"/v3/payscore/sign-plan/partner/user-sign-plans":    "partner",
		"/v3/payscore/sign-plan/user-sign-plans/x/stop":     "merchant",
		"/v3/payscore/acquiringbank/permissions/terminate":  "acquiringbank",
		"/v3/payscore/partner/permissions/search":           "partner",
		"/v3/payscore/partner/servicepayondeliveryorder":    "partner",
		"/v3/payscore/servicepayondeliveryorder":            "merchant",
		"/v3/payscore/partner/permissions/authorization-cd": "partner",
	} {
		if got := modeOfPath(path); got != want {
			t.Errorf("modeOfPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// A mode package's endpoint outside its mode's prefix is reported at the path.
func TestModePathProblems(t *testing.T) {
	file := func(pkg, path string) string {
		return strings.NewReplacer("PKG", pkg, "PATH", path).Replace(`package: PKG
page:
  title: t
  updated: 2024.06.18
  source: reference/payscore-surface.md
api:
  style: wechatpay-v3
  base_url: https://api.mch.weixin.qq.com
  version_prefix: /v3/
endpoints:
  - id: cancel_service_order
    title: 取消
    summary: 取消订单
    method: POST
    path: PATH
    success_status: 204
`)
	}
	for _, tt := range []struct {
		pkg, path string
		want      []string
	}{
		{"partner", "/v3/payscore/partner/serviceorder", nil},
		{"merchant", "/v3/payscore/serviceorder", nil},
		{"acquiringbank", "/v3/payscore/acquiringbank/serviceorder", nil},
		{"payscore", "/v3/payscore/partner/serviceorder", nil}, // not a mode package
		{"partner", "/v3/payscore/serviceorder", []string{
			`spec/a.yaml:15:11: endpoint cancel_service_order: path "/v3/payscore/serviceorder" of package partner is not under its mode's prefix /v3/payscore/partner/ or /v3/payscore/plan/partner/ or /v3/payscore/sign-plan/partner/`}},
		{"merchant", "/v3/payscore/partner/serviceorder", []string{
			`spec/a.yaml:15:11: endpoint cancel_service_order: path "/v3/payscore/partner/serviceorder" of package merchant is not under its mode's prefix /v3/payscore/`}},
		{"merchant", "/v3/payscore/acquiringbank/serviceorder", []string{
			`spec/a.yaml:15:11: endpoint cancel_service_order: path "/v3/payscore/acquiringbank/serviceorder" of package merchant is not under its mode's prefix /v3/payscore/`}},
		{"acquiringbank", "/v3/payscore/partner/serviceorder", []string{
			`spec/a.yaml:15:11: endpoint cancel_service_order: path "/v3/payscore/partner/serviceorder" of package acquiringbank is not under its mode's prefix /v3/payscore/acquiringbank/`}},
	} {
		got := lines(load(t, map[string]string{"a.yaml": file(tt.pkg, tt.path)}))
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("package %s, path %s: problems (-want +got):\n%s", tt.pkg, tt.path, diff)
		}
	}
}
