package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/internal/spec"
)

func importFile(t *testing.T, path string) *Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(filepath.Base(path), data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

// todoLines returns the 1-based lines a TODO speaks for: the line that
// carries it, and the line after a comment block that holds one.
func todoLines(yaml []byte) map[int]bool {
	out := map[int]bool{}
	lines := strings.Split(string(yaml), "\n")
	pending := false
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "#") {
			pending = pending || strings.Contains(trimmed, "TODO")
			continue
		}
		if strings.Contains(l, "# TODO") || pending {
			out[i+1] = true
		}
		pending = false
	}
	return out
}

// checkOnlyTODO loads the drafts as a spec directory and requires every
// problem `payscoregen check` reports to sit on a line a TODO marks.
func checkOnlyTODO(t *testing.T, res *Result) {
	t.Helper()
	dir := t.TempDir()
	marked := map[string]map[int]bool{}
	for _, d := range res.Drafts {
		if err := os.WriteFile(filepath.Join(dir, d.File), d.YAML, 0o644); err != nil {
			t.Fatal(err)
		}
		marked[filepath.ToSlash(filepath.Join(dir, d.File))] = todoLines(d.YAML)
	}
	_, err := spec.LoadDir(dir)
	var problems spec.Problems
	if err != nil && !errors.As(err, &problems) {
		t.Fatal(err)
	}
	for _, p := range problems {
		if !marked[p.Pos.File][p.Pos.Line] {
			var yaml []byte
			for _, d := range res.Drafts {
				if strings.HasSuffix(p.Pos.File, "/"+d.File) {
					yaml = d.YAML
				}
			}
			t.Errorf("check reports a problem on a line without a TODO: %s\n%s", p, numbered(yaml, p.Pos.Line))
		}
	}
}

// numbered shows the lines around line n, for failure messages.
func numbered(yaml []byte, n int) string {
	lines := strings.Split(string(yaml), "\n")
	var b strings.Builder
	for i := max(0, n-4); i < min(len(lines), n+2); i++ {
		mark := "  "
		if i+1 == n {
			mark = "> "
		}
		b.WriteString(mark + lines[i] + "\n")
	}
	return b.String()
}

func samples(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, glob := range []string{"testdata/seeds/*.txt", "testdata/newlayout/*.txt"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 8 {
		t.Fatalf("only %d sample pages in testdata", len(paths))
	}
	return paths
}

func TestDraftsFailCheckOnlyOnTODOLines(t *testing.T) {
	for _, path := range samples(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			res := importFile(t, path)
			checkOnlyTODO(t, res)
			for _, d := range res.Drafts {
				if !bytes.HasPrefix(d.YAML, []byte("# Draft of ")) {
					t.Errorf("%s does not start with the draft header:\n%s", d.File, d.YAML)
				}
			}
		})
	}
}

// field finds a field by dotted path (object members and, until arrays are
// read, array members listed under fields).
func field(fields []*spec.Field, path string) *spec.Field {
	name, rest, nested := strings.Cut(path, ".")
	f := spec.FieldNamed(fields, name)
	if f == nil || !nested {
		return f
	}
	if f.Items != nil {
		return field(f.Items.Fields, rest)
	}
	return field(f.Fields, rest)
}

func parseDraft(t *testing.T, d Draft) *spec.File {
	t.Helper()
	f, _ := spec.Parse(d.File, d.YAML)
	if f == nil {
		t.Fatalf("draft %s does not parse:\n%s", d.File, d.YAML)
	}
	return f
}

func onlyEndpoint(t *testing.T, path string) (*spec.Endpoint, Draft) {
	t.Helper()
	res := importFile(t, path)
	if len(res.Drafts) != 1 {
		t.Fatalf("%s: %d drafts", path, len(res.Drafts))
	}
	f := parseDraft(t, res.Drafts[0])
	if len(f.Endpoints) != 1 {
		t.Fatalf("%s: %d endpoints:\n%s", path, len(f.Endpoints), res.Drafts[0].YAML)
	}
	return f.Endpoints[0], res.Drafts[0]
}

