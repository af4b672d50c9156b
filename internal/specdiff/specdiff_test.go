package specdiff

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// base is a small valid spec with one endpoint, one callback and one jump.
// Each %KEY% is replaced by a case's text (or nothing).
const base = `package: demo
page: {title: 演示, updated: "2024.01.01", seed: demo.txt}
api: {style: wechatpay-v3, base_url: https://api.mch.weixin.qq.com, version_prefix: /v3/}
endpoints:
  - id: %ID%
    title: 创建
    summary: %SUMMARY%
    method: %METHOD%
    path: %PATH%
    success_status: %STATUS%
    request:
      - {name: thing_id, in: path, type: string, required: true, max_length: 32}
%REQ%
    response:
      - {name: thing_id, type: string, required: true}
%RESP%
    error_sets: [common]
%REQRULES%
%MORE_ENDPOINTS%
callbacks:
  - id: thing_notify
    title: 通知
    summary: 通知
    method: POST
    encoding: json
    signature: WECHATPAY2-SHA256-RSA2048
    encryption: AEAD_AES_256_GCM
    events:
      - {type: DEMO.THING_DONE, summary: 完成}
%EVENTS%
    envelope:
      - name: resource
        type: object
        required: true
        fields:
          - {name: ciphertext, type: string, required: true}
%ENVELOPE%
    plaintext:
      - {name: thing_id, type: string, required: true}
%PLAIN%
%PLAINRULES%
    ack:
      success_statuses: [200, 204]
      failure_body:
        - {name: code, type: string, required: true}
%FAILURE%
    retry: {intervals: [0s, 15s]}
jumps:
  - id: open_thing
    title: 打开
    summary: 打开
    platform: miniprogram
    call: wx.openBusinessView
    business_type: %BUSINESS_TYPE%
    carrier: extra_data
    carrier_field: extraData
    params:
      - {name: businessType, type: string, required: true, const: demoThing}
      - name: extraData
        type: object
        required: true
        fields:
          - {name: package, type: string, required: true}
    data:
      - {name: package, type: string, required: true}
%DATA%
    signing: {algorithm: none}
    requires: {base_library: %BASE_LIBRARY%}
    returns:
      scene: 1038
      fields:
        - {name: query_id, type: string, required: true}
%RETURNS%
      present_when: 用户点击返回按钮时
errors:
  - {code: SYSTEM_ERROR, status: 500, description: 系统错误, solution: 稍后重试, advice: retry_same_params}
%ERRORS%
error_sets:
  - {id: common, codes: [SYSTEM_ERROR%CODES%]}
errata:
  - {id: demo-erratum, where: demo, doc: the page says 32, uses: %USES%, why: because}
%TYPES%
`

var defaults = map[string]string{
	"ID": "create_thing", "SUMMARY": "创建", "METHOD": "POST", "PATH": "/v3/things/{thing_id}", "STATUS": "200",
	"BUSINESS_TYPE": "demoThing", "BASE_LIBRARY": "2.6.0", "USES": "max 32",
}

// build renders base with the given replacements; list placeholders get the
// indentation of their list.
func build(repl map[string]string) string {
	s := base
	for key, indent := range map[string]string{
		"REQ": "      - ", "RESP": "      - ", "EVENTS": "      - ", "ENVELOPE": "          - ", "PLAIN": "      - ",
		"FAILURE": "        - ", "DATA": "      - ", "RETURNS": "        - ", "ERRORS": "  - ", "MORE_ENDPOINTS": "",
		"TYPES": "", "REQRULES": "    rules: ", "PLAINRULES": "    rules: ",
	} {
		v := repl[key]
		if v != "" && indent != "" {
			v = indent + v
		}
		if v == "" {
			s = strings.Replace(s, "%"+key+"%\n", "", 1)
		} else {
			s = strings.Replace(s, "%"+key+"%", v, 1)
		}
	}
	for key, def := range defaults {
		v := repl[key]
		if v == "" {
			v = def
		}
		s = strings.Replace(s, "%"+key+"%", v, 1)
	}
	if repl["STATUS"] == "204" {
		s = strings.Replace(s, "    response:\n      - {name: thing_id, type: string, required: true}\n", "", 1)
	}
	return strings.Replace(s, "%CODES%", repl["CODES"], 1)
}

