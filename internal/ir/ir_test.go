package ir

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// The IR refuses spec shapes the emitters cannot generate correct code for,
// with a positioned problem naming the item and why.
func TestPlanProblems(t *testing.T) {
	const page = "package: demo\npage: {title: 演示, updated: 2020.01.01, seed: demo.txt}\n"
	const miniJump = `
  - id: go
    title: 演示
    summary: 演示
    platform: miniprogram
    call: wx.navigateToMiniProgram
    app_id: wx1
    path: pages/a
    carrier: extra_data
    carrier_field: extraData
    data: [{name: token, type: string, required: true}]
    signing: {algorithm: none}
`
	tests := []struct {
		name, yaml, want string
	}{
		{"required parameter without a value", page + "jumps:" + miniJump + `    params:
      - {name: appId, type: string, required: true}
      - {name: extraData, type: object, required: true, fields: [{name: token, type: string}]}
`, "demo.yaml:16:9: jump go: required parameter appId is neither fixed (const), the carrier, nor has a default"},
		{"appId disagrees with the fixed parameter", page + "jumps:" + miniJump + `    params:
      - {name: appId, type: string, required: true, const: wx2}
      - {name: extraData, type: object, required: true, fields: [{name: token, type: string}]}
`, `parameter appId is fixed to "wx2" but the jump says "wx1"`},
		{"form notify without an amount", page + `callbacks:
  - id: notify
    title: 通知
    summary: 通知
    method: POST
    encoding: form
    signature: MD5
    plaintext:
      - {name: order_no, type: string, required: true}
      - {name: mchid, type: string, required: true}
      - {name: sign, type: string, required: true}
    ack: {success_statuses: [200], success_body: success}
    retry: {intervals: [0s]}
`, "a form notify needs string fields order_no|out_trade_no (order number), mchid|mch_id (merchant number) and integer total_fee (amount)"},
		{"form endpoint without sign", page + `api: {style: form-md5, base_url: https://e.com}
endpoints:
  - id: query
    title: 查询
    summary: 查询
    method: POST
    path: /q
    content_type: form
    success_status: 200
    request: [{name: order_no, in: body, type: string, required: true}]
    response: [{name: status, type: string}]
`, "demo.yaml:5:5: endpoint query: a form-md5 request needs a sign field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := spec.LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(tt.yaml)}}, "")
			if err != nil {
				t.Fatalf("the spec itself must load: %v", err)
			}
			_, err = Build(s, Options{})
			var ps spec.Problems
			if !errors.As(err, &ps) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build error = %v\nwant problems containing %q", err, tt.want)
			}
		})
	}
}

func TestGroupName(t *testing.T) {
	for _, tc := range []struct {
		ids      []string
		platform string
		want     string
	}{
		{[]string{"confirm_order_open_business_view", "confirm_order_navigate"}, "miniprogram", "confirm_order"},
		{[]string{"authorize_miniprogram_open_business_view", "authorize_miniprogram_navigate"}, "miniprogram", "authorize"},
		{[]string{"authorize_jsapi"}, "jsapi", "authorize"},
		{[]string{"pay"}, "miniprogram", "pay"},
		{[]string{"a_x", "b_y"}, "miniprogram", "a_x"},
	} {
		if got := groupName(tc.ids, tc.platform); got != tc.want {
			t.Errorf("groupName(%v) = %s, want %s", tc.ids, got, tc.want)
		}
	}
}