type want struct {
	path     string
	typ      string
	max      int // 0: no max_length
	required bool
	in       string
	enum     string // comma-separated values
}

func checkFields(t *testing.T, fields []*spec.Field, wants []want) {
	t.Helper()
	for _, w := range wants {
		f := field(fields, w.path)
		if f == nil {
			t.Errorf("%s: missing", w.path)
			continue
		}
		max := 0
		if f.MaxLength != nil {
			max = *f.MaxLength
		}
		var enum []string
		for _, e := range f.Enum {
			enum = append(enum, e.Value)
		}
		if string(f.Type) != w.typ || max != w.max || f.Required != w.required || f.In != w.in || strings.Join(enum, ",") != w.enum {
			t.Errorf("%s: got type %q max %d required %t in %q enum %v; want %+v", w.path, f.Type, max, f.Required, f.In, enum, w)
		}
	}
}

// The 2024-25 layout: 请求方式:【POST】/v3/..., body/query/path headings,
// name 必填 string(32) rows with 【title】 descriptions, 属性 blocks and
// 可选取值 lists. The samples are written from reference/serviceorders.md.
func TestNewLayoutCreate(t *testing.T) {
	e, d := onlyEndpoint(t, "testdata/newlayout/a4_create.txt")
	if e.Method != "POST" || e.Path != "/v3/payscore/acquiringbank/serviceorder" || e.SuccessStatus != 200 {
		t.Errorf("method %s path %s status %d", e.Method, e.Path, e.SuccessStatus)
	}
	checkFields(t, e.Request, []want{
		{"service_id", "string", 32, true, "body", ""},
		{"sub_appid", "string", 32, false, "body", ""},
		{"service_introduction", "string", 20, true, "body", ""},
		{"post_payments", "array", 0, false, "body", ""},
		{"post_payments.name", "string", 20, true, "", ""},
		{"post_payments.amount", "integer", 0, false, "", ""},
		{"post_discounts.description", "string", 30, true, "", ""},
		{"risk_fund", "object", 0, true, "body", ""},
		{"risk_fund.name", "string", 30, true, "", "DEPOSIT,ADVANCE,CASH_DEPOSIT,ESTIMATE_ORDER_COST"},
		{"risk_fund.amount", "integer", 0, true, "", ""},
		{"time_range.start_time", "string", 14, true, "", ""},
		{"location.end_location", "string", 50, false, "", ""},
		{"need_user_confirm", "boolean", 0, false, "body", ""},
		{"notify_url", "string", 255, true, "body", ""},
		{"attach", "string", 256, false, "body", ""},
	})
	if n := len(e.Request); n != 16 {
		t.Errorf("%d top-level request fields, want 16 (nesting went wrong?)", n)
	}
	checkFields(t, e.Response, []want{
		{"state", "string", 0, true, "", "CREATED,DOING,DONE,REVOKED,EXPIRED"},
		{"order_id", "string", 64, true, "", ""},
		{"package", "string", 300, false, "", ""},
	})
	if f := field(e.Request, "out_order_no"); f == nil || f.Title != "商户服务订单号" {
		t.Errorf("out_order_no title from 【】: %+v", f)
	}
	text := string(d.YAML)
	for _, wantText := range []string{
		"format: fen", // 单位为分
		"several shapes (yyyyMMddHHmmss, yyyyMMdd)", // start_time: not one format
		"header parameters (Authorization, Accept) are set by the client",
		"error_sets: [common]",
	} {
		if !strings.Contains(text, wantText) {
			t.Errorf("draft lacks %q", wantText)
		}
	}
	if strings.Contains(text, "min_length") {
		t.Error("string(N) prints only a maximum, but the draft has a min_length")
	}
	if !strings.Contains(text, "max_items: 100") {
		t.Error("最多包含100条 is not max_items 100")
	}
}

