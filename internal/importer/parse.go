package importer

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// pageDoc is what was read from one doc page.
type pageDoc struct {
	start, end int // input line range
	title      string
	updated    string
	summary    string
	appliesTo  string

	// Endpoint.
	method, host, path string
	request, response  []*param
	reqExample         string
	respExample        string
	status             int    // 200, 204 or 0 (unread)
	statusWhy          string // the words that said so

	// Callback.
	isCallback         bool
	envelope           []*param
	plaintext          []*param
	failure            []*param
	ackStatuses        []int
	ackFailure         string
	retry              []string
	retryThen, maxAge  string
	mentions           map[string]bool // AEAD_AES_256_GCM, Wechatpay-Signature, JSON ...
	headers            []headerDoc
	jumps              []*jumpDoc
	returns            []*param
	returnsWhen        string
	scene              int
	gates              gates
	errors             []errorRow
	errorSet           string   // "common" when the page prints 公共错误码
	codeApp, codePath  string   // appId / path as the sample code passes them
	codeCall           string   // the wx.* call the sample code makes, for pages without 接口名称
	todos              []string // page-level remarks for the reviewer
	headerParams       []string // HTTP header parameters the table lists
	stopped            string   // where a truncated page stops
	lastRowLine        int
	evidence           *evidence
	sawResponseHeading bool
}

type headerDoc struct{ name, desc string }

type jumpDoc struct {
	call   string
	line   int
	params []*param
	gates  gates
}

type gates struct {
	baseLibrary, wechat, android, ios, jssdk string
	jumpLimit                                *bool
}

type errorRow struct {
	line                  int
	status                int
	code, printed         string
	description, solution string
}

var (
	dateRe     = regexp.MustCompile(`^(?:最新)?更新时间\s*[:：]\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})`)
	urlRe      = regexp.MustCompile(`^请求URL\s*[:：]\s*(\S*)`)
	methodRe   = regexp.MustCompile(`^请求方式\s*[:：]\s*【?\s*(GET|POST|PUT|PATCH|DELETE)\s*】?\s*(\S*)`)
	domainRe   = regexp.MustCompile(`^请求域名\s*[:：].*?(https://[A-Za-z0-9.\-]+)`)
	appliesRe  = regexp.MustCompile(`^(?:适用对象|支持商户)\s*[:：]\s*(.+)$`)
	callNameRe = regexp.MustCompile(`接口名称\s*[:：]\s*(wx\.openBusinessView|wx\.navigateToMiniProgram|WXOpenBusinessView|openBusinessView)`)
	exampleRe  = regexp.MustCompile(`^示例值\s*[:：]\s*(.*)$`)
	errorRowRe = regexp.MustCompile(`^(\d{3})\s+([A-Z][A-Z0-9]*(?:_\s*[A-Z0-9]+)*)\s+(\S+)\s*(.*)$`)
	statusOnly = regexp.MustCompile(`^\d{3}$`)

	baseLibRe    = regexp.MustCompile(`(?:小程序)?(?:基础)?版本库\s*>=\s*(\d+(?:\.\d+)+)`)
	wechatRe     = regexp.MustCompile(`微信版本\s*>=\s*(\d+(?:\.\d+)+)`)
	androidRe    = regexp.MustCompile(`Android\s*openSDK[^(（]*[(（]\s*版本\s*>=\s*(\d+(?:\.\d+)+)`)
	iosRe        = regexp.MustCompile(`iOS\s*openSDK[^(（]*[(（]\s*版本\s*>=\s*(\d+(?:\.\d+)+)`)
	jssdkRe      = regexp.MustCompile(`JSAPI版本\s*(\d+(?:\.\d+)+)`)
	sceneRe      = regexp.MustCompile(`场景值\s*(?:为\s*)?(\d{4})`)
	retryRe      = regexp.MustCompile(`((?:\d+[sS]\s*/\s*)+\d+[sS])`)
	retryThen    = regexp.MustCompile(`(\d+)[sS]后为周期`)
	maxAgeRe     = regexp.MustCompile(`(?:超过|最多)\s*(\d+)\s*(天|小时)`)
	ackRe        = regexp.MustCompile(`应答状态码需返回\s*(\d{3})(?:\s*或\s*(\d{3}))?`)
	ackFailRe    = regexp.MustCompile(`应答状态码需返回\s*([45]XX)\s*或\s*([45]XX)`)
	headerName   = regexp.MustCompile(`Wechatpay-[A-Za-z-]+`)
	codeAppID    = regexp.MustCompile(`appId\s*:\s*['‘"]([^'’"]+)['’"]`)
	codePathRe   = regexp.MustCompile(`path\s*:\s*['‘"]([^'’"]+)['’"]`)
	codeCallRe   = regexp.MustCompile(`(wx\.openBusinessView|wx\.navigateToMiniProgram)\s*\(`)
	noBody       = regexp.MustCompile(`应答无内容|无返回内容|无应答内容|无应答包体|无需返回应答报文`)
	bracketTitle = regexp.MustCompile(`^【([^】]{1,40})】\s*(.*)$`)
	// A 可选取值 line: any value, a colon, its meaning.
	valueLine = regexp.MustCompile(`^([A-Za-z0-9_.\-]+)\s*[:：]\s*(\S.*)$`)
)

