package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// good is a minimal valid file; cases below break one thing at a time.
const good = `package: payscore
page:
  title: 从业机构预授权
  updated: 2022.06.09
  seed: 003.txt
api:
  style: wechatpay-v3
  base_url: https://api.mch.weixin.qq.com
  version_prefix: /v3/
endpoints:
  - id: query_authorization
    title: 查询
    summary: 查询授权
    method: GET
    path: /v3/payscore/acquiringbank/permissions/authorization-code/{authorization_code}
    success_status: 200
    request:
      - name: authorization_code
        in: path
        type: string
        required: true
        min_length: 1
        max_length: 32
        pattern: '^[0-9A-Za-z_\-|*]+$'
        example: 1234323JKHDFE1243252
    response:
      - name: authorization_state
        type: string
        enum:
          - {value: AVAILABLE, description: 用户已授权服务}
        example: AVAILABLE
    error_sets: [common]
errors:
  - {code: SYSTEM_ERROR, status: 500, description: 系统错误, solution: 稍后重试, advice: retry_same_params}
error_sets:
  - {id: common, codes: [SYSTEM_ERROR]}
`

func load(t *testing.T, files map[string]string) Problems {
	t.Helper()
	_, err := LoadFS(mapFS(files), "spec")
	if err == nil {
		return nil
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("LoadFS: %v (not Problems)", err)
	}
	return ps
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

func lines(ps Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func TestLoadGood(t *testing.T) {
	if ps := load(t, map[string]string{"a.yaml": good}); ps != nil {
		t.Fatalf("unexpected problems:\n%v", ps)
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // applied to good
		want    []string
	}{
		{
			name:    "unknown key with suggestion",
			replace: [2]string{"max_length: 32", "max_lenght: 32"},
			want:    []string{`spec/a.yaml:23:9: unknown key "max_lenght" (did you mean "max_length"?)`},
		},
		{
			name:    "wrong type",
			replace: [2]string{"max_length: 32", "max_length: thirty-two"},
			want:    []string{`spec/a.yaml:23:21: max_length: expected an integer, found the string "thirty-two"`},
		},
		{
			name:    "bad enum value",
			replace: [2]string{"method: GET", "method: FETCH"},
			want:    []string{`spec/a.yaml:14:13: method: "FETCH" is not one of GET, POST, PUT, PATCH, DELETE`},
		},
		{
			name:    "missing required key",
			replace: [2]string{"    summary: 查询授权\n", ""},
			want:    []string{`spec/a.yaml:11:5: missing required key "summary"`},
		},
		{
			name:    "min greater than max",
			replace: [2]string{"min_length: 1", "min_length: 40"},
			want: []string{
				`spec/a.yaml:22:21: request.authorization_code: min_length 40 is greater than max_length 32`,
				`spec/a.yaml:25:18: request.authorization_code: example "1234323JKHDFE1243252" is 20 characters, under min_length 40; fix it or name the erratum that explains it`,
			},
		},
		{
			name:    "path outside the version prefix",
			replace: [2]string{"path: /v3/payscore", "path: /payscore"},
			want: []string{
				`spec/a.yaml:15:11: endpoint query_authorization: path "/payscore/acquiringbank/permissions/authorization-code/{authorization_code}" is not under the API version prefix /v3/`,
			},
		},
		{
			name:    "path without leading slash",
			replace: [2]string{"path: /v3/payscore", "path: v3/payscore"},
			want: []string{
				`spec/a.yaml:15:11: endpoint query_authorization: path "v3/payscore/acquiringbank/permissions/authorization-code/{authorization_code}" must be absolute (start with /)`,
			},
		},
		{
			name:    "path parameter not declared, declared one not used",
			replace: [2]string{"{authorization_code}", "{code}"},
			want: []string{
				`spec/a.yaml:15:11: endpoint query_authorization: path parameter {code} is not declared in request`,
				`spec/a.yaml:19:13: request field authorization_code is in: path but the path "/v3/payscore/acquiringbank/permissions/authorization-code/{code}" has no {authorization_code}`,
			},
		},
		{
			name:    "example over its limit without erratum",
			replace: [2]string{"example: 1234323JKHDFE1243252", "example: 1234323JKHDFE1243252123456789012345"},
			want: []string{
				`spec/a.yaml:25:18: request.authorization_code: example "1234323JKHDFE1243252123456789012345" is 35 characters, over max_length 32; fix it or name the erratum that explains it`,
			},
		},
		{
			name:    "example breaks the pattern",
			replace: [2]string{"example: 1234323JKHDFE1243252", "example: 1234 5"},
			want: []string{
				`spec/a.yaml:25:18: request.authorization_code: example "1234 5" does not match pattern ^[0-9A-Za-z_\-|*]+$; fix it or name the erratum that explains it`,
			},
		},
		{
			name:    "enum example not in enum",
			replace: [2]string{"example: AVAILABLE", "example: UNAVAILABLE"},
			want: []string{
				`spec/a.yaml:31:18: response.authorization_state: example "UNAVAILABLE" is not one of the enum values; fix it or name the erratum that explains it`,
			},
		},
		{
			name:    "unknown error set and erratum",
			replace: [2]string{"error_sets: [common]\n", "error_sets: [commons]\n    go_name: queryAuth\n"},
			want: []string{
				`spec/a.yaml:32:17: endpoint query_authorization: unknown error set "commons"`,
				`spec/a.yaml:33:14: endpoint query_authorization: go_name "queryAuth" is not an exported Go identifier`,
			},
		},
		{
			name:    "error code with a stray space",
			replace: [2]string{"code: SYSTEM_ERROR, status", "code: SYSTEM_ ERROR, status"},
			want: []string{
				`spec/a.yaml:34:12: error code "SYSTEM_ ERROR" must be upper-case letters, digits and _ (a stray space in the doc belongs in an erratum)`,
				`spec/a.yaml:36:5: error set "common": unknown error code "SYSTEM_ERROR"`,
			},
		},
		{
			name:    "invalid yaml",
			replace: [2]string{"    method: GET\n", "    method: [GET\n"},
			want:    []string{`spec/a.yaml:14:1: invalid YAML: did not find expected ',' or ']'`},
		},
		{
			name:    "list where a mapping belongs",
			replace: [2]string{"page:\n  title: 从业机构预授权", "page: [1]\nx:\n  title: 从业机构预授权"},
			want: []string{
				`spec/a.yaml:2:7: page: expected a mapping, found a list`,
				`spec/a.yaml:3:1: unknown key "x"`,
			},
		},
		{
			name:    "bad updated date",
			replace: [2]string{"updated: 2022.06.09", "updated: 2022-06-09"},
			want:    []string{`spec/a.yaml:4:12: page.updated "2022-06-09" must be written as on the page, yyyy.mm.dd`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.replace[0]) {
				t.Fatalf("test is stale: %q not in the good file", tt.replace[0])
			}
			body := strings.Replace(good, tt.replace[0], tt.replace[1], 1)
			got := lines(load(t, map[string]string{"a.yaml": body}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// Every problem in every file is reported in one run, in file order.
func TestLoadReportsAllFiles(t *testing.T) {
	bad1 := strings.Replace(good, "method: GET", "method: FETCH", 1)
	bad2 := strings.Replace(good, "package: payscore", "package: payscore\nextra: 1", 1)
	bad2 = strings.Replace(bad2, "id: query_authorization", "id: other_query", 1)
	bad2 = strings.Replace(bad2, "{code: SYSTEM_ERROR, status: 500", "{code: SYSTEM_ERROR, status: 200", 1)
	got := lines(load(t, map[string]string{"b/one.yaml": bad1, "a/two.yaml": bad2}))
	want := []string{
		`spec/a/two.yaml:2:1: unknown key "extra"`,
		`spec/a/two.yaml:35:34: error code SYSTEM_ERROR: status 200 is not a 4xx or 5xx HTTP status`,
		`spec/b/one.yaml:14:13: method: "FETCH" is not one of GET, POST, PUT, PATCH, DELETE`,
		`spec/b/one.yaml:34:5: error code SYSTEM_ERROR is already defined at spec/a/two.yaml:35:5`,
		`spec/b/one.yaml:36:5: error set "common" is already defined at spec/a/two.yaml:37:5`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLoadCallbackOneOf(t *testing.T) {
	cb := `package: payscore
page: {title: t, updated: 2022.06.16, seed: s}
callbacks:
  - id: notify
    title: t
    summary: s
    method: POST
    encoding: json
    signature: WECHATPAY2-SHA256-RSA2048
    encryption: AEAD_AES_256_GCM
    events: [{type: PAYSCORE.USER_OPEN_SERVICE, summary: s}]
    envelope:
      - name: resource
        type: object
        fields: [{name: ciphertext, type: string}]
    plaintext:
      - {name: openid, type: string, required: true}
    one_of:
      - {name: user_id, fields: [openid, sub_openid]}
    ack: {success_statuses: [200, 302]}
    retry: {intervals: [0s, 15x]}
`
	got := lines(load(t, map[string]string{"cb.yaml": cb}))
	want := []string{
		`spec/cb.yaml:17:9: plaintext.openid is in one_of user_id, so it cannot be required on its own`,
		`spec/cb.yaml:19:33: one_of user_id: "sub_openid" is not a plaintext field`,
		`spec/cb.yaml:20:29: ack.success_statuses: 302 is not a 2xx status`,
		`spec/cb.yaml:21:24: retry.intervals: "15x" is not a duration such as 15s, 30m or 72h`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// The shipped spec is the product: it must load without a single problem.
func TestShippedSpecLoads(t *testing.T) {
	s, err := LoadDir("../../spec")
	if err != nil {
		t.Fatalf("shipped spec:\n%v", err)
	}
	var eps, cbs, jumps int
	for _, f := range s.Files {
		eps += len(f.Endpoints)
		cbs += len(f.Callbacks)
		jumps += len(f.Jumps)
	}
	if eps < 4 || cbs < 2 || jumps < 10 {
		t.Errorf("shipped spec looks incomplete: %s", s.Summary())
	}
}

// A small file can describe a huge tree through aliases; the loader gives
// up on it with a bounded number of problems instead of listing millions.
func TestAliasBombIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &x {")
	for i := range 5000 {
		fmt.Fprintf(&b, "k%d: 1, ", i)
	}
	b.WriteString("}\nendpoints: [")
	for range 2000 {
		b.WriteString("*x, ")
	}
	b.WriteString("]\n")
	_, ps := Parse("bomb.yaml", []byte(b.String()))
	if len(ps) > maxProblemsPerFile+2 {
		t.Fatalf("%d problems", len(ps))
	}
	text := ps.Error()
	if !strings.Contains(text, "too many problems in this file") || !strings.Contains(text, "giving up on this file") {
		t.Errorf("problems do not say the file was cut short:\n%.500s", text)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(orders))
	f.Add([]byte("page: [1\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Add([]byte("endpoints:\n  - request:\n      - fields: [{fields: [{}]}]\n"))
	f.Add([]byte("errors: [&e {code: A}, *e, *e, ~]\ntypes: [{id: a, fields: [{name: x, ref: a}]}]\n"))
	f.Add([]byte("package: x\npage: {title: t, updated: 2024.01.01, source: s}\ndescription: \xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, ps := Parse("fuzz.yaml", data)
		if file == nil && len(ps) == 0 {
			t.Fatal("no file and no problem")
		}
		for _, p := range ps {
			if p.Pos.Line < 1 || p.Pos.File != "fuzz.yaml" {
				t.Fatalf("bad position %+v", p)
			}
		}
		// The checks across files run too, beside a valid file: no panic,
		// every problem positioned in one of the files.
		_, err := LoadFS(mapFS(map[string]string{"fuzz.yaml": string(data), "good.yaml": strings.Replace(good, "SYSTEM_ERROR", "OTHER_ERROR", -1)}), "spec")
		var all Problems
		if err != nil && !errors.As(err, &all) {
			t.Fatalf("LoadFS: %v (not Problems)", err)
		}
		for _, p := range all {
			if p.Pos.Line < 1 || (p.Pos.File != "spec/fuzz.yaml" && p.Pos.File != "spec/good.yaml") {
				t.Fatalf("bad position %+v: %s", p.Pos, p.Message)
			}
		}
	})
}
