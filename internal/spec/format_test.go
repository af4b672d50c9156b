package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// orders uses every key of the agreed format extensions (FORMAT.md).
const orders = `package: acquiringbank
page:
  title: 创建支付分订单
  updated: 2024.06.18
  url: https://pay.weixin.qq.com/doc/v3/partner/4012587949
  doc_ids: ["4012587949"]
  source: reference/serviceorders.md §3 A4
api: {style: wechatpay-v3, base_url: https://api.mch.weixin.qq.com, version_prefix: /v3/}
endpoints:
  - id: create_order
    title: 创建支付分订单
    summary: 创建
    method: POST
    path: /v3/payscore/acquiringbank/serviceorder
    success_status: 200
    request:
      - {name: out_order_no, in: body, type: string, max_length: 32}
      - {name: query_id, in: body, type: string}
      - {name: openid, in: body, type: string}
      - {name: sub_openid, in: body, type: string}
      - {name: sub_appid, in: body, type: string, borrowed: "max_length from merchant (M-len)", source: reference}
      - name: post_payments
        in: body
        type: array
        max_items: 100
        items: {ref: post_payment, require: [amount]}
      - {name: post_discounts, in: body, type: array, items: {ref: post_payment}}
      - {name: total_amount, in: body, type: integer, format: fen, minimum: 0, required: true}
      - {name: time_range, in: body, ref: time_range}
      - name: location
        in: body
        type: object
        fields: [{name: start_location, type: string}, {name: end_location, type: string}]
        rules: [{required_with: {field: end_location, when: start_location}}]
    rules:
      - {exactly_one_of: [out_order_no, query_id], description: 二选一}
      - at_most_one_of: [openid, sub_openid]
      - required_with: {field: sub_openid, when: sub_appid}
      - sum: {field: total_amount, plus: post_payments.amount, minus: post_discounts.amount}
    response: []
callbacks:
  - id: order_notify
    title: t
    summary: s
    method: POST
    encoding: json
    signature: WECHATPAY2-SHA256-RSA2048
    encryption: AEAD_AES_256_GCM
    events:
      - {type: PAYSCORE.USER_CONFIRM, summary: s}
      - type: PAYSCORE.MCH_PREPAY
        summary: s
        plaintext: [{name: openid, type: string}, {name: sub_openid, type: string}]
        rules: [{exactly_one_of: [openid, sub_openid]}]
    envelope:
      - {name: resource, type: object, fields: [{name: ciphertext, type: string}]}
    plaintext:
      - {name: out_order_no, type: string, required: true}
    ack: {success_statuses: [200]}
    retry: {intervals: [0s]}
types:
  - id: post_payment
    title: 后付费项目
    fields:
      - {name: name, type: string, max_length: 20}
      - {name: amount, type: integer, format: fen}
  - id: time_range
    title: 服务时间段
    fields:
      - {name: start_time, type: string, formats: [yyyyMMddHHmmss, yyyyMMdd], literals: [OnAccept]}
      - {name: end_time, type: string, format: yyyyMMdd}
`

func TestFormatExtensionsLoad(t *testing.T) {
	s, err := LoadFS(mapFS(map[string]string{"a.yaml": orders}), "spec")
	if err != nil {
		t.Fatalf("unexpected problems:\n%v", err)
	}
	req := s.Files[0].Endpoints[0].Request
	pp := FieldNamed(req, "post_payments")
	if pp.Items == nil || pp.Items.RefType == nil || pp.Items.RefType.ID != "post_payment" || *pp.MaxItems != 100 {
		t.Errorf("post_payments items not resolved: %+v", pp.Items)
	}
	if tr := FieldNamed(req, "time_range"); tr.Type != KindObject || tr.RefType == nil {
		t.Errorf("time_range: type %q, ref %v", tr.Type, tr.RefType)
	}
	if got := s.Files[0].Callbacks[0].Events[1].Plaintext; len(got) != 2 {
		t.Errorf("event plaintext: %d fields", len(got))
	}
}