func load(t *testing.T, label, text string) *spec.Spec {
	t.Helper()
	s, err := spec.LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(text)}}, label)
	if err != nil {
		t.Fatalf("%s does not load: %v\n%s", label, err, text)
	}
	return s
}

type expect struct {
	level Level
	text  string // a substring of the change's subject and message
}

// Every rule of the issue, in both directions: forward compares a -> b,
// backward b -> a.
var rules = []struct {
	name              string
	a, b              map[string]string
	forward, backward expect
}{
	{"request max_length",
		map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 80}"},
		map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 50}"},
		expect{Breaking, "request.reason: max_length lowered from 80 to 50"},
		expect{Warning, "request.reason: max_length raised from 50 to 80"}},
	{"request max_length added",
		map[string]string{"REQ": "{name: reason, in: body, type: string}"},
		map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 50}"},
		expect{Breaking, "max_length 50 added"},
		expect{Warning, "max_length 50 removed"}},
	{"request min_length",
		map[string]string{"REQ": "{name: reason, in: body, type: string, min_length: 1}"},
		map[string]string{"REQ": "{name: reason, in: body, type: string, min_length: 5}"},
		expect{Breaking, "min_length raised from 1 to 5"},
		expect{Warning, "min_length lowered from 5 to 1"}},
	{"request maximum",
		map[string]string{"REQ": "{name: count, in: body, type: integer, minimum: 1, maximum: 100}"},
		map[string]string{"REQ": "{name: count, in: body, type: integer, minimum: 1, maximum: 10}"},
		expect{Breaking, "request.count: maximum lowered from 100 to 10"},
		expect{Warning, "maximum raised from 10 to 100"}},
	{"request minimum",
		map[string]string{"REQ": "{name: count, in: body, type: integer, minimum: 0}"},
		map[string]string{"REQ": "{name: count, in: body, type: integer, minimum: 1}"},
		expect{Breaking, "minimum raised from 0 to 1"},
		expect{Warning, "minimum lowered from 1 to 0"}},
	{"request enum value",
		map[string]string{"REQ": "{name: kind, in: body, type: string, enum: [{value: A, description: a}, {value: B, description: b}]}"},
		map[string]string{"REQ": "{name: kind, in: body, type: string, enum: [{value: A, description: a}]}"},
		expect{Breaking, "request.kind: enum value B removed"},
		expect{Warning, "request.kind: enum value B added"}},
	{"request pattern added",
		map[string]string{"REQ": "{name: code, in: body, type: string}"},
		map[string]string{"REQ": "{name: code, in: body, type: string, pattern: '^[0-9]+$'}"},
		expect{Breaking, "pattern ^[0-9]+$ added"},
		expect{Warning, "pattern ^[0-9]+$ removed"}},
	{"request pattern changed",
		map[string]string{"REQ": "{name: code, in: body, type: string, pattern: '^[0-9A-Z]+$'}"},
		map[string]string{"REQ": "{name: code, in: body, type: string, pattern: '^[0-9]+$'}"},
		expect{Breaking, "pattern changed from ^[0-9A-Z]+$ to ^[0-9]+$"},
		expect{Breaking, "pattern changed from ^[0-9]+$ to ^[0-9A-Z]+$"}},
	{"request const",
		map[string]string{"REQ": "{name: kind, in: body, type: string}"},
		map[string]string{"REQ": "{name: kind, in: body, type: string, const: X}"},
		expect{Breaking, `const "X" added`},
		expect{Warning, `const "X" removed`}},
	{"request 4-byte UTF-8",
		map[string]string{"REQ": "{name: reason, in: body, type: string}"},
		map[string]string{"REQ": "{name: reason, in: body, type: string, reject_4byte_utf8: true}"},
		expect{Breaking, "reject_4byte_utf8 changed from false to true"},
		expect{Warning, "reject_4byte_utf8 changed from true to false"}},
	{"request field becomes required",
		map[string]string{"REQ": "{name: reason, in: body, type: string}"},
		map[string]string{"REQ": "{name: reason, in: body, type: string, required: true}"},
		expect{Breaking, "request field became required"},
		expect{Info, "request field became optional"}},
	{"request field removed / optional field added",
		map[string]string{"REQ": "{name: reason, in: body, type: string}"},
		map[string]string{},
		expect{Breaking, "request.reason: request field removed"},
		expect{Info, "request.reason: new optional request field"}},
	{"required request field added",
		map[string]string{},
		map[string]string{"REQ": "{name: reason, in: body, type: string, required: true}"},
		expect{Breaking, "request.reason: new required request field"},
		expect{Breaking, "request.reason: request field removed"}},
	{"request field renamed",
		map[string]string{"REQ": "{name: reason, title: 撤销原因, in: body, type: string}"},
		map[string]string{"REQ": "{name: cancel_reason, title: 撤销原因, in: body, type: string}"},
		expect{Breaking, "request.reason: renamed to cancel_reason"},
		expect{Breaking, "request.cancel_reason: renamed to reason"}},
	{"request location",
		map[string]string{"REQ": "{name: reason, in: body, type: string}"},
		map[string]string{"REQ": "{name: reason, in: query, type: string}"},
		expect{Breaking, "location changed from body to query"},
		expect{Breaking, "location changed from query to body"}},
	{"type",
		map[string]string{"REQ": "{name: amount, in: body, type: string}"},
		map[string]string{"REQ": "{name: amount, in: body, type: integer}"},
		expect{Breaking, "type changed from string to integer"},
		expect{Breaking, "type changed from integer to string"}},
	{"format",
		map[string]string{"RESP": "{name: at, type: string}"},
		map[string]string{"RESP": "{name: at, type: string, format: rfc3339}"},
		expect{Breaking, "format changed from (none) to rfc3339"},
		expect{Breaking, "format changed from rfc3339 to (none)"}},
	{"nested request member",
		map[string]string{"REQ": "{name: risk, in: body, type: object, fields: [{name: name, type: string, max_length: 30}]}"},
		map[string]string{"REQ": "{name: risk, in: body, type: object, fields: [{name: name, type: string, max_length: 20}]}"},
		expect{Breaking, "request.risk.name: max_length lowered from 30 to 20"},
		expect{Warning, "request.risk.name: max_length raised from 20 to 30"}},
	{"response field becomes optional",
		map[string]string{"RESP": "{name: state, type: string, required: true}"},
		map[string]string{"RESP": "{name: state, type: string}"},
		expect{Breaking, "response.state: response field became optional"},
		expect{Info, "response.state: response field became required"}},
	{"response field removed / added",
		map[string]string{"RESP": "{name: state, type: string}"},
		map[string]string{},
		expect{Breaking, "response.state: response field removed"},
		expect{Info, "response.state: new response field"}},
	{"response max_length",
		map[string]string{"RESP": "{name: token, type: string, max_length: 300}"},
		map[string]string{"RESP": "{name: token, type: string, max_length: 2048}"},
		expect{Breaking, "response.token: max_length raised from 300 to 2048 (response limit widened"},
		expect{Info, "max_length lowered from 2048 to 300 (response limit tightened"}},
	{"response min_length",
		map[string]string{"RESP": "{name: token, type: string, min_length: 1}"},
		map[string]string{"RESP": "{name: token, type: string}"},
		expect{Breaking, "min_length lowered from 1 to 0"},
		expect{Info, "min_length raised from 0 to 1"}},
	{"response enum value",
		map[string]string{"RESP": "{name: state, type: string, enum: [{value: DONE, description: 完成}]}"},
		map[string]string{"RESP": "{name: state, type: string, enum: [{value: DONE, description: 完成}, {value: EXPIRED, description: 已失效}]}"},
		expect{Breaking, "response.state: enum value EXPIRED added"},
		expect{Info, "response.state: enum value EXPIRED removed"}},
	{"response enum dropped",
		map[string]string{"RESP": "{name: state, type: string, enum: [{value: DONE, description: 完成}]}"},
		map[string]string{"RESP": "{name: state, type: string}"},
		expect{Breaking, "enum removed (was DONE)"},
		expect{Info, "enum added (DONE)"}},
	{"response alias",
		map[string]string{"RESP": "{name: mchid, type: string, aliases: [mch_id]}"},
		map[string]string{"RESP": "{name: mchid, type: string}"},
		expect{Breaking, "alias mch_id removed"},
		expect{Info, "alias mch_id added"}},
	{"path",
		map[string]string{"PATH": "/v3/things/{thing_id}"},
		map[string]string{"PATH": "/v3/things/{thing_id}/create"},
		expect{Breaking, "path changed from /v3/things/{thing_id} to /v3/things/{thing_id}/create"},
		expect{Breaking, "path changed from /v3/things/{thing_id}/create to /v3/things/{thing_id}"}},
	{"method",
		map[string]string{"METHOD": "POST"},
		map[string]string{"METHOD": "PUT"},
		expect{Breaking, "method changed from POST to PUT"},
		expect{Breaking, "method changed from PUT to POST"}},
	{"success status",
		map[string]string{"STATUS": "200"},
		map[string]string{"STATUS": "204", "RESP": ""},
		expect{Breaking, "success_status changed from 200 to 204"},
		expect{Breaking, "success_status changed from 204 to 200"}},
	{"endpoint removed / added",
		map[string]string{"MORE_ENDPOINTS": "  - {id: get_thing, title: 查询, summary: 查询, method: GET, path: /v3/things, success_status: 204}"},
		map[string]string{},
		expect{Breaking, "endpoint get_thing: endpoint removed (GET /v3/things)"},
		expect{Info, "endpoint get_thing: new endpoint GET /v3/things"}},
	{"endpoint renamed",
		map[string]string{"ID": "create_thing"},
		map[string]string{"ID": "make_thing"},
		expect{Breaking, "endpoint create_thing: renamed to make_thing"},
		expect{Breaking, "endpoint make_thing: renamed to create_thing"}},
	{"error code removed / added",
		map[string]string{"ERRORS": "{code: ORDER_DONE, status: 400, description: 订单已完成, solution: 无需操作, advice: nothing_to_do}", "CODES": ", ORDER_DONE"},
		map[string]string{},
		expect{Breaking, "error code ORDER_DONE: error code removed"},
		expect{Info, "error code ORDER_DONE: new error code (status 400)"}},
	{"errata",
		map[string]string{"USES": "max 32"},
		map[string]string{"USES": "max 64"},
		expect{Warning, "erratum demo-erratum: uses changed"},
		expect{Warning, "erratum demo-erratum: uses changed"}},
	{"jump version gate",
		map[string]string{"BASE_LIBRARY": "2.6.0"},
		map[string]string{"BASE_LIBRARY": "2.10.0"},
		expect{Warning, "version gate changed from base_library 2.6.0 to base_library 2.10.0"},
		expect{Warning, "version gate changed from base_library 2.10.0 to base_library 2.6.0"}},
	{"jump business type",
		map[string]string{"BUSINESS_TYPE": "demoThing"},
		map[string]string{"BUSINESS_TYPE": "demoOther"},
		expect{Breaking, "business_type changed from demoThing to demoOther"},
		expect{Breaking, "business_type changed from demoOther to demoThing"}},
	{"jump data is sent",
		map[string]string{"DATA": "{name: nonce, type: string, max_length: 64}"},
		map[string]string{"DATA": "{name: nonce, type: string, max_length: 32}"},
		expect{Breaking, "jump open_thing data.nonce: max_length lowered from 64 to 32"},
		expect{Warning, "jump open_thing data.nonce: max_length raised from 32 to 64"}},
	{"jump return data is received",
		map[string]string{"RETURNS": "{name: extra, type: string, max_length: 64}"},
		map[string]string{"RETURNS": "{name: extra, type: string, max_length: 512}"},
		expect{Breaking, "jump open_thing returns.extra: max_length raised from 64 to 512"},
		expect{Info, "jump open_thing returns.extra: max_length lowered from 512 to 64"}},
	{"callback plaintext is received",
		map[string]string{"PLAIN": "{name: state, type: string, enum: [{value: DONE, description: 完成}]}"},
		map[string]string{"PLAIN": "{name: state, type: string, enum: [{value: DONE, description: 完成}, {value: PAID, description: 已支付}]}"},
		expect{Breaking, "callback thing_notify plaintext.state: enum value PAID added"},
		expect{Info, "callback thing_notify plaintext.state: enum value PAID removed"}},
	{"callback envelope member",
		map[string]string{"ENVELOPE": "{name: nonce, type: string, required: true}"},
		map[string]string{"ENVELOPE": "{name: nonce, type: string}"},
		expect{Breaking, "envelope.resource.nonce: response field became optional"},
		expect{Info, "envelope.resource.nonce: response field became required"}},
	{"callback failure answer is sent",
		map[string]string{"FAILURE": "{name: message, type: string, max_length: 256}"},
		map[string]string{"FAILURE": "{name: message, type: string, max_length: 64}"},
		expect{Breaking, "ack.failure_body.message: max_length lowered from 256 to 64"},
		expect{Warning, "ack.failure_body.message: max_length raised from 64 to 256"}},
	{"callback event type",
		map[string]string{"EVENTS": "{type: DEMO.THING_PAID, summary: 支付}"},
		map[string]string{},
		expect{Breaking, "event type DEMO.THING_PAID removed"},
		expect{Warning, "new event type DEMO.THING_PAID"}},
	{"array max_items",
		map[string]string{"REQ": "{name: items, in: body, type: array, max_items: 100, items: {type: string}}"},
		map[string]string{"REQ": "{name: items, in: body, type: array, max_items: 50, items: {type: string}}"},
		expect{Breaking, "request.items: max_items lowered from 100 to 50"},
		expect{Warning, "request.items: max_items raised from 50 to 100"}},
	{"array min_items",
		map[string]string{"RESP": "{name: items, type: array, min_items: 1, items: {type: string}}"},
		map[string]string{"RESP": "{name: items, type: array, items: {type: string}}"},
		expect{Breaking, "response.items: min_items lowered from 1 to 0"},
		expect{Info, "response.items: min_items raised from 0 to 1"}},
	{"array item members",
		map[string]string{"REQ": "{name: payments, in: body, type: array, items: {type: object, fields: [{name: name, type: string, max_length: 20}]}}"},
		map[string]string{"REQ": "{name: payments, in: body, type: array, items: {type: object, fields: [{name: name, type: string, max_length: 10}]}}"},
		expect{Breaking, "request.payments[].name: max_length lowered from 20 to 10"},
		expect{Warning, "request.payments[].name: max_length raised from 10 to 20"}},
	{"array scalar items",
		map[string]string{"RESP": "{name: ids, type: array, items: {type: string, max_length: 32}}"},
		map[string]string{"RESP": "{name: ids, type: array, items: {type: string, max_length: 64}}"},
		expect{Breaking, "response.ids[]: max_length raised from 32 to 64"},
		expect{Info, "response.ids[]: max_length lowered from 64 to 32"}},
	{"member of a ref type",
		map[string]string{"RESP": "{name: item, ref: item}", "TYPES": "types:\n  - {id: item, title: 项目, fields: [{name: name, type: string, max_length: 20}]}"},
		map[string]string{"RESP": "{name: item, ref: item}", "TYPES": "types:\n  - {id: item, title: 项目, fields: [{name: name, type: string, max_length: 30}]}"},
		expect{Breaking, "response.item.name: max_length raised from 20 to 30"},
		expect{Info, "response.item.name: max_length lowered from 30 to 20"}},
	{"require at the use",
		map[string]string{"REQ": "{name: item, in: body, ref: item}", "TYPES": "types:\n  - {id: item, title: 项目, fields: [{name: name, type: string}]}"},
		map[string]string{"REQ": "{name: item, in: body, ref: item, require: [name]}", "TYPES": "types:\n  - {id: item, title: 项目, fields: [{name: name, type: string}]}"},
		expect{Breaking, "request.item.name: request field became required"},
		expect{Info, "request.item.name: request field became optional"}},
	{"type Go name",
		map[string]string{"RESP": "{name: item, ref: item}", "TYPES": "types:\n  - {id: item, title: 项目, fields: [{name: name, type: string}]}"},
		map[string]string{"RESP": "{name: item, ref: item}", "TYPES": "types:\n  - {id: item, go_name: Thing, title: 项目, fields: [{name: name, type: string}]}"},
		expect{Breaking, "type item: Go name changed from Item to Thing"},
		expect{Breaking, "type item: Go name changed from Thing to Item"}},
	{"request rule",
		map[string]string{"REQ": "{name: a, in: body, type: string}\n      - {name: b, in: body, type: string}"},
		map[string]string{"REQ": "{name: a, in: body, type: string}\n      - {name: b, in: body, type: string}", "REQRULES": "[{exactly_one_of: [a, b]}]"},
		expect{Breaking, "rule exactly_one_of [a, b] added"},
		expect{Warning, "rule exactly_one_of [a, b] removed"}},
	{"response rule",
		map[string]string{"PLAIN": "{name: a, type: string}\n      - {name: b, type: string}", "PLAINRULES": "[{at_most_one_of: [a, b]}]"},
		map[string]string{"PLAIN": "{name: a, type: string}\n      - {name: b, type: string}"},
		expect{Breaking, "rule at_most_one_of [a, b] removed"},
		expect{Info, "rule at_most_one_of [a, b] added"}},
	{"formats and literals",
		map[string]string{"REQ": "{name: start, in: body, type: string, formats: [yyyyMMddHHmmss, yyyyMMdd], literals: [OnAccept]}"},
		map[string]string{"REQ": "{name: start, in: body, type: string, formats: [yyyyMMddHHmmss], literals: [OnAccept]}"},
		expect{Breaking, "request.start: formats: yyyyMMdd removed"},
		expect{Warning, "request.start: formats: yyyyMMdd added"}},
	{"fen",
		map[string]string{"REQ": "{name: amount, in: body, type: integer}"},
		map[string]string{"REQ": "{name: amount, in: body, type: integer, format: fen}"},
		expect{Breaking, "format changed from (none) to fen"},
		expect{Breaking, "format changed from fen to (none)"}},
	{"descriptions",
		map[string]string{"SUMMARY": "创建"},
		map[string]string{"SUMMARY": "创建一个"},
		expect{Info, "endpoint create_thing: summary changed"},
		expect{Info, "endpoint create_thing: summary changed"}},
}