// sections that hold parameter rows, and what the rows are called there.
var paramSections = map[string]bool{
	"request": true, "response": true, "notify": true, "plaintext": true, "ack": true,
	"params": true, "returns": true, "table": true,
}

// splitPages cuts the lines into pages: a page starts at the title line
// before its 更新时间 line. Front matter (title:, date:) and a Markdown ###
// title also start the first page.
func splitPages(ls []line) []*pageDoc {
	var pages []*pageDoc
	for i, l := range ls {
		m := dateRe.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		start := i
		title := ""
		if i > 0 && heading(ls[i-1].text).kind == "" {
			start, title = i-1, ls[i-1].text
		}
		if len(pages) > 0 && pages[len(pages)-1].start >= start {
			continue
		}
		pages = append(pages, &pageDoc{start: start, title: title, updated: date(m)})
	}
	if len(pages) == 0 || pages[0].start > 0 {
		first := &pageDoc{start: 0}
		first.title, first.updated, first.summary = frontMatter(ls)
		if len(pages) > 0 && first.title == "" {
			// Text before the first dated page (a site header): part of that page.
			pages[0].start = 0
		} else {
			pages = append([]*pageDoc{first}, pages...)
		}
	}
	for i, p := range pages {
		p.end = len(ls)
		if i+1 < len(pages) {
			p.end = pages[i+1].start
		}
	}
	return pages
}

func date(m []string) string {
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return sprintf("%s.%02d.%02d", m[1], mo, d)
}

var (
	fmTitle = regexp.MustCompile(`^title\s*:\s*['"]?(.*?)['"]?\s*$`)
	fmDate  = regexp.MustCompile(`^date\s*:\s*(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})`)
	mdTitle = regexp.MustCompile(`^#{1,4}\s+(\S+)`)
	fmDesc  = regexp.MustCompile(`^description\s*:\s*(.*)$`)
	fmKey   = regexp.MustCompile(`^[a-zA-Z]+\s*:`)
)

// frontMatter reads the title and date of a page copied with its Hugo
// front matter, or a Markdown page's first heading.
func frontMatter(ls []line) (title, updated, description string) {
	if len(ls) > 0 && ls[0].text == "---" {
		inDesc := false
		for _, l := range ls[1:] {
			if l.text == "---" {
				break
			}
			if inDesc && !fmKey.MatchString(l.text) {
				description = strings.TrimSpace(description + " " + l.text)
				continue
			}
			inDesc = false
			if m := fmDesc.FindStringSubmatch(l.text); m != nil {
				inDesc, description = true, strings.Trim(m[1], ">|'\" ")
				continue
			}
			if m := fmTitle.FindStringSubmatch(l.text); m != nil && title == "" {
				title = m[1]
			}
			if m := fmDate.FindStringSubmatch(l.text); m != nil {
				updated = date(m)
			}
		}
		return title, updated, description
	}
	for _, l := range ls[:min(3, len(ls))] {
		if m := mdTitle.FindStringSubmatch(l.text); m != nil {
			return m[1], "", ""
		}
	}
	return "", "", ""
}

// parser reads one page line by line.
type parser struct {
	p        *pageDoc
	lines    []line
	state    string // the current section kind
	loc      string // request parameters: path, query, body, header
	tables   map[string][]*param
	cur      *param // the row descriptions and examples attach to
	closed   bool   // cur got its 示例值: what follows is not its description
	values   bool   // inside a 可选取值 block
	example  string // which example is being collected
	exLines  map[string][]line
	errCells []string
	errLine  int
	jump     *jumpDoc
	ev       *evidence
	// Where the last table line and the last section heading were: a page
	// whose last line is table content was cut inside the table.
	lastTableLine, headingLine int
	block                      []line // text since the last heading, for evidence
}

