package importer

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// node helpers: the draft is built as yaml.v3 nodes so that TODO comments
// sit on the line they are about and quoting is always right.

type mapNode struct{ n *yaml.Node }

func newMap() *mapNode { return &mapNode{n: &yaml.Node{Kind: yaml.MappingNode}} }

// set adds key: v and returns v, so a comment can be put on its line.
func (m *mapNode) set(key string, v *yaml.Node) *yaml.Node {
	m.n.Content = append(m.n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}

// key returns the key node of key, for a head comment.
func (m *mapNode) key(key string) *yaml.Node {
	for i := 0; i+1 < len(m.n.Content); i += 2 {
		if m.n.Content[i].Value == key {
			return m.n.Content[i]
		}
	}
	return nil
}

func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func num(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func flow(items ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, str(s))
	}
	return n
}

// todoValue is the placeholder of a required value the page does not give:
// it fails `payscoregen check` on purpose, on a line that says why.
const todoValue = "TODO"

// emitter builds the drafts and counts their TODOs.
type emitter struct {
	todos int
	ids   map[string]int // ids handed out, across the pages of one input
}

// comment puts TODO remarks on n's line.
func (e *emitter) comment(n *yaml.Node, texts ...string) {
	for _, t := range texts {
		if t == "" {
			continue
		}
		e.todos++
		if n.LineComment != "" {
			n.LineComment += "; " + t
		} else {
			n.LineComment = "# TODO: " + t
		}
	}
}

// head puts a TODO on the line before n.
func (e *emitter) head(n *yaml.Node, text string) {
	e.todos++
	if n.HeadComment != "" {
		n.HeadComment += "\n"
	}
	n.HeadComment += "# TODO: " + text
}

// id hands out a snake_case id, unique in this import.
func (e *emitter) id(base string) string {
	e.ids[base]++
	if n := e.ids[base]; n > 1 {
		return base + "_" + strconv.Itoa(n)
	}
	return base
}

// fieldCtx says where a list of fields sits.
type fieldCtx struct {
	request bool   // request parameters carry in
	method  string // GET requests have no body
	inPath  map[string]bool
}

var (
	fenRe      = regexp.MustCompile(`单位\s*[:：为]?\s*(?:人民币)?\s*分|以分为单位`)
	rfc3339Re  = regexp.MustCompile(`(?i)rfc\s*3339`)
	compactRe  = regexp.MustCompile(`yyyyMMddHHmmss`)
	dateOnlyRe = regexp.MustCompile(`yyyyMMdd`)
	maxItems   = regexp.MustCompile(`最多(?:包含|可传|支持|传)?\s*(\d+)\s*(?:条|个|项|组)`)
)

func (e *emitter) fields(ps []*param, c fieldCtx) *yaml.Node {
	out := seq()
	seen := map[string]bool{}
	for _, p := range ps {
		n := e.field(p, c)
		if seen[p.name] {
			e.comment(n.Content[1], "the name is listed twice in this table")
		}
		seen[p.name] = true
		out.Content = append(out.Content, n)
	}
	return out
}