func TestFormatExtensionProblems(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string
	}{
		{"unknown ref", [2]string{"ref: time_range}", "ref: time_rang}"}, `unknown type "time_rang" (did you mean "time_range"?)`},
		{"require unknown member", [2]string{"require: [amount]", "require: [amunt]"}, `require: type post_payment has no member "amunt"`},
		{"rule names a missing field", [2]string{"[out_order_no, query_id]", "[out_order_no, queryid]"}, `exactly_one_of: "queryid" is not a field at this level`},
		{"one-of member required", [2]string{"{name: query_id, in: body, type: string}", "{name: query_id, in: body, type: string, required: true}"}, `request.query_id is in exactly_one_of, so it cannot be required on its own`},
		{"sum over a string", [2]string{"plus: post_payments.amount", "plus: post_payments.name"}, `sum: plus "post_payments.name" is not an integer member`},
		{"nested rule field", [2]string{"field: end_location, when: start_location", "field: end_location, when: start"}, `required_with: "start" is not a field at this level`},
		{"fen on a string", [2]string{"{name: query_id, in: body, type: string}", "{name: query_id, in: body, type: string, format: fen}"}, `format fen is an integer amount, not string`},
		{"literals without a time format", [2]string{"format: yyyyMMdd}", "literals: [x]}"}, `literals are extra values of a time format`},
		{"array without items", [2]string{"items: {ref: post_payment}}", "max_items: 3}"}, `an array needs items`},
		{"min_items on a string", [2]string{"max_length: 32}", "max_length: 32, min_items: 1}"}, `items, min_items and max_items apply to arrays`},
		{"page without seed or source", [2]string{"  source: reference/serviceorders.md §3 A4\n", ""}, `page needs a seed`},
		{"type cycle", [2]string{"{name: amount, type: integer, format: fen}", "{name: amount, ref: post_payment}"}, `type post_payment contains itself`},
		{"two rule kinds", [2]string{"- at_most_one_of: [openid, sub_openid]", "- {at_most_one_of: [openid, sub_openid], exactly_one_of: [openid, sub_openid]}"}, `a rule has exactly one of`},
		{"event go_name not exported", [2]string{"{type: PAYSCORE.USER_CONFIRM, summary: s}", "{type: PAYSCORE.USER_CONFIRM, summary: s, go_name: type}"}, `go_name "type" is not an exported Go identifier`},
		{"enum_name without enum", [2]string{"{name: query_id, in: body, type: string}", "{name: query_id, in: body, type: string, enum_name: QueryKind}"}, `enum_name "QueryKind" without an enum`},
		{"enum_name not exported", [2]string{"{name: query_id, in: body, type: string}", "{name: query_id, in: body, type: string, enum_name: kind, enum: [{value: A}]}"}, `enum_name "kind" is not an exported Go identifier`},
		{"field named empty", [2]string{"{name: query_id,", "{name: \"\","}, `a field needs a non-empty name`},
		{"field named in Chinese", [2]string{"{name: query_id,", "{name: 服务,"}, `the name "服务" does not make an exported Go name; set go_name`},
		{"dot-dot path", [2]string{"path: /v3/payscore/acquiringbank/serviceorder", "path: /v3/../serviceorder"}, `is not canonical`},
		{"repeated path parameter", [2]string{"path: /v3/payscore/acquiringbank/serviceorder", "path: /v3/payscore/acquiringbank/{out_order_no}{out_order_no}"}, `path parameter {out_order_no} appears twice`},
		{"object in the query", [2]string{"{name: time_range, in: body,", "{name: time_range, in: query,"}, `a query parameter is a string, integer or boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(orders, tt.replace[0]) {
				t.Fatalf("test is stale: %q not in the file", tt.replace[0])
			}
			body := strings.Replace(orders, tt.replace[0], tt.replace[1], 1)
			got := lines(load(t, map[string]string{"a.yaml": body}))
			for _, line := range got {
				if strings.Contains(line, tt.want) {
					if !strings.HasPrefix(line, "spec/a.yaml:") {
						t.Errorf("not positioned: %s", line)
					}
					return
				}
			}
			t.Errorf("no problem says %q; got:\n%s", tt.want, cmp.Diff(nil, got))
		})
	}
}

// Items that fail to decode (null, or cut off by the alias budget) never
// reach the checks as nil entries.
func TestNullListItems(t *testing.T) {
	body := strings.Replace(good, "error_sets:\n  - {id: common", "error_sets:\n  - ~\n  - {id: common", 1)
	body = strings.Replace(body, "errors:\n", "errors:\n  - ~\n", 1)
	got := lines(load(t, map[string]string{"a.yaml": body}))
	if len(got) != 2 {
		t.Errorf("want two problems, got:\n%s", strings.Join(got, "\n"))
	}
}