func parsePage(p *pageDoc, ls []line) {
	ps := &parser{p: p, lines: ls, tables: map[string][]*param{}, exLines: map[string][]line{}, ev: newEvidence()}
	p.mentions = map[string]bool{}
	for i, l := range ls {
		ps.line(i, l)
	}
	ps.flushBlock()
	ps.finish()
}

func (ps *parser) line(i int, l line) {
	t, p := l.text, ps.p
	for _, word := range []string{"AEAD_AES_256_GCM", "Wechatpay-Signature", "JSON", "v3签名"} {
		if strings.Contains(t, word) {
			p.mentions[word] = true
		}
	}
	ps.gates(t)
	if p.summary == "" && i > 0 && dateRe.MatchString(ps.lines[i-1].text) {
		// The page's one-line description follows its date (the 2022 layout
		// prints 版本说明 on the date line itself).
		if heading(t).kind == "" && !urlRe.MatchString(t) && !appliesRe.MatchString(t) {
			p.summary = t
		}
	}
	switch {
	case i == 0 && p.title != "" && t == p.title, dateRe.MatchString(t):
		return
	case urlRe.MatchString(t):
		ps.requestURL(urlRe.FindStringSubmatch(t)[1])
		return
	case methodRe.MatchString(t):
		m := methodRe.FindStringSubmatch(t)
		p.method = m[1]
		if m[2] != "" {
			ps.requestURL(m[2])
		}
		return
	case domainRe.MatchString(t):
		if p.host == "" {
			p.host = domainRe.FindStringSubmatch(t)[1]
		}
		return
	case appliesRe.MatchString(t) && p.appliesTo == "":
		p.appliesTo = strings.Trim(appliesRe.FindStringSubmatch(t)[1], "【】 ")
		return
	case callNameRe.MatchString(t):
		ps.jump = &jumpDoc{call: callNameRe.FindStringSubmatch(t)[1], line: l.no}
		p.jumps = append(p.jumps, ps.jump)
		ps.flushBlock()
		ps.state = ""
		return
	}
	if m := codeCallRe.FindStringSubmatch(t); m != nil && p.codeCall == "" {
		p.codeCall = m[1]
	}
	if m := codeAppID.FindStringSubmatch(t); m != nil && p.codeApp == "" {
		p.codeApp = m[1]
	}
	if m := codePathRe.FindStringSubmatch(t); m != nil && p.codePath == "" {
		p.codePath = m[1]
	}
	ps.callbackFacts(t)

	h := heading(t)
	switch {
	case h.kind == "params" && ps.state == "returns":
		return // the return data's own 接口参数 caption
	case h.kind == "response" && len(p.jumps) > 0:
		h.kind = "returns"
	}
	switch h.kind {
	case "":
	case "headercell":
		return
	case "attrs", "header":
		if paramSections[ps.state] && ps.cur != nil && ps.canOpen(ps.cur) {
			ps.cur.opens = true
			ps.cur, ps.closed = nil, false
			return
		}
		if h.kind == "header" && !paramSections[ps.state] {
			ps.enter("table", l) // a table without a heading of its own
		}
		return
	case "values":
		ps.values = ps.cur != nil
		return
	case "loc":
		if ps.state != "request" {
			ps.enter("request", l)
		}
		ps.loc = h.arg
		return
	case "status":
		if ps.state == "response" {
			p.status, _ = strconv.Atoi(h.arg)
			p.statusWhy = t
			return
		}
	case "example":
		ps.enter("example", l)
		ps.example = h.arg
		return
	case "errors":
		ps.enter("errors", l)
		if h.arg != "" {
			p.errorSet = h.arg
		}
		return
	case "response":
		p.sawResponseHeading = true
		ps.enter("response", l)
		return
	case "returns":
		if ps.state != "returns" {
			ps.enter("returns", l)
		}
		return
	default:
		ps.enter(h.kind, l)
		return
	}

	switch {
	case paramSections[ps.state]:
		ps.paramLine(l)
	case ps.state == "errors":
		ps.errorLine(l)
	case ps.state == "example":
		ps.exLines[ps.example] = append(ps.exLines[ps.example], l)
		ps.block = append(ps.block, l)
	default:
		ps.block = append(ps.block, l)
	}
}