// field turns one row into a field, its members nested in the FORMAT.md
// shape (fields; items for arrays).
func (e *emitter) field(p *param, c fieldCtx) *yaml.Node {
	m := newMap()
	at := map[string]*yaml.Node{}
	at["name"] = m.set("name", str(p.name))
	if p.title != "" {
		m.set("title", str(p.title))
	}
	if c.request {
		in := p.in
		if c.inPath[p.name] {
			in = "path"
		}
		if in == "" {
			e.comment(at["name"], "the page prints no location (path, query or body) for this parameter")
		} else {
			at["in"] = m.set("in", str(in))
			if in == "body" && c.method == "GET" {
				e.comment(at["in"], "a GET request has no body: the page says body")
			}
		}
	}
	typ := p.typ
	if typ == "" {
		at["type"] = m.set("type", str(todoValue))
		e.comment(at["type"], sprintf("the type is printed %q", p.rawType))
	} else {
		at["type"] = m.set("type", str(typ))
	}
	desc := strings.Join(p.desc, "\n")
	if f, why := formatOf(p, desc); f != "" {
		at["format"] = m.set("format", str(f))
	} else if why != "" {
		e.comment(at["type"], why)
	}
	lengthsHere := typ == "string"
	if lengthsHere && p.minLen != nil {
		at["min_length"] = m.set("min_length", num(*p.minLen))
	}
	if lengthsHere && p.maxLen != nil {
		at["max_length"] = m.set("max_length", num(*p.maxLen))
	}
	if typ == "array" {
		if mm := maxItems.FindStringSubmatch(desc); mm != nil {
			n, _ := strconv.Atoi(mm[1])
			at["max_items"] = m.set("max_items", num(n))
		}
	}
	switch {
	case c.request && c.inPath[p.name], c.request && p.in == "path":
		m.set("required", boolean(true)) // a path cannot be built without it
	case p.required != nil:
		at["required"] = m.set("required", boolean(*p.required))
	default:
		e.comment(at["name"], "required? the 必填 column is blank for this row")
	}
	if len(p.enum) > 0 {
		list := seq()
		for _, v := range p.enum {
			em := newMap()
			em.set("value", str(v.value))
			d := em.set("description", str(v.desc))
			if v.desc == "" {
				d.Value = todoValue
				e.comment(d, "the page gives no meaning for this value")
			}
			list.Content = append(list.Content, em.n)
		}
		at["enum"] = m.set("enum", list)
	}
	if p.constVal != "" {
		at["const"] = m.set("const", str(p.constVal))
	}
	if p.hasEx {
		at["example"] = m.set("example", str(p.example))
		if why := p.violation(p.example); why != "" {
			e.comment(at["example"], sprintf("the example %s: record an erratum and point erratum: at it, or fix the limit", why))
		}
	}
	if desc != "" {
		m.set("description", str(desc))
	}
	switch {
	case typ == "object" && len(p.children) == 0:
		e.comment(at["name"], "the page lists no members for this object")
	case typ == "object":
		m.set("fields", e.fields(p.children, fieldCtx{}))
	case typ == "array":
		items := newMap()
		switch {
		case p.itemType == "object" || len(p.children) > 0:
			items.set("type", str("object"))
			if len(p.children) > 0 {
				items.set("fields", e.fields(p.children, fieldCtx{}))
			} else {
				e.comment(items.n.Content[1], "the page lists no members for the items")
			}
		case p.itemType != "":
			items.set("type", str(p.itemType))
			if p.itemType == "string" && p.minLen != nil {
				items.set("min_length", num(*p.minLen))
			}
			if p.itemType == "string" && p.maxLen != nil {
				items.set("max_length", num(*p.maxLen))
			}
		default:
			e.comment(items.set("type", str(todoValue)), "the page does not say what the array holds")
		}
		m.set("items", items.n)
	}
	for _, t := range p.todos {
		n := at[t.key]
		if n == nil {
			n = at["name"]
		}
		e.comment(n, t.text)
	}
	return m.n
}

// formatOf returns the format the description states clearly, or a remark
// when it is unclear.
func formatOf(p *param, desc string) (format, unclear string) {
	if p.format != "" {
		return p.format, ""
	}
	text := p.title + " " + desc
	switch p.typ {
	case "integer":
		if fenRe.MatchString(text) || strings.Contains(p.title, "金额") {
			return "fen", ""
		}
	case "string":
		var shapes []string
		if rfc3339Re.MatchString(text) {
			shapes = append(shapes, "rfc3339")
		}
		if compactRe.MatchString(text) {
			shapes = append(shapes, "yyyyMMddHHmmss")
		}
		if dateOnlyRe.MatchString(compactRe.ReplaceAllString(text, "")) {
			shapes = append(shapes, "yyyyMMdd")
		}
		switch {
		case len(shapes) > 1:
			return "", "the description names several shapes (" + strings.Join(shapes, ", ") +
				"): if all are allowed list them under formats: (and literals:, FORMAT.md), else pick one and record an erratum"
		case len(shapes) == 1 && shapes[0] != "yyyyMMdd":
			return shapes[0], ""
		}
	}
	return "", ""
}