func TestNewLayoutQuery(t *testing.T) {
	e, _ := onlyEndpoint(t, "testdata/newlayout/a5_query.txt")
	if e.Method != "GET" || e.Path != "/v3/payscore/acquiringbank/serviceorder" {
		t.Errorf("method %s path %s", e.Method, e.Path)
	}
	checkFields(t, e.Request, []want{
		{"service_id", "string", 32, true, "query", ""},
		{"out_order_no", "string", 32, false, "query", ""},
		{"query_id", "string", 512, false, "query", ""},
	})
	checkFields(t, e.Response, []want{
		{"collection.state", "string", 0, true, "", "USER_PAYING,USER_PAID"},
		{"collection.details.amount", "integer", 0, true, "", ""},
		{"collection.details.paid_type", "string", 0, false, "", "NEWTON,MCH"},
		{"attach", "string", 256, false, "", ""},
	})
	if c := field(e.Response, "collection"); c == nil || len(c.Fields) != 4 {
		t.Errorf("collection should have state, total_amount, paid_amount, details: %+v", c)
	}
	if len(e.Response) != 6 {
		t.Errorf("%d top-level response fields, want 6", len(e.Response))
	}
}

// A page with a full 请求URL on another host, and a path parameter.
func TestNewLayoutRequestURLAndCells(t *testing.T) {
	rows, rd := onlyEndpoint(t, "testdata/newlayout/a6_cancel_rows.txt")
	cells, cd := onlyEndpoint(t, "testdata/newlayout/a6_cancel_cells.txt")
	for _, e := range []*spec.Endpoint{rows, cells} {
		if e.Path != "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/cancel" || e.Method != "POST" || e.SuccessStatus != 204 {
			t.Errorf("path %s method %s status %d", e.Path, e.Method, e.SuccessStatus)
		}
		checkFields(t, e.Request, []want{
			{"out_order_no", "string", 32, true, "path", ""},
			{"reason", "string", 50, true, "body", ""},
		})
	}
	// One cell per line reads the same as one row per line.
	if a, b := body(rd.YAML), body(cd.YAML); a != b {
		t.Errorf("cell-per-line draft differs from the one-line draft:\n%s\n---\n%s", a, b)
	}
	if !strings.Contains(string(rd.YAML), "base_url: https://api2.mch.weixin.qq.com") {
		t.Errorf("the host of 请求URL is not the base_url:\n%s", rd.YAML)
	}
}

// body drops the draft's header comment and page block, which name the file.
func body(yaml []byte) string {
	s := string(yaml)
	if i := strings.Index(s, "\napi:"); i >= 0 {
		return s[i:]
	}
	return s
}

// Without an example or indentation, the end of a 属性 block is unknown:
// the draft keeps the row inside and says so; indentation settles it.
func TestNestingEvidence(t *testing.T) {
	e, d := onlyEndpoint(t, "testdata/newlayout/a9_sync_noexample.txt")
	if field(e.Request, "detail.type") == nil || !strings.Contains(string(d.YAML), "whether type is a member of detail") {
		t.Errorf("type after the detail block should stay inside with a TODO:\n%s", d.YAML)
	}
	e, d = onlyEndpoint(t, "testdata/newlayout/a9_sync_indented.txt")
	checkFields(t, e.Request, []want{
		{"detail.paid_time", "string", 14, true, "", ""},
		{"type", "string", 32, true, "body", "Order_Paid"},
	})
	if strings.Contains(string(d.YAML), "whether type is a member") {
		t.Errorf("indentation should settle the nesting:\n%s", d.YAML)
	}
}

// The 2022 layout copied one cell per line (with blank lines between) reads
// like the one-line rows.
func TestOldLayoutCellPerLine(t *testing.T) {
	data, err := os.ReadFile("testdata/seeds/003_be7d0e738b2c0d70.txt")
	if err != nil {
		t.Fatal(err)
	}
	// 服务ID service_id string[1, 32] body该服务ID... -> one cell per line.
	row := regexp.MustCompile(`(?m)^(\S+) ([a-z_]+) (string\[\d+, ?\d+\]) (body|query|path)(.*)$`)
	cells := row.ReplaceAllString(string(data), "$1\n\n$2\n\n$3\n\n$4\n\n$5")
	if cells == string(data) {
		t.Fatal("no row was split")
	}
	a, err := Import("003.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Import("003.txt", []byte(cells))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Drafts) != len(b.Drafts) {
		t.Fatalf("%d drafts from rows, %d from cells", len(a.Drafts), len(b.Drafts))
	}
	for i := range a.Drafts {
		if x, y := body(a.Drafts[i].YAML), body(b.Drafts[i].YAML); x != y {
			t.Errorf("page %d differs:\n%s\n---\n%s", i+1, x, y)
		}
	}
}