func TestRulesBothWays(t *testing.T) {
	for _, tc := range rules {
		t.Run(tc.name, func(t *testing.T) {
			a, b := load(t, "a", build(tc.a)), load(t, "b", build(tc.b))
			checkHas(t, Compare(a, b), tc.forward, "b")
			checkHas(t, Compare(b, a), tc.backward, "a")
		})
	}
}

func checkHas(t *testing.T, changes []Change, want expect, newLabel string) {
	t.Helper()
	for _, c := range changes {
		if strings.Contains(c.Subject+": "+c.Message, want.text) {
			if c.Level != want.level {
				t.Errorf("%q: level %s, want %s\n%s", want.text, c.Level, want.level, c)
			}
			if c.InOld || !strings.HasPrefix(c.Pos.File, newLabel+"/") || c.Pos.Line == 0 {
				t.Errorf("%q: position %s:%d does not point into the new spec", want.text, c.Pos.File, c.Pos.Line)
			}
			return
		}
	}
	var buf bytes.Buffer
	_ = WriteText(&buf, changes)
	t.Errorf("no change %q; got:\n%s", want.text, buf.String())
}

func TestIdenticalSpecsHaveNoChanges(t *testing.T) {
	text := build(map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 50}"})
	if changes := Compare(load(t, "a", text), load(t, "b", text)); len(changes) != 0 {
		t.Errorf("changes between identical specs: %v", changes)
	}
}

