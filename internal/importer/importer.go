// Package importer turns the text of a WeChat Pay doc page, as copied from a
// browser, into a spec draft: the page's endpoint, callback or jumps, every
// parameter it can read, and a `# TODO:` comment wherever it cannot read
// something. It never makes up a limit: a draft fails `payscoregen check`
// only on the lines its TODOs mark.
//
// It reads the table layouts the Pay Score docs have used: the 2019 jump
// pages (变量 类型 必填 参数名/描述/示例值, |||example), the 2022 pages
// (参数名 变量 类型[长度限制] 必填 描述, 示例值:), the 2024–25 pages
// (out_order_no 必填 string(32), 【title】, 属性 blocks, body/query/path
// headings) and Markdown tables, with rows on one line or one cell per line.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Draft is the spec draft of one doc page.
type Draft struct {
	Title string // the page title, or "" when the page prints none
	File  string // a suggested file name, such as post_acquiringbank_permissions.yaml
	YAML  []byte
	TODOs int // how many TODO remarks it carries
}

// Result is what one import read.
type Result struct {
	Drafts []Draft
	// Stopped says where a page that was cut off ends ("" when the text
	// reads to a natural end); the drafts hold everything before the cut.
	Stopped string
}

// ErrNoPage is returned for text in which nothing of a doc page was found.
var ErrNoPage = errors.New("no doc page found: no request URL, parameter table, jump or callback could be read (is it the text of a WeChat Pay doc page?)")

// Import reads the text of one or more doc pages. name is where the text
// comes from (a file name, or "-" for stdin); it is recorded as the seed.
func Import(name string, text []byte) (*Result, error) {
	ls, err := readLines(text)
	if err != nil {
		return nil, err
	}
	pages := splitPages(ls)
	var read []*pageDoc
	for _, p := range pages {
		parsePage(p, ls[p.start:p.end])
		if p.hasContent() {
			read = append(read, p)
		}
	}
	if len(read) == 0 {
		return nil, ErrNoPage
	}
	var all strings.Builder
	for _, l := range ls {
		all.WriteString(l.text)
		all.WriteByte('\n')
	}
	e := &emitter{ids: map[string]int{}}
	res := &Result{Stopped: read[len(read)-1].stopped}
	if last := pages[len(pages)-1]; last != read[len(read)-1] && last.stopped != "" {
		res.Stopped = last.stopped
	}
	commonDone := false
	files := map[string]int{}
	for i, p := range read {
		// Only the last page can be cut off: the others end where the next begins.
		defineErrors := len(p.errors) > 0 && (p.errorSet == "" || !commonDone)
		if p.errorSet != "" && len(p.errors) > 0 {
			commonDone = true
		}
		before := e.todos
		doc, file := e.draft(p, name, i, len(read), all.String(), defineErrors, res.Stopped != "" && i == len(read)-1)
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("rendering the draft of %q: %w", p.title, err)
		}
		files[file]++
		if n := files[file]; n > 1 {
			file = strings.TrimSuffix(file, ".yaml") + fmt.Sprintf("_%d.yaml", n)
		}
		res.Drafts = append(res.Drafts, Draft{Title: p.title, File: file, YAML: buf.Bytes(), TODOs: e.todos - before})
	}
	return res, nil
}

func (p *pageDoc) hasContent() bool {
	return p.path != "" || p.method != "" || len(p.request)+len(p.response)+len(p.envelope)+len(p.plaintext)+len(p.returns) > 0 ||
		len(p.jumps) > 0 || len(p.errors) > 0
}

// draft builds the YAML document of one page and its suggested file name.
func (e *emitter) draft(p *pageDoc, source string, i, n int, allText string, defineErrors, cut bool) (*yaml.Node, string) {
	root := newMap()
	pkg, why := packageOf(p, allText)
	pn := root.set("package", str(orTODO(pkg)))
	if pkg == "" {
		e.comment(pn, "the Go package (FORMAT.md: payscore, acquiringbank, merchant, partner)")
	} else {
		pn.LineComment = "# " + why
	}
	page := newMap()
	page.set("title", str(orTODO(p.title)))
	if p.title == "" {
		e.comment(page.n.Content[1], "the page title was not found")
	}
	up := page.set("updated", str(p.updated))
	if p.updated == "" {
		e.comment(up, "the page prints no update date (更新时间)")
	}
	seed := path.Base(strings.ReplaceAll(source, "\\", "/"))
	sn := page.set("seed", str(seed))
	if source == "-" || source == "" {
		sn.Value = todoValue
		e.comment(sn, "the file the page text was saved as")
	}
	if n > 1 && p.title != "" {
		page.set("section", str(p.title))
	}
	if p.summary != "" {
		page.set("description", str(p.summary))
	}
	root.set("page", page.n)

	file := "page.yaml"
	isEndpoint := !p.isCallback && (p.path != "" || p.method != "" || len(p.request) > 0 || len(p.response) > 0)
	if isEndpoint {
		api := newMap()
		style := api.set("style", str("wechatpay-v3"))
		if !strings.HasPrefix(p.path, "/v3/") {
			style.Value = todoValue
			e.comment(style, "wechatpay-v3 or form-md5: the path is not under /v3/")
		}
		host := p.host
		bn := api.set("base_url", str(orTODO(host)))
		if host == "" {
			e.comment(bn, "the page prints no host")
		}
		if strings.HasPrefix(p.path, "/v3/") {
			api.set("version_prefix", str("/v3/"))
		}
		root.set("api", api.n)
		ep := e.endpoint(p, errSetIf(p))
		root.set("endpoints", seq(ep))
		file = ep.Content[1].Value + ".yaml"
	}
	if p.isCallback {
		cb := e.callback(p)
		root.set("callbacks", seq(cb))
		file = cb.Content[1].Value + ".yaml"
	}
	if len(p.jumps) > 0 && !isEndpoint && !p.isCallback {
		js := seq()
		for _, j := range p.jumps {
			js.Content = append(js.Content, e.jump(p, j))
		}
		root.set("jumps", js)
		file = js.Content[0].Content[1].Value + ".yaml"
	}
	if defineErrors {
		root.set("errors", e.errorList(sortedErrors(p.errors)))
		e.head(root.key("errors"), "spec/common/errors.yaml may define these codes already: keep only the new ones")
		if p.errorSet != "" {
			codes := make([]string, len(p.errors))
			for k, r := range p.errors {
				codes[k] = r.code
			}
			set := newMap()
			set.set("id", str(p.errorSet))
			set.set("codes", flow(codes...))
			root.set("error_sets", seq(set.n))
		}
	}

	var head []string
	head = append(head, fmt.Sprintf("# Draft of %q, imported by payscoregen import from %s (page %d of %d).", orTODO(p.title), source, i+1, n))
	head = append(head, "# Review every TODO (payscoregen check fails on the lines that still need a value), then merge it into spec/.")
	if len(p.headerParams) > 0 {
		head = append(head, "# The page's header parameters ("+strings.Join(p.headerParams, ", ")+") are set by the client, not spec fields.")
	}
	for _, t := range p.todos {
		e.todos++
		head = append(head, "# TODO: "+t)
	}
	if cut {
		e.todos++
		head = append(head, "# TODO: "+strings.Replace(p.stopped, "the text ends", "the page text stops", 1)+": everything after it is missing")
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root.n}, HeadComment: strings.Join(head, "\n")}
	return doc, file
}

func errSetIf(p *pageDoc) string {
	if len(p.errors) > 0 {
		return p.errorSet
	}
	return ""
}