func TestSeedPages(t *testing.T) {
	res := importFile(t, "testdata/seeds/003_be7d0e738b2c0d70.txt")
	var titles []string
	for _, d := range res.Drafts {
		titles = append(titles, d.Title)
	}
	if got := strings.Join(titles, "|"); got != "预授权|查询与用户授权记录(授权协议号)|解除用户授权关系(授权协议号)|授权/解除授权服务回调通知|APP调起支付分-授权服务|JSAPI调起支付分-授权服务|小程序调起支付分-授权服务" {
		t.Errorf("pages %s", got)
	}
	if res.Stopped != "" {
		t.Errorf("seed 003 reads to its end, but: %s", res.Stopped)
	}
	// The common error table is defined once, with its stray space noted.
	defined := 0
	for _, d := range res.Drafts {
		if bytes.Contains(d.YAML, []byte("\nerrors:")) {
			defined++
			if !bytes.Contains(d.YAML, []byte(`code: ORDER_NOT_EXIST # TODO: printed as "ORDER_NOT_ EXIST"`)) {
				t.Errorf("ORDER_NOT_ EXIST is not read with a TODO:\n%s", d.YAML)
			}
		}
	}
	if defined != 1 {
		t.Errorf("the common error codes are defined in %d drafts, want 1", defined)
	}
	// The callback's nested resource ends before summary (the example says so).
	cb := parseDraft(t, res.Drafts[3]).Callbacks
	if len(cb) != 1 || field(cb[0].Envelope, "summary") == nil || field(cb[0].Envelope, "resource.nonce") == nil {
		t.Errorf("envelope nesting: %s", res.Drafts[3].YAML)
	}
	if cb[0].Retry == nil || strings.Join(cb[0].Retry.Intervals, " ") != "0s 15s 15s 30s 180s 1800s 1800s 1800s 1800s 3600s" || cb[0].Retry.Then != "3600s" || cb[0].Retry.MaxAge != "72h" {
		t.Errorf("retry %+v", cb[0].Retry)
	}
}

// cut returns seed 003 up to the end of the first line containing marker,
// with keep more bytes of the next line.
func cut(t *testing.T, marker string, keep int) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/seeds/003_be7d0e738b2c0d70.txt")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte(marker))
	if i < 0 {
		t.Fatalf("no %q in seed 003", marker)
	}
	end := i + bytes.IndexByte(data[i:], '\n') + 1
	return data[:end+keep]
}

func TestTruncatedPage(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    []byte
		drafts  int
		stopped string // substring of Result.Stopped
		check   func(t *testing.T, res *Result)
	}{
		{"after a whole row", cut(t, "示例值:oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", 0), 2,
			"the text ends at line 146 inside the response parameter table, after openid (line 145)",
			func(t *testing.T, res *Result) {
				e := parseDraft(t, res.Drafts[1]).Endpoints[0]
				if len(e.Request) != 4 || len(e.Response) != 4 || e.Response[3].Name != "openid" {
					t.Errorf("request %d, response %d fields", len(e.Request), len(e.Response))
				}
				if !bytes.Contains(res.Drafts[1].YAML, []byte("# TODO: the page text stops at line 146 inside the response parameter table")) {
					t.Errorf("the draft does not say where it stops:\n%s", res.Drafts[1].YAML)
				}
			}},
		{"inside a description", cut(t, "示例值:1275342195190894594", len("授权状态 authorization_state string[1, 16] 标识用户")), 2,
			"after authorization_state (line 149)",
			func(t *testing.T, res *Result) {
				if !bytes.Contains(res.Drafts[1].YAML, []byte("- name: authorization_state # TODO: required? the 必填 column is blank for this row; the text stops in this row")) {
					t.Errorf("the cut row is not marked:\n%s", res.Drafts[1].YAML)
				}
			}},
		{"inside a type", cut(t, "示例值:1275342195190894594", len("授权状态 authorization_state stri")), 2,
			`the last line "授权状态 authorization_state stri" is not a whole row`, nil},
		{"inside an example", cut(t, `"notify_url": "http://www.qq.com",`, 0), 1, "inside the request example", nil},
		{"before the response", cut(t, "请求示例", 0), 1, "before the response (返回参数) section", nil},
		{"after a heading", cut(t, "返回参数", 0), 1, "right after the heading of the response parameter table", nil},
		{"inside a UTF-8 character", cut(t, "示例值:1234323JKHDFE1243252", 4), 1, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import("003.txt", tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Drafts) != tc.drafts || !strings.Contains(res.Stopped, tc.stopped) || (tc.stopped != "") != (res.Stopped != "") && tc.stopped != "" {
				t.Errorf("%d drafts (want %d), stopped %q (want %q)", len(res.Drafts), tc.drafts, res.Stopped, tc.stopped)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
			checkOnlyTODO(t, res)
		})
	}
}