// Decisions only the IR makes, each a positioned problem.
func TestIRProblems(t *testing.T) {
	const head = "package: demo\npage: {title: t, updated: 2024.01.01, source: s}\n" +
		"api: {style: wechatpay-v3, base_url: https://api.mch.weixin.qq.com, version_prefix: /v3/}\n"
	const endpoint = "endpoints:\n  - id: create_order\n    title: t\n    summary: s\n    method: POST\n" +
		"    path: /v3/orders\n    success_status: 204\n    request:\n"
	tests := []struct{ name, yaml, want string }{
		{"type named like a request struct", head + endpoint + "      - {name: a, in: body, type: string}\n" +
			"types:\n  - {id: create_order_request, title: t, fields: [{name: x, type: string}]}\n",
			"a.yaml:5:5: endpoint create_order request: generated Go name demo.CreateOrderRequest is already used by type create_order_request (a.yaml:14:5)"},
		{"boolean in a one-of group", head + endpoint + "      - {name: a, in: body, type: boolean}\n      - {name: b, in: body, type: string}\n" +
			"    rules: [{at_most_one_of: [a, b]}]\n",
			"a.yaml:14:30: request rules: a is a boolean, whose absence Go cannot tell from its zero value"},
		{"enum_name taken by other values", head + "types:\n" +
			"  - {id: a, title: t, fields: [{name: state, type: string, enum_name: OrderState, enum: [{value: X, description: x}]}]}\n" +
			"  - {id: b, title: t, fields: [{name: state, type: string, enum_name: OrderState, enum: [{value: Y, description: y}]}]}\n",
			"a.yaml:6:32: enum State: enum_name OrderState is taken by an enum with other values"},
		{"boolean in require", head + endpoint + "      - {name: a, in: body, ref: t, require: [flag]}\n" +
			"types:\n  - {id: t, title: t, fields: [{name: flag, type: boolean}]}\n",
			"a.yaml:12:46: request.a: require: flag is a boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(tt.yaml)}}, "", Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// A named type is one struct, declared in the package of its file and
// referred to from the others.
func TestSharedTypeDeclaredOnce(t *testing.T) {
	fsys := fstest.MapFS{
		"common.yaml": {Data: []byte("package: payscore\npage: {title: t, updated: 2024.01.01, source: s}\n" +
			"types:\n  - {id: post_payment, title: t, fields: [{name: name, type: string}]}\n")},
		"a.yaml": {Data: []byte("package: modea\npage: {title: t, updated: 2024.01.01, source: s}\n" +
			"types:\n  - {id: holder_a, title: t, fields: [{name: p, type: array, items: {ref: post_payment}}]}\n")},
		"b.yaml": {Data: []byte("package: modeb\npage: {title: t, updated: 2024.01.01, source: s}\n" +
			"types:\n  - {id: holder_b, title: t, fields: [{name: p, ref: post_payment}]}\n")},
	}
	prog, err := Load(fsys, "", Options{ImportBase: "x.example/gen"})
	if err != nil {
		t.Fatal(err)
	}
	pp := prog.Package("payscore").Types[0]
	a := prog.Package("modea").Types[0].Fields[0].Type.Elem.Struct
	b := prog.Package("modeb").Types[0].Fields[0].Type.Struct
	if a != pp || b != pp || pp.Pkg.Path != "x.example/gen/payscore" {
		t.Errorf("PostPayment is not one struct in payscore: %p %p %p (%s)", pp, a, b, pp.Pkg.Path)
	}
}

// enum_name names an enum's type whatever its field is called, and equal
// value lists under one enum_name share the type.
func TestEnumName(t *testing.T) {
	fsys := fstest.MapFS{"common.yaml": {Data: []byte("package: payscore\npage: {title: t, updated: 2024.01.01, source: s}\n" +
		"types:\n" +
		"  - {id: collection, title: t, fields: [{name: state, type: string, enum_name: CollectionState, enum: [{value: USER_PAID, description: p}]}]}\n" +
		"  - {id: detail, title: t, fields: [{name: state, type: string, enum_name: CollectionState, enum: [{value: USER_PAID, description: p}]},\n" +
		"      {name: kind, type: string, enum: [{value: A, description: a}]}]}\n")}}
	prog, err := Load(fsys, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	types := prog.Package("payscore").Types
	c, d := types[0].Fields[0].Type.EnumT, types[1].Fields[0].Type.EnumT
	if c.Name != "CollectionState" || c != d {
		t.Errorf("enum_name: got %s and %s (%p, %p), want one CollectionState", c.Name, d.Name, c, d)
	}
	if k := types[1].Fields[1].Type.EnumT.Name; k != "Kind" {
		t.Errorf("without enum_name: %s, want the field's name Kind", k)
	}
}