// violation says how a value breaks the row's own limits, as check would.
func (p *param) violation(v string) string {
	switch p.typ {
	case "integer":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "is not an integer"
		}
	case "boolean":
		if v != "true" && v != "false" {
			return "is not true or false"
		}
	case "string":
		n := utf8.RuneCountInString(v)
		if p.minLen != nil && n < *p.minLen {
			return sprintf("is %d characters, under min_length %d", n, *p.minLen)
		}
		if p.maxLen != nil && n > *p.maxLen {
			return sprintf("is %d characters, over max_length %d", n, *p.maxLen)
		}
		if len(p.enum) > 0 {
			for _, ev := range p.enum {
				if ev.value == v {
					return ""
				}
			}
			return "is not one of the enum values"
		}
		if p.constVal != "" && v != p.constVal {
			return sprintf("differs from the fixed value %q", p.constVal)
		}
	}
	return ""
}

var pathParamRe = regexp.MustCompile(`\{([^{}]*)\}`)

// endpointID derives an id from the method and path: the page names the
// operation only in Chinese.
func endpointID(method, path string) string {
	var words []string
	if method != "" {
		words = append(words, strings.ToLower(method))
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || seg == "v3" || seg == "payscore" || strings.HasPrefix(seg, "{") {
			continue
		}
		words = append(words, strings.ToLower(strings.NewReplacer("-", "_", ".", "_").Replace(seg)))
	}
	id := strings.Join(words, "_")
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		return "endpoint"
	}
	return regexp.MustCompile(`[^a-z0-9_]`).ReplaceAllString(id, "_")
}

func (e *emitter) endpoint(p *pageDoc, errorSet string) *yaml.Node {
	m := newMap()
	base := endpointID(p.method, p.path)
	e.comment(m.set("id", str(e.id(base))), "choose the id (derived from the method and path)")
	title := p.title
	if title == "" {
		title = todoValue
	}
	tn := m.set("title", str(title))
	if p.title == "" {
		e.comment(tn, "the page title was not found")
	}
	summary := p.summary
	if summary == "" {
		summary = p.title
	}
	m.set("summary", str(orTODO(summary)))
	if p.appliesTo != "" {
		m.set("applies_to", str(p.appliesTo))
	}
	mn := m.set("method", str(orTODO(p.method)))
	if p.method == "" {
		e.comment(mn, "the page prints no 请求方式")
	}
	pn := m.set("path", str(orTODO(p.path)))
	if p.path == "" {
		e.comment(pn, "the page prints no request URL")
	}
	m.set("content_type", str("json"))
	status := p.status
	sn := m.set("success_status", num(status))
	switch {
	case status == 0:
		sn.Value = todoValue
		sn.Tag = "!!str"
		e.comment(sn, "the page does not say: 200 with a response body, or 204 without")
	case p.statusWhy != "":
		sn.LineComment = "# " + clip(p.statusWhy)
	}
	inPath := map[string]bool{}
	for _, mm := range pathParamRe.FindAllStringSubmatch(p.path, -1) {
		inPath[mm[1]] = true
		if !hasParam(p.request, mm[1]) {
			e.comment(pn, sprintf("the path parameter {%s} is not in the request table", mm[1]))
		}
	}
	if len(p.request) > 0 {
		m.set("request", e.fields(p.request, fieldCtx{request: true, method: p.method, inPath: inPath}))
	}
	if len(p.response) > 0 {
		m.set("response", e.fields(p.response, fieldCtx{}))
		if status == 204 {
			e.head(m.key("response"), "success_status 204 has no body, but the page lists response fields")
		}
	}
	switch {
	case errorSet != "":
		m.set("error_sets", flow(errorSet))
	case len(p.errors) > 0:
		codes := make([]string, len(p.errors))
		for i, er := range p.errors {
			codes[i] = er.code
		}
		m.set("error_codes", flow(codes...))
	}
	if p.reqExample != "" {
		m.set("request_example", str(p.reqExample))
	}
	if p.respExample != "" {
		m.set("response_example", str(p.respExample))
	}
	return m.n
}