// Every prefix of a page yields a draft of what it holds, or a clear error
// when nothing of a page is left; never a panic, never YAML check cannot read.
func TestEveryPrefix(t *testing.T) {
	data, err := os.ReadFile("testdata/seeds/003_be7d0e738b2c0d70.txt")
	if err != nil {
		t.Fatal(err)
	}
	step := 797 // bytes; cuts land mid-line and mid-character
	if testing.Short() {
		step = 1499
	}
	for n := 0; n <= len(data); n += step {
		res, err := Import("003.txt", data[:n])
		if err != nil {
			if !errors.Is(err, ErrNoPage) && !errors.Is(err, errEmpty) {
				t.Errorf("prefix %d: unexpected error %v", n, err)
			}
			continue
		}
		for _, d := range res.Drafts {
			if f, problems := spec.Parse(d.File, d.YAML); f == nil {
				t.Errorf("prefix %d: draft %s does not load: %v", n, d.File, problems)
			}
		}
		checkOnlyTODO(t, res)
	}
}

func TestGarbage(t *testing.T) {
	for name, tc := range map[string]struct {
		input []byte
		err   error
		text  string
	}{
		"empty":       {nil, errEmpty, "the input is empty"},
		"blank lines": {[]byte("\n \n\t\n"), errEmpty, "the input is empty"},
		"binary":      {[]byte("PK\x03\x04\x00\x00binary"), errBinary, "binary"},
		"control":     {bytes.Repeat([]byte{1, 2, 3, 'a'}, 100), errBinary, "binary"},
		"prose":       {[]byte("It was a bright cold day in April, and the clocks were striking thirteen.\n"), ErrNoPage, "no doc page found"},
		"json":        {[]byte(`{"appid": "wx", "mchid": "123"}`), ErrNoPage, "no doc page found"},
		"html":        {[]byte("<html><body><table><tr><td>x</td></tr></table></body></html>"), ErrNoPage, "no doc page found"},
		"too large":   {bytes.Repeat([]byte("a"), MaxInput+1), nil, "more than the 4194304 a doc page can be"},
		"yaml bomb":   {[]byte("a: &a [*a, *a]\n"), ErrNoPage, "no doc page found"},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Import("x.txt", tc.input)
			if err == nil || (tc.err != nil && !errors.Is(err, tc.err)) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("Import = %v, %v; want an error containing %q", res, err, tc.text)
			}
		})
	}
}

// FuzzImport: any input gives an error or drafts that decode; never a panic.
// go test runs the seed corpus: the sample pages and testdata/fuzz/FuzzImport.
func FuzzImport(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.txt")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/3])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import("fuzz.txt", data)
		if err != nil {
			if res != nil {
				t.Fatal("a result with an error")
			}
			return
		}
		if len(res.Drafts) == 0 {
			t.Fatal("no error and no draft")
		}
		for _, d := range res.Drafts {
			if f, problems := spec.Parse(d.File, d.YAML); f == nil {
				t.Fatalf("draft does not decode: %v\n%s", problems, d.YAML)
			}
		}
	})
}