// enter starts a section.
func (ps *parser) enter(kind string, l line) {
	ps.headingLine = l.no
	ps.flushBlock()
	ps.flushError()
	ps.state, ps.cur, ps.closed, ps.values, ps.loc = kind, nil, false, false, ""
	if kind == "response" && ps.p.status == 0 {
		ps.p.status = -1 // a response section exists; decided in finish
	}
}

func (ps *parser) canOpen(p *param) bool {
	return p.typ == "object" || p.typ == "array" || p.plus
}

func (ps *parser) paramLine(l line) {
	t := l.text
	if row := parseRow(l, ps.state); row != nil {
		if ps.state == "request" && row.in == "" && ps.loc != "" {
			row.in = ps.loc
		}
		if ps.loc == "header" {
			ps.p.headerParams = append(ps.p.headerParams, row.name)
			ps.cur, ps.closed = nil, true
			return
		}
		ps.tables[ps.tableKey()] = append(ps.tables[ps.tableKey()], row)
		ps.cur, ps.closed, ps.values = row, false, false
		ps.p.lastRowLine, ps.lastTableLine = l.no, l.no
		return
	}
	if m := exampleRe.FindStringSubmatch(t); m != nil {
		if ps.cur != nil && !ps.cur.hasEx {
			ps.cur.example, ps.cur.hasEx = strings.TrimSpace(m[1]), true
		}
		ps.closed, ps.lastTableLine = true, l.no
		return
	}
	if ps.cur == nil || ps.closed {
		if noBody.MatchString(t) && ps.state == "response" {
			ps.p.status, ps.p.statusWhy = 204, t
		}
		ps.block = append(ps.block, l) // code or prose after a table
		return
	}
	ps.lastTableLine = l.no
	if ps.values {
		if m := valueLine.FindStringSubmatch(t); m != nil {
			ps.cur.enum = append(ps.cur.enum, enumValue{value: m[1], desc: strings.TrimSpace(m[2])})
			ps.cur.enumListed = true
			ps.cur.desc = append(ps.cur.desc, t)
			return
		}
		ps.values = false
	}
	if len(ps.cur.desc) == 0 && ps.cur.title == "" {
		// The 2024-25 layout prints the title first: 【商户服务订单号】 description.
		if m := bracketTitle.FindStringSubmatch(t); m != nil {
			ps.cur.title = m[1]
			if t = strings.TrimSpace(m[2]); t == "" {
				return
			}
		}
	}
	ps.cur.desc = append(ps.cur.desc, t)
}

// tableKey is where rows of the current section go: jump parameters are
// kept per jump.
func (ps *parser) tableKey() string {
	if ps.state == "params" && ps.jump != nil {
		return sprintf("params@%d", ps.jump.line)
	}
	return ps.state
}

func (ps *parser) errorLine(l line) {
	t := l.text
	if statusOnly.MatchString(t) { // a row copied one cell per line
		ps.flushError()
		ps.errCells, ps.errLine = []string{t}, l.no
		return
	}
	if len(ps.errCells) > 0 {
		ps.errCells = append(ps.errCells, t)
		if len(ps.errCells) == 4 {
			ps.flushError()
		}
		return
	}
	ps.addError(l.no, t)
}

func (ps *parser) flushError() {
	if len(ps.errCells) >= 3 {
		ps.addError(ps.errLine, strings.Join(ps.errCells, " "))
	}
	ps.errCells = nil
}

func (ps *parser) addError(no int, t string) {
	m := errorRowRe.FindStringSubmatch(t)
	if m == nil {
		if !strings.HasPrefix(t, "状态码") && !strings.HasPrefix(t, "HTTP状态码") {
			ps.block = append(ps.block, line{no: no, text: t})
		}
		return
	}
	status, _ := strconv.Atoi(m[1])
	code := strings.Join(strings.Fields(m[2]), "")
	ps.p.errors = append(ps.p.errors, errorRow{line: no, status: status, code: code, printed: m[2], description: m[3], solution: strings.TrimSpace(m[4])})
}