func hasParam(ps []*param, name string) bool {
	for _, p := range ps {
		if p.name == name {
			return true
		}
	}
	return false
}

func orTODO(s string) string {
	if s == "" {
		return todoValue
	}
	return s
}

func (e *emitter) callback(p *pageDoc) *yaml.Node {
	m := newMap()
	e.comment(m.set("id", str(e.id("notify"))), "choose the id")
	m.set("title", str(orTODO(p.title)))
	m.set("summary", str(orTODO(firstNonEmpty(p.summary, p.title))))
	m.set("method", str("POST"))
	enc := m.set("encoding", str("json"))
	if !p.mentions["JSON"] {
		enc.Value = todoValue
		e.comment(enc, "json or form: the page does not say")
	}
	sig := m.set("signature", str("WECHATPAY2-SHA256-RSA2048"))
	if p.mentions["Wechatpay-Signature"] || p.mentions["v3签名"] {
		sig.LineComment = "# the page: Wechatpay-Signature, 微信支付API v3签名验证"
	} else {
		sig.Value = todoValue
		e.comment(sig, "the page does not say how the notification is signed")
	}
	if p.mentions["AEAD_AES_256_GCM"] {
		m.set("encryption", str("AEAD_AES_256_GCM"))
	}
	if len(p.headers) > 0 {
		hs := seq()
		for _, h := range p.headers {
			hm := newMap()
			hm.set("name", str(h.name))
			hm.set("description", str(h.desc))
			hs.Content = append(hs.Content, hm.n)
		}
		m.set("headers", hs)
	}
	events := seq()
	for _, f := range p.envelope {
		if f.name == "event_type" {
			for _, v := range f.enum {
				em := newMap()
				em.set("type", str(v.value))
				em.set("summary", str(orTODO(v.desc)))
				events.Content = append(events.Content, em.n)
			}
		}
	}
	m.set("events", events)
	if len(events.Content) == 0 {
		e.head(m.key("events"), "the page lists no event types (event_type values)")
	}
	m.set("envelope", e.fields(p.envelope, fieldCtx{}))
	m.set("plaintext", e.fields(p.plaintext, fieldCtx{}))
	if len(p.plaintext) == 0 {
		e.head(m.key("plaintext"), "the page has no table of the decrypted resource")
		for _, ev := range events.Content {
			e.comment(ev.Content[1], "no plaintext was read for this event")
		}
	}
	ack := newMap()
	statuses := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range p.ackStatuses {
		statuses.Content = append(statuses.Content, num(s))
	}
	if len(statuses.Content) == 0 {
		statuses.Content = append(statuses.Content, str(todoValue))
		e.comment(statuses, "the page does not say which statuses acknowledge")
	}
	ack.set("success_statuses", statuses)
	if p.ackFailure != "" {
		ack.set("failure_statuses", str(p.ackFailure))
	}
	if len(p.failure) > 0 {
		ack.set("failure_body", e.fields(p.failure, fieldCtx{}))
	}
	m.set("ack", ack.n)
	retry := newMap()
	iv := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range p.retry {
		iv.Content = append(iv.Content, str(s))
	}
	if len(iv.Content) == 0 {
		iv.Content = append(iv.Content, str(todoValue))
		e.comment(iv, "the page prints no retry schedule (通知频率)")
	}
	retry.set("intervals", iv)
	if p.retryThen != "" {
		retry.set("then", str(p.retryThen))
	}
	if p.maxAge != "" {
		retry.set("max_age", str(p.maxAge))
	}
	m.set("retry", retry.n)
	return m.n
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

var platformOf = map[string]string{
	"wx.openBusinessView": "miniprogram", "wx.navigateToMiniProgram": "miniprogram",
	"WXOpenBusinessView": "app", "openBusinessView": "jsapi",
}

var jumpIDOf = map[string]string{
	"wx.openBusinessView": "open_business_view", "wx.navigateToMiniProgram": "navigate_to_mini_program",
	"WXOpenBusinessView": "app_open_business_view", "openBusinessView": "jsapi_open_business_view",
}

func (e *emitter) jump(p *pageDoc, j *jumpDoc) *yaml.Node {
	m := newMap()
	e.comment(m.set("id", str(e.id(jumpIDOf[j.call]))), "choose the id (derived from the call)")
	m.set("title", str(orTODO(p.title)))
	m.set("summary", str(orTODO(firstNonEmpty(p.summary, p.title))+" ("+j.call+")"))
	m.set("platform", str(platformOf[j.call]))
	m.set("call", str(j.call))

	var carrier *param
	var params []*param
	for _, prm := range j.params {
		if carrier == nil && (len(prm.children) > 0 || prm.name == "extraData" || prm.name == "query" || prm.name == "queryString") {
			carrier = prm
		}
		params = append(params, prm)
	}
	constOf := func(name string) string {
		for _, prm := range params {
			if prm.name == name {
				return prm.constVal
			}
		}
		return ""
	}
	if bt := constOf("businessType"); bt != "" {
		m.set("business_type", str(bt))
	} else if j.call != "wx.navigateToMiniProgram" {
		e.comment(m.set("business_type", str(todoValue)), "the page prints no fixed businessType")
	}
	if j.call == "wx.navigateToMiniProgram" {
		app, path := firstNonEmpty(constOf("appId"), p.codeApp), firstNonEmpty(constOf("path"), p.codePath)
		an := m.set("app_id", str(orTODO(app)))
		if app == "" {
			e.comment(an, "the page prints no fixed appId")
		} else if constOf("appId") == "" {
			an.LineComment = "# from the page's sample code"
		}
		pn := m.set("path", str(orTODO(path)))
		if path == "" {
			e.comment(pn, "the page prints no fixed path")
		} else if constOf("path") == "" {
			pn.LineComment = "# from the page's sample code"
		}
	}
	var data []*param
	switch {
	case carrier == nil:
		cn := m.set("carrier", str(todoValue))
		e.comment(cn, "no parameter carries the business data (extraData, query)")
		e.comment(m.set("carrier_field", str(todoValue)), "the parameter that carries the data")
	case carrier.typ == "string":
		m.set("carrier", str("query_string"))
		m.set("carrier_field", str(carrier.name))
		// A query-string carrier is a string: its members are the data,
		// URL-encoded into it (the page: key=value&key2=value2).
		data, carrier.children, carrier.opens, carrier.format = carrier.children, nil, false, "query_string"
	default:
		m.set("carrier", str("extra_data"))
		m.set("carrier_field", str(carrier.name))
		data = carrier.children
	}
	if j.call == "wx.navigateToMiniProgram" {
		// The sample code passes appId and path; a page without their rows
		// still fixes them there.
		var fixed []*param
		for _, kv := range [][2]string{{"appId", p.codeApp}, {"path", p.codePath}} {
			if kv[1] != "" && !hasParam(params, kv[0]) {
				fixed = append(fixed, &param{name: kv[0], typ: "string", constVal: kv[1], required: ptr(true),
					todos: []note{{"name", "from the page's sample code; the page has no row for it"}}})
			}
		}
		params = append(fixed, params...)
	}
	m.set("params", e.fields(params, fieldCtx{}))
	if len(params) == 0 {
		e.head(m.key("params"), "the page has no 接口参数 table for this call")
	}
	m.set("data", e.fields(data, fieldCtx{}))
	if len(data) == 0 {
		msg := "the page prints no table of the business data"
		if carrier != nil && p.evidence != nil {
			if keys := p.evidence.members(carrier.name); len(keys) > 0 {
				msg += "; its sample code passes " + strings.Join(keys, ", ") + " (no types or limits)"
			}
		}
		e.head(m.key("data"), msg)
	}
	signing := newMap()
	alg := signing.set("algorithm", str("none"))
	if hasParam(data, "sign") || len(data) == 0 {
		alg.Value = todoValue
		e.comment(alg, "the page shows a sign but not how it is computed (none, HMAC-SHA256 or MD5, and the key)")
	} else {
		alg.LineComment = "# no sign among the data"
	}
	m.set("signing", signing.n)
	if req := e.requires(p, j); req != nil {
		m.set("requires", req)
	}
	if len(p.returns) > 0 {
		r := newMap()
		if p.scene != 0 {
			r.set("scene", num(p.scene))
		}
		r.set("fields", e.fields(p.returns, fieldCtx{}))
		pw := r.set("present_when", str(orTODO(p.returnsWhen)))
		if p.returnsWhen == "" {
			e.comment(pw, "when does the return data arrive?")
		}
		m.set("returns", r.n)
	}
	return m.n
}

func (e *emitter) requires(p *pageDoc, j *jumpDoc) *yaml.Node {
	g := j.gates
	pick := func(a, b string) string { return firstNonEmpty(a, b) }
	m := newMap()
	for _, kv := range [][2]string{
		{"base_library", pick(g.baseLibrary, p.gates.baseLibrary)}, {"wechat", pick(g.wechat, p.gates.wechat)},
		{"opensdk_android", pick(g.android, p.gates.android)}, {"opensdk_ios", pick(g.ios, p.gates.ios)},
		{"jssdk", pick(g.jssdk, p.gates.jssdk)},
	} {
		if kv[1] != "" && (j.call != "wx.navigateToMiniProgram" || kv[0] != "base_library") {
			m.set(kv[0], str(kv[1]))
		}
	}
	switch {
	case j.call == "wx.navigateToMiniProgram":
		m.set("counts_toward_jump_limit", boolean(true)).LineComment = "# navigateToMiniProgram counts toward the 10 target mini programs"
	case p.gates.jumpLimit != nil:
		m.set("counts_toward_jump_limit", boolean(*p.gates.jumpLimit))
	}
	if len(m.n.Content) == 0 {
		return nil
	}
	return m.n
}

var adviceHint = []struct {
	re     *regexp.Regexp
	advice string
}{
	{regexp.MustCompile(`相同参数|稍后重新调用|稍后重试`), "retry_same_params"},
	{regexp.MustCompile(`频率|请求量`), "back_off"},
	{regexp.MustCompile(`无需操作`), "nothing_to_do"},
	{regexp.MustCompile(`商户平台|商户信息|权限`), "check_merchant"},
	{regexp.MustCompile(`流程|状态`), "check_flow"},
	{regexp.MustCompile(`参数|入参`), "fix_request"},
}

func (e *emitter) errorList(rows []errorRow) *yaml.Node {
	list := seq()
	for _, r := range rows {
		m := newMap()
		cn := m.set("code", str(r.code))
		if r.printed != r.code {
			e.comment(cn, sprintf("printed as %q: record an erratum", r.printed))
		}
		m.set("status", num(r.status))
		m.set("description", str(orTODO(r.description)))
		m.set("solution", str(orTODO(r.solution)))
		a := m.set("advice", str(todoValue))
		hint := ""
		for _, h := range adviceHint {
			if h.re.MatchString(r.solution) {
				hint = " (the solution reads like " + h.advice + ")"
				break
			}
		}
		e.comment(a, "choose retry_same_params, back_off, fix_request, check_merchant, check_flow or nothing_to_do"+hint)
		list.Content = append(list.Content, m.n)
	}
	return list
}

// packageOf follows FORMAT.md's package layout; what it cannot tell is a TODO.
func packageOf(p *pageDoc, allText string) (pkg, why string) {
	switch {
	case strings.Contains(allText, "小微聚付"):
		return "xiaoweijufu", "小微聚付"
	case strings.Contains(p.path, "/acquiringbank/") || p.appliesTo == "从业机构":
		return "acquiringbank", "acquiring-bank (从业机构) endpoints and callbacks (FORMAT.md)"
	case strings.Contains(p.path, "/partner/"):
		return "partner", "partner (服务商) mode (FORMAT.md)"
	case strings.HasPrefix(p.path, "/v3/payscore/"):
		return "merchant", "merchant (直连商户) mode (FORMAT.md)"
	case len(p.jumps) > 0:
		return "payscore", "jumps every mode shares (FORMAT.md)"
	}
	return "", ""
}

func sortedErrors(rows []errorRow) []errorRow {
	out := append([]errorRow(nil), rows...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
}