// The position is the line of the changed value in the new file.
func TestPositionPointsAtTheValue(t *testing.T) {
	oldText := build(map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 80}"})
	newText := build(map[string]string{"REQ": "{name: reason, in: body, type: string,\n          max_length: 50}"})
	changes := Compare(load(t, "old", oldText), load(t, "new", newText))
	if len(changes) != 1 {
		t.Fatalf("want one change, got %v", changes)
	}
	line := strings.Split(newText, "\n")[changes[0].Pos.Line-1]
	if !strings.Contains(line, "max_length: 50") {
		t.Errorf("change at line %d %q, want the max_length line", changes[0].Pos.Line, line)
	}
	if want := "new/demo.yaml:"; !strings.HasPrefix(changes[0].String(), want) {
		t.Errorf("text %q does not start with %q", changes[0], want)
	}
}

// A removed item whose file is gone points into old; such changes sort last.
func TestRemovedFileFallsBackToOld(t *testing.T) {
	a := build(nil)
	other := strings.Replace(strings.Replace(a, "create_thing", "other_thing", 1), "/v3/things/{thing_id}", "/v3/others/{thing_id}", 1)
	other = other[:strings.Index(other, "callbacks:")] // endpoints only
	other = strings.Replace(other, "error_sets: [common]", "", 1)
	oldSpec, err := spec.LoadFS(fstest.MapFS{"demo.yaml": {Data: []byte(a)}, "other.yaml": {Data: []byte(other)}}, "old")
	if err != nil {
		t.Fatal(err)
	}
	changes := Compare(oldSpec, load(t, "new", a))
	if len(changes) != 2 {
		t.Fatalf("want the file and its endpoint removed, got %v", changes)
	}
	for i, want := range []string{"old/other.yaml:1: info: file other.yaml: spec file removed",
		"old/other.yaml:5: breaking: endpoint other_thing: endpoint removed (POST /v3/others/{thing_id})"} {
		if !changes[i].InOld || !strings.HasPrefix(changes[i].String(), want) {
			t.Errorf("change %d = %v (in old %t), want %q", i, changes[i], changes[i].InOld, want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	a := load(t, "a", build(map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 80}"}))
	b := load(t, "b", build(map[string]string{"REQ": "{name: reason, in: body, type: string, max_length: 50, description: 原因|说明}"}))
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, Compare(a, b), "a", "b"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"1 breaking, 0 warnings, 1 info.", "#### breaking (1)", "| `b/demo.yaml:", "#### info (1)", "max_length lowered from 80 to 50"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "#### breaking") > strings.Index(out, "#### info") {
		t.Errorf("breaking does not come first:\n%s", out)
	}
	buf.Reset()
	_ = WriteMarkdown(&buf, nil, "a", "b")
	if !strings.Contains(buf.String(), "No API changes.") {
		t.Errorf("empty markdown: %q", buf.String())
	}
}

func TestHighestAndParseLevel(t *testing.T) {
	if _, any := Highest(nil); any {
		t.Error("Highest(nil) found something")
	}
	if hi, _ := Highest([]Change{{Level: Info}, {Level: Breaking}, {Level: Warning}}); hi != Breaking {
		t.Errorf("Highest = %s", hi)
	}
	for _, l := range []Level{Info, Warning, Breaking} {
		if got, err := ParseLevel(l.String()); err != nil || got != l {
			t.Errorf("ParseLevel(%s) = %v, %v", l, got, err)
		}
	}
	if _, err := ParseLevel("fatal"); err == nil {
		t.Error("ParseLevel(fatal) succeeded")
	}
}