// requestURL reads https://host/v3/... or a bare /v3/... path.
func (ps *parser) requestURL(s string) {
	s = strings.TrimRight(s, "。.,，")
	if strings.HasPrefix(s, "/") {
		ps.p.path = s
		return
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || !strings.HasPrefix(u.Scheme, "http") {
		return
	}
	ps.p.host = "https://" + u.Host
	ps.p.path = u.EscapedPath()
	if p, err := url.PathUnescape(ps.p.path); err == nil {
		ps.p.path = p
	}
}

func (ps *parser) gates(t string) {
	g := &ps.p.gates
	if ps.jump != nil {
		g = &ps.jump.gates
	}
	set := func(dst *string, re *regexp.Regexp) {
		if m := re.FindStringSubmatch(t); m != nil && *dst == "" {
			*dst = m[1]
		}
	}
	set(&g.baseLibrary, baseLibRe)
	set(&g.wechat, wechatRe)
	set(&g.android, androidRe)
	set(&g.ios, iosRe)
	set(&g.jssdk, jssdkRe)
	if m := sceneRe.FindStringSubmatch(t); m != nil && ps.p.scene == 0 {
		ps.p.scene, _ = strconv.Atoi(m[1])
	}
	if strings.Contains(t, "不占用小程序跳转其他小程序的数量名额") {
		ps.p.gates.jumpLimit = ptr(false)
	}
	if strings.HasPrefix(t, "注意") && strings.Contains(t, "返回参数") && ps.p.returnsWhen == "" {
		ps.p.returnsWhen = strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(t, "注意"), ":： "))
	}
}

func (ps *parser) callbackFacts(t string) {
	p := ps.p
	if m := retryRe.FindStringSubmatch(t); m != nil && p.retry == nil && strings.Contains(t, "通知") {
		for _, s := range strings.Split(m[1], "/") {
			p.retry = append(p.retry, strings.ToLower(strings.TrimSpace(s)))
		}
		if m := retryThen.FindStringSubmatch(t); m != nil {
			p.retryThen = m[1] + "s"
		}
	}
	if m := maxAgeRe.FindStringSubmatch(t); m != nil && p.maxAge == "" && strings.Contains(t, "通知") {
		n, _ := strconv.Atoi(m[1])
		if m[2] == "天" {
			n *= 24
		}
		p.maxAge = strconv.Itoa(n) + "h"
	}
	if m := ackRe.FindStringSubmatch(t); m != nil && p.ackStatuses == nil {
		for _, s := range m[1:] {
			if n, err := strconv.Atoi(s); err == nil {
				p.ackStatuses = append(p.ackStatuses, n)
			}
		}
	}
	if m := ackFailRe.FindStringSubmatch(t); m != nil {
		p.ackFailure = strings.ToLower(m[2]) + "/" + strings.ToLower(m[1])
	}
	for _, h := range headerName.FindAllString(t, -1) {
		if !hasHeader(p.headers, h) {
			p.headers = append(p.headers, headerDoc{name: h, desc: t})
		}
	}
}

func hasHeader(hs []headerDoc, name string) bool {
	for _, h := range hs {
		if h.name == name {
			return true
		}
	}
	return false
}

// flushBlock feeds the text read since the last heading to the evidence.
func (ps *parser) flushBlock() {
	if len(ps.block) > 0 {
		var b strings.Builder
		for _, l := range ps.block {
			b.WriteString(l.text)
			b.WriteByte('\n')
		}
		ps.ev.scan(b.String())
		ps.block = nil
	}
}

// finish nests the rows, reads descriptions and examples, and notes where a
// cut page stops.
func (ps *parser) finish() {
	p := ps.p
	for _, ls := range ps.exLines {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(l.text)
			b.WriteByte('\n')
		}
		ps.ev.scan(b.String())
	}
	p.evidence = ps.ev
	nestAll := func(key string) []*param {
		rows := ps.tables[key]
		for _, r := range rows {
			r.readDescription()
		}
		return nest(rows, ps.ev)
	}
	p.request = nestAll("request")
	p.response = nestAll("response")
	p.envelope = nestAll("notify")
	p.plaintext = nestAll("plaintext")
	p.failure = nestAll("ack")
	p.returns = nestAll("returns")
	for _, j := range p.jumps {
		j.params = nestAll(sprintf("params@%d", j.line))
	}
	if table := nestAll("table"); len(table) > 0 {
		switch {
		case len(p.request) == 0 && (p.path != "" || p.method != ""):
			p.request = table
		case len(p.jumps) == 0 && p.codeCall != "":
			p.jumps = append(p.jumps, &jumpDoc{call: p.codeCall})
			p.jumpData(table)
		default:
			p.todos = append(p.todos, sprintf("a table at line %d has no heading saying what it is; its rows are listed as request parameters", table[0].line))
			p.request = table
		}
	}
	if len(p.jumps) == 0 && p.codeCall != "" && len(p.request) == 0 && p.path == "" {
		p.jumps = append(p.jumps, &jumpDoc{call: p.codeCall})
	}
	p.isCallback = len(p.envelope) > 0 || len(p.plaintext) > 0 || strings.Contains(p.title, "回调通知")
	p.reqExample = exampleText(ps.exLines["request"])
	p.respExample = exampleText(ps.exLines["response"])
	if p.status == -1 {
		p.status = 0
		if len(p.response) > 0 {
			p.status = 200
		}
	}
	ps.truncation()
}

// jumpData attaches a table that lists a jump's business data (a page that
// documents extraData in a table of its own, without 接口参数).
func (p *pageDoc) jumpData(table []*param) {
	p.jumps[0].params = []*param{{name: "extraData", typ: "object", children: table, line: table[0].line,
		todos: []note{{"name", "the page lists these members in a table without saying which parameter carries them; extraData is what its sample code passes"}}}}
}

// exampleText returns the example as printed: the first JSON object when it
// parses, or a request URL.
func exampleText(ls []line) string {
	if len(ls) == 0 {
		return ""
	}
	if strings.HasPrefix(ls[0].text, "http") {
		return ls[0].text + "\n"
	}
	depth, start := 0, -1
	for i, l := range ls {
		if start < 0 && !strings.HasPrefix(l.text, "{") {
			continue
		}
		if start < 0 {
			start = i
		}
		depth += strings.Count(l.text, "{") - strings.Count(l.text, "}")
		if depth <= 0 {
			var b strings.Builder
			base := ls[start].indent
			for _, x := range ls[start : i+1] {
				b.WriteString(strings.Repeat(" ", max(0, x.indent-base)))
				b.WriteString(x.text)
				b.WriteByte('\n')
			}
			if json.Valid([]byte(b.String())) {
				return b.String()
			}
			return ""
		}
	}
	return ""
}

// truncation says where a page that ends mid-table or mid-example stops: a
// page whose last line is table content, or an example whose braces do not
// close, was cut there.
func (ps *parser) truncation() {
	p := ps.p
	last := ps.lines[len(ps.lines)-1]
	name := map[string]string{
		"request": "request parameter", "response": "response parameter", "notify": "notification parameter",
		"plaintext": "notification plaintext", "ack": "notification answer", "params": "jump parameter",
		"returns": "return data", "table": "parameter",
	}
	switch {
	case ps.state == "response" && p.status == 204:
		// A response section that says there is no body ends there.
	case paramSections[ps.state] && ps.headingLine == last.no:
		p.stopped = sprintf("the text ends at line %d, right after the heading of the %s table", last.no, name[ps.state])
	case paramSections[ps.state] && (ps.lastTableLine == last.no || partialRow.MatchString(last.text)):
		where := sprintf("inside the %s table", name[ps.state])
		rows := ps.tables[ps.tableKey()]
		if len(rows) > 0 {
			lastRow := rows[len(rows)-1]
			where += sprintf(", after %s (line %d)", lastRow.name, lastRow.line)
			if !ps.closed && ps.lastTableLine == last.no {
				lastRow.todo("the text stops in this row; its description may be cut")
			}
		}
		if ps.lastTableLine != last.no {
			where += sprintf("; the last line %q is not a whole row", clip(last.text))
		}
		p.stopped = sprintf("the text ends at line %d %s", last.no, where)
	case ps.state == "example" && unbalanced(ps.exLines[ps.example]):
		p.stopped = sprintf("the text ends at line %d inside the %s example", last.no, ps.example)
	case (p.path != "" || p.method != "") && !p.sawResponseHeading && len(p.response) == 0 && p.status == 0 && !p.isCallback:
		p.stopped = sprintf("the text ends at line %d before the response (返回参数) section", last.no)
	}
}

// partialRow is the start of a row cut before its type was whole:
// "授权状态 authorization_state stri".
var partialRow = regexp.MustCompile(`^(?:\+\s*)?(?:\S{1,30}\s+)?[A-Za-z_][A-Za-z0-9_]*(?:\s+(?:必填|选填))?(?:\s+[A-Za-z]*(?:[\[(][\d, ]*)?)?$`)

func unbalanced(ls []line) bool {
	depth := 0
	for _, l := range ls {
		depth += strings.Count(l.text, "{") - strings.Count(l.text, "}")
	}
	return depth > 0
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}
